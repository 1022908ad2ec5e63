// SPDX-License-Identifier: GPL-2.0
/* tcpsm: the listeners subcommand (see listeners.h). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <linux/tcpsm.h>

#include "allns.h"
#include "cli.h"
#include "json.h"
#include "listener.h"
#include "listeners.h"
#include "nl.h"
#include "print.h"
#include "stats.h"
#include "syncnt.h"

/* ---- rendering ------------------------------------------------------------ */

enum {
	C_ADDR, C_SYNQ, C_ACCEPTQ, C_COOKIES, C_RETRANS, C_DROPS, C_OVERFLOW,
	C_COMPLETION, C_SCORE, C_ACCEPT_SCORE, C_ALARMS, NCOLS,
};

static const char *const heads[NCOLS] = {
	"ADDR:PORT", "SYNQ/MAX", "ACCEPTQ/MAX", "COOKIES", "SYNACK-RETRANS/s",
	"DROPS/s", "OVERFLOW/s", "COMPLETION%", "SCORE", "ACCEPT-SCORE", "ALARMS",
};

/* Left-aligned columns; the others are numbers, right-aligned. */
static bool left(int col)
{
	return col == C_ADDR || col == C_COOKIES || col == C_ALARMS;
}

/* The cells of one row. */
struct row {
	char cell[NCOLS][64];
};

static void cells(const struct tcpsm_listener *l, struct row *r)
{
	char (*c)[64] = r->cell;

	tcpsm_listener_endpoint(l, c[C_ADDR], sizeof(c[0]));
	snprintf(c[C_SYNQ], sizeof(c[0]), "%" PRIu32 "/%" PRIu32,
		 l->syn_queue, l->syn_queue_max);
	snprintf(c[C_ACCEPTQ], sizeof(c[0]), "%" PRIu32 "/%" PRIu32,
		 l->accept_queue, l->accept_queue_max);
	snprintf(c[C_COOKIES], sizeof(c[0]), "%s", l->cookies ? "yes" : "-");
	snprintf(c[C_RETRANS], sizeof(c[0]), "%" PRIu32, l->synack_retrans);
	snprintf(c[C_DROPS], sizeof(c[0]), "%" PRIu32, l->drops);
	snprintf(c[C_OVERFLOW], sizeof(c[0]), "%" PRIu32, l->overflow);
	snprintf(c[C_COMPLETION], sizeof(c[0]), "%" PRIu32, l->completion);
	snprintf(c[C_SCORE], sizeof(c[0]), "%" PRIu32, l->score);
	snprintf(c[C_ACCEPT_SCORE], sizeof(c[0]), "%" PRIu32, l->accept_score);
	snprintf(c[C_ALARMS], sizeof(c[0]), "%s%s%s",
		 l->syn_flood ? "SYN_FLOOD" : "",
		 l->syn_flood && l->accept_queue_overflow ? "," : "",
		 l->accept_queue_overflow ? "ACCEPT_QUEUE_OVERFLOW" :
		 l->syn_flood ? "" : "-");
}

static void print_row(FILE *f, const char *const *cell, const int *w)
{
	for (int i = 0; i < NCOLS; i++) {
		const char *sep = i ? "  " : "";

		if (i == NCOLS - 1)	/* the last: no trailing blanks */
			fprintf(f, "%s%s\n", sep, cell[i]);
		else if (left(i))
			fprintf(f, "%s%-*s", sep, w[i], cell[i]);
		else
			fprintf(f, "%s%*s", sep, w[i], cell[i]);
	}
}

static void print_body(FILE *f, const struct tcpsm_syncnt *c,
		       const struct tcpsm_listener_set *set);

void tcpsm_listeners_print_text(FILE *f, int64_t netns,
				const struct tcpsm_syncnt *c,
				const struct tcpsm_listener_set *set)
{
	if (netns >= 0)
		fprintf(f, "netns %" PRId64 "  ", netns);
	else
		fputs("netns ?  ", f);
	print_body(f, c, set);
}

/* The counters' rates, then a blank line and the table. */
static void print_body(FILE *f, const struct tcpsm_syncnt *c,
		       const struct tcpsm_listener_set *set)
{
	const char *cell[NCOLS];
	int w[NCOLS];
	struct row r;
	size_t i;
	int k;

	tcpsm_syncnt_print_text(f, c, true);
	fputs("\n\n", f);
	if (!set->n) {
		fputs("no listeners\n", f);
		return;
	}
	for (k = 0; k < NCOLS; k++)
		w[k] = (int)strlen(heads[k]);
	for (i = 0; i < set->n; i++) {
		cells(&set->v[i], &r);
		for (k = 0; k < NCOLS; k++)
			if ((int)strlen(r.cell[k]) > w[k])
				w[k] = (int)strlen(r.cell[k]);
	}
	print_row(f, heads, w);
	for (i = 0; i < set->n; i++) {
		cells(&set->v[i], &r);
		for (k = 0; k < NCOLS; k++)
			cell[k] = r.cell[k];
		print_row(f, cell, w);
	}
}

static void print_members(struct json *j, const struct tcpsm_syncnt *c,
			  const struct tcpsm_listener_set *set);

void tcpsm_listeners_print_json(struct json *j, int64_t netns,
				const struct tcpsm_syncnt *c,
				const struct tcpsm_listener_set *set)
{
	json_object_begin(j);
	json_key(j, "netns");
	if (netns >= 0)
		json_u64(j, (uint64_t)netns);
	else
		json_null(j);
	print_members(j, c, set);
	json_object_end(j);
}

/* Members "counters" and "listeners". */
static void print_members(struct json *j, const struct tcpsm_syncnt *c,
			  const struct tcpsm_listener_set *set)
{
	json_key(j, "counters");
	tcpsm_syncnt_json(j, c);
	json_key(j, "listeners");
	json_array_begin(j);
	for (size_t i = 0; i < set->n; i++)
		tcpsm_listener_json(j, &set->v[i]);
	json_array_end(j);
}

/* ---- the subcommand ------------------------------------------------------- */

void cmd_listeners_help(FILE *f)
{
	fputs("Usage: tcpsm listeners [--all-netns] [--json]\n"
	      "\n"
	      "Show the TCP listeners of this network namespace, as of the\n"
	      "module's last one-second sample, by port: their queues, the\n"
	      "SYN-flood signals and their two scores, after a line with the\n"
	      "namespace's listener counters per second (nstat's TcpExt* names).\n"
	      "Anyone may run it.\n"
	      "\n"
	      "Options:\n"
	      TCPSM_ALLNS_HELP
	      "  -j, --json       one JSON document (an array with --all-netns: one\n"
	      "                   object per namespace)\n"
	      "  -h, --help       show this help\n"
	      "\n"
	      "Columns: ADDR:PORT local address and port; SYNQ/MAX half-open\n"
	      "connections and the SYN queue's limit; ACCEPTQ/MAX connections\n"
	      "waiting for accept() and the backlog (ss -ltn Recv-Q/Send-Q);\n"
	      "COOKIES yes when it sent SYN cookies in the last 2 s;\n"
	      "SYNACK-RETRANS/s, DROPS/s; OVERFLOW/s SYNs that found its SYN queue\n"
	      "full; COMPLETION% of the namespace's cookies that came back; SCORE\n"
	      "SYN-flood pressure and ACCEPT-SCORE accept-queue pressure, 0..100\n"
	      "(alarms at synflood.raise: see 'tcpsm help config'); ALARMS\n"
	      "SYN_FLOOD, ACCEPT_QUEUE_OVERFLOW when raised.\n", f);
}

/* The namespace: as GET_STATS said, else as a listener did; -1: unknown. */
static int64_t listeners_netns(const struct tcpsm_stats_set *rs,
			       const struct tcpsm_listener_set *set)
{
	if (rs->n && rs->v[0].has_netns)
		return rs->v[0].netns;
	for (size_t i = 0; i < set->n; i++)
		if (set->v[i].has_netns)
			return set->v[i].netns;
	return -1;
}

/* The failure of a request, on one line; returns the exit code. */
static int listeners_err(struct tcpsm_nl *nl, int r, const char *cmd,
			 const char *what, bool all)
{
	if (nl->reply_err == -EBADMSG)
		tcpsm_err("malformed %s reply from the kernel (module and tool out of step?)",
			  cmd);
	else
		tcpsm_nl_perror(nl, r, what,
				tcpsm_allns_hint(r, all, "listeners"));
	return TCPSM_EXIT_ERROR;
}

struct ls_all {
	const struct tcpsm_stats_set *rs;
	const struct tcpsm_listener_set *set;
	struct tcpsm_listener_set sub;
	size_t k;		/* rs->v[k] is the namespace printed */
};

/* One namespace's counters and listeners (tcpsm_allns_print()'s body). */
static int ls_one(void *ctx, uint32_t netns, struct json *j)
{
	struct ls_all *a = ctx;
	const struct tcpsm_stats *st;

	while (!a->rs->v[a->k].has_netns || a->rs->v[a->k].netns != netns)
		a->k++;
	st = &a->rs->v[a->k++];
	a->sub.n = 0;
	for (size_t i = 0; i < a->set->n; i++)
		if (a->set->v[i].has_netns && a->set->v[i].netns == netns)
			a->sub.v[a->sub.n++] = a->set->v[i];
	tcpsm_listener_sort(&a->sub);
	if (j)
		print_members(j, &st->syn, &a->sub);
	else
		print_body(stdout, &st->syn, &a->sub);
	return 0;
}

/*
 * --all-netns: every namespace GET_STATS named, in its order, with its
 * counters and its listeners (by port); one block or object each.
 */
static int print_all(const struct tcpsm_stats_set *rs,
		     const struct tcpsm_listener_set *set, bool json)
{
	struct ls_all a = { .rs = rs, .set = set };
	struct tcpsm_allns_print p = {
		.json = json, .sep = "  ", .body = ls_one, .ctx = &a,
	};
	uint32_t *ns;
	size_t n = 0;
	int r;

	a.sub.v = calloc(set->n ? set->n : 1, sizeof(*a.sub.v));
	ns = calloc(rs->n ? rs->n : 1, sizeof(*ns));
	if (!a.sub.v || !ns) {
		free(a.sub.v);
		free(ns);
		return -ENOMEM;
	}
	a.sub.cap = set->n;
	for (size_t k = 0; k < rs->n; k++)
		if (rs->v[k].has_netns)
			ns[n++] = rs->v[k].netns;
	r = tcpsm_allns_print(&p, ns, n);
	free(ns);
	free(a.sub.v);
	return r;
}

int cmd_listeners(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all-netns",	no_argument,	NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct tcpsm_listener_set set = { NULL, 0, 0 };
	struct tcpsm_stats_set rs = { NULL, 0, 0 };
	struct tcpsm_syncnt none;
	const struct tcpsm_syncnt *cnt = &none;
	bool json = false, all = false;
	struct tcpsm_nl nl;
	const struct tcpsm_cmd_spec spec = {
		.name = "listeners", .help = cmd_listeners_help,
		.flags = TCPSM_OPT_JSON, .shorts = "a", .longs = opts,
		.opt = tcpsm_allns_opt, .ctx = &all, .nl = &nl,
	};
	int r, rc;

	rc = tcpsm_cmd_getopt(&spec, argc, argv, &json);
	if (rc >= 0)
		return rc;
	r = tcpsm_listeners_request(&nl, all, &set);
	if (r < 0) {
		rc = listeners_err(&nl, r, "GET_LISTENERS",
				   "reading the listeners failed", all);
		goto out;
	}
	r = tcpsm_stats_request(&nl, all, &rs);
	if (r < 0) {
		rc = listeners_err(&nl, r, "GET_STATS",
				   "reading statistics failed", all);
		goto out;
	}
	if (all) {
		r = print_all(&rs, &set, json);
		if (r < 0) {
			tcpsm_err("listeners: %s", strerror(-r));
			rc = TCPSM_EXIT_ERROR;
			goto out;
		}
		rc = tcpsm_finish_stdout(TCPSM_EXIT_OK);
		goto out;
	}
	memset(&none, 0, sizeof(none));
	if (rs.n)
		cnt = &rs.v[0].syn;
	tcpsm_listener_sort(&set);
	if (json) {
		struct json j;

		json_init(&j, stdout);
		tcpsm_listeners_print_json(&j, listeners_netns(&rs, &set), cnt, &set);
		fputc('\n', stdout);
	} else {
		tcpsm_listeners_print_text(stdout, listeners_netns(&rs, &set), cnt, &set);
	}
	rc = tcpsm_finish_stdout(TCPSM_EXIT_OK);
out:
	tcpsm_stats_set_free(&rs);
	tcpsm_listener_set_free(&set);
	tcpsm_nl_close(&nl);
	return rc;
}
