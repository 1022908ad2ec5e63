/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpsm: the GET_LATENCY dump (time-in-state histograms: one message per
 * state of a namespace, then one per port kept) decoded, and what is
 * read off a log2 histogram: its buckets' bounds and its quantiles.
 */
#ifndef TCPSM_LATENCY_H
#define TCPSM_LATENCY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/netlink.h>

/*
 * Bucket i (0 to 37) counts times over 2^(i-1) and at most 2^i
 * microseconds (bucket 0: at most 1 us), bucket 38 the longer ones.
 */
#define TCPSM_LAT_BUCKETS	39

struct tcpsm_lat_hist {
	uint32_t netns;
	uint32_t state;			/* the state the time was spent in */
	bool has_port;			/* no: the whole namespace */
	uint16_t port;			/* SYN_SENT: remote; else local */
	uint64_t count;			/* edges out with a known time */
	uint64_t sum_ns;
	uint64_t unknown;		/* edges out with no known time */
	bool has_port_overflow;
	uint64_t port_overflow;		/* in no port's histogram */
	uint64_t bucket[TCPSM_LAT_BUCKETS];
};

/*
 * Parse one GET_LATENCY reply into h (cleared first). netns, state,
 * count, sum-ns, unknown and exactly TCPSM_LAT_BUCKETS buckets adding
 * up to count are required. Returns 0, or -EBADMSG.
 */
int tcpsm_lat_parse(struct nlmsghdr *nlh, struct tcpsm_lat_hist *h);

struct tcpsm_lat_set {
	struct tcpsm_lat_hist *v;
	size_t n, cap;
};

void tcpsm_lat_set_free(struct tcpsm_lat_set *set);

struct tcpsm_nl;

/*
 * Dump GET_LATENCY of the caller's namespace, or (all) of every
 * namespace, into set (cleared first). Returns what tcpsm_nl_dump()
 * returns.
 */
int tcpsm_lat_request(struct tcpsm_nl *nl, bool all, struct tcpsm_lat_set *set);

/* Bucket i's upper bound in us (its lower one is the bound of i - 1);
 * UINT64_MAX for the last, unbounded one. */
uint64_t tcpsm_lat_le_us(unsigned int i);

/*
 * The q-quantile (0 < q <= 1) of h in us, interpolated linearly inside
 * its bucket as Prometheus' histogram_quantile() does; the last bucket
 * gives its lower bound. 0 when h counts nothing.
 */
uint64_t tcpsm_lat_quantile_us(const struct tcpsm_lat_hist *h, double q);

/* Does state keep per-port histograms, and by which side's port? */
const char *tcpsm_lat_port_side(uint32_t state);

#endif /* TCPSM_LATENCY_H */
