// SPDX-License-Identifier: GPL-2.0
/*
 * Gauges: how many TCP sockets of a namespace sit in each state now.
 *
 * Read from the kernel's own socket tables, as inet_diag (ss) reads them:
 * listeners from the listening hash, everything else from the established
 * hash, which also holds request sockets (counted as SYN_RCVD) and
 * timewait sockets (counted as their substate, FIN_WAIT_2 or TIME_WAIT).
 * That makes the gauges exact by construction, sockets from before the
 * module was loaded included, and costs nothing on the hot path; a read
 * costs one pass over the tables, taking each bucket lock briefly, like
 * one ss dump without building a message per socket.
 *
 * Context: process context (netlink requests); sleeps between buckets.
 */
#include <linux/sched.h>
#include <net/inet_hashtables.h>
#include <net/inet_timewait_sock.h>
#include <net/tcp.h>

#include "tcpsm_hooks.h"
#include "tcpsm_stats.h"

static void tcpsm_count_listeners(struct net *net, struct inet_hashinfo *h,
				  u64 gauge[TCPSM_NSTATES])
{
	struct inet_listen_hashbucket *ilb;
	struct hlist_nulls_node *node;
	struct sock *sk;
	u32 i;

	for (i = 0; i <= h->lhash2_mask; i++) {
		ilb = &h->lhash2[i];
		if (hlist_nulls_empty(&ilb->nulls_head))
			continue;
		/* the listening hash is only changed in process context */
		spin_lock(&ilb->lock);
		sk_nulls_for_each(sk, node, &ilb->nulls_head)
			if (net_eq(sock_net(sk), net))
				gauge[TCPSM_STATE_LISTEN]++;
		spin_unlock(&ilb->lock);
		if (!(i & 255))
			cond_resched();
	}
}

static void tcpsm_count_established(struct net *net, struct inet_hashinfo *h,
				    u64 gauge[TCPSM_NSTATES])
{
	struct inet_ehash_bucket *head;
	struct hlist_nulls_node *node;
	struct sock *sk;
	int state;
	u32 i;

	for (i = 0; i <= h->ehash_mask; i++) {
		head = &h->ehash[i];
		if (hlist_nulls_empty(&head->chain))
			continue;
		/* softirq inserts and removes entries: block it */
		spin_lock_bh(inet_ehash_lockp(h, i));
		sk_nulls_for_each(sk, node, &head->chain) {
			if (!net_eq(sock_net(sk), net))
				continue;
			state = READ_ONCE(sk->sk_state);
			if (state == TCP_TIME_WAIT)
				state = READ_ONCE(inet_twsk(sk)->tw_substate);
			state = tcpsm_state_of(state);
			if (state > TCPSM_STATE_CLOSED)
				gauge[state]++;
		}
		spin_unlock_bh(inet_ehash_lockp(h, i));
		if (!(i & 255))
			cond_resched();
	}
}

void tcpsm_gauges_read(struct net *net, u64 gauge[TCPSM_NSTATES])
{
	struct inet_hashinfo *h = net->ipv4.tcp_death_row.hashinfo;

	memset(gauge, 0, sizeof(u64) * TCPSM_NSTATES);
	tcpsm_count_listeners(net, h, gauge);
	tcpsm_count_established(net, h, gauge);
}
