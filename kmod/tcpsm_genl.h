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

/*
 * Does anyone listen to the events group? A bitmap test: cheap enough
 * for every edge. The kernel keeps that bitmap per protocol, not per
 * namespace: once anyone subscribes, edges of every namespace are
 * recorded, and the worker drops those of namespaces without a
 * subscriber. Caller: a hook, after tcpsm_counters(@net) was non-NULL
 * (so @net's generic netlink socket is still there).
 */
static inline bool tcpsm_events_wanted(const struct net *net)
{
	return genl_has_listeners(&tcpsm_family, (struct net *)net,
				  TCPSM_NLGRP_EVENTS) > 0;
}

#endif /* _TCPSM_GENL_H */
