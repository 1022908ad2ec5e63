/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpsm: a subscription to one multicast group of the tcpsm family, and
 * learning that the family went away: joining the group, the stop signals,
 * and the loop that reads what comes until a stop signal, the reader of
 * stdout going, the module being unloaded or an error. What each message
 * means is the subscriber's (tcpsm events, tcpsm alerts).
 */
#ifndef TCPSM_SUB_H
#define TCPSM_SUB_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/netlink.h>

#include "nl.h"

/* The most datagrams read per wakeup, then one flush for them all. */
#define TCPSM_SUB_BATCH		64
/* The receive buffer: the module's datagrams are 16 KiB at most. */
#define TCPSM_SUB_BUF		(64 << 10)

struct tcpsm_sub {
	/* What differs between subscribers: set before tcpsm_sub_join(). */
	const char *group;		/* the group; also names it in messages */
	const char *what;		/* what comes on it, in messages */
	int rcvbuf;			/* receive buffer asked for (best effort) */
	bool rcvbuf_force;		/* SO_RCVBUFFORCE too (CAP_NET_ADMIN) */
	bool no_enobufs;		/* NETLINK_NO_ENOBUFS */
	bool needs_admin;		/* joining needs CAP_NET_ADMIN: say so */
	bool stop_ends_batch;		/* a stop signal ends a batch of reads */

	/* A message of the family. Returns 1 to end the stream, else 0. */
	int (*msg)(struct nlmsghdr *nlh, void *arg);
	/*
	 * A read found the receive buffer overrun (ENOBUFS: messages lost);
	 * again: so did the read before, with nothing read in between.
	 * Returns 0 to read on, or an exit code (the error printed).
	 */
	int (*overrun)(void *arg, bool again);
	/* After each batch of reads; rc: 0, or the exit code it failed with. */
	void (*after_reads)(void *arg, int rc);
	void *arg;

	sigset_t old;			/* the signal mask we started with */

	/* Private to sub.c. */
	struct tcpsm_nl *nl;
	sigset_t stop;			/* SIGINT, SIGTERM */
	sigset_t wait;			/* old, with the stop signals let in */
	bool done;			/* msg() ended the stream */
	bool unloaded;			/* the family went away */
	bool overrun_seen;		/* the last read was an overrun */
	bool debug;			/* TCPSM_NL_DEBUG: libnl reads, and prints */
};

/*
 * Catch SIGINT and SIGTERM until the end, ignore SIGPIPE, and keep the
 * signal mask in s->old. First thing, before the socket is opened.
 */
void tcpsm_sub_signals_on(struct tcpsm_sub *s);

/* Has a stop signal (SIGINT, SIGTERM) come? */
bool tcpsm_sub_stopped(void);

/*
 * Join s->group of the family on nl, and nlctrl's notify group to learn
 * when the module goes away; set the socket up to receive from them.
 * Returns 0 or an exit code (the error printed).
 */
int tcpsm_sub_join(struct tcpsm_sub *s, struct tcpsm_nl *nl);

/*
 * Warn on stderr of n malformed things (what: "event record") skipped,
 * when n reaches *next: at 1, 2, 4, 8, ... of them (*next starts at 1).
 */
void tcpsm_sub_warn_malformed(uint64_t n, uint64_t *next, const char *what);

/*
 * Flush stdout. Returns 0; 1 when we are to end quietly (its reader has
 * gone, or a stop signal cut a blocked write short); or -1 (printed).
 */
int tcpsm_sub_flush(void);

/*
 * Until msg() ends the stream, a stop signal, the reader of stdout going
 * or the module going away: wait, read, flush. Returns the exit code: 0,
 * TCPSM_EXIT_NOMODULE (printed) once the module is gone, or an error's.
 */
int tcpsm_sub_loop(struct tcpsm_sub *s);

#endif /* TCPSM_SUB_H */
