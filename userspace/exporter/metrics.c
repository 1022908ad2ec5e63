// SPDX-License-Identifier: GPL-2.0
/* tcpsm exporter: one scrape as Prometheus text or OpenMetrics (metrics.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <linux/tcpsm.h>

#include "metrics.h"
#include "nl.h"
#include "states.h"

/* ---- the buffer ------------------------------------------------------------ */

void tcpsm_mbuf_reset(struct tcpsm_mbuf *b)
{
	b->len = 0;
	b->oom = false;
	if (b->p)
		b->p[0] = '\0';
}

void tcpsm_mbuf_free(struct tcpsm_mbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static bool reserve(struct tcpsm_mbuf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 16384;
	char *p;

	if (b->oom)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	while (cap < b->len + more + 1)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void tcpsm_mbuf_printf(struct tcpsm_mbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!reserve(b, 256))
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= b->cap - b->len) {
		if (!reserve(b, (size_t)n))
			return;
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

/* a label value, escaped as both formats want: \\, \", \n */
static void put_value(struct tcpsm_mbuf *b, const char *v)
{
	if (!reserve(b, 2 * strlen(v)))
		return;
	for (; *v; v++) {
		if (*v == '\\' || *v == '"') {
			b->p[b->len++] = '\\';
			b->p[b->len++] = *v;
		} else if (*v == '\n') {
			b->p[b->len++] = '\\';
			b->p[b->len++] = 'n';
		} else {
			b->p[b->len++] = *v;
		}
	}
	b->p[b->len] = '\0';
}

/* ---- the families ---------------------------------------------------------- */

enum mtype { GAUGE, COUNTER, HISTOGRAM };

/*
 * The # HELP and # TYPE lines of family @name. A counter's samples end in
 * _total: OpenMetrics names its family without it, the text format with.
 */
static void family(struct tcpsm_mbuf *b, bool om, const char *name,
		   enum mtype t, const char *help)
{
	size_t n = strlen(name);

	if (om && t == COUNTER && n > 6 && !strcmp(name + n - 6, "_total"))
		n -= 6;
	tcpsm_mbuf_printf(b, "# HELP %.*s %s\n", (int)n, name, help);
	tcpsm_mbuf_printf(b, "# TYPE %.*s %s\n", (int)n, name,
			  t == COUNTER ? "counter" :
			  t == HISTOGRAM ? "histogram" : "gauge");
}

/* name{netns="N",netns_name="NAME" (then the caller's labels) */
static void open_ns(struct tcpsm_mbuf *b, const struct tcpsm_scrape *s,
		    const char *name, uint32_t netns)
{
	const char *nn = s->names ? tcpsm_netns_name(s->names, netns) : NULL;

	tcpsm_mbuf_printf(b, "%s{netns=\"%" PRIu32 "\",netns_name=\"", name,
			  netns);
	put_value(b, nn ? nn : "");
	tcpsm_mbuf_printf(b, "\"");
}

static void label(struct tcpsm_mbuf *b, const char *k, const char *v)
{
	tcpsm_mbuf_printf(b, ",%s=\"", k);
	put_value(b, v);
	tcpsm_mbuf_printf(b, "\"");
}

static void close_u64(struct tcpsm_mbuf *b, uint64_t v)
{
	tcpsm_mbuf_printf(b, "} %" PRIu64 "\n", v);
}

static void stats_families(struct tcpsm_mbuf *b, const struct tcpsm_scrape *s,
			   bool om)
{
	const struct tcpsm_stats *st;
	unsigned int i, from, to;
	size_t k;
	int c;

	family(b, om, "tcpsm_sockets", GAUGE,
	       "TCP sockets in each state now, as ss -tan counts them.");
	for (k = 0; k < s->stats.n; k++) {
		st = &s->stats.v[k];
		for (i = 0; i < TCPSM_NUM_GAUGES; i++) {
			open_ns(b, s, "tcpsm_sockets", st->netns);
			label(b, "state", tcpsm_state_name(tcpsm_gauge_states[i]));
			close_u64(b, st->state[tcpsm_gauge_states[i]]);
		}
	}
	family(b, om, "tcpsm_transitions_total", COUNTER,
	       "Edges of the TCP state machine taken since the module was loaded (those taken at least once).");
	for (k = 0; k < s->stats.n; k++) {
		st = &s->stats.v[k];
		for (from = 0; from < TCPSM_NUM_STATES; from++)
			for (to = 0; to < TCPSM_NUM_STATES; to++) {
				if (!st->trans[from][to])
					continue;
				open_ns(b, s, "tcpsm_transitions_total", st->netns);
				label(b, "from", tcpsm_state_name(from));
				label(b, "to", tcpsm_state_name(to));
				close_u64(b, st->trans[from][to]);
			}
	}
	family(b, om, "tcpsm_events_dropped_total", COUNTER,
	       "Events the module could not deliver to subscribers since it was loaded.");
	for (k = 0; k < s->stats.n; k++) {
		open_ns(b, s, "tcpsm_events_dropped_total", s->stats.v[k].netns);
		close_u64(b, s->stats.v[k].events_dropped);
	}
	family(b, om, "tcpsm_closewait_untracked_total", COUNTER,
	       "Entries into CLOSE_WAIT whose age and owner tcpsm could not track.");
	for (k = 0; k < s->stats.n; k++) {
		open_ns(b, s, "tcpsm_closewait_untracked_total", s->stats.v[k].netns);
		close_u64(b, s->stats.v[k].closewait_untracked);
	}
	family(b, om, "tcpsm_alarms_active", GAUGE,
	       "Alarms raised and not yet cleared in the namespace.");
	for (k = 0; k < s->stats.n; k++) {
		open_ns(b, s, "tcpsm_alarms_active", s->stats.v[k].netns);
		close_u64(b, s->stats.v[k].alarms_active);
	}
	family(b, om, "tcpsm_snmp_total", COUNTER,
	       "The namespace's listener SNMP counters tcpsm samples each second (nstat's names).");
	for (k = 0; k < s->stats.n; k++) {
		st = &s->stats.v[k];
		for (c = 0; c < TCPSM_SYNCNT_N; c++) {
			if (!st->syn.has[c])
				continue;
			open_ns(b, s, "tcpsm_snmp_total", st->netns);
			label(b, "counter", tcpsm_syncnt_name(c));
			close_u64(b, st->syn.value[c]);
		}
	}
}

static void closewait_families(struct tcpsm_mbuf *b,
			       const struct tcpsm_scrape *s, bool om)
{
	char port[8];
	size_t k;

	family(b, om, "tcpsm_closewait_sockets", GAUGE,
	       "Sockets in CLOSE_WAIT per local port (ports with any), as of the last one-second sample.");
	for (k = 0; k < s->cw.n; k++) {
		snprintf(port, sizeof(port), "%u", s->cw.v[k].port);
		open_ns(b, s, "tcpsm_closewait_sockets", s->cw.v[k].netns);
		label(b, "port", port);
		close_u64(b, s->cw.v[k].count);
	}
	family(b, om, "tcpsm_closewait_oldest_seconds", GAUGE,
	       "How long the oldest tracked socket of the port has been in CLOSE_WAIT.");
	for (k = 0; k < s->cw.n; k++) {
		if (!s->cw.v[k].has_oldest_age)
			continue;
		snprintf(port, sizeof(port), "%u", s->cw.v[k].port);
		open_ns(b, s, "tcpsm_closewait_oldest_seconds", s->cw.v[k].netns);
		label(b, "port", port);
		tcpsm_mbuf_printf(b, "} %.3f\n", s->cw.v[k].oldest_age_ms / 1000.0);
	}
}

/* one listener gauge family: @get reads the value */
static void listener_family(struct tcpsm_mbuf *b, const struct tcpsm_scrape *s,
			    bool om, const char *name, const char *help,
			    size_t off)
{
	char ep[64], port[8];
	uint32_t v;
	size_t k;

	family(b, om, name, GAUGE, help);
	for (k = 0; k < s->ls.n; k++) {
		const struct tcpsm_listener *l = &s->ls.v[k];

		tcpsm_listener_endpoint(l, ep, sizeof(ep));
		snprintf(port, sizeof(port), "%u", l->port);
		memcpy(&v, (const char *)l + off, sizeof(v));
		open_ns(b, s, name, l->netns);
		label(b, "listener", ep);
		label(b, "port", port);
		close_u64(b, v);
	}
}

static void listener_families(struct tcpsm_mbuf *b,
			      const struct tcpsm_scrape *s, bool om)
{
#define LF(name, field, help) \
	listener_family(b, s, om, name, help, \
			offsetof(struct tcpsm_listener, field))
	LF("tcpsm_listener_syn_queue", syn_queue,
	   "Half-open connections in the listener's SYN queue.");
	LF("tcpsm_listener_syn_queue_max", syn_queue_max,
	   "The SYN queue's limit (the backlog).");
	LF("tcpsm_listener_accept_queue", accept_queue,
	   "Connections waiting for accept() (ss -ltn Recv-Q).");
	LF("tcpsm_listener_accept_queue_max", accept_queue_max,
	   "The accept queue's limit (ss -ltn Send-Q).");
	LF("tcpsm_listener_syn_flood_score", score,
	   "SYN-flood pressure, 0 to 100 (SYN_FLOOD at synflood.raise).");
	LF("tcpsm_listener_accept_score", accept_score,
	   "Accept-queue pressure, 0 to 100 (ACCEPT_QUEUE_OVERFLOW at synflood.raise).");
#undef LF
}

static void alarm_families(struct tcpsm_mbuf *b, const struct tcpsm_scrape *s,
			   bool om)
{
	char kind[32], port[8], ep[64];
	size_t k;

	family(b, om, "tcpsm_alarm_active", GAUGE,
	       "1 while an alarm is raised: CLOSE_WAIT_LEAK per port, SYN_FLOOD and ACCEPT_QUEUE_OVERFLOW per listener.");
	for (k = 0; k < s->alarms.n; k++) {
		const struct tcpsm_alarm *a = &s->alarms.v[k];

		open_ns(b, s, "tcpsm_alarm_active", a->netns);
		label(b, "alarm", tcpsm_alarm_kind_name(a->kind, kind, sizeof(kind)));
		snprintf(port, sizeof(port), "%u",
			 a->has_listener ? a->listener.port : a->port);
		label(b, "port", port);
		if (a->has_listener) {
			tcpsm_listener_endpoint(&a->listener, ep, sizeof(ep));
			label(b, "listener", ep);
		}
		close_u64(b, 1);
	}
}

/*
 * Time in state: the module's log2 buckets (1 us apart by factors of 2)
 * every other one, le = 4^k us: 19 bounds from 1 us to 19 hours, each
 * count exact; then +Inf. A histogram of a port has the port and the
 * side it is of (remote for SYN_SENT, local for SYN_RCVD and
 * CLOSE_WAIT); the namespace's has neither, so {port=""} selects it.
 */
/* @us microseconds as seconds: decimals, no trailing zeros ("0.000004") */
static void fmt_le(char *buf, size_t len, uint64_t us)
{
	size_t n;

	snprintf(buf, len, "%" PRIu64 ".%06" PRIu64, us / 1000000, us % 1000000);
	n = strlen(buf);
	while (buf[n - 1] == '0')
		buf[--n] = '\0';
	if (buf[n - 1] == '.')
		buf[n - 1] = '\0';
}

static void lat_series(struct tcpsm_mbuf *b, const struct tcpsm_scrape *s,
		       const struct tcpsm_lat_hist *h, const char *name)
{
	char port[8];

	open_ns(b, s, name, h->netns);
	label(b, "state", tcpsm_state_name(h->state));
	if (h->has_port) {
		snprintf(port, sizeof(port), "%u", h->port);
		label(b, "port", port);
		label(b, "side", tcpsm_lat_port_side(h->state));
	}
}

static void latency_families(struct tcpsm_mbuf *b,
			     const struct tcpsm_scrape *s, bool om)
{
	const char *name = "tcpsm_state_duration_seconds";
	char sname[64], le[32];
	uint64_t cum;
	unsigned int i;
	size_t k;

	family(b, om, name, HISTOGRAM,
	       "Time sockets spent in a state before leaving it (edges whose time is known).");
	for (k = 0; k < s->lat.n; k++) {
		const struct tcpsm_lat_hist *h = &s->lat.v[k];

		cum = 0;
		snprintf(sname, sizeof(sname), "%s_bucket", name);
		for (i = 0; i + 1 < TCPSM_LAT_BUCKETS; i++) {
			cum += h->bucket[i];
			if (i % 2)
				continue;
			fmt_le(le, sizeof(le), tcpsm_lat_le_us(i));
			lat_series(b, s, h, sname);
			label(b, "le", le);
			close_u64(b, cum);
		}
		lat_series(b, s, h, sname);
		label(b, "le", "+Inf");
		close_u64(b, h->count);
		snprintf(sname, sizeof(sname), "%s_sum", name);
		lat_series(b, s, h, sname);
		tcpsm_mbuf_printf(b, "} %.9f\n", (double)h->sum_ns / 1e9);
		snprintf(sname, sizeof(sname), "%s_count", name);
		lat_series(b, s, h, sname);
		close_u64(b, h->count);
	}
	family(b, om, "tcpsm_state_duration_unknown_total", COUNTER,
	       "Edges out of a state whose time in it is not known (the socket is older than the module, or was not tracked).");
	for (k = 0; k < s->lat.n; k++) {
		lat_series(b, s, &s->lat.v[k], "tcpsm_state_duration_unknown_total");
		close_u64(b, s->lat.v[k].unknown);
	}
}

void tcpsm_metrics_write(struct tcpsm_mbuf *b, const struct tcpsm_scrape *s,
			 bool om)
{
	tcpsm_mbuf_reset(b);
	family(b, om, "tcpsm_up", GAUGE,
	       "1 if every read of this scrape from the kernel module succeeded.");
	tcpsm_mbuf_printf(b, "tcpsm_up %d\n", s->failed ? 0 : 1);
	family(b, om, "tcpsm_build_info", GAUGE,
	       "Versions: this exporter, the loaded module, the kernel.");
	tcpsm_mbuf_printf(b, "tcpsm_build_info{version=\"");
	put_value(b, s->version);
	tcpsm_mbuf_printf(b, "\",module_version=\"");
	put_value(b, s->module_version);
	tcpsm_mbuf_printf(b, "\",kernel=\"");
	put_value(b, s->kernel);
	tcpsm_mbuf_printf(b, "\"} 1\n");

	stats_families(b, s, om);
	closewait_families(b, s, om);
	listener_families(b, s, om);
	alarm_families(b, s, om);
	latency_families(b, s, om);

	family(b, om, "tcpsm_exporter_scrape_duration_seconds", GAUGE,
	       "Time this scrape spent reading the kernel.");
	tcpsm_mbuf_printf(b, "tcpsm_exporter_scrape_duration_seconds %.6f\n",
			  s->duration_s);
	family(b, om, "tcpsm_exporter_scrapes_total", COUNTER,
	       "Scrapes served since the exporter started.");
	tcpsm_mbuf_printf(b, "tcpsm_exporter_scrapes_total %" PRIu64 "\n",
			  s->scrapes);
	family(b, om, "tcpsm_exporter_scrape_errors_total", COUNTER,
	       "Reads from the kernel that failed since the exporter started.");
	tcpsm_mbuf_printf(b, "tcpsm_exporter_scrape_errors_total %" PRIu64 "\n",
			  s->errors);
	if (om)
		tcpsm_mbuf_printf(b, "# EOF\n");
}

/* ---- reading --------------------------------------------------------------- */

static void read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (!f)
		return;
	if (fgets(buf, (int)size, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

static int note(struct tcpsm_scrape *s, int r, int *first)
{
	if (r < 0) {
		s->failed++;
		s->errors++;
		if (!*first)
			*first = r;
	}
	return r;
}

int tcpsm_scrape_read(struct tcpsm_nl *nl, struct tcpsm_scrape *s)
{
	struct timespec t0, t1;
	int first = 0;

	tcpsm_scrape_free(s);
	s->failed = 0;
	s->scrapes++;
	read_line("/sys/module/tcpsm/version", s->module_version,
		  sizeof(s->module_version));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (note(s, tcpsm_stats_request(nl, s->all, &s->stats), &first) < 0)
		tcpsm_stats_set_free(&s->stats);
	if (note(s, tcpsm_cw_request(nl, s->all, &s->cw), &first) < 0)
		tcpsm_cw_set_free(&s->cw);
	if (note(s, tcpsm_listeners_request(nl, s->all, &s->ls), &first) < 0)
		tcpsm_listener_set_free(&s->ls);
	if (note(s, tcpsm_alarms_request(nl, s->all, &s->alarms), &first) < 0)
		tcpsm_alarm_set_free(&s->alarms);
	if (note(s, tcpsm_lat_request(nl, s->all, &s->lat), &first) < 0)
		tcpsm_lat_set_free(&s->lat);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s->duration_s = (double)(t1.tv_sec - t0.tv_sec) +
			(double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return first;
}

void tcpsm_scrape_free(struct tcpsm_scrape *s)
{
	tcpsm_stats_set_free(&s->stats);
	tcpsm_cw_set_free(&s->cw);
	tcpsm_listener_set_free(&s->ls);
	tcpsm_alarm_set_free(&s->alarms);
	tcpsm_lat_set_free(&s->lat);
}

/* ---- content negotiation --------------------------------------------------- */

/* The q of one media range ("type/sub;version=1.0.0;q=0.5"): 0..1. */
static double range_q(const char *r, size_t n)
{
	const char *q = r;

	while ((q = memchr(q, ';', (size_t)(r + n - q)))) {
		q++;
		while (q < r + n && *q == ' ')
			q++;
		if (q + 2 <= r + n && !strncasecmp(q, "q=", 2))
			return strtod(q + 2, NULL);
	}
	return 1.0;
}

static bool range_is(const char *r, size_t n, const char *type)
{
	size_t t = strlen(type);

	while (n && *r == ' ') {
		r++;
		n--;
	}
	return n >= t && !strncasecmp(r, type, t) &&
	       (n == t || r[t] == ';' || r[t] == ' ');
}

bool tcpsm_wants_openmetrics(const char *accept)
{
	double om = 0, text = 0, q;
	const char *r = accept, *end;
	size_t n;

	if (!accept)
		return false;
	while (*r) {
		end = strchr(r, ',');
		n = end ? (size_t)(end - r) : strlen(r);
		q = range_q(r, n);
		if (range_is(r, n, "application/openmetrics-text") &&
		    !memmem(r, n, "version=0.0.1", 13)) {
			if (q > om)
				om = q;
		} else if (range_is(r, n, "text/plain")) {
			if (q > text)
				text = q;
		}
		r += n;
		if (*r == ',')
			r++;
	}
	return om > 0 && om >= text;
}
