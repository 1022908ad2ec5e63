// SPDX-License-Identifier: GPL-2.0
/*
 * tcpsm: the alerts subcommand.
 *
 * Subscribe to group "alerts" first, then dump the active alarms
 * (GET_ALARMS) on a second socket and print them, marked replayed, then
 * print each ALARM notification as it comes. An alarm raised between the
 * two is in both: the second sighting is dropped (alarm.h). The loop,
 * its signals and its exit codes are those of tcpsm events.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/socket.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include <linux/tcpsm.h>

#include "alarm.h"
#include "alerts.h"
#include "cli.h"
#include "json.h"
#include "nl.h"

/* Alarms are rare and small; this is room for thousands (best effort). */
#define TCPSM_ALERTS_RCVBUF	(1 << 20)

static volatile sig_atomic_t alerts_stop;

static void on_stop_signal(int sig)
{
	(void)sig;
	alerts_stop = 1;
}

struct alerts_sigs {
	sigset_t stop;			/* SIGINT, SIGTERM */
	sigset_t old;			/* the mask we started with */
	sigset_t wait;			/* old, with the stop signals let in */
};

/* The loop's state around the stream. */
struct alerts {
	struct tcpsm_alerts *as;
	uint64_t next_warn;		/* warn of malformed at 1, 2, 4, ... */
	int family;			/* id of "tcpsm" */
	bool unloaded;			/* the family went away */
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

void tcpsm_alerts_emit(struct tcpsm_alerts *as, const struct tcpsm_alarm *a)
{
	if (tcpsm_alarm_seen_note(&as->seen, a))
		return;		/* in the dump and as a notification */
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

/* ---- the subcommand's loop ------------------------------------------------- */

static void warn_malformed(struct alerts *lp)
{
	uint64_t n = lp->as->malformed;

	if (n < lp->next_warn)
		return;
	tcpsm_err("warning: %" PRIu64 " malformed alarm message%s skipped (module and tool out of step?)",
		  n, n == 1 ? "" : "s");
	while (lp->next_warn <= n)
		lp->next_warn *= 2;
}

/*
 * Dump the active alarms on req and print them, replayed. Returns 0 or an
 * exit code (printed).
 */
static int alerts_replay(struct alerts *lp, struct tcpsm_nl *req)
{
	struct tcpsm_alarm_set set;
	int r = tcpsm_alarms_request(req, &set);

	if (r < 0) {
		tcpsm_nl_perror(req, r, "reading the active alarms failed",
				r == -EOPNOTSUPP ? "the loaded module is older than this tcpsm" : NULL);
		tcpsm_alarm_set_free(&set);
		return TCPSM_EXIT_ERROR;
	}
	lp->as->malformed += set.malformed;
	for (size_t i = 0; i < set.n && !alerts_stop; i++)
		tcpsm_alerts_emit(lp->as, &set.v[i]);
	tcpsm_alarm_set_free(&set);
	warn_malformed(lp);
	return 0;
}

/* ---- the subscription ----------------------------------------------------- */

static struct nla_policy ctrl_policy[CTRL_ATTR_MAX + 1] = {
	[CTRL_ATTR_FAMILY_ID]	= { .type = NLA_U16 },
};

/* Is nlh nlctrl's notice that family is gone (module unloaded)? */
static bool family_deleted(struct nlmsghdr *nlh, int family)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];

	if (!genlmsg_valid_hdr(nlh, 0) ||
	    genlmsg_hdr(nlh)->cmd != CTRL_CMD_DELFAMILY)
		return false;
	if (genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX, ctrl_policy) < 0 ||
	    !tb[CTRL_ATTR_FAMILY_ID])
		return false;
	return nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]) == family;
}

static int on_alerts_msg(struct nl_msg *msg, void *arg)
{
	struct alerts *lp = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	if (nlh->nlmsg_type == lp->family) {
		tcpsm_alerts_handle(lp->as, nlh);
	} else if (nlh->nlmsg_type == GENL_ID_CTRL &&
		   family_deleted(nlh, lp->family)) {
		lp->unloaded = true;
		return NL_STOP;
	}
	return NL_OK;
}

/*
 * Join the alerts group (anyone may) and nlctrl's notify group, to learn
 * when the module goes away. Returns 0 or an exit code (printed).
 */
static int alerts_subscribe(struct tcpsm_nl *nl)
{
	int grp, ctrl_grp, r;

	grp = genl_ctrl_resolve_grp(nl->sk, TCPSM_FAMILY_NAME, TCPSM_MCGRP_ALERTS);
	if (grp == -NLE_OBJ_NOTFOUND) {
		tcpsm_err("the loaded kernel module has no alerts group (older than this tcpsm?)");
		return TCPSM_EXIT_NOMODULE;
	}
	if (grp < 0) {
		tcpsm_err("cannot resolve the alerts group: %s", nl_geterror(grp));
		return TCPSM_EXIT_ERROR;
	}
	ctrl_grp = genl_ctrl_resolve_grp(nl->sk, "nlctrl", "notify");

	/* From now on, messages come unasked: any sequence number goes. */
	nl_socket_disable_seq_check(nl->sk);
	nl_socket_set_buffer_size(nl->sk, TCPSM_ALERTS_RCVBUF, 0);
	/* not for --exec's command */
	fcntl(nl_socket_get_fd(nl->sk), F_SETFD, FD_CLOEXEC);

	r = nl_socket_add_membership(nl->sk, grp);
	if (r < 0) {
		tcpsm_err("cannot subscribe to alerts: %s", nl_geterror(r));
		return TCPSM_EXIT_ERROR;
	}
	if (ctrl_grp >= 0)
		nl_socket_add_membership(nl->sk, ctrl_grp);

	r = nl_socket_set_nonblocking(nl->sk);
	if (r < 0) {
		tcpsm_err("cannot set up the alerts socket: %s", nl_geterror(r));
		return TCPSM_EXIT_ERROR;
	}
	return 0;
}

/*
 * Read one datagram. Returns 0, -1 when there is none, 1 after an overrun
 * (ENOBUFS: alarms were lost; the caller replays the active ones), or an
 * exit code (printed).
 */
static int alerts_recv(struct tcpsm_nl *nl)
{
	int r = nl_recvmsgs_default(nl->sk);

	if (r >= 0)
		return 0;
	if (r == -NLE_AGAIN)
		return -1;
	if (r == -NLE_NOMEM) {
		tcpsm_err("warning: receive buffer overrun, alarms lost; replaying the active ones");
		return 1;
	}
	tcpsm_err("receiving alarms: %s", nl_geterror(r));
	return TCPSM_EXIT_ERROR;
}

/* After a failed write: has the reader of stdout gone (e.g. | head)? */
static bool stdout_reader_gone(void)
{
	struct pollfd p = { .fd = STDOUT_FILENO, .events = 0 };

	if (errno == EPIPE)
		return true;
	return poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP));
}

/* Flush stdout: 0; 1 to end quietly (reader gone, or stopped); -1 (printed). */
static int alerts_flush(void)
{
	errno = 0;
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	if (alerts_stop || stdout_reader_gone())
		return 1;
	tcpsm_err("writing output: %s", strerror(errno ? errno : EIO));
	return -1;
}

/* As tcpsm events: SIGINT and SIGTERM end us with 0; SIGPIPE is EPIPE. */
static void alerts_signals_on(struct alerts_sigs *s)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;	/* no SA_RESTART: calls return EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	sigemptyset(&s->stop);
	sigaddset(&s->stop, SIGINT);
	sigaddset(&s->stop, SIGTERM);
	sigprocmask(SIG_SETMASK, NULL, &s->old);
	s->wait = s->old;
	sigdelset(&s->wait, SIGINT);
	sigdelset(&s->wait, SIGTERM);
}

/*
 * Until a stop signal, the reader of stdout or the module going away:
 * wait, read what came, print it, flush. The stop signals are blocked
 * only from the test of the flag to ppoll(), which lets them in
 * atomically. Returns the exit code.
 */
static int alerts_loop(struct tcpsm_nl *sub, struct tcpsm_nl *req,
		       struct alerts *lp, struct alerts_sigs *sigs)
{
	struct pollfd pfd[2] = {
		{ .fd = nl_socket_get_fd(sub->sk), .events = POLLIN },
		{ .fd = STDOUT_FILENO, .events = 0 },	/* errors only */
	};
	int rc = TCPSM_EXIT_OK, fl = 0, i, r;

	nl_socket_modify_cb(sub->sk, NL_CB_VALID, NL_CB_CUSTOM, on_alerts_msg, lp);
	if (getenv("TCPSM_NL_DEBUG"))
		nl_socket_modify_cb(sub->sk, NL_CB_MSG_IN, NL_CB_DEBUG, NULL, NULL);
	fl = alerts_flush();	/* the replayed ones */
	sigprocmask(SIG_BLOCK, &sigs->stop, NULL);

	while (!fl && !alerts_stop && !lp->unloaded) {
		if (ppoll(pfd, 2, NULL, &sigs->wait) < 0) {
			if (errno == EINTR)
				continue;
			tcpsm_err("waiting for alarms: %s", strerror(errno));
			rc = TCPSM_EXIT_ERROR;
			break;
		}
		sigprocmask(SIG_SETMASK, &sigs->wait, NULL);
		if (pfd[1].revents & (POLLERR | POLLHUP))
			break;		/* nobody reads our output any more */
		if (pfd[1].revents & POLLNVAL)
			pfd[1].fd = -1;
		for (i = 0; pfd[0].revents && i < 64 && !alerts_stop &&
			    !lp->unloaded; i++) {
			r = alerts_recv(sub);
			if (r < 0)
				break;
			if (r == 1)
				r = alerts_replay(lp, req);
			if (r) {
				rc = r;
				break;
			}
		}
		warn_malformed(lp);
		fl = alerts_flush();
		if (fl || rc)
			break;
		sigprocmask(SIG_BLOCK, &sigs->stop, NULL);
	}
	sigprocmask(SIG_SETMASK, &sigs->old, NULL);

	if (!fl)
		fl = alerts_flush();
	if (fl < 0)
		return TCPSM_EXIT_ERROR;
	if (fl > 0)
		return rc;		/* quietly */
	if (lp->unloaded) {
		tcpsm_err("kernel module unloaded");
		rc = TCPSM_EXIT_NOMODULE;
	}
	return rc;
}

/* ---- the subcommand ------------------------------------------------------- */

void cmd_alerts_help(FILE *f)
{
	fputs("Usage: tcpsm alerts [--json] [--exec CMD]\n"
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
	      "Options:\n"
	      "  -j, --json       one JSON object per line\n"
	      "  -e, --exec CMD   after printing an alarm, run CMD with /bin/sh -c\n"
	      "                   and wait for it; it finds the alarm in TCPSM_ALARM,\n"
	      "                   TCPSM_STATE (raise, clear), TCPSM_REPLAYED (0, 1),\n"
	      "                   TCPSM_NETNS, TCPSM_PORT, TCPSM_COUNT,\n"
	      "                   TCPSM_OLDEST_AGE_MS, TCPSM_GROWTH, TCPSM_TS,\n"
	      "                   TCPSM_UIDS and TCPSM_INODES (space-separated)\n"
	      "  -h, --help       show this help\n"
	      "\n"
	      "Output, one line per alarm (oldest: seconds; uid, inodes: of the\n"
	      "oldest sockets):\n"
	      "  RAISE CLOSE_WAIT_LEAK netns INODE port P count N oldest 31.2s\n"
	      "    growth +N uid U[,U...] inodes I[,I...] [(replayed)]\n", f);
}

int cmd_alerts(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json",	no_argument,		NULL, 'j' },
		{ "exec",	required_argument,	NULL, 'e' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct alerts_sigs sigs;
	struct tcpsm_alerts as;
	struct alerts lp = { .as = &as, .next_warn = 1 };
	struct tcpsm_nl sub, req;
	int c, rc;

	tcpsm_alerts_init(&as, stdout);
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":je:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			as.json = true;
			break;
		case 'e':
			if (!optarg[0])
				return tcpsm_usage_err("alerts: empty --exec command (see 'tcpsm alerts --help')");
			as.exec = optarg;
			break;
		case 'h':
			cmd_alerts_help(stdout);
			return tcpsm_finish_stdout(TCPSM_EXIT_OK);
		default:
			return tcpsm_getopt_err("alerts", c, argv);
		}
	}
	if (optind < argc)
		return tcpsm_usage_err("alerts: unexpected argument '%s' (see 'tcpsm alerts --help')",
				       argv[optind]);

	alerts_signals_on(&sigs);
	as.has_child_mask = true;
	as.child_mask = sigs.old;
	rc = tcpsm_nl_open(&sub);
	if (rc)
		return alerts_stop ? TCPSM_EXIT_OK : rc;
	lp.family = sub.family;
	rc = alerts_subscribe(&sub);
	if (rc) {
		tcpsm_nl_close(&sub);
		return alerts_stop ? TCPSM_EXIT_OK : rc;
	}
	rc = tcpsm_nl_open(&req);
	if (rc) {
		tcpsm_nl_close(&sub);
		return alerts_stop ? TCPSM_EXIT_OK : rc;
	}
	fcntl(nl_socket_get_fd(req.sk), F_SETFD, FD_CLOEXEC);
	/* subscribed first: nothing falls between */
	rc = alerts_replay(&lp, &req);
	if (alerts_stop) {
		alerts_flush();
		rc = TCPSM_EXIT_OK;	/* stopped while setting up */
	} else if (!rc) {
		rc = alerts_loop(&sub, &req, &lp, &sigs);
	}
	tcpsm_nl_close(&req);
	tcpsm_alerts_free(&as);
	tcpsm_nl_close(&sub);
	return rc;
}
