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
 * One pass serves any number of namespaces (tcpsm_gauges_read_rows()):
 * each socket found is given to its namespace's row, found by bisection
 * on its struct net, so reading every namespace costs one walk of each
 * table, not one per namespace.
 *
 * Which tables: namespaces share the host's tcp_hashinfo (the initial
 * namespace's), except one
 * created while net.ipv4.tcp_child_ehash_entries was set, which has an
 * established hash of its own (net->ipv4.tcp_death_row.hashinfo, made
 * by inet_pernet_hashinfo_alloc() for that namespace alone); its
 * listening hash is still the host's (the same function copies the
 * pointer). The host's tables are walked once for all rows; a table of
 * one namespace is walked for its row only, so even a table shared by
 * two such rows would count each socket once.
 *
 * Context: process context (netlink requests); sleeps between buckets.
 * The caller keeps every row's namespace alive (tcpsm_nets_lock, or a
 * request from inside it): its hashinfo is read, and a socket is
 * matched to a row by the address of its namespace.
 */
#include <linux/sched.h>
#include <linux/sort.h>
#include <net/inet_hashtables.h>
#include <net/inet_timewait_sock.h>
#include <net/tcp.h>

#include "tcpsm_hooks.h"
#include "tcpsm_stats.h"

/* The rows a walk counts into, sorted by net, and the last one found. */
struct tcpsm_rows {
	struct tcpsm_gauge_row *v;
	unsigned int n;
	struct tcpsm_gauge_row *last;
};

static int tcpsm_row_cmp(const void *a, const void *b)
{
	unsigned long x = (unsigned long)((const struct tcpsm_gauge_row *)a)->net;
	unsigned long y = (unsigned long)((const struct tcpsm_gauge_row *)b)->net;

	return x < y ? -1 : x > y;
}

struct tcpsm_gauge_row *tcpsm_gauge_row_find(struct tcpsm_gauge_row *rows,
					     unsigned int n,
					     const struct net *net)
{
	unsigned long key = (unsigned long)net;
	unsigned int lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((unsigned long)rows[mid].net < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && rows[lo].net == net ? &rows[lo] : NULL;
}

/*
 * The row of @net, or NULL (a namespace not asked for). Sockets of one
 * namespace tend to follow each other in a chain: try the last row first.
 */
static struct tcpsm_gauge_row *tcpsm_row_of(struct tcpsm_rows *r,
					    const struct net *net)
{
	struct tcpsm_gauge_row *row;

	if (r->last && r->last->net == net)
		return r->last;
	row = tcpsm_gauge_row_find(r->v, r->n, net);
	if (row)
		r->last = row;
	return row;
}

/* Context: process context; takes each bucket's lock, sleeps between. */
static void tcpsm_count_listeners(struct inet_hashinfo *h, struct tcpsm_rows *r)
{
	struct inet_listen_hashbucket *ilb;
	struct hlist_nulls_node *node;
	struct tcpsm_gauge_row *row;
	struct sock *sk;
	u32 i;

	for (i = 0; i <= h->lhash2_mask; i++) {
		if (!(i & 255))
			cond_resched();
		ilb = &h->lhash2[i];
		if (hlist_nulls_empty(&ilb->nulls_head))
			continue;
		/* the listening hash is only changed in process context */
		spin_lock(&ilb->lock);
		sk_nulls_for_each(sk, node, &ilb->nulls_head) {
			row = tcpsm_row_of(r, sock_net(sk));
			if (row)
				row->gauge[TCPSM_STATE_LISTEN]++;
		}
		spin_unlock(&ilb->lock);
	}
}

/* Context: process context; takes each bucket's lock, sleeps between. */
static void tcpsm_count_established(struct inet_hashinfo *h,
				    struct tcpsm_rows *r)
{
	struct inet_ehash_bucket *head;
	struct hlist_nulls_node *node;
	struct tcpsm_gauge_row *row;
	struct sock *sk;
	int state;
	u32 i;

	for (i = 0; i <= h->ehash_mask; i++) {
		if (!(i & 255))
			cond_resched();
		head = &h->ehash[i];
		if (hlist_nulls_empty(&head->chain))
			continue;
		/* softirq inserts and removes entries: block it */
		spin_lock_bh(inet_ehash_lockp(h, i));
		sk_nulls_for_each(sk, node, &head->chain) {
			row = tcpsm_row_of(r, sock_net(sk));
			if (!row)
				continue;
			state = READ_ONCE(sk->sk_state);
			if (state == TCP_TIME_WAIT)
				state = READ_ONCE(inet_twsk(sk)->tw_substate);
			state = tcpsm_state_of(state);
			if (state > TCPSM_STATE_CLOSED)
				row->gauge[state]++;
		}
		spin_unlock_bh(inet_ehash_lockp(h, i));
	}
}

/*
 * The gauges of @n namespaces (rows[i].net set, the rest is written),
 * in one walk of each distinct table. Sorts @rows by net: find a row
 * with tcpsm_gauge_row_find() afterwards.
 *
 * Context: process context, may sleep; every rows[i].net is kept alive
 * by the caller for the whole call.
 */
void tcpsm_gauges_read_rows(struct tcpsm_gauge_row *rows, unsigned int n)
{
	/* the host's tables: tcp_hashinfo, which 6.12 does not export */
	struct inet_hashinfo *host = init_net.ipv4.tcp_death_row.hashinfo;
	struct tcpsm_rows all = { .v = rows, .n = n };
	bool host_listen = false, host_est = false;
	struct inet_hashinfo *h;
	struct tcpsm_rows one;
	unsigned int i;

	sort(rows, n, sizeof(*rows), tcpsm_row_cmp, NULL);
	for (i = 0; i < n; i++) {
		memset(rows[i].gauge, 0, sizeof(rows[i].gauge));
		h = rows[i].net->ipv4.tcp_death_row.hashinfo;
		one = (struct tcpsm_rows){ .v = &rows[i], .n = 1 };
		if (h->lhash2 == host->lhash2)
			host_listen = true;
		else
			tcpsm_count_listeners(h, &one);
		if (h->ehash == host->ehash)
			host_est = true;
		else
			tcpsm_count_established(h, &one);
	}
	if (host_listen)
		tcpsm_count_listeners(host, &all);
	if (host_est)
		tcpsm_count_established(host, &all);
}

/* One namespace: a one-row read. Context: process context, may sleep. */
void tcpsm_gauges_read(struct net *net, u64 gauge[TCPSM_NSTATES])
{
	struct tcpsm_gauge_row row = { .net = net };

	tcpsm_gauges_read_rows(&row, 1);
	memcpy(gauge, row.gauge, sizeof(row.gauge));
}
