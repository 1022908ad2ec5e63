/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per network namespace state (tcpsm_pernet.c): the per-CPU counters the
 * hooks fill, and the fields each subsystem keeps per namespace. Each
 * field names the lock or rule it is under.
 */
#ifndef _TCPSM_PERNET_H
#define _TCPSM_PERNET_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <linux/tcpsm.h>

#define TCPSM_NSTATES	(TCPSM_STATE_MAX + 1)

/*
 * Time in state, log2 histograms (tcpsm_tis.h): bucket i (0 to 37)
 * counts times over 2^(i-1) and at most 2^i microseconds, bucket 38
 * the longer ones.
 */
#define TCPSM_TIS_BUCKETS	39

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
	u64 cw_untracked;	/* entries into CLOSE_WAIT not recorded */
	/* time in each from-state (tcpsm_tis.c) */
	u64 tis[TCPSM_NSTATES][TCPSM_TIS_BUCKETS];
	u64 tis_sum_ns[TCPSM_NSTATES];
	u64 tis_unknown[TCPSM_NSTATES];	/* edges whose time is not known */
	u64 tis_port_overflow[TCPSM_NSTATES];	/* in no port's histogram */
};

struct tcpsm_tis_ports;

/* The namespace's listener SNMP counters, sampled (tcpsm_snmp.c). */
#define TCPSM_SNMP_N		7	/* enum tcpsm_syn_counter, from 1 */
#define TCPSM_SNMP_HIST		3	/* samples of cookie completion */
struct tcpsm_snmp {
	u64 value[TCPSM_SNMP_N];	/* at the last sample */
	u64 rate[TCPSM_SNMP_N];		/* per second over it */
	u64 sent[TCPSM_SNMP_HIST];	/* SyncookiesSent increase per sample */
	u64 recv[TCPSM_SNMP_HIST];	/* SyncookiesRecv increase per sample */
	u64 ts;				/* when, ns; 0: never sampled */
	u64 samples;			/* also READ_ONCE, as a generation */
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
	/* per-port time in state: valid while @pcpu is (tcpsm_tis.c) */
	struct tcpsm_tis_ports *tis;

	/* The events worker's, under tcpsm_events_lock (tcpsm_events.c). */
	u64 ev_seq;			/* last event sequence number used */
	u64 ev_dropped_seen;		/* events_dropped already in ev_seq */
	u64 ev_pass;			/* flush pass that last saw this netns */
	u64 ev_deaf;			/* pass that found no subscriber here */
	struct sk_buff *ev_skb;		/* message being filled, or NULL */
	void *ev_hdr;
	struct list_head ev_node;	/* namespaces with events this pass */

	/*
	 * Alarm settings (tcpsm_settings.c): written under
	 * tcpsm_settings_lock, read anywhere with READ_ONCE.
	 */
	u32 cw_count;			/* closewait.count */
	u32 cw_age;			/* closewait.age, seconds */
	u32 cw_window;			/* closewait.window, samples */
	u32 syn_raise;			/* synflood.raise, score */
	u32 syn_clear;			/* synflood.clear, score */
	u32 syn_duration;		/* synflood.duration, samples */

	/* The CLOSE_WAIT sampler's, under tcpsm_cw_lock (tcpsm_cw.c). */
	struct list_head cw_ports;	/* its tcpsm_cw_port records */
	u64 cw_refused;			/* entries the cap left untracked */
	u32 cw_alarms;			/* active alarms (also READ_ONCE) */
	bool cw_live;			/* on tcpsm_nets, ports valid */
	bool cw_walk;			/* walk the tables for it next sample */
	bool cw_first_walk;		/* what it finds was there before */

	/* The listener sampler's, under tcpsm_ls_lock (tcpsm_listen.c). */
	struct list_head ls_list;	/* its tcpsm_listener records */
	bool ls_live;			/* on tcpsm_nets, records allowed */
	u32 ls_alarms;			/* active alarms (also READ_ONCE) */
	struct tcpsm_snmp snmp;		/* its listener SNMP counters */
};

/* Namespaces in order of creation, for dumps and the samplers. */
extern struct mutex tcpsm_nets_lock;
extern struct list_head tcpsm_nets;
extern unsigned int tcpsm_net_id;

int tcpsm_pernet_register(void);
void tcpsm_pernet_unregister(void);

/* NULL until our pernet init has run for @net. Any context. */
static inline struct tcpsm_net *tcpsm_net(const struct net *net)
{
	return net_generic(net, tcpsm_net_id);
}

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

#endif /* _TCPSM_PERNET_H */
