// SPDX-License-Identifier: GPL-2.0
/*
 * Alarm messages: an alarm raised or cleared is one ALARM message to its
 * namespace on group "alerts" (anyone there may listen; -ESRCH, nobody
 * listens, is fine: GET_ALARMS still shows it), and the same message to
 * the initial namespace on group "alerts-all" (admin only), whatever
 * namespace the alarm is in, when someone there listens. An active alarm is
 * one message of a GET_ALARMS dump. Both carry the same attributes,
 * written by the fill function of the rule that raised it.
 *
 * Context: process context, under the lock of the caller's rule
 * (tcpsm_cw_lock or tcpsm_ls_lock); nothing here takes a lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "tcpsm_alarm.h"
#include "tcpsm_genl.h"

void tcpsm_alarm_notify(struct tcpsm_net *tn, tcpsm_alarm_fill_t fill,
			const void *arg, int state, u64 ts, u16 port)
{
	struct sk_buff *skb, *all;
	void *hdr;

	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		goto lost;
	hdr = genlmsg_put(skb, 0, 0, &tcpsm_family, 0, TCPSM_CMD_ALARM);
	if (!hdr || fill(skb, arg, state, ts)) {
		nlmsg_free(skb);
		goto lost;
	}
	genlmsg_end(skb, hdr);
	if (genl_has_listeners(&tcpsm_family, &init_net,
			       TCPSM_NLGRP_ALERTS_ALL) > 0) {
		all = skb_clone(skb, GFP_KERNEL);
		if (all)
			genlmsg_multicast_netns(&tcpsm_family, &init_net, all,
						0, TCPSM_NLGRP_ALERTS_ALL,
						GFP_KERNEL);
		else
			pr_warn_ratelimited("alarm message for port %u not sent to alerts-all: no memory\n",
					    port);
	}
	genlmsg_multicast_netns(&tcpsm_family, tn->net, skb, 0,
				TCPSM_NLGRP_ALERTS, GFP_KERNEL);
	return;
lost:
	pr_warn_ratelimited("alarm message for port %u not sent: no memory\n",
			    port);
}

/*
 * One active alarm of a GET_ALARMS dump, raised at @ts: skipped when an
 * earlier round sent it. Returns 0, or -EMSGSIZE when @d's skb is full
 * (the next round resumes with this alarm).
 */
int tcpsm_alarm_dump_one(struct tcpsm_alarm_dump *d, tcpsm_alarm_fill_t fill,
			 const void *arg, u64 ts)
{
	struct netlink_callback *cb = d->cb;
	void *hdr;
	int err;

	if (d->seen++ < cb->args[0])
		return 0;
	hdr = genlmsg_put(d->skb, NETLINK_CB(cb->skb).portid,
			  cb->nlh->nlmsg_seq, &tcpsm_family, NLM_F_MULTI,
			  TCPSM_CMD_GET_ALARMS);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	err = fill(d->skb, arg, TCPSM_ALARM_STATE_RAISE, ts);
	if (err) {
		genlmsg_cancel(d->skb, hdr);
		return err;
	}
	genlmsg_end(d->skb, hdr);
	cb->args[0] = d->seen;
	return 0;
}
