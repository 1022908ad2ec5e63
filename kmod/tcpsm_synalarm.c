// SPDX-License-Identifier: GPL-2.0
/*
 * Listener alarms: the two scores of a listener and the SYN_FLOOD and
 * ACCEPT_QUEUE_OVERFLOW alarms raised from them (Documentation/design.md).
 *
 * SYN-flood score = 100 * P * B, each factor in 0..1:
 *   P, pressure: SYNs per second that found this listener's SYN queue
 *      full (cookied or dropped), over the queue's size;
 *   B, non-completion: the share of the namespace's SYN cookies that did
 *      not come back as a valid ACK over the last samples (if any were
 *      sent), or SYN-ACK retransmits per second over the requests in the
 *      queue, whichever is larger.
 * Real load completes its handshakes, so B stays low even when every SYN
 * gets a cookie (tcp_syncookies=2); a spoofed flood never does. While the
 * accept queue is full the score is 0: half-open connections then pile
 * up because the application does not accept, which is the other alarm.
 *
 * Accept-queue score = 100 * accept queue / backlog, halved in a sample in
 * which the listener dropped nothing.
 *
 * Per listener and alarm: raised once the score stayed at or above
 * synflood.raise for synflood.duration samples in a row, cleared once it
 * stayed below synflood.clear as long. A listener that goes away clears
 * its alarms.
 *
 * Context: process context, under tcpsm_ls_lock (the listener sampler,
 * GET_ALARMS). Messages go out through tcpsm_alarm.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/math64.h>
#include <net/genetlink.h>

#include "tcpsm_alarm.h"
#include "tcpsm_listen.h"

static const u32 tcpsm_ls_kind[TCPSM_LS_NALARMS] = {
	[TCPSM_LS_SYN_FLOOD] = TCPSM_ALARM_KIND_SYN_FLOOD,
	[TCPSM_LS_ACCEPT] = TCPSM_ALARM_KIND_ACCEPT_QUEUE_OVERFLOW,
};

/* in per mille, a / b capped at 1 */
static u64 tcpsm_permille(u64 a, u64 b)
{
	return min_t(u64, 1000, div64_u64(a * 1000, max_t(u64, b, 1)));
}

void tcpsm_ls_score(struct tcpsm_ls_sig *sig, bool cookies_sent)
{
	bool full = sig->acceptq && sig->acceptq >= sig->acceptq_max;
	u64 p, b;

	sig->accept_score = sig->acceptq_max ?
		tcpsm_permille(sig->acceptq, sig->acceptq_max) / 10 :
		(sig->acceptq ? 100 : 0);
	if (!sig->drops)
		sig->accept_score /= 2;

	if (full) {
		sig->score = 0;
		return;
	}
	p = tcpsm_permille(sig->overflow, sig->synq_max);
	b = cookies_sent ? (100 - sig->completion) * 10 : 0;
	b = max(b, tcpsm_permille(sig->synack, sig->synq));
	sig->score = div64_u64(p * b, 10000);
}

static u32 tcpsm_ls_score_of(const struct tcpsm_listener *l, int k)
{
	return k == TCPSM_LS_SYN_FLOOD ? l->sig.score : l->sig.accept_score;
}

/* What a listener alarm message says: alarm @k of listener @l. */
struct tcpsm_ls_alarm_msg {
	struct tcpsm_net *tn;
	const struct tcpsm_listener *l;
	int k;
};

static int tcpsm_ls_alarm_fill(struct sk_buff *skb, const void *arg,
			       int state, u64 ts)
{
	const struct tcpsm_ls_alarm_msg *a = arg;
	const struct tcpsm_listener *l = a->l;

	if (nla_put_u32(skb, TCPSM_A_ALARM_KIND, tcpsm_ls_kind[a->k]) ||
	    nla_put_u32(skb, TCPSM_A_ALARM_STATE, state) ||
	    nla_put_u64_64bit(skb, TCPSM_A_ALARM_TS, ts, TCPSM_A_ALARM_PAD) ||
	    nla_put_u32(skb, TCPSM_A_ALARM_NETNS, a->tn->net->ns.inum) ||
	    nla_put_u16(skb, TCPSM_A_ALARM_PORT, l->sig.port) ||
	    nla_put_u32(skb, TCPSM_A_ALARM_SCORE, tcpsm_ls_score_of(l, a->k)))
		return -EMSGSIZE;
	return tcpsm_ls_put(skb, TCPSM_A_ALARM_LISTENER, a->tn, l);
}

static void tcpsm_ls_alarm_set(struct tcpsm_net *tn, struct tcpsm_listener *l,
			       int k, bool on, u64 now)
{
	struct tcpsm_ls_alarm_msg msg = { tn, l, k };

	l->alarm[k] = on;
	l->run[k] = 0;
	if (on)
		l->alarm_ts[k] = now;
	WRITE_ONCE(tn->ls_alarms, tn->ls_alarms + (on ? 1 : -1));
	tcpsm_alarm_notify(tn, tcpsm_ls_alarm_fill, &msg,
			   on ? TCPSM_ALARM_STATE_RAISE : TCPSM_ALARM_STATE_CLEAR,
			   now, l->sig.port);
}

/* After each sample of @l. */
void tcpsm_ls_alarm_eval(struct tcpsm_net *tn, struct tcpsm_listener *l,
			 u64 now)
{
	u32 raise = READ_ONCE(tn->syn_raise);
	u32 clear = READ_ONCE(tn->syn_clear);
	u32 duration = READ_ONCE(tn->syn_duration);
	u32 score;
	int k;

	lockdep_assert_held(&tcpsm_ls_lock);
	for (k = 0; k < TCPSM_LS_NALARMS; k++) {
		score = tcpsm_ls_score_of(l, k);
		if (l->alarm[k] ? score < clear : score >= raise)
			l->run[k]++;
		else
			l->run[k] = 0;
		if (l->run[k] >= duration)
			tcpsm_ls_alarm_set(tn, l, k, !l->alarm[k], now);
	}
}

/* @l is no longer a listener: its alarms clear, with its last signals. */
void tcpsm_ls_alarm_gone(struct tcpsm_net *tn, struct tcpsm_listener *l,
			 u64 now)
{
	int k;

	lockdep_assert_held(&tcpsm_ls_lock);
	for (k = 0; k < TCPSM_LS_NALARMS; k++)
		if (l->alarm[k])
			tcpsm_ls_alarm_set(tn, l, k, false, now);
}

/* GET_ALARMS: the active listener alarms of @tn. */
int tcpsm_ls_alarms_dump(struct tcpsm_alarm_dump *d, struct tcpsm_net *tn)
{
	struct tcpsm_ls_alarm_msg msg = { .tn = tn };
	struct tcpsm_listener *l;
	int err = 0;

	mutex_lock(&tcpsm_ls_lock);
	list_for_each_entry(l, &tn->ls_list, tnode) {
		msg.l = l;
		for (msg.k = 0; msg.k < TCPSM_LS_NALARMS; msg.k++) {
			if (!l->alarm[msg.k])
				continue;
			err = tcpsm_alarm_dump_one(d, tcpsm_ls_alarm_fill, &msg,
						   l->alarm_ts[msg.k]);
			if (err)
				goto out;
		}
	}
out:
	mutex_unlock(&tcpsm_ls_lock);
	return err;
}
