// SPDX-License-Identifier: GPL-2.0
/*
 * GET_LATENCY: the time-in-state histograms of a namespace (or, with
 * all-netns, of each), one message per state with edges out of it, then
 * one per port kept. Read without a lock: the per-CPU counters are
 * summed as they are, and a port slot, once claimed, keeps its key.
 */
#include <net/genetlink.h>

#include "tcpsm_genl.h"
#include "tcpsm_tis.h"

struct tcpsm_tis_hist {
	u64 bucket[TCPSM_TIS_BUCKETS];
	u64 count;
	u64 sum_ns;
	u64 unknown;
	u64 port_overflow;
};

/* @from's histogram of the whole namespace, from its counters @pc. */
static void tcpsm_tis_sum(struct tcpsm_pcpu __percpu *pc, int from,
			  struct tcpsm_tis_hist *h)
{
	const struct tcpsm_pcpu *c;
	unsigned int b;
	int cpu;

	memset(h, 0, sizeof(*h));
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(pc, cpu);
		for (b = 0; b < TCPSM_TIS_BUCKETS; b++)
			h->bucket[b] += READ_ONCE(c->tis[from][b]);
		h->sum_ns += READ_ONCE(c->tis_sum_ns[from]);
		h->unknown += READ_ONCE(c->tis_unknown[from]);
		h->port_overflow += READ_ONCE(c->tis_port_overflow[from]);
	}
	for (b = 0; b < TCPSM_TIS_BUCKETS; b++)
		h->count += h->bucket[b];
}

static void tcpsm_tis_port_read(struct tcpsm_tis_port *p,
				struct tcpsm_tis_hist *h)
{
	unsigned int b;

	memset(h, 0, sizeof(*h));
	for (b = 0; b < TCPSM_TIS_BUCKETS; b++) {
		h->bucket[b] = atomic64_read(&p->bucket[b]);
		h->count += h->bucket[b];
	}
	h->sum_ns = atomic64_read(&p->sum_ns);
	h->unknown = atomic64_read(&p->unknown);
}

/* One message: @from's histogram @h, of @port (< 0: the namespace's). */
static int tcpsm_tis_fill(struct sk_buff *skb, struct netlink_callback *cb,
			  struct tcpsm_net *tn, int from, int port,
			  const struct tcpsm_tis_hist *h)
{
	unsigned int b;
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &tcpsm_family, NLM_F_MULTI, TCPSM_CMD_GET_LATENCY);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, TCPSM_A_LATENCY_NETNS, tn->net->ns.inum) ||
	    nla_put_u32(skb, TCPSM_A_LATENCY_STATE, from) ||
	    (port >= 0 && nla_put_u16(skb, TCPSM_A_LATENCY_PORT, port)) ||
	    nla_put_u64_64bit(skb, TCPSM_A_LATENCY_COUNT, h->count,
			      TCPSM_A_LATENCY_PAD) ||
	    nla_put_u64_64bit(skb, TCPSM_A_LATENCY_SUM_NS, h->sum_ns,
			      TCPSM_A_LATENCY_PAD) ||
	    nla_put_u64_64bit(skb, TCPSM_A_LATENCY_UNKNOWN, h->unknown,
			      TCPSM_A_LATENCY_PAD))
		goto cancel;
	for (b = 0; b < TCPSM_TIS_BUCKETS; b++)
		if (nla_put_u64_64bit(skb, TCPSM_A_LATENCY_BUCKET,
				      h->bucket[b], TCPSM_A_LATENCY_PAD))
			goto cancel;
	if (port < 0 && tcpsm_tis_keeps_ports(from) &&
	    nla_put_u64_64bit(skb, TCPSM_A_LATENCY_PORT_OVERFLOW,
			      h->port_overflow, TCPSM_A_LATENCY_PAD))
		goto cancel;
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/*
 * GET_LATENCY of one namespace: item i < TCPSM_NSTATES is state i's
 * message, then port slot i - TCPSM_NSTATES's; args[0] is the next item.
 */
static int tcpsm_tis_dump_ns(struct sk_buff *skb, struct netlink_callback *cb,
			     struct tcpsm_net *tn)
{
	struct tcpsm_pcpu __percpu *pc;
	struct tcpsm_tis_ports *tp;
	struct tcpsm_tis_hist h;
	long i, n;
	int err = 0;
	u32 key;

	rcu_read_lock();
	pc = READ_ONCE(tn->pcpu);
	if (!pc)
		goto out;	/* being torn down */
	tp = tn->tis;
	n = TCPSM_NSTATES + tp->n;
	for (i = cb->args[0]; i < n; i++) {
		if (i < TCPSM_NSTATES) {
			tcpsm_tis_sum(pc, i, &h);
			if (!h.count && !h.unknown)
				continue;
			err = tcpsm_tis_fill(skb, cb, tn, i, -1, &h);
		} else {
			key = READ_ONCE(tp->key[i - TCPSM_NSTATES]);
			if (!key)
				continue;
			tcpsm_tis_port_read(&tp->port[i - TCPSM_NSTATES], &h);
			err = tcpsm_tis_fill(skb, cb, tn, key >> 16,
					     key & 0xffff, &h);
		}
		if (err)
			break;
		cb->args[0] = i + 1;
	}
out:
	rcu_read_unlock();
	return err;
}

int tcpsm_nl_get_latency_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	return tcpsm_dump_netns(skb, cb,
				tcpsm_dump_attrs(cb)[TCPSM_A_LATENCY_ALL_NETNS],
				tcpsm_tis_dump_ns);
}
