// SPDX-License-Identifier: GPL-2.0
/*
 * tcpsm: the generic netlink side.
 *
 * All netlink goes through libnl-3 / libnl-genl-3. Extended ACKs are
 * switched on with NETLINK_EXT_ACK; libnl 3.7 hands the error callback
 * only the struct nlmsgerr, so the TLVs (NLMSGERR_ATTR_MSG, ...) are read
 * in an NL_CB_MSG_IN callback, which sees every message whole before libnl
 * dispatches it, with nla_parse() on the attributes after the echoed
 * request.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/handlers.h>
#include <netlink/socket.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include <linux/tcpsm.h>

#include "diag.h"
#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* Replies of a dump of every namespace may be many: give them room. */
#define TCPSM_NL_RCVBUF		(4 << 20)

int tcpsm_nl_open(struct tcpsm_nl *nl)
{
	int one = 1;
	int r;

	memset(nl, 0, sizeof(*nl));
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		tcpsm_err("cannot allocate a netlink socket: %s", strerror(ENOMEM));
		return TCPSM_EXIT_ERROR;
	}
	r = genl_connect(nl->sk);
	if (r < 0) {
		tcpsm_err("cannot open a generic netlink socket: %s", nl_geterror(r));
		goto fail;
	}
	/* Best effort: a smaller buffer only risks ENOBUFS on huge dumps. */
	nl_socket_set_buffer_size(nl->sk, TCPSM_NL_RCVBUF, 0);
	/* Peek at each datagram's size so any message fits the buffer. */
	nl_socket_enable_msg_peek(nl->sk);
	/* Error messages from the kernel, and no echo of our request. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));

	r = genl_ctrl_resolve(nl->sk, TCPSM_FAMILY_NAME);
	if (r == -NLE_OBJ_NOTFOUND) {
		tcpsm_err("kernel module not loaded (try: sudo modprobe tcpsm)");
		tcpsm_nl_close(nl);
		return TCPSM_EXIT_NOMODULE;
	}
	if (r < 0) {
		tcpsm_err("cannot resolve generic netlink family \"%s\": %s",
			  TCPSM_FAMILY_NAME, nl_geterror(r));
		goto fail;
	}
	nl->family = r;
	return 0;
fail:
	tcpsm_nl_close(nl);
	return TCPSM_EXIT_ERROR;
}

void tcpsm_nl_close(struct tcpsm_nl *nl)
{
	if (nl->sk)
		nl_socket_free(nl->sk);	/* also closes it */
	nl->sk = NULL;
}

/* Copy a kernel string, keeping the one-line promise of our messages. */
static void copy_sanitized(char *dst, size_t size, const char *src, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len && src[i] && n + 1 < size; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[n++] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
	}
	while (n > 0 && dst[n - 1] == ' ')
		n--;
	dst[n] = '\0';
}

int tcpsm_nl_parse_extack(const struct nlmsghdr *nlh, int *error,
			  struct tcpsm_extack *ext)
{
	static struct nla_policy policy[NLMSGERR_ATTR_MAX + 1] = {
		[NLMSGERR_ATTR_MSG]		= { .type = NLA_UNSPEC },
		[NLMSGERR_ATTR_OFFS]		= { .type = NLA_U32 },
		[NLMSGERR_ATTR_MISS_TYPE]	= { .type = NLA_U32 },
		[NLMSGERR_ATTR_POLICY]		= { .type = NLA_NESTED },
	};
	static struct nla_policy range[NL_POLICY_TYPE_ATTR_MAX + 1] = {
		[NL_POLICY_TYPE_ATTR_MIN_VALUE_U] = { .type = NLA_U64 },
		[NL_POLICY_TYPE_ATTR_MAX_VALUE_U] = { .type = NLA_U64 },
	};
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	struct nlattr *pol[NL_POLICY_TYPE_ATTR_MAX + 1];
	const char *payload = (const char *)NLMSG_DATA(nlh);
	size_t plen, off;

	memset(ext, 0, sizeof(*ext));
	*error = 0;
	if (nlh->nlmsg_len < NLMSG_HDRLEN)
		return -EINVAL;
	plen = nlh->nlmsg_len - NLMSG_HDRLEN;

	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = (const struct nlmsgerr *)payload;

		if (plen < sizeof(*e))
			return -EINVAL;
		*error = e->error;
		off = sizeof(*e);
		/* Unless capped, the kernel echoes our request's payload. */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
		    e->msg.nlmsg_len > NLMSG_HDRLEN)
			off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	} else if (nlh->nlmsg_type == NLMSG_DONE) {
		int derr;

		if (plen < sizeof(int))
			return 0;	/* old kernels: empty DONE */
		memcpy(&derr, payload, sizeof(derr));
		*error = derr;
		off = sizeof(int);
	} else {
		return 0;
	}

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return 0;
	off = NLMSG_ALIGN(off);
	if (off >= plen)
		return 0;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)(payload + off),
		      (int)(plen - off), policy) < 0)
		return 0;	/* unreadable TLVs: the errno alone must do */

	if (tb[NLMSGERR_ATTR_MSG] && nla_len(tb[NLMSGERR_ATTR_MSG]) > 0) {
		copy_sanitized(ext->msg, sizeof(ext->msg),
			       nla_data(tb[NLMSGERR_ATTR_MSG]),
			       (size_t)nla_len(tb[NLMSGERR_ATTR_MSG]));
		ext->has_msg = ext->msg[0] != '\0';
	}
	if (tb[NLMSGERR_ATTR_OFFS]) {
		ext->has_offs = true;
		ext->offs = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);
	}
	if (tb[NLMSGERR_ATTR_MISS_TYPE]) {
		ext->has_miss_type = true;
		ext->miss_type = nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
	}
	/* a policy the kernel attached (range checks do): keep its range */
	if (tb[NLMSGERR_ATTR_POLICY] &&
	    nla_parse_nested(pol, NL_POLICY_TYPE_ATTR_MAX,
			     tb[NLMSGERR_ATTR_POLICY], range) == 0) {
		if (pol[NL_POLICY_TYPE_ATTR_MIN_VALUE_U]) {
			ext->has_min = true;
			ext->min = nla_get_u64(pol[NL_POLICY_TYPE_ATTR_MIN_VALUE_U]);
		}
		if (pol[NL_POLICY_TYPE_ATTR_MAX_VALUE_U]) {
			ext->has_max = true;
			ext->max = nla_get_u64(pol[NL_POLICY_TYPE_ATTR_MAX_VALUE_U]);
		}
	}
	return 0;
}

/* Every message, first: pick up extended ACKs of ERROR and DONE. */
static int on_msg_in(struct nl_msg *msg, void *arg)
{
	struct tcpsm_nl *nl = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct tcpsm_extack ext;
	int error;

	if (nlh->nlmsg_type != NLMSG_ERROR && nlh->nlmsg_type != NLMSG_DONE)
		return NL_OK;
	if (tcpsm_nl_parse_extack(nlh, &error, &ext) < 0)
		return NL_OK;	/* libnl reports truncation itself */
	if (ext.has_msg || ext.has_miss_type || ext.has_offs)
		nl->ext = ext;
	/* A message with success is a warning: show it, as iproute2 does. */
	if (error == 0 && ext.has_msg)
		tcpsm_err("warning: %s", ext.msg);
	return NL_OK;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct tcpsm_nl *nl = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int r;

	if (nlh->nlmsg_type != nl->family)
		return NL_SKIP;
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		nl->dump_intr = true;
	r = nl->reply(nlh, nl->reply_arg);
	if (r < 0) {
		nl->reply_err = r;
		nl->done = true;
		return NL_STOP;
	}
	return NL_OK;
}

/* NLMSG_DONE ends a dump; it may carry an error of the dump itself. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	struct tcpsm_nl *nl = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int derr;

	if (nlmsg_datalen(nlh) >= (int)sizeof(derr)) {
		memcpy(&derr, nlmsg_data(nlh), sizeof(derr));
		if (derr < 0)
			nl->err = -derr;
	}
	nl->done = true;
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct tcpsm_nl *nl = arg;

	(void)msg;
	nl->done = true;
	return NL_STOP;
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct tcpsm_nl *nl = arg;

	(void)nla;
	nl->err = e->error < 0 ? -e->error : e->error;
	nl->done = true;
	return NL_STOP;
}

int tcpsm_nl_request(struct tcpsm_nl *nl, uint8_t cmd, int flags,
		     tcpsm_nl_fill_fn fill, void *fill_arg,
		     tcpsm_nl_reply_fn reply, void *reply_arg)
{
	struct nl_msg *msg = NULL;
	struct nl_cb *cb = NULL;
	bool dump = flags & NLM_F_DUMP;
	int r;

	nl->err = 0;
	nl->nlerr = 0;
	memset(&nl->ext, 0, sizeof(nl->ext));
	nl->dump_intr = false;
	nl->done = false;
	nl->reply = reply;
	nl->reply_arg = reply_arg;
	nl->reply_err = 0;

	msg = nlmsg_alloc();
	cb = nl_cb_alloc(getenv("TCPSM_NL_DEBUG") ? NL_CB_DEBUG : NL_CB_DEFAULT);
	if (!msg || !cb) {
		r = -ENOMEM;
		goto out;
	}
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
			 dump ? flags : flags | NLM_F_ACK, cmd,
			 TCPSM_FAMILY_VERSION)) {
		r = -ENOMEM;
		goto out;
	}
	if (fill) {
		r = fill(msg, fill_arg);
		if (r < 0)
			goto out;
	}

	nl_cb_set(cb, NL_CB_MSG_IN, NL_CB_CUSTOM, on_msg_in, nl);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, nl);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, nl);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, nl);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, nl);

	/*
	 * A dump ends with NLMSG_DONE and the kernel sends no ACK for it,
	 * so send it without NLM_F_ACK: auto-ack is off for this one send.
	 * It is back on while receiving, where it turns on libnl's
	 * sequence number check.
	 */
	if (dump)
		nl_socket_disable_auto_ack(nl->sk);
	r = nl_send_auto(nl->sk, msg);
	if (dump)
		nl_socket_enable_auto_ack(nl->sk);
	if (r < 0) {
		nl->nlerr = r;
		r = -EIO;
		goto out;
	}

	r = 0;
	while (!nl->done) {
		int n = nl_recvmsgs(nl->sk, cb);

		if (n < 0 && !nl->done) {
			nl->nlerr = n;
			r = -EIO;
			goto out;
		}
		if (n < 0)
			break;	/* on_error()/on_valid() said why */
	}
	if (nl->reply_err)
		r = nl->reply_err;
	else if (nl->err)
		r = -nl->err;
out:
	nl_cb_put(cb);
	nlmsg_free(msg);
	return r;
}

#define TCPSM_NL_DUMP_TRIES	4

/* The request's only attribute: the flag of type *(int *)arg. */
static int fill_flag(struct nl_msg *msg, void *arg)
{
	return nla_put_flag(msg, *(int *)arg) < 0 ? -EMSGSIZE : 0;
}

int tcpsm_nl_dump(struct tcpsm_nl *nl, uint8_t cmd, int flag,
		  tcpsm_nl_reply_fn reply, void *reply_arg,
		  void (*reset)(void *reply_arg))
{
	int r, tries = 0;

	do {
		reset(reply_arg);
		r = tcpsm_nl_request(nl, cmd, NLM_F_DUMP,
				     flag ? fill_flag : NULL, &flag, reply,
				     reply_arg);
	} while (r == 0 && nl->dump_intr && ++tries < TCPSM_NL_DUMP_TRIES);
	return r;
}

void tcpsm_nl_perror(const struct tcpsm_nl *nl, int err, const char *what,
		     const char *hint)
{
	char extra[64] = "";
	const char *reason;
	int e = err < 0 ? -err : err;

	if (nl->nlerr && !nl->err)
		reason = nl_geterror(nl->nlerr);
	else
		reason = strerror(e);
	if (!nl->ext.has_msg && nl->ext.has_miss_type)
		snprintf(extra, sizeof(extra), " (missing attribute %u)",
			 nl->ext.miss_type);

	tcpsm_err("%s%s: %s%s%s%s", nl->ext.has_msg ? nl->ext.msg : what,
		  extra, reason, hint ? " (" : "", hint ? hint : "",
		  hint ? ")" : "");
}
