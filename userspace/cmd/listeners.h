/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpsm: the listeners subcommand: the GET_LISTENERS dump of the caller's
 * namespace (listener.h) and its seven listener counters (GET_STATS,
 * syncnt.h), as a table or one JSON document.
 */
#ifndef TCPSM_LISTENERS_H
#define TCPSM_LISTENERS_H

#include <stdint.h>
#include <stdio.h>

#include "json.h"
#include "listener.h"
#include "syncnt.h"

/*
 * The table, after a header line with the counters' rates (netns < 0:
 * "netns ?"):
 *   netns N  TCPReqQFullDoCookies 512/s  ...  ListenDrops 0/s
 *
 *   ADDR:PORT     SYNQ/MAX  ACCEPTQ/MAX  COOKIES  SYNACK-RETRANS/s ...
 *   0.0.0.0:8080     64/64         0/64  yes                     0 ...
 * or "no listeners" under the header. set in the order shown.
 */
void tcpsm_listeners_print_text(FILE *f, int64_t netns,
				const struct tcpsm_syncnt *c,
				const struct tcpsm_listener_set *set);

/* {"netns": N, "counters": {...}, "listeners": [...]} (no newline). */
void tcpsm_listeners_print_json(struct json *j, int64_t netns,
				const struct tcpsm_syncnt *c,
				const struct tcpsm_listener_set *set);

#endif /* TCPSM_LISTENERS_H */
