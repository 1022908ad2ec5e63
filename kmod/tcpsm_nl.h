/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/tcpsm.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_TCPSM_GEN_H
#define _LINUX_TCPSM_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/tcpsm.h>

/* Ops table for tcpsm */
extern const struct genl_split_ops tcpsm_nl_ops[8];

int tcpsm_nl_get_stats_done(struct netlink_callback *cb);

int tcpsm_nl_get_stats_doit(struct sk_buff *skb, struct genl_info *info);
int tcpsm_nl_get_stats_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int tcpsm_nl_get_config_doit(struct sk_buff *skb, struct genl_info *info);
int tcpsm_nl_set_config_doit(struct sk_buff *skb, struct genl_info *info);
int tcpsm_nl_get_closewait_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb);
int tcpsm_nl_get_alarms_dumpit(struct sk_buff *skb,
			       struct netlink_callback *cb);
int tcpsm_nl_get_listeners_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb);
int tcpsm_nl_get_latency_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb);

enum {
	TCPSM_NLGRP_EVENTS,
	TCPSM_NLGRP_ALERTS,
	TCPSM_NLGRP_EVENTS_ALL,
	TCPSM_NLGRP_ALERTS_ALL,
};

#endif /* _LINUX_TCPSM_GEN_H */
