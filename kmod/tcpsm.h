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
	u64 cw_untracked;	/* entries into CLOSE_WAIT not recorded */
};

/* The namespace's listener SNMP counters, sampled (tcpsm_snmp.c). */
#define TCPSM_SNMP_N		7	/* enum tcpsm_syn_counter, from 1 */
#define TCPSM_SNMP_HIST		3	/* samples of cookie completion */
struct tcpsm_snmp {
	u64 value[TCPSM_SNMP_N];	/* at the last sample */
	u64 rate[TCPSM_SNMP_N];		/* per second over it */
	u64 sent[TCPSM_SNMP_HIST];	/* SyncookiesSent increase per sample */
	u64 recv[TCPSM_SNMP_HIST];	/* SyncookiesRecv increase per sample */
	u64 ts;				/* when, ns; 0: never sampled */
	u64 samples;
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

	/* Alarm settings: written under tcpsm_cw_lock, read with READ_ONCE. */
	u32 cw_count;			/* closewait.count */
	u32 cw_age;			/* closewait.age, seconds */
	u32 cw_window;			/* closewait.window, samples */

	/* The CLOSE_WAIT sampler's, under tcpsm_cw_lock (tcpsm_closewait.c). */
	struct list_head cw_ports;	/* its tcpsm_cw_port records */
	u64 cw_refused;			/* entries the cap left untracked */
	u32 cw_alarms;			/* active alarms (also READ_ONCE) */
	bool cw_live;			/* on tcpsm_nets, ports valid */
	bool cw_walk;			/* walk the tables for it next sample */
	bool cw_first_walk;		/* what it finds was there before */

	/* SYN_FLOOD and ACCEPT_QUEUE_OVERFLOW settings, as the ones above. */
	u32 syn_raise;			/* synflood.raise, score */
	u32 syn_clear;			/* synflood.clear, score */
	u32 syn_duration;		/* synflood.duration, samples */

	/* The listener sampler's, under tcpsm_ls_lock (tcpsm_listen.c). */
	struct list_head ls_list;	/* its tcpsm_listener records */
	bool ls_live;			/* on tcpsm_nets, records allowed */
	u32 ls_alarms;			/* active alarms (also READ_ONCE) */
	struct tcpsm_snmp snmp;		/* its listener SNMP counters */
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
	TCPSM_NLGRP_ALERTS,
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

/* tcpsm_closewait.c */
#define TCPSM_CW_HIST		64	/* samples kept: > the largest window */
#define TCPSM_CW_SOCKS_SHOWN	8	/* oldest sockets in replies and alarms */
#define TCPSM_CW_MAX_LIMIT	4194304	/* closewait_max at most */

/* What the sampler read of a tracked socket. */
struct tcpsm_cw_owner {
	u64 ino;
	u64 cgroup;
	struct in6_addr saddr;		/* IPv4: first word */
	struct in6_addr daddr;
	u32 uid;
	u16 family;
	u16 dport;
};

/* The CLOSE_WAIT state of one local port of a namespace. */
struct tcpsm_cw_port {
	struct hlist_node hnode;	/* host-wide, by (tn, port) */
	struct list_head tnode;		/* tn->cw_ports */
	struct list_head socks;		/* tracked sockets, oldest first */
	struct tcpsm_net *tn;
	u16 port;
	bool alarm;			/* CLOSE_WAIT_LEAK raised */
	u32 count;			/* in CLOSE_WAIT at the last sample */
	u32 tracked;			/* of them (or since), on socks */
	u32 walked;			/* found by this sample's walk */
	u32 samples;			/* taken since the record exists */
	u32 idle;			/* samples in a row with nothing */
	u64 alarm_ts;			/* when raised, ns */
	u32 hist[TCPSM_CW_HIST];	/* count per sample */
	u32 entries[TCPSM_CW_HIST];	/* edges in, per sample */
	u32 exits[TCPSM_CW_HIST];	/* edges out, per sample */
};

extern struct mutex tcpsm_cw_lock;
void tcpsm_cw_note(struct tcpsm_net *tn, struct tcpsm_pcpu __percpu *pc,
		   struct sock *sk, bool enter);
int tcpsm_cw_init(void);
void tcpsm_cw_start(void);
void tcpsm_cw_stop(void);
void tcpsm_cw_free(void);
void tcpsm_cw_net_init(struct tcpsm_net *tn);
void tcpsm_cw_net_exit(struct tcpsm_net *tn);
void tcpsm_cw_flush(void);
u64 tcpsm_cw_samples(void);
int tcpsm_cw_dump(struct sk_buff *skb, struct netlink_callback *cb,
		  struct tcpsm_net *tn);
u64 tcpsm_cw_oldest_ms(const struct tcpsm_cw_port *p, u64 now);
s32 tcpsm_cw_growth(const struct tcpsm_cw_port *p, u64 sample,
		    unsigned int win);
bool tcpsm_cw_grew(const struct tcpsm_cw_port *p, u64 sample,
		   unsigned int win);
int tcpsm_cw_put_socks(struct sk_buff *skb, int type,
		       const struct tcpsm_cw_port *p, u64 now);

/* tcpsm_alarm.c */
int tcpsm_alarm_init(void);
void tcpsm_alarm_net_init(struct tcpsm_net *tn);
void tcpsm_alarm_eval(struct tcpsm_net *tn, struct tcpsm_cw_port *p,
		      u64 sample, u64 now);
int tcpsm_alarm_dump(struct sk_buff *skb, struct netlink_callback *cb,
		     struct tcpsm_net *tn);
int tcpsm_config_get(struct sk_buff *skb, struct genl_info *info);
int tcpsm_config_set(struct sk_buff *skb, struct genl_info *info);
extern const struct nla_policy tcpsm_config_policy[TCPSM_A_CONFIG_MAX + 1];

/* tcpsm_listen.c */

/* What the sampler read of a listener: GET_LISTENERS and alarms say it. */
struct tcpsm_ls_sig {
	struct in6_addr saddr;		/* IPv4: first word */
	u16 family;
	u16 port;
	u32 synq, synq_max;		/* SYN queue and its limit */
	u32 acceptq, acceptq_max;	/* accept queue and the backlog */
	bool cookies;			/* sent SYN cookies in the last 2 s */
	u32 synack;			/* SYN-ACK retransmits per second */
	u32 drops;			/* drops per second */
	u32 overflow;			/* SYNs per second at a full SYN queue */
	u32 completion;			/* cookies completed, percent */
	u32 score;			/* SYN-flood pressure, 0..100 */
	u32 accept_score;		/* accept-queue pressure, 0..100 */
};

enum tcpsm_ls_alarm {
	TCPSM_LS_SYN_FLOOD,
	TCPSM_LS_ACCEPT,
	TCPSM_LS_NALARMS,
};

/* A listener of a namespace, held from CLOSED -> LISTEN to LISTEN -> CLOSED. */
struct tcpsm_listener {
	struct hlist_node hnode;	/* host-wide by sk, RCU for the probe */
	struct list_head tnode;		/* tn->ls_list */
	struct rcu_head rcu;
	struct sock *sk;		/* a reference held */
	struct tcpsm_net *tn;
	atomic_t synack;		/* SYN-ACK retransmits, by the probe */
	u32 synack_seen;		/* synack at the last sample */
	u32 drops_seen;			/* sk_drops at the last sample */
	u64 ts;				/* last sample, ns; 0: none yet */
	struct tcpsm_ls_sig sig;	/* as of the last sample */
	bool alarm[TCPSM_LS_NALARMS];
	u32 run[TCPSM_LS_NALARMS];	/* samples in a row past a threshold */
	u64 alarm_ts[TCPSM_LS_NALARMS];	/* when raised, ns */
};

extern struct mutex tcpsm_ls_lock;
void tcpsm_ls_note(void);
int tcpsm_ls_start(void);
void tcpsm_ls_stop(void);
void tcpsm_ls_net_init(struct tcpsm_net *tn);
void tcpsm_ls_net_exit(struct tcpsm_net *tn);
int tcpsm_ls_put(struct sk_buff *skb, int type, const struct tcpsm_net *tn,
		 const struct tcpsm_listener *l);
int tcpsm_ls_dump(struct sk_buff *skb, struct netlink_callback *cb,
		  struct tcpsm_net *tn);

/* tcpsm_snmp.c */
void tcpsm_snmp_sample(struct tcpsm_net *tn, u64 now);
u64 tcpsm_snmp_overflow(const struct tcpsm_net *tn);
u32 tcpsm_snmp_completion(const struct tcpsm_net *tn, bool *sent);
int tcpsm_snmp_put(struct sk_buff *skb, struct tcpsm_net *tn);
size_t tcpsm_snmp_size(void);

/* tcpsm_synalarm.c */
void tcpsm_ls_score(struct tcpsm_ls_sig *sig, bool cookies_sent);
void tcpsm_ls_alarm_eval(struct tcpsm_net *tn, struct tcpsm_listener *l,
			 u64 now);
void tcpsm_ls_alarm_gone(struct tcpsm_net *tn, struct tcpsm_listener *l,
			 u64 now);
int tcpsm_ls_alarm_dump(struct sk_buff *skb, struct netlink_callback *cb,
			struct tcpsm_net *tn, long *i);

/* tcpsm_events.c */
int tcpsm_events_init(void);
void tcpsm_events_stop(void);
void tcpsm_events_free(void);
void tcpsm_events_flush(void);
void tcpsm_event_add(struct tcpsm_net *tn, struct tcpsm_pcpu __percpu *pc,
		     int from, int to, struct sock *sk);

#endif /* _TCPSM_H */
