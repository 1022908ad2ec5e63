// SPDX-License-Identifier: GPL-2.0
/*
 * tcpsm: a subscription to one multicast group of the tcpsm family, and
 * learning that the family went away (see sub.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/socket.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include <linux/tcpsm.h>

#include "diag.h"
#include "nl.h"
#include "sub.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* ---- signals ------------------------------------------------------------ */

static volatile sig_atomic_t sub_stop;

static void on_stop_signal(int sig)
{
	(void)sig;
	sub_stop = 1;
}

/*
 * Catch SIGINT and SIGTERM from the start to the end, so that one that
 * comes while we subscribe, or as we leave, still ends us with status 0;
 * ignore SIGPIPE, so that a reader that went away is an EPIPE we end
 * quietly on. The handlers go in even when the signals came ignored, as
 * a shell without job control leaves them for a background job: kill
 * -INT must still end the stream. A stop signal also cuts short a write
 * stuck on a full pipe (no SA_RESTART), so the last flush cannot hang.
 */
void tcpsm_sub_signals_on(struct tcpsm_sub *s)
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

bool tcpsm_sub_stopped(void)
{
	return sub_stop;
}

/* ---- the subscription --------------------------------------------------- */

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

/*
 * One message: the family's to s->msg(), nlctrl's notice that the family
 * is gone. Returns true when the stream ends (s->done or s->unloaded).
 */
static bool sub_one(struct tcpsm_sub *s, struct nlmsghdr *nlh)
{
	if (nlh->nlmsg_type == s->nl->family)
		s->done = s->msg(nlh, s->arg) != 0;
	else if (nlh->nlmsg_type == GENL_ID_CTRL &&
		 family_deleted(nlh, s->nl->family))
		s->unloaded = true;
	return s->done || s->unloaded;
}

/* libnl's callback, when libnl reads (TCPSM_NL_DEBUG) */
static int on_sub_msg(struct nl_msg *msg, void *arg)
{
	return sub_one(arg, nlmsg_hdr(msg)) ? NL_STOP : NL_OK;
}

int tcpsm_sub_join(struct tcpsm_sub *s, struct tcpsm_nl *nl)
{
	int fd = nl_socket_get_fd(nl->sk);
	int one = 1, size = s->rcvbuf;
	int grp, ctrl_grp, r;

	s->nl = nl;
	grp = genl_ctrl_resolve_grp(nl->sk, TCPSM_FAMILY_NAME, s->group);
	if (grp == -NLE_OBJ_NOTFOUND) {
		tcpsm_err("the loaded kernel module has no %s group (older than this tcpsm?)",
			  s->group);
		return TCPSM_EXIT_NOMODULE;
	}
	if (grp < 0) {
		tcpsm_err("cannot resolve the %s group: %s", s->group,
			  nl_geterror(grp));
		return TCPSM_EXIT_ERROR;
	}
	ctrl_grp = genl_ctrl_resolve_grp(nl->sk, "nlctrl", "notify");

	/* From now on, messages come unasked: any sequence number goes. */
	nl_socket_disable_seq_check(nl->sk);
	/* Best effort: a smaller buffer only loses messages sooner. */
	nl_socket_set_buffer_size(nl->sk, s->rcvbuf, 0);
	if (s->rcvbuf_force)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	if (s->no_enobufs)
		setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof(one));
	/* not for a command we run (tcpsm alerts --exec) */
	fcntl(fd, F_SETFD, FD_CLOEXEC);

	r = nl_socket_add_membership(nl->sk, grp);
	if (s->needs_admin && (r == -NLE_PERM || r == -NLE_NOACCESS)) {
		tcpsm_err("subscribing to %s needs CAP_NET_ADMIN: %s", s->group,
			  strerror(EPERM));
		return TCPSM_EXIT_ERROR;
	}
	if (r < 0) {
		tcpsm_err("cannot subscribe to %s: %s", s->group, nl_geterror(r));
		return TCPSM_EXIT_ERROR;
	}
	/* Best effort: without it, an unloaded module just goes quiet. */
	if (ctrl_grp >= 0)
		nl_socket_add_membership(nl->sk, ctrl_grp);

	r = nl_socket_set_nonblocking(nl->sk);
	if (r < 0) {
		tcpsm_err("cannot set up the %s socket: %s", s->group,
			  nl_geterror(r));
		return TCPSM_EXIT_ERROR;
	}
	return 0;
}

/* ---- the loop ----------------------------------------------------------- */

/* A read found the receive buffer overrun: s->overrun() says what now. */
static int sub_overrun(struct tcpsm_sub *s)
{
	bool again = s->overrun_seen;

	s->overrun_seen = true;
	return s->overrun(s->arg, again);
}

/* sub_recv() through libnl, which prints each message (TCPSM_NL_DEBUG). */
static int sub_recv_libnl(struct tcpsm_sub *s)
{
	int r = nl_recvmsgs_default(s->nl->sk);

	if (r == -NLE_NOMEM)		/* libnl's name for ENOBUFS */
		return sub_overrun(s);
	if (r == -NLE_AGAIN)
		return -1;
	if (r < 0) {
		tcpsm_err("receiving %s: %s", s->what, nl_geterror(r));
		return TCPSM_EXIT_ERROR;
	}
	s->overrun_seen = false;
	return 0;
}

/*
 * Read one datagram. Returns 0, -1 when there is none to read, or an
 * exit code (the error printed). ENOBUFS is an overrun: s->overrun()
 * says what to do about it.
 *
 * Straight from the socket into one buffer, walked in place: libnl's
 * nl_recvmsgs() peeks at each datagram first (a second recv), allocates
 * for it and wraps each message, which on a busy host was most of a
 * subscriber's cost. With TCPSM_NL_DEBUG set, libnl reads (and prints).
 */
static int sub_recv(struct tcpsm_sub *s)
{
	/* larger than any datagram of the module (16 KiB) or nlctrl */
	static union {
		struct nlmsghdr nlh;
		char buf[TCPSM_SUB_BUF];
	} u;
	struct nlmsghdr *nlh = &u.nlh;
	ssize_t n;
	size_t len;

	if (s->debug)
		return sub_recv_libnl(s);
	n = recv(nl_socket_get_fd(s->nl->sk), u.buf, sizeof(u.buf), MSG_DONTWAIT);
	if (n < 0) {
		if (errno == ENOBUFS)
			return sub_overrun(s);
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return -1;
		tcpsm_err("receiving %s: %s", s->what, strerror(errno));
		return TCPSM_EXIT_ERROR;
	}
	s->overrun_seen = false;
	for (len = (size_t)n; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len))
		if (sub_one(s, nlh))
			break;
	return 0;
}

/*
 * Read what is queued, up to a bound: a busy host sends many messages,
 * and one wakeup and one flush for many of them keep the reader's share
 * of the CPU small. Returns 0 or an exit code (printed).
 */
static int sub_read(struct tcpsm_sub *s)
{
	int i, rc = 0;

	for (i = 0; i < TCPSM_SUB_BATCH && !s->done && !s->unloaded; i++) {
		if (s->stop_ends_batch && sub_stop)
			break;
		rc = sub_recv(s);
		if (rc)
			break;
	}
	return rc < 0 ? 0 : rc;
}

void tcpsm_sub_warn_malformed(uint64_t n, uint64_t *next, const char *what)
{
	if (n < *next)
		return;
	tcpsm_err("warning: %" PRIu64 " malformed %s%s skipped (module and tool out of step?)",
		  n, what, n == 1 ? "" : "s");
	while (*next <= n)
		*next *= 2;
}

/* After a failed write: has the reader of stdout gone (e.g. | head)? */
static bool stdout_reader_gone(void)
{
	struct pollfd p = { .fd = STDOUT_FILENO, .events = 0 };

	if (errno == EPIPE)
		return true;
	return poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP));
}

int tcpsm_sub_flush(void)
{
	errno = 0;
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	if (sub_stop || stdout_reader_gone())
		return 1;
	tcpsm_err("writing output: %s", strerror(errno ? errno : EIO));
	return -1;
}

/*
 * The stop signals are blocked only from the test of the flag to
 * ppoll(), which lets them in atomically, so none slips by unseen; while
 * we read and write they are let in too, so that ^C also ends a write
 * stuck on a full pipe.
 */
int tcpsm_sub_loop(struct tcpsm_sub *s)
{
	struct pollfd pfd[2] = {
		{ .fd = nl_socket_get_fd(s->nl->sk), .events = POLLIN },
		{ .fd = STDOUT_FILENO, .events = 0 },	/* errors only */
	};
	int rc = TCPSM_EXIT_OK, fl;

	s->done = s->unloaded = s->overrun_seen = false;
	nl_socket_modify_cb(s->nl->sk, NL_CB_VALID, NL_CB_CUSTOM, on_sub_msg, s);
	s->debug = getenv("TCPSM_NL_DEBUG") != NULL;
	if (s->debug)
		nl_socket_modify_cb(s->nl->sk, NL_CB_MSG_IN, NL_CB_DEBUG, NULL, NULL);
	fl = tcpsm_sub_flush();	/* what came before (alerts: the replay) */
	sigprocmask(SIG_BLOCK, &s->stop, NULL);

	while (!fl && !sub_stop && !s->done && !s->unloaded) {
		if (ppoll(pfd, 2, NULL, &s->wait) < 0) {
			if (errno == EINTR)
				continue;
			tcpsm_err("waiting for %s: %s", s->what, strerror(errno));
			rc = TCPSM_EXIT_ERROR;
			break;
		}
		sigprocmask(SIG_SETMASK, &s->wait, NULL);
		if (pfd[1].revents & (POLLERR | POLLHUP))
			break;		/* nobody reads our output any more */
		if (pfd[1].revents & POLLNVAL)
			pfd[1].fd = -1;
		if (pfd[0].revents)
			rc = sub_read(s);
		if (s->after_reads)
			s->after_reads(s->arg, rc);
		fl = tcpsm_sub_flush();	/* each batch, for pipes */
		if (fl || rc)
			break;
		sigprocmask(SIG_BLOCK, &s->stop, NULL);
	}
	sigprocmask(SIG_SETMASK, &s->old, NULL);

	if (!fl)
		fl = tcpsm_sub_flush();
	if (fl < 0)
		return TCPSM_EXIT_ERROR;
	if (fl > 0)
		return rc;		/* quietly */
	if (s->unloaded) {
		tcpsm_err("kernel module unloaded");
		rc = TCPSM_EXIT_NOMODULE;
	}
	return rc;
}
