/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic netlink family "tcpsm" (tcpsm_genl.c). Its policies, ops
 * table and group enum are generated from the spec (tcpsm_nl.h); the
 * handlers are in the file of what they read.
 */
#ifndef _TCPSM_GENL_H
#define _TCPSM_GENL_H

#include <net/genetlink.h>

#include "compat.h"
#include "tcpsm_nl.h"

extern struct genl_family tcpsm_family;

int tcpsm_genl_register(void);
void tcpsm_genl_unregister(void);

struct tcpsm_net;

/*
 * Sends what a dump has of one namespace, resuming after the cb->args[0]
 * entries an earlier round sent. Returns 0 once all is sent, -EMSGSIZE
 * when @skb is full, or another negative errno.
 */
typedef int (*tcpsm_dump_ns_t)(struct sk_buff *skb,
			       struct netlink_callback *cb,
			       struct tcpsm_net *tn);

int tcpsm_dump_netns(struct sk_buff *skb, struct netlink_callback *cb,
		     const struct nlattr *all, tcpsm_dump_ns_t one);

/*
 * Does anyone listen to the events groups? Bitmap tests: cheap enough
 * for every edge. The kernel keeps that bitmap per protocol, not per
 * namespace: once anyone subscribes, edges of every namespace are
 * recorded, and the worker drops those that no one can receive.
 * Caller: a hook, after tcpsm_counters(@net) was non-NULL (so @net's
 * generic netlink socket is still there).
 */
static inline bool tcpsm_events_wanted(const struct net *net)
{
	return genl_has_listeners(&tcpsm_family, (struct net *)net,
				  TCPSM_NLGRP_EVENTS) > 0 ||
	       genl_has_listeners(&tcpsm_family, &init_net,
				  TCPSM_NLGRP_EVENTS_ALL) > 0;
}

#endif /* _TCPSM_GENL_H */
