/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpsm: the option skeleton every subcommand shares.
 *
 * A subcommand describes its own options in a struct tcpsm_cmd_spec;
 * tcpsm_cmd_getopt() adds -h/--help (and -j/--json when asked), runs
 * getopt_long(), prints help, reports a bad option or a stray argument
 * in the one "tcpsm: <cmd>: message (see 'tcpsm <cmd> --help')" form
 * with TCPSM_EXIT_USAGE, and opens the netlink socket when asked.
 */
#ifndef TCPSM_OPTS_H
#define TCPSM_OPTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

struct tcpsm_nl;

/* -j/--json: sets *json. */
#define TCPSM_OPT_JSON	0x1
/* Arguments after the options are the command's own (else an error). */
#define TCPSM_OPT_ARGS	0x2
/* Stop at the first argument ("+"): it starts a nested command. */
#define TCPSM_OPT_STOP	0x4

/* Most extra long options a command may have. */
#define TCPSM_OPT_MAX	12

struct tcpsm_cmd_spec {
	const char *name;		/* "stats", "config get": errors */
	const char *see;		/* for "see 'tcpsm SEE --help'"; NULL: name */
	void (*help)(FILE *f);		/* -h, --help */
	unsigned int flags;		/* TCPSM_OPT_* */
	const char *shorts;		/* its own short options ("s:p:46"), or NULL */
	const struct option *longs;	/* its own long options, { NULL } ended, or NULL */
	/* One of its own options (optarg in arg): 0, or an exit code to stop. */
	int (*opt)(void *ctx, int c, char *arg);
	void *ctx;
	/* Not NULL: opened after the options (tcpsm_nl_open's diagnostics). */
	struct tcpsm_nl *nl;
};

/*
 * Parse argv (argv[0] is the command's name). Returns -1 when the
 * command goes on (its arguments, if TCPSM_OPT_ARGS, from argv[optind];
 * spec->nl open if given), else the exit code to return now.
 */
int tcpsm_cmd_getopt(const struct tcpsm_cmd_spec *spec, int argc, char **argv,
		     bool *json);

/* "tcpsm: <name>: <message> (see 'tcpsm <see> --help')"; TCPSM_EXIT_USAGE. */
int tcpsm_cmd_usage(const struct tcpsm_cmd_spec *spec, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* TCPSM_OPTS_H */
