/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpsm: the event record: TCPSM_CMD_EVENT notifications of group
 * "events" decoded into struct tcpsm_event, filtered, checked for gaps.
 */
#ifndef TCPSM_EVENTS_H
#define TCPSM_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/netlink.h>
#include <netlink/attr.h>

#include "states.h"

/* One event record (struct tcpsm_event_record), as the CLI uses it. */
struct tcpsm_event {
	uint64_t seq;			/* per namespace, from 1 */
	uint64_t ts;			/* CLOCK_MONOTONIC, ns */
	uint32_t netns;			/* inode of the namespace */
	uint16_t family;		/* AF_INET or AF_INET6 */
	uint8_t saddr[16];		/* local, network order (4 used for AF_INET) */
	uint8_t daddr[16];		/* remote */
	uint16_t sport;			/* local port, host order */
	uint16_t dport;			/* remote port */
	uint32_t from;			/* enum tcpsm_state; may be past the */
	uint32_t to;			/* ones this build knows */
	bool has_cookie;		/* cookie not 0 */
	uint64_t cookie;
	bool has_tis;			/* time_in_from_ns known */
	uint64_t tis;			/* ns in state from before this edge */
	/* Set by the reader, not the parser: with_name once it looked the
	 * namespace's name up (--all-netns); netns_name NULL: none. */
	bool with_name;
	const char *netns_name;
};

/*
 * Decode one TCPSM_A_EVENTS_RECORD attribute into ev (cleared first): a
 * struct tcpsm_event_record, or a longer one from a newer module (the
 * members past ours are ignored). Returns 0, or -EBADMSG when the
 * attribute is shorter than the record, the family is not
 * AF_INET/AF_INET6 or seq is 0.
 */
int tcpsm_event_parse(const struct nlattr *rec, struct tcpsm_event *ev);

/* Events lost in one namespace: the gap from_seq..to_seq. */
struct tcpsm_lost {
	uint32_t netns;
	uint64_t from_seq;
	uint64_t to_seq;
};

#define TCPSM_EV_INET		0x1
#define TCPSM_EV_INET6		0x2

/*
 * Which events to print. Each kind that is set must match (an event
 * matches a kind when its from or to state, or its sport or dport, is in
 * the set); a kind left empty matches everything.
 */
struct tcpsm_event_filter {
	uint32_t states;		/* 1 << state, for each state asked for */
	unsigned int families;		/* TCPSM_EV_INET | TCPSM_EV_INET6 */
	bool has_ports;
	uint8_t ports[65536 / 8];	/* bitmap of the ports asked for */
};

/*
 * Add the comma-separated items of list (split in place) to the filter:
 * state names (tcpsm_state_from_name: any case, ss's and the kernel's
 * spellings too), ports 0-65535, or families (inet, inet6, 4, 6). Returns NULL, or the first item that is not valid (an
 * empty string for an empty item); items before it are added.
 */
const char *tcpsm_event_filter_states(struct tcpsm_event_filter *f, char *list);
const char *tcpsm_event_filter_ports(struct tcpsm_event_filter *f, char *list);
const char *tcpsm_event_filter_families(struct tcpsm_event_filter *f, char *list);

bool tcpsm_event_match(const struct tcpsm_event_filter *f,
		       const struct tcpsm_event *ev);

/* The last sequence number seen in each namespace. */
struct tcpsm_seq_ns {
	uint32_t netns;
	uint64_t last;
};

struct tcpsm_seq_track {
	struct tcpsm_seq_ns *v;
	size_t n, cap;
};

/*
 * Note that seq of netns arrived. Returns true, with the gap in *lost,
 * when events of netns went missing just before it. The first seq of a
 * namespace, and a seq that goes back (the module was reloaded), start
 * over without a gap.
 */
bool tcpsm_seq_note(struct tcpsm_seq_track *t, uint32_t netns, uint64_t seq,
		    struct tcpsm_lost *lost);
void tcpsm_seq_free(struct tcpsm_seq_track *t);

#endif /* TCPSM_EVENTS_H */
