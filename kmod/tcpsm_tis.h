/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Time in state (tcpsm_tis.c): how long each socket spent in the state
 * an edge takes it out of, as log2 histograms per namespace and state,
 * and per port for SYN_SENT, SYN_RCVD and CLOSE_WAIT; GET_LATENCY reads
 * them (tcpsm_tis_nl.c).
 */
#ifndef _TCPSM_TIS_H
#define _TCPSM_TIS_H

#include <linux/atomic.h>
#include <linux/timekeeping.h>
#include <linux/types.h>
#include <net/sock.h>

#include "tcpsm_pernet.h"

/* A socket's entry time into its state is not known. */
#define TCPSM_TIS_UNKNOWN	0
/* The edge begins a socket (from CLOSED, LISTEN -> SYN_RCVD): no time. */
#define TCPSM_TIS_NONE		U64_MAX

/* One port's histogram, shared by the CPUs (only three states use them). */
struct tcpsm_tis_port {
	atomic64_t bucket[TCPSM_TIS_BUCKETS];
	atomic64_t sum_ns;
	atomic64_t unknown;
};

/*
 * A namespace's port histograms: slot i is (state << 16 | port) in
 * key[i], claimed once with cmpxchg() and kept for the namespace's life;
 * 0 is free. One allocation: key[] follows port[].
 */
struct tcpsm_tis_ports {
	unsigned int n;
	u32 *key;
	struct tcpsm_tis_port port[];
};

/* Time in state is kept (module parameter latency_sockets > 0). */
extern bool tcpsm_tis_on;

/* The clock of the entry times: read only when time in state is kept. */
static inline u64 tcpsm_tis_now(void)
{
	return tcpsm_tis_on ? ktime_get_ns() : 0;
}

int tcpsm_tis_init(void);
void tcpsm_tis_free(void);
int tcpsm_tis_net_init(struct tcpsm_net *tn);
void tcpsm_tis_net_free(struct tcpsm_net *tn);

/*
 * The per-socket entry times (any context but hard interrupts; @sk is
 * an identity only). tcpsm_tis_start() records @sk as entering its
 * state at @since (ns), or forgets it (TCPSM_TIS_UNKNOWN);
 * tcpsm_tis_take() returns the time @sk entered
 * the state it leaves, or TCPSM_TIS_UNKNOWN, and keeps @now as its new
 * entry time (@keep) or forgets @sk.
 */
void tcpsm_tis_start(const void *sk, u64 since);
u64 tcpsm_tis_take(const void *sk, u64 now, bool keep);

/*
 * Add edge @from's time in state (@since to @now; @since may be
 * TCPSM_TIS_UNKNOWN) to @tn's histograms, those of @port too where the
 * state keeps ports. Returns the time in ns, or U64_MAX where unknown.
 */
u64 tcpsm_tis_add(struct tcpsm_net *tn, struct tcpsm_pcpu __percpu *pc,
		  int from, u16 port, u64 since, u64 now);

/* Does state @from keep per-port histograms? */
static inline bool tcpsm_tis_keeps_ports(int from)
{
	return from == TCPSM_STATE_SYN_SENT || from == TCPSM_STATE_SYN_RCVD ||
	       from == TCPSM_STATE_CLOSE_WAIT;
}

#endif /* _TCPSM_TIS_H */
