/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Alarm messages (tcpsm_alarm.c): the one sender of ALARM notifications
 * on group "alerts", and the one writer of GET_ALARMS dump messages. The
 * rules that raise and clear alarms live with what they watch
 * (tcpsm_cw_alarm.c, tcpsm_synalarm.c) and give a fill function that
 * writes their attributes.
 *
 * Context: process context (both allocate with GFP_KERNEL).
 */
#ifndef _TCPSM_ALARM_H
#define _TCPSM_ALARM_H

#include <net/genetlink.h>

#include "tcpsm_pernet.h"

/*
 * Writes one alarm's attributes (kind, @state, @ts, ...) into @skb.
 * Returns 0 or -EMSGSIZE.
 */
typedef int (*tcpsm_alarm_fill_t)(struct sk_buff *skb, const void *arg,
				  int state, u64 ts);

void tcpsm_alarm_notify(struct tcpsm_net *tn, tcpsm_alarm_fill_t fill,
			const void *arg, int state, u64 ts, u16 port);

/* A GET_ALARMS dump round: cb->args[0] counts the alarms already sent. */
struct tcpsm_alarm_dump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	long seen;			/* active alarms met this round */
};

int tcpsm_alarm_dump_one(struct tcpsm_alarm_dump *d, tcpsm_alarm_fill_t fill,
			 const void *arg, u64 ts);

#endif /* _TCPSM_ALARM_H */
