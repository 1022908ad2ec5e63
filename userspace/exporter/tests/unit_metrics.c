// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the exporter's metrics (exporter/metrics.c): no kernel. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/tcpsm.h>

#include "check.h"
#include "metrics.h"
#include "unit_metrics.h"

/* a names table that will not rescan: ino 7 is "pod\"a\\b\nc" */
static void fake_names(struct tcpsm_netns_names *nn, struct tcpsm_netns_name *v)
{
	memset(nn, 0, sizeof(*nn));
	v[0].ino = 7;
	v[0].name = (char *)"pod\"a\\b\nc";
	nn->v = v;
	nn->n = nn->cap = 1;
	nn->scans = 1;
	clock_gettime(CLOCK_MONOTONIC, &nn->loaded);
	nn->loaded.tv_sec += 3600;
}

static void fill(struct tcpsm_scrape *s)
{
	struct tcpsm_stats *st;
	struct tcpsm_cw_port *p;
	struct tcpsm_listener *l;
	struct tcpsm_lat_hist *h;
	struct tcpsm_alarm *a;

	memset(s, 0, sizeof(*s));
	s->version = "1.2.3";
	strcpy(s->module_version, "1.2.3");
	strcpy(s->kernel, "6.1.0-57-amd64");
	s->scrapes = 5;
	s->errors = 1;
	s->duration_s = 0.000250;

	st = calloc(2, sizeof(*st));
	st[0].has_netns = true;
	st[0].netns = 4026531840u;
	st[0].state[TCPSM_STATE_ESTABLISHED] = 12;
	st[0].state[TCPSM_STATE_LISTEN] = 3;
	st[0].trans[TCPSM_STATE_SYN_SENT][TCPSM_STATE_ESTABLISHED] = 40;
	st[0].events_dropped = 2;
	st[0].syn.has[5] = true;
	st[0].syn.value[5] = 17;
	st[1].has_netns = true;
	st[1].netns = 7;
	s->stats.v = st;
	s->stats.n = s->stats.cap = 2;

	p = calloc(1, sizeof(*p));
	p->has_netns = true;
	p->netns = 7;
	p->port = 8080;
	p->count = 50;
	p->has_oldest_age = true;
	p->oldest_age_ms = 31250;
	s->cw.v = p;
	s->cw.n = s->cw.cap = 1;

	l = calloc(1, sizeof(*l));
	l->has_netns = true;
	l->netns = 4026531840u;
	l->family = 10;		/* AF_INET6, any */
	l->port = 443;
	l->syn_queue = 64;
	l->syn_queue_max = 128;
	l->score = 87;
	s->ls.v = l;
	s->ls.n = s->ls.cap = 1;

	a = calloc(2, sizeof(*a));
	a[0].kind = TCPSM_ALARM_KIND_CLOSEWAIT_LEAK;
	a[0].state = TCPSM_ALARM_STATE_RAISE;
	a[0].netns = 7;
	a[0].has_port = true;
	a[0].port = 8080;
	a[1].kind = TCPSM_ALARM_KIND_SYN_FLOOD;
	a[1].state = TCPSM_ALARM_STATE_RAISE;
	a[1].netns = 4026531840u;
	a[1].has_listener = true;
	a[1].listener = *l;
	s->alarms.v = a;
	s->alarms.n = s->alarms.cap = 2;

	/* SYN_SENT: 3 at most 1 us, 2 in (64 us, 128 us], 1 past the last
	 * bound; its port 443 (remote): the 2 */
	h = calloc(2, sizeof(*h));
	h[0].netns = 7;
	h[0].state = TCPSM_STATE_SYN_SENT;
	h[0].bucket[0] = 3;
	h[0].bucket[7] = 2;
	h[0].bucket[TCPSM_LAT_BUCKETS - 1] = 1;
	h[0].count = 6;
	h[0].sum_ns = 1500000000;
	h[0].unknown = 4;
	h[1] = h[0];
	h[1].has_port = true;
	h[1].port = 443;
	memset(h[1].bucket, 0, sizeof(h[1].bucket));
	h[1].bucket[7] = 2;
	h[1].count = 2;
	h[1].sum_ns = 200000;
	h[1].unknown = 0;
	s->lat.v = h;
	s->lat.n = s->lat.cap = 2;
}

static void has(const char *what, const char *text, const char *line)
{
	check(strstr(text, line) != NULL, what, "missing: %s", line);
}

static void test_text(void)
{
	struct tcpsm_netns_name v[1];
	struct tcpsm_netns_names nn;
	struct tcpsm_mbuf b = { 0 };
	struct tcpsm_scrape s;
	size_t cap;

	fill(&s);
	fake_names(&nn, v);
	s.names = &nn;
	tcpsm_metrics_write(&b, &s, false);
	has("metrics: up", b.p, "# TYPE tcpsm_up gauge\ntcpsm_up 1\n");
	has("metrics: build_info", b.p,
	    "tcpsm_build_info{version=\"1.2.3\",module_version=\"1.2.3\",kernel=\"6.1.0-57-amd64\"} 1\n");
	has("metrics: a gauge", b.p,
	    "tcpsm_sockets{netns=\"4026531840\",netns_name=\"\",state=\"ESTABLISHED\"} 12\n");
	has("metrics: a name, escaped", b.p,
	    "tcpsm_sockets{netns=\"7\",netns_name=\"pod\\\"a\\\\b\\nc\",state=\"LISTEN\"} 0\n");
	has("metrics: text format: counter family with _total", b.p,
	    "# TYPE tcpsm_transitions_total counter\n"
	    "tcpsm_transitions_total{netns=\"4026531840\",netns_name=\"\",from=\"SYN_SENT\",to=\"ESTABLISHED\"} 40\n");
	check(!strstr(b.p, "from=\"CLOSED\""), "metrics: edges never taken left out", "");
	has("metrics: events dropped", b.p,
	    "tcpsm_events_dropped_total{netns=\"4026531840\",netns_name=\"\"} 2\n");
	has("metrics: snmp", b.p,
	    "tcpsm_snmp_total{netns=\"4026531840\",netns_name=\"\",counter=\"TcpExtListenOverflows\"} 17\n");
	has("metrics: closewait sockets", b.p,
	    "tcpsm_closewait_sockets{netns=\"7\",netns_name=\"pod\\\"a\\\\b\\nc\",port=\"8080\"} 50\n");
	has("metrics: closewait oldest", b.p,
	    "tcpsm_closewait_oldest_seconds{netns=\"7\",netns_name=\"pod\\\"a\\\\b\\nc\",port=\"8080\"} 31.250\n");
	has("metrics: listener", b.p,
	    "tcpsm_listener_syn_queue{netns=\"4026531840\",netns_name=\"\",listener=\"[::]:443\",port=\"443\"} 64\n");
	has("metrics: listener score", b.p,
	    "tcpsm_listener_syn_flood_score{netns=\"4026531840\",netns_name=\"\",listener=\"[::]:443\",port=\"443\"} 87\n");
	has("metrics: CLOSE_WAIT alarm", b.p,
	    "tcpsm_alarm_active{netns=\"7\",netns_name=\"pod\\\"a\\\\b\\nc\",alarm=\"CLOSE_WAIT_LEAK\",port=\"8080\"} 1\n");
	has("metrics: listener alarm", b.p,
	    "tcpsm_alarm_active{netns=\"4026531840\",netns_name=\"\",alarm=\"SYN_FLOOD\",port=\"443\",listener=\"[::]:443\"} 1\n");
	has("metrics: time in state: type", b.p,
	    "# TYPE tcpsm_state_duration_seconds histogram\n");
	has("metrics: time in state: first bucket", b.p,
	    "tcpsm_state_duration_seconds_bucket{netns=\"7\",netns_name=\"pod\\\"a\\\\b\\nc\",state=\"SYN_SENT\",le=\"0.000001\"} 3\n");
	/* (64, 128] is below le 256 us, cumulative */
	has("metrics: time in state: cumulative", b.p,
	    "state=\"SYN_SENT\",le=\"0.000064\"} 3\n");
	has("metrics: time in state: le 4^k us", b.p,
	    "state=\"SYN_SENT\",le=\"0.000256\"} 5\n");
	has("metrics: time in state: the last bound", b.p,
	    "state=\"SYN_SENT\",le=\"68719.476736\"} 5\n");
	has("metrics: time in state: +Inf is the count", b.p,
	    "state=\"SYN_SENT\",le=\"+Inf\"} 6\n");
	has("metrics: time in state: sum", b.p,
	    "tcpsm_state_duration_seconds_sum{netns=\"7\",netns_name=\"pod\\\"a\\\\b\\nc\",state=\"SYN_SENT\"} 1.500000000\n");
	has("metrics: time in state: a port's", b.p,
	    "state=\"SYN_SENT\",port=\"443\",side=\"remote\",le=\"0.000256\"} 2\n");
	has("metrics: time in state: unknown", b.p,
	    "tcpsm_state_duration_unknown_total{netns=\"7\",netns_name=\"pod\\\"a\\\\b\\nc\",state=\"SYN_SENT\"} 4\n");
	has("metrics: exporter's own", b.p,
	    "tcpsm_exporter_scrape_duration_seconds 0.000250\n");
	has("metrics: errors", b.p, "tcpsm_exporter_scrape_errors_total 1\n");
	check(!strstr(b.p, "# EOF"), "metrics: text format has no # EOF", "");

	/* OpenMetrics: counter families without _total, samples with; # EOF */
	cap = b.cap;
	tcpsm_metrics_write(&b, &s, true);
	has("openmetrics: counter family", b.p,
	    "# TYPE tcpsm_transitions counter\n"
	    "tcpsm_transitions_total{netns=\"4026531840\",netns_name=\"\",from=\"SYN_SENT\",to=\"ESTABLISHED\"} 40\n");
	check(b.len > 6 && !strcmp(b.p + b.len - 6, "# EOF\n"), "openmetrics: ends with # EOF",
	      "%.20s", b.len > 20 ? b.p + b.len - 20 : b.p);
	check(b.cap == cap, "metrics: the buffer is reused, not grown", "%zu -> %zu", cap, b.cap);

	/* a failed read: up 0 */
	s.failed = 1;
	tcpsm_metrics_write(&b, &s, false);
	has("metrics: a failed read says up 0", b.p, "tcpsm_up 0\n");
	s.names = NULL;
	tcpsm_mbuf_free(&b);
	tcpsm_scrape_free(&s);
}

/* 400 namespaces: no cut, and the second write needs no more memory */
static void test_many(void)
{
	struct tcpsm_mbuf b = { 0 };
	struct tcpsm_scrape s;
	size_t cap, len;

	memset(&s, 0, sizeof(s));
	s.version = "x";
	s.stats.v = calloc(400, sizeof(*s.stats.v));
	s.stats.n = s.stats.cap = 400;
	for (int i = 0; i < 400; i++) {
		s.stats.v[i].has_netns = true;
		s.stats.v[i].netns = 4026532000u + (unsigned int)i;
	}
	tcpsm_metrics_write(&b, &s, false);
	cap = b.cap;
	len = b.len;
	tcpsm_metrics_write(&b, &s, false);
	check(!b.oom && b.len == len && b.cap == cap && strlen(b.p) == b.len,
	      "metrics: 400 namespaces, twice, same buffer",
	      "oom %d len %zu/%zu cap %zu/%zu", b.oom, len, b.len, cap, b.cap);
	tcpsm_mbuf_free(&b);
	tcpsm_scrape_free(&s);
}

static void test_accept(void)
{
	/* what Prometheus 2.42 sends */
	check(tcpsm_wants_openmetrics("application/openmetrics-text;version=1.0.0,"
				      "application/openmetrics-text;version=0.0.1;q=0.75,"
				      "text/plain;version=0.0.4;q=0.5,*/*;q=0.1"),
	      "accept: Prometheus gets OpenMetrics", "");
	check(!tcpsm_wants_openmetrics(NULL), "accept: none: text", "");
	check(!tcpsm_wants_openmetrics("*/*"), "accept: */*: text", "");
	check(!tcpsm_wants_openmetrics("text/plain;version=0.0.4"), "accept: text", "");
	check(!tcpsm_wants_openmetrics("application/openmetrics-text;version=0.0.1"),
	      "accept: only OpenMetrics 0.0.1: text", "");
	check(!tcpsm_wants_openmetrics("text/plain, application/openmetrics-text;q=0.5"),
	      "accept: text preferred", "");
	check(tcpsm_wants_openmetrics("application/openmetrics-text; version=1.0.0; charset=utf-8"),
	      "accept: OpenMetrics with parameters", "");
	check(!tcpsm_wants_openmetrics("application/openmetrics-text;q=0"),
	      "accept: q=0 refuses it", "");
}

void unit_metrics_tests(void)
{
	test_text();
	test_many();
	test_accept();
}
