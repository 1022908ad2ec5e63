// SPDX-License-Identifier: GPL-2.0
/* tcpsm: the stats subcommand: GET_STATS replies, text and JSON. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include <linux/tcpsm.h>

#include "allns.h"
#include "cli.h"
#include "json.h"
#include "nl.h"
#include "print.h"
#include "states.h"
#include "stats.h"

/* Longest state name ("ESTABLISHED"): the width of the name columns. */
#define NAME_W	11

static int u64_width(uint64_t v)
{
	int w = 1;

	while (v >= 10) {
		v /= 10;
		w++;
	}
	return w;
}

void tcpsm_stats_print_text(FILE *f, const struct tcpsm_stats *st)
{
	int gw = (int)strlen("SOCKETS"), tw = (int)strlen("COUNT");
	bool any = false;
	unsigned int i, from, to;

	for (i = 0; i < TCPSM_NUM_GAUGES; i++) {
		int w = u64_width(st->state[tcpsm_gauge_states[i]]);

		if (w > gw)
			gw = w;
	}
	for (from = 0; from < TCPSM_NUM_STATES; from++)
		for (to = 0; to < TCPSM_NUM_STATES; to++) {
			int w = u64_width(st->trans[from][to]);

			if (w > tw)
				tw = w;
		}

	if (st->has_netns)
		fprintf(f, "netns %" PRIu32, st->netns);
	else
		fprintf(f, "netns unknown");
	if (st->with_name)
		tcpsm_allns_name(f, st->netns_name);
	fputs("\n\n", f);

	fprintf(f, "%-*s  %*s\n", NAME_W, "STATE", gw, "SOCKETS");
	for (i = 0; i < TCPSM_NUM_GAUGES; i++) {
		unsigned int s = tcpsm_gauge_states[i];

		fprintf(f, "%-*s  %*" PRIu64 "\n", NAME_W, tcpsm_state_name(s),
			gw, st->state[s]);
	}

	fprintf(f, "\n%-*s  %*s\n", NAME_W + 4 + NAME_W, "TRANSITION", tw,
		"COUNT");
	for (from = 0; from < TCPSM_NUM_STATES; from++)
		for (to = 0; to < TCPSM_NUM_STATES; to++) {
			if (!st->trans[from][to])
				continue;
			any = true;
			fprintf(f, "%*s -> %-*s  %*" PRIu64 "\n",
				NAME_W, tcpsm_state_name(from),
				NAME_W, tcpsm_state_name(to),
				tw, st->trans[from][to]);
		}
	if (!any)
		fprintf(f, "(none since the module was loaded)\n");

	/* the notes, after one blank line */
	any = false;
	if (st->has_events_dropped) {
		fprintf(f, "\nevents_dropped %" PRIu64 "\n", st->events_dropped);
		any = true;
	}
	if (st->alarms_active) {
		fprintf(f, "%salarms active: %" PRIu32 " (see tcpsm alerts)\n",
			any ? "" : "\n", st->alarms_active);
		any = true;
	}
	if (st->closewait_untracked) {
		fprintf(f, "%sclosewait untracked: %" PRIu64 "\n", any ? "" : "\n",
			st->closewait_untracked);
		any = true;
	}
	if (tcpsm_syncnt_any(&st->syn)) {
		fprintf(f, "%ssyn counters: ", any ? "" : "\n");
		tcpsm_syncnt_print_text(f, &st->syn, false);
		fputc('\n', f);
	}
}

void tcpsm_stats_print_json(struct json *j, const struct tcpsm_stats *st)
{
	unsigned int i, from, to;

	json_object_begin(j);
	json_key(j, "netns");
	if (st->has_netns)
		json_u64(j, st->netns);
	else
		json_null(j);
	if (st->with_name)
		tcpsm_allns_json_name(j, st->netns_name);

	json_key(j, "states");
	json_object_begin(j);
	for (i = 0; i < TCPSM_NUM_GAUGES; i++) {
		unsigned int s = tcpsm_gauge_states[i];

		json_key(j, tcpsm_state_name(s));
		json_u64(j, st->state[s]);
	}
	json_object_end(j);

	json_key(j, "transitions");
	json_array_begin(j);
	for (from = 0; from < TCPSM_NUM_STATES; from++)
		for (to = 0; to < TCPSM_NUM_STATES; to++) {
			if (!st->trans[from][to])
				continue;
			json_object_begin(j);
			json_key(j, "from");
			json_string(j, tcpsm_state_name(from));
			json_key(j, "to");
			json_string(j, tcpsm_state_name(to));
			json_key(j, "count");
			json_u64(j, st->trans[from][to]);
			json_object_end(j);
		}
	json_array_end(j);

	json_key(j, "events_dropped");
	if (st->has_events_dropped)
		json_u64(j, st->events_dropped);
	else
		json_null(j);
	json_key(j, "closewait_untracked");
	if (st->has_closewait_untracked)
		json_u64(j, st->closewait_untracked);
	else
		json_null(j);
	json_key(j, "alarms_active");
	if (st->has_alarms_active)
		json_u64(j, st->alarms_active);
	else
		json_null(j);
	json_key(j, "syn_counters");
	if (tcpsm_syncnt_any(&st->syn))
		tcpsm_syncnt_json(j, &st->syn);
	else
		json_null(j);
	json_object_end(j);
}

/* ---- the subcommand ---------------------------------------------------- */

void cmd_stats_help(FILE *f)
{
	fputs("Usage: tcpsm stats [--all-netns] [--json]\n"
	      "\n"
	      "Show how many TCP sockets sit in each state now, and how often\n"
	      "each state transition was taken since the module was loaded.\n"
	      "\n"
	      "Options:\n"
	      TCPSM_ALLNS_HELP
	      "  -j, --json       one line of JSON (an array with --all-netns)\n"
	      "  -h, --help       show this help\n", f);
}

int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all-netns",	no_argument,	NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct tcpsm_stats_set rs = { NULL, 0, 0 };
	struct tcpsm_netns_names nn = { 0 };
	bool all = false, json = false;
	struct tcpsm_nl nl;
	const struct tcpsm_cmd_spec spec = {
		.name = "stats", .help = cmd_stats_help,
		.flags = TCPSM_OPT_JSON, .shorts = "a", .longs = opts,
		.opt = tcpsm_allns_opt, .ctx = &all, .nl = &nl,
	};
	int r, rc;

	rc = tcpsm_cmd_getopt(&spec, argc, argv, &json);
	if (rc >= 0)
		return rc;

	r = tcpsm_stats_request(&nl, all, &rs);
	if (r < 0 && nl.reply_err == -EBADMSG) {
		tcpsm_err("malformed GET_STATS reply from the kernel (module and tool out of step?)");
		rc = TCPSM_EXIT_ERROR;
		goto out;
	}
	if (r < 0) {
		const char *hint = NULL;

		if (r == -EPERM || r == -EACCES)
			hint = all ? tcpsm_allns_hint(r, true, "stats")
				   : "try: sudo tcpsm stats";
		tcpsm_nl_perror(&nl, r, "reading statistics failed", hint);
		rc = TCPSM_EXIT_ERROR;
		goto out;
	}
	if (all) {
		for (size_t i = 0; i < rs.n; i++) {
			rs.v[i].with_name = true;
			if (rs.v[i].has_netns)
				rs.v[i].netns_name = tcpsm_netns_name(&nn, rs.v[i].netns);
		}
	}
	if (!all && rs.n == 0) {
		tcpsm_err("the kernel sent no statistics");
		rc = TCPSM_EXIT_ERROR;
		goto out;
	}

	if (json) {
		struct json j;

		json_init(&j, stdout);
		if (all)
			json_array_begin(&j);
		for (size_t i = 0; i < (all ? rs.n : 1); i++)
			tcpsm_stats_print_json(&j, &rs.v[i]);
		if (all)
			json_array_end(&j);
		fputc('\n', stdout);
	} else {
		for (size_t i = 0; i < rs.n; i++) {
			if (i)
				fputc('\n', stdout);
			tcpsm_stats_print_text(stdout, &rs.v[i]);
		}
	}
	rc = tcpsm_finish_stdout(TCPSM_EXIT_OK);
out:
	tcpsm_stats_set_free(&rs);
	tcpsm_netns_names_free(&nn);
	tcpsm_nl_close(&nl);
	return rc;
}
