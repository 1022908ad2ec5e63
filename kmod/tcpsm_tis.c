// SPDX-License-Identifier: GPL-2.0
/*
 * Time in state: for each edge X -> Y, how long the socket was in X,
 * from the edge that took it there (as tcpsm saw it) to this one.
 *
 * Where the kernel keeps the start, it is used: a request socket's
 * first SYN-ACK time (SYN_RCVD, tcpsm_hooks.c). Elsewhere a table of
 * per-socket entry times, keyed by the socket's address, allocated once
 * at load (module parameter latency_sockets, 16 bytes each): an edge
 * reads the entry time of the state it leaves and writes its own. A
 * socket that finds no free slot has no entry time, and the edge out of
 * that state counts as unknown; so do sockets from before the load.
 * The table is freed only after the hooks are gone. latency_sockets=0
 * keeps no time in state at all (no table, no histogram, no events'
 * time): make bench measures the cost of it that way.
 *
 * The table: 4 slots per 64-byte line; a socket may sit in any of the 8
 * slots of the two lines from its hash. A slot is claimed with
 * cmpxchg() on its key and released by writing 0. One socket's edges
 * are taken one after the other (under its lock, or, for a timewait
 * socket, by its one owner), so a key's entry time has one writer at a
 * time and no lock is needed.
 *
 * The histograms: per CPU in the namespace's counters, and per port
 * for SYN_SENT (remote port), SYN_RCVD and CLOSE_WAIT (local port) in
 * latency_ports shared slots per namespace (atomic64, 332 bytes each),
 * claimed once a port is seen and kept for the namespace's life; an
 * edge whose port finds no slot is counted in port-overflow.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/slab.h>

#include "tcpsm_tis.h"

static unsigned int latency_sockets = 131072;
module_param(latency_sockets, uint, 0444);
MODULE_PARM_DESC(latency_sockets,
		 "Sockets whose entry into their state is kept, host-wide (1024-16777216, a power of 2, default 131072; 16 bytes each); 0: no time in state");

static unsigned int latency_ports = 32;
module_param(latency_ports, uint, 0444);
MODULE_PARM_DESC(latency_ports,
		 "Ports with their own SYN_SENT, SYN_RCVD and CLOSE_WAIT histograms, per namespace (0-1024, default 32; 332 bytes each)");

#define TCPSM_TIS_WAYS		8	/* slots a socket may sit in */

struct tcpsm_tis_slot {
	unsigned long key;		/* the socket's address; 0: free */
	u64 since;			/* entry into its state, ns */
};

static struct tcpsm_tis_slot *tcpsm_tis_slots;
static unsigned int tcpsm_tis_bits;
/* latency_sockets > 0: set at load, before the hooks */
bool tcpsm_tis_on __read_mostly;

int tcpsm_tis_init(void)
{
	if (latency_sockets && (latency_sockets < 1024 ||
				latency_sockets > (1U << 24) ||
				!is_power_of_2(latency_sockets))) {
		pr_err("latency_sockets=%u: 0, or a power of 2 from 1024 to 16777216\n",
		       latency_sockets);
		return -EINVAL;
	}
	if (latency_ports > 1024) {
		pr_err("latency_ports=%u: at most 1024\n", latency_ports);
		return -EINVAL;
	}
	if (!latency_sockets)
		return 0;
	tcpsm_tis_bits = ilog2(latency_sockets);
	tcpsm_tis_slots = kvcalloc(latency_sockets, sizeof(*tcpsm_tis_slots),
				   GFP_KERNEL);
	if (!tcpsm_tis_slots)
		return -ENOMEM;
	tcpsm_tis_on = true;
	return 0;
}

/* After the hooks are unregistered and their handlers done. */
void tcpsm_tis_free(void)
{
	tcpsm_tis_on = false;
	kvfree(tcpsm_tis_slots);
	tcpsm_tis_slots = NULL;
}

/* Process context, before @tn's counters are published. */
int tcpsm_tis_net_init(struct tcpsm_net *tn)
{
	struct tcpsm_tis_ports *tp;
	size_t size;

	size = struct_size(tp, port, latency_ports);
	size = size_add(size, array_size(latency_ports, sizeof(u32)));
	tp = kvzalloc(size, GFP_KERNEL);
	if (!tp)
		return -ENOMEM;
	tp->n = latency_ports;
	tp->key = (u32 *)&tp->port[latency_ports];
	tn->tis = tp;
	return 0;
}

/* After a grace period past the unpublishing of @tn's counters. */
void tcpsm_tis_net_free(struct tcpsm_net *tn)
{
	kvfree(tn->tis);
	tn->tis = NULL;
}

/* The first of @sk's slots; they wrap around the end of the table. */
static unsigned int tcpsm_tis_first(const void *sk)
{
	return hash_ptr(sk, tcpsm_tis_bits) & ~3U;
}

static struct tcpsm_tis_slot *tcpsm_tis_find(const void *sk)
{
	unsigned int i, mask = (1U << tcpsm_tis_bits) - 1;
	unsigned int first = tcpsm_tis_first(sk);
	struct tcpsm_tis_slot *s;

	for (i = 0; i < TCPSM_TIS_WAYS; i++) {
		s = &tcpsm_tis_slots[(first + i) & mask];
		if (READ_ONCE(s->key) == (unsigned long)sk)
			return s;
	}
	return NULL;
}

void tcpsm_tis_start(const void *sk, u64 since)
{
	unsigned int i, mask = (1U << tcpsm_tis_bits) - 1;
	unsigned int first;
	struct tcpsm_tis_slot *s;

	if (!tcpsm_tis_on)
		return;
	first = tcpsm_tis_first(sk);
	s = tcpsm_tis_find(sk);

	if (s) {
		if (since == TCPSM_TIS_UNKNOWN)
			/* free the slot only after this CPU is done with it */
			smp_store_release(&s->key, 0UL);
		else
			WRITE_ONCE(s->since, since);
		return;
	}
	if (since == TCPSM_TIS_UNKNOWN)
		return;
	for (i = 0; i < TCPSM_TIS_WAYS; i++) {
		s = &tcpsm_tis_slots[(first + i) & mask];
		if (!READ_ONCE(s->key) &&
		    !cmpxchg(&s->key, 0UL, (unsigned long)sk)) {
			WRITE_ONCE(s->since, since);
			return;
		}
	}
	/* full: this socket's next edge counts as unknown */
}

u64 tcpsm_tis_take(const void *sk, u64 now, bool keep)
{
	struct tcpsm_tis_slot *s;
	u64 since;

	if (!tcpsm_tis_on)
		return TCPSM_TIS_UNKNOWN;
	s = tcpsm_tis_find(sk);

	if (!s) {
		if (keep)
			tcpsm_tis_start(sk, now);
		return TCPSM_TIS_UNKNOWN;
	}
	since = READ_ONCE(s->since);
	if (keep)
		WRITE_ONCE(s->since, now);
	else
		smp_store_release(&s->key, 0UL);	/* after reading since */
	return since;
}

/* The bucket of @ns: the first i with ns <= 2^i us, or the last one. */
static unsigned int tcpsm_tis_bucket(u64 ns)
{
	u64 us = div_u64(ns + NSEC_PER_USEC - 1, NSEC_PER_USEC);

	if (us <= 1)
		return 0;
	return min_t(unsigned int, fls64(us - 1), TCPSM_TIS_BUCKETS - 1);
}

/* @from's port histogram for @port in @tp, claimed if new, or NULL. */
static struct tcpsm_tis_port *tcpsm_tis_port(struct tcpsm_tis_ports *tp,
					     int from, u16 port)
{
	u32 key = (u32)from << 16 | port, k;
	unsigned int i;

	for (i = 0; i < tp->n; i++) {
		k = READ_ONCE(tp->key[i]);
		if (k == key)
			return &tp->port[i];
		if (!k) {
			k = cmpxchg(&tp->key[i], 0, key);
			if (!k || k == key)
				return &tp->port[i];
		}
	}
	return NULL;
}

u64 tcpsm_tis_add(struct tcpsm_net *tn, struct tcpsm_pcpu __percpu *pc,
		  int from, u16 port, u64 since, u64 now)
{
	struct tcpsm_tis_port *p = NULL;
	unsigned int b;
	u64 ns;

	if (tcpsm_tis_keeps_ports(from)) {
		p = tcpsm_tis_port(tn->tis, from, port);
		if (!p)
			this_cpu_inc(pc->tis_port_overflow[from]);
	}
	if (since == TCPSM_TIS_UNKNOWN) {
		this_cpu_inc(pc->tis_unknown[from]);
		if (p)
			atomic64_inc(&p->unknown);
		return U64_MAX;
	}
	/* an entry time after now: another CPU's clock, read just before */
	ns = now > since ? now - since : 0;
	b = tcpsm_tis_bucket(ns);
	this_cpu_inc(pc->tis[from][b]);
	this_cpu_add(pc->tis_sum_ns[from], ns);
	if (p) {
		atomic64_inc(&p->bucket[b]);
		atomic64_add(ns, &p->sum_ns);
	}
	return ns;
}
