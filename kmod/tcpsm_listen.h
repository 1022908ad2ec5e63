/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Listeners: the tracker and sampler (tcpsm_listen.c), their netlink side
 * (tcpsm_listen_nl.c: the listener nest, GET_LISTENERS) and their alarms
 * (tcpsm_synalarm.c: the scores, SYN_FLOOD and ACCEPT_QUEUE_OVERFLOW).
 *
 * Locking: tcpsm_ls_lock (a mutex, process context) guards every
 * namespace's ls_list, the records, and the namespaces' SNMP samples.
 */
#ifndef _TCPSM_LISTEN_H
#define _TCPSM_LISTEN_H

#include <linux/atomic.h>
#include <linux/mutex.h>
#include <net/genetlink.h>

#include "tcpsm_pernet.h"

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
/* sampler passes, under tcpsm_ls_lock (READ_ONCE: a dump generation) */
extern u64 tcpsm_ls_samples;

/* tcpsm_listen.c */
void tcpsm_ls_note(void);
int tcpsm_ls_start(void);
void tcpsm_ls_stop(void);
void tcpsm_ls_net_init(struct tcpsm_net *tn);
void tcpsm_ls_net_exit(struct tcpsm_net *tn);

/* tcpsm_listen_nl.c */
int tcpsm_ls_put(struct sk_buff *skb, int type, const struct tcpsm_net *tn,
		 const struct tcpsm_listener *l);

/* tcpsm_synalarm.c */
void tcpsm_ls_score(struct tcpsm_ls_sig *sig, bool cookies_sent);
void tcpsm_ls_alarm_eval(struct tcpsm_net *tn, struct tcpsm_listener *l,
			 u64 now);
void tcpsm_ls_alarm_gone(struct tcpsm_net *tn, struct tcpsm_listener *l,
			 u64 now);
struct tcpsm_alarm_dump;
int tcpsm_ls_alarms_dump(struct tcpsm_alarm_dump *d, struct tcpsm_net *tn);

#endif /* _TCPSM_LISTEN_H */
