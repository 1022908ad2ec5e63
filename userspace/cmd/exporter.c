// SPDX-License-Identifier: GPL-2.0
/*
 * tcpsm: the exporter subcommand: its help, and the exec of the program
 * that serves it, tcpsm-exporter (exporter/main.c): beside this tcpsm
 * (a build tree), else in ../lib/tcpsm/ from it (installed).
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "allns.h"
#include "cli.h"
#include "exporter.h"

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
	      "tcpsm_alarm_active{alarm,port[,listener]},\n"
	      "tcpsm_state_duration_seconds{state[,port,side]} (a histogram),\n"
	      "tcpsm_state_duration_unknown_total{state[,port,side]}; then tcpsm_up,\n"
	      "tcpsm_build_info{version,module_version,kernel},\n"
	      "tcpsm_exporter_scrape_duration_seconds, tcpsm_exporter_scrapes_total,\n"
	      "tcpsm_exporter_scrape_errors_total.\n", f);
}

int cmd_exporter(int argc, char **argv)
{
	static const char *const where[] = {
		"/tcpsm-exporter", "/../lib/tcpsm/tcpsm-exporter",
	};
	char self[PATH_MAX], path[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	const char *dir;
	size_t i;

	(void)argc;
	if (n <= 0) {
		tcpsm_err("exporter: cannot find tcpsm's own path: %s",
			  strerror(errno));
		return TCPSM_EXIT_ERROR;
	}
	self[n] = '\0';
	dir = dirname(self);
	for (i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", dir, where[i]);
		if (access(path, X_OK) == 0)
			break;
	}
	if (i == sizeof(where) / sizeof(where[0])) {
		tcpsm_err("exporter: tcpsm-exporter is not installed beside %s (nor in %s/../lib/tcpsm)",
			  dir, dir);
		return TCPSM_EXIT_ERROR;
	}
	argv[0] = path;
	execv(path, argv);
	tcpsm_err("exporter: %s: %s", path, strerror(errno));
	return TCPSM_EXIT_ERROR;
}
