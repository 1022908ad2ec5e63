/* SPDX-License-Identifier: GPL-2.0 */
/* tcpsm: exit codes, diagnostics and the subcommand table. */
#ifndef TCPSM_CLI_H
#define TCPSM_CLI_H

#include <stdio.h>

#include "diag.h"	/* exit codes, tcpsm_err() */
#include "opts.h"	/* the option skeleton of the subcommands */

/* One subcommand. Add new ones to the table in main.c. */
struct tcpsm_cmd {
	const char *name;
	const char *summary;			/* one line for --help */
	int (*run)(int argc, char **argv);	/* argv[0] is the name */
	void (*help)(FILE *f);
};

/* Print a one-line usage error and return TCPSM_EXIT_USAGE. */
int tcpsm_usage_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * After getopt_long() (with opterr = 0 and an optstring starting with
 * ":") returned '?' or ':': report the offending option on one line and
 * return TCPSM_EXIT_USAGE. cmd is the subcommand name or NULL.
 */
int tcpsm_getopt_err(const char *cmd, int c, char **argv);

/* Flush stdout; on a write error report it and return TCPSM_EXIT_ERROR. */
int tcpsm_finish_stdout(int rc);

/* Subcommands. */
int cmd_stats(int argc, char **argv);
void cmd_stats_help(FILE *f);
int cmd_events(int argc, char **argv);
void cmd_events_help(FILE *f);
int cmd_top(int argc, char **argv);
void cmd_top_help(FILE *f);
int cmd_config(int argc, char **argv);
void cmd_config_help(FILE *f);
int cmd_closewait(int argc, char **argv);
void cmd_closewait_help(FILE *f);
int cmd_alerts(int argc, char **argv);
void cmd_alerts_help(FILE *f);
int cmd_listeners(int argc, char **argv);
void cmd_listeners_help(FILE *f);
int cmd_latency(int argc, char **argv);
void cmd_latency_help(FILE *f);
int cmd_exporter(int argc, char **argv);
void cmd_exporter_help(FILE *f);

#endif /* TCPSM_CLI_H */
