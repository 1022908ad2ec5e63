// SPDX-License-Identifier: GPL-2.0
/* tcpsm: the option skeleton every subcommand shares (see opts.h). */
#include <stdarg.h>
#include <string.h>

#include "cli.h"
#include "nl.h"
#include "opts.h"

static const char *see_of(const struct tcpsm_cmd_spec *spec)
{
	return spec->see ? spec->see : spec->name;
}

int tcpsm_cmd_usage(const struct tcpsm_cmd_spec *spec, const char *fmt, ...)
{
	char full[256];
	va_list ap;

	/* The names are ours (no '%'); fmt is the caller's literal. */
	snprintf(full, sizeof(full), "%s: %s (see '" TCPSM_PROG " %s --help')",
		 spec->name, fmt, see_of(spec));
	va_start(ap, fmt);
	tcpsm_verr(full, ap);
	va_end(ap);
	return TCPSM_EXIT_USAGE;
}

int tcpsm_cmd_getopt(const struct tcpsm_cmd_spec *spec, int argc, char **argv,
		     bool *json)
{
	struct option opts[TCPSM_OPT_MAX + 3];
	char shorts[64];
	size_t n = 0;
	int c, rc;

	if (spec->longs)
		for (; spec->longs[n].name && n < TCPSM_OPT_MAX; n++)
			opts[n] = spec->longs[n];
	if (spec->flags & TCPSM_OPT_JSON)
		opts[n++] = (struct option){ "json", no_argument, NULL, 'j' };
	opts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	opts[n] = (struct option){ NULL, 0, NULL, 0 };
	snprintf(shorts, sizeof(shorts), "%s:%s%sh",
		 spec->flags & TCPSM_OPT_STOP ? "+" : "",
		 spec->shorts ? spec->shorts : "",
		 spec->flags & TCPSM_OPT_JSON ? "j" : "");

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, shorts, opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			if (!(spec->flags & TCPSM_OPT_JSON))
				goto own;
			*json = true;
			break;
		case 'h':
			spec->help(stdout);
			return tcpsm_finish_stdout(TCPSM_EXIT_OK);
		case '?':
		case ':':
			return tcpsm_getopt_err(spec->name, c, argv);
		default:
own:
			rc = spec->opt ? spec->opt(spec->ctx, c, optarg) : -1;
			if (rc < 0)
				return tcpsm_getopt_err(spec->name, c, argv);
			if (rc)
				return rc;
		}
	}
	if (!(spec->flags & (TCPSM_OPT_ARGS | TCPSM_OPT_STOP)) && optind < argc)
		return tcpsm_cmd_usage(spec, "unexpected argument '%s'", argv[optind]);
	if (spec->nl) {
		rc = tcpsm_nl_open(spec->nl);
		if (rc)
			return rc;
	}
	return -1;
}
