// SPDX-License-Identifier: GPL-2.0
/*
 * tcpsm: the exporter subcommand: a Prometheus endpoint (exporter/).
 * Each scrape reads the kernel at that moment: no cache, nothing that
 * could be stale.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "allns.h"
#include "cli.h"
#include "metrics.h"
#include "netns.h"
#include "nl.h"
#include "server.h"

#define TCPSM_EXPORTER_LISTEN	":9477"

void cmd_exporter_help(FILE *f)
{
	fputs("Usage: tcpsm exporter [--listen ADDR:PORT] [--all-netns]\n"
	      "\n"
	      "Serve the counters, CLOSE_WAIT ports, listeners and alarms of this\n"
	      "network namespace (or of every one) to Prometheus at /metrics, in\n"
	      "its text format or OpenMetrics as the scraper asks; each scrape\n"
	      "reads the kernel at that moment. Runs until SIGINT or SIGTERM.\n"
	      "\n"
	      "Options:\n"
	      "  -l, --listen A   where to listen: ADDR:PORT, [ADDR6]:PORT, or :PORT\n"
	      "                   for every address (default " TCPSM_EXPORTER_LISTEN ")\n"
	      TCPSM_ALLNS_HELP
	      "  -h, --help       show this help\n"
	      "\n"
	      "Metrics (labels netns and netns_name on each of the first ones):\n"
	      "tcpsm_sockets{state}, tcpsm_transitions_total{from,to},\n"
	      "tcpsm_events_dropped_total, tcpsm_closewait_untracked_total,\n"
	      "tcpsm_alarms_active, tcpsm_snmp_total{counter},\n"
	      "tcpsm_closewait_sockets{port}, tcpsm_closewait_oldest_seconds{port},\n"
	      "tcpsm_listener_{syn_queue,syn_queue_max,accept_queue,accept_queue_max,\n"
	      "syn_flood_score,accept_score}{listener,port},\n"
	      "tcpsm_alarm_active{alarm,port[,listener]}; then tcpsm_up,\n"
	      "tcpsm_build_info{version,module_version,kernel},\n"
	      "tcpsm_exporter_scrape_duration_seconds, tcpsm_exporter_scrapes_total,\n"
	      "tcpsm_exporter_scrape_errors_total.\n", f);
}

struct exporter_opts {
	struct tcpsm_server_cfg cfg;
	bool all;
};

static int exporter_opt(void *ctx, int c, char *arg)
{
	struct exporter_opts *o = ctx;

	switch (c) {
	case 'l':
		if (tcpsm_server_parse_listen(arg, &o->cfg))
			return tcpsm_usage_err("exporter: invalid --listen '%s': ADDR:PORT, [ADDR6]:PORT or :PORT (see 'tcpsm exporter --help')",
					       arg);
		return 0;
	case 'a':
		o->all = true;
		return 0;
	}
	return -1;
}

int cmd_exporter(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen",	required_argument,	NULL, 'l' },
		{ "all-netns",	no_argument,		NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct exporter_opts o = {
		.cfg = { .timeout_s = 10, .max_conns = 64 },
	};
	struct tcpsm_netns_names names = { 0 };
	struct tcpsm_scrape s = { 0 };
	struct tcpsm_nl nl;
	const struct tcpsm_cmd_spec spec = {
		.name = "exporter", .help = cmd_exporter_help,
		.shorts = "l:a", .longs = opts, .opt = exporter_opt, .ctx = &o,
		.nl = &nl,
	};
	struct utsname u;
	int r, rc;

	tcpsm_server_parse_listen(TCPSM_EXPORTER_LISTEN, &o.cfg);
	rc = tcpsm_cmd_getopt(&spec, argc, argv, NULL);
	if (rc >= 0)
		return rc;

	s.all = o.all;
	s.names = o.all ? &names : NULL;
	s.version = TCPSM_VERSION;
	if (uname(&u) == 0)
		snprintf(s.kernel, sizeof(s.kernel), "%s", u.release);
	/* a first read: refused now, rather than at every scrape */
	r = tcpsm_scrape_read(&nl, &s);
	if (r < 0) {
		tcpsm_nl_perror(&nl, r, "exporter: reading from the module failed",
				tcpsm_allns_hint(r, o.all, "exporter"));
		rc = TCPSM_EXIT_ERROR;
	} else {
		s.scrapes = 0;
		rc = tcpsm_server_run(&o.cfg, &nl, &s);
	}
	tcpsm_scrape_free(&s);
	tcpsm_netns_names_free(&names);
	tcpsm_nl_close(&nl);
	return rc;
}
