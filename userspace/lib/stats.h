/* SPDX-License-Identifier: GPL-2.0 */
/* tcpsm: GET_STATS: the counters of a namespace, requested and decoded. */
#ifndef TCPSM_STATS_H
#define TCPSM_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/netlink.h>

#include "json.h"
#include "states.h"
#include "syncnt.h"

/* One GET_STATS reply: the counters of one network namespace. */
struct tcpsm_stats {
	bool has_netns;
	uint32_t netns;				/* inode of the namespace */
	uint64_t state[TCPSM_NUM_STATES];	/* gauges, by enum tcpsm_state */
	uint64_t trans[TCPSM_NUM_STATES][TCPSM_NUM_STATES]; /* [from][to] */
	bool has_events_dropped;		/* modules before events: no */
	uint64_t events_dropped;		/* events the module could not send */
	bool has_closewait_untracked;		/* modules before alarms: no */
	uint64_t closewait_untracked;		/* CLOSE_WAIT entries not tracked */
	bool has_alarms_active;
	uint32_t alarms_active;			/* raised and not cleared */
	struct tcpsm_syncnt syn;		/* modules before listeners: none */
	/* Set by the reader, not the parser: with_name once it looked the
	 * namespace's name up (--all-netns); netns_name NULL: none. */
	bool with_name;
	const char *netns_name;
};

/*
 * Parse one GET_STATS reply (a whole generic netlink message) into st,
 * which is cleared first. Unknown attributes, and states past the ones
 * this build knows, are ignored. Returns 0, or -EBADMSG if malformed.
 */
int tcpsm_stats_parse(struct nlmsghdr *nlh, struct tcpsm_stats *st);

/* The replies of one GET_STATS request: one per namespace. */
struct tcpsm_stats_set {
	struct tcpsm_stats *v;
	size_t n, cap;
};

struct tcpsm_nl;

/*
 * GET_STATS for the caller's namespace, or (all) a dump of every
 * namespace, parsed into set (cleared first; free it with
 * tcpsm_stats_set_free even on failure). Returns what
 * tcpsm_nl_request() returns; a malformed reply is -EBADMSG in
 * nl->reply_err.
 */
int tcpsm_stats_request(struct tcpsm_nl *nl, bool all,
			struct tcpsm_stats_set *set);
void tcpsm_stats_set_free(struct tcpsm_stats_set *set);

#endif /* TCPSM_STATS_H */
