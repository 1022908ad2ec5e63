/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpsm exporter: one scrape, read from the kernel at that moment and
 * written as the Prometheus text format (version 0.0.4) or OpenMetrics
 * 1.0.0. The HTTP side is server.c; this file knows no socket.
 *
 * The metric names and labels are a contract (Documentation/exporter.md);
 * label cardinality is bounded by what the kernel reports: namespaces
 * (one set per namespace), states (10) and edges taken (at most 121),
 * ports with sockets in CLOSE_WAIT, listeners, active alarms, and the
 * time-in-state histograms (states left at least once, and the ports
 * the module keeps: latency_ports per namespace), 22 series each.
 */
#ifndef TCPSM_METRICS_H
#define TCPSM_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alarm.h"
#include "closewait.h"
#include "latency.h"
#include "listener.h"
#include "netns.h"
#include "stats.h"

/* A text buffer that keeps its memory from one scrape to the next. */
struct tcpsm_mbuf {
	char *p;
	size_t len, cap;
	bool oom;			/* an append failed: the text is cut */
};

void tcpsm_mbuf_reset(struct tcpsm_mbuf *b);
void tcpsm_mbuf_free(struct tcpsm_mbuf *b);
void tcpsm_mbuf_printf(struct tcpsm_mbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* What one scrape read, and about the exporter. */
struct tcpsm_scrape {
	bool all;			/* every namespace (--all-netns) */
	struct tcpsm_netns_names *names;

	struct tcpsm_stats_set stats;
	struct tcpsm_cw_set cw;
	struct tcpsm_listener_set ls;
	struct tcpsm_alarm_set alarms;
	struct tcpsm_lat_set lat;
	int failed;			/* requests of this scrape that failed */

	const char *version;		/* this tcpsm's */
	char module_version[64];	/* /sys/module/tcpsm/version, or "" */
	char kernel[128];		/* uname -r */
	double duration_s;		/* of the reads */
	uint64_t scrapes, errors;	/* since start, this one included */
};

struct tcpsm_nl;

/*
 * Read everything from the kernel into s (the sets cleared first):
 * GET_STATS, GET_CLOSEWAIT, GET_LISTENERS, GET_ALARMS, GET_LATENCY, of every
 * namespace when s->all. A failed request counts in s->failed and
 * s->errors, and its set stays empty. Returns the first error, or 0.
 */
int tcpsm_scrape_read(struct tcpsm_nl *nl, struct tcpsm_scrape *s);
void tcpsm_scrape_free(struct tcpsm_scrape *s);

/* The exposition of s into b (reset first). */
void tcpsm_metrics_write(struct tcpsm_mbuf *b, const struct tcpsm_scrape *s,
			 bool openmetrics);

/* The content types of the two formats. */
#define TCPSM_CT_TEXT	"text/plain; version=0.0.4; charset=utf-8"
#define TCPSM_CT_OPENMETRICS \
	"application/openmetrics-text; version=1.0.0; charset=utf-8"

/* Does an Accept header ask for OpenMetrics (before the text format)? */
bool tcpsm_wants_openmetrics(const char *accept);

#endif /* TCPSM_METRICS_H */
