// SPDX-License-Identifier: GPL-2.0
/* tcpsm: the latency subcommand: time in state, as histograms. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <linux/tcpsm.h>

#include "allns.h"
#include "cli.h"
#include "events.h"
#include "json.h"
#include "latency.h"
#include "nl.h"
#include "states.h"

struct lat_opts {
	bool all, draw;
	struct tcpsm_event_filter f;	/* states and ports asked for */
	const struct tcpsm_cmd_spec *spec;
};

/* ---- text ----------------------------------------------------------------- */

/* "850 us", "12.345 ms", "3.002 s" */
static void fmt_us(uint64_t us, char *buf, size_t len)
{
	if (us < 1000)
		snprintf(buf, len, "%" PRIu64 " us", us);
	else if (us < 1000000)
		snprintf(buf, len, "%" PRIu64 ".%03" PRIu64 " ms", us / 1000,
			 us % 1000);
	else
		snprintf(buf, len, "%" PRIu64 ".%03" PRIu64 " s", us / 1000000,
			 us / 1000 % 1000);
}

/* "*", "remote 443", "local 8080" */
static void fmt_port(const struct tcpsm_lat_hist *h, char *buf, size_t len)
{
	if (h->has_port)
		snprintf(buf, len, "%s %u", tcpsm_lat_port_side(h->state),
			 h->port);
	else
		snprintf(buf, len, "*");
}

struct lat_cells {
	char port[24], avg[24], p50[24], p90[24], p99[24];
};

static void cells(const struct tcpsm_lat_hist *h, struct lat_cells *c)
{
	fmt_port(h, c->port, sizeof(c->port));
	if (!h->count) {
		strcpy(c->avg, "-");
		strcpy(c->p50, "-");
		strcpy(c->p90, "-");
		strcpy(c->p99, "-");
		return;
	}
	fmt_us(h->sum_ns / h->count / 1000, c->avg, sizeof(c->avg));
	fmt_us(tcpsm_lat_quantile_us(h, 0.5), c->p50, sizeof(c->p50));
	fmt_us(tcpsm_lat_quantile_us(h, 0.9), c->p90, sizeof(c->p90));
	fmt_us(tcpsm_lat_quantile_us(h, 0.99), c->p99, sizeof(c->p99));
}

/* As bcc's tools draw a log2 histogram: its non-empty range of buckets. */
static void draw(FILE *f, const struct tcpsm_lat_hist *h)
{
	unsigned int i, first = TCPSM_LAT_BUCKETS, last = 0;
	uint64_t max = 0;
	char stars[41];

	for (i = 0; i < TCPSM_LAT_BUCKETS; i++) {
		if (!h->bucket[i])
			continue;
		if (first == TCPSM_LAT_BUCKETS)
			first = i;
		last = i;
		if (h->bucket[i] > max)
			max = h->bucket[i];
	}
	if (!max)
		return;
	fprintf(f, "%24s : count    distribution\n", "usecs");
	for (i = first; i <= last; i++) {
		unsigned int n = (unsigned int)(h->bucket[i] * 40 / max);
		uint64_t lo = i ? tcpsm_lat_le_us(i - 1) + 1 : 0;

		memset(stars, '*', n);
		memset(stars + n, ' ', 40 - n);
		stars[40] = '\0';
		if (i + 1 == TCPSM_LAT_BUCKETS)
			fprintf(f, "%11" PRIu64 " -> %-10s : %-8" PRIu64 " |%s|\n",
				lo, "", h->bucket[i], stars);
		else
			fprintf(f, "%11" PRIu64 " -> %-10" PRIu64 " : %-8" PRIu64
				" |%s|\n", lo, tcpsm_lat_le_us(i), h->bucket[i],
				stars);
	}
}

static bool wanted(const struct lat_opts *o, const struct tcpsm_lat_hist *h)
{
	if (o->f.states && !(h->state < 32 && (o->f.states & (1u << h->state))))
		return false;
	if (o->f.has_ports)
		return h->has_port &&
		       (o->f.ports[h->port / 8] & (1u << (h->port % 8)));
	return true;
}

static void print_text(FILE *f, const struct tcpsm_lat_hist *v, size_t n,
		       const struct lat_opts *o)
{
	struct lat_cells c;
	size_t i, shown = 0;

	for (i = 0; i < n; i++) {
		if (!wanted(o, &v[i]))
			continue;
		cells(&v[i], &c);
		if (o->draw) {
			fprintf(f, "%s%s %s: count %" PRIu64 ", unknown %" PRIu64
				", avg %s, p50 %s, p90 %s, p99 %s\n",
				shown ? "\n" : "", tcpsm_state_name(v[i].state),
				c.port, v[i].count, v[i].unknown, c.avg, c.p50,
				c.p90, c.p99);
			draw(f, &v[i]);
		} else {
			if (!shown)
				fprintf(f, "%-11s  %-12s  %10s  %8s  %10s  %10s  %10s  %10s\n",
					"STATE", "PORT", "COUNT", "UNKNOWN", "AVG",
					"P50", "P90", "P99");
			fprintf(f, "%-11s  %-12s  %10" PRIu64 "  %8" PRIu64
				"  %10s  %10s  %10s  %10s\n",
				tcpsm_state_name(v[i].state), c.port, v[i].count,
				v[i].unknown, c.avg, c.p50, c.p90, c.p99);
		}
		shown++;
	}
	if (!shown)
		fputs("no edges out of the states asked for\n", f);
}

/* ---- JSON ----------------------------------------------------------------- */

static void hist_json(struct json *j, const struct tcpsm_lat_hist *h)
{
	const char *side = tcpsm_lat_port_side(h->state);

	json_object_begin(j);
	json_key(j, "state");
	json_string(j, tcpsm_state_name(h->state));
	json_key(j, "port");
	if (h->has_port)
		json_u64(j, h->port);
	else
		json_null(j);
	json_key(j, "port_side");
	if (side)
		json_string(j, side);
	else
		json_null(j);
	json_key(j, "count");
	json_u64(j, h->count);
	json_key(j, "sum_us");
	json_u64(j, h->sum_ns / 1000);
	json_key(j, "unknown");
	json_u64(j, h->unknown);
	json_key(j, "port_overflow");
	if (h->has_port_overflow)
		json_u64(j, h->port_overflow);
	else
		json_null(j);
	json_key(j, "p50_us");
	json_u64(j, tcpsm_lat_quantile_us(h, 0.5));
	json_key(j, "p90_us");
	json_u64(j, tcpsm_lat_quantile_us(h, 0.9));
	json_key(j, "p99_us");
	json_u64(j, tcpsm_lat_quantile_us(h, 0.99));
	json_key(j, "buckets");
	json_array_begin(j);
	for (unsigned int i = 0; i < TCPSM_LAT_BUCKETS; i++) {
		json_object_begin(j);
		json_key(j, "le_us");
		if (i + 1 < TCPSM_LAT_BUCKETS)
			json_u64(j, tcpsm_lat_le_us(i));
		else
			json_null(j);
		json_key(j, "count");
		json_u64(j, h->bucket[i]);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

static void hists_json(struct json *j, const struct tcpsm_lat_hist *v,
		       size_t n, const struct lat_opts *o)
{
	json_key(j, "histograms");
	json_array_begin(j);
	for (size_t i = 0; i < n; i++)
		if (wanted(o, &v[i]))
			hist_json(j, &v[i]);
	json_array_end(j);
}

/* ---- the subcommand ------------------------------------------------------- */

void cmd_latency_help(FILE *f)
{
	fputs("Usage: tcpsm latency [--state S[,S...]] [--port P[,P...]] [--histogram]\n"
	      "                     [--all-netns] [--json]\n"
	      "\n"
	      "Show how long sockets stayed in each TCP state before leaving it, since\n"
	      "the module was loaded: per state of this network namespace, and per\n"
	      "port for SYN_SENT (the remote port: connect latency), SYN_RCVD (the\n"
	      "local port: the server's handshake) and CLOSE_WAIT (the local port:\n"
	      "how long the application takes to close). Times are kept in log2\n"
	      "buckets from 1 us to 1.6 days; quantiles are interpolated inside\n"
	      "their bucket. UNKNOWN counts sockets whose entry into the state the\n"
	      "module did not see (older than the module, its table full, SYN\n"
	      "cookies).\n"
	      "\n"
	      "Options:\n"
	      "  -s, --state S    only these states (names as tcpsm prints them)\n"
	      "  -p, --port P     only the per-port histograms of these ports\n"
	      "  -H, --histogram  draw each histogram, as bcc's tools do\n"
	      TCPSM_ALLNS_HELP
	      "  -j, --json       one JSON document (an array with --all-netns)\n"
	      "  -h, --help       show this help\n",
	      f);
}

static int lat_opt(void *ctx, int c, char *arg)
{
	struct lat_opts *o = ctx;
	const char *bad;

	switch (c) {
	case 'a':
		o->all = true;
		return 0;
	case 'H':
		o->draw = true;
		return 0;
	case 's':
		bad = tcpsm_event_filter_states(&o->f, arg);
		if (bad)
			return tcpsm_cmd_usage(o->spec, "not a state: '%s'", bad);
		return 0;
	case 'p':
		bad = tcpsm_event_filter_ports(&o->f, arg);
		if (bad)
			return tcpsm_cmd_usage(o->spec, "not a port: '%s'", bad);
		return 0;
	}
	return TCPSM_EXIT_USAGE;
}

/* Whole namespace first, by state; then ports, by state and port. */
static int cmp_hist(const void *a, const void *b)
{
	const struct tcpsm_lat_hist *x = a, *y = b;

	if (x->has_port != y->has_port)
		return x->has_port ? 1 : -1;
	if (x->state != y->state)
		return x->state < y->state ? -1 : 1;
	return x->port < y->port ? -1 : x->port > y->port;
}

/* The histograms of namespace netns, sorted, copied into *out. */
static int subset(const struct tcpsm_lat_set *set, uint32_t netns,
		  struct tcpsm_lat_hist **out, size_t *n)
{
	*n = 0;
	*out = calloc(set->n ? set->n : 1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (size_t i = 0; i < set->n; i++)
		if (set->v[i].netns == netns)
			(*out)[(*n)++] = set->v[i];
	qsort(*out, *n, sizeof(**out), cmp_hist);
	return 0;
}

static uint32_t own_netns(void)
{
	struct stat st;

	return stat("/proc/self/ns/net", &st) ? 0 : (uint32_t)st.st_ino;
}

struct lat_print {
	const struct tcpsm_lat_set *set;
	const struct lat_opts *o;
};

/* One namespace's histograms (tcpsm_allns_print()'s body). */
static int lat_one(void *ctx, uint32_t netns, struct json *j)
{
	const struct lat_print *lp = ctx;
	struct tcpsm_lat_hist *v;
	size_t n;
	int r;

	r = subset(lp->set, netns, &v, &n);
	if (r < 0)
		return r;
	if (j)
		hists_json(j, v, n, lp->o);
	else
		print_text(stdout, v, n, lp->o);
	free(v);
	return 0;
}

static int print(const struct tcpsm_lat_set *set, const struct lat_opts *o,
		 bool json)
{
	struct lat_print lp = { set, o };
	struct tcpsm_allns_print p = {
		.json = json, .sep = "\n",
		.none = "no edges out of the states asked for\n",
		.body = lat_one, .ctx = &lp,
	};
	struct tcpsm_allns_list l;
	uint32_t one;
	struct json j;
	int r;

	if (o->all) {
		r = tcpsm_allns_collect(&l, set->v, set->n, sizeof(*set->v),
					offsetof(struct tcpsm_lat_hist, netns));
		if (r < 0)
			return r;
		r = tcpsm_allns_print(&p, l.v, l.n);
		tcpsm_allns_list_free(&l);
		return r;
	}
	one = set->n ? set->v[0].netns : own_netns();
	if (!json)
		return lat_one(&lp, one, NULL);
	json_init(&j, stdout);
	json_object_begin(&j);
	json_key(&j, "netns");
	json_u64(&j, one);
	r = lat_one(&lp, one, &j);
	json_object_end(&j);
	fputc('\n', stdout);
	return r;
}

int cmd_latency(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all-netns",	no_argument,		NULL, 'a' },
		{ "state",	required_argument,	NULL, 's' },
		{ "port",	required_argument,	NULL, 'p' },
		{ "histogram",	no_argument,		NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	struct tcpsm_lat_set set = { NULL, 0, 0 };
	struct lat_opts o;
	struct tcpsm_nl nl;
	bool json = false;
	const struct tcpsm_cmd_spec spec = {
		.name = "latency", .help = cmd_latency_help,
		.flags = TCPSM_OPT_JSON, .shorts = "as:p:H", .longs = opts,
		.opt = lat_opt, .ctx = &o, .nl = &nl,
	};
	int r, rc;

	memset(&o, 0, sizeof(o));
	o.spec = &spec;
	rc = tcpsm_cmd_getopt(&spec, argc, argv, &json);
	if (rc >= 0)
		return rc;
	r = tcpsm_lat_request(&nl, o.all, &set);
	if (r < 0 && nl.reply_err == -EBADMSG) {
		tcpsm_err("malformed GET_LATENCY reply from the kernel (module and tool out of step?)");
		rc = TCPSM_EXIT_ERROR;
		goto out;
	}
	if (r < 0) {
		tcpsm_nl_perror(&nl, r, "reading the time in state failed",
				tcpsm_allns_hint(r, o.all, "latency"));
		rc = TCPSM_EXIT_ERROR;
		goto out;
	}
	r = print(&set, &o, json);
	if (r < 0) {
		tcpsm_err("latency: %s", strerror(-r));
		rc = TCPSM_EXIT_ERROR;
		goto out;
	}
	rc = tcpsm_finish_stdout(TCPSM_EXIT_OK);
out:
	tcpsm_lat_set_free(&set);
	tcpsm_nl_close(&nl);
	return rc;
}
