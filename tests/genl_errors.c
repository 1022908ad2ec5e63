// SPDX-License-Identifier: GPL-2.0
/*
 * genl_errors - malformed requests to the tcpsm generic netlink family are
 * refused with a proper NLMSG_ERROR (negative errno) and, where the kernel
 * gives one, an extended ACK message; nothing is left behind: a valid
 * GET_STATS afterwards still gets exactly one, complete answer.
 *
 * The alarm settings (GET_CONFIG, SET_CONFIG): the reply's content, each
 * setting refused out of its range with -ERANGE and a message naming it
 * (nothing changed), an empty SET_CONFIG refused, SET_CONFIG refused to
 * the unprivileged (GET_CONFIG not), settings per namespace. The tests of
 * fixture "config" put the settings back as they found them, in the
 * harness's parent (root, initial namespace), whatever the test did.
 * GET_CLOSEWAIT and GET_ALARMS are dumps only: a do is refused, a dump
 * gives well-formed messages of our namespace and DONE, nothing else.
 *
 * Messages are built with libnl (genlmsg_put, nla_put), sometimes doctored
 * by hand afterwards, and sent with send(2); replies are read with recv(2)
 * and checked here byte by byte, so that nothing libnl would hide (ACK
 * TLVs, extra messages, the DONE of a dump) goes unnoticed.
 *
 * Runs as root in the VM (tests/run.sh loads tcpsm.ko). The unprivileged
 * tests drop to uid/gid 65534 with no capabilities themselves.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include <linux/tcpsm.h>

#include "tcpsm_test.h"

/* kselftest_harness.h is not -Wextra clean (its TEST() wrappers) */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wclobbered"
#include "kselftest_harness.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define RXBUF (64 * 1024)

/* What one NLMSG_ERROR said. */
struct nlerr {
	int error;		/* as sent: 0 or -errno */
	char msg[256];		/* NLMSGERR_ATTR_MSG, "" if none */
	bool has_offs;
	__u32 offs;		/* NLMSGERR_ATTR_OFFS */
	__u32 seq;
};

struct conn {
	struct nl_sock *sk;
	int fd;
	int family;
	__u32 portid;
	__u32 seq;
	__u32 netns;		/* inode of the socket's network namespace */
};

static __u32 own_netns(void);

static int conn_open(struct conn *c)
{
	struct timeval tv = { .tv_sec = 5 };
	int one = 1;

	memset(c, 0, sizeof(*c));
	c->sk = tcpsm_raw_genl_sock();
	if (!c->sk)
		return -ENOTCONN;
	c->family = genl_ctrl_resolve(c->sk, TCPSM_FAMILY_NAME);
	if (c->family < 0)
		return -ENOENT;
	c->fd = nl_socket_get_fd(c->sk);
	c->portid = nl_socket_get_local_port(c->sk);
	c->seq = 1000;
	c->netns = own_netns();
	if (setsockopt(c->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		return -errno;
	return 0;
}

static void conn_close(struct conn *c)
{
	if (c->sk)
		nl_socket_free(c->sk);
	c->sk = NULL;
}

/* A GET_STATS-style request of @cmd with @flags (NLM_F_REQUEST is added). */
static struct nl_msg *req_new(struct conn *c, __u8 cmd, int flags)
{
	struct nl_msg *m = nlmsg_alloc();

	if (!m)
		return NULL;
	if (!genlmsg_put(m, c->portid, ++c->seq, c->family, 0,
			 flags | NLM_F_REQUEST, cmd, TCPSM_FAMILY_VERSION)) {
		nlmsg_free(m);
		return NULL;
	}
	return m;
}

/* Send the first @len bytes of @m as is (nlmsg_len included). */
static int send_raw(struct conn *c, const void *buf, size_t len)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t n = sendto(c->fd, buf, len, 0, (struct sockaddr *)&kernel,
			   sizeof(kernel));

	return n == (ssize_t)len ? 0 : -errno;
}

static int send_msg(struct conn *c, struct nl_msg *m)
{
	struct nlmsghdr *nlh = nlmsg_hdr(m);
	int r = send_raw(c, nlh, nlh->nlmsg_len);

	nlmsg_free(m);
	return r;
}

/* Parse extended ACK TLVs from @off to @plen in @p into @e. */
static int parse_tlvs(const char *p, size_t off, size_t plen, struct nlerr *e)
{
	while (off + NLA_HDRLEN <= plen) {
		const struct nlattr *a = (const void *)(p + off);
		size_t alen = a->nla_len;

		if (alen < NLA_HDRLEN || off + alen > plen)
			return -EBADMSG;
		switch (a->nla_type & NLA_TYPE_MASK) {
		case NLMSGERR_ATTR_MSG:
			snprintf(e->msg, sizeof(e->msg), "%.*s",
				 (int)(alen - NLA_HDRLEN),
				 (const char *)a + NLA_HDRLEN);
			break;
		case NLMSGERR_ATTR_OFFS:
			if (alen == NLA_HDRLEN + 4) {
				e->has_offs = true;
				memcpy(&e->offs, (const char *)a + NLA_HDRLEN, 4);
			}
			break;
		}
		off += NLA_ALIGN(alen);
	}
	return 0;
}

/* Parse the extended ACK TLVs of an NLMSG_ERROR. */
static int parse_err(const struct nlmsghdr *nlh, struct nlerr *e)
{
	const struct nlmsgerr *ne = NLMSG_DATA(nlh);
	size_t plen = nlh->nlmsg_len - NLMSG_HDRLEN, off;

	memset(e, 0, sizeof(*e));
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*ne))
		return -EBADMSG;
	e->error = ne->error;
	e->seq = nlh->nlmsg_seq;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return 0;
	off = sizeof(*ne);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    ne->msg.nlmsg_len > NLMSG_HDRLEN)
		off += NLMSG_ALIGN(ne->msg.nlmsg_len - NLMSG_HDRLEN);
	return parse_tlvs((const char *)ne, off, plen, e);
}

/* A dump's error arrives in NLMSG_DONE: the errno, then extack TLVs. */
static int parse_done(const struct nlmsghdr *nlh, struct nlerr *e)
{
	size_t plen = nlh->nlmsg_len - NLMSG_HDRLEN;
	int derr;

	memset(e, 0, sizeof(*e));
	if (plen < sizeof(derr))
		return -EBADMSG;
	memcpy(&derr, NLMSG_DATA(nlh), sizeof(derr));
	e->error = derr;
	e->seq = nlh->nlmsg_seq;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return 0;
	return parse_tlvs(NLMSG_DATA(nlh), NLA_ALIGN(sizeof(derr)), plen, e);
}

/*
 * Read until an NLMSG_ERROR for @seq arrives; fail on anything else
 * (a data message or DONE means the request was accepted).
 */
static int recv_err(struct conn *c, __u32 seq, struct nlerr *e)
{
	static char buf[RXBUF];
	ssize_t n;

	for (;;) {
		struct nlmsghdr *nlh;
		int len;

		n = recv(c->fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		len = n;
		for (nlh = (void *)buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_seq != seq)
				continue;	/* a stale reply: not ours */
			if (nlh->nlmsg_type != NLMSG_ERROR)
				return -EPROTO;	/* accepted?! */
			return parse_err(nlh, e);
		}
	}
}

/* expect_error()'s @offs_exp: no NLMSGERR_ATTR_OFFS at all (-1: not checked) */
#define NO_OFFS	(-2)

/*
 * Send @m and expect an NLMSG_ERROR with -@errno_exp and @msg_sub in its
 * extack message. Returns 0 if so, -1 (after logging why) if not.
 */
static int expect_error(struct __test_metadata *_metadata, struct conn *c,
			struct nl_msg *m, size_t send_len, int errno_exp,
			const char *msg_sub, int offs_exp)
{
	struct nlmsghdr *nlh = nlmsg_hdr(m);
	__u32 seq = nlh->nlmsg_seq;
	struct nlerr e;
	int r;

	r = send_raw(c, nlh, send_len ? send_len : nlh->nlmsg_len);
	nlmsg_free(m);
	if (r) {
		TH_LOG("send: %s", strerror(-r));
		return -1;
	}
	r = recv_err(c, seq, &e);
	if (r) {
		TH_LOG("no NLMSG_ERROR for seq %u: %s", seq, strerror(-r));
		return -1;
	}
	TH_LOG("seq %u: %s, \"%s\"", seq, strerror(-e.error), e.msg);
	if (e.error != -errno_exp) {
		TH_LOG("error %d (%s), expected -%d (%s)", e.error,
		       strerror(-e.error), errno_exp, strerror(errno_exp));
		return -1;
	}
	if (msg_sub && !strstr(e.msg, msg_sub)) {
		TH_LOG("extack \"%s\" lacks \"%s\"", e.msg, msg_sub);
		return -1;
	}
	if (offs_exp >= 0 && (!e.has_offs || e.offs != (__u32)offs_exp)) {
		TH_LOG("NLMSGERR_ATTR_OFFS %s%u, expected %d",
		       e.has_offs ? "" : "missing ", e.offs, offs_exp);
		return -1;
	}
	if (offs_exp == NO_OFFS && e.has_offs) {
		TH_LOG("NLMSGERR_ATTR_OFFS %u, expected none", e.offs);
		return -1;
	}
	return 0;
}

/* offset of the first attribute in a request: nlmsghdr + genlmsghdr */
#define ATTR0_OFFS ((int)(NLMSG_HDRLEN + GENL_HDRLEN))

/* ---- the malformed requests, one builder each ---------------------- */

struct bad_req {
	const char *name;
	int flags;		/* NLM_F_DUMP or 0 */
	int errno_exp;
	const char *msg_sub;	/* NULL: the kernel gives no message */
	int offs;		/* expected NLMSGERR_ATTR_OFFS, -1: none checked */
	/* make the message; return the number of bytes to send, 0 = nlmsg_len */
	size_t (*build)(struct conn *c, struct nl_msg *m);
	__u8 cmd;
};

static size_t b_unknown_attr(struct conn *c, struct nl_msg *m)
{
	(void)c;
	nla_put_u32(m, 9, 1);		/* no such attribute */
	return 0;
}

static size_t b_netns(struct conn *c, struct nl_msg *m)
{
	(void)c;
	nla_put_u32(m, TCPSM_A_STATS_NETNS, 4026531840u);
	return 0;
}

static size_t b_state(struct conn *c, struct nl_msg *m)
{
	struct nlattr *n = nla_nest_start(m, TCPSM_A_STATS_STATE);

	(void)c;
	nla_put_u32(m, TCPSM_A_STATE_COUNT_STATE, TCPSM_STATE_LISTEN);
	nla_put_u64(m, TCPSM_A_STATE_COUNT_COUNT, 1);
	nla_nest_end(m, n);
	return 0;
}

static size_t b_all_netns(struct conn *c, struct nl_msg *m)
{
	(void)c;
	nla_put_flag(m, TCPSM_A_STATS_ALL_NETNS);
	return 0;
}

static size_t b_all_netns_u32(struct conn *c, struct nl_msg *m)
{
	(void)c;
	/* a flag has no payload: the policy refuses it with ERANGE */
	nla_put_u32(m, TCPSM_A_STATS_ALL_NETNS, 1);
	return 0;
}

/* an attribute whose nla_len runs past the end of the message */
static size_t b_truncated(struct conn *c, struct nl_msg *m)
{
	struct nlattr *a;

	(void)c;
	nla_put_u32(m, TCPSM_A_STATS_ALL_NETNS, 0);
	a = (struct nlattr *)((char *)nlmsg_hdr(m) + ATTR0_OFFS);
	a->nla_len = 64;		/* the message holds 8 bytes of it */
	return 0;
}

static size_t b_reserved(struct conn *c, struct nl_msg *m)
{
	struct genlmsghdr *g = nlmsg_data(nlmsg_hdr(m));

	(void)c;
	g->reserved = 0x1234;
	return 0;
}

/* nlmsghdr + 2 of the 4 bytes of the genl header */
static size_t b_short(struct conn *c, struct nl_msg *m)
{
	(void)c;
	nlmsg_hdr(m)->nlmsg_len = NLMSG_HDRLEN + 2;
	return NLMSG_HDRLEN + 2;
}

/* a bare nlmsghdr: no genl header at all */
static size_t b_bare(struct conn *c, struct nl_msg *m)
{
	(void)c;
	nlmsg_hdr(m)->nlmsg_len = NLMSG_HDRLEN;
	return NLMSG_HDRLEN;
}

static size_t b_none(struct conn *c, struct nl_msg *m)
{
	(void)c;
	(void)m;
	return 0;
}

/* attribute 1 as a flag: the only type of genl_policy_reject_all */
static size_t b_attr1(struct conn *c, struct nl_msg *m)
{
	(void)c;
	nla_put_flag(m, 1);
	return 0;
}

/* attribute 2: above genl_policy_reject_all's maxattr 1 */
static size_t b_attr2(struct conn *c, struct nl_msg *m)
{
	(void)c;
	nla_put_u32(m, 2, 1);
	return 0;
}

/* the reply-only NETNS of the config set: no policy entry */
static size_t b_cfg_netns(struct conn *c, struct nl_msg *m)
{
	(void)c;
	nla_put_u32(m, TCPSM_A_CONFIG_NETNS, 4026531840u);
	return 0;
}

/* a u32 setting sent as a u64 */
static size_t b_cfg_count_u64(struct conn *c, struct nl_msg *m)
{
	(void)c;
	nla_put_u64(m, TCPSM_A_CONFIG_CLOSEWAIT_COUNT, 16);
	return 0;
}

#define D NLM_F_DUMP
static const struct bad_req bad_reqs[] = {
	{ "unknown attribute type (do)", 0, EINVAL, "Unknown attribute type",
	  ATTR0_OFFS, b_unknown_attr, TCPSM_CMD_GET_STATS },
	{ "unknown attribute type (dump)", D, EINVAL, "Unknown attribute type",
	  ATTR0_OFFS, b_unknown_attr, TCPSM_CMD_GET_STATS },
	{ "reply-only NETNS in a request (do)", 0, EINVAL,
	  "Unsupported attribute", ATTR0_OFFS, b_netns, TCPSM_CMD_GET_STATS },
	{ "reply-only NETNS in a request (dump)", D, EINVAL,
	  "Unsupported attribute", ATTR0_OFFS, b_netns, TCPSM_CMD_GET_STATS },
	{ "reply-only STATE in a request (do)", 0, EINVAL,
	  "Unknown attribute type", ATTR0_OFFS, b_state, TCPSM_CMD_GET_STATS },
	{ "reply-only STATE in a request (dump)", D, EINVAL,
	  "Unknown attribute type", ATTR0_OFFS, b_state, TCPSM_CMD_GET_STATS },
	{ "ALL_NETNS in a do request", 0, EINVAL, "dump", ATTR0_OFFS,
	  b_all_netns, TCPSM_CMD_GET_STATS },
	{ "ALL_NETNS flag with a u32 payload (do)", 0, ERANGE,
	  "Attribute failed policy validation", ATTR0_OFFS, b_all_netns_u32,
	  TCPSM_CMD_GET_STATS },
	{ "ALL_NETNS flag with a u32 payload (dump)", D, ERANGE,
	  "Attribute failed policy validation", ATTR0_OFFS, b_all_netns_u32,
	  TCPSM_CMD_GET_STATS },
	{ "attribute truncated by the message end (do)", 0, EINVAL, "leftover",
	  -1, b_truncated, TCPSM_CMD_GET_STATS },
	{ "attribute truncated by the message end (dump)", D, EINVAL,
	  "leftover", -1, b_truncated, TCPSM_CMD_GET_STATS },
	{ "unknown command 99 (do)", 0, EOPNOTSUPP, NULL, -1, b_none, 99 },
	{ "unknown command 99 (dump)", D, EOPNOTSUPP, NULL, -1, b_none, 99 },
	{ "unknown command 0 (do)", 0, EOPNOTSUPP, NULL, -1, b_none, 0 },
	{ "genl reserved field not 0 (do)", 0, EINVAL, "reserved", -1,
	  b_reserved, TCPSM_CMD_GET_STATS },
	{ "genl reserved field not 0 (dump)", D, EINVAL, "reserved", -1,
	  b_reserved, TCPSM_CMD_GET_STATS },
	{ "message shorter than the genl header", 0, EINVAL, NULL, -1,
	  b_short, TCPSM_CMD_GET_STATS },
	{ "bare nlmsghdr, no genl header (dump)", D, EINVAL, NULL, -1,
	  b_bare, TCPSM_CMD_GET_STATS },
	/* dumps only: no doit (genl_family_rcv_msg_doit(), 6.1; genl_get_cmd(), 6.2+) */
	{ "GET_CLOSEWAIT as a do", 0, EOPNOTSUPP, NULL, NO_OFFS, b_none,
	  TCPSM_CMD_GET_CLOSEWAIT },
	{ "GET_ALARMS as a do", 0, EOPNOTSUPP, NULL, NO_OFFS, b_none,
	  TCPSM_CMD_GET_ALARMS },
	/* refused before its attributes are looked at */
	{ "GET_CLOSEWAIT as a do, with an attribute", 0, EOPNOTSUPP, NULL,
	  NO_OFFS, b_attr1, TCPSM_CMD_GET_CLOSEWAIT },
	/* notifications only: no operation at all */
	{ "ALARM (notification) as a do", 0, EOPNOTSUPP, NULL, NO_OFFS, b_none,
	  TCPSM_CMD_ALARM },
	{ "ALARM (notification) as a dump", D, EOPNOTSUPP, NULL, NO_OFFS, b_none,
	  TCPSM_CMD_ALARM },
	{ "EVENT (notification) as a do", 0, EOPNOTSUPP, NULL, NO_OFFS, b_none,
	  TCPSM_CMD_EVENT },
	/* do only */
	{ "GET_CONFIG as a dump", D, EOPNOTSUPP, NULL, NO_OFFS, b_none,
	  TCPSM_CMD_GET_CONFIG },
	{ "SET_CONFIG as a dump (root)", D, EOPNOTSUPP, NULL, NO_OFFS, b_none,
	  TCPSM_CMD_SET_CONFIG },
	/* no policy: genl_policy_reject_all, maxattr 1, strict */
	{ "GET_CLOSEWAIT dump with attribute 1", D, EINVAL,
	  "Attribute failed policy validation", ATTR0_OFFS, b_attr1,
	  TCPSM_CMD_GET_CLOSEWAIT },
	{ "GET_ALARMS dump with attribute 2", D, EINVAL, "Unknown attribute type",
	  ATTR0_OFFS, b_attr2, TCPSM_CMD_GET_ALARMS },
	{ "GET_ALARMS dump with attribute 1", D, EINVAL,
	  "Attribute failed policy validation", ATTR0_OFFS, b_attr1,
	  TCPSM_CMD_GET_ALARMS },
	/* tcpsm_config_policy, strict: NETNS has no entry (NLA_UNSPEC) */
	{ "reply-only NETNS in GET_CONFIG", 0, EINVAL, "Unsupported attribute",
	  ATTR0_OFFS, b_cfg_netns, TCPSM_CMD_GET_CONFIG },
	{ "GET_CONFIG with a u64 closewait.count", 0, EINVAL,
	  "invalid attribute length", ATTR0_OFFS, b_cfg_count_u64,
	  TCPSM_CMD_GET_CONFIG },
};
#undef D

static int run_bad(struct __test_metadata *_metadata, struct conn *c,
		   const struct bad_req *b)
{
	struct nl_msg *m = req_new(c, b->cmd, b->flags);
	size_t len;

	if (!m)
		return -1;
	len = b->build(c, m);
	TH_LOG("%s", b->name);
	return expect_error(_metadata, c, m, len, b->errno_exp, b->msg_sub,
			    b->offs);
}

/* ---- replies ---------------------------------------------------------- */

struct stats_msg {
	__u32 netns;
	bool has_netns;
	bool has_untracked, has_alarms;	/* CLOSEWAIT_UNTRACKED, ALARMS_ACTIVE */
	int nstates;
	bool seen[TCPSM_STATE_MAX + 1];
	int bad;		/* malformed nests */
};

static void parse_stats(const struct nlmsghdr *nlh, struct stats_msg *s)
{
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	int rem = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	const struct nlattr *a = (const void *)((const char *)g + GENL_HDRLEN);

	memset(s, 0, sizeof(*s));
	for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= rem;
	     rem -= NLA_ALIGN(a->nla_len),
	     a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len))) {
		int type = a->nla_type & NLA_TYPE_MASK;

		if (type == TCPSM_A_STATS_NETNS && a->nla_len == NLA_HDRLEN + 4) {
			memcpy(&s->netns, (const char *)a + NLA_HDRLEN, 4);
			s->has_netns = true;
		} else if (type == TCPSM_A_STATS_CLOSEWAIT_UNTRACKED) {
			if (a->nla_len != NLA_HDRLEN + 8 || s->has_untracked)
				s->bad++;
			s->has_untracked = true;
		} else if (type == TCPSM_A_STATS_ALARMS_ACTIVE) {
			if (a->nla_len != NLA_HDRLEN + 4 || s->has_alarms)
				s->bad++;
			s->has_alarms = true;
		} else if (type == TCPSM_A_STATS_STATE) {
			const struct nlattr *n = (const void *)((const char *)a + NLA_HDRLEN);
			int nrem = a->nla_len - NLA_HDRLEN;
			bool st = false, cnt = false;
			__u32 state = 0;

			for (; nrem >= NLA_HDRLEN && n->nla_len >= NLA_HDRLEN &&
			       n->nla_len <= nrem;
			     nrem -= NLA_ALIGN(n->nla_len),
			     n = (const void *)((const char *)n + NLA_ALIGN(n->nla_len))) {
				if (n->nla_type == TCPSM_A_STATE_COUNT_STATE &&
				    n->nla_len == NLA_HDRLEN + 4) {
					memcpy(&state, (const char *)n + NLA_HDRLEN, 4);
					st = true;
				} else if (n->nla_type == TCPSM_A_STATE_COUNT_COUNT &&
					   n->nla_len == NLA_HDRLEN + 8) {
					cnt = true;
				}
			}
			if (!st || !cnt || state < TCPSM_STATE_LISTEN ||
			    state > TCPSM_STATE_MAX || s->seen[state])
				s->bad++;
			else
				s->seen[state] = true;
			s->nstates++;
		}
	}
	if (rem != 0)
		s->bad++;
}

static __u32 own_netns(void)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st))
		return 0;
	return (__u32)st.st_ino;
}

/* A GET_STATS do: exactly one reply message, nothing else queued. */
static void check_valid_do(struct __test_metadata *_metadata, struct conn *c)
{
	static char buf[RXBUF];
	struct nl_msg *m = req_new(c, TCPSM_CMD_GET_STATS, 0);
	struct stats_msg s;
	struct nlmsghdr *nlh;
	__u32 seq = c->seq;
	int len, nmsg = 0, st;
	ssize_t n;

	ASSERT_NE(NULL, m);
	ASSERT_EQ(0, send_msg(c, m));
	n = recv(c->fd, buf, sizeof(buf), 0);
	ASSERT_LT(0, n) TH_LOG("recv: %s", strerror(errno));
	len = n;
	for (nlh = (void *)buf; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
		nmsg++;
		ASSERT_EQ(c->family, nlh->nlmsg_type) {
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlerr e;

				parse_err(nlh, &e);
				TH_LOG("error %d \"%s\"", e.error, e.msg);
			}
		}
		ASSERT_EQ(seq, nlh->nlmsg_seq);
		ASSERT_EQ(0, nlh->nlmsg_flags & NLM_F_MULTI);
		ASSERT_EQ(TCPSM_CMD_GET_STATS,
			  ((struct genlmsghdr *)NLMSG_DATA(nlh))->cmd);
		parse_stats(nlh, &s);
		ASSERT_EQ(0, s.bad);
		ASSERT_TRUE(s.has_netns);
		ASSERT_TRUE(s.has_untracked);
		ASSERT_TRUE(s.has_alarms);
		ASSERT_EQ(own_netns(), s.netns);
		ASSERT_EQ(10, s.nstates);
		for (st = TCPSM_STATE_LISTEN; st <= TCPSM_STATE_MAX; st++)
			ASSERT_TRUE(s.seen[st]) TH_LOG("no gauge for state %d", st);
	}
	ASSERT_EQ(0, len);
	ASSERT_EQ(1, nmsg);
	/* and nothing more: no second message, no ACK (none was asked for) */
	n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
	ASSERT_EQ(-1, n);
	ASSERT_EQ(EAGAIN, errno);
}

/*
 * Run a dump to its end. Returns the number of GET_STATS messages, or
 * -errno if the request was refused; *e gets the refusal.
 */
static size_t last_dump_bytes;	/* of the last run_dump's messages */

static int run_dump(struct __test_metadata *_metadata, struct conn *c,
		    bool all, struct nlerr *e, bool *own_seen)
{
	static char buf[RXBUF];
	struct nl_msg *m = req_new(c, TCPSM_CMD_GET_STATS, NLM_F_DUMP);
	__u32 seq = c->seq, own = own_netns();
	int nmsg = 0;

	memset(e, 0, sizeof(*e));
	*own_seen = false;
	last_dump_bytes = 0;
	if (!m)
		return -ENOMEM;
	if (all)
		nla_put_flag(m, TCPSM_A_STATS_ALL_NETNS);
	if (send_msg(c, m))
		return -EIO;
	for (;;) {
		struct nlmsghdr *nlh;
		ssize_t n = recv(c->fd, buf, sizeof(buf), 0);
		int len;

		if (n <= 0) {
			TH_LOG("dump recv: %s", n ? strerror(errno) : "EOF");
			return -EIO;
		}
		len = n;
		for (nlh = (void *)buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			struct stats_msg s;

			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				parse_err(nlh, e);
				return e->error ? e->error : -EPROTO;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				if (parse_done(nlh, e))
					return -EBADMSG;
				return e->error ? e->error : nmsg;
			}
			if (nlh->nlmsg_type != c->family ||
			    !(nlh->nlmsg_flags & NLM_F_MULTI))
				return -EPROTO;
			parse_stats(nlh, &s);
			if (s.bad || !s.has_netns || s.nstates != 10 ||
			    !s.has_untracked || !s.has_alarms)
				return -EBADMSG;
			if (s.netns == own)
				*own_seen = true;
			last_dump_bytes += NLMSG_ALIGN(nlh->nlmsg_len);
			nmsg++;
		}
	}
}

static void drop_privileges(struct __test_metadata *_metadata)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (geteuid() == 0) {
		ASSERT_EQ(0, setgroups(0, NULL));
		ASSERT_EQ(0, setresgid(65534, 65534, 65534));
		/* from uid 0 to non-0 without KEEPCAPS clears all capabilities */
		ASSERT_EQ(0, setresuid(65534, 65534, 65534));
	}
	ASSERT_EQ(0, syscall(SYS_capget, &h, d));
	ASSERT_EQ(0U, d[0].effective | d[1].effective);
	ASSERT_EQ(0U, d[0].permitted | d[1].permitted);
	ASSERT_NE(0U, geteuid());
}

/* ---- tests ------------------------------------------------------------ */

FIXTURE(genl) {
	struct conn c;
};

FIXTURE_SETUP(genl)
{
	int r = conn_open(&self->c);

	ASSERT_EQ(0, r) TH_LOG("tcpsm family: %s (module loaded?)", strerror(-r));
}

FIXTURE_TEARDOWN(genl)
{
	conn_close(&self->c);
}

#define BAD_TEST(name, idx)					\
TEST_F(genl, name)						\
{								\
	ASSERT_EQ(0, run_bad(_metadata, &self->c, &bad_reqs[idx])); \
}

BAD_TEST(unknown_attr_do, 0)
BAD_TEST(unknown_attr_dump, 1)
BAD_TEST(reply_only_netns_do, 2)
BAD_TEST(reply_only_netns_dump, 3)
BAD_TEST(reply_only_state_do, 4)
BAD_TEST(reply_only_state_dump, 5)
BAD_TEST(all_netns_in_do, 6)
BAD_TEST(all_netns_payload_do, 7)
BAD_TEST(all_netns_payload_dump, 8)
BAD_TEST(truncated_attr_do, 9)
BAD_TEST(truncated_attr_dump, 10)
BAD_TEST(unknown_cmd_99_do, 11)
BAD_TEST(unknown_cmd_99_dump, 12)
BAD_TEST(unknown_cmd_0_do, 13)
BAD_TEST(reserved_nonzero_do, 14)
BAD_TEST(reserved_nonzero_dump, 15)
BAD_TEST(shorter_than_genl_header, 16)
BAD_TEST(bare_nlmsghdr_dump, 17)
BAD_TEST(get_closewait_do, 18)
BAD_TEST(get_alarms_do, 19)
BAD_TEST(get_closewait_do_with_attr, 20)
BAD_TEST(alarm_notification_do, 21)
BAD_TEST(alarm_notification_dump, 22)
BAD_TEST(event_notification_do, 23)
BAD_TEST(get_config_dump, 24)
BAD_TEST(set_config_dump_root, 25)
BAD_TEST(get_closewait_dump_attr1, 26)
BAD_TEST(get_alarms_dump_attr2, 27)
BAD_TEST(get_alarms_dump_attr1, 28)
BAD_TEST(get_config_netns_attr, 29)
BAD_TEST(get_config_count_u64, 30)

/* A valid do and both dumps work (as root). */
TEST_F(genl, valid_requests)
{
	bool own;
	struct nlerr e;
	int n;

	check_valid_do(_metadata, &self->c);
	n = run_dump(_metadata, &self->c, false, &e, &own);
	ASSERT_EQ(1, n) TH_LOG("dump: %d \"%s\"", n, e.msg);
	ASSERT_TRUE(own);
	n = run_dump(_metadata, &self->c, true, &e, &own);
	ASSERT_LE(1, n) TH_LOG("all-netns dump: %d \"%s\"", n, e.msg);
	ASSERT_TRUE(own);
}

/*
 * An all-netns dump spanning several skbs is abandoned midway: the socket
 * has a tiny receive buffer, we read part of one message (MSG_TRUNC) and
 * close. The module reference the dump took is given back, and new
 * requests (on a new socket) are served in full.
 */
TEST_F(genl, interrupted_dump)
{
	/* > 32 KiB of dump: more than the largest dump skb (32 KiB) */
	const int nns = 128;
	int nsfd[128], orig, i, n, first, ref0, ref1, rcvbuf = 1;
	struct conn c, c2;
	struct nl_msg *m;
	struct nlerr e;
	char small[64];
	bool own;

	orig = open("/proc/self/ns/net", O_RDONLY);
	ASSERT_LE(0, orig);
	/* namespaces kept alive by an fd each: ~300 bytes of dump each */
	for (i = 0; i < nns; i++) {
		ASSERT_EQ(0, unshare(CLONE_NEWNET)) TH_LOG("unshare: %m");
		nsfd[i] = open("/proc/self/ns/net", O_RDONLY);
		ASSERT_LE(0, nsfd[i]);
	}
	ASSERT_EQ(0, setns(orig, CLONE_NEWNET));

	ref0 = tcpsm_refcnt();
	ASSERT_EQ(0, conn_open(&c));
	ASSERT_EQ(0, setsockopt(c.fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
				sizeof(rcvbuf)));
	m = req_new(&c, TCPSM_CMD_GET_STATS, NLM_F_DUMP);
	ASSERT_NE(NULL, m);
	ASSERT_EQ(0, nla_put_flag(m, TCPSM_A_STATS_ALL_NETNS));
	ASSERT_EQ(0, send_msg(&c, m));
	/* the dump holds the module while it runs */
	ref1 = tcpsm_refcnt();
	if (ref0 >= 0)
		EXPECT_EQ(ref0 + 1, ref1);
	/* part of the first message only; the rest of that skb is dropped */
	first = recv(c.fd, small, sizeof(small), MSG_TRUNC);
	ASSERT_LT((int)sizeof(small), first) TH_LOG("recv: %d %m", first);
	conn_close(&c);
	/* the abandoned dump let go of the module */
	if (ref0 >= 0)
		EXPECT_EQ(ref0, tcpsm_refcnt());

	/* and again, reading nothing at all before closing */
	ASSERT_EQ(0, conn_open(&c));
	ASSERT_EQ(0, setsockopt(c.fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
				sizeof(rcvbuf)));
	m = req_new(&c, TCPSM_CMD_GET_STATS, NLM_F_DUMP);
	ASSERT_NE(NULL, m);
	ASSERT_EQ(0, nla_put_flag(m, TCPSM_A_STATS_ALL_NETNS));
	ASSERT_EQ(0, send_msg(&c, m));
	conn_close(&c);
	if (ref0 >= 0)
		EXPECT_EQ(ref0, tcpsm_refcnt());

	/* a new request works, and a full all-netns dump sees them all */
	ASSERT_EQ(0, conn_open(&c2));
	check_valid_do(_metadata, &c2);
	n = run_dump(_metadata, &c2, true, &e, &own);
	ASSERT_LE(nns + 1, n) TH_LOG("all-netns dump: %d \"%s\"", n, e.msg);
	ASSERT_TRUE(own);
	/* the abandoned dump had really stopped midway */
	TH_LOG("first skb of the abandoned dump: %d of %zu bytes", first,
	       last_dump_bytes);
	ASSERT_LT((size_t)first, last_dump_bytes);
	conn_close(&c2);
	for (i = 0; i < nns; i++)
		close(nsfd[i]);
	close(orig);
}

/* uid 65534, no capabilities: do and plain dump work, all-netns EPERM */
TEST_F(genl, unprivileged)
{
	struct conn c;
	struct nlerr e;
	bool own;
	int n;

	drop_privileges(_metadata);
	ASSERT_EQ(0, conn_open(&c));

	check_valid_do(_metadata, &c);
	n = run_dump(_metadata, &c, false, &e, &own);
	ASSERT_EQ(1, n) TH_LOG("dump: %d \"%s\"", n, e.msg);
	ASSERT_TRUE(own);

	n = run_dump(_metadata, &c, true, &e, &own);
	ASSERT_EQ(-EPERM, n) TH_LOG("all-netns dump: %d \"%s\"", n, e.msg);
	TH_LOG("all-netns as uid %d: %s, extack \"%s\"", geteuid(),
	       strerror(-e.error), e.msg);
	EXPECT_NE(NULL, strstr(e.msg, "CAP_NET_ADMIN"))
		TH_LOG("EPERM without the extack message");

	/* the refusal left the socket usable */
	check_valid_do(_metadata, &c);
	conn_close(&c);
}

/*
 * Every malformed request in a row on one socket, then a valid GET_STATS:
 * exactly one message, our netns, ten gauges.
 */
TEST_F(genl, valid_after_all_errors)
{
	size_t i;

	for (i = 0; i < sizeof(bad_reqs) / sizeof(bad_reqs[0]); i++)
		EXPECT_EQ(0, run_bad(_metadata, &self->c, &bad_reqs[i]));
	check_valid_do(_metadata, &self->c);
}

/* ---- settings: GET_CONFIG, SET_CONFIG ---------------------------------- */

#define NKEYS	3	/* TCPSM_A_CONFIG_CLOSEWAIT_COUNT + i */

struct cfgv {
	__u32 v[NKEYS];		/* count, age, window */
};

/* tcpsm_settings[] and tcpsm_setting_refuse() in kmod/tcpsm_alarm.c */
static const struct {
	const char *param;	/* the module parameter: a new namespace's value */
	__u32 min, max;
	const char *refuse;
} keys[NKEYS] = {
	{ "closewait_count", 1, 1000000, "closewait.count must be 1..1000000" },
	{ "closewait_age", 0, 86400, "closewait.age must be 0..86400 (seconds)" },
	{ "closewait_window", 1, 60, "closewait.window must be 1..60 (samples)" },
};

/* a setting left out of a SET_CONFIG */
#define UNSET	(-1LL)

static bool cfg_eq(const struct cfgv *a, const struct cfgv *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* the settings a new namespace gets: the module parameters */
static bool read_params(struct cfgv *c)
{
	char path[96];
	int i, ok;

	for (i = 0; i < NKEYS; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "/sys/module/tcpsm/parameters/%s",
			 keys[i].param);
		f = fopen(path, "r");
		if (!f)
			return false;
		ok = fscanf(f, "%u", &c->v[i]) == 1;
		fclose(f);
		if (!ok)
			return false;
	}
	return true;
}

/* Generic netlink split ops (6.2): commands looked up with their kind. */
static bool kernel_split_ops(void)
{
	struct utsname u;
	int maj = 0, min = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &maj, &min) != 2)
		return true;
	return maj > 6 || (maj == 6 && min >= 2);
}

/* a GET_CONFIG (@set NULL) or SET_CONFIG of the settings in @set not UNSET */
static struct nl_msg *cfg_msg(struct conn *c, int flags, const long long *set)
{
	struct nl_msg *m = req_new(c, set ? TCPSM_CMD_SET_CONFIG :
				   TCPSM_CMD_GET_CONFIG, flags);
	int i;

	for (i = 0; m && set && i < NKEYS; i++)
		if (set[i] != UNSET)
			nla_put_u32(m, TCPSM_A_CONFIG_CLOSEWAIT_COUNT + i,
				    (__u32)set[i]);
	return m;
}

/*
 * Send @m (GET_CONFIG or SET_CONFIG of @c) and read its answer: exactly
 * one message (the command, flags 0, the inode of @c's namespace and the
 * three settings, nothing else) into *@out, the ACK if NLM_F_ACK, then
 * nothing queued. Returns 0, the request's error (-errno, *@e has it), or
 * -EPROTO after logging what was wrong.
 */
static int cfg_send(struct __test_metadata *_metadata, struct conn *c,
		    struct nl_msg *m, struct cfgv *out, struct nlerr *e)
{
	static char buf[RXBUF];
	struct nlmsghdr *req;
	bool ack, got = false, done = false;
	ssize_t n;
	__u32 seq;
	int cmd;

	memset(e, 0, sizeof(*e));
	if (!m)
		return -ENOMEM;
	req = nlmsg_hdr(m);
	seq = req->nlmsg_seq;
	cmd = ((struct genlmsghdr *)nlmsg_data(req))->cmd;
	ack = req->nlmsg_flags & NLM_F_ACK;
	if (send_msg(c, m))
		return -EIO;
	while (!done) {
		struct nlmsghdr *nlh;
		int len;

		n = recv(c->fd, buf, sizeof(buf), 0);
		if (n <= 0) {
			TH_LOG("recv: %s", n ? strerror(errno) : "EOF");
			return -EPROTO;
		}
		len = n;
		for (nlh = (void *)buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			const struct genlmsghdr *g = NLMSG_DATA(nlh);
			const struct nlattr *a, *at[TCPSM_A_CONFIG_MAX + 1] = { NULL };
			int rem, type, i;

			if (nlh->nlmsg_seq != seq || done) {
				TH_LOG("reply type %u seq %u, after the last one to %u",
				       nlh->nlmsg_type, nlh->nlmsg_seq, seq);
				return -EPROTO;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				if (parse_err(nlh, e))
					return -EPROTO;
				if (e->error && got) {
					TH_LOG("error %d after the reply", e->error);
					return -EPROTO;
				}
				if (e->error)
					return e->error;
				if (!ack || !got) {
					TH_LOG("ACK %s", ack ? "before the reply" : "not asked for");
					return -EPROTO;
				}
				done = true;
				continue;
			}
			if (nlh->nlmsg_type != c->family || got ||
			    nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN ||
			    nlh->nlmsg_flags || g->cmd != cmd) {
				TH_LOG("reply type %u flags %#x cmd %u%s",
				       nlh->nlmsg_type, nlh->nlmsg_flags, g->cmd,
				       got ? ", a second one" : "");
				return -EPROTO;
			}
			rem = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
			for (a = (const void *)((const char *)g + GENL_HDRLEN);
			     rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
			     a->nla_len <= rem;
			     rem -= NLA_ALIGN(a->nla_len),
			     a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len))) {
				type = a->nla_type & NLA_TYPE_MASK;
				if (type < TCPSM_A_CONFIG_NETNS ||
				    type > TCPSM_A_CONFIG_MAX || at[type] ||
				    a->nla_len != NLA_HDRLEN + 4) {
					TH_LOG("reply attribute %u of %u bytes",
					       a->nla_type, a->nla_len);
					return -EPROTO;
				}
				at[type] = a;
			}
			if (rem != 0) {
				TH_LOG("reply: %d bytes after the attributes", rem);
				return -EPROTO;
			}
			for (type = TCPSM_A_CONFIG_NETNS; type <= TCPSM_A_CONFIG_MAX;
			     type++) {
				if (!at[type]) {
					TH_LOG("reply lacks attribute %d", type);
					return -EPROTO;
				}
			}
			memcpy(&i, (const char *)at[TCPSM_A_CONFIG_NETNS] + NLA_HDRLEN, 4);
			if ((__u32)i != c->netns) {
				TH_LOG("reply for netns %u, the socket's is %u",
				       (__u32)i, c->netns);
				return -EPROTO;
			}
			for (i = 0; i < NKEYS; i++)
				memcpy(&out->v[i], (const char *)
				       at[TCPSM_A_CONFIG_CLOSEWAIT_COUNT + i] +
				       NLA_HDRLEN, 4);
			got = true;
			done = !ack;
		}
		if (len) {
			TH_LOG("%d stray bytes in the reply", len);
			return -EPROTO;
		}
	}
	n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n >= 0 || errno != EAGAIN) {
		TH_LOG("after the last reply: recv %zd (%s)", n,
		       n < 0 ? strerror(errno) : "more");
		return -EPROTO;
	}
	return 0;
}

/* the settings of @c's namespace, checked to be in range */
static void get_cfg(struct __test_metadata *_metadata, struct conn *c,
		    int flags, struct cfgv *out)
{
	struct nl_msg *m = cfg_msg(c, flags, NULL);
	struct nlerr e;
	int i, r;

	ASSERT_NE(NULL, m);
	r = cfg_send(_metadata, c, m, out, &e);
	ASSERT_EQ(0, r) TH_LOG("GET_CONFIG: %d \"%s\"", r, e.msg);
	for (i = 0; i < NKEYS; i++) {
		ASSERT_LE(keys[i].min, out->v[i]);
		ASSERT_GE(keys[i].max, out->v[i]);
	}
}

/*
 * SET_CONFIG of @set on @c succeeds; its reply and a GET_CONFIG after it
 * both say *@want.
 */
static void set_cfg_ok(struct __test_metadata *_metadata, struct conn *c,
		       int flags, const long long *set, const struct cfgv *want)
{
	struct nl_msg *m = cfg_msg(c, flags, set);
	struct cfgv got;
	struct nlerr e;
	int r;

	ASSERT_NE(NULL, m);
	r = cfg_send(_metadata, c, m, &got, &e);
	ASSERT_EQ(0, r) TH_LOG("SET_CONFIG: %d \"%s\"", r, e.msg);
	EXPECT_TRUE(cfg_eq(&got, want))
		TH_LOG("SET_CONFIG reply: %u %u %u, expected %u %u %u",
		       got.v[0], got.v[1], got.v[2],
		       want->v[0], want->v[1], want->v[2]);
	get_cfg(_metadata, c, 0, &got);
	EXPECT_TRUE(cfg_eq(&got, want))
		TH_LOG("GET_CONFIG after SET_CONFIG: %u %u %u, expected %u %u %u",
		       got.v[0], got.v[1], got.v[2],
		       want->v[0], want->v[1], want->v[2]);
}

/* The settings of @c's namespace are still *@want. */
static void cfg_unchanged(struct __test_metadata *_metadata, struct conn *c,
			  const struct cfgv *want)
{
	struct cfgv got;

	get_cfg(_metadata, c, 0, &got);
	EXPECT_TRUE(cfg_eq(&got, want))
		TH_LOG("settings %u %u %u, expected %u %u %u (unchanged)",
		       got.v[0], got.v[1], got.v[2],
		       want->v[0], want->v[1], want->v[2]);
}

/* a SET_CONFIG of @set refused with @errno_exp, and nothing changed */
static void set_cfg_refused(struct __test_metadata *_metadata, struct conn *c,
			    int flags, const long long *set, int errno_exp,
			    const char *msg, int offs,
			    const struct cfgv *unchanged)
{
	struct nl_msg *m = cfg_msg(c, flags, set);

	ASSERT_NE(NULL, m);
	EXPECT_EQ(0, expect_error(_metadata, c, m, 0, errno_exp, msg, offs));
	cfg_unchanged(_metadata, c, unchanged);
}

/* a value of setting @i other than @a and @b, from @base up */
static __u32 other_value(int i, __u32 a, __u32 b, __u32 base)
{
	while (base == a || base == b || base < keys[i].min)
		base++;
	return base;
}

/*
 * Put the initial namespace's settings back to *@saved, as root, from a
 * socket of the initial namespace: whatever the test did.
 */
static void restore_cfg(struct __test_metadata *_metadata,
			const struct cfgv *saved)
{
	long long set[NKEYS];
	struct conn c;
	struct cfgv got;
	struct nlerr e;
	int i, r;

	r = conn_open(&c);
	EXPECT_EQ(0, r) {
		TH_LOG("restoring the settings: socket: %s", strerror(-r));
		return;
	}
	r = cfg_send(_metadata, &c, cfg_msg(&c, 0, NULL), &got, &e);
	EXPECT_EQ(0, r);
	if (!r && !cfg_eq(&got, saved)) {
		TH_LOG("putting back the settings %u %u %u (found %u %u %u)",
		       saved->v[0], saved->v[1], saved->v[2],
		       got.v[0], got.v[1], got.v[2]);
		for (i = 0; i < NKEYS; i++)
			set[i] = saved->v[i];
		r = cfg_send(_metadata, &c, cfg_msg(&c, NLM_F_ACK, set), &got,
			     &e);
		EXPECT_EQ(0, r) TH_LOG("SET_CONFIG: %d \"%s\"", r, e.msg);
		r = cfg_send(_metadata, &c, cfg_msg(&c, 0, NULL), &got, &e);
		EXPECT_EQ(0, r);
		EXPECT_TRUE(cfg_eq(&got, saved));
	}
	conn_close(&c);
}

FIXTURE(config) {
	struct conn c;		/* the initial namespace's */
	struct cfgv saved;	/* its settings before the test */
	struct cfgv params;	/* a new namespace's settings */
	bool have_params;
};

FIXTURE_SETUP(config)
{
	int r = conn_open(&self->c);

	ASSERT_EQ(0, r) TH_LOG("tcpsm family: %s (module loaded?)", strerror(-r));
	get_cfg(_metadata, &self->c, 0, &self->saved);
	self->have_params = read_params(&self->params);
	TH_LOG("settings of netns %u: count %u age %u window %u", self->c.netns,
	       self->saved.v[0], self->saved.v[1], self->saved.v[2]);
}

/* in the harness's parent: root and the initial namespace, always */
FIXTURE_TEARDOWN_PARENT(config)
{
	restore_cfg(_metadata, &self->saved);
}

/* GET_CONFIG do: one reply, cmd GET_CONFIG, our netns and the settings */
TEST_F(config, get_config_do)
{
	struct cfgv got;

	/* without an ACK: the reply and nothing else; then with one */
	get_cfg(_metadata, &self->c, 0, &got);
	EXPECT_TRUE(cfg_eq(&got, &self->saved));
	get_cfg(_metadata, &self->c, NLM_F_ACK, &got);
	EXPECT_TRUE(cfg_eq(&got, &self->saved));
	if (self->have_params)
		TH_LOG("module parameters: count %u age %u window %u%s",
		       self->params.v[0], self->params.v[1], self->params.v[2],
		       cfg_eq(&got, &self->params) ? " (the same)" : "");
}

/*
 * Each setting out of its range: -ERANGE, the extack message names the
 * key, the offset is the attribute's, and nothing changed.
 */
TEST_F(config, set_config_out_of_range)
{
	static const struct {
		int key;
		__u32 v;
	} bad[] = {
		{ 0, 0 }, { 0, 1000001 }, { 0, 0xffffffff },
		{ 1, 86401 }, { 1, 0xffffffff },
		{ 2, 0 }, { 2, 61 }, { 2, 0xffffffff },
	};
	const struct cfgv *saved = &self->saved;
	long long set[NKEYS];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		set[0] = set[1] = set[2] = UNSET;
		set[bad[i].key] = bad[i].v;
		TH_LOG("SET_CONFIG %s = %u", keys[bad[i].key].param, bad[i].v);
		set_cfg_refused(_metadata, &self->c, 0, set, ERANGE,
				keys[bad[i].key].refuse, ATTR0_OFFS, saved);
	}

	/* a valid count beside a bad window: the count is not applied either */
	set[0] = other_value(0, saved->v[0], saved->v[0], 2);
	set[1] = UNSET;
	set[2] = 0;
	set_cfg_refused(_metadata, &self->c, NLM_F_ACK, set, ERANGE,
			keys[2].refuse, ATTR0_OFFS + 8, saved);

	/*
	 * Two bad ones, window first in the message: tcpsm checks in the
	 * order count, age, window and names the first it finds bad, age.
	 */
	{
		struct nl_msg *m = req_new(&self->c, TCPSM_CMD_SET_CONFIG, 0);

		ASSERT_NE(NULL, m);
		nla_put_u32(m, TCPSM_A_CONFIG_CLOSEWAIT_WINDOW, 0);
		nla_put_u32(m, TCPSM_A_CONFIG_CLOSEWAIT_AGE, 86401);
		EXPECT_EQ(0, expect_error(_metadata, &self->c, m, 0, ERANGE,
					  keys[1].refuse, ATTR0_OFFS + 8));
		cfg_unchanged(_metadata, &self->c, saved);
	}

	/* the same key twice: the last one counts (nla_parse keeps it) */
	{
		struct nl_msg *m = req_new(&self->c, TCPSM_CMD_SET_CONFIG, 0);

		ASSERT_NE(NULL, m);
		nla_put_u32(m, TCPSM_A_CONFIG_CLOSEWAIT_COUNT, 5);
		nla_put_u32(m, TCPSM_A_CONFIG_CLOSEWAIT_COUNT, 0);
		EXPECT_EQ(0, expect_error(_metadata, &self->c, m, 0, ERANGE,
					  keys[0].refuse, ATTR0_OFFS + 8));
		cfg_unchanged(_metadata, &self->c, saved);
	}
}

/*
 * SET_CONFIG without a setting: -EINVAL "no setting given" (no attribute
 * to point at). Attributes the strict policy refuses: -EINVAL before tcpsm
 * looks. Nothing changed.
 */
TEST_F(config, set_config_refused)
{
	static const long long none[NKEYS] = { UNSET, UNSET, UNSET };
	const struct cfgv *saved = &self->saved;
	struct nl_msg *m;

	set_cfg_refused(_metadata, &self->c, 0, none, EINVAL,
			"no setting given", NO_OFFS, saved);
	set_cfg_refused(_metadata, &self->c, NLM_F_ACK, none, EINVAL,
			"no setting given", NO_OFFS, saved);

	/* the reply-only NETNS: no policy entry, NLA_UNSPEC, strict */
	m = req_new(&self->c, TCPSM_CMD_SET_CONFIG, 0);
	ASSERT_NE(NULL, m);
	nla_put_u32(m, TCPSM_A_CONFIG_NETNS, self->c.netns);
	EXPECT_EQ(0, expect_error(_metadata, &self->c, m, 0, EINVAL,
				  "Unsupported attribute", ATTR0_OFFS));

	/* NLA_U32 of 8 bytes: NL_VALIDATE_STRICT_ATTRS */
	m = req_new(&self->c, TCPSM_CMD_SET_CONFIG, 0);
	ASSERT_NE(NULL, m);
	nla_put_u64(m, TCPSM_A_CONFIG_CLOSEWAIT_COUNT, 5);
	EXPECT_EQ(0, expect_error(_metadata, &self->c, m, 0, EINVAL,
				  "invalid attribute length", ATTR0_OFFS));

	/* NLA_F_NESTED on a u32: NL_VALIDATE_NESTED */
	m = req_new(&self->c, TCPSM_CMD_SET_CONFIG, 0);
	ASSERT_NE(NULL, m);
	nla_put_u32(m, TCPSM_A_CONFIG_CLOSEWAIT_COUNT | NLA_F_NESTED, 5);
	EXPECT_EQ(0, expect_error(_metadata, &self->c, m, 0, EINVAL,
				  "NLA_F_NESTED not expected", ATTR0_OFFS));

	/* above maxattr: NL_VALIDATE_MAXTYPE */
	m = req_new(&self->c, TCPSM_CMD_SET_CONFIG, 0);
	ASSERT_NE(NULL, m);
	nla_put_u32(m, TCPSM_A_CONFIG_MAX + 1, 5);
	EXPECT_EQ(0, expect_error(_metadata, &self->c, m, 0, EINVAL,
				  "Unknown attribute type", ATTR0_OFFS));

	/* a valid count, then a bad attribute: nothing applied */
	m = req_new(&self->c, TCPSM_CMD_SET_CONFIG, 0);
	ASSERT_NE(NULL, m);
	nla_put_u32(m, TCPSM_A_CONFIG_CLOSEWAIT_COUNT,
		    other_value(0, saved->v[0], saved->v[0], 2));
	nla_put_u32(m, TCPSM_A_CONFIG_NETNS, self->c.netns);
	EXPECT_EQ(0, expect_error(_metadata, &self->c, m, 0, EINVAL,
				  "Unsupported attribute", ATTR0_OFFS + 8));
	cfg_unchanged(_metadata, &self->c, saved);
}

/*
 * Each setting to its bounds, one at a time (the others keep their
 * values); the reply and GET_CONFIG say the new values. The order keeps
 * the rule from raising an alarm meanwhile: count 1 only while age and
 * window are at their maximum, age 0 and window 1 only with count at its
 * maximum. Then all three back at once, with an ACK.
 */
TEST_F(config, set_config_valid)
{
	static const struct {
		int key;
		__u32 v;
	} steps[] = {
		{ 1, 86400 }, { 2, 60 }, { 0, 1 }, { 0, 1000000 },
		{ 1, 0 }, { 2, 1 },
	};
	struct cfgv want = self->saved;
	long long set[NKEYS];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		set[0] = set[1] = set[2] = UNSET;
		set[steps[i].key] = steps[i].v;
		want.v[steps[i].key] = steps[i].v;
		TH_LOG("SET_CONFIG %s = %u", keys[steps[i].key].param,
		       steps[i].v);
		set_cfg_ok(_metadata, &self->c, i & 1 ? NLM_F_ACK : 0, set,
			   &want);
	}
	for (i = 0; i < NKEYS; i++)
		set[i] = self->saved.v[i];
	set_cfg_ok(_metadata, &self->c, NLM_F_ACK, set, &self->saved);
}

/*
 * uid 65534 without capabilities: GET_CONFIG answers as it does for
 * root; SET_CONFIG is refused with -EPERM by the genl core
 * (GENL_UNS_ADMIN_PERM) before the attributes are parsed or tcpsm looks
 * at them; nothing changed.
 */
TEST_F(config, set_config_unprivileged)
{
	static const long long none[NKEYS] = { UNSET, UNSET, UNSET };
	static const long long zero[NKEYS] = { 0, UNSET, UNSET };
	const struct cfgv *saved = &self->saved;
	long long valid[NKEYS] = { 0, UNSET, UNSET };
	struct cfgv got;
	struct nl_msg *m;
	struct conn c;

	drop_privileges(_metadata);
	/* a socket of its own: the opener's credentials count too */
	ASSERT_EQ(0, conn_open(&c));

	get_cfg(_metadata, &c, 0, &got);
	EXPECT_TRUE(cfg_eq(&got, saved));

	valid[0] = other_value(0, saved->v[0], saved->v[0], 2);
	set_cfg_refused(_metadata, &c, 0, valid, EPERM, NULL, NO_OFFS, saved);
	set_cfg_refused(_metadata, &c, NLM_F_ACK, none, EPERM, NULL, NO_OFFS,
			saved);
	set_cfg_refused(_metadata, &c, 0, zero, EPERM, NULL, NO_OFFS, saved);
	m = req_new(&c, TCPSM_CMD_SET_CONFIG, 0);
	ASSERT_NE(NULL, m);
	nla_put_u32(m, TCPSM_A_CONFIG_NETNS, c.netns);
	EXPECT_EQ(0, expect_error(_metadata, &c, m, 0, EPERM, NULL, NO_OFFS));

	/*
	 * As a dump: 6.1 checks the permission before it finds no dumpit;
	 * 6.2+ (split ops) looks the command up with its kind first.
	 */
	m = req_new(&c, TCPSM_CMD_SET_CONFIG, NLM_F_DUMP);
	ASSERT_NE(NULL, m);
	EXPECT_EQ(0, expect_error(_metadata, &c, m, 0,
				  kernel_split_ops() ? EOPNOTSUPP : EPERM,
				  NULL, NO_OFFS));

	cfg_unchanged(_metadata, &c, saved);
	conn_close(&c);
}

/*
 * A new network namespace (made by root: the initial user namespace owns
 * it, root may set it) starts with the module parameters; what is set
 * there stays there, and what is set in the initial one does not reach it.
 */
TEST_F(config, set_config_child_netns)
{
	const struct cfgv *saved = &self->saved;
	struct cfgv fresh, mine;
	long long set[NKEYS];
	struct conn c1;
	int i;

	ASSERT_EQ(0, unshare(CLONE_NEWNET)) TH_LOG("unshare: %m");
	ASSERT_EQ(0, conn_open(&c1));
	ASSERT_NE(self->c.netns, c1.netns);

	get_cfg(_metadata, &c1, 0, &fresh);
	if (self->have_params)
		EXPECT_TRUE(cfg_eq(&fresh, &self->params))
			TH_LOG("a new namespace's settings %u %u %u, the module parameters %u %u %u",
			       fresh.v[0], fresh.v[1], fresh.v[2],
			       self->params.v[0], self->params.v[1],
			       self->params.v[2]);

	/* values neither namespace has */
	for (i = 0; i < NKEYS; i++) {
		mine.v[i] = other_value(i, saved->v[i], fresh.v[i], 3);
		set[i] = mine.v[i];
	}
	set_cfg_ok(_metadata, &c1, 0, set, &mine);
	cfg_unchanged(_metadata, &self->c, saved);

	/* the other way: the initial namespace's count changes, not ours */
	set[0] = other_value(0, saved->v[0], mine.v[0], 1000);
	set[1] = set[2] = UNSET;
	{
		struct cfgv init = *saved;

		init.v[0] = set[0];
		set_cfg_ok(_metadata, &self->c, 0, set, &init);
	}
	cfg_unchanged(_metadata, &c1, &mine);
	conn_close(&c1);
	/* the teardown puts the initial namespace's count back */
}

/* ---- GET_CLOSEWAIT, GET_ALARMS: dumps ---------------------------------- */

/*
 * A dump of @cmd (with NLM_F_ACK if @ack) to its end: every message of
 * @cmd, NLM_F_MULTI, of our namespace, well-formed; then DONE with 0 and
 * no extack, and nothing after it (no ACK: a dump that started gets none).
 * Returns the number of messages, or -1 after logging.
 */
static int run_list_dump(struct __test_metadata *_metadata, struct conn *c,
			 int cmd, bool ack)
{
	static char buf[RXBUF];
	struct nl_msg *m = req_new(c, cmd, NLM_F_DUMP | (ack ? NLM_F_ACK : 0));
	int netns_attr = cmd == TCPSM_CMD_GET_CLOSEWAIT ?
			 TCPSM_A_CLOSEWAIT_NETNS : TCPSM_A_ALARM_NETNS;
	__u32 seq = c->seq;
	int nmsg = 0;
	ssize_t n;

	if (!m || send_msg(c, m))
		return -1;
	for (;;) {
		struct nlmsghdr *nlh;
		int len;

		n = recv(c->fd, buf, sizeof(buf), 0);
		if (n <= 0) {
			TH_LOG("dump recv: %s", n ? strerror(errno) : "EOF");
			return -1;
		}
		len = n;
		for (nlh = (void *)buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			const struct genlmsghdr *g = NLMSG_DATA(nlh);
			const struct nlattr *a;
			bool own = false, kind_ok = cmd != TCPSM_CMD_GET_ALARMS;
			int rem;

			if (nlh->nlmsg_seq != seq) {
				TH_LOG("reply with seq %u, ours %u",
				       nlh->nlmsg_seq, seq);
				return -1;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				struct nlerr e;

				if (parse_done(nlh, &e) || e.error || e.msg[0]) {
					TH_LOG("DONE %d \"%s\"", e.error, e.msg);
					return -1;
				}
				if (len != (int)NLMSG_ALIGN(nlh->nlmsg_len)) {
					TH_LOG("bytes after DONE");
					return -1;
				}
				n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
				if (n >= 0 || errno != EAGAIN) {
					TH_LOG("after DONE: recv %zd", n);
					return -1;
				}
				return nmsg;
			}
			if (nlh->nlmsg_type != c->family ||
			    !(nlh->nlmsg_flags & NLM_F_MULTI) ||
			    nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN ||
			    g->cmd != cmd) {
				if (nlh->nlmsg_type == NLMSG_ERROR) {
					struct nlerr e;

					parse_err(nlh, &e);
					TH_LOG("error %d \"%s\"", e.error, e.msg);
				}
				TH_LOG("reply type %u flags %#x", nlh->nlmsg_type,
				       nlh->nlmsg_flags);
				return -1;
			}
			rem = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
			for (a = (const void *)((const char *)g + GENL_HDRLEN);
			     rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
			     a->nla_len <= rem;
			     rem -= NLA_ALIGN(a->nla_len),
			     a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len))) {
				int type = a->nla_type & NLA_TYPE_MASK;
				__u32 v;

				if (a->nla_len != NLA_HDRLEN + 4)
					continue;
				memcpy(&v, (const char *)a + NLA_HDRLEN, 4);
				if (type == netns_attr)
					own = v == c->netns;
				if (cmd == TCPSM_CMD_GET_ALARMS &&
				    type == TCPSM_A_ALARM_KIND)
					kind_ok = v == TCPSM_ALARM_KIND_CLOSEWAIT_LEAK;
			}
			if (rem != 0 || !own || !kind_ok) {
				TH_LOG("message %d: %d stray bytes, own netns %d, kind %d",
				       nmsg, rem, own, kind_ok);
				return -1;
			}
			nmsg++;
		}
	}
}

/* GET_CLOSEWAIT and GET_ALARMS dumps: messages of ours, DONE, nothing else */
TEST_F(genl, closewait_alarms_dumps)
{
	static const int cmds[] = { TCPSM_CMD_GET_CLOSEWAIT, TCPSM_CMD_GET_ALARMS };
	size_t i;
	int n;

	for (i = 0; i < 2; i++) {
		n = run_list_dump(_metadata, &self->c, cmds[i], false);
		ASSERT_LE(0, n);
		TH_LOG("cmd %d: %d messages", cmds[i], n);
		n = run_list_dump(_metadata, &self->c, cmds[i], true);
		ASSERT_LE(0, n);
	}
	/* and the unprivileged get the same */
	drop_privileges(_metadata);
	{
		struct conn c;

		ASSERT_EQ(0, conn_open(&c));
		for (i = 0; i < 2; i++)
			ASSERT_LE(0, run_list_dump(_metadata, &c, cmds[i], true));
		conn_close(&c);
	}
}

TEST_HARNESS_MAIN
