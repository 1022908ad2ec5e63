// SPDX-License-Identifier: GPL-2.0
/*
 * genl_fuzz - a seeded, reproducible fuzzer for the tcpsm generic netlink
 * family.
 *
 * It sends --count requests (default 100000, or $TCPSM_FUZZ_COUNT when no
 * --count is given) to the family: every command number 0..255, random,
 * missing, oversized, wrongly typed, duplicated and (deeply) nested
 * attributes, zero-length attributes and attributes longer than what
 * remains, wrong nlmsg_len values, wrong genl versions and reserved fields,
 * random nlmsg_flags and types, messages cut at random points, several
 * messages in one send, and dumps abandoned or interrupted midway. The
 * generators are in the table gens[] below, one small function each.
 *
 * A request is one send(2) of one or more netlink messages. Messages are
 * built with libnl (genlmsg_put, nla_put) and then doctored by hand, like
 * tests/genl_errors.c does. Before sending, the bytes are walked the way
 * the kernel's netlink_rcv_skb() walks them, which says which messages the
 * kernel will see and what each must get back:
 *   - no NLM_F_REQUEST, or a control type (< NLMSG_MIN_TYPE): nothing, or
 *     an ACK with error 0 if NLM_F_ACK is set;
 *   - the tcpsm family: -EINVAL (header shorter than the genl header,
 *     reserved field set, flags other than REQUEST/ACK/ECHO/DUMP),
 *     -EOPNOTSUPP (unknown command), else for GET_STATS an error, or a
 *     reply (+ ACK if asked), or a dump: NLM_F_MULTI messages and DONE.
 *     Plain GET_STATS requests (no attribute, or only ALL_NETNS) must
 *     succeed, or fail with -EPERM in DONE (all-netns, unprivileged);
 *   - a message whose nlmsg_len is < 16 or runs past the bytes sent
 *     stops the walk: neither it nor anything after it gets a reply.
 * Replies are read with recv(2) until every message seen has had its last
 * reply (SO_RCVTIMEO bounds the wait: a missing reply is a hang), and then
 * nothing more may be queued. Every reply must be a well-formed netlink
 * message addressed to us: NLMSG_ERROR with 0 or -4095..-1 that echoes the
 * request's header (and payload unless capped) and has well-formed extack
 * TLVs, NLMSG_DONE, or a GET_STATS message that parses completely (netns,
 * a gauge for each of the ten states, well-formed transitions).
 *
 * Two rules keep the fuzzing on tcpsm: a message the kernel would route to
 * another generic netlink family (its type came out of doctored bytes) is
 * retyped to tcpsm, and messages the kernel will see get distinct sequence
 * numbers, so that every reply can be told apart.
 *
 * 80% of the requests are sent as root, 10% by a child that dropped to
 * uid/gid 65534 without capabilities, 10% by a child in a new network
 * namespace. Then: a valid GET_STATS do and dumps must still be answered
 * in full, /sys/module/tcpsm/refcnt must be back at its starting value,
 * and the kernel must have logged nothing at warning level or worse
 * (/dev/kmsg), save the netlink core's own rate-limited notes about
 * malformed attributes from this process ("bytes leftover after parsing
 * attributes", "attribute type N has an invalid length", their
 * "callbacks suppressed") and its once-per-boot note about a zero-length
 * send: those are the kernel's answer to input this tool makes on purpose.
 *
 * Reproduce: the run is a function of the seed and the count (printed at
 * the start), and case I depends only on the seed and I:
 *   build/tests/genl_fuzz --seed S --count N             the whole run
 *   build/tests/genl_fuzz --seed S --count N --only I -v  case I, with bytes
 * A failure prints the seed, the case index, its bytes and the reply in hex.
 *
 * Runs as root in the VM (tests/run.sh loads tcpsm.ko).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
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

#include "kselftest.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#define DEFAULT_COUNT	100000
#define MAXSEND		(72 * 1024)	/* one request's bytes */
#define RXBUF		(160 * 1024)	/* > any reply skb (64 KiB ack + TLVs) */
#define MAXEXP		256		/* messages the kernel sees per request */
#define NNS		40		/* extra namespaces: multi-part dumps */
#define RCVTIMEO	10		/* s: no reply by then is a hang */
#define WATCHDOG	120		/* s: one request stuck this long */
#define NLMSGERR_LEN	(NLMSG_HDRLEN + (int)sizeof(struct nlmsgerr))
#define GENL_LEN	(NLMSG_HDRLEN + GENL_HDRLEN)
/* a type no generic netlink family can have (ids stop at 1023) */
#define UNREG_TYPE	0xfffe

/* ---- PRNG: splitmix64, the same sequence on every libc ----------------- */

struct rng {
	uint64_t s;
};

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rnd(struct rng *r)
{
	return splitmix64(&r->s);
}

/* uniform in [0, n) (n > 0) */
static uint32_t below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rnd(r) >> 32) * n) >> 32);
}

/* uniform in [lo, hi] */
static uint32_t range(struct rng *r, uint32_t lo, uint32_t hi)
{
	return lo + below(r, hi - lo + 1);
}

/* true one time in n */
static bool one_in(struct rng *r, uint32_t n)
{
	return below(r, n) == 0;
}

static void rnd_bytes(struct rng *r, void *p, size_t n)
{
	unsigned char *b = p;

	while (n) {
		uint64_t v = rnd(r);
		size_t k = n < 8 ? n : 8;

		memcpy(b, &v, k);
		b += k;
		n -= k;
	}
}

/* ---- what was seen: shared between the phases' children and main ------ */

struct tally {
	long requests;		/* cases run */
	long sends, send_bytes;
	long msgs;		/* messages the kernel parsed */
	long unreached;		/* requests with bytes the kernel did not parse */
	long silent;		/* messages with no reply by design */
	long acks;		/* NLMSG_ERROR 0 */
	long data_do, data_dump;
	long done;
	long interrupted;	/* dumps abandoned or interrupted */
	long err[4096];		/* NLMSG_ERROR by errno */
	long done_err[4096];	/* NLMSG_DONE by errno (0 = ok) */
	long send_err[4096];	/* send(2) refused, by errno */
	long gen[32];		/* requests by generator */
	double secs;
	int ran;
	int failed;
	long fail_idx;
};

/* ---- global configuration --------------------------------------------- */

static struct {
	uint64_t seed;
	long count;
	long only;		/* -1: all cases */
	bool verbose;
	int family;
	char comm[16];
	int refcnt0;
} cfg = { .only = -1 };

enum phase_kind { PH_ROOT, PH_UNPRIV, PH_NETNS, NPHASES };

static const char *const phase_name[NPHASES] = {
	"root", "unprivileged", "netns",
};

struct phase {
	enum phase_kind kind;
	long first, end;	/* case indices [first, end) */
	struct tally *t;	/* in shared memory */
	int min_all;		/* messages an all-netns dump has at least */
};

static volatile long cur_idx = -1;	/* for the watchdog */

/* ---- netlink socket -------------------------------------------------- */

struct conn {
	struct nl_sock *sk;
	int fd;
	__u32 portid;
	__u32 netns;		/* inode of the socket's namespace */
	bool ext_ack, cap_ack;
};

static __u32 own_netns(void)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st))
		return 0;
	return (__u32)st.st_ino;
}

static int set_int(int fd, int level, int opt, int v)
{
	return setsockopt(fd, level, opt, &v, sizeof(v)) ? -errno : 0;
}

/* rcvbuf: 0 = big (libnl's 32 KiB would overflow with 64 KiB acks) */
static int conn_open(struct conn *c, int rcvbuf)
{
	struct timeval tv = { .tv_sec = RCVTIMEO };
	int r;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->sk = tcpsm_raw_genl_sock();
	if (!c->sk)
		return -ENOTCONN;
	c->fd = nl_socket_get_fd(c->sk);
	c->portid = nl_socket_get_local_port(c->sk);
	c->netns = own_netns();
	c->ext_ack = true;
	r = set_int(c->fd, SOL_NETLINK, NETLINK_EXT_ACK, 1);
	if (!r && setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		r = -errno;
	if (!r && rcvbuf)
		r = set_int(c->fd, SOL_SOCKET, SO_RCVBUF, rcvbuf);
	if (!r && !rcvbuf &&
	    set_int(c->fd, SOL_SOCKET, SO_RCVBUFFORCE, 1 << 20))
		r = set_int(c->fd, SOL_SOCKET, SO_RCVBUF, 1 << 20);
	/* libnl's 32 KiB would refuse the 64 KiB requests (EMSGSIZE) */
	if (!r && set_int(c->fd, SOL_SOCKET, SO_SNDBUFFORCE, 1 << 20))
		r = set_int(c->fd, SOL_SOCKET, SO_SNDBUF, 1 << 20);
	return r;
}

static void conn_close(struct conn *c)
{
	if (c->sk)
		nl_socket_free(c->sk);
	c->sk = NULL;
	c->fd = -1;
}

/* ---- one request: its bytes, what the kernel will see, the replies ---- */

enum mclass {
	M_IGNORED,	/* no NLM_F_REQUEST or a control type: ACK if asked */
	M_NOFAMILY,	/* UNREG_TYPE: -ENOENT */
	M_ERR,		/* tcpsm, refused before the handler: err */
	M_DO,		/* GET_STATS do */
	M_DUMP,		/* GET_STATS dump */
};

static const char *const class_name[] = {
	[M_IGNORED] = "ignored", [M_NOFAMILY] = "no family", [M_ERR] = "error",
	[M_DO] = "do", [M_DUMP] = "dump",
};

enum must {
	MUST_ANY,
	MUST_OK,	/* no attribute: our namespace, one message */
	MUST_ALL,	/* ALL_NETNS dump as root: min_all messages, ours too */
	MUST_EPERM,	/* ALL_NETNS dump unprivileged: DONE -EPERM */
};

struct expect {
	const unsigned char *p;	/* the message as sent */
	struct nlmsghdr hdr;
	enum mclass cls;
	enum must must;
	int err;		/* M_NOFAMILY, M_ERR: -errno */
	bool want_ack;
	/* progress */
	bool got_data, complete, own_seen;
	int ndata;
};

struct fcase {
	struct rng r;
	long idx;
	const char *gen;
	struct phase *ph;
	struct conn *c;
	__u32 seq;		/* next sequence number */
	size_t room;		/* libnl message size for the next message */
	unsigned char buf[MAXSEND] __attribute__((aligned(8)));
	size_t len;		/* bytes built */
	size_t send_len;	/* bytes to send (truncation) */
	struct expect exp[MAXEXP];
	int nexp;
	bool dump_started;	/* a GET_STATS dump seen in this request */
	bool failed;
	char why[512];
	const unsigned char *bad;	/* the reply that failed, if any */
	size_t bad_len;
};

static struct fcase fcase;
static unsigned char rxbuf[RXBUF] __attribute__((aligned(8)));

static __printf(2, 3) void fail(struct fcase *fc, const char *fmt, ...)
{
	va_list ap;

	if (fc->failed)
		return;
	fc->failed = true;
	va_start(ap, fmt);
	vsnprintf(fc->why, sizeof(fc->why), fmt, ap);
	va_end(ap);
}

static bool is_dump(__u16 flags)
{
	return (flags & NLM_F_DUMP) == NLM_F_DUMP;
}

/*
 * What genl_family_rcv_msg() decides before calling tcpsm: 0 if the
 * request reaches GET_STATS, else -errno.
 */
static int genl_precheck(const struct nlmsghdr *h)
{
	const struct genlmsghdr *g = (const void *)(h + 1);
	__u16 flags = h->nlmsg_flags;

	if (h->nlmsg_len < GENL_LEN)
		return -EINVAL;
	if (g->reserved)
		return -EINVAL;
	if (is_dump(flags))
		flags &= ~NLM_F_DUMP;
	if (flags & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO))
		return -EINVAL;
	if (g->cmd != TCPSM_CMD_GET_STATS)
		return -EOPNOTSUPP;
	return 0;
}

/* the attributes of a GET_STATS request are exactly ALL_NETNS */
static bool only_all_netns(const struct nlmsghdr *h)
{
	const struct nlattr *a = (const void *)((const char *)h + GENL_LEN);

	return h->nlmsg_len == GENL_LEN + NLA_HDRLEN &&
	       a->nla_len == NLA_HDRLEN && a->nla_type == TCPSM_A_STATS_ALL_NETNS;
}

static bool seq_used(struct fcase *fc, __u32 seq)
{
	int i;

	for (i = 0; i < fc->nexp; i++)
		if (fc->exp[i].hdr.nlmsg_seq == seq)
			return true;
	return false;
}

/*
 * Add what the kernel will make of the message at @h. Doctored bytes can
 * make a header out of payload: send nothing to other families, and give
 * every message seen its own sequence number.
 */
static void expect_msg(struct fcase *fc, struct nlmsghdr *h)
{
	struct expect *e = &fc->exp[fc->nexp++];
	int err;

	if ((h->nlmsg_flags & NLM_F_REQUEST) &&
	    h->nlmsg_type >= NLMSG_MIN_TYPE &&
	    h->nlmsg_type != cfg.family && h->nlmsg_type != UNREG_TYPE)
		h->nlmsg_type = cfg.family;
	while (seq_used(fc, h->nlmsg_seq))
		h->nlmsg_seq = fc->seq++;

	memset(e, 0, sizeof(*e));
	e->p = (const unsigned char *)h;
	e->hdr = *h;
	e->want_ack = h->nlmsg_flags & NLM_F_ACK;
	if (!(h->nlmsg_flags & NLM_F_REQUEST) ||
	    h->nlmsg_type < NLMSG_MIN_TYPE) {
		e->cls = M_IGNORED;
		e->complete = !e->want_ack;
		return;
	}
	if (h->nlmsg_type == UNREG_TYPE) {
		e->cls = M_NOFAMILY;
		e->err = -ENOENT;
		return;
	}
	err = genl_precheck(h);
	if (err) {
		e->cls = M_ERR;
		e->err = err;
		return;
	}
	e->cls = is_dump(h->nlmsg_flags) ? M_DUMP : M_DO;
	/* a dump already running on the socket: -EBUSY, or not */
	if (e->cls == M_DUMP && fc->dump_started)
		return;
	if (e->cls == M_DUMP)
		fc->dump_started = true;
	if (h->nlmsg_len == GENL_LEN) {
		e->must = MUST_OK;
	} else if (only_all_netns(h)) {
		if (e->cls == M_DO) {
			/* all-netns needs a dump request */
			e->cls = M_ERR;
			e->err = -EINVAL;
		} else {
			e->must = fc->ph->kind == PH_UNPRIV ? MUST_EPERM : MUST_ALL;
		}
	}
}

/* Walk @len bytes at @buf as netlink_rcv_skb() does. */
static void expect_buf(struct fcase *fc, unsigned char *buf, size_t len)
{
	size_t off = 0;

	while (len - off >= NLMSG_HDRLEN) {
		struct nlmsghdr *h = (void *)(buf + off);
		size_t rem = len - off, step;

		if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > rem)
			break;
		if (fc->nexp == MAXEXP) {
			/* too many to follow: send less */
			fc->send_len = off;
			break;
		}
		expect_msg(fc, h);
		step = NLMSG_ALIGN(h->nlmsg_len);
		off += step < rem ? step : rem;
	}
	if (off < len)
		fc->ph->t->unreached++;
}

/* ---- reply checks ----------------------------------------------------- */

/* extended ACK TLVs at @off..@end of @p (offsets into the reply) */
static bool check_tlvs(struct fcase *fc, const unsigned char *p, size_t off,
		       size_t end, const struct expect *e)
{
	while (off + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const void *)(p + off);
		__u32 v;

		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > end) {
			fail(fc, "extack TLV at %zu: nla_len %u in %zu bytes",
			     off, a->nla_len, end);
			return false;
		}
		switch (a->nla_type & NLA_TYPE_MASK) {
		case NLMSGERR_ATTR_MSG:
			if (a->nla_len == NLA_HDRLEN ||
			    p[off + a->nla_len - 1] != '\0') {
				fail(fc, "extack message not a C string");
				return false;
			}
			break;
		case NLMSGERR_ATTR_OFFS:
		case NLMSGERR_ATTR_MISS_NEST:
			if (a->nla_len != NLA_HDRLEN + 4) {
				fail(fc, "extack offset of %u bytes", a->nla_len);
				return false;
			}
			memcpy(&v, p + off + NLA_HDRLEN, 4);
			if (e && v >= e->hdr.nlmsg_len) {
				fail(fc, "extack offset %u past the request (%u bytes)",
				     v, e->hdr.nlmsg_len);
				return false;
			}
			break;
		}
		off += NLA_ALIGN(a->nla_len);
	}
	if (off < end && end - off >= NLA_ALIGNTO) {
		fail(fc, "%zu stray bytes after the extack TLVs", end - off);
		return false;
	}
	return true;
}

/* NLMSG_ERROR: error in range, the request's header echoed (and payload) */
static bool check_error(struct fcase *fc, const struct nlmsghdr *nlh,
			const struct expect *e, int *error)
{
	const unsigned char *p = (const void *)nlh;
	const struct nlmsgerr *ne = NLMSG_DATA(nlh);
	bool capped = nlh->nlmsg_flags & NLM_F_CAPPED;
	size_t off = NLMSGERR_LEN, plen;

	if (nlh->nlmsg_len < NLMSGERR_LEN) {
		fail(fc, "NLMSG_ERROR of %u bytes", nlh->nlmsg_len);
		return false;
	}
	*error = ne->error;
	if (ne->error > 0 || ne->error < -4095) {
		fail(fc, "NLMSG_ERROR with error %d", ne->error);
		return false;
	}
	if (memcmp(&ne->msg, &e->hdr, sizeof(e->hdr))) {
		fail(fc, "NLMSG_ERROR does not echo the request's header");
		return false;
	}
	if (nlh->nlmsg_flags & ~(NLM_F_CAPPED | NLM_F_ACK_TLVS)) {
		fail(fc, "NLMSG_ERROR flags %#x", nlh->nlmsg_flags);
		return false;
	}
	if (capped != (!ne->error || fc->c->cap_ack)) {
		fail(fc, "NLMSG_ERROR %scapped (error %d, NETLINK_CAP_ACK %d)",
		     capped ? "" : "not ", ne->error, fc->c->cap_ack);
		return false;
	}
	if (!capped) {
		plen = e->hdr.nlmsg_len - NLMSG_HDRLEN;
		if (nlh->nlmsg_len < off + plen ||
		    memcmp(p + off, e->p + NLMSG_HDRLEN, plen)) {
			fail(fc, "NLMSG_ERROR does not echo the request's %zu bytes",
			     plen);
			return false;
		}
		off += NLMSG_ALIGN(plen);
	}
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS)) {
		if (nlh->nlmsg_len != off) {
			fail(fc, "NLMSG_ERROR of %u bytes, expected %zu",
			     nlh->nlmsg_len, off);
			return false;
		}
		return true;
	}
	if (!fc->c->ext_ack) {
		fail(fc, "extack TLVs without NETLINK_EXT_ACK");
		return false;
	}
	return check_tlvs(fc, p, off, nlh->nlmsg_len, e);
}

static bool check_done(struct fcase *fc, const struct nlmsghdr *nlh,
		       int *error)
{
	int derr;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(int)) {
		fail(fc, "NLMSG_DONE of %u bytes", nlh->nlmsg_len);
		return false;
	}
	memcpy(&derr, NLMSG_DATA(nlh), sizeof(derr));
	*error = derr;
	if (derr > 0 || derr < -4095) {
		fail(fc, "NLMSG_DONE with error %d", derr);
		return false;
	}
	if (!(nlh->nlmsg_flags & NLM_F_MULTI) ||
	    (nlh->nlmsg_flags & ~(NLM_F_MULTI | NLM_F_ACK_TLVS | NLM_F_DUMP_INTR))) {
		fail(fc, "NLMSG_DONE flags %#x", nlh->nlmsg_flags);
		return false;
	}
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return true;
	if (!fc->c->ext_ack) {
		fail(fc, "extack TLVs without NETLINK_EXT_ACK");
		return false;
	}
	return check_tlvs(fc, (const void *)nlh,
			  NLMSG_HDRLEN + NLA_ALIGN(sizeof(derr)),
			  nlh->nlmsg_len, NULL);
}

/* as the kernel's nla_ok() and nla_next() */
static bool attr_ok(const struct nlattr *a, int rem)
{
	return rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= rem;
}

static const struct nlattr *attr_next(const struct nlattr *a, int *rem)
{
	*rem -= NLA_ALIGN(a->nla_len);
	return (const void *)((const char *)a + NLA_ALIGN(a->nla_len));
}

/* the attributes of one nest: @want[type] = payload length, 0: not allowed */
static bool check_nest(struct fcase *fc, const struct nlattr *nest,
		       const int *want, int maxtype, __u32 *u32s, __u64 *count)
{
	const struct nlattr *a = nla_data(nest);
	int rem = nla_len(nest), seen = 0;

	for (; attr_ok(a, rem); a = attr_next(a, &rem)) {
		int type = a->nla_type & NLA_TYPE_MASK;

		if (type == 1)		/* pad */
			continue;
		if (type > maxtype || !want[type] ||
		    a->nla_len != NLA_HDRLEN + want[type] ||
		    (seen & (1 << type))) {
			fail(fc, "reply nest %u: attribute %d of %u bytes",
			     nest->nla_type & NLA_TYPE_MASK, type, a->nla_len);
			return false;
		}
		seen |= 1 << type;
		if (want[type] == 4)
			memcpy(&u32s[type], nla_data(a), 4);
		else
			memcpy(count, nla_data(a), 8);
	}
	if (rem > 0) {
		fail(fc, "reply nest: %d bytes left over", rem);
		return false;
	}
	for (int t = 2; t <= maxtype; t++) {
		if (want[t] && !(seen & (1 << t))) {
			fail(fc, "reply nest %u lacks attribute %d",
			     nest->nla_type & NLA_TYPE_MASK, t);
			return false;
		}
	}
	return true;
}

/* A GET_STATS message: everything in it parses, as the spec says. */
static bool check_stats(struct fcase *fc, const struct nlmsghdr *nlh,
			__u32 *netns)
{
	static const int gauge_want[] = {
		[TCPSM_A_STATE_COUNT_STATE] = 4, [TCPSM_A_STATE_COUNT_COUNT] = 8,
	};
	static const int edge_want[] = {
		[TCPSM_A_TRANSITION_FROM] = 4, [TCPSM_A_TRANSITION_TO] = 4,
		[TCPSM_A_TRANSITION_COUNT] = 8,
	};
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	const struct nlattr *a;
	bool seen_state[TCPSM_STATE_MAX + 1] = { false };
	bool seen_edge[TCPSM_STATE_MAX + 1][TCPSM_STATE_MAX + 1];
	bool has_netns = false, has_dropped = false;
	int rem, nstates = 0;
	__u32 u32s[4];
	__u64 count;

	memset(seen_edge, 0, sizeof(seen_edge));
	if (nlh->nlmsg_len < GENL_LEN) {
		fail(fc, "GET_STATS reply of %u bytes", nlh->nlmsg_len);
		return false;
	}
	if (g->cmd != TCPSM_CMD_GET_STATS || g->version != TCPSM_FAMILY_VERSION ||
	    g->reserved) {
		fail(fc, "reply genl header cmd %u version %u reserved %u",
		     g->cmd, g->version, g->reserved);
		return false;
	}
	rem = nlh->nlmsg_len - GENL_LEN;
	a = (const void *)((const char *)nlh + GENL_LEN);
	for (; attr_ok(a, rem); a = attr_next(a, &rem)) {
		switch (a->nla_type & NLA_TYPE_MASK) {
		case TCPSM_A_STATS_PAD:
			break;
		case TCPSM_A_STATS_NETNS:
			if (has_netns || a->nla_len != NLA_HDRLEN + 4) {
				fail(fc, "reply: bad or second NETNS");
				return false;
			}
			memcpy(netns, nla_data(a), 4);
			has_netns = true;
			break;
		case TCPSM_A_STATS_STATE:
			memset(u32s, 0, sizeof(u32s));
			if (!check_nest(fc, a, gauge_want,
					TCPSM_A_STATE_COUNT_MAX, u32s, &count))
				return false;
			if (u32s[TCPSM_A_STATE_COUNT_STATE] < TCPSM_STATE_LISTEN ||
			    u32s[TCPSM_A_STATE_COUNT_STATE] > TCPSM_STATE_MAX ||
			    seen_state[u32s[TCPSM_A_STATE_COUNT_STATE]]) {
				fail(fc, "reply: gauge for state %u",
				     u32s[TCPSM_A_STATE_COUNT_STATE]);
				return false;
			}
			seen_state[u32s[TCPSM_A_STATE_COUNT_STATE]] = true;
			nstates++;
			break;
		case TCPSM_A_STATS_TRANSITION:
			memset(u32s, 0, sizeof(u32s));
			if (!check_nest(fc, a, edge_want,
					TCPSM_A_TRANSITION_MAX, u32s, &count))
				return false;
			if (u32s[TCPSM_A_TRANSITION_FROM] > TCPSM_STATE_MAX ||
			    u32s[TCPSM_A_TRANSITION_TO] > TCPSM_STATE_MAX ||
			    !count ||
			    seen_edge[u32s[TCPSM_A_TRANSITION_FROM]]
				     [u32s[TCPSM_A_TRANSITION_TO]]) {
				fail(fc, "reply: edge %u -> %u count %llu",
				     u32s[TCPSM_A_TRANSITION_FROM],
				     u32s[TCPSM_A_TRANSITION_TO],
				     (unsigned long long)count);
				return false;
			}
			seen_edge[u32s[TCPSM_A_TRANSITION_FROM]]
				 [u32s[TCPSM_A_TRANSITION_TO]] = true;
			break;
		case TCPSM_A_STATS_EVENTS_DROPPED:
			if (has_dropped || a->nla_len != NLA_HDRLEN + 8) {
				fail(fc, "reply: bad or second EVENTS_DROPPED");
				return false;
			}
			has_dropped = true;
			break;
		default:
			fail(fc, "reply: attribute type %u", a->nla_type);
			return false;
		}
	}
	if (rem > 0) {
		fail(fc, "reply: %d bytes left over after the attributes", rem);
		return false;
	}
	if (!has_netns || !has_dropped || nstates != TCPSM_STATE_MAX) {
		fail(fc, "reply: netns %s, events-dropped %s, %d gauges (want %d)",
		     has_netns ? "present" : "missing",
		     has_dropped ? "present" : "missing", nstates,
		     TCPSM_STATE_MAX);
		return false;
	}
	return true;
}

static struct expect *find_exp(struct fcase *fc, __u32 seq)
{
	int i;

	for (i = 0; i < fc->nexp; i++)
		if (fc->exp[i].hdr.nlmsg_seq == seq)
			return &fc->exp[i];
	return NULL;
}

static bool all_complete(struct fcase *fc)
{
	int i;

	for (i = 0; i < fc->nexp; i++)
		if (!fc->exp[i].complete)
			return false;
	return true;
}

static void count_errno(long *tab, int error)
{
	tab[-error < 4096 ? -error : 0]++;
}

/* One reply message: is it one the request may get now? */
static void on_reply(struct fcase *fc, const struct nlmsghdr *nlh)
{
	struct tally *t = fc->ph->t;
	struct expect *e = find_exp(fc, nlh->nlmsg_seq);
	__u32 netns = 0;
	int error;

	if (nlh->nlmsg_pid != fc->c->portid) {
		fail(fc, "reply to port %u, ours is %u", nlh->nlmsg_pid,
		     fc->c->portid);
		return;
	}
	if (!e) {
		fail(fc, "reply with seq %u: no such request", nlh->nlmsg_seq);
		return;
	}
	if (e->complete) {
		fail(fc, "reply type %u to seq %u after its last reply",
		     nlh->nlmsg_type, nlh->nlmsg_seq);
		return;
	}
	switch (nlh->nlmsg_type) {
	case NLMSG_ERROR:
		if (!check_error(fc, nlh, e, &error))
			return;
		if (!error) {
			t->acks++;
			if (!e->want_ack || e->cls == M_DUMP || e->cls == M_ERR ||
			    e->cls == M_NOFAMILY || (e->cls == M_DO && !e->got_data))
				fail(fc, "ACK (error 0) to seq %u (%s)",
				     e->hdr.nlmsg_seq, class_name[e->cls]);
			e->complete = true;
			return;
		}
		count_errno(t->err, error);
		e->complete = true;
		if (e->cls == M_IGNORED || e->got_data || e->ndata)
			fail(fc, "error %d to seq %u (%s) after %d replies",
			     error, e->hdr.nlmsg_seq, class_name[e->cls],
			     e->ndata + e->got_data);
		else if ((e->cls == M_ERR || e->cls == M_NOFAMILY) &&
			 error != e->err)
			fail(fc, "error %d (%s), expected %d (%s)", error,
			     strerror(-error), e->err, strerror(-e->err));
		else if (e->must != MUST_ANY)
			fail(fc, "a plain GET_STATS %s refused: %d (%s)",
			     e->cls == M_DUMP ? "dump" : "do", error,
			     strerror(-error));
		return;
	case NLMSG_DONE:
		if (!check_done(fc, nlh, &error))
			return;
		t->done++;
		count_errno(t->done_err, error);
		e->complete = true;
		if (e->cls != M_DUMP) {
			fail(fc, "NLMSG_DONE to seq %u, not a dump", e->hdr.nlmsg_seq);
		} else if (e->must == MUST_EPERM) {
			if (error != -EPERM || e->ndata)
				fail(fc, "unprivileged all-netns dump: DONE %d after %d messages, not -EPERM",
				     error, e->ndata);
		} else if (e->must != MUST_ANY) {
			if (error || !e->own_seen ||
			    (e->must == MUST_OK && e->ndata != 1) ||
			    (e->must == MUST_ALL && e->ndata < fc->ph->min_all))
				fail(fc, "%s dump: DONE %d after %d messages (own netns %s)",
				     e->must == MUST_OK ? "plain" : "all-netns",
				     error, e->ndata,
				     e->own_seen ? "seen" : "missing");
		}
		return;
	default:
		break;
	}
	if (nlh->nlmsg_type != cfg.family) {
		fail(fc, "reply of type %u", nlh->nlmsg_type);
		return;
	}
	if (!check_stats(fc, nlh, &netns))
		return;
	if (e->cls == M_DO && !e->got_data) {
		t->data_do++;
		e->got_data = true;
		if (nlh->nlmsg_flags) {
			fail(fc, "do reply with flags %#x", nlh->nlmsg_flags);
		} else if (netns != fc->c->netns) {
			fail(fc, "do reply for netns %u, ours is %u", netns,
			     fc->c->netns);
		}
		e->complete = !e->want_ack;
	} else if (e->cls == M_DUMP) {
		t->data_dump++;
		e->ndata++;
		if (netns == fc->c->netns)
			e->own_seen = true;
		if (nlh->nlmsg_flags != NLM_F_MULTI)
			fail(fc, "dump message with flags %#x", nlh->nlmsg_flags);
		else if (e->must == MUST_OK && netns != fc->c->netns)
			fail(fc, "plain dump: netns %u, ours is %u", netns,
			     fc->c->netns);
	} else {
		fail(fc, "GET_STATS reply to seq %u (%s)",
		     e->hdr.nlmsg_seq, class_name[e->cls]);
	}
}

/*
 * One recv(2) of up to @size bytes, each message in it checked. Returns
 * the bytes received, or -errno.
 */
static ssize_t pump(struct fcase *fc, struct conn *c, size_t size, int flags)
{
	ssize_t n = recv(c->fd, rxbuf, size, flags | MSG_TRUNC);
	const struct nlmsghdr *nlh;
	int len;

	if (n < 0)
		return -errno;
	if ((size_t)n > size) {
		fail(fc, "reply of %zd bytes, truncated to %zu", n, size);
		return n;
	}
	len = n;
	for (nlh = (void *)rxbuf; NLMSG_OK(nlh, len) && !fc->failed;
	     nlh = NLMSG_NEXT(nlh, len)) {
		fc->bad = (const void *)nlh;
		fc->bad_len = nlh->nlmsg_len;
		on_reply(fc, nlh);
	}
	if (!fc->failed && (len < -(int)(NLMSG_ALIGNTO - 1) || len > 0)) {
		fc->bad = rxbuf;
		fc->bad_len = n;
		fail(fc, "%d bytes of the %zd received are no netlink message",
		     len, n);
	}
	if (!fc->failed)
		fc->bad = NULL;
	return n;
}

/*
 * Read, @size bytes at a time, until every message seen got its last
 * reply; then nothing more may be queued.
 */
static void collect(struct fcase *fc, struct conn *c, size_t size)
{
	ssize_t n;
	int i;

	while (!fc->failed && !all_complete(fc)) {
		n = pump(fc, c, size, 0);
		if (n == -EAGAIN || n == -EWOULDBLOCK) {
			for (i = 0; i < fc->nexp && fc->exp[i].complete; i++)
				;
			fail(fc, "no reply to seq %u (message %d) within %d s",
			     fc->exp[i].hdr.nlmsg_seq, i, RCVTIMEO);
		} else if (n < 0) {
			fail(fc, "recv: %s", strerror((int)-n));
		} else if (n == 0) {
			fail(fc, "recv: EOF");
		}
	}
	if (fc->failed)
		return;
	n = pump(fc, c, RXBUF, MSG_DONTWAIT);
	if (!fc->failed && n != -EAGAIN && n != -EWOULDBLOCK)
		fail(fc, "after the last reply, recv gave %zd (%s)", n,
		     n < 0 ? strerror((int)-n) : "more");
	for (i = 0; i < fc->nexp; i++)
		if (fc->exp[i].cls == M_IGNORED && !fc->exp[i].want_ack)
			fc->ph->t->silent++;
}

static int send_buf(struct fcase *fc, struct conn *c, const void *buf,
		    size_t len)
{
	ssize_t n = send(c->fd, buf, len, 0);

	fc->ph->t->sends++;
	fc->ph->t->send_bytes += len;
	if (n == (ssize_t)len)
		return 0;
	if (n >= 0) {
		fail(fc, "send: %zd of %zu bytes", n, len);
		return -EIO;
	}
	fc->ph->t->send_err[errno < 4096 ? errno : 0]++;
	return -errno;
}

/* send the request's bytes and check all replies (most generators) */
static void send_and_check(struct fcase *fc)
{
	int r;

	expect_buf(fc, fc->buf, fc->send_len);
	fc->ph->t->msgs += fc->nexp;
	r = send_buf(fc, fc->c, fc->buf, fc->send_len);
	if (r == -ENODATA && fc->send_len == 0)
		return;		/* netlink refuses empty sends */
	if (r) {
		fail(fc, "send of %zu bytes: %s", fc->send_len, strerror(-r));
		return;
	}
	collect(fc, fc->c, RXBUF);
}

/* ---- building messages: libnl, then by hand --------------------------- */

static struct nl_msg *mk(struct fcase *fc, int flags, int cmd)
{
	struct nl_msg *m = nlmsg_alloc_size(fc->room);

	if (!m) {
		perror("nlmsg_alloc_size");
		exit(KSFT_FAIL);
	}
	if (!genlmsg_put(m, fc->c->portid, fc->seq++, cfg.family, 0, flags,
			 cmd, TCPSM_FAMILY_VERSION)) {
		fprintf(stderr, "genlmsg_put failed\n");
		exit(KSFT_FAIL);
	}
	return m;
}

/* Append @m (freed) to the request's bytes; returns its header there. */
static struct nlmsghdr *emit(struct fcase *fc, struct nl_msg *m)
{
	struct nlmsghdr *h = nlmsg_hdr(m);
	size_t off = NLMSG_ALIGN(fc->len), n = h->nlmsg_len;

	if (off + n > sizeof(fc->buf)) {
		fprintf(stderr, "genl_fuzz: request %ld outgrew its buffer\n",
			fc->idx);
		exit(KSFT_FAIL);
	}
	memset(fc->buf + fc->len, 0, off - fc->len);
	memcpy(fc->buf + off, h, n);
	fc->len = off + n;
	fc->send_len = fc->len;
	nlmsg_free(m);
	return (struct nlmsghdr *)(fc->buf + off);
}

/* @n random bytes after the request (space for misplaced lengths) */
static void emit_junk(struct fcase *fc, size_t n)
{
	if (fc->len + n > sizeof(fc->buf))
		n = sizeof(fc->buf) - fc->len;
	rnd_bytes(&fc->r, fc->buf + fc->len, n);
	fc->len += n;
	fc->send_len = fc->len;
}

/* flags a valid request may have: REQUEST, maybe ACK, ECHO, DUMP */
static int valid_flags(struct fcase *fc)
{
	int f = NLM_F_REQUEST;

	if (one_in(&fc->r, 2))
		f |= NLM_F_ACK;
	if (one_in(&fc->r, 8))
		f |= NLM_F_ECHO;
	if (one_in(&fc->r, 3))
		f |= NLM_F_DUMP;
	return f;
}

static int rnd_attr_type(struct rng *r)
{
	switch (below(r, 8)) {
	case 0: case 1: case 2: case 3:
		return below(r, TCPSM_A_STATS_MAX + 3);
	case 4:
		return below(r, 256);
	case 5:
		return below(r, 0x10000);	/* the flag bits too */
	case 6:
		return below(r, TCPSM_A_STATS_MAX + 2) | NLA_F_NESTED;
	default:
		return below(r, TCPSM_A_STATS_MAX + 2) | NLA_F_NET_BYTEORDER;
	}
}

/* payload length: mostly small, sometimes large, bounded by @room */
static size_t rnd_attr_len(struct rng *r, size_t room)
{
	size_t n;

	switch (below(r, 16)) {
	case 0:
		n = 0;
		break;
	case 1: case 2: case 3: case 4: case 5: case 6: case 7: case 8:
		n = below(r, 17);
		break;
	case 9: case 10: case 11: case 12:
		n = below(r, 256);
		break;
	case 13: case 14:
		n = below(r, 4096);
		break;
	default:
		n = below(r, 0xffff - NLA_HDRLEN + 1);
		break;
	}
	return n < room ? n : room;
}

/* payload: random bytes, or a value a u32/u64/flag parser may choke on */
static void rnd_payload(struct rng *r, unsigned char *p, size_t n)
{
	static const __u32 vals[] = {
		0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff, TCPSM_STATE_MAX,
		TCPSM_STATE_MAX + 1, 4026531840u, 4026531993u,
	};
	__u32 v = vals[below(r, ARRAY_SIZE(vals))];
	size_t i;

	if (one_in(r, 3)) {
		rnd_bytes(r, p, n);
		return;
	}
	memset(p, one_in(r, 2) ? 0 : 0xff, n);
	for (i = 0; i + 4 <= n && i < 16; i += 4)
		memcpy(p + i, &v, 4);
}

/* room left for attributes in @m */
static size_t room_left(struct fcase *fc, struct nl_msg *m)
{
	size_t used = NLMSG_ALIGN(nlmsg_hdr(m)->nlmsg_len) + NLA_HDRLEN;

	return used < fc->room ? fc->room - used : 0;
}

static void put_rnd_attr(struct fcase *fc, struct nl_msg *m, int type)
{
	static unsigned char pl[0x10000];
	size_t n = rnd_attr_len(&fc->r, room_left(fc, m));

	rnd_payload(&fc->r, pl, n);
	nla_put(m, type, n, pl);
}

/* the first attribute of the message at @h */
static struct nlattr *attr0(struct nlmsghdr *h)
{
	return (struct nlattr *)((char *)h + GENL_LEN);
}

/* ---- message generators: each appends one message ------------------ */

/* a well-formed GET_STATS: do, dump, sometimes all-netns */
static struct nlmsghdr *m_valid(struct fcase *fc)
{
	int flags = valid_flags(fc);
	struct nl_msg *m = mk(fc, flags, TCPSM_CMD_GET_STATS);

	if (is_dump(flags) && one_in(&fc->r, 6))
		nla_put_flag(m, TCPSM_A_STATS_ALL_NETNS);
	return emit(fc, m);
}

/* any command number, 0..255 */
static struct nlmsghdr *m_cmd(struct fcase *fc)
{
	struct nl_msg *m = mk(fc, valid_flags(fc), below(&fc->r, 256));

	if (one_in(&fc->r, 4))
		put_rnd_attr(fc, m, rnd_attr_type(&fc->r));
	return emit(fc, m);
}

/* 1..8 attributes of random types and lengths */
static struct nlmsghdr *m_attrs(struct fcase *fc)
{
	int cmd = one_in(&fc->r, 8) ? (int)below(&fc->r, 256) :
				      TCPSM_CMD_GET_STATS;
	struct nl_msg *m = mk(fc, valid_flags(fc), cmd);
	int i, n = range(&fc->r, 1, 8);

	for (i = 0; i < n; i++)
		put_rnd_attr(fc, m, rnd_attr_type(&fc->r));
	return emit(fc, m);
}

/* the spec's attributes with the wrong payload: flag with data, short u32 */
static struct nlmsghdr *m_typed(struct fcase *fc)
{
	static const int lens[] = { 0, 1, 2, 3, 4, 5, 7, 8, 12, 16, 64 };
	struct nl_msg *m = mk(fc, valid_flags(fc), TCPSM_CMD_GET_STATS);
	unsigned char pl[64];
	struct nlattr *n;
	int i, k = range(&fc->r, 1, 3);

	for (i = 0; i < k; i++) {
		int type = below(&fc->r, TCPSM_A_STATS_MAX + 1);
		int len = lens[below(&fc->r, ARRAY_SIZE(lens))];

		if (one_in(&fc->r, 4))
			type |= NLA_F_NESTED;
		if ((type & NLA_TYPE_MASK) >= TCPSM_A_STATS_STATE &&
		    one_in(&fc->r, 2)) {
			/* a reply nest, as the kernel sends it */
			n = nla_nest_start(m, type);
			nla_put_u32(m, 2, below(&fc->r, TCPSM_STATE_MAX + 2));
			nla_put_u64(m, 3 + one_in(&fc->r, 2), rnd(&fc->r));
			nla_nest_end(m, n);
			continue;
		}
		rnd_payload(&fc->r, pl, len);
		nla_put(m, type, len, pl);
	}
	return emit(fc, m);
}

/* nests, some deep, NLA_F_NESTED set or not at each level */
static struct nlmsghdr *m_nested(struct fcase *fc)
{
	struct nl_msg *m = mk(fc, valid_flags(fc), TCPSM_CMD_GET_STATS);
	struct nlattr *lvl[512];
	int depth, i, j;

	depth = one_in(&fc->r, 4) ? (int)range(&fc->r, 16, ARRAY_SIZE(lvl)) :
				    (int)range(&fc->r, 1, 4);
	for (i = 0; i < depth; i++) {
		lvl[i] = nla_nest_start(m, rnd_attr_type(&fc->r) & NLA_TYPE_MASK);
		if (!lvl[i])
			break;
		if (one_in(&fc->r, 3))
			lvl[i]->nla_type &= ~NLA_F_NESTED;
		if (one_in(&fc->r, 8))	/* a sibling beside the next level */
			put_rnd_attr(fc, m, rnd_attr_type(&fc->r));
	}
	depth = i;
	j = below(&fc->r, 4);
	if (!j)	/* libnl drops empty nests: keep one by hand */
		nla_put(m, NLA_F_NESTED | TCPSM_A_STATS_STATE, 0, "");
	for (; j > 0; j--)
		put_rnd_attr(fc, m, rnd_attr_type(&fc->r));
	for (i = depth - 1; i >= 0; i--)
		nla_nest_end(m, lvl[i]);
	return emit(fc, m);
}

/* attributes with nla_len 0..4: less than a header, or no payload */
static struct nlmsghdr *m_zero_len(struct fcase *fc)
{
	struct nl_msg *m = mk(fc, valid_flags(fc), TCPSM_CMD_GET_STATS);
	unsigned char pl[8] = { 0 };
	struct nlmsghdr *h;
	struct nlattr *a;
	int i, before = below(&fc->r, 3);

	for (i = 0; i < before; i++)
		nla_put(m, rnd_attr_type(&fc->r), 0, pl);
	nla_put(m, rnd_attr_type(&fc->r), below(&fc->r, 9), pl);
	if (one_in(&fc->r, 2))
		nla_put_flag(m, TCPSM_A_STATS_ALL_NETNS);
	h = emit(fc, m);
	a = (void *)((char *)attr0(h) + before * NLA_HDRLEN);
	a->nla_len = below(&fc->r, NLA_HDRLEN + 1);
	return h;
}

/* an attribute longer than what is left of the message (or its nest) */
static struct nlmsghdr *m_overrun(struct fcase *fc)
{
	struct nl_msg *m = mk(fc, valid_flags(fc), TCPSM_CMD_GET_STATS);
	bool nested = one_in(&fc->r, 3);
	struct nlmsghdr *h;
	struct nlattr *a, *n = NULL;
	__u32 over;

	if (nested)
		n = nla_nest_start(m, TCPSM_A_STATS_STATE);
	put_rnd_attr(fc, m, rnd_attr_type(&fc->r) & NLA_TYPE_MASK);
	if (nested)
		nla_nest_end(m, n);
	if (one_in(&fc->r, 2))
		nla_put_flag(m, TCPSM_A_STATS_ALL_NETNS);
	h = emit(fc, m);
	a = attr0(h);
	if (nested && a->nla_len > NLA_HDRLEN)
		a = nla_data(a);
	switch (below(&fc->r, 3)) {
	case 0:
		over = range(&fc->r, 1, 3);
		break;
	case 1:
		over = range(&fc->r, 4, 64);
		break;
	default:
		over = below(&fc->r, 0x10000);
		break;
	}
	a->nla_len = (__u16)(h->nlmsg_len - ((char *)a - (char *)h) + over);
	return h;
}

/* the same attribute several times */
static struct nlmsghdr *m_dup(struct fcase *fc)
{
	struct nl_msg *m = mk(fc, valid_flags(fc), TCPSM_CMD_GET_STATS);
	int type = below(&fc->r, TCPSM_A_STATS_MAX + 2);
	int i, n = range(&fc->r, 2, 64);
	__u32 v = rnd(&fc->r);

	for (i = 0; i < n; i++) {
		if (type == TCPSM_A_STATS_ALL_NETNS || one_in(&fc->r, 3))
			nla_put_flag(m, TCPSM_A_STATS_ALL_NETNS);
		else
			nla_put_u32(m, type, v);
	}
	return emit(fc, m);
}

/* attribute types up to 0xffff, flag bits included */
static struct nlmsghdr *m_high_type(struct fcase *fc)
{
	static const int types[] = { 0x7fff, 0x8000, 0xbfff, 0xc000, 0xffff,
				     0x4000 | TCPSM_A_STATS_ALL_NETNS,
				     0xc000 | TCPSM_A_STATS_ALL_NETNS };
	struct nl_msg *m = mk(fc, valid_flags(fc), TCPSM_CMD_GET_STATS);
	int i, n = range(&fc->r, 1, 6);

	for (i = 0; i < n; i++) {
		int t = one_in(&fc->r, 3) ? types[below(&fc->r, ARRAY_SIZE(types))] :
					    (int)range(&fc->r, 0x100, 0xffff);

		put_rnd_attr(fc, m, t);
	}
	return emit(fc, m);
}

/* a random (mostly valid-ish) message for the header mutations */
static struct nlmsghdr *m_base(struct fcase *fc)
{
	return one_in(&fc->r, 2) ? m_valid(fc) : m_attrs(fc);
}

/* nlmsg_len too short, inside the genl header, unaligned, past the end */
static struct nlmsghdr *m_nlmsg_len(struct fcase *fc)
{
	struct nlmsghdr *h = m_base(fc);
	__u32 real = h->nlmsg_len;

	switch (below(&fc->r, 7)) {
	case 0:
		h->nlmsg_len = below(&fc->r, NLMSG_HDRLEN);
		break;
	case 1:
		h->nlmsg_len = range(&fc->r, NLMSG_HDRLEN, GENL_LEN - 1);
		break;
	case 2:		/* unaligned, cutting the last attribute */
		h->nlmsg_len = real - range(&fc->r, 1, real - GENL_LEN < 3 ?
						    1 : 3);
		break;
	case 3:		/* past the bytes sent */
		h->nlmsg_len = real + range(&fc->r, 1, 3);
		break;
	case 4:		/* unaligned, with bytes behind it */
		emit_junk(fc, 4);
		h->nlmsg_len = real + range(&fc->r, 1, 3);
		break;
	case 5:		/* aligned, with junk behind it */
		emit_junk(fc, 4 * range(&fc->r, 1, 16));
		h->nlmsg_len = real + 4 * below(&fc->r, 5);
		break;
	default:
		h->nlmsg_len = range(&fc->r, real + 1, 0xffffffff);
		break;
	}
	return h;
}

/* genl version and reserved field */
static struct nlmsghdr *m_genl_hdr(struct fcase *fc)
{
	struct nlmsghdr *h = m_base(fc);
	struct genlmsghdr *g = NLMSG_DATA(h);

	if (one_in(&fc->r, 2))
		g->version = below(&fc->r, 256);
	if (one_in(&fc->r, 2))
		g->reserved = one_in(&fc->r, 2) ? 1u << below(&fc->r, 16) :
						  below(&fc->r, 0x10000);
	return h;
}

static const __u16 weird_flags[] = {
	0, NLM_F_ACK, NLM_F_DUMP, NLM_F_DUMP | NLM_F_ACK, NLM_F_ECHO,
	NLM_F_REQUEST | NLM_F_ROOT, NLM_F_REQUEST | NLM_F_MATCH,
	NLM_F_REQUEST | NLM_F_ATOMIC, NLM_F_REQUEST | NLM_F_DUMP | NLM_F_ATOMIC,
	NLM_F_REQUEST | NLM_F_MULTI, NLM_F_REQUEST | NLM_F_DUMP_INTR,
	NLM_F_REQUEST | NLM_F_DUMP_FILTERED, NLM_F_REQUEST | NLM_F_ACK_TLVS,
	NLM_F_REQUEST | NLM_F_CAPPED, NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO |
	NLM_F_DUMP, NLM_F_REQUEST | NLM_F_ECHO, NLM_F_REQUEST | 0x8000,
	NLM_F_REQUEST | NLM_F_DUMP | 0x800, NLM_F_REQUEST | NLM_F_ROOT |
	NLM_F_ACK, 0xffff, 0xffff & ~NLM_F_REQUEST,
};

/* nlmsg_flags: NLM_F_REQUEST set or not, DUMP, ACK, ECHO, odd bits */
static struct nlmsghdr *m_flags(struct fcase *fc)
{
	struct nlmsghdr *h = m_base(fc);

	if (one_in(&fc->r, 2))
		h->nlmsg_flags = weird_flags[below(&fc->r, ARRAY_SIZE(weird_flags))];
	else
		h->nlmsg_flags = below(&fc->r, 0x10000);
	return h;
}

/* control message types, and a type no family has */
static struct nlmsghdr *m_type(struct fcase *fc)
{
	struct nlmsghdr *h = m_base(fc);

	h->nlmsg_type = one_in(&fc->r, 4) ? UNREG_TYPE :
					    below(&fc->r, NLMSG_MIN_TYPE);
	if (one_in(&fc->r, 2))
		h->nlmsg_flags |= NLM_F_ACK;
	return h;
}

/* a header, then random bytes */
static struct nlmsghdr *m_bytes(struct fcase *fc)
{
	struct nl_msg *m = mk(fc, 0, 0);
	struct nlmsghdr *h = emit(fc, m);
	size_t off = (unsigned char *)h - fc->buf;
	size_t n = below(&fc->r, 257);

	fc->len = off + NLMSG_HDRLEN;
	emit_junk(fc, n);
	h->nlmsg_len = NLMSG_HDRLEN + n;
	h->nlmsg_flags = below(&fc->r, 4) ? (uint32_t)valid_flags(fc) :
					    below(&fc->r, 0x10000);
	return h;
}

typedef struct nlmsghdr *(*msg_gen)(struct fcase *fc);

static const msg_gen msg_gens[] = {
	m_valid, m_cmd, m_attrs, m_typed, m_nested, m_zero_len, m_overrun,
	m_dup, m_high_type, m_nlmsg_len, m_genl_hdr, m_flags, m_type, m_bytes,
};

/* ---- request generators: one send each, built from messages -------- */

/* now and then, a second mutation of a message's header */
static void restack(struct fcase *fc, struct nlmsghdr *h)
{
	if (one_in(&fc->r, 8))
		h->nlmsg_flags ^= 1 << below(&fc->r, 16);
	if (one_in(&fc->r, 16))
		((struct genlmsghdr *)NLMSG_DATA(h))->version = below(&fc->r, 256);
}

static void r_msg(struct fcase *fc, msg_gen g)
{
	restack(fc, g(fc));
	send_and_check(fc);
}

#define R_MSG(name)					\
static void r_##name(struct fcase *fc)			\
{							\
	r_msg(fc, m_##name);				\
}

R_MSG(valid)
R_MSG(cmd)
R_MSG(attrs)
R_MSG(typed)
R_MSG(nested)
R_MSG(zero_len)
R_MSG(overrun)
R_MSG(dup)
R_MSG(high_type)
R_MSG(nlmsg_len)
R_MSG(genl_hdr)
R_MSG(flags)
R_MSG(type)
R_MSG(bytes)

/* one message with attributes up to 64 KiB */
static void r_oversized(struct fcase *fc)
{
	static unsigned char pl[0x10000];
	struct nl_msg *m;
	size_t n;

	fc->room = 0x10000 + 256;
	m = mk(fc, valid_flags(fc), TCPSM_CMD_GET_STATS);
	do {
		n = range(&fc->r, 1024, 0xffff - NLA_HDRLEN);
		if (n > room_left(fc, m))
			n = room_left(fc, m);
		rnd_payload(&fc->r, pl, n);
		nla_put(m, rnd_attr_type(&fc->r), n, pl);
	} while (room_left(fc, m) > 1024 && one_in(&fc->r, 2));
	restack(fc, emit(fc, m));
	send_and_check(fc);
}

/* a message cut short: inside nlmsghdr, inside the genl header, anywhere */
static void r_truncate(struct fcase *fc)
{
	struct nlmsghdr *h = msg_gens[below(&fc->r, ARRAY_SIZE(msg_gens))](fc);
	size_t cut;

	switch (below(&fc->r, 4)) {
	case 0:		/* inside nlmsghdr; rarely nothing at all */
		cut = one_in(&fc->r, 32) ? 0 : range(&fc->r, 1, NLMSG_HDRLEN - 1);
		break;
	case 1:
		cut = range(&fc->r, NLMSG_HDRLEN, GENL_LEN - 1);
		break;
	default:
		cut = below(&fc->r, fc->len);
		break;
	}
	if (cut >= fc->len)
		cut = fc->len - 1;
	/* nlmsg_len still says the full length, or says the cut */
	if (one_in(&fc->r, 2))
		h->nlmsg_len = cut;
	fc->send_len = cut;
	send_and_check(fc);
}

/* several messages in one send; a bad one stops the rest */
static void r_batch(struct fcase *fc)
{
	int i, n = range(&fc->r, 2, 8);

	fc->room = 2048;
	for (i = 0; i < n; i++)
		restack(fc, msg_gens[below(&fc->r, ARRAY_SIZE(msg_gens))](fc));
	if (one_in(&fc->r, 4))
		fc->send_len = range(&fc->r, fc->len / 2, fc->len);
	send_and_check(fc);
}

static int set_acks(struct conn *c, bool ext, bool cap, bool strict)
{
	int r = set_int(c->fd, SOL_NETLINK, NETLINK_EXT_ACK, ext);

	if (!r)
		r = set_int(c->fd, SOL_NETLINK, NETLINK_CAP_ACK, cap);
	if (!r)
		r = set_int(c->fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, strict);
	c->ext_ack = ext;
	c->cap_ack = cap;
	return r;
}

/* any message, on a socket without extended ACKs, with capped ACKs... */
static void r_sockopt(struct fcase *fc)
{
	bool ext = one_in(&fc->r, 2), cap = one_in(&fc->r, 2);
	int r = set_acks(fc->c, ext, cap, one_in(&fc->r, 2));

	if (r) {
		fail(fc, "setsockopt: %s", strerror(-r));
		return;
	}
	restack(fc, msg_gens[below(&fc->r, ARRAY_SIZE(msg_gens))](fc));
	send_and_check(fc);
	r = set_acks(fc->c, true, false, false);
	if (r)
		fail(fc, "setsockopt: %s", strerror(-r));
}

/*
 * A dump on a socket of its own, abandoned or interrupted: closed at once,
 * closed after part of its first message or its first part, or a new
 * request sent after the first part; or read to the end 4 KiB at a time.
 * Whichever, the module reference the dump took is given back at close.
 */
static void r_dump_interrupt(struct fcase *fc)
{
	struct conn d, *c0 = fc->c;
	int variant = below(&fc->r, 5), ref0 = cfg.refcnt0, ref, r;
	bool all = fc->ph->kind != PH_UNPRIV && !one_in(&fc->r, 4);
	size_t off2;
	char small[64];
	ssize_t n;

	/* a tiny receive buffer: one part queued at a time */
	r = conn_open(&d, variant != 3 && one_in(&fc->r, 2) ? 1 : 0);
	if (r) {
		fail(fc, "socket: %s", strerror(-r));
		conn_close(&d);
		return;
	}
	fc->c = &d;
	emit(fc, mk(fc, NLM_F_REQUEST | NLM_F_DUMP |
		    (one_in(&fc->r, 2) ? NLM_F_ACK : 0), TCPSM_CMD_GET_STATS));
	if (all) {
		struct nlmsghdr *h = (void *)fc->buf;
		struct nlattr *a = attr0(h);

		/* as nla_put_flag would */
		a->nla_len = NLA_HDRLEN;
		a->nla_type = TCPSM_A_STATS_ALL_NETNS;
		h->nlmsg_len += NLA_HDRLEN;
		fc->len = h->nlmsg_len;
		fc->send_len = fc->len;
	}
	expect_buf(fc, fc->buf, fc->len);
	fc->ph->t->msgs += fc->nexp;
	r = send_buf(fc, &d, fc->buf, fc->len);
	if (r)
		fail(fc, "send: %s", strerror(-r));
	if (variant != 4)
		fc->ph->t->interrupted++;
	switch (fc->failed ? -1 : variant) {
	case 0:		/* close at once */
		break;
	case 1:		/* part of the first message, then close */
		n = recv(d.fd, small, sizeof(small), MSG_TRUNC);
		if (n <= (ssize_t)sizeof(small))
			fail(fc, "dump: first recv gave %zd", n < 0 ? -errno : n);
		break;
	case 2:		/* the first part, checked, then close */
		n = pump(fc, &d, 4096, 0);
		if (n <= 0 && !fc->failed)
			fail(fc, "dump: first recv gave %zd", n);
		break;
	case 3:		/* a new request mid-dump: a do, or a dump (-EBUSY) */
		n = pump(fc, &d, 4096, 0);
		if (n <= 0 && !fc->failed)
			fail(fc, "dump: first recv gave %zd", n);
		if (fc->failed)
			break;
		off2 = NLMSG_ALIGN(fc->len);
		emit(fc, mk(fc, valid_flags(fc), TCPSM_CMD_GET_STATS));
		expect_buf(fc, fc->buf + off2, fc->len - off2);
		fc->ph->t->msgs++;
		r = send_buf(fc, &d, fc->buf + off2, fc->len - off2);
		if (r)
			fail(fc, "send: %s", strerror(-r));
		else
			collect(fc, &d, RXBUF);
		break;
	default:	/* all of it, 4 KiB at a time */
		collect(fc, &d, 4096);
		break;
	}
	conn_close(&d);
	fc->c = c0;
	ref = tcpsm_refcnt();
	if (!fc->failed && ref != ref0)
		fail(fc, "module refcount %d after the dump's socket was closed, %d before",
		     ref, ref0);
}

struct gen {
	const char *name;
	int weight;
	void (*run)(struct fcase *fc);
};

static const struct gen gens[] = {
	{ "valid",		10, r_valid },
	{ "cmd",		 7, r_cmd },
	{ "attrs",		10, r_attrs },
	{ "typed",		 7, r_typed },
	{ "nested",		 6, r_nested },
	{ "zero_len",		 4, r_zero_len },
	{ "overrun",		 5, r_overrun },
	{ "dup",		 4, r_dup },
	{ "high_type",		 4, r_high_type },
	{ "nlmsg_len",		 7, r_nlmsg_len },
	{ "genl_hdr",		 5, r_genl_hdr },
	{ "flags",		 7, r_flags },
	{ "type",		 3, r_type },
	{ "bytes",		 4, r_bytes },
	{ "oversized",		 2, r_oversized },
	{ "truncate",		 6, r_truncate },
	{ "batch",		 7, r_batch },
	{ "sockopt",		 2, r_sockopt },
	{ "dump_interrupt",	 2, r_dump_interrupt },
};

/* ---- running cases ---------------------------------------------------- */

static void hexdump(const char *what, const unsigned char *p, size_t len)
{
	size_t i, max = len < 4096 || cfg.only >= 0 ? len : 4096;
	char line[80];
	int o;

	ksft_print_msg("%s, %zu bytes:\n", what, len);
	for (i = 0; i < max; i += 16) {
		o = snprintf(line, sizeof(line), "%04zx:", i);
		for (size_t j = i; j < i + 16 && j < max; j++)
			o += snprintf(line + o, sizeof(line) - o, " %02x", p[j]);
		ksft_print_msg("%s\n", line);
	}
	if (max < len)
		ksft_print_msg("... %zu more bytes (--only prints them all)\n",
			       len - max);
}

static const char *const must_name[] = {
	[MUST_ANY] = "", [MUST_OK] = ", must succeed",
	[MUST_ALL] = ", must list every namespace",
	[MUST_EPERM] = ", must end in EPERM",
};

static void describe(struct fcase *fc)
{
	int i;

	ksft_print_msg("case %ld (%s, %s): %zu bytes sent, %d messages seen by the kernel\n",
		       fc->idx, fc->gen, phase_name[fc->ph->kind],
		       fc->send_len, fc->nexp);
	for (i = 0; i < fc->nexp; i++) {
		const struct expect *e = &fc->exp[i];

		ksft_print_msg("  at %ld: len %u type %u flags %#x seq %u: %s%s%s%s\n",
			       (long)(e->p - fc->buf), e->hdr.nlmsg_len,
			       e->hdr.nlmsg_type, e->hdr.nlmsg_flags,
			       e->hdr.nlmsg_seq, class_name[e->cls],
			       e->err ? " " : "",
			       e->err ? strerror(-e->err) : "",
			       must_name[e->must]);
	}
}

static void report(struct fcase *fc)
{
	ksft_print_msg("FAIL seed %#llx case %ld (%s, %s): %s\n",
		       (unsigned long long)cfg.seed, fc->idx, fc->gen,
		       phase_name[fc->ph->kind], fc->why);
	ksft_print_msg("reproduce: genl_fuzz --seed %#llx --count %ld --only %ld --verbose\n",
		       (unsigned long long)cfg.seed, cfg.count, fc->idx);
	describe(fc);
	hexdump("request", fc->buf, fc->send_len > fc->len ? fc->len :
						     fc->send_len);
	if (fc->bad)
		hexdump("reply", fc->bad, fc->bad_len < 1024 ? fc->bad_len : 1024);
}

static bool run_case(struct phase *ph, struct conn *c, long idx)
{
	struct fcase *fc = &fcase;
	uint64_t s = cfg.seed ^ (0xd1b54a32d192ed03ULL * (uint64_t)(idx + 1));
	int i, w, total = 0;

	fc->r.s = splitmix64(&s);
	fc->idx = idx;
	fc->ph = ph;
	fc->c = c;
	fc->seq = 0x80000000u | ((__u32)(idx & 0x1fffff) << 10);
	fc->room = 4096;
	fc->len = 0;
	fc->send_len = 0;
	fc->nexp = 0;
	fc->dump_started = false;
	fc->failed = false;
	fc->bad = NULL;

	for (i = 0; i < (int)ARRAY_SIZE(gens); i++)
		total += gens[i].weight;
	w = below(&fc->r, total);
	for (i = 0; w >= gens[i].weight; i++)
		w -= gens[i].weight;
	fc->gen = gens[i].name;
	ph->t->gen[i]++;
	ph->t->requests++;
	cur_idx = idx;
	gens[i].run(fc);
	if (cfg.verbose) {
		describe(fc);
		if (cfg.only >= 0)
			hexdump("request", fc->buf, fc->send_len);
	}
	if (fc->failed) {
		report(fc);
		return false;
	}
	return true;
}

static void watchdog(int sig)
{
	char msg[160];
	int n;

	(void)sig;
	n = snprintf(msg, sizeof(msg),
		     "# FAIL seed %#llx case %ld: no progress for %d s (hung in the kernel?)\n",
		     (unsigned long long)cfg.seed, cur_idx, WATCHDOG);
	if (write(STDOUT_FILENO, msg, n) < 0)
		_exit(KSFT_FAIL);
	_exit(KSFT_FAIL);
}

static int drop_privileges(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    /* uid 0 -> non-0 without KEEPCAPS clears all capabilities */
	    setresuid(65534, 65534, 65534) ||
	    syscall(SYS_capget, &h, d))
		return -errno;
	if (d[0].effective | d[1].effective | d[0].permitted | d[1].permitted ||
	    geteuid() == 0)
		return -EPERM;
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* In a child: the phase's credentials or namespace, then its cases. */
static int run_phase(struct phase *ph)
{
	struct tally *t = ph->t;
	struct conn c;
	double t0;
	long i;
	int r;

	r = ph->kind == PH_UNPRIV ? drop_privileges() : 0;
	if (r) {
		ksft_print_msg("dropping privileges: %s\n", strerror(-r));
		return KSFT_FAIL;
	}
	if (ph->kind == PH_NETNS && unshare(CLONE_NEWNET)) {
		ksft_print_msg("unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return KSFT_FAIL;
	}
	r = conn_open(&c, 0);
	if (r) {
		ksft_print_msg("%s: netlink socket: %s\n", phase_name[ph->kind],
			       strerror(-r));
		return KSFT_FAIL;
	}
	r = genl_ctrl_resolve(c.sk, TCPSM_FAMILY_NAME);
	if (r != cfg.family) {
		ksft_print_msg("%s: family id %d, %d in the parent\n",
			       phase_name[ph->kind], r, cfg.family);
		return KSFT_FAIL;
	}
	ksft_print_msg("%s: requests %ld..%ld, uid %d, netns %u\n",
		       phase_name[ph->kind], ph->first, ph->end - 1, geteuid(),
		       c.netns);
	signal(SIGALRM, watchdog);
	t0 = now();
	for (i = ph->first; i < ph->end; i++) {
		if (cfg.only >= 0 && i != cfg.only)
			continue;
		if (!(i & 15))
			alarm(WATCHDOG);
		if (!run_case(ph, &c, i)) {
			t->failed = 1;
			t->fail_idx = i;
			break;
		}
	}
	alarm(0);
	t->secs = now() - t0;
	conn_close(&c);
	return t->failed ? KSFT_FAIL : KSFT_PASS;
}

static bool fork_phase(struct phase *ph)
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		ksft_perror("fork");
		return false;
	}
	if (!pid)
		_exit(run_phase(ph));
	if (waitpid(pid, &st, 0) != pid) {
		ksft_perror("waitpid");
		return false;
	}
	ph->t->ran = 1;
	if (WIFSIGNALED(st)) {
		ksft_print_msg("FAIL seed %#llx: the %s child died of signal %d\n",
			       (unsigned long long)cfg.seed, phase_name[ph->kind],
			       WTERMSIG(st));
		return false;
	}
	return WIFEXITED(st) && WEXITSTATUS(st) == KSFT_PASS;
}

/* ---- after the fuzzing ----------------------------------------------- */

/* a plain GET_STATS do, plain dump and all-netns dump, answered in full */
static bool valid_after(struct phase *ph)
{
	static const struct {
		int flags;
		bool all;
	} reqs[] = {
		{ NLM_F_REQUEST, false },
		{ NLM_F_REQUEST | NLM_F_ACK, false },
		{ NLM_F_REQUEST | NLM_F_DUMP, false },
		{ NLM_F_REQUEST | NLM_F_DUMP, true },
	};
	struct fcase *fc = &fcase;
	struct conn c;
	bool ok = true;
	size_t i;
	int r;

	r = conn_open(&c, 0);
	if (r) {
		ksft_print_msg("netlink socket: %s\n", strerror(-r));
		return false;
	}
	for (i = 0; i < ARRAY_SIZE(reqs) && ok; i++) {
		struct nl_msg *m;

		memset(fc, 0, sizeof(*fc));
		fc->idx = -1;
		fc->gen = "valid_after";
		fc->ph = ph;
		fc->c = &c;
		fc->seq = 1 + i;
		fc->room = 4096;
		m = mk(fc, reqs[i].flags, TCPSM_CMD_GET_STATS);
		if (reqs[i].all)
			nla_put_flag(m, TCPSM_A_STATS_ALL_NETNS);
		emit(fc, m);
		send_and_check(fc);
		if (fc->exp[0].must == MUST_ANY)
			fail(fc, "internal: a plain request not marked must-succeed");
		if (fc->failed) {
			report(fc);
			ok = false;
		}
	}
	conn_close(&c);
	return ok;
}

static bool refcnt_back(void)
{
	int i, r = tcpsm_refcnt();

	/* socket release is synchronous; allow the RCU tail a moment */
	for (i = 0; i < 20 && r != cfg.refcnt0; i++) {
		usleep(100000);
		r = tcpsm_refcnt();
	}
	ksft_print_msg("module refcount %d at the start, %d at the end\n",
		       cfg.refcnt0, r);
	return r == cfg.refcnt0 && r >= 0;
}

/* "<prefix><digits><suffix>" */
static bool match_num(const char *s, const char *prefix, const char *suffix)
{
	size_t n = strlen(prefix);

	if (strncmp(s, prefix, n))
		return false;
	s += n;
	if (*s == '-')
		s++;
	if (*s < '0' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9')
		s++;
	return !strcmp(s, suffix);
}

/* the netlink core's notes about the malformed input we send on purpose */
static bool kmsg_expected(const char *text)
{
	char a[96], b[96];

	snprintf(a, sizeof(a), " bytes leftover after parsing attributes in process `%s'.",
		 cfg.comm);
	snprintf(b, sizeof(b), "netlink: '%s': attribute type ", cfg.comm);
	return match_num(text, "netlink: ", a) ||
	       match_num(text, b, " has an invalid length.") ||
	       match_num(text, "__nla_validate_parse: ", " callbacks suppressed") ||
	       match_num(text, "validate_nla: ", " callbacks suppressed") ||
	       !strcmp(text, "Zero length message leads to an empty skb");
}

/* New /dev/kmsg records at warning level or worse, other than those. */
static bool kmsg_clean(int fd)
{
	char rec[4096];
	int bad = 0, expected = 0, lost = 0;

	for (;;) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);
		char *text, *nl;
		unsigned long prio;

		if (n < 0 && errno == EPIPE) {
			lost++;		/* overwritten before we read it */
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		prio = strtoul(rec, NULL, 10);
		text = strchr(rec, ';');
		if (!text)
			continue;
		text++;
		nl = strchr(text, '\n');
		if (nl)
			*nl = '\0';
		if ((prio & 7) > 4)
			continue;
		if (kmsg_expected(text)) {
			expected++;
			continue;
		}
		bad++;
		ksft_print_msg("kernel log, level %lu: %s\n", prio & 7, text);
	}
	ksft_print_msg("kernel log: %d new lines at warning level or worse, %d lost\n",
		       bad + expected, lost);
	ksft_print_msg("kernel log: %d of them the netlink core's notes on malformed input\n",
		       expected);
	return !bad && !lost;
}

/* ---- summary ---------------------------------------------------------- */

static const char *errname(int e)
{
	const char *s = strerrorname_np(e);

	return s ? s : "?";
}

static void print_errnos(const char *what, const long *tab)
{
	char line[1024];
	int e, o = 0;

	o = snprintf(line, sizeof(line), "%s:", what);
	for (e = 0; e < 4096 && o < (int)sizeof(line) - 32; e++)
		if (tab[e])
			o += snprintf(line + o, sizeof(line) - o, " %s %ld",
				      e ? errname(e) : "0", tab[e]);
	ksft_print_msg("%s%s\n", line, o == (int)strlen(what) + 1 ? " none" : "");
}

static void summary(struct tally *ts)
{
	struct tally s;
	char line[1024];
	long nerr = 0;
	int p, i, e, o;

	memset(&s, 0, sizeof(s));
	for (p = 0; p < NPHASES; p++) {
		struct tally *t = &ts[p];

		s.requests += t->requests;
		s.sends += t->sends;
		s.send_bytes += t->send_bytes;
		s.msgs += t->msgs;
		s.unreached += t->unreached;
		s.silent += t->silent;
		s.acks += t->acks;
		s.data_do += t->data_do;
		s.data_dump += t->data_dump;
		s.done += t->done;
		s.interrupted += t->interrupted;
		s.secs += t->secs;
		for (e = 0; e < 4096; e++) {
			s.err[e] += t->err[e];
			s.done_err[e] += t->done_err[e];
			s.send_err[e] += t->send_err[e];
		}
		for (i = 0; i < (int)ARRAY_SIZE(gens); i++)
			s.gen[i] += t->gen[i];
	}
	for (e = 1; e < 4096; e++)
		nerr += s.err[e];
	ksft_print_msg("summary: seed %#llx: %ld requests (root %ld, unprivileged %ld, netns %ld)\n",
		       (unsigned long long)cfg.seed, s.requests,
		       ts[PH_ROOT].requests, ts[PH_UNPRIV].requests,
		       ts[PH_NETNS].requests);
	ksft_print_msg("summary: %ld sends, %ld bytes, %ld messages parsed by the kernel\n",
		       s.sends, s.send_bytes, s.msgs);
	o = snprintf(line, sizeof(line), "summary: requests by kind:");
	for (i = 0; i < (int)ARRAY_SIZE(gens); i++)
		o += snprintf(line + o, sizeof(line) - o, " %s %ld",
			      gens[i].name, s.gen[i]);
	ksft_print_msg("%s\n", line);
	ksft_print_msg("summary: replies: %ld acks, %ld errors, %ld data (do %ld, dump %ld), %ld done\n",
		       s.acks, nerr, s.data_do + s.data_dump, s.data_do,
		       s.data_dump, s.done);
	ksft_print_msg("summary: %ld messages without reply by design, %ld dumps interrupted\n",
		       s.silent, s.interrupted);
	ksft_print_msg("summary: %ld requests partly unparsed (a bad length, cut short)\n",
		       s.unreached);
	print_errnos("summary: errors by errno", s.err);
	print_errnos("summary: done by errno", s.done_err);
	print_errnos("summary: send refused", s.send_err);
	ksft_print_msg("time: %.1f s for %ld requests, %.0f requests/s\n",
		       s.secs, s.requests, s.secs > 0 ? s.requests / s.secs : 0);
}

/* ---- main ------------------------------------------------------------- */

static void usage(const char *argv0)
{
	fprintf(stderr,
		"usage: %s [--seed S] [--count N] [--only I] [--verbose]\n"
		"  --seed S   the run's seed (default: from the time and pid; $TCPSM_FUZZ_SEED)\n"
		"  --count N  requests (default %d; $TCPSM_FUZZ_COUNT)\n"
		"  --only I   run request I of the run only (same --seed and --count)\n"
		"  --verbose  describe every request\n",
		argv0, DEFAULT_COUNT);
	exit(KSFT_FAIL);
}

static bool parse_num(const char *s, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && *s && !*end;
}

static void parse_args(int argc, char **argv)
{
	unsigned long long v;
	const char *env;
	bool seeded = false;
	int i;

	cfg.count = DEFAULT_COUNT;
	env = getenv("TCPSM_FUZZ_COUNT");
	if (env && *env) {
		if (!parse_num(env, &v) || !v)
			usage(argv[0]);
		cfg.count = v;
	}
	env = getenv("TCPSM_FUZZ_SEED");
	if (env && *env) {
		if (!parse_num(env, &v))
			usage(argv[0]);
		cfg.seed = v;
		seeded = true;
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
			cfg.verbose = true;
		} else if (i + 1 < argc && !strcmp(a, "--seed")) {
			if (!parse_num(argv[++i], &v))
				usage(argv[0]);
			cfg.seed = v;
			seeded = true;
		} else if (i + 1 < argc && !strcmp(a, "--count")) {
			if (!parse_num(argv[++i], &v) || !v || v > 1000000000)
				usage(argv[0]);
			cfg.count = v;
		} else if (i + 1 < argc && !strcmp(a, "--only")) {
			if (!parse_num(argv[++i], &v))
				usage(argv[0]);
			cfg.only = v;
		} else {
			usage(argv[0]);
		}
	}
	if (cfg.only >= cfg.count)
		usage(argv[0]);
	if (!seeded) {
		struct timespec ts;
		uint64_t s;

		clock_gettime(CLOCK_REALTIME, &ts);
		s = ((uint64_t)ts.tv_sec << 30) ^ ts.tv_nsec ^
		    ((uint64_t)getpid() << 48);
		cfg.seed = splitmix64(&s);
	}
}

/* namespaces kept alive by an fd each, so all-netns dumps have parts */
static int make_namespaces(int *fds, int n)
{
	int orig = open("/proc/self/ns/net", O_RDONLY), i;

	if (orig < 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (unshare(CLONE_NEWNET))
			break;
		fds[i] = open("/proc/self/ns/net", O_RDONLY);
		if (fds[i] < 0)
			break;
	}
	if (setns(orig, CLONE_NEWNET)) {
		ksft_perror("setns");
		exit(KSFT_FAIL);
	}
	close(orig);
	return i;
}

int main(int argc, char **argv)
{
	struct phase ph[NPHASES];
	struct tally *ts;
	int nsfd[NNS], nns, kmsg, i;
	bool ok[NPHASES], after;
	long n_side;
	double t0;
	struct conn c;
	FILE *f;

	parse_args(argc, argv);
	ksft_print_header();
	ksft_set_plan(NPHASES + 3);
	ksft_print_msg("genl_fuzz: seed %#llx, count %ld%s\n",
		       (unsigned long long)cfg.seed, cfg.count,
		       cfg.only >= 0 ? ", one request" : "");
	ksft_print_msg("reproduce: genl_fuzz --seed %#llx --count %ld\n",
		       (unsigned long long)cfg.seed, cfg.count);

	f = fopen("/proc/self/comm", "r");
	if (!f || !fgets(cfg.comm, sizeof(cfg.comm), f))
		ksft_exit_fail_msg("/proc/self/comm: %s\n", strerror(errno));
	fclose(f);
	cfg.comm[strcspn(cfg.comm, "\n")] = '\0';

	if (conn_open(&c, 0))
		ksft_exit_fail_msg("netlink socket: %s\n", strerror(errno));
	cfg.family = genl_ctrl_resolve(c.sk, TCPSM_FAMILY_NAME);
	conn_close(&c);
	if (cfg.family < 0)
		ksft_exit_fail_msg("no generic netlink family %s (module loaded?)\n",
				   TCPSM_FAMILY_NAME);

	nns = make_namespaces(nsfd, NNS);
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg >= 0)
		lseek(kmsg, 0, SEEK_END);
	cfg.refcnt0 = tcpsm_refcnt();
	ksft_print_msg("family id %d, %d extra namespaces, module refcount %d\n",
		       cfg.family, nns, cfg.refcnt0);

	ts = mmap(NULL, NPHASES * sizeof(*ts), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ts == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	n_side = cfg.count / 10;
	for (i = 0; i < NPHASES; i++) {
		ph[i].kind = i;
		ph[i].t = &ts[i];
		ph[i].min_all = nns + 1;
	}
	ph[PH_ROOT].first = 0;
	ph[PH_ROOT].end = cfg.count - 2 * n_side;
	ph[PH_UNPRIV].first = ph[PH_ROOT].end;
	ph[PH_UNPRIV].end = ph[PH_UNPRIV].first + n_side;
	ph[PH_NETNS].first = ph[PH_UNPRIV].end;
	ph[PH_NETNS].end = cfg.count;

	t0 = now();
	for (i = 0; i < NPHASES; i++) {
		const char *name = phase_name[i];

		if (ph[i].first == ph[i].end ||
		    (cfg.only >= 0 && (cfg.only < ph[i].first ||
				       cfg.only >= ph[i].end))) {
			ksft_test_result_skip("fuzz_%s: no requests in this run\n", name);
			continue;
		}
		ok[i] = fork_phase(&ph[i]);
		ksft_print_msg("%s: %ld requests in %.1f s\n", name,
			       ts[i].requests, ts[i].secs);
		ksft_test_result(ok[i], "fuzz_%s: %ld requests\n", name,
				 ts[i].requests);
	}

	after = valid_after(&ph[PH_ROOT]);
	ksft_test_result(after, "valid_get_stats_after: do, dumps answered in full\n");
	for (i = 0; i < nns; i++)
		close(nsfd[i]);
	ksft_test_result(refcnt_back(), "module_refcnt: back at its starting value\n");
	if (kmsg < 0)
		ksft_test_result_skip("kernel_log: /dev/kmsg: %s\n", strerror(errno));
	else
		ksft_test_result(kmsg_clean(kmsg), "kernel_log: no new warning\n");

	summary(ts);
	ksft_print_msg("total time %.1f s\n", now() - t0);
	ksft_finished();
}
