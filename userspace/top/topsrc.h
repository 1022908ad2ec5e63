/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpsm: where `tcpsm top` reads its numbers: the caller's network
 * namespace (a GET_STATS request), or another one picked with the n key
 * and followed through the all-netns dump (CAP_NET_ADMIN).
 */
#ifndef TCPSM_TOPSRC_H
#define TCPSM_TOPSRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alarm.h"
#include "nl.h"
#include "stats.h"
#include "topdiag.h"	/* TOP_DWELL_MAX */

struct top_src {
	struct tcpsm_nl nl;
	bool follow;			/* reading netns, not our own */
	uint32_t netns;
	bool has_own;			/* our own namespace's inode is known */
	uint32_t own;
};

/*
 * Open the netlink side. Returns 0, or prints one line and returns the
 * exit code (TCPSM_EXIT_NOMODULE without the module).
 */
int top_src_open(struct top_src *src);
void top_src_close(struct top_src *src);

/* top_src_read(): the followed namespace is gone; st is our own. */
#define TOP_SRC_OWN_AGAIN	1

/*
 * Read the namespace shown into st. Returns 0, TOP_SRC_OWN_AGAIN when
 * the followed namespace is gone or no longer readable (src reads our
 * own from now on), or a negative errno: the request failed (see
 * top_src_perror()).
 */
int top_src_read(struct top_src *src, struct tcpsm_stats *st);

/*
 * The active alarms of the namespace shown (a GET_ALARMS dump), into set
 * (free it with tcpsm_alarm_set_free). The kernel tells only those of our
 * own: -ENOENT while another one is followed. Else 0 or a negative errno.
 */
int top_src_alarms(struct top_src *src, struct tcpsm_alarm_set *set);

/*
 * The highest SYN-flood score among the listeners of the namespace shown
 * (a GET_LISTENERS dump). 0 when none is under pressure, and when it
 * cannot be known: another namespace is followed (the kernel tells only
 * our own), or the dump failed (a module without listeners).
 */
uint32_t top_src_pressure(struct top_src *src);

/*
 * The median time each state of the namespace shown was held before it
 * was left (a GET_LATENCY dump; all-netns while another namespace is
 * followed), as short text ("850us", "12ms", "3.0s", "4.1m", "2.0h",
 * "1.5d"); "-" for a state never left, or the time of none known.
 * Returns 0 or a negative errno (out left as it was).
 */
int top_src_dwell(struct top_src *src, char out[][TOP_DWELL_MAX + 1]);

/* us as top_src_dwell() writes it. */
void top_fmt_dwell(uint64_t us, char *buf, size_t size);

/* Print why the last read failed, on one line, like tcpsm stats does. */
void top_src_perror(const struct top_src *src, int err);

/*
 * Switch to the namespace after current (the inode shown now) in the
 * kernel's order, wrapping around, and read it into st. Returns 0, or a
 * negative errno with a one-line reason in msg (nothing changed).
 */
int top_src_next(struct top_src *src, uint32_t current,
		 struct tcpsm_stats *st, char *msg, size_t len);

#endif /* TCPSM_TOPSRC_H */
