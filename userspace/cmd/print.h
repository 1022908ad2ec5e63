/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpsm: the text and JSON the subcommands print for what lib/ decoded
 * (stats.h, config.h, closewait.h, alarm.h,
 * syncnt.h). The output policy lives here, not in
 * lib/.
 */
#ifndef TCPSM_PRINT_H
#define TCPSM_PRINT_H

#include <stdint.h>
#include <stdio.h>

#include "alarm.h"
#include "closewait.h"
#include "config.h"
#include "json.h"
#include "owners.h"
#include "stats.h"
#include "syncnt.h"

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

/* Its member "ports": [...], inside an object the caller opened. */
void tcpsm_cw_print_ports_json(struct json *j, const struct tcpsm_cw_set *set,
			       const struct tcpsm_owners *owners);

/* ---- alarms (alerts) ---- */

/*
 * One line, newline included:
 *   RAISE CLOSE_WAIT_LEAK netns N port P count C oldest 31.2s growth +50
 *   uid 0,1000 inodes 4567,4568 (replayed)
 *   RAISE SYN_FLOOD netns N listener 0.0.0.0:8080 score 87 synq 64/64
 *   cookies overflow 512/s completion 3% synack-retrans 0/s drops 0/s
 *   RAISE ACCEPT_QUEUE_OVERFLOW netns N listener [::]:8080 score 100
 *   acceptq 128/128 drops 12/s
 * Parts the kernel did not send are left out; so are uid (distinct,
 * ascending) and inodes (oldest first; 0: no file) without sockets.
 * With a listener, "listener ADDR:PORT" stands for "port P"; its signals
 * follow the score (all of them for a kind this build does not know).
 */
void tcpsm_alarm_print_text(FILE *f, const struct tcpsm_alarm *a);

/*
 * One JSON object (no newline); keys not sent are null. "score" and
 * "listener" (listener.h's object) come last.
 */
void tcpsm_alarm_print_json(struct json *j, const struct tcpsm_alarm *a);

/* ---- SYN counters (stats, listeners) ---- */

/*
 * The counters on one line, without a newline, nstat's names without
 * "TcpExt": "SyncookiesSent 12345 (+512/s)" with two blanks between
 * them (rates: ratesonly) or "SyncookiesSent 512/s". Those not sent: "-".
 */
void tcpsm_syncnt_print_text(FILE *f, const struct tcpsm_syncnt *c,
			     bool ratesonly);

#endif /* TCPSM_PRINT_H */
