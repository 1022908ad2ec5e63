// SPDX-License-Identifier: GPL-2.0
/*
 * genl_errors - malformed requests to the tcpsm generic netlink family are
 * refused with a proper NLMSG_ERROR (negative errno) and, where the kernel
 * gives one, an extended ACK message; nothing is left behind: a valid
 * GET_STATS afterwards still gets exactly one, complete answer.
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
};

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
			if (s.bad || !s.has_netns || s.nstates != 10)
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

TEST_HARNESS_MAIN
