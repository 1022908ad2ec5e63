// SPDX-License-Identifier: GPL-2.0
/*
 * genl_errors - malformed requests to the tcpsm generic netlink family are
 * refused with a proper NLMSG_ERROR (negative errno) and, where the kernel
 * gives one, an extended ACK message, the offset of the attribute refused
 * and the policy it broke (NLMSGERR_ATTR_POLICY, or none); nothing is left
 * behind: a valid GET_STATS afterwards still gets exactly one, complete
 * answer.
 *
 * The alarm settings (GET_CONFIG, SET_CONFIG): the reply's content, each
 * setting refused out of its range by the policy generated from the spec
 * (-ERANGE "integer out of range", the offset of the first attribute out
 * of range in message order, the policy carrying that setting's range;
 * nothing changed), synflood.clear refused by tcpsm with -EINVAL unless
 * below synflood.raise (as the request would leave them), an empty
 * SET_CONFIG refused, SET_CONFIG refused to the unprivileged before its
 * values are looked at (GET_CONFIG not), settings per namespace. The
 * tests of fixture "config" put the settings back as they found them, in
 * the harness's parent (root, initial namespace), whatever the test did.
 * GET_CONFIG has no request attributes: it gets a reject-all policy on
 * every kernel (the core's genl_policy_reject_all on 6.1; tcpsm's own on
 * 6.2+, where split ops without a policy would not be parsed at all), so
 * any attribute is refused. GET_CLOSEWAIT, GET_ALARMS, GET_LISTENERS and
 * GET_LATENCY take the all-netns flag only; with it, root of the initial namespace
 * sees every namespace's (a listener of a child namespace), root of a
 * child namespace and the unprivileged are refused, -EPERM, with the
 * reason.
 * GET_CLOSEWAIT, GET_ALARMS, GET_LISTENERS and GET_LATENCY are dumps only: a do is
 * refused, a dump gives well-formed messages of our namespace (flags
 * NLM_F_MULTI, and NLM_F_DUMP_INTR when the sampler ran between two
 * rounds) and DONE, nothing else. Listeners the test opens (IPv4 and
 * IPv6 loopback, in a new namespace too) appear in GET_LISTENERS with
 * their backlog as the queues' limit, their accept queue filled as ss
 * would show it, and are gone after they are closed.
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

#include <arpa/inet.h>
#include <netinet/in.h>

#include <linux/capability.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include <linux/tcpsm.h>

#include "genl_common.h"
#include "tcpsm_test.h"

/* kselftest_harness.h is not -Wextra clean (its TEST() wrappers) */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wclobbered"
#include "kselftest_harness.h"

#define RXBUF (64 * 1024)

/* What one NLMSG_ERROR said. */
struct nlerr {
	int error;		/* as sent: 0 or -errno */
	char msg[256];		/* NLMSGERR_ATTR_MSG, "" if none */
	bool has_offs;
	__u32 offs;		/* NLMSGERR_ATTR_OFFS */
	struct ack_policy pol;	/* NLMSGERR_ATTR_POLICY */
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
		case NLMSGERR_ATTR_POLICY:
			ack_policy_parse((const char *)a + NLA_HDRLEN,
					 alen - NLA_HDRLEN, &e->pol);
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
 * Send @m and expect an NLMSG_ERROR with -@errno_exp, @msg_sub in its
 * extack message, NLMSGERR_ATTR_OFFS @offs_exp and NLMSGERR_ATTR_POLICY
 * as *@pol says. Returns 0 if so, -1 (after logging why) if not.
 */
static int expect_error(struct __test_metadata *_metadata, struct conn *c,
			struct nl_msg *m, size_t send_len, int errno_exp,
			const char *msg_sub, int offs_exp,
			const struct want_policy *pol)
{
	struct nlmsghdr *nlh = nlmsg_hdr(m);
	__u32 seq = nlh->nlmsg_seq;
	const char *why;
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
	why = ack_policy_mismatch(&e.pol, pol);
	if (why) {
		TH_LOG("%s", why);
		return -1;
	}
	return 0;
}

/* offset of the first attribute in a request: nlmsghdr + genlmsghdr */
#define ATTR0_OFFS ((int)(NLMSG_HDRLEN + GENL_HDRLEN))

/* ---- the malformed requests, one builder each ---------------------- */

/* bad_req.pol: what its NLMSGERR_ATTR_POLICY says */
#define POL_NONE	0		/* there is none */
#define POL_FLAG	1		/* a flag */
#define POL_SETTING(k)	(2 + (k))	/* setting k's: a u32 and its range */

static struct want_policy want_pol(int pol)
{
	return pol == POL_NONE ? NO_POLICY : pol == POL_FLAG ? FLAG_POLICY :
	       setting_policy(pol - POL_SETTING(0));
}

struct bad_req {
	const char *name;
	int flags;		/* NLM_F_DUMP or 0 */
	int errno_exp;
	const char *msg_sub;	/* NULL: the kernel gives no message */
	int offs;		/* expected NLMSGERR_ATTR_OFFS, -1: none checked */
	/* make the message; return the number of bytes to send, 0 = nlmsg_len */
	size_t (*build)(struct conn *c, struct nl_msg *m);
	__u8 cmd;
	int pol;		/* POL_*: NLMSGERR_ATTR_POLICY */
};

/* nla_put_flag() in B_PUT: the value is not sent */
static int put_flag(struct nl_msg *m, int type, int v)
{
	(void)v;
	return nla_put_flag(m, type);
}

/* builder NAME: one attribute, PUT(m, TYPE, V), nothing else */
#define B_PUT(name, put, type, v)					\
	static size_t name(struct conn *c, struct nl_msg *m)		\
	{								\
		(void)c;						\
		put(m, type, v);					\
		return 0;						\
	}								\
	struct b_put_##name	/* (a declaration, for the ";") */

/* no such attribute */
B_PUT(b_unknown_attr, nla_put_u32, 9, 1);

B_PUT(b_netns, nla_put_u32, TCPSM_A_STATS_NETNS, 4026531840u);

static size_t b_state(struct conn *c, struct nl_msg *m)
{
	struct nlattr *n = nla_nest_start(m, TCPSM_A_STATS_STATE);

	(void)c;
	nla_put_u32(m, TCPSM_A_STATE_COUNT_STATE, TCPSM_STATE_LISTEN);
	nla_put_u64(m, TCPSM_A_STATE_COUNT_COUNT, 1);
	nla_nest_end(m, n);
	return 0;
}

B_PUT(b_all_netns, put_flag, TCPSM_A_STATS_ALL_NETNS, 0);

/* a flag has no payload: the policy refuses it with ERANGE */
B_PUT(b_all_netns_u32, nla_put_u32, TCPSM_A_STATS_ALL_NETNS, 1);

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
B_PUT(b_attr1, put_flag, 1, 0);

/* attribute 2: above genl_policy_reject_all's maxattr 1 */
B_PUT(b_attr2, nla_put_u32, 2, 1);

/* attribute 3: above GET_LISTENERS' maxattr (its all-netns, 2) */
B_PUT(b_attr3, nla_put_u32, 3, 1);

/* the all-netns flags of the three list dumps, with a payload */
B_PUT(b_cw_all_u32, nla_put_u32, TCPSM_A_CLOSEWAIT_ALL_NETNS, 1);
B_PUT(b_lat_all_u32, nla_put_u32, TCPSM_A_LATENCY_ALL_NETNS, 1);
/* attribute 2 (netns, reply only) and 11 (above its maxattr) of GET_LATENCY */
B_PUT(b_lat_netns, nla_put_u32, TCPSM_A_LATENCY_NETNS, 1);
B_PUT(b_lat_above, nla_put_u32, TCPSM_A_LATENCY_ALL_NETNS + 1, 1);
B_PUT(b_alarms_all_u32, nla_put_u32, TCPSM_A_ALARM_ALL_NETNS, 1);
B_PUT(b_ls_all_u32, nla_put_u32, TCPSM_A_LISTENERS_ALL_NETNS, 1);

/* the reply-only NETNS of the config set (attribute 1) */
B_PUT(b_cfg_netns, nla_put_u32, TCPSM_A_CONFIG_NETNS, 4026531840u);

/* 4 bytes after the genl header: no attribute */
static size_t b_trailing(struct conn *c, struct nl_msg *m)
{
	static const unsigned char junk[4] = { 1, 2, 3, 4 };

	(void)c;
	nlmsg_append(m, (void *)junk, sizeof(junk), NLMSG_ALIGNTO);
	return 0;
}

/* a u32 setting sent as a u64 */
B_PUT(b_cfg_count_u64, nla_put_u64, TCPSM_A_CONFIG_CLOSEWAIT_COUNT, 16);

/* a u32 setting sent as a u16 */
B_PUT(b_cfg_raise_u16, nla_put_u16, TCPSM_A_CONFIG_SYNFLOOD_RAISE, 60);

B_PUT(b_cfg_duration_nested, nla_put_u32, TCPSM_A_CONFIG_SYNFLOOD_DURATION | NLA_F_NESTED, 2);

/* one past the last setting: above the policy's maxattr */
B_PUT(b_cfg_above_max, nla_put_u32, TCPSM_A_CONFIG_MAX + 1, 2);

#define D NLM_F_DUMP
static const struct bad_req bad_reqs[] = {
	{ "unknown attribute type (do)", 0, EINVAL, "Unknown attribute type",
	  ATTR0_OFFS, b_unknown_attr, TCPSM_CMD_GET_STATS, .pol = POL_NONE },
	{ "unknown attribute type (dump)", D, EINVAL, "Unknown attribute type",
	  ATTR0_OFFS, b_unknown_attr, TCPSM_CMD_GET_STATS, .pol = POL_NONE },
	{ "reply-only NETNS in a request (do)", 0, EINVAL,
	  "Unsupported attribute", ATTR0_OFFS, b_netns, TCPSM_CMD_GET_STATS,
	  .pol = POL_NONE },
	{ "reply-only NETNS in a request (dump)", D, EINVAL,
	  "Unsupported attribute", ATTR0_OFFS, b_netns, TCPSM_CMD_GET_STATS,
	  .pol = POL_NONE },
	{ "reply-only STATE in a request (do)", 0, EINVAL,
	  "Unknown attribute type", ATTR0_OFFS, b_state, TCPSM_CMD_GET_STATS,
	  .pol = POL_NONE },
	{ "reply-only STATE in a request (dump)", D, EINVAL,
	  "Unknown attribute type", ATTR0_OFFS, b_state, TCPSM_CMD_GET_STATS,
	  .pol = POL_NONE },
	{ "ALL_NETNS in a do request", 0, EINVAL, "dump", ATTR0_OFFS,
	  b_all_netns, TCPSM_CMD_GET_STATS, .pol = POL_NONE },
	{ "ALL_NETNS flag with a u32 payload (do)", 0, ERANGE,
	  "Attribute failed policy validation", ATTR0_OFFS, b_all_netns_u32,
	  TCPSM_CMD_GET_STATS, .pol = POL_FLAG },
	{ "ALL_NETNS flag with a u32 payload (dump)", D, ERANGE,
	  "Attribute failed policy validation", ATTR0_OFFS, b_all_netns_u32,
	  TCPSM_CMD_GET_STATS, .pol = POL_FLAG },
	{ "attribute truncated by the message end (do)", 0, EINVAL, "leftover",
	  -1, b_truncated, TCPSM_CMD_GET_STATS, .pol = POL_NONE },
	{ "attribute truncated by the message end (dump)", D, EINVAL,
	  "leftover", -1, b_truncated, TCPSM_CMD_GET_STATS, .pol = POL_NONE },
	{ "unknown command 99 (do)", 0, EOPNOTSUPP, NULL, -1, b_none, 99,
	  .pol = POL_NONE },
	{ "unknown command 99 (dump)", D, EOPNOTSUPP, NULL, -1, b_none, 99,
	  .pol = POL_NONE },
	{ "unknown command 0 (do)", 0, EOPNOTSUPP, NULL, -1, b_none, 0,
	  .pol = POL_NONE },
	{ "genl reserved field not 0 (do)", 0, EINVAL, "reserved", -1,
	  b_reserved, TCPSM_CMD_GET_STATS, .pol = POL_NONE },
	{ "genl reserved field not 0 (dump)", D, EINVAL, "reserved", -1,
	  b_reserved, TCPSM_CMD_GET_STATS, .pol = POL_NONE },
	{ "message shorter than the genl header", 0, EINVAL, NULL, -1,
	  b_short, TCPSM_CMD_GET_STATS, .pol = POL_NONE },
	{ "bare nlmsghdr, no genl header (dump)", D, EINVAL, NULL, -1,
	  b_bare, TCPSM_CMD_GET_STATS, .pol = POL_NONE },
	/* dumps only: no doit (genl_family_rcv_msg_doit(), 6.1; genl_get_cmd(), 6.2+) */
	{ "GET_CLOSEWAIT as a do", 0, EOPNOTSUPP, NULL, NO_OFFS, b_none,
	  TCPSM_CMD_GET_CLOSEWAIT, .pol = POL_NONE },
	{ "GET_ALARMS as a do", 0, EOPNOTSUPP, NULL, NO_OFFS, b_none,
	  TCPSM_CMD_GET_ALARMS, .pol = POL_NONE },
	/* refused before its attributes are looked at */
	{ "GET_CLOSEWAIT as a do, with an attribute", 0, EOPNOTSUPP, NULL,
	  NO_OFFS, b_attr1, TCPSM_CMD_GET_CLOSEWAIT, .pol = POL_NONE },
	/* notifications only: no operation at all */
	{ "ALARM (notification) as a do", 0, EOPNOTSUPP, NULL, NO_OFFS, b_none,
	  TCPSM_CMD_ALARM, .pol = POL_NONE },
	{ "ALARM (notification) as a dump", D, EOPNOTSUPP, NULL, NO_OFFS, b_none,
	  TCPSM_CMD_ALARM, .pol = POL_NONE },
	{ "EVENT (notification) as a do", 0, EOPNOTSUPP, NULL, NO_OFFS, b_none,
	  TCPSM_CMD_EVENT, .pol = POL_NONE },
	/* do only */
	{ "GET_CONFIG as a dump", D, EOPNOTSUPP, NULL, NO_OFFS, b_none,
	  TCPSM_CMD_GET_CONFIG, .pol = POL_NONE },
	{ "SET_CONFIG as a dump (root)", D, EOPNOTSUPP, NULL, NO_OFFS, b_none,
	  TCPSM_CMD_SET_CONFIG, .pol = POL_NONE },
	/*
	 * The list dumps take all-netns only: a reply attribute below it is
	 * NLA_UNSPEC, refused in strict mode (no policy to show); the flag
	 * with a payload fails its policy.
	 */
	{ "GET_CLOSEWAIT dump with attribute 1", D, EINVAL,
	  "Unsupported attribute", ATTR0_OFFS, b_attr1,
	  TCPSM_CMD_GET_CLOSEWAIT, .pol = POL_NONE },
	{ "GET_ALARMS dump with attribute 2", D, EINVAL, "Unsupported attribute",
	  ATTR0_OFFS, b_attr2, TCPSM_CMD_GET_ALARMS, .pol = POL_NONE },
	{ "GET_ALARMS dump with attribute 1", D, EINVAL,
	  "Unsupported attribute", ATTR0_OFFS, b_attr1,
	  TCPSM_CMD_GET_ALARMS, .pol = POL_NONE },
	/* GET_CONFIG has no request attributes, so no policy either */
	{ "reply-only NETNS (attribute 1) in GET_CONFIG", 0, EINVAL,
	  "Attribute failed policy validation", ATTR0_OFFS, b_cfg_netns,
	  TCPSM_CMD_GET_CONFIG, .pol = POL_NONE },
	{ "GET_CONFIG with a u64 closewait.count", 0, EINVAL,
	  "Unknown attribute type", ATTR0_OFFS, b_cfg_count_u64,
	  TCPSM_CMD_GET_CONFIG, .pol = POL_NONE },
	/* GET_LISTENERS: a dump only, no request attributes, like GET_CLOSEWAIT */
	{ "GET_LISTENERS as a do", 0, EOPNOTSUPP, NULL, NO_OFFS, b_none,
	  TCPSM_CMD_GET_LISTENERS, .pol = POL_NONE },
	{ "GET_LISTENERS as a do, with an attribute", 0, EOPNOTSUPP, NULL,
	  NO_OFFS, b_attr1, TCPSM_CMD_GET_LISTENERS, .pol = POL_NONE },
	{ "GET_LISTENERS dump with attribute 1", D, EINVAL,
	  "Unsupported attribute", ATTR0_OFFS, b_attr1,
	  TCPSM_CMD_GET_LISTENERS, .pol = POL_NONE },
	{ "GET_LISTENERS dump with attribute 3", D, EINVAL,
	  "Unknown attribute type", ATTR0_OFFS, b_attr3,
	  TCPSM_CMD_GET_LISTENERS, .pol = POL_NONE },
	{ "GET_CONFIG with a u16 synflood.raise", 0, EINVAL,
	  "Unknown attribute type", ATTR0_OFFS, b_cfg_raise_u16,
	  TCPSM_CMD_GET_CONFIG, .pol = POL_NONE },
	/* the generated SET_CONFIG policy: the entry's type and range */
	{ "SET_CONFIG with a nested synflood.duration", 0, EINVAL,
	  "NLA_F_NESTED not expected", ATTR0_OFFS, b_cfg_duration_nested,
	  TCPSM_CMD_SET_CONFIG, .pol = POL_SETTING(K_DURATION) },
	{ "SET_CONFIG with an attribute past synflood.duration", 0, EINVAL,
	  "Unknown attribute type", ATTR0_OFFS, b_cfg_above_max,
	  TCPSM_CMD_SET_CONFIG, .pol = POL_NONE },
	/* no attribute at all, 4 bytes of junk: the strict parse's TRAILING */
	{ "GET_CONFIG with bytes after the genl header", 0, EINVAL,
	  "bytes leftover after parsing attributes", NO_OFFS, b_trailing,
	  TCPSM_CMD_GET_CONFIG, .pol = POL_NONE },
	{ "GET_STATS with bytes after the genl header (do)", 0, EINVAL,
	  "bytes leftover after parsing attributes", NO_OFFS, b_trailing,
	  TCPSM_CMD_GET_STATS, .pol = POL_NONE },
	/* the list dumps' all-netns flag, with a payload (a flag has none) */
	{ "GET_CLOSEWAIT all-netns with a u32 payload", D, ERANGE,
	  "Attribute failed policy validation", ATTR0_OFFS, b_cw_all_u32,
	  TCPSM_CMD_GET_CLOSEWAIT, .pol = POL_FLAG },
	{ "GET_ALARMS all-netns with a u32 payload", D, ERANGE,
	  "Attribute failed policy validation", ATTR0_OFFS, b_alarms_all_u32,
	  TCPSM_CMD_GET_ALARMS, .pol = POL_FLAG },
	{ "GET_LISTENERS all-netns with a u32 payload", D, ERANGE,
	  "Attribute failed policy validation", ATTR0_OFFS, b_ls_all_u32,
	  TCPSM_CMD_GET_LISTENERS, .pol = POL_FLAG },
	/* GET_LATENCY: a dump that takes all-netns only */
	{ "GET_LATENCY as a do", 0, EOPNOTSUPP, NULL, NO_OFFS, b_none,
	  TCPSM_CMD_GET_LATENCY, .pol = POL_NONE },
	{ "GET_LATENCY dump with reply-only netns", D, EINVAL,
	  "Unsupported attribute", ATTR0_OFFS, b_lat_netns,
	  TCPSM_CMD_GET_LATENCY, .pol = POL_NONE },
	{ "GET_LATENCY dump with an attribute past all-netns", D, EINVAL,
	  "Unknown attribute type", ATTR0_OFFS, b_lat_above,
	  TCPSM_CMD_GET_LATENCY, .pol = POL_NONE },
	{ "GET_LATENCY all-netns with a u32 payload", D, ERANGE,
	  "Attribute failed policy validation", ATTR0_OFFS, b_lat_all_u32,
	  TCPSM_CMD_GET_LATENCY, .pol = POL_FLAG },
};
#undef D

static int run_bad(struct __test_metadata *_metadata, struct conn *c,
		   const struct bad_req *b)
{
	struct nl_msg *m = req_new(c, b->cmd, b->flags);
	struct want_policy pol = want_pol(b->pol);
	size_t len;

	if (!m)
		return -1;
	len = b->build(c, m);
	TH_LOG("%s", b->name);
	return expect_error(_metadata, c, m, len, b->errno_exp, b->msg_sub,
			    b->offs, &pol);
}

/* ---- replies ---------------------------------------------------------- */

struct stats_msg {
	__u32 netns;
	bool has_netns;
	bool has_untracked, has_alarms;	/* CLOSEWAIT_UNTRACKED, ALARMS_ACTIVE */
	int nstates;
	bool seen[TCPSM_STATE_MAX + 1];
	int ncounters;		/* SYN_COUNTER nests: 7, or 0 before a first sample */
	bool seen_counter[NSYNCOUNTERS + 1];
	__u64 counter_sum;	/* of their values */
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
		} else if (type == TCPSM_A_STATS_SYN_COUNTER) {
			/* name (u32, 1..7), value and rate (u64), once each */
			const struct nlattr *n = (const void *)((const char *)a + NLA_HDRLEN);
			int nrem = a->nla_len - NLA_HDRLEN, seen = 0;
			__u32 name = 0;
			__u64 v;

			for (; nrem >= NLA_HDRLEN && n->nla_len >= NLA_HDRLEN &&
			       n->nla_len <= nrem;
			     nrem -= NLA_ALIGN(n->nla_len),
			     n = (const void *)((const char *)n + NLA_ALIGN(n->nla_len))) {
				int nt = n->nla_type & NLA_TYPE_MASK;

				if (nt == TCPSM_A_SYN_COUNTER_PAD)
					continue;
				if ((nt == TCPSM_A_SYN_COUNTER_NAME &&
				     n->nla_len == NLA_HDRLEN + 4) ||
				    ((nt == TCPSM_A_SYN_COUNTER_VALUE ||
				      nt == TCPSM_A_SYN_COUNTER_RATE) &&
				     n->nla_len == NLA_HDRLEN + 8)) {
					if (seen & (1 << nt))
						s->bad++;
					seen |= 1 << nt;
					if (nt == TCPSM_A_SYN_COUNTER_NAME)
						memcpy(&name, (const char *)n + NLA_HDRLEN, 4);
					if (nt == TCPSM_A_SYN_COUNTER_VALUE) {
						memcpy(&v, (const char *)n + NLA_HDRLEN, 8);
						s->counter_sum += v;
					}
				} else {
					s->bad++;
				}
			}
			if (nrem != 0 ||
			    seen != (1 << TCPSM_A_SYN_COUNTER_NAME |
				     1 << TCPSM_A_SYN_COUNTER_VALUE |
				     1 << TCPSM_A_SYN_COUNTER_RATE) ||
			    name < 1 || name > NSYNCOUNTERS || s->seen_counter[name])
				s->bad++;
			else
				s->seen_counter[name] = true;
			s->ncounters++;
		}
	}
	if (rem != 0)
		s->bad++;
}

/* the last check_valid_do()'s syn-counters: how many, their values' sum */
static int last_ncounters;
static __u64 last_counter_sum;

/*
 * A GET_STATS do: exactly one reply message, nothing else queued. The
 * syn-counters: all seven, or none in a namespace not sampled yet.
 */
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
		if (s.ncounters)
			ASSERT_EQ(NSYNCOUNTERS, s.ncounters);
		for (st = 1; s.ncounters && st <= NSYNCOUNTERS; st++)
			ASSERT_TRUE(s.seen_counter[st]) TH_LOG("no syn-counter %d", st);
		last_ncounters = s.ncounters;
		last_counter_sum = s.counter_sum;
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
			/* no consistency check in GET_STATS: never DUMP_INTR */
			if (nlh->nlmsg_type != c->family ||
			    nlh->nlmsg_flags != NLM_F_MULTI)
				return -EPROTO;
			parse_stats(nlh, &s);
			if (s.bad || !s.has_netns || s.nstates != 10 ||
			    !s.has_untracked || !s.has_alarms ||
			    (s.ncounters && s.ncounters != NSYNCOUNTERS))
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
BAD_TEST(get_listeners_do, 31)
BAD_TEST(get_listeners_do_with_attr, 32)
BAD_TEST(get_listeners_dump_attr1, 33)
BAD_TEST(get_listeners_dump_attr3, 34)
BAD_TEST(get_config_raise_u16, 35)
BAD_TEST(set_config_duration_nested, 36)
BAD_TEST(set_config_above_max, 37)
BAD_TEST(get_config_trailing, 38)
BAD_TEST(get_stats_trailing, 39)
BAD_TEST(get_closewait_all_u32, 40)
BAD_TEST(get_alarms_all_u32, 41)
BAD_TEST(get_listeners_all_u32, 42)
BAD_TEST(get_latency_do, 43)
BAD_TEST(get_latency_dump_netns, 44)
BAD_TEST(get_latency_dump_above, 45)
BAD_TEST(get_latency_all_u32, 46)

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

/* the settings (keys[], K_*, struct cfgv): genl_common.h */

/* a setting left out of a SET_CONFIG */
#define UNSET	(-1LL)

/* a SET_CONFIG of none of the settings */
static const long long no_setting[NKEYS] = {
	UNSET, UNSET, UNSET, UNSET, UNSET, UNSET,
};

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
 * six settings, nothing else) into *@out, the ACK if NLM_F_ACK, then
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

/* the settings of @c's namespace, checked to be in range, clear < raise */
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
		ASSERT_LE(keys[i].min, out->v[i]) TH_LOG("%s", keys[i].param);
		ASSERT_GE(keys[i].max, out->v[i]) TH_LOG("%s", keys[i].param);
	}
	ASSERT_LT(out->v[K_CLEAR], out->v[K_RAISE]) TH_LOG("%s", cfg_str(out));
}

/* a SET_CONFIG @m on @c succeeds; its reply and a GET_CONFIG after it say *@want */
static void set_msg_ok(struct __test_metadata *_metadata, struct conn *c,
		       struct nl_msg *m, const struct cfgv *want)
{
	struct cfgv got;
	struct nlerr e;
	int r;

	ASSERT_NE(NULL, m);
	r = cfg_send(_metadata, c, m, &got, &e);
	ASSERT_EQ(0, r) TH_LOG("SET_CONFIG: %d \"%s\"", r, e.msg);
	EXPECT_TRUE(cfg_eq(&got, want))
		TH_LOG("SET_CONFIG reply: %s, expected %s", cfg_str(&got),
		       cfg_str(want));
	get_cfg(_metadata, c, 0, &got);
	EXPECT_TRUE(cfg_eq(&got, want))
		TH_LOG("GET_CONFIG after SET_CONFIG: %s, expected %s",
		       cfg_str(&got), cfg_str(want));
}

/* the same of a SET_CONFIG of the settings in @set */
static void set_cfg_ok(struct __test_metadata *_metadata, struct conn *c,
		       int flags, const long long *set, const struct cfgv *want)
{
	set_msg_ok(_metadata, c, cfg_msg(c, flags, set), want);
}

/* The settings of @c's namespace are still *@want. */
static void cfg_unchanged(struct __test_metadata *_metadata, struct conn *c,
			  const struct cfgv *want)
{
	struct cfgv got;

	get_cfg(_metadata, c, 0, &got);
	EXPECT_TRUE(cfg_eq(&got, want))
		TH_LOG("settings %s, expected %s (unchanged)", cfg_str(&got),
		       cfg_str(want));
}

/* a setting in a SET_CONFIG built by hand, in message order */
struct put {
	int key;	/* K_*: attribute TCPSM_A_CONFIG_CLOSEWAIT_COUNT + key */
	__u32 v;
};

/* a SET_CONFIG of the @n settings @p, in that order (a key may repeat) */
static struct nl_msg *set_msg(struct conn *c, int flags, const struct put *p,
			      int n)
{
	struct nl_msg *m = req_new(c, TCPSM_CMD_SET_CONFIG, flags);
	int i;

	for (i = 0; m && i < n; i++)
		nla_put_u32(m, TCPSM_A_CONFIG_CLOSEWAIT_COUNT + p[i].key,
			    p[i].v);
	return m;
}
#define SET_MSG(c, flags, ...)						\
	set_msg(c, flags, (const struct put[]){ __VA_ARGS__ },		\
		(int)ARRAY_SIZE(((const struct put[]){ __VA_ARGS__ })))

/*
 * The SET_CONFIG @m is refused: -@err, @msg, at @offs, NLMSGERR_ATTR_POLICY
 * as *@pol says; nothing changed.
 */
static void msg_refused(struct __test_metadata *_metadata, struct conn *c,
			struct nl_msg *m, int err, const char *msg, int offs,
			const struct want_policy *pol, const struct cfgv *want)
{
	ASSERT_NE(NULL, m);
	EXPECT_EQ(0, expect_error(_metadata, c, m, 0, err, msg, offs, pol));
	cfg_unchanged(_metadata, c, want);
}

/* a SET_CONFIG of @set refused so, and nothing changed */
static void set_cfg_refused(struct __test_metadata *_metadata, struct conn *c,
			    int flags, const long long *set, int errno_exp,
			    const char *msg, int offs,
			    const struct want_policy *pol,
			    const struct cfgv *unchanged)
{
	msg_refused(_metadata, c, cfg_msg(c, flags, set), errno_exp, msg, offs,
		    pol, unchanged);
}

/*
 * A SET_CONFIG of @set refused by the policy for setting @k out of its
 * range, at @offs: -ERANGE, RANGE_MSG, the range of @k in the extack;
 * nothing changed.
 */
static void set_cfg_out_of_range(struct __test_metadata *_metadata,
				 struct conn *c, int flags, const long long *set,
				 int k, int offs, const struct cfgv *unchanged)
{
	struct want_policy pol = setting_policy(k);

	TH_LOG("%s out of range %u..%u at %d", keys[k].key, keys[k].min,
	       keys[k].max, offs);
	set_cfg_refused(_metadata, c, flags, set, ERANGE, RANGE_MSG, offs, &pol,
			unchanged);
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
		TH_LOG("putting back the settings %s (found %s)",
		       cfg_str(saved), cfg_str(&got));
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
	TH_LOG("settings of netns %u: %s", self->c.netns,
	       cfg_str(&self->saved));
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
		TH_LOG("module parameters: %s%s", cfg_str(&self->params),
		       cfg_eq(&got, &self->params) ? " (the same)" : "");
}

/* every setting UNSET */
static void set_none(long long *set)
{
	int i;

	for (i = 0; i < NKEYS; i++)
		set[i] = UNSET;
}

/*
 * Each setting out of its range, refused by generic netlink's validation
 * of the policy generated from the spec, before tcpsm's handler: -ERANGE,
 * "integer out of range", the offset is the attribute's, the extack's
 * policy is a u32 with that setting's range (keys[]), and nothing
 * changed. Of several out of range, the first in message order is the
 * one refused, whatever the setting; every copy of a repeated setting is
 * checked; the ranges are checked before synflood.clear < synflood.raise.
 */
TEST_F(config, set_config_out_of_range)
{
	static const struct {
		int key;
		__u32 v;
	} bad[] = {
		{ K_COUNT, CW_COUNT_MIN - 1 }, { K_COUNT, CW_COUNT_MAX + 1 },
		{ K_COUNT, 0xffffffff },
		{ K_AGE, CW_AGE_MAX + 1 }, { K_AGE, 0xffffffff },
		{ K_WINDOW, CW_WINDOW_MIN - 1 }, { K_WINDOW, CW_WINDOW_MAX + 1 },
		{ K_WINDOW, 0xffffffff },
		{ K_RAISE, SF_RAISE_MIN - 1 }, { K_RAISE, SF_RAISE_MAX + 1 },
		{ K_RAISE, 0xffffffff },
		{ K_CLEAR, SF_CLEAR_MAX + 1 }, { K_CLEAR, SF_CLEAR_MAX + 2 },
		{ K_CLEAR, 0xffffffff },
		{ K_DURATION, SF_DURATION_MIN - 1 },
		{ K_DURATION, SF_DURATION_MAX + 1 }, { K_DURATION, 0xffffffff },
	};
	/*
	 * SET_CONFIGs built by hand, several settings, in message order
	 * (attribute TCPSM_A_CONFIG_CLOSEWAIT_COUNT + key): -ERANGE for
	 * setting @named, whose attribute is at ATTR0_OFFS + @offs.
	 */
	static const struct {
		const char *why;
		struct put put[3];
		int nput, named, offs;
	} several[] = {
		{ "two bad ones, window first in the message: the window, "
		  "though age comes first in the table",
		  { { K_WINDOW, CW_WINDOW_MIN - 1 }, { K_AGE, CW_AGE_MAX + 1 } },
		  2, K_WINDOW, 0 },
		{ "the same two, age first in the message: the age",
		  { { K_AGE, CW_AGE_MAX + 1 }, { K_WINDOW, CW_WINDOW_MIN - 1 } },
		  2, K_AGE, 0 },
		{ "the same key twice, a good one then a bad one: the bad one",
		  { { K_COUNT, 5 }, { K_COUNT, CW_COUNT_MIN - 1 } },
		  2, K_COUNT, 8 },
		{ "the same key twice, a bad one then a good one: every copy "
		  "is checked, the bad first one is refused",
		  { { K_COUNT, CW_COUNT_MIN - 1 }, { K_COUNT, 5 } },
		  2, K_COUNT, 0 },
		{ "the same key twice, both bad: the first",
		  { { K_DURATION, SF_DURATION_MIN - 1 },
		    { K_DURATION, SF_DURATION_MAX + 1 } },
		  2, K_DURATION, 0 },
		{ "bad ones of both kinds, the synflood one first in the "
		  "message: synflood.duration",
		  { { K_DURATION, SF_DURATION_MIN - 1 },
		    { K_WINDOW, CW_WINDOW_MIN - 1 } },
		  2, K_DURATION, 0 },
		{ "clear and raise both out of range, clear first: the clear",
		  { { K_CLEAR, SF_CLEAR_MAX + 1 }, { K_RAISE, SF_RAISE_MIN - 1 } },
		  2, K_CLEAR, 0 },
		{ "a good count, then a bad age, then a bad window: the age",
		  { { K_COUNT, 5 }, { K_AGE, CW_AGE_MAX + 1 },
		    { K_WINDOW, CW_WINDOW_MAX + 1 } },
		  3, K_AGE, 8 },
		{ "the ranges before the pair: clear 99 (not below any raise "
		  "but 100) first, a bad duration after it: the duration",
		  { { K_CLEAR, SF_CLEAR_MAX }, { K_RAISE, SF_CLEAR_MAX },
		    { K_DURATION, SF_DURATION_MIN - 1 } },
		  3, K_DURATION, 16 },
	};
	const struct cfgv *saved = &self->saved;
	struct want_policy pol;
	long long set[NKEYS];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		set_none(set);
		set[bad[i].key] = bad[i].v;
		TH_LOG("SET_CONFIG %s = %u", keys[bad[i].key].param, bad[i].v);
		set_cfg_out_of_range(_metadata, &self->c, 0, set, bad[i].key,
				     ATTR0_OFFS, saved);
	}

	/* a valid count beside a bad window: the count is not applied either */
	set_none(set);
	set[K_COUNT] = other_value(K_COUNT, saved->v[K_COUNT],
				   saved->v[K_COUNT], 2);
	set[K_WINDOW] = CW_WINDOW_MIN - 1;
	set_cfg_out_of_range(_metadata, &self->c, NLM_F_ACK, set, K_WINDOW,
			     ATTR0_OFFS + 8, saved);

	/* a valid raise beside a bad duration: nor the raise */
	set_none(set);
	set[K_RAISE] = other_value(K_RAISE, saved->v[K_RAISE],
				   saved->v[K_RAISE], saved->v[K_CLEAR] + 1);
	set[K_DURATION] = SF_DURATION_MAX + 1;
	set_cfg_out_of_range(_metadata, &self->c, 0, set, K_DURATION,
			     ATTR0_OFFS + 8, saved);

	/* a valid closewait.age beside a bad synflood.clear: nor the age */
	set_none(set);
	set[K_AGE] = other_value(K_AGE, saved->v[K_AGE], saved->v[K_AGE], 7);
	set[K_CLEAR] = SF_CLEAR_MAX + 1;
	set_cfg_out_of_range(_metadata, &self->c, 0, set, K_CLEAR,
			     ATTR0_OFFS + 8, saved);

	for (i = 0; i < ARRAY_SIZE(several); i++) {
		TH_LOG("%s", several[i].why);
		pol = setting_policy(several[i].named);
		msg_refused(_metadata, &self->c,
			    set_msg(&self->c, 0, several[i].put, several[i].nput),
			    ERANGE, RANGE_MSG, ATTR0_OFFS + several[i].offs, &pol,
			    saved);
	}
}

/*
 * SET_CONFIG without a setting: -EINVAL "no setting given" (no attribute
 * to point at). Attributes the strict policy refuses: -EINVAL before tcpsm
 * looks. Nothing changed.
 */
TEST_F(config, set_config_refused)
{
	const struct want_policy count_pol = setting_policy(K_COUNT);
	const struct cfgv *saved = &self->saved;
	struct nl_msg *m;

	set_cfg_refused(_metadata, &self->c, 0, no_setting, EINVAL,
			"no setting given", NO_OFFS, &NO_POLICY, saved);
	set_cfg_refused(_metadata, &self->c, NLM_F_ACK, no_setting, EINVAL,
			"no setting given", NO_OFFS, &NO_POLICY, saved);

	/* the reply-only NETNS: no policy entry, NLA_UNSPEC, strict */
	m = req_new(&self->c, TCPSM_CMD_SET_CONFIG, 0);
	ASSERT_NE(NULL, m);
	nla_put_u32(m, TCPSM_A_CONFIG_NETNS, self->c.netns);
	EXPECT_EQ(0, expect_error(_metadata, &self->c, m, 0, EINVAL,
				  "Unsupported attribute", ATTR0_OFFS,
				  &NO_POLICY));

	/* NLA_U32 of 8 bytes: NL_VALIDATE_STRICT_ATTRS; the entry's policy */
	m = req_new(&self->c, TCPSM_CMD_SET_CONFIG, 0);
	ASSERT_NE(NULL, m);
	nla_put_u64(m, TCPSM_A_CONFIG_CLOSEWAIT_COUNT, 5);
	EXPECT_EQ(0, expect_error(_metadata, &self->c, m, 0, EINVAL,
				  "invalid attribute length", ATTR0_OFFS,
				  &count_pol));

	/* NLA_F_NESTED on a u32: NL_VALIDATE_NESTED; the entry's policy */
	m = req_new(&self->c, TCPSM_CMD_SET_CONFIG, 0);
	ASSERT_NE(NULL, m);
	nla_put_u32(m, TCPSM_A_CONFIG_CLOSEWAIT_COUNT | NLA_F_NESTED, 5);
	EXPECT_EQ(0, expect_error(_metadata, &self->c, m, 0, EINVAL,
				  "NLA_F_NESTED not expected", ATTR0_OFFS,
				  &count_pol));

	/* above maxattr: NL_VALIDATE_MAXTYPE */
	m = req_new(&self->c, TCPSM_CMD_SET_CONFIG, 0);
	ASSERT_NE(NULL, m);
	nla_put_u32(m, TCPSM_A_CONFIG_MAX + 1, 5);
	EXPECT_EQ(0, expect_error(_metadata, &self->c, m, 0, EINVAL,
				  "Unknown attribute type", ATTR0_OFFS,
				  &NO_POLICY));

	/* a valid count, then a bad attribute: nothing applied */
	m = req_new(&self->c, TCPSM_CMD_SET_CONFIG, 0);
	ASSERT_NE(NULL, m);
	nla_put_u32(m, TCPSM_A_CONFIG_CLOSEWAIT_COUNT,
		    other_value(K_COUNT, saved->v[K_COUNT], saved->v[K_COUNT], 2));
	nla_put_u32(m, TCPSM_A_CONFIG_NETNS, self->c.netns);
	EXPECT_EQ(0, expect_error(_metadata, &self->c, m, 0, EINVAL,
				  "Unsupported attribute", ATTR0_OFFS + 8,
				  &NO_POLICY));
	cfg_unchanged(_metadata, &self->c, saved);

	/* a bad length before an out-of-range value: the first one counts */
	m = req_new(&self->c, TCPSM_CMD_SET_CONFIG, 0);
	ASSERT_NE(NULL, m);
	nla_put_u16(m, TCPSM_A_CONFIG_CLOSEWAIT_COUNT, 5);
	nla_put_u32(m, TCPSM_A_CONFIG_CLOSEWAIT_WINDOW, CW_WINDOW_MAX + 1);
	EXPECT_EQ(0, expect_error(_metadata, &self->c, m, 0, EINVAL,
				  "invalid attribute length", ATTR0_OFFS,
				  &count_pol));
	cfg_unchanged(_metadata, &self->c, saved);
}

/*
 * Each setting to its bounds, one at a time (the others keep their
 * values); the reply and GET_CONFIG say the new values. The order keeps
 * the rules from raising an alarm meanwhile: count 1 only while age and
 * window are at their maximum, age 0 and window 1 only with count at its
 * maximum; synflood.raise 1 only while clear is 0 and duration at its
 * maximum, duration 1 only with raise at its maximum (and clear always
 * below raise). Then all six back at once, with an ACK.
 */
TEST_F(config, set_config_valid)
{
	static const struct {
		int key;
		__u32 v;
	} steps[] = {
		{ K_AGE, CW_AGE_MAX }, { K_WINDOW, CW_WINDOW_MAX },
		{ K_COUNT, CW_COUNT_MIN }, { K_COUNT, CW_COUNT_MAX },
		{ K_AGE, CW_AGE_MIN }, { K_WINDOW, CW_WINDOW_MIN },
		{ K_DURATION, SF_DURATION_MAX }, { K_RAISE, SF_RAISE_MAX },
		{ K_CLEAR, SF_CLEAR_MAX }, { K_CLEAR, SF_CLEAR_MIN },
		{ K_RAISE, SF_RAISE_MIN }, { K_RAISE, SF_RAISE_MAX },
		{ K_DURATION, SF_DURATION_MIN },
	};
	struct cfgv want = self->saved;
	long long set[NKEYS];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		set_none(set);
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

/* a SET_CONFIG of raise and/or clear (-1: left out), in that order */
static void pair_set(long long *set, long long raise, long long clear)
{
	set_none(set);
	set[K_RAISE] = raise;
	set[K_CLEAR] = clear;
}

/*
 * synflood.clear must stay below synflood.raise, as the namespace would
 * have them after the request (a request may move both past the old
 * values): else -EINVAL "synflood.clear must be below synflood.raise",
 * pointing at the clear attribute if the request has one (the last, if
 * several), else at the raise one; nothing changed, the other settings
 * of the request neither.
 */
TEST_F(config, set_config_clear_below_raise)
{
	const struct cfgv *saved = &self->saved;
	struct cfgv want = *saved;
	long long set[NKEYS];

	/* from raise 60, clear 20 */
	pair_set(set, 60, 20);
	want.v[K_RAISE] = 60;
	want.v[K_CLEAR] = 20;
	set_cfg_ok(_metadata, &self->c, 0, set, &want);

	/* raise alone, down to clear or below: at the raise */
	pair_set(set, 20, UNSET);
	set_cfg_refused(_metadata, &self->c, 0, set, EINVAL, CLEAR_BELOW_RAISE,
			ATTR0_OFFS, &NO_POLICY, &want);
	pair_set(set, 1, UNSET);
	set_cfg_refused(_metadata, &self->c, NLM_F_ACK, set, EINVAL,
			CLEAR_BELOW_RAISE, ATTR0_OFFS, &NO_POLICY, &want);
	/* clear alone, up to raise or above: at the clear */
	pair_set(set, UNSET, 60);
	set_cfg_refused(_metadata, &self->c, 0, set, EINVAL, CLEAR_BELOW_RAISE,
			ATTR0_OFFS, &NO_POLICY, &want);
	pair_set(set, UNSET, SF_CLEAR_MAX);
	set_cfg_refused(_metadata, &self->c, 0, set, EINVAL, CLEAR_BELOW_RAISE,
			ATTR0_OFFS, &NO_POLICY, &want);
	/* both, equal: at the clear, second in the message */
	pair_set(set, 30, 30);
	set_cfg_refused(_metadata, &self->c, 0, set, EINVAL, CLEAR_BELOW_RAISE,
			ATTR0_OFFS + 8, &NO_POLICY, &want);
	/* both, clear first in the message: at the clear */
	msg_refused(_metadata, &self->c,
		    SET_MSG(&self->c, 0, { K_CLEAR, 50 }, { K_RAISE, 40 }),
		    EINVAL, CLEAR_BELOW_RAISE, ATTR0_OFFS, &NO_POLICY, &want);

	/* beside valid other settings: none of them applied; at the raise */
	set_none(set);
	set[K_COUNT] = other_value(K_COUNT, want.v[K_COUNT], want.v[K_COUNT], 2);
	set[K_RAISE] = 10;
	set[K_DURATION] = other_value(K_DURATION, want.v[K_DURATION],
				      want.v[K_DURATION], 2);
	set_cfg_refused(_metadata, &self->c, 0, set, EINVAL, CLEAR_BELOW_RAISE,
			ATTR0_OFFS + 8, &NO_POLICY, &want);

	/* the last clear counts: a good one, then a bad one: at the bad one */
	msg_refused(_metadata, &self->c,
		    SET_MSG(&self->c, 0, { K_CLEAR, 10 }, { K_CLEAR, 60 }),
		    EINVAL, CLEAR_BELOW_RAISE, ATTR0_OFFS + 8, &NO_POLICY, &want);
	/* a bad raise, then a good one: applied */
	want.v[K_RAISE] = 90;
	set_msg_ok(_metadata, &self->c,
		   SET_MSG(&self->c, 0, { K_RAISE, 10 }, { K_RAISE, 90 }),
		   &want);

	/* both below the old clear at once (90/20 to 10/5) */
	pair_set(set, 10, 5);
	want.v[K_RAISE] = 10;
	want.v[K_CLEAR] = 5;
	set_cfg_ok(_metadata, &self->c, 0, set, &want);
	/* both above the old raise at once, clear first (10/5 to 90/50) */
	want.v[K_RAISE] = 90;
	want.v[K_CLEAR] = 50;
	set_msg_ok(_metadata, &self->c,
		   SET_MSG(&self->c, NLM_F_ACK, { K_CLEAR, 50 }, { K_RAISE, 90 }),
		   &want);
	/* the bounds: clear 99 below raise 100, clear 0 below raise 1 */
	pair_set(set, SF_RAISE_MAX, SF_CLEAR_MAX);
	want.v[K_RAISE] = SF_RAISE_MAX;
	want.v[K_CLEAR] = SF_CLEAR_MAX;
	set_cfg_ok(_metadata, &self->c, 0, set, &want);
	pair_set(set, SF_RAISE_MIN, SF_CLEAR_MIN);
	want.v[K_RAISE] = SF_RAISE_MIN;
	want.v[K_CLEAR] = SF_CLEAR_MIN;
	set_cfg_ok(_metadata, &self->c, 0, set, &want);
	/* and from there, clear alone to 1: not below raise 1 */
	pair_set(set, UNSET, SF_RAISE_MIN);
	set_cfg_refused(_metadata, &self->c, 0, set, EINVAL, CLEAR_BELOW_RAISE,
			ATTR0_OFFS, &NO_POLICY, &want);

	/* out of range before the pair: a raise of 0 with clear 99 */
	pair_set(set, SF_RAISE_MIN - 1, SF_CLEAR_MAX);
	set_cfg_out_of_range(_metadata, &self->c, 0, set, K_RAISE, ATTR0_OFFS,
			     &want);
	/* the teardown puts the settings back */
}

/*
 * uid 65534 without capabilities: GET_CONFIG answers as it does for
 * root; SET_CONFIG is refused with -EPERM by the genl core
 * (GENL_UNS_ADMIN_PERM, the spec's uns-admin-perm) before the attributes
 * are validated against the policy (values out of range get -EPERM, with
 * no extack) or tcpsm looks at them; nothing changed.
 */
TEST_F(config, set_config_unprivileged)
{
	const struct cfgv *saved = &self->saved;
	long long valid[NKEYS], zero[NKEYS], pair[NKEYS];
	struct cfgv got;
	struct nl_msg *m;
	struct conn c;

	set_none(valid);
	set_none(zero);
	zero[K_COUNT] = 0;
	/* clear not below raise: refused for that too, but EPERM first */
	set_none(pair);
	pair[K_RAISE] = 50;
	pair[K_CLEAR] = 50;

	drop_privileges(_metadata);
	/* a socket of its own: the opener's credentials count too */
	ASSERT_EQ(0, conn_open(&c));

	get_cfg(_metadata, &c, 0, &got);
	EXPECT_TRUE(cfg_eq(&got, saved));

	valid[K_COUNT] = other_value(K_COUNT, saved->v[K_COUNT],
				     saved->v[K_COUNT], 2);
	set_cfg_refused(_metadata, &c, 0, valid, EPERM, NULL, NO_OFFS,
			&NO_POLICY, saved);
	set_none(valid);
	valid[K_DURATION] = other_value(K_DURATION, saved->v[K_DURATION],
					saved->v[K_DURATION], 2);
	set_cfg_refused(_metadata, &c, 0, valid, EPERM, NULL, NO_OFFS,
			&NO_POLICY, saved);
	set_cfg_refused(_metadata, &c, NLM_F_ACK, no_setting, EPERM, NULL,
			NO_OFFS, &NO_POLICY, saved);
	set_cfg_refused(_metadata, &c, 0, zero, EPERM, NULL, NO_OFFS,
			&NO_POLICY, saved);
	zero[K_COUNT] = UNSET;
	zero[K_RAISE] = 0;
	set_cfg_refused(_metadata, &c, 0, zero, EPERM, NULL, NO_OFFS,
			&NO_POLICY, saved);
	set_cfg_refused(_metadata, &c, 0, pair, EPERM, NULL, NO_OFFS,
			&NO_POLICY, saved);
	m = req_new(&c, TCPSM_CMD_SET_CONFIG, 0);
	ASSERT_NE(NULL, m);
	nla_put_u32(m, TCPSM_A_CONFIG_NETNS, c.netns);
	EXPECT_EQ(0, expect_error(_metadata, &c, m, 0, EPERM, NULL, NO_OFFS,
				  &NO_POLICY));

	/*
	 * As a dump: 6.1 checks the permission before it finds no dumpit;
	 * 6.2+ (split ops) looks the command up with its kind first.
	 */
	m = req_new(&c, TCPSM_CMD_SET_CONFIG, NLM_F_DUMP);
	ASSERT_NE(NULL, m);
	EXPECT_EQ(0, expect_error(_metadata, &c, m, 0,
				  kernel_split_ops() ? EOPNOTSUPP : EPERM,
				  NULL, NO_OFFS, &NO_POLICY));

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
			TH_LOG("a new namespace's settings %s, the module parameters %s",
			       cfg_str(&fresh), cfg_str(&self->params));

	/* values neither namespace has (clear 3..5 below raise 50..52) */
	for (i = 0; i < NKEYS; i++) {
		mine.v[i] = other_value(i, saved->v[i], fresh.v[i],
					i == K_RAISE ? 50 : 3);
		set[i] = mine.v[i];
	}
	set_cfg_ok(_metadata, &c1, 0, set, &mine);
	cfg_unchanged(_metadata, &self->c, saved);

	/* the other way: the initial namespace's count changes, not ours */
	set_none(set);
	set[K_COUNT] = other_value(K_COUNT, saved->v[K_COUNT], mine.v[K_COUNT],
				   1000);
	{
		struct cfgv init = *saved;

		init.v[K_COUNT] = set[K_COUNT];
		set_cfg_ok(_metadata, &self->c, 0, set, &init);
	}
	cfg_unchanged(_metadata, &c1, &mine);
	conn_close(&c1);
	/* the teardown puts the initial namespace's count back */
}

/* ---- GET_CLOSEWAIT, GET_ALARMS, GET_LISTENERS: dumps ------------------- */

/* one listener, as GET_LISTENERS gives it */
struct lsn {
	__u32 netns;
	__u16 family, port;
	unsigned char saddr[16];
	int alen;
	__u32 synq, synq_max, aq, aq_max;
	__u32 synack_retrans, drops, overflow, completion, score, ascore;
	bool cookies, syn_flood, aq_overflow;
};

/*
 * The attributes of a listener nest: payload size (-1: an address, 4 or
 * 16 bytes), required or not. Each once; the pad may repeat.
 */
static const struct {
	int size;
	bool req;
} lsn_attrs[TCPSM_A_LISTENER_MAX + 1] = {
	[TCPSM_A_LISTENER_NETNS] = { 4, true },
	[TCPSM_A_LISTENER_FAMILY] = { 2, true },
	[TCPSM_A_LISTENER_SADDR] = { -1, true },
	[TCPSM_A_LISTENER_PORT] = { 2, true },
	[TCPSM_A_LISTENER_SYN_QUEUE] = { 4, true },
	[TCPSM_A_LISTENER_SYN_QUEUE_MAX] = { 4, true },
	[TCPSM_A_LISTENER_ACCEPT_QUEUE] = { 4, true },
	[TCPSM_A_LISTENER_ACCEPT_QUEUE_MAX] = { 4, true },
	[TCPSM_A_LISTENER_COOKIES] = { 0, false },
	[TCPSM_A_LISTENER_SYNACK_RETRANS] = { 4, true },
	[TCPSM_A_LISTENER_DROPS] = { 4, true },
	[TCPSM_A_LISTENER_OVERFLOW] = { 4, true },
	[TCPSM_A_LISTENER_COMPLETION] = { 4, true },
	[TCPSM_A_LISTENER_SCORE] = { 4, true },
	[TCPSM_A_LISTENER_ACCEPT_SCORE] = { 4, true },
	[TCPSM_A_LISTENER_SYN_FLOOD] = { 0, false },
	[TCPSM_A_LISTENER_ACCEPT_QUEUE_OVERFLOW] = { 0, false },
};

/*
 * A listener nest into *@l, checked: the attributes as the spec says, the
 * address as long as its family's (AF_INET or AF_INET6), the percentages
 * 0..100, the SYN queue's limit the accept queue's (both the backlog),
 * the accept queue at most one past it (sk_acceptq_is_full() lets it
 * reach max + 1). 0, or -EBADMSG after logging.
 */
static int parse_listener(struct __test_metadata *_metadata,
			  const struct nlattr *nest, struct lsn *l)
{
	const struct nlattr *a = (const void *)((const char *)nest + NLA_HDRLEN);
	const void *at[TCPSM_A_LISTENER_MAX + 1] = { NULL };
	int rem = nest->nla_len - NLA_HDRLEN, type, plen;

	memset(l, 0, sizeof(*l));
	for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= rem;
	     rem -= NLA_ALIGN(a->nla_len),
	     a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len))) {
		type = a->nla_type & NLA_TYPE_MASK;
		plen = a->nla_len - NLA_HDRLEN;
		if (type == TCPSM_A_LISTENER_PAD && !plen)
			continue;
		if (type < TCPSM_A_LISTENER_NETNS || type > TCPSM_A_LISTENER_MAX ||
		    at[type] ||
		    (lsn_attrs[type].size >= 0 ? plen != lsn_attrs[type].size :
		     plen != 4 && plen != 16)) {
			TH_LOG("listener attribute %u of %u bytes%s", a->nla_type,
			       a->nla_len, type <= TCPSM_A_LISTENER_MAX &&
			       type > 0 && at[type] ? ", twice" : "");
			return -EBADMSG;
		}
		at[type] = (const char *)a + NLA_HDRLEN;
		if (type == TCPSM_A_LISTENER_SADDR)
			l->alen = plen;
	}
	if (rem != 0) {
		TH_LOG("listener nest: %d bytes left over", rem);
		return -EBADMSG;
	}
	for (type = TCPSM_A_LISTENER_NETNS; type <= TCPSM_A_LISTENER_MAX; type++) {
		if (lsn_attrs[type].req && !at[type]) {
			TH_LOG("listener nest lacks attribute %d", type);
			return -EBADMSG;
		}
	}
#define U32(t, f) memcpy(&l->f, at[TCPSM_A_LISTENER_##t], 4)
	U32(NETNS, netns);
	U32(SYN_QUEUE, synq);
	U32(SYN_QUEUE_MAX, synq_max);
	U32(ACCEPT_QUEUE, aq);
	U32(ACCEPT_QUEUE_MAX, aq_max);
	U32(SYNACK_RETRANS, synack_retrans);
	U32(DROPS, drops);
	U32(OVERFLOW, overflow);
	U32(COMPLETION, completion);
	U32(SCORE, score);
	U32(ACCEPT_SCORE, ascore);
#undef U32
	memcpy(&l->family, at[TCPSM_A_LISTENER_FAMILY], 2);
	memcpy(&l->port, at[TCPSM_A_LISTENER_PORT], 2);
	memcpy(l->saddr, at[TCPSM_A_LISTENER_SADDR], l->alen);
	l->cookies = at[TCPSM_A_LISTENER_COOKIES];
	l->syn_flood = at[TCPSM_A_LISTENER_SYN_FLOOD];
	l->aq_overflow = at[TCPSM_A_LISTENER_ACCEPT_QUEUE_OVERFLOW];
	if (!(l->family == AF_INET && l->alen == 4) &&
	    !(l->family == AF_INET6 && l->alen == 16)) {
		TH_LOG("listener of family %u with a %d-byte address",
		       l->family, l->alen);
		return -EBADMSG;
	}
	if (!l->port || l->completion > 100 || l->score > 100 ||
	    l->ascore > 100 || l->synq_max != l->aq_max ||
	    l->aq > l->aq_max + 1) {
		TH_LOG("listener port %u: completion %u, score %u, accept-score %u, syn-queue-max %u, accept-queue %u/%u",
		       l->port, l->completion, l->score, l->ascore, l->synq_max,
		       l->aq, l->aq_max);
		return -EBADMSG;
	}
	return 0;
}

/* the netns of the alarm in @ta's payloads; its kind's attributes there */
static bool alarm_ok(struct __test_metadata *_metadata,
		     const struct nlattr *const *ta, __u32 *netns)
{
	__u32 kind, score;
	__u16 port;
	struct lsn l;

	if (!ta[TCPSM_A_ALARM_KIND] || !ta[TCPSM_A_ALARM_NETNS] ||
	    !ta[TCPSM_A_ALARM_PORT] || !ta[TCPSM_A_ALARM_STATE] ||
	    !ta[TCPSM_A_ALARM_TS])
		return false;
	memcpy(&kind, nla_data(ta[TCPSM_A_ALARM_KIND]), 4);
	memcpy(netns, nla_data(ta[TCPSM_A_ALARM_NETNS]), 4);
	memcpy(&port, nla_data(ta[TCPSM_A_ALARM_PORT]), 2);
	if (kind == TCPSM_ALARM_KIND_CLOSEWAIT_LEAK)
		return ta[TCPSM_A_ALARM_COUNT] && ta[TCPSM_A_ALARM_OLDEST_AGE] &&
		       ta[TCPSM_A_ALARM_GROWTH] && !ta[TCPSM_A_ALARM_SCORE] &&
		       !ta[TCPSM_A_ALARM_LISTENER];
	if (kind != TCPSM_ALARM_KIND_SYN_FLOOD &&
	    kind != TCPSM_ALARM_KIND_ACCEPT_QUEUE_OVERFLOW)
		return false;
	if (!ta[TCPSM_A_ALARM_SCORE] || !ta[TCPSM_A_ALARM_LISTENER] ||
	    ta[TCPSM_A_ALARM_COUNT] || ta[TCPSM_A_ALARM_OLDEST_AGE] ||
	    ta[TCPSM_A_ALARM_GROWTH] || ta[TCPSM_A_ALARM_SOCKET])
		return false;
	memcpy(&score, nla_data(ta[TCPSM_A_ALARM_SCORE]), 4);
	if (parse_listener(_metadata, ta[TCPSM_A_ALARM_LISTENER], &l))
		return false;
	return score <= 100 && l.netns == *netns && l.port == port;
}

/* run_dump_of(): ask for every namespace; then, messages of others */
static bool dump_all;
static int dump_others;

/*
 * A dump of @cmd (with NLM_F_ACK if @ack) to its end: every message of
 * @cmd, NLM_F_MULTI, of our namespace (with dump_all, of any: those of
 * others counted in dump_others), well-formed; then DONE with 0 and
 * no extack, and nothing after it (no ACK: a dump that started gets none).
 * GET_LISTENERS: one listener nest each, checked (parse_listener()), the
 * first @max of them into @out. Returns the number of messages, or -1
 * after logging.
 */
static int run_dump_of(struct __test_metadata *_metadata, struct conn *c,
		       int cmd, bool ack, struct lsn *out, int max)
{
	static char buf[RXBUF];
	struct nl_msg *m = req_new(c, cmd, NLM_F_DUMP | (ack ? NLM_F_ACK : 0));
	__u32 seq = c->seq;
	int nmsg = 0;
	ssize_t n;

	dump_others = 0;
	if (m && dump_all && nla_put_flag(m, all_netns_attr(cmd)))
		return -1;
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
			const struct nlattr *a, *ta[TCPSM_A_ALARM_MAX + 1] = { NULL };
			bool own = false, kind_ok = cmd != TCPSM_CMD_GET_ALARMS;
			int rem, nattr = 0;
			struct lsn l;
			__u32 ns = 0;

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
				if ((nlh->nlmsg_flags & ~(NLM_F_DUMP_INTR |
							  NLM_F_ACK_TLVS)) !=
				    NLM_F_MULTI) {
					TH_LOG("DONE flags %#x", nlh->nlmsg_flags);
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
			/*
			 * NLM_F_MULTI; NLM_F_DUMP_INTR too when a sample ran
			 * between two rounds (genl_dump_check_consistent():
			 * CLOSE_WAIT ports, listeners, and all the alarms)
			 */
			if (nlh->nlmsg_type != c->family ||
			    (nlh->nlmsg_flags & ~NLM_F_DUMP_INTR) != NLM_F_MULTI ||
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

				nattr++;
				if (cmd == TCPSM_CMD_GET_LISTENERS) {
					/* one nest: the listener */
					if (type != TCPSM_A_LISTENERS_LISTENER ||
					    nattr > 1 || parse_listener(_metadata, a, &l))
						break;
					own = l.netns == c->netns;
					continue;
				}
				if (cmd == TCPSM_CMD_GET_ALARMS) {
					if (type <= TCPSM_A_ALARM_MAX &&
					    type != TCPSM_A_ALARM_PAD &&
					    type != TCPSM_A_ALARM_SOCKET)
						ta[type] = a;
					continue;
				}
				/* GET_CLOSEWAIT, GET_LATENCY: a netns u32 */
				if (type == (cmd == TCPSM_CMD_GET_LATENCY ?
					     TCPSM_A_LATENCY_NETNS :
					     TCPSM_A_CLOSEWAIT_NETNS) &&
				    a->nla_len == NLA_HDRLEN + 4) {
					memcpy(&ns, (const char *)a + NLA_HDRLEN, 4);
					own = ns == c->netns;
				}
			}
			if (cmd == TCPSM_CMD_GET_ALARMS) {
				kind_ok = alarm_ok(_metadata, ta, &ns);
				own = ns == c->netns;
			}
			if (!own && dump_all) {
				dump_others++;
				own = true;
			}
			if (rem != 0 || !own || !kind_ok) {
				TH_LOG("message %d: %d stray bytes, own netns %d, kind %d",
				       nmsg, rem, own, kind_ok);
				return -1;
			}
			if (cmd == TCPSM_CMD_GET_LISTENERS && nmsg < max)
				out[nmsg] = l;
			nmsg++;
		}
	}
}

static int run_list_dump(struct __test_metadata *_metadata, struct conn *c,
			 int cmd, bool ack)
{
	return run_dump_of(_metadata, c, cmd, ack, NULL, 0);
}

/*
 * GET_CLOSEWAIT, GET_ALARMS and GET_LISTENERS dumps: messages of ours,
 * DONE, nothing else
 */
TEST_F(genl, closewait_alarms_dumps)
{
	static const int cmds[] = {
		TCPSM_CMD_GET_CLOSEWAIT, TCPSM_CMD_GET_ALARMS,
		TCPSM_CMD_GET_LISTENERS,
	};
	size_t i;
	int n;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
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
		for (i = 0; i < ARRAY_SIZE(cmds); i++)
			ASSERT_LE(0, run_list_dump(_metadata, &c, cmds[i], true));
		conn_close(&c);
	}
}

/* ---- GET_LISTENERS: listeners of our own ------------------------------ */

#define LSN_MAX		256	/* listeners a dump is read into */
#define LSN_WAIT_MS	5000	/* > one sample (1 s) and the dump's delay */

/* a TCP listener on @addr (AF_INET or AF_INET6), @backlog; fd, *@port */
static int listen_on(int family, const char *addr, int backlog, __u16 *port)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *s4 = (void *)&ss;
	struct sockaddr_in6 *s6 = (void *)&ss;
	socklen_t len = family == AF_INET ? sizeof(*s4) : sizeof(*s6);
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -errno;
	ss.ss_family = family;
	if (family == AF_INET)
		inet_pton(AF_INET, addr, &s4->sin_addr);
	else
		inet_pton(AF_INET6, addr, &s6->sin6_addr);
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) || listen(fd, backlog) ||
	    getsockname(fd, (struct sockaddr *)&ss, &len)) {
		int e = -errno;

		close(fd);
		return e;
	}
	*port = ntohs(family == AF_INET ? s4->sin_port : s6->sin6_port);
	return fd;
}

/* a client connected to 127.0.0.1:@port (not accepted) */
static int connect_lo(__u16 port)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

/* the listener of @family, address @addr and port @port in @ls[0..@n) */
static const struct lsn *lsn_find(const struct lsn *ls, int n, int family,
				  const char *addr, __u16 port)
{
	unsigned char a[16];
	int i, alen = family == AF_INET ? 4 : 16;

	inet_pton(family, addr, a);
	for (i = 0; i < n; i++)
		if (ls[i].family == family && ls[i].port == port &&
		    ls[i].alen == alen && !memcmp(ls[i].saddr, a, alen))
			return &ls[i];
	return NULL;
}

/*
 * Dump @c's listeners until the one at @addr:@port is there and @pred
 * holds for it (or, @pred NULL and @gone, until it is not there), for up
 * to LSN_WAIT_MS. Returns true if so; *@out: the listener.
 */
static bool lsn_wait(struct __test_metadata *_metadata, struct conn *c,
		     int family, const char *addr, __u16 port, bool gone,
		     bool (*pred)(const struct lsn *l, void *arg), void *arg,
		     struct lsn *out)
{
	static struct lsn ls[LSN_MAX];
	const struct lsn *l = NULL;
	int n, waited;

	for (waited = 0; waited <= LSN_WAIT_MS; waited += 100) {
		n = run_dump_of(_metadata, c, TCPSM_CMD_GET_LISTENERS, false, ls,
				LSN_MAX);
		if (n < 0)
			return false;
		l = lsn_find(ls, n < LSN_MAX ? n : LSN_MAX, family, addr, port);
		if (gone ? !l : l && (!pred || pred(l, arg))) {
			TH_LOG("%s:%u %s after %d ms (%d listeners)", addr, port,
			       gone ? "gone" : "as expected", waited, n);
			if (l && out)
				*out = *l;
			return true;
		}
		usleep(100 * 1000);
	}
	if (l) {
		TH_LOG("%s:%u: syn-queue %u/%u accept-queue %u/%u score %u accept-score %u completion %u cookies %d",
		       addr, port, l->synq, l->synq_max, l->aq, l->aq_max,
		       l->score, l->ascore, l->completion, l->cookies);
		if (out)
			*out = *l;
	}
	TH_LOG("%s:%u still %s after %d ms", addr, port,
	       gone ? "there" : l ? "not as expected" : "missing", LSN_WAIT_MS);
	return false;
}

static bool aq_is(const struct lsn *l, void *arg)
{
	return l->aq == *(__u32 *)arg;
}

/* an idle listener with backlog @backlog, as GET_LISTENERS must show it */
static void check_idle(struct __test_metadata *_metadata, const struct lsn *l,
		       __u32 netns, __u32 backlog)
{
	EXPECT_EQ(netns, l->netns);
	EXPECT_EQ(backlog, l->aq_max);
	EXPECT_EQ(backlog, l->synq_max);
	EXPECT_EQ(0U, l->aq);
	EXPECT_EQ(0U, l->synq);
	EXPECT_EQ(0U, l->score);
	EXPECT_EQ(0U, l->ascore);
	EXPECT_EQ(0U, l->overflow);
	EXPECT_EQ(0U, l->synack_retrans);
	EXPECT_EQ(0U, l->drops);
	EXPECT_FALSE(l->cookies);
	EXPECT_FALSE(l->syn_flood);
	EXPECT_FALSE(l->aq_overflow);
}

/*
 * Listeners of our own: 127.0.0.1 with backlog 7 and [::1] with backlog
 * 9 appear (after the next one-second sample) with those limits, empty
 * queues and no pressure; two clients connected and not accepted show
 * as an accept queue of 2 (ss -ltn's Recv-Q); closed, they are gone.
 */
TEST_F(genl, listeners_own)
{
	__u16 p4 = 0, p6 = 0;
	int l4, l6, c1, c2;
	__u32 two = 2;
	struct lsn l;

	l4 = listen_on(AF_INET, "127.0.0.1", 7, &p4);
	ASSERT_LE(0, l4) TH_LOG("listener on 127.0.0.1: %s", strerror(-l4));
	l6 = listen_on(AF_INET6, "::1", 9, &p6);
	if (l6 < 0)
		TH_LOG("no listener on [::1] (%s): IPv4 only", strerror(-l6));

	ASSERT_TRUE(lsn_wait(_metadata, &self->c, AF_INET, "127.0.0.1", p4,
			     false, NULL, NULL, &l));
	check_idle(_metadata, &l, self->c.netns, 7);
	/* sampled: GET_STATS has the namespace's seven syn-counters */
	check_valid_do(_metadata, &self->c);
	EXPECT_EQ(NSYNCOUNTERS, last_ncounters);
	if (l6 >= 0) {
		ASSERT_TRUE(lsn_wait(_metadata, &self->c, AF_INET6, "::1", p6,
				     false, NULL, NULL, &l));
		check_idle(_metadata, &l, self->c.netns, 9);
	}

	c1 = connect_lo(p4);
	ASSERT_LE(0, c1) TH_LOG("connect: %s", strerror(-c1));
	c2 = connect_lo(p4);
	ASSERT_LE(0, c2) TH_LOG("connect: %s", strerror(-c2));
	ASSERT_TRUE(lsn_wait(_metadata, &self->c, AF_INET, "127.0.0.1", p4,
			     false, aq_is, &two, &l));
	EXPECT_EQ(7U, l.aq_max);
	/* the accept queue is not full and nothing overflowed: no flood */
	EXPECT_EQ(0U, l.score);
	EXPECT_FALSE(l.syn_flood);
	EXPECT_FALSE(l.aq_overflow);
	TH_LOG("accept queue 2/7: accept-score %u", l.ascore);

	close(c1);
	close(c2);
	close(l4);
	if (l6 >= 0)
		close(l6);
	EXPECT_TRUE(lsn_wait(_metadata, &self->c, AF_INET, "127.0.0.1", p4,
			     true, NULL, NULL, NULL));
	if (l6 >= 0)
		EXPECT_TRUE(lsn_wait(_metadata, &self->c, AF_INET6, "::1", p6,
				     true, NULL, NULL, NULL));
}

/*
 * A listener in a new namespace is that namespace's only one, and is not
 * in the initial namespace's dump (a socket of which we kept); and the
 * unprivileged see the listeners of their namespace too.
 */
TEST_F(genl, listeners_netns)
{
	static struct lsn ls[LSN_MAX];
	struct conn c1;
	__u16 port = 0;
	struct lsn l;
	int fd, n, i;

	ASSERT_EQ(0, unshare(CLONE_NEWNET)) TH_LOG("unshare: %m");
	ASSERT_EQ(0, conn_open(&c1));
	ASSERT_NE(self->c.netns, c1.netns);
	/* lo is down in a new namespace: the wildcard address */
	fd = listen_on(AF_INET, "0.0.0.0", 5, &port);
	ASSERT_LE(0, fd) TH_LOG("listener: %s", strerror(-fd));

	ASSERT_TRUE(lsn_wait(_metadata, &c1, AF_INET, "0.0.0.0", port, false,
			     NULL, NULL, &l));
	check_idle(_metadata, &l, c1.netns, 5);
	/* no cookie was ever sent in this namespace */
	EXPECT_EQ(100U, l.completion);
	/* sampled: seven syn-counters, all 0 (no traffic here) */
	check_valid_do(_metadata, &c1);
	EXPECT_EQ(NSYNCOUNTERS, last_ncounters);
	EXPECT_EQ(0ULL, last_counter_sum);
	n = run_dump_of(_metadata, &c1, TCPSM_CMD_GET_LISTENERS, true, ls,
			LSN_MAX);
	EXPECT_EQ(1, n);

	/* the initial namespace's dump: its own listeners only (checked) */
	n = run_dump_of(_metadata, &self->c, TCPSM_CMD_GET_LISTENERS, false, ls,
			LSN_MAX);
	ASSERT_LE(0, n);
	for (i = 0; i < n && i < LSN_MAX; i++)
		EXPECT_EQ(self->c.netns, ls[i].netns);

	/* and as uid 65534, from the new namespace */
	drop_privileges(_metadata);
	{
		struct conn c2;

		ASSERT_EQ(0, conn_open(&c2));
		n = run_dump_of(_metadata, &c2, TCPSM_CMD_GET_LISTENERS, false,
				ls, LSN_MAX);
		EXPECT_EQ(1, n);
		EXPECT_EQ(port, ls[0].port);
		conn_close(&c2);
	}
	close(fd);
	EXPECT_TRUE(lsn_wait(_metadata, &c1, AF_INET, "0.0.0.0", port, true,
			     NULL, NULL, NULL));
	conn_close(&c1);
}

/*
 * An all-netns dump of @cmd on @c is refused: DONE (or an error) with
 * -EPERM, and @why in the extack message.
 */
static void all_refused(struct __test_metadata *_metadata, struct conn *c,
			int cmd, const char *why)
{
	struct nl_msg *m = req_new(c, cmd, NLM_F_DUMP);
	static char buf[RXBUF];
	__u32 seq = c->seq;
	struct nlmsghdr *nlh;
	struct nlerr e = { 0 };
	ssize_t n;
	int len;

	ASSERT_NE(NULL, m);
	ASSERT_EQ(0, nla_put_flag(m, all_netns_attr(cmd)));
	ASSERT_EQ(0, send_msg(c, m));
	n = recv(c->fd, buf, sizeof(buf), 0);
	ASSERT_LT(0, n) TH_LOG("recv: %m");
	len = n;
	nlh = (void *)buf;
	ASSERT_TRUE(NLMSG_OK(nlh, len));
	ASSERT_EQ(seq, nlh->nlmsg_seq);
	ASSERT_TRUE(nlh->nlmsg_type == NLMSG_DONE ||
		    nlh->nlmsg_type == NLMSG_ERROR)
		TH_LOG("cmd %d: a reply of type %u, not a refusal", cmd,
		       nlh->nlmsg_type);
	ASSERT_EQ(0, nlh->nlmsg_type == NLMSG_DONE ? parse_done(nlh, &e) :
						       parse_err(nlh, &e));
	TH_LOG("cmd %d all-netns refused: %s, \"%s\"", cmd, strerror(-e.error),
	       e.msg);
	EXPECT_EQ(-EPERM, e.error);
	EXPECT_NE(NULL, strstr(e.msg, why));
	/* nothing else for that request */
	n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
	EXPECT_TRUE(n < 0 && errno == EAGAIN) TH_LOG("after the refusal: %zd", n);
}

/*
 * all-netns: from the initial namespace, root sees a listener of a child
 * namespace (with that namespace's inode) in GET_LISTENERS, and the
 * CLOSE_WAIT, alarm and latency dumps of every namespace are well-formed;
 * root of the child namespace (CAP_NET_ADMIN over the initial user
 * namespace, all the same) is refused, naming the initial namespace, for
 * all five dumps; uid 65534 in the initial namespace is refused, naming
 * CAP_NET_ADMIN.
 */
TEST_F(genl, all_netns_dumps)
{
	static const int cmds[] = {
		TCPSM_CMD_GET_STATS, TCPSM_CMD_GET_CLOSEWAIT,
		TCPSM_CMD_GET_ALARMS, TCPSM_CMD_GET_LATENCY,
		TCPSM_CMD_GET_LISTENERS,
	};
	static struct lsn ls[LSN_MAX];
	int orig, fd, n, i, waited;
	bool found = false;
	struct conn c1, c2;
	__u16 port = 0;

	orig = open("/proc/self/ns/net", O_RDONLY);
	ASSERT_LE(0, orig);
	ASSERT_EQ(0, unshare(CLONE_NEWNET)) TH_LOG("unshare: %m");
	ASSERT_EQ(0, conn_open(&c1));
	fd = listen_on(AF_INET, "0.0.0.0", 3, &port);
	ASSERT_LE(0, fd) TH_LOG("listener: %s", strerror(-fd));
	for (i = 1; i < (int)ARRAY_SIZE(cmds); i++)
		all_refused(_metadata, &c1, cmds[i],
			    "initial network namespace");
	all_refused(_metadata, &c1, TCPSM_CMD_GET_STATS,
		    "initial network namespace");
	ASSERT_EQ(0, setns(orig, CLONE_NEWNET));

	/* the child's listener, once sampled, from the initial namespace */
	dump_all = true;
	for (waited = 0; !found && waited <= LSN_WAIT_MS; waited += 100) {
		n = run_dump_of(_metadata, &self->c, TCPSM_CMD_GET_LISTENERS,
				false, ls, LSN_MAX);
		ASSERT_LE(0, n);
		for (i = 0; i < n && i < LSN_MAX; i++)
			if (ls[i].netns == c1.netns && ls[i].port == port)
				found = true;
		if (!found)
			usleep(100 * 1000);
	}
	TH_LOG("all-netns listeners: %d, %d of other namespaces; the child's %s after %d ms",
	       n, dump_others, found ? "found" : "missing", waited);
	EXPECT_TRUE(found);
	EXPECT_LE(1, dump_others);
	for (i = 1; i < 4; i++) {
		n = run_dump_of(_metadata, &self->c, cmds[i], true, NULL, 0);
		EXPECT_LE(0, n);
		TH_LOG("all-netns cmd %d: %d messages, %d of other namespaces",
		       cmds[i], n, dump_others);
	}
	dump_all = false;

	drop_privileges(_metadata);
	ASSERT_EQ(0, conn_open(&c2));
	for (i = 0; i < (int)ARRAY_SIZE(cmds); i++)
		all_refused(_metadata, &c2, cmds[i], "CAP_NET_ADMIN");
	conn_close(&c2);
	close(fd);
	conn_close(&c1);
	close(orig);
}

TEST_HARNESS_MAIN
