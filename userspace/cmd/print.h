/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpsm: the text and JSON the subcommands print for what lib/ decoded
 * (stats.h, config.h, closewait.h). The output policy lives here, not in
 * lib/.
 */
#ifndef TCPSM_PRINT_H
#define TCPSM_PRINT_H

#include <stdint.h>
#include <stdio.h>

#include "closewait.h"
#include "config.h"
#include "json.h"
#include "owners.h"
#include "stats.h"

/* ---- stats ---- */

/*
 * The operator's view of one namespace (several lines); it ends with
 * "alarms active: N (see tcpsm alerts)" when N > 0, "closewait
 * untracked: N" when N > 0, and "syn counters: ..." (syncnt.h) when the
 * kernel sent them.
 */
void tcpsm_stats_print_text(FILE *f, const struct tcpsm_stats *st);

/*
 * One JSON object for one namespace (no newline); "syn_counters" last,
 * null when the kernel sent none.
 */
void tcpsm_stats_print_json(struct json *j, const struct tcpsm_stats *st);

/* ---- config get ---- */

/* "closewait.count=16" lines, the form set takes; those not sent left out. */
void tcpsm_config_print_text(FILE *f, const struct tcpsm_config *c);

/* {"netns": N, "closewait.count": 16, ...}, null for those not sent. */
void tcpsm_config_print_json(struct json *j, const struct tcpsm_config *c);

/* ---- closewait ---- */

/*
 * The table:
 *   PORT   COUNT  OLDEST  GROWTH  IN/OUT  ALARM  OWNERS
 *   8080      50   31.2s     +50    50/0  LEAK   python3(pid 123)
 * or "no sockets in CLOSE_WAIT". owners may be NULL (nothing resolved).
 */
void tcpsm_cw_print_text(FILE *f, const struct tcpsm_cw_set *set,
			 const struct tcpsm_owners *owners);

/* {"netns": N, "ports": [...]} (no newline); netns < 0: null. */
void tcpsm_cw_print_json(struct json *j, int64_t netns,
			 const struct tcpsm_cw_set *set,
			 const struct tcpsm_owners *owners);

#endif /* TCPSM_PRINT_H */
