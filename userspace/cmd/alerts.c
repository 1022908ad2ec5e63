// SPDX-License-Identifier: GPL-2.0
/*
 * tcpsm: the alerts subcommand.
 *
 * Subscribe to group "alerts" first, then dump the active alarms
 * (GET_ALARMS) on a second socket and print them, marked replayed, then
 * print each ALARM notification as it comes. An alarm raised between the
 * two is in both: the second sighting is dropped (alarm.h). The
 * subscription, its loop, its signals and its exit codes are those of
 * tcpsm events (sub.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <netlink/socket.h>
#include <netlink/genl/genl.h>

#include <linux/tcpsm.h>

#include "alarm.h"
#include "alerts.h"
#include "allns.h"
#include "cli.h"
#include "json.h"
#include "nl.h"
#include "print.h"
#include "sub.h"

/* Alarms are rare and small; this is room for thousands (best effort). */
#define TCPSM_ALERTS_RCVBUF	(1 << 20)

/* The loop's state around the stream. */
struct alerts {
	struct tcpsm_alerts *as;
	struct tcpsm_nl *req;		/* for the replay after an overrun */
	uint64_t next_warn;		/* warn of malformed at 1, 2, 4, ... */
};

/* ---- the stream ------------------------------------------------------------ */

void tcpsm_alerts_init(struct tcpsm_alerts *as, FILE *out)
{
	memset(as, 0, sizeof(*as));
	as->out = out;
}

void tcpsm_alerts_free(struct tcpsm_alerts *as)
{
	tcpsm_alarm_seen_free(&as->seen);
	tcpsm_netns_names_free(&as->names);
}

/* In the child: default signals, the alarm's environment, sh -c CMD. */
static void exec_child(const struct tcpsm_alerts *as,
		       const struct tcpsm_alarm_env *env)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (as->has_child_mask)
		sigprocmask(SIG_SETMASK, &as->child_mask, NULL);
	for (int i = 0; i < TCPSM_ALARM_ENV_N; i++)
		if (setenv(env->name[i], env->value[i], 1) < 0)
			_exit(127);
	execl("/bin/sh", "sh", "-c", as->exec, (char *)NULL);
	_exit(127);
}

/* Run CMD for alarm a and wait for it; its failure is a warning. */
static void run_exec(const struct tcpsm_alerts *as, const struct tcpsm_alarm *a)
{
	struct tcpsm_alarm_env env;
	pid_t pid;
	int st;

	tcpsm_alarm_env(a, &env);
	fflush(as->out);	/* the alarm's line before what CMD prints */
	pid = fork();
	if (pid < 0) {
		tcpsm_err("warning: --exec: cannot fork: %s", strerror(errno));
		return;
	}
	if (pid == 0)
		exec_child(as, &env);
	/* a stop signal (^C reaches CMD too) ends us once CMD is done */
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return;
	if (WIFEXITED(st) && WEXITSTATUS(st) != 0)
		tcpsm_err("warning: --exec command exited with status %d",
			  WEXITSTATUS(st));
	else if (WIFSIGNALED(st) && WTERMSIG(st) != SIGINT &&
		 WTERMSIG(st) != SIGTERM && WTERMSIG(st) != SIGPIPE)
		tcpsm_err("warning: --exec command killed by signal %d",
			  WTERMSIG(st));
}

void tcpsm_alerts_emit(struct tcpsm_alerts *as, const struct tcpsm_alarm *in)
{
	struct tcpsm_alarm named;
	const struct tcpsm_alarm *a = in;

	if (tcpsm_alarm_seen_note(&as->seen, a))
		return;		/* in the dump and as a notification */
	if (as->all) {
		named = *in;
		named.with_name = true;
		named.netns_name = tcpsm_netns_name(&as->names, in->netns);
		a = &named;
	}
	if (as->json) {
		struct json j;

		json_init(&j, as->out);
		tcpsm_alarm_print_json(&j, a);
		fputc('\n', as->out);
	} else {
		tcpsm_alarm_print_text(as->out, a);
	}
	as->printed++;
	if (as->exec)
		run_exec(as, a);
}

void tcpsm_alerts_handle(struct tcpsm_alerts *as, struct nlmsghdr *nlh)
{
	struct tcpsm_alarm a;
	uint8_t cmd;

	if (!genlmsg_valid_hdr(nlh, 0)) {
		as->malformed++;
		return;
	}
	cmd = genlmsg_hdr(nlh)->cmd;
	if (cmd != TCPSM_CMD_ALARM && cmd != TCPSM_CMD_GET_ALARMS)
		return;		/* not ours to print */
	if (tcpsm_alarm_parse(nlh, &a) < 0) {
		as->malformed++;
		return;
	}
	tcpsm_alerts_emit(as, &a);
}

/* ---- the replay ------------------------------------------------------------ */

static void warn_malformed(struct alerts *lp)
{
	tcpsm_sub_warn_malformed(lp->as->malformed, &lp->next_warn,
				 "alarm message");
}

/*
 * Dump the active alarms on req and print them, replayed. Returns 0 or an
 * exit code (printed).
 */
static int alerts_replay(struct alerts *lp)
{
	struct tcpsm_alarm_set set;
	int r = tcpsm_alarms_request(lp->req, lp->as->all, &set);

	if (r < 0) {
		tcpsm_nl_perror(lp->req, r, "reading the active alarms failed",
				tcpsm_allns_hint(r, lp->as->all, "alerts"));
		tcpsm_alarm_set_free(&set);
		return TCPSM_EXIT_ERROR;
	}
	lp->as->malformed += set.malformed;
	for (size_t i = 0; i < set.n && !tcpsm_sub_stopped(); i++)
		tcpsm_alerts_emit(lp->as, &set.v[i]);
	tcpsm_alarm_set_free(&set);
	warn_malformed(lp);
	return 0;
}

/* ---- the subscription ----------------------------------------------------- */

static int on_alerts_msg(struct nlmsghdr *nlh, void *arg)
{
	struct alerts *lp = arg;

	tcpsm_alerts_handle(lp->as, nlh);
	return 0;
}

/* ENOBUFS: alarms were lost; replay the active ones. */
static int on_alerts_overrun(void *arg, bool again)
{
	(void)again;
	tcpsm_err("warning: receive buffer overrun, alarms lost; replaying the active ones");
	return alerts_replay(arg);
}

/* After each batch of reads, even one cut short by an error. */
static void on_alerts_read(void *arg, int rc)
{
	(void)rc;
	warn_malformed(arg);
}

/* ---- the subcommand ------------------------------------------------------- */

void cmd_alerts_help(FILE *f)
{
	fputs("Usage: tcpsm alerts [--all-netns] [--json] [--exec CMD]\n"
	      "\n"
	      "Print the alarms of this network namespace: first those active now\n"
	      "(marked replayed), then each one raised or cleared, as it happens,\n"
	      "until interrupted. Anyone may run it.\n"
	      "\n"
	      "CLOSE_WAIT_LEAK (settings: tcpsm config): a local port has at least\n"
	      "closewait.count sockets in CLOSE_WAIT and the oldest waited more than\n"
	      "closewait.age seconds, or their count grew in each of the last\n"
	      "closewait.window samples, by closewait.count in all. Cleared when\n"
	      "fewer than half of closewait.count are left.\n"
	      "\n"
	      "SYN_FLOOD (settings: synflood.*): a listener's SYN-flood score (see\n"
	      "'tcpsm help listeners') stayed at or above synflood.raise for\n"
	      "synflood.duration samples: its SYN queue is full or it sends cookies,\n"
	      "and the half-open connections do not complete. ACCEPT_QUEUE_OVERFLOW:\n"
	      "the same with its accept-queue score: the application does not call\n"
	      "accept() fast enough. Each clears once its score stayed below\n"
	      "synflood.clear for synflood.duration samples, or when the listener\n"
	      "closes.\n"
	      "\n"
	      "Options:\n"
	      TCPSM_ALLNS_HELP
	      "  -j, --json       one JSON object per line\n"
	      "  -e, --exec CMD   after printing an alarm, run CMD with /bin/sh -c\n"
	      "                   and wait for it; it finds the alarm in TCPSM_ALARM,\n"
	      "                   TCPSM_STATE (raise, clear), TCPSM_REPLAYED (0, 1),\n"
	      "                   TCPSM_NETNS, TCPSM_PORT, TCPSM_COUNT,\n"
	      "                   TCPSM_OLDEST_AGE_MS, TCPSM_GROWTH, TCPSM_TS,\n"
	      "                   TCPSM_UIDS and TCPSM_INODES (space-separated),\n"
	      "                   TCPSM_SCORE and TCPSM_ADDR (the listener's address;\n"
	      "                   TCPSM_PORT is its port), TCPSM_NETNS_NAME (with\n"
	      "                   --all-netns); empty when not known\n"
	      "  -h, --help       show this help\n"
	      "\n"
	      "Output, one line per alarm (oldest: seconds; uid, inodes: of the\n"
	      "oldest sockets):\n"
	      "  RAISE CLOSE_WAIT_LEAK netns INODE port P count N oldest 31.2s\n"
	      "    growth +N uid U[,U...] inodes I[,I...] [(replayed)]\n"
	      "  RAISE SYN_FLOOD netns INODE listener 0.0.0.0:8080 score 87 synq 64/64\n"
	      "    [cookies] overflow 512/s completion 3% synack-retrans 0/s drops 0/s\n"
	      "  RAISE ACCEPT_QUEUE_OVERFLOW netns INODE listener [::]:8080 score 100\n"
	      "    acceptq 128/128 drops 12/s\n", f);
}

/* -e, --exec */
static int alerts_opt(void *ctx, int c, char *arg)
{
	struct tcpsm_alerts *as = ctx;

	if (c == 'a') {
		as->all = true;
		return 0;
	}
	if (c != 'e')
		return -1;
	if (!arg[0])
		return tcpsm_usage_err("alerts: empty --exec command (see 'tcpsm alerts --help')");
	as->exec = arg;
	return 0;
}

int cmd_alerts(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "exec",	required_argument,	NULL, 'e' },
		{ "all-netns",	no_argument,		NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct tcpsm_alerts as;
	struct tcpsm_nl nl, req;
	struct alerts lp = { .as = &as, .req = &req, .next_warn = 1 };
	struct tcpsm_sub sub = {
		.group = TCPSM_MCGRP_ALERTS,
		.what = "alarms",
		.rcvbuf = TCPSM_ALERTS_RCVBUF,
		.stop_ends_batch = true,	/* no --exec after a stop */
		.msg = on_alerts_msg,
		.overrun = on_alerts_overrun,
		.after_reads = on_alerts_read,
		.arg = &lp,
	};
	const struct tcpsm_cmd_spec spec = {
		.name = "alerts", .help = cmd_alerts_help, .flags = TCPSM_OPT_JSON,
		.shorts = "e:a", .longs = opts, .opt = alerts_opt, .ctx = &as,
	};
	int rc;

	tcpsm_alerts_init(&as, stdout);
	rc = tcpsm_cmd_getopt(&spec, argc, argv, &as.json);
	if (rc >= 0)
		return rc;

	if (as.all) {
		sub.group = TCPSM_MCGRP_ALERTS_ALL;
		sub.needs_admin = true;
	}
	tcpsm_sub_signals_on(&sub);
	as.has_child_mask = true;
	as.child_mask = sub.old;
	rc = tcpsm_nl_open(&nl);
	if (rc)
		return tcpsm_sub_stopped() ? TCPSM_EXIT_OK : rc;
	rc = tcpsm_sub_join(&sub, &nl);
	if (rc) {
		tcpsm_nl_close(&nl);
		return tcpsm_sub_stopped() ? TCPSM_EXIT_OK : rc;
	}
	rc = tcpsm_nl_open(&req);
	if (rc) {
		tcpsm_nl_close(&nl);
		return tcpsm_sub_stopped() ? TCPSM_EXIT_OK : rc;
	}
	fcntl(nl_socket_get_fd(req.sk), F_SETFD, FD_CLOEXEC);
	/* subscribed first: nothing falls between */
	rc = alerts_replay(&lp);
	if (tcpsm_sub_stopped()) {
		tcpsm_sub_flush();
		rc = TCPSM_EXIT_OK;	/* stopped while setting up */
	} else if (!rc) {
		rc = tcpsm_sub_loop(&sub);
	}
	tcpsm_nl_close(&req);
	tcpsm_alerts_free(&as);
	tcpsm_nl_close(&nl);
	return rc;
}
