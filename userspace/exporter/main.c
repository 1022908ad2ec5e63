// SPDX-License-Identifier: GPL-2.0
/*
 * tcpsm-exporter: the program behind `tcpsm exporter` (which execs it),
 * a Prometheus endpoint. It is a program of its own so that libmicrohttpd
 * and what it pulls in (GnuTLS and nine more libraries) load here only,
 * not in every tcpsm command. Each scrape reads the kernel at that
 * moment: no cache, nothing that could be stale.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "allns.h"
#include "cli.h"
#include "exporter.h"
#include "metrics.h"
#include "netns.h"
#include "nl.h"
#include "server.h"

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

int main(int argc, char **argv)
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
