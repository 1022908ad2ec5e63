/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpsm: one event as one line of text or JSON, formatted into a buffer.
 *
 * This is the hot path of `tcpsm events`: a busy host sends tens of
 * thousands of events a second, and the reader competes for the CPUs
 * with the connections it watches. No stdio, no locale, no escaping
 * (every string written is an address or a state name).
 */
#ifndef TCPSM_EVLINE_H
#define TCPSM_EVLINE_H

#include <stddef.h>

#include "events.h"

/* Longest line either function writes, newline and NUL included. */
#define TCPSM_EVLINE_MAX	2048	/* a name: 255 bytes, escaped */

/*
 * "TIME netns INODE seq N FROM -> TO local ADDR:PORT remote ADDR:PORT
 * sk:COOKIE MS ms\n" (MS: milliseconds in FROM, where known) into buf
 * (TCPSM_EVLINE_MAX bytes); returns its length.
 * With ev->with_name, "netns INODE (NAME)" (or "netns INODE (-)"), the
 * name's blanks and odd bytes as '?'.
 */
size_t tcpsm_evline_text(char *buf, const struct tcpsm_event *ev);

/*
 * {"seq": N, ..., "cookie": N, "time_in_from_ns": N or null}\n into
 * buf; returns its length. With
 * ev->with_name, "netns_name": "NAME" or null after "netns".
 */
size_t tcpsm_evline_json(char *buf, const struct tcpsm_event *ev);

#endif /* TCPSM_EVLINE_H */
