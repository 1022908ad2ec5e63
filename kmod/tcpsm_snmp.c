// SPDX-License-Identifier: GPL-2.0
/*
 * A namespace's SNMP counters about listeners (nstat's TcpExt names),
 * sampled once a second by the listener sampler: their values, their
 * rates, and the SYN cookie completion ratio (SyncookiesRecv over
 * SyncookiesSent) over the last TCPSM_SNMP_HIST samples, which tells a
 * spoofed flood (cookies never come back) from real load (they do).
 *
 * Context: process context, under tcpsm_ls_lock (the sampler and the
 * GET_STATS reply).
 */
#include <linux/math64.h>
#include <net/ip.h>
#include <net/netlink.h>
#include <net/snmp.h>

#include "tcpsm_listen.h"
#include "tcpsm_snmp.h"

/* enum tcpsm_syn_counter - 1 -> LINUX_MIB_* */
static const int tcpsm_snmp_mib[TCPSM_SNMP_N] = {
	LINUX_MIB_TCPREQQFULLDOCOOKIES,
	LINUX_MIB_TCPREQQFULLDROP,
	LINUX_MIB_SYNCOOKIESSENT,
	LINUX_MIB_SYNCOOKIESRECV,
	LINUX_MIB_SYNCOOKIESFAILED,
	LINUX_MIB_LISTENOVERFLOWS,
	LINUX_MIB_LISTENDROPS,
};

#define TCPSM_SNMP_IDX(c)	((c) - TCPSM_SYN_COUNTER_TCP_REQ_QFULL_DO_COOKIES)

void tcpsm_snmp_sample(struct tcpsm_net *tn, u64 now)
{
	struct tcpsm_snmp *s = &tn->snmp;
	unsigned int slot = s->samples % TCPSM_SNMP_HIST;
	u64 v, delta[TCPSM_SNMP_N], elapsed = now - s->ts;
	int i;

	lockdep_assert_held(&tcpsm_ls_lock);
	for (i = 0; i < TCPSM_SNMP_N; i++) {
		v = snmp_fold_field(tn->net->mib.net_statistics,
				    tcpsm_snmp_mib[i]);
		/* a first sample has no rate */
		delta[i] = s->ts && v > s->value[i] ? v - s->value[i] : 0;
		s->value[i] = v;
		s->rate[i] = s->ts && elapsed ?
			     div64_u64(delta[i] * NSEC_PER_SEC + elapsed / 2,
				       elapsed) : 0;
	}
	s->sent[slot] = delta[TCPSM_SNMP_IDX(TCPSM_SYN_COUNTER_SYNCOOKIES_SENT)];
	s->recv[slot] = delta[TCPSM_SNMP_IDX(TCPSM_SYN_COUNTER_SYNCOOKIES_RECV)];
	s->ts = now;
	/* also read without tcpsm_ls_lock, by GET_ALARMS (tcpsm_genl.c) */
	WRITE_ONCE(s->samples, s->samples + 1);
}

/* SYNs per second that found a SYN queue full, over the last sample */
u64 tcpsm_snmp_overflow(const struct tcpsm_net *tn)
{
	const struct tcpsm_snmp *s = &tn->snmp;

	return s->rate[TCPSM_SNMP_IDX(TCPSM_SYN_COUNTER_TCP_REQ_QFULL_DO_COOKIES)] +
	       s->rate[TCPSM_SNMP_IDX(TCPSM_SYN_COUNTER_TCP_REQ_QFULL_DROP)];
}

/*
 * Percent of the cookies sent over the last samples that came back valid;
 * 100 with @sent false when none were sent.
 */
u32 tcpsm_snmp_completion(const struct tcpsm_net *tn, bool *sent)
{
	const struct tcpsm_snmp *s = &tn->snmp;
	u64 out = 0, back = 0;
	int i;

	for (i = 0; i < TCPSM_SNMP_HIST; i++) {
		out += s->sent[i];
		back += s->recv[i];
	}
	*sent = out != 0;
	if (!out)
		return 100;
	return back >= out ? 100 : (u32)div64_u64(back * 100, out);
}

size_t tcpsm_snmp_size(void)
{
	return TCPSM_SNMP_N *
	       nla_total_size(nla_total_size(sizeof(u32)) +
			      2 * nla_total_size_64bit(sizeof(u64)));
}

/* GET_STATS: the counters, once the namespace has been sampled. */
int tcpsm_snmp_put(struct sk_buff *skb, struct tcpsm_net *tn)
{
	struct nlattr *nest;
	int i, err = 0;

	mutex_lock(&tcpsm_ls_lock);
	for (i = 0; tn->snmp.ts && i < TCPSM_SNMP_N; i++) {
		nest = nla_nest_start(skb, TCPSM_A_STATS_SYN_COUNTER);
		if (!nest ||
		    nla_put_u32(skb, TCPSM_A_SYN_COUNTER_NAME,
				i + TCPSM_SYN_COUNTER_TCP_REQ_QFULL_DO_COOKIES) ||
		    nla_put_u64_64bit(skb, TCPSM_A_SYN_COUNTER_VALUE,
				      tn->snmp.value[i], TCPSM_A_SYN_COUNTER_PAD) ||
		    nla_put_u64_64bit(skb, TCPSM_A_SYN_COUNTER_RATE,
				      tn->snmp.rate[i], TCPSM_A_SYN_COUNTER_PAD)) {
			err = -EMSGSIZE;
			break;
		}
		nla_nest_end(skb, nest);
	}
	mutex_unlock(&tcpsm_ls_lock);
	return err;
}
