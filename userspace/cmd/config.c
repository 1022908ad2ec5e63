// SPDX-License-Identifier: GPL-2.0
/* tcpsm: the config subcommand (see config.h). */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include <linux/tcpsm.h>

#include "cli.h"
#include "config.h"
#include "json.h"
#include "nl.h"
#include "print.h"

void tcpsm_config_print_text(FILE *f, const struct tcpsm_config *c)
{
	for (size_t i = 0; i < TCPSM_CONFIG_NKEYS; i++)
		if (c->has[i])
			fprintf(f, "%s=%" PRIu32 "\n", tcpsm_config_keys[i].name,
				c->value[i]);
}

void tcpsm_config_print_json(struct json *j, const struct tcpsm_config *c)
{
	json_object_begin(j);
	json_key(j, "netns");
	if (c->has_netns)
		json_u64(j, c->netns);
	else
		json_null(j);
	for (size_t i = 0; i < TCPSM_CONFIG_NKEYS; i++) {
		json_key(j, tcpsm_config_keys[i].name);
		if (c->has[i])
			json_u64(j, c->value[i]);
		else
			json_null(j);
	}
	json_object_end(j);
}

/* ---- the subcommand ------------------------------------------------------- */

void cmd_config_help(FILE *f)
{
	fputs("Usage: tcpsm config get [--json]\n"
	      "       tcpsm config set KEY=VALUE [KEY=VALUE...]\n"
	      "\n"
	      "Show or change the alarm settings of this network namespace. get\n"
	      "prints one KEY=VALUE per line, the form set takes. set changes the\n"
	      "keys given, all or none, and needs CAP_NET_ADMIN; it prints nothing.\n"
	      "\n"
	      "Keys (CLOSE_WAIT_LEAK: see 'tcpsm help alerts'):\n"
	      "  closewait.count   sockets of one local port in CLOSE_WAIT that raise\n"
	      "                    the alarm (1..1000000, default 16); it clears\n"
	      "                    below half of it\n"
	      "  closewait.age     seconds the oldest of them must have waited\n"
	      "                    (0..86400, default 30)\n"
	      "  closewait.window  or: samples (one a second) in each of which the\n"
	      "                    count grew, by closewait.count in all (1..60,\n"
	      "                    default 5)\n"
	      "\n"
	      "Keys (SYN_FLOOD, ACCEPT_QUEUE_OVERFLOW: a listener's score, 0..100;\n"
	      "see 'tcpsm help listeners'):\n"
	      "  synflood.raise     score at or above which an alarm is raised\n"
	      "                     (1..100, default 60)\n"
	      "  synflood.clear     score below which it clears (0..99, below\n"
	      "                     synflood.raise, default 20)\n"
	      "  synflood.duration  samples (one a second) in a row the score must\n"
	      "                     stay there to raise or to clear (1..60, default 2)\n"
	      "\n"
	      "Options:\n"
	      "  -j, --json   get: one line of JSON\n"
	      "  -h, --help   show this help\n", f);
}

static int config_hint_err(struct tcpsm_nl *nl, int r, const char *what,
			   const char *perm_hint)
{
	const char *hint = NULL;

	if (r == -EPERM || r == -EACCES)
		hint = perm_hint;
	else if (r == -EOPNOTSUPP)
		hint = "the loaded module is older than this tcpsm";
	tcpsm_nl_perror(nl, r, what, hint);
	return TCPSM_EXIT_ERROR;
}

static int on_config_reply(struct nlmsghdr *nlh, void *arg)
{
	struct tcpsm_config *c = arg;

	return tcpsm_config_parse(nlh, c);
}

static int config_get(int argc, char **argv)
{
	struct tcpsm_config c;
	struct tcpsm_nl nl;
	const struct tcpsm_cmd_spec spec = {
		.name = "config get", .see = "config", .help = cmd_config_help,
		.flags = TCPSM_OPT_JSON, .nl = &nl,
	};
	bool json = false;
	int r, rc;

	rc = tcpsm_cmd_getopt(&spec, argc, argv, &json);
	if (rc >= 0)
		return rc;
	memset(&c, 0, sizeof(c));
	r = tcpsm_nl_request(&nl, TCPSM_CMD_GET_CONFIG, 0, NULL, NULL,
			     on_config_reply, &c);
	if (r < 0 && nl.reply_err == -EBADMSG) {
		tcpsm_err("malformed GET_CONFIG reply from the kernel (module and tool out of step?)");
		rc = TCPSM_EXIT_ERROR;
	} else if (r < 0) {
		rc = config_hint_err(&nl, r, "reading the settings failed", NULL);
	} else if (json) {
		struct json j;

		json_init(&j, stdout);
		tcpsm_config_print_json(&j, &c);
		fputc('\n', stdout);
		rc = tcpsm_finish_stdout(TCPSM_EXIT_OK);
	} else {
		tcpsm_config_print_text(stdout, &c);
		rc = tcpsm_finish_stdout(TCPSM_EXIT_OK);
	}
	tcpsm_nl_close(&nl);
	return rc;
}

/* The request of set, and where each attribute went in it. */
struct config_req {
	const struct tcpsm_config *c;
	uint32_t offs[TCPSM_CONFIG_NKEYS];	/* 0: not sent */
};

static int fill_config(struct nl_msg *msg, void *arg)
{
	struct config_req *req = arg;

	for (size_t i = 0; i < TCPSM_CONFIG_NKEYS; i++) {
		if (!req->c->has[i])
			continue;
		req->offs[i] = nlmsg_hdr(msg)->nlmsg_len;	/* aligned */
		if (nla_put_u32(msg, tcpsm_config_keys[i].attr, req->c->value[i]) < 0)
			return -EMSGSIZE;
	}
	return 0;
}

static int ignore_reply(struct nlmsghdr *nlh, void *arg)
{
	(void)nlh;
	(void)arg;
	return 0;
}

/*
 * A refusal the kernel pinned on one of our attributes (NLMSGERR_ATTR_OFFS,
 * as the policy's range checks do) but whose message does not name it:
 * name the key ourselves, and its range when the kernel sent the policy
 * (NLMSGERR_ATTR_POLICY): "closewait.count must be 1..1000000". The
 * range is the kernel's, from the spec; the CLI keeps no copy of it.
 * Returns true when printed.
 */
static bool perror_key(const struct tcpsm_nl *nl, const struct config_req *req,
		       int r)
{
	const char *key = NULL;

	if (!nl->ext.has_offs)
		return false;
	for (size_t i = 0; i < TCPSM_CONFIG_NKEYS; i++)
		if (req->offs[i] && req->offs[i] == nl->ext.offs)
			key = tcpsm_config_keys[i].name;
	if (!key || (nl->ext.has_msg && strstr(nl->ext.msg, key)))
		return false;
	if (r == -ERANGE && (nl->ext.has_min || nl->ext.has_max)) {
		tcpsm_err("%s must be %" PRIu64 "..%" PRIu64 ": %s", key,
			  nl->ext.has_min ? nl->ext.min : 0,
			  nl->ext.has_max ? nl->ext.max : UINT32_MAX,
			  strerror(-r));
		return true;
	}
	tcpsm_err("%s: %s: %s", key,
		  nl->ext.has_msg ? nl->ext.msg : "value refused", strerror(-r));
	return true;
}

static int config_set(int argc, char **argv)
{
	const struct tcpsm_cmd_spec spec = {
		.name = "config set", .see = "config", .help = cmd_config_help,
		.flags = TCPSM_OPT_ARGS,
	};
	struct config_req req;
	struct tcpsm_config c;
	struct tcpsm_nl nl;
	char err[160];
	int r, rc;

	rc = tcpsm_cmd_getopt(&spec, argc, argv, NULL);
	if (rc >= 0)
		return rc;
	if (optind >= argc)
		return tcpsm_cmd_usage(&spec, "missing KEY=VALUE");
	memset(&c, 0, sizeof(c));
	for (int i = optind; i < argc; i++)
		if (tcpsm_config_parse_arg(&c, argv[i], err, sizeof(err)) < 0)
			return tcpsm_usage_err("config set: %s (see 'tcpsm config --help')",
					       err);

	rc = tcpsm_nl_open(&nl);
	if (rc)
		return rc;
	memset(&req, 0, sizeof(req));
	req.c = &c;
	r = tcpsm_nl_request(&nl, TCPSM_CMD_SET_CONFIG, 0, fill_config, &req,
			     ignore_reply, NULL);
	if (r < 0) {
		if (!perror_key(&nl, &req, r))
			config_hint_err(&nl, r, "changing the settings failed",
					"needs CAP_NET_ADMIN");
		rc = TCPSM_EXIT_ERROR;
	}
	tcpsm_nl_close(&nl);
	return rc;
}

int cmd_config(int argc, char **argv)
{
	/* STOP: stop at get or set; their options are their own. */
	const struct tcpsm_cmd_spec spec = {
		.name = "config", .help = cmd_config_help, .flags = TCPSM_OPT_STOP,
	};
	int rc;

	rc = tcpsm_cmd_getopt(&spec, argc, argv, NULL);
	if (rc >= 0)
		return rc;
	if (optind >= argc)
		return tcpsm_cmd_usage(&spec, "missing 'get' or 'set'");
	argc -= optind;
	argv += optind;
	if (strcmp(argv[0], "get") == 0)
		return config_get(argc, argv);
	if (strcmp(argv[0], "set") == 0)
		return config_set(argc, argv);
	return tcpsm_usage_err("config: unknown action '%s' (get or set; see 'tcpsm config --help')",
			       argv[0]);
}
