// SPDX-License-Identifier: GPL-2.0
/*
 * CLOSE_WAIT over netlink: GET_CLOSEWAIT, one message per local port of
 * the caller's namespace (or of all) with sockets in CLOSE_WAIT or an
 * active alarm, and the nests of its oldest tracked sockets (also in
 * alarms).
 *
 * Context: process context; the dump holds tcpsm_cw_lock (inside
 * tcpsm_nets_lock when it reads every namespace).
 */
#include <linux/ktime.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "tcpsm_cw.h"
#include "tcpsm_genl.h"

int tcpsm_cw_put_socks(struct sk_buff *skb, int type,
		       const struct tcpsm_cw_port *p, u64 now)
{
	const struct tcpsm_cw_sock *s;
	struct nlattr *nest;
	int n = 0, alen;

	list_for_each_entry(s, &p->socks, pnode) {
		/*
		 * An entry made from a record since the last walk has no
		 * owner read yet (family 0), and its socket may already be
		 * gone: only what a walk confirmed is shown.
		 */
		if (!s->owner.family)
			continue;
		if (n++ == TCPSM_CW_SOCKS_SHOWN)
			break;
		alen = s->owner.family == AF_INET6 ? sizeof(struct in6_addr) :
						     sizeof(__be32);
		nest = nla_nest_start(skb, type);
		if (!nest)
			return -EMSGSIZE;
		if (nla_put_u32(skb, TCPSM_A_SOCKET_UID, s->owner.uid) ||
		    nla_put_u64_64bit(skb, TCPSM_A_SOCKET_INO, s->owner.ino,
				      TCPSM_A_SOCKET_PAD) ||
		    nla_put_u64_64bit(skb, TCPSM_A_SOCKET_COOKIE, s->cookie,
				      TCPSM_A_SOCKET_PAD) ||
		    nla_put_u64_64bit(skb, TCPSM_A_SOCKET_CGROUP,
				      s->owner.cgroup, TCPSM_A_SOCKET_PAD) ||
		    nla_put_u64_64bit(skb, TCPSM_A_SOCKET_AGE,
				      now > s->since ?
				      div_u64(now - s->since, NSEC_PER_MSEC) : 0,
				      TCPSM_A_SOCKET_PAD) ||
		    nla_put_u16(skb, TCPSM_A_SOCKET_FAMILY, s->owner.family) ||
		    nla_put(skb, TCPSM_A_SOCKET_DADDR, alen, &s->owner.daddr) ||
		    nla_put_u16(skb, TCPSM_A_SOCKET_DPORT, s->owner.dport) ||
		    nla_put(skb, TCPSM_A_SOCKET_SADDR, alen, &s->owner.saddr)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
		nla_nest_end(skb, nest);
	}
	return 0;
}

static int tcpsm_cw_fill_port(struct sk_buff *skb, struct netlink_callback *cb,
			      struct tcpsm_net *tn, struct tcpsm_cw_port *p,
			      u64 sample, u64 now)
{
	unsigned int win = READ_ONCE(tn->cw_window);
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &tcpsm_family, NLM_F_MULTI, TCPSM_CMD_GET_CLOSEWAIT);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	if (nla_put_u32(skb, TCPSM_A_CLOSEWAIT_NETNS, tn->net->ns.inum) ||
	    nla_put_u16(skb, TCPSM_A_CLOSEWAIT_PORT, p->port) ||
	    nla_put_u32(skb, TCPSM_A_CLOSEWAIT_COUNT, p->count) ||
	    nla_put_u64_64bit(skb, TCPSM_A_CLOSEWAIT_OLDEST_AGE,
			      tcpsm_cw_oldest_ms(p, now),
			      TCPSM_A_CLOSEWAIT_PAD) ||
	    nla_put_s32(skb, TCPSM_A_CLOSEWAIT_GROWTH,
			tcpsm_cw_growth(p, sample, win)) ||
	    nla_put_u32(skb, TCPSM_A_CLOSEWAIT_ENTRIES,
			tcpsm_cw_sum(p->entries, sample, win)) ||
	    nla_put_u32(skb, TCPSM_A_CLOSEWAIT_EXITS,
			tcpsm_cw_sum(p->exits, sample, win)) ||
	    nla_put_u32(skb, TCPSM_A_CLOSEWAIT_UNTRACKED,
			p->count > p->tracked ? p->count - p->tracked : 0) ||
	    (p->alarm && nla_put_flag(skb, TCPSM_A_CLOSEWAIT_ALARM)) ||
	    tcpsm_cw_put_socks(skb, TCPSM_A_CLOSEWAIT_SOCKET, p, now)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * GET_CLOSEWAIT of one namespace: args[0] counts the ports already
 * sent. A sample between two rounds marks the dump interrupted.
 */
static int tcpsm_cw_dump_ns(struct sk_buff *skb, struct netlink_callback *cb,
			    struct tcpsm_net *tn)
{
	struct tcpsm_cw_port *p;
	long i = 0;
	u64 now = ktime_get_ns(), sample;
	int err = 0;

	mutex_lock(&tcpsm_cw_lock);
	cb->seq = tcpsm_cw_sample;
	sample = tcpsm_cw_sample - 1;
	list_for_each_entry(p, &tn->cw_ports, tnode) {
		if (!p->count && !p->alarm)
			continue;
		if (i++ < cb->args[0])
			continue;
		err = tcpsm_cw_fill_port(skb, cb, tn, p, sample, now);
		if (err)
			break;
		cb->args[0] = i;
	}
	mutex_unlock(&tcpsm_cw_lock);
	return err;
}

int tcpsm_nl_get_closewait_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	return tcpsm_dump_netns(skb, cb,
				tcpsm_dump_attrs(cb)[TCPSM_A_CLOSEWAIT_ALL_NETNS],
				tcpsm_cw_dump_ns);
}
