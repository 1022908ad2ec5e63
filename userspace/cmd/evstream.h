/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpsm: the stream of `tcpsm events`: event messages in (decoded by
 * lib/events.h), text or JSON lines out (evline.h), with a "lost"
 * record for each gap.
 */
#ifndef TCPSM_EVSTREAM_H
#define TCPSM_EVSTREAM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/netlink.h>

#include "events.h"
#include "json.h"
#include "netns.h"

/* One line each, no newline for JSON (the caller adds it). */
void tcpsm_lost_print_text(FILE *f, const struct tcpsm_lost *l);
void tcpsm_lost_print_json(struct json *j, const struct tcpsm_lost *l);

/* The stream: event messages in, lines out. */
struct tcpsm_events {
	FILE *out;
	bool json;
	uint64_t limit;			/* stop after this many events; 0: never */
	struct tcpsm_event_filter filter;
	struct tcpsm_seq_track seq;
	bool all;			/* --all-netns: every namespace's */
	struct tcpsm_netns_names names;	/* with all: their names */

	uint64_t printed;		/* events printed */
	uint64_t lost;			/* events lost (all gaps, any filter) */
	uint64_t malformed;		/* records (or messages) skipped */
};

/* Set up es to print to out: no filter, no limit, text. */
void tcpsm_events_init(struct tcpsm_events *es, FILE *out);
void tcpsm_events_free(struct tcpsm_events *es);

/*
 * Handle one message of the family (other commands than TCPSM_CMD_EVENT
 * are ignored). For each event in it, oldest first: a lost record when
 * its seq leaves a gap (before filtering, so that a filter never makes
 * one up or hides one), then the event if it passes the filter. A
 * malformed record is counted in es->malformed and skipped.
 * Returns 1 once es->limit events have been printed (the rest of the
 * message is left alone), else 0.
 */
int tcpsm_events_handle(struct tcpsm_events *es, struct nlmsghdr *nlh);

#endif /* TCPSM_EVSTREAM_H */
