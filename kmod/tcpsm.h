/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpsm internals: per-namespace counters and the pieces that fill and
 * read them.
 *
 * The hot path (tcpsm_hooks.c) only ever increments per-CPU counters of
 * what it observed. Everything an operator sees is derived at read time:
 * gauges from the kernel's socket tables (tcpsm_gauge.c), the transition
 * matrix from the observed counters (tcpsm_matrix.c).
 */
#ifndef _TCPSM_H
#define _TCPSM_H

#include <linux/list.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <net/net_namespace.h>
#include <linux/tcpsm.h>

#define TCPSM_NSTATES	(TCPSM_STATE_MAX + 1)

/* Timewait sockets carry a substate: FIN_WAIT_2 or TIME_WAIT. */
enum tcpsm_tw_sub {
	TCPSM_TW_FIN_WAIT_2,
	TCPSM_TW_TIME_WAIT,
	TCPSM_TW_NSUB
};

/*
 * What the hooks observed, per CPU. Each field is written only by its own
 * CPU (this_cpu_inc) and summed by readers; 64-bit loads are atomic on
 * the 64-bit architectures tcpsm supports.
 */
struct tcpsm_pcpu {
	/* inet_sock_set_state, mapped to operator states, old != new */
	u64 edge[TCPSM_NSTATES][TCPSM_NSTATES];
	/* a request socket entered the established hash (SYN received) */
	u64 reqsk_hashed;
	/* a request socket left the hash without becoming a full socket */
	u64 reqsk_dropped;
	/*
	 * a full socket was created for a hashed request socket: its
	 * LISTEN -> SYN_RECV event continues a half-open connection that
	 * was already counted when the request socket was hashed
	 */
	u64 reqsk_grown;
	/* a full socket in state X was replaced by a timewait socket */
	u64 tw_enter[TCPSM_NSTATES][TCPSM_TW_NSUB];
	/* a timewait socket moved from FIN_WAIT_2 to TIME_WAIT */
	u64 tw_fin;
	/* a timewait socket was freed, by substate */
	u64 tw_end[TCPSM_TW_NSUB];
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

/* tcpsm_matrix.c */
void tcpsm_matrix_read(struct tcpsm_net *tn,
		       u64 matrix[TCPSM_NSTATES][TCPSM_NSTATES]);

/* tcpsm_genl.c */
int tcpsm_genl_register(void);
void tcpsm_genl_unregister(void);

#endif /* _TCPSM_H */
