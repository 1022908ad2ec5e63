// SPDX-License-Identifier: GPL-2.0
/* tcpsm: diagnostics shared by the subcommands. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#include "cli.h"

int tcpsm_usage_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tcpsm_verr(fmt, ap);
	va_end(ap);
	return TCPSM_EXIT_USAGE;
}

int tcpsm_getopt_err(const char *cmd, int c, char **argv)
{
	const char *sp = cmd ? " " : "";
	const char *name = cmd ? cmd : "";
	const char *colon = cmd ? ": " : "";
	/* getopt_long() has advanced optind past the offending word. */
	const char *word = optind > 0 ? argv[optind - 1] : "?";

	bool is_long = optind > 0 && strncmp(word, "--", 2) == 0;
	char shortopt[3] = { '-', (char)optopt, '\0' };
	const char *what = is_long || !optopt ? word : shortopt;

	if (c == ':')
		return tcpsm_usage_err("%s%soption '%s' needs a value (see '%s%s%s --help')",
				       name, colon, what, TCPSM_PROG, sp, name);
	if (is_long && optopt)	/* --flag=value for a flag without a value */
		return tcpsm_usage_err("%s%soption '%s' takes no value (see '%s%s%s --help')",
				       name, colon, what, TCPSM_PROG, sp, name);
	return tcpsm_usage_err("%s%sunknown option '%s' (see '%s%s%s --help')",
			       name, colon, what, TCPSM_PROG, sp, name);
}

int tcpsm_finish_stdout(int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		tcpsm_err("writing output: %s", strerror(errno ? errno : EIO));
		return TCPSM_EXIT_ERROR;
	}
	return rc;
}
