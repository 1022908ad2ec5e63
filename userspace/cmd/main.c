// SPDX-License-Identifier: GPL-2.0
/*
 * tcpsm: command line front end of the tcpsm kernel module.
 *
 *   tcpsm [--help | --version]
 *   tcpsm help [COMMAND]
 *   tcpsm COMMAND [OPTIONS]
 *
 * A subcommand is one entry in cmds[] below: a name, a one-line
 * summary, its run function (which parses its own options) and its help.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/tcpsm.h>

#include "cli.h"

/* The Makefile passes it (scripts/version.sh): one version everywhere. */
#ifndef TCPSM_VERSION
#error "TCPSM_VERSION is not defined: build with make (-DTCPSM_VERSION=...)"
#endif
_Static_assert(sizeof(TCPSM_VERSION) > 1, "TCPSM_VERSION is empty");

static const struct tcpsm_cmd cmds[] = {
	{ "stats", "TCP state gauges and transition counters",
	  cmd_stats, cmd_stats_help },
	{ "events", "stream TCP state transitions as they happen",
	  cmd_events, cmd_events_help },
	{ "top", "the TCP state machine, live, full screen",
	  cmd_top, cmd_top_help },
	{ "closewait", "ports with sockets in CLOSE_WAIT, and their owners",
	  cmd_closewait, cmd_closewait_help },
	{ "listeners", "TCP listeners: queues, SYN-flood signals and scores",
	  cmd_listeners, cmd_listeners_help },
	{ "latency", "time in each state: histograms per state and port",
	  cmd_latency, cmd_latency_help },
	{ "exporter", "Prometheus endpoint: every count, port, listener and alarm",
	  cmd_exporter, cmd_exporter_help },
	{ "alerts", "active alarms, then each one raised or cleared",
	  cmd_alerts, cmd_alerts_help },
	{ "config", "show or change the alarm settings",
	  cmd_config, cmd_config_help },
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static const struct tcpsm_cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < NCMDS; i++)
		if (strcmp(cmds[i].name, name) == 0)
			return &cmds[i];
	return NULL;
}

static void usage(FILE *f)
{
	fputs("Usage: tcpsm [--help | --version]\n"
	      "       tcpsm help [COMMAND]\n"
	      "       tcpsm COMMAND [OPTIONS]\n"
	      "\n"
	      "TCP connection-lifecycle telemetry from the tcpsm kernel module.\n"
	      "\n"
	      "Commands:\n", f);
	for (size_t i = 0; i < NCMDS; i++)
		fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].summary);
	fputs("  help       show help for tcpsm or a command\n"
	      "\n"
	      "Options:\n"
	      "  -h, --help     show this help\n"
	      "  -V, --version  show the version of tcpsm and of the loaded module\n"
	      "\n"
	      "Run 'tcpsm COMMAND --help' for a command's options; see tcpsm(8).\n",
	      f);
}

/*
 * tcpsm --version: ours, then that of the loaded module (its
 * MODULE_VERSION, in sysfs). TCPSM_SYSFS, if set, stands for /sys: for
 * the tests.
 */
static int print_version(void)
{
	const char *sys = getenv("TCPSM_SYSFS");
	char path[4096], ver[128] = "";
	FILE *f;

	if (!sys || !sys[0])
		sys = "/sys";
	printf("tcpsm %s (netlink family \"%s\" version %d)\n", TCPSM_VERSION,
	       TCPSM_FAMILY_NAME, TCPSM_FAMILY_VERSION);
	snprintf(path, sizeof(path), "%s/module/tcpsm", sys);
	if (access(path, F_OK) != 0) {
		puts("module not loaded");
		return tcpsm_finish_stdout(TCPSM_EXIT_OK);
	}
	strncat(path, "/version", sizeof(path) - strlen(path) - 1);
	f = fopen(path, "r");
	if (f) {
		if (!fgets(ver, sizeof(ver), f))
			ver[0] = '\0';
		fclose(f);
	}
	ver[strcspn(ver, "\n")] = '\0';
	if (ver[0])
		printf("module %s\n", ver);
	else
		puts("module loaded, version unknown");
	return tcpsm_finish_stdout(TCPSM_EXIT_OK);
}

static int cmd_help(int argc, char **argv)
{
	const struct tcpsm_cmd *cmd;

	if (argc < 2) {
		usage(stdout);
		return tcpsm_finish_stdout(TCPSM_EXIT_OK);
	}
	if (argc > 2)
		return tcpsm_usage_err("help: too many arguments (see 'tcpsm --help')");
	if (strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return tcpsm_finish_stdout(TCPSM_EXIT_OK);
	}
	cmd = find_cmd(argv[1]);
	if (!cmd)
		return tcpsm_usage_err("help: unknown command '%s' (see 'tcpsm --help')",
				       argv[1]);
	cmd->help(stdout);
	return tcpsm_finish_stdout(TCPSM_EXIT_OK);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help",	no_argument,	NULL, 'h' },
		{ "version",	no_argument,	NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const struct tcpsm_cmd *cmd;
	int c;

	opterr = 0;
	/* "+": stop at the command; its options are its own. */
	while ((c = getopt_long(argc, argv, "+:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return tcpsm_finish_stdout(TCPSM_EXIT_OK);
		case 'V':
			return print_version();
		default:
			return tcpsm_getopt_err(NULL, c, argv);
		}
	}
	if (optind >= argc)
		return tcpsm_usage_err("missing command (see 'tcpsm --help')");

	argc -= optind;
	argv += optind;
	if (strcmp(argv[0], "help") == 0)
		return cmd_help(argc, argv);
	cmd = find_cmd(argv[0]);
	if (!cmd)
		return tcpsm_usage_err("unknown command '%s' (see 'tcpsm --help')",
				       argv[0]);
	return cmd->run(argc, argv);
}
