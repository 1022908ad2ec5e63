/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What GET_STATS reads: the gauges, from the kernel's socket tables
 * (tcpsm_gauge.c), and the hooks' per-CPU counters, summed
 * (tcpsm_counters.c). Process context.
 */
#ifndef _TCPSM_STATS_H
#define _TCPSM_STATS_H

#include "tcpsm_pernet.h"

void tcpsm_gauges_read(struct net *net, u64 gauge[TCPSM_NSTATES]);

/* One namespace's gauges in a read of many (tcpsm_gauges_read_rows()). */
struct tcpsm_gauge_row {
	struct net *net;
	u64 seq;		/* the caller's: tcpsm_net.seq, for dumps */
	u64 gauge[TCPSM_NSTATES];
};

void tcpsm_gauges_read_rows(struct tcpsm_gauge_row *rows, unsigned int n);
struct tcpsm_gauge_row *tcpsm_gauge_row_find(struct tcpsm_gauge_row *rows,
					     unsigned int n,
					     const struct net *net);
u64 tcpsm_counter_read(struct tcpsm_net *tn, size_t offset);
void tcpsm_matrix_read(struct tcpsm_net *tn,
		       u64 matrix[TCPSM_NSTATES][TCPSM_NSTATES]);

#endif /* _TCPSM_STATS_H */
