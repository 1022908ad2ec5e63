/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpsm internals: per-namespace counters and the pieces that fill and
 * read them.
 *
 * The hot path (tcpsm_hooks.c) increments a per-CPU counter for each
 * edge it sees and, when someone listens, records the edge in a per-CPU
 * buffer that a worker sends to the events group (tcpsm_events.c).
 * Readers sum the counters (tcpsm_counters.c) and take the gauges from
 * the kernel's socket tables (tcpsm_gauge.c).
 */
#ifndef _TCPSM_H
#define _TCPSM_H

#include <linux/list.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <linux/tcpsm.h>

#define TCPSM_NSTATES	(TCPSM_STATE_MAX + 1)

/*
 * What the hooks counted, per CPU: each operator edge taken (see the
 * table in tcpsm_hooks.c), and the events of this namespace that could
 * not be buffered for the events group. Each field is written only by
 * its own CPU (this_cpu_inc) and summed by readers; 64-bit loads are
 * atomic on the 64-bit architectures tcpsm supports.
 */
struct tcpsm_pcpu {
	u64 edge[TCPSM_NSTATES][TCPSM_NSTATES];
	u64 events_dropped;
};

/*
 * Per network namespace state, in net_generic() storage. @pcpu is
 * published once initialised and cleared before it is freed after a
 * grace period: readers load it once, with READ_ONCE(), inside an RCU
 * read-side section (sparse cannot annotate a pointer both __percpu and
 * __rcu).
 */
struct tcpsm_net {
	struct tcpsm_pcpu __percpu *pcpu;
	struct tcpsm_pcpu __percpu *dead;	/* unpublished, freed after a grace period */
	struct net *net;
	u64 seq;			/* order of creation, for dumps */
	struct list_head node;		/* on tcpsm_nets, under tcpsm_nets_lock */

	/* The events worker's, under tcpsm_events_lock (tcpsm_events.c). */
	u64 ev_seq;			/* last event sequence number used */
	u64 ev_dropped_seen;		/* events_dropped already in ev_seq */
	u64 ev_pass;			/* flush pass that last saw this netns */
	u64 ev_deaf;			/* pass that found no subscriber here */
	struct sk_buff *ev_skb;		/* message being filled, or NULL */
	void *ev_hdr;
	struct list_head ev_node;	/* namespaces with events this pass */
};

/* tcpsm_pernet.c */
extern struct mutex tcpsm_nets_lock;
extern struct list_head tcpsm_nets;
int tcpsm_pernet_register(void);
void tcpsm_pernet_unregister(void);
struct tcpsm_net *tcpsm_net(const struct net *net);

/*
 * The counters of @net, or NULL while the namespace is being created or
 * torn down. Caller holds rcu_read_lock() (probes: preemption is off).
 */
static inline struct tcpsm_pcpu __percpu *tcpsm_counters(const struct net *net)
{
	struct tcpsm_net *tn = tcpsm_net(net);

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "tcpsm counters outside RCU");
	return tn ? READ_ONCE(tn->pcpu) : NULL;
}

/* tcpsm_hooks.c */
int tcpsm_state_of(int tcp_state);
int tcpsm_hooks_register(void);
void tcpsm_hooks_unregister(void);

/* tcpsm_gauge.c */
void tcpsm_gauges_read(struct net *net, u64 gauge[TCPSM_NSTATES]);

/* tcpsm_counters.c */
u64 tcpsm_counter_read(struct tcpsm_net *tn, size_t offset);
void tcpsm_matrix_read(struct tcpsm_net *tn,
		       u64 matrix[TCPSM_NSTATES][TCPSM_NSTATES]);

/* tcpsm_genl.c */
enum tcpsm_mcgrp {
	TCPSM_NLGRP_EVENTS,
};

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

/* tcpsm_events.c */
int tcpsm_events_init(void);
void tcpsm_events_stop(void);
void tcpsm_events_free(void);
void tcpsm_events_flush(void);
void tcpsm_event_add(struct tcpsm_net *tn, struct tcpsm_pcpu __percpu *pc,
		     int from, int to, struct sock *sk);

#endif /* _TCPSM_H */
