// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a namespace's per-CPU counters: sums over every CPU, read
 * without a lock. A sum is a snapshot of no single instant: an edge
 * counted on one CPU while another is being read may or may not be in it.
 */
#include "tcpsm_stats.h"

/* The counter at @offset in struct tcpsm_pcpu, summed. Caller keeps @tn alive. */
u64 tcpsm_counter_read(struct tcpsm_net *tn, size_t offset)
{
	struct tcpsm_pcpu __percpu *pcpu;
	u64 sum = 0;
	int cpu;

	rcu_read_lock();
	pcpu = tcpsm_counters(tn->net);
	if (pcpu)
		for_each_possible_cpu(cpu)
			sum += READ_ONCE(*(u64 *)((void *)per_cpu_ptr(pcpu, cpu) +
						  offset));
	rcu_read_unlock();
	return sum;
}

/*
 * The transition matrix an operator reads: edges taken since load, as
 * counted by the hooks (tcpsm_hooks.c). Caller keeps @tn alive (holds
 * tcpsm_nets_lock, or @tn is its own namespace).
 */
void tcpsm_matrix_read(struct tcpsm_net *tn,
		       u64 matrix[TCPSM_NSTATES][TCPSM_NSTATES])
{
	struct tcpsm_pcpu __percpu *pcpu;
	const struct tcpsm_pcpu *pc;
	int cpu, x, y;

	memset(matrix, 0, sizeof(u64) * TCPSM_NSTATES * TCPSM_NSTATES);
	rcu_read_lock();
	pcpu = tcpsm_counters(tn->net);
	if (pcpu)
		for_each_possible_cpu(cpu) {
			pc = per_cpu_ptr(pcpu, cpu);
			for (x = 0; x < TCPSM_NSTATES; x++)
				for (y = 0; y < TCPSM_NSTATES; y++)
					matrix[x][y] += READ_ONCE(pc->edge[x][y]);
		}
	rcu_read_unlock();
}
