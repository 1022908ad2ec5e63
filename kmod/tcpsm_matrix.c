// SPDX-License-Identifier: GPL-2.0
/*
 * The transition matrix an operator reads, from what the hooks observed.
 *
 * Operator edge		kernel observation
 *
 * LISTEN -> SYN_RCVD	a request socket hashed (a SYN arrived), or a
 *			LISTEN -> SYN_RECV child with no hashed request
 *			behind it (SYN cookie, Fast Open)
 * SYN_RCVD -> CLOSED	also: a request socket dropped from the hash
 *			(a half-open connection ended)
 * X -> TIME_WAIT	a timewait socket in TIME_WAIT takes over from X
 * X -> FIN_WAIT_2	a timewait socket in FIN_WAIT_2 takes over from X
 *			(an orphan; from FIN_WAIT_2 itself, no edge)
 * FIN_WAIT_2 -> TIME_WAIT also: an orphaned FIN_WAIT_2 timewait socket
 *			switches to TIME_WAIT (the peer's FIN)
 * TIME_WAIT -> CLOSED,	a timewait socket is freed, by its substate
 * FIN_WAIT_2 -> CLOSED
 * everything else	sock:inet_sock_set_state
 *
 * The X -> CLOSE event of a full socket replaced by a timewait socket is
 * not an edge (the connection lives on), nor is the LISTEN -> SYN_RECV
 * event of the child of a hashed request socket (the half-open
 * connection was counted when its SYN arrived).
 *
 * All arithmetic is modulo 2^64 over per-CPU sums: a correction counted
 * on one CPU may precede its event on another, so a sum read mid-flight
 * can be transiently negative and is shown as 0.
 */
#include "tcpsm.h"

static void tcpsm_pcpu_sum(struct tcpsm_pcpu __percpu *pcpu,
			   struct tcpsm_pcpu *sum)
{
	const u64 *src;
	u64 *dst = (u64 *)sum;
	int cpu, i;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		src = (const u64 *)per_cpu_ptr(pcpu, cpu);
		for (i = 0; i < sizeof(*sum) / sizeof(u64); i++)
			dst[i] += READ_ONCE(src[i]);
	}
}

/* Caller keeps @tn alive (holds tcpsm_nets_lock, or @tn is its own netns). */
void tcpsm_matrix_read(struct tcpsm_net *tn,
		       u64 matrix[TCPSM_NSTATES][TCPSM_NSTATES])
{
	struct tcpsm_pcpu __percpu *pcpu;
	struct tcpsm_pcpu *s;
	int x, y;

	memset(matrix, 0, sizeof(u64) * TCPSM_NSTATES * TCPSM_NSTATES);
	s = kmalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return;

	rcu_read_lock();
	pcpu = tcpsm_counters(tn->net);
	if (pcpu)
		tcpsm_pcpu_sum(pcpu, s);
	else
		memset(s, 0, sizeof(*s));
	rcu_read_unlock();

	memcpy(matrix, s->edge, sizeof(s->edge));

	matrix[TCPSM_STATE_LISTEN][TCPSM_STATE_SYN_RCVD] +=
		s->reqsk_hashed - s->reqsk_grown;
	matrix[TCPSM_STATE_SYN_RCVD][TCPSM_STATE_CLOSED] += s->reqsk_dropped;

	for (x = 0; x < TCPSM_NSTATES; x++) {
		matrix[x][TCPSM_STATE_CLOSED] -=
			s->tw_enter[x][TCPSM_TW_FIN_WAIT_2] +
			s->tw_enter[x][TCPSM_TW_TIME_WAIT];
		if (x != TCPSM_STATE_FIN_WAIT_2)
			matrix[x][TCPSM_STATE_FIN_WAIT_2] +=
				s->tw_enter[x][TCPSM_TW_FIN_WAIT_2];
		matrix[x][TCPSM_STATE_TIME_WAIT] +=
			s->tw_enter[x][TCPSM_TW_TIME_WAIT];
	}
	matrix[TCPSM_STATE_FIN_WAIT_2][TCPSM_STATE_TIME_WAIT] += s->tw_fin;
	matrix[TCPSM_STATE_FIN_WAIT_2][TCPSM_STATE_CLOSED] +=
		s->tw_end[TCPSM_TW_FIN_WAIT_2];
	matrix[TCPSM_STATE_TIME_WAIT][TCPSM_STATE_CLOSED] +=
		s->tw_end[TCPSM_TW_TIME_WAIT];

	for (x = 0; x < TCPSM_NSTATES; x++)
		for (y = 0; y < TCPSM_NSTATES; y++)
			if ((s64)matrix[x][y] < 0 || x == y)
				matrix[x][y] = 0;
	kfree(s);
}
