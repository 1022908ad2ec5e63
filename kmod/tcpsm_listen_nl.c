// SPDX-License-Identifier: GPL-2.0
/*
 * Listeners over netlink: the listener nest (GET_LISTENERS and the
 * listener alarms carry it) and GET_LISTENERS, one message per listener
 * sampled at least once, of the caller's namespace or of all.
 *
 * Context: process context, under tcpsm_ls_lock.
 */
#include <net/genetlink.h>
#include <net/sock.h>

#include "tcpsm_genl.h"
#include "tcpsm_listen.h"

/* @l's last sample as a nest of type @type (listener attributes). */
int tcpsm_ls_put(struct sk_buff *skb, int type, const struct tcpsm_net *tn,
		 const struct tcpsm_listener *l)
{
	const struct tcpsm_ls_sig *sig = &l->sig;
	struct nlattr *nest = nla_nest_start(skb, type);
	int alen = sig->family == AF_INET6 ? 16 : 4;

	if (!nest ||
	    nla_put_u32(skb, TCPSM_A_LISTENER_NETNS, tn->net->ns.inum) ||
	    nla_put_u16(skb, TCPSM_A_LISTENER_FAMILY, sig->family) ||
	    nla_put(skb, TCPSM_A_LISTENER_SADDR, alen, &sig->saddr) ||
	    nla_put_u16(skb, TCPSM_A_LISTENER_PORT, sig->port) ||
	    nla_put_u32(skb, TCPSM_A_LISTENER_SYN_QUEUE, sig->synq) ||
	    nla_put_u32(skb, TCPSM_A_LISTENER_SYN_QUEUE_MAX, sig->synq_max) ||
	    nla_put_u32(skb, TCPSM_A_LISTENER_ACCEPT_QUEUE, sig->acceptq) ||
	    nla_put_u32(skb, TCPSM_A_LISTENER_ACCEPT_QUEUE_MAX,
			sig->acceptq_max) ||
	    (sig->cookies && nla_put_flag(skb, TCPSM_A_LISTENER_COOKIES)) ||
	    nla_put_u32(skb, TCPSM_A_LISTENER_SYNACK_RETRANS, sig->synack) ||
	    nla_put_u32(skb, TCPSM_A_LISTENER_DROPS, sig->drops) ||
	    nla_put_u32(skb, TCPSM_A_LISTENER_OVERFLOW, sig->overflow) ||
	    nla_put_u32(skb, TCPSM_A_LISTENER_COMPLETION, sig->completion) ||
	    nla_put_u32(skb, TCPSM_A_LISTENER_SCORE, sig->score) ||
	    nla_put_u32(skb, TCPSM_A_LISTENER_ACCEPT_SCORE, sig->accept_score) ||
	    (l->alarm[TCPSM_LS_SYN_FLOOD] &&
	     nla_put_flag(skb, TCPSM_A_LISTENER_SYN_FLOOD)) ||
	    (l->alarm[TCPSM_LS_ACCEPT] &&
	     nla_put_flag(skb, TCPSM_A_LISTENER_ACCEPT_QUEUE_OVERFLOW)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * GET_LISTENERS of one namespace: the listeners sampled at least once.
 * args[0] counts those already sent; cb->seq, the sampler's passes,
 * tells a change in between.
 */
static int tcpsm_ls_dump_ns(struct sk_buff *skb, struct netlink_callback *cb,
			    struct tcpsm_net *tn)
{
	struct tcpsm_listener *l;
	int err = 0;
	long i = 0;
	void *hdr;

	mutex_lock(&tcpsm_ls_lock);
	cb->seq = tcpsm_ls_samples;
	list_for_each_entry(l, &tn->ls_list, tnode) {
		if (!l->ts || i++ < cb->args[0])
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &tcpsm_family,
				  NLM_F_MULTI, TCPSM_CMD_GET_LISTENERS);
		if (!hdr) {
			err = -EMSGSIZE;
			break;
		}
		genl_dump_check_consistent(cb, hdr);
		err = tcpsm_ls_put(skb, TCPSM_A_LISTENERS_LISTENER, tn, l);
		if (err) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = i;
	}
	mutex_unlock(&tcpsm_ls_lock);
	return err;
}

int tcpsm_nl_get_listeners_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	return tcpsm_dump_netns(skb, cb,
				tcpsm_dump_attrs(cb)[TCPSM_A_LISTENERS_ALL_NETNS],
				tcpsm_ls_dump_ns);
}
