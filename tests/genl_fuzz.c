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
 * the kernel's netlink_rcv_skb() walks them, and each message the kernel
 * will see is run through a model of the generic netlink core and of
 * tcpsm (predict() below), which says exactly what it must get back:
 *   - no NLM_F_REQUEST, or a control type (< NLMSG_MIN_TYPE): nothing, or
 *     an ACK with error 0 if NLM_F_ACK is set;
 *   - the tcpsm family, in genl_family_rcv_msg()'s order: -EINVAL (header
 *     shorter than the genl header, reserved field set, flags other than
 *     REQUEST/ACK/ECHO/DUMP), -EOPNOTSUPP (no such command, or no do or
 *     dump handler for it), -EPERM (SET_CONFIG without CAP_NET_ADMIN over
 *     the namespace's user namespace), -EBUSY (a dump while one runs on
 *     the socket), the strict attribute validation of the command's policy
 *     (-EINVAL or -ERANGE, with the extack message, attribute offset and
 *     policy, NLMSGERR_ATTR_POLICY, that lib/nlattr.c and
 *     net/netlink/policy.c give), then the handler: a reply (+ ACK if
 *     asked), or a dump (NLM_F_MULTI messages, DONE), or its own error;
 *   - the policies are the ones generated from the spec (kmod/tcpsm_nl.c):
 *     GET_STATS, GET_CLOSEWAIT, GET_ALARMS, GET_LISTENERS and GET_LATENCY
 *     all-netns (a flag), SET_CONFIG the six settings (u32s with the spec's ranges,
 *     keys[] in genl_common.c); GET_CONFIG, without one, refuses every
 *     attribute (reject-all, maxattr 1, strict: the core's
 *     genl_policy_reject_all on 6.1, tcpsm's own copy on 6.2+); an
 *     all-netns dump is refused, -EPERM with its reason, unprivileged or
 *     from a child namespace, and may list any namespace otherwise;
 *   - GET_CONFIG and SET_CONFIG replies carry the namespace's settings as
 *     the model tracks them: every SET_CONFIG that succeeds changes them,
 *     one that fails (-ERANGE "integer out of range" at the first value
 *     out of its range in message order, every copy of a repeated
 *     setting checked, the range in the extack's policy; -EINVAL "no
 *     setting given"; -EINVAL when the resulting synflood.clear is not
 *     below synflood.raise) changes nothing;
 *   - a message whose nlmsg_len is < 16 or runs past the bytes sent
 *     stops the walk: neither it nor anything after it gets a reply.
 * Replies are read with recv(2) until every message seen has had its last
 * reply (SO_RCVTIMEO bounds the wait: a missing reply is a hang), and then
 * nothing more may be queued. Every reply must be a well-formed netlink
 * message addressed to us: NLMSG_ERROR with the predicted error that
 * echoes the request's header (and payload unless capped) and has
 * well-formed extack TLVs (the predicted message and offset, when the
 * socket asked for them), NLMSG_DONE, or a message of the command that
 * parses completely as the spec says (GET_STATS: netns, a gauge for each
 * of the ten states, well-formed transitions, the counters, the seven
 * syn-counters once each, or none in a namespace not sampled yet;
 * GET_CONFIG, SET_CONFIG: the netns and the six settings; GET_CLOSEWAIT,
 * GET_ALARMS: one port or alarm of our namespace each, an alarm with the
 * attributes of its kind; GET_LISTENERS: one listener of our namespace
 * each, its address as long as its family's, its percentages 0..100, the
 * SYN queue's limit the accept queue's; GET_LATENCY: one histogram of
 * our namespace each, of a state that is left, its 39 buckets adding up
 * to its count). The one thing the model cannot
 * know is whether a GET_CLOSEWAIT, GET_ALARMS, GET_LISTENERS or GET_LATENCY dump ended
 * in its first round (no port in CLOSE_WAIT, no listener): a dump after
 * it in the same send may get -EBUSY.
 *
 * The generic netlink core changed in 6.2 (split ops): 6.1 says -EPERM to
 * an unprivileged SET_CONFIG dump before it finds that the command has no
 * dump handler, 6.2 and later say -EOPNOTSUPP. The model follows the
 * running kernel (uname).
 *
 * Two rules keep the fuzzing on tcpsm: a message the kernel would route to
 * another generic netlink family (its type came out of doctored bytes) is
 * retyped to tcpsm, and messages the kernel will see get distinct sequence
 * numbers, so that every reply can be told apart.
 *
 * 80% of the requests are sent as root, 10% by a child that dropped to
 * uid/gid 65534 without capabilities, 10% by a child in a new network
 * namespace (made by root, so owned by the initial user namespace: root
 * may change its settings). Each command of the family is fuzzed, and
 * some that are not. Then: the settings of the initial namespace must be
 * what the root phase left (the child namespace's changes stayed there),
 * and are put back to what they were at the start; a valid GET_STATS do
 * and dumps, GET_CONFIG, GET_CLOSEWAIT, GET_ALARMS and GET_LISTENERS must
 * still be answered in full (the last showing the listener genl_fuzz
 * opened on 127.0.0.1 at the start, backlog 7, with that limit, and every
 * GET_STATS message with its syn-counters), /sys/module/tcpsm/refcnt must
 * be back at its starting value, and the kernel must have logged nothing
 * at warning level or worse (/dev/kmsg), save the netlink core's own
 * rate-limited notes about malformed attributes from this process ("bytes
 * leftover after parsing attributes", "attribute type N has an invalid
 * length", their "callbacks suppressed") and its once-per-boot note about
 * a zero-length send: those are the kernel's answer to input this tool
 * makes on purpose. A child reads /dev/kmsg as records come, for the
 * whole run, so that the kernel's ring buffer (small on a production
 * kernel, busy on a debug one) never overwrites one unread.
 *
 * Reproduce: the run is a function of the seed and the count (printed at
 * the start), and the bytes of case I depend only on the seed and I:
 *   build/tests/genl_fuzz --seed S --count N             the whole run
 *   build/tests/genl_fuzz --seed S --count N --only I -v  case I, with bytes
 * The settings a case meets depend on the SET_CONFIGs before it: --only I
 * replays the cases before I through the model without sending them, and
 * sets the namespace's settings to what the whole run would have had at
 * case I before sending it.
 * A failure prints the seed, the case index, its bytes and the reply in hex.
 *
 * Runs as root in the VM (tests/run.sh loads tcpsm.ko).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
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

#include "kselftest.h"

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
	/*
	 * Generic netlink split ops (6.2): the command is looked up with its
	 * kind (do or dump) before the permission check.
	 */
	bool split_ops;
} cfg = { .only = -1 };

/* ---- the alarm settings of a namespace (GET_CONFIG, SET_CONFIG) -------- */

/* the settings (keys[], K_*, struct cfgv, ranges): genl_common.h */

/* between the phases' children and main */
struct shared {
	struct cfgv init_start;	/* the initial namespace's, at the start */
	struct cfgv init_now;	/* ... as the model has them now */
	struct cfgv fresh;	/* a new namespace's (the module parameters) */
	bool have_fresh;
	int kmsg_bad;		/* /dev/kmsg: records at warning or worse */
	int kmsg_expected;	/* ... of them the netlink core's notes */
	int kmsg_lost;		/* ... overwritten before they were read */
};

static struct shared *shared;

enum phase_kind { PH_ROOT, PH_UNPRIV, PH_NETNS, NPHASES };

static const char *const phase_name[NPHASES] = {
	"root", "unprivileged", "netns",
};

struct phase {
	enum phase_kind kind;
	long first, end;	/* case indices [first, end) */
	struct tally *t;	/* in shared memory */
	int min_all;		/* messages an all-netns dump has at least */
	struct cfgv cur;	/* the model: the settings of its namespace */
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
	M_ERR,		/* refused: NLMSG_ERROR err */
	M_DO,		/* a reply of cmd, then the ACK if asked */
	M_DUMP,		/* NLM_F_MULTI messages of cmd, then DONE */
};

static const char *const class_name[] = {
	[M_IGNORED] = "ignored", [M_NOFAMILY] = "no family", [M_ERR] = "error",
	[M_DO] = "do", [M_DUMP] = "dump",
};

/* what a dump (M_DUMP) must give */
enum must {
	MUST_NONE,
	MUST_OK,	/* GET_STATS: our namespace, one message */
	MUST_ALL,	/* ALL_NETNS as root: min_all messages, ours too */
	MUST_EPERM,	/* ALL_NETNS unprivileged: DONE -EPERM, no message */
	MUST_LIST,	/* the list dumps (not GET_STATS): 0 or more of ours */
	MUST_LIST_ALL,	/* the same with ALL_NETNS as root: of any namespace */
};

/* Is a dump running on the socket? (in the order the kernel sees them) */
enum dump_state {
	DS_IDLE,	/* no */
	DS_RUNNING,	/* yes: a new dump gets -EBUSY */
	DS_MAYBE,	/* maybe (a dump that may have ended in its first round) */
};

struct expect {
	const unsigned char *p;	/* the message as sent */
	struct nlmsghdr hdr;
	enum mclass cls;
	__u8 cmd;		/* M_DO, M_DUMP: the command of the replies */
	enum must must;
	int err;		/* M_NOFAMILY, M_ERR: -errno */
	const char *emsg;	/* M_ERR, MUST_EPERM: the extack message, or NULL */
	int eoffs;		/* M_ERR: NLMSGERR_ATTR_OFFS, or -1: none */
	struct want_policy epol;	/* M_ERR: NLMSGERR_ATTR_POLICY */
	bool busy_ok;		/* a dump that may get -EBUSY instead */
	struct cfgv cfg;	/* GET_CONFIG, SET_CONFIG: the reply's settings */
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
	enum dump_state dump;	/* on the socket, as of the message modelled */
	struct cfgv *cur;	/* the settings of the namespace, modelled */
	struct cfgv cfg_before;	/* ... before this case */
	bool dry;		/* model only: send nothing (--only's replay) */
	/* the extack TLVs of the last reply checked */
	bool tlv_msg, tlv_offs;
	char tlv_msg_text[256];
	__u32 tlv_offs_val;
	struct ack_policy tlv_pol;
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

/* ---- the model: what the kernel makes of one message ------------------ */

/*
 * The request policies of the family's commands, as the generic netlink
 * core has them: tcpsm sets no resv_start_op, so every command is "new"
 * and validated strictly (NL_VALIDATE_STRICT). The policies are the ones
 * generated from the spec into kmod/tcpsm_nl.c. A command without one
 * gets a reject-all policy with maxattr 1 on every kernel: on 6.1 the
 * core's (genl_op_fill_in_reject_policy()), on 6.2+ tcpsm_genl.c's, since
 * the core would parse nothing for a split op without a policy.
 */
/* the largest request attribute type of any policy */
#define POL_MAX		((int)TCPSM_A_ALARM_ALL_NETNS)

enum pol_type {
	P_UNSPEC,	/* no entry: NLA_UNSPEC, refused in strict mode */
	P_FLAG,
	P_SETTING,	/* a u32 with the range of its setting in keys[] */
	P_REJECT,
};

struct policy {
	int maxtype;
	enum pol_type t[POL_MAX + 1];
};

/* tcpsm_get_stats_{do,dump}_nl_policy: PAD and NETNS unset */
static const struct policy pol_stats = {
	TCPSM_A_STATS_ALL_NETNS, { [TCPSM_A_STATS_ALL_NETNS] = P_FLAG },
};

/* tcpsm_set_config_nl_policy: NETNS (reply only) unset */
static const struct policy pol_set_config = {
	TCPSM_A_CONFIG_SYNFLOOD_DURATION, {
		[TCPSM_A_CONFIG_CLOSEWAIT_COUNT] = P_SETTING,
		[TCPSM_A_CONFIG_CLOSEWAIT_AGE] = P_SETTING,
		[TCPSM_A_CONFIG_CLOSEWAIT_WINDOW] = P_SETTING,
		[TCPSM_A_CONFIG_SYNFLOOD_RAISE] = P_SETTING,
		[TCPSM_A_CONFIG_SYNFLOOD_CLEAR] = P_SETTING,
		[TCPSM_A_CONFIG_SYNFLOOD_DURATION] = P_SETTING,
	},
};

/* the dumps that take all-netns only: GET_CLOSEWAIT, GET_ALARMS, GET_LISTENERS */
static const struct policy pol_cw = {
	TCPSM_A_CLOSEWAIT_ALL_NETNS, { [TCPSM_A_CLOSEWAIT_ALL_NETNS] = P_FLAG },
};

static const struct policy pol_alarms = {
	TCPSM_A_ALARM_ALL_NETNS, { [TCPSM_A_ALARM_ALL_NETNS] = P_FLAG },
};

static const struct policy pol_listeners = {
	TCPSM_A_LISTENERS_ALL_NETNS, { [TCPSM_A_LISTENERS_ALL_NETNS] = P_FLAG },
};

static const struct policy pol_latency = {
	TCPSM_A_LATENCY_ALL_NETNS, { [TCPSM_A_LATENCY_ALL_NETNS] = P_FLAG },
};
_Static_assert(TCPSM_A_LATENCY_ALL_NETNS <= POL_MAX, "POL_MAX");

/* genl_policy_reject_all */
static const struct policy pol_reject = { 1, { P_REJECT, P_REJECT } };

/* tcpsm_nl_ops[] in kmod/tcpsm_nl.c */
struct op_model {
	bool doit, dumpit;
	bool uns_admin;		/* GENL_UNS_ADMIN_PERM */
	const struct policy *pol;	/* the one the core validates with */
};

static const struct op_model *op_of(__u8 cmd)
{
	static const struct op_model ops[] = {
		[TCPSM_CMD_GET_STATS] = { true, true, false, &pol_stats },
		[TCPSM_CMD_GET_CONFIG] = { true, false, false, &pol_reject },
		[TCPSM_CMD_SET_CONFIG] = { true, false, true, &pol_set_config },
		[TCPSM_CMD_GET_CLOSEWAIT] = { false, true, false, &pol_cw },
		[TCPSM_CMD_GET_ALARMS] = { false, true, false, &pol_alarms },
		[TCPSM_CMD_GET_LISTENERS] = { false, true, false, &pol_listeners },
		[TCPSM_CMD_GET_LATENCY] = { false, true, false, &pol_latency },
	};

	if (cmd >= ARRAY_SIZE(ops) || !(ops[cmd].doit || ops[cmd].dumpit))
		return NULL;	/* EVENT and ALARM are notifications only */
	return &ops[cmd];
}

static const char *cmd_name(unsigned int cmd)
{
	static const char *const names[] = {
		[TCPSM_CMD_GET_STATS] = "GET_STATS",
		[TCPSM_CMD_EVENT] = "EVENT",
		[TCPSM_CMD_GET_CONFIG] = "GET_CONFIG",
		[TCPSM_CMD_SET_CONFIG] = "SET_CONFIG",
		[TCPSM_CMD_GET_CLOSEWAIT] = "GET_CLOSEWAIT",
		[TCPSM_CMD_GET_ALARMS] = "GET_ALARMS",
		[TCPSM_CMD_ALARM] = "ALARM",
		[TCPSM_CMD_GET_LISTENERS] = "GET_LISTENERS",
		[TCPSM_CMD_GET_LATENCY] = "GET_LATENCY",
	};

	return cmd < ARRAY_SIZE(names) && names[cmd] ? names[cmd] : "cmd?";
}

/* the first attribute of the message at @h */
static const struct nlattr *attr0c(const struct nlmsghdr *h)
{
	return (const struct nlattr *)((const char *)h + GENL_LEN);
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

struct parsed {
	int err;		/* 0 or -errno */
	const char *msg;	/* its extack message */
	int offs;		/* its bad attribute, -1: none */
	struct want_policy pol;	/* its NLMSGERR_ATTR_POLICY */
	const struct nlattr *tb[POL_MAX + 1];	/* the last of each */
};

/*
 * A refusal: NL_SET_ERR_MSG_ATTR_POL() with *@pol (NULL: none, as
 * NL_SET_ERR_MSG_ATTR(), NL_SET_ERR_MSG(), or the NLA_REJECT entry that
 * netlink_policy_dump_write_attr() skips).
 */
static void parse_fail(struct parsed *p, int err, const char *msg,
		       const struct nlmsghdr *h, const struct nlattr *a,
		       const struct want_policy *pol)
{
	p->err = err;
	p->msg = msg;
	p->offs = a ? (int)((const char *)a - (const char *)h) : -1;
	p->pol = pol ? *pol : NO_POLICY;
}

/*
 * __nlmsg_parse() with NL_VALIDATE_STRICT, as genl_family_rcv_msg_doit()
 * and genl_start() call it: __nla_validate_parse() and validate_nla() in
 * lib/nlattr.c (the same in 6.1 and 6.12 for these attribute types): per
 * attribute, in message order, the type, the length, NLA_F_NESTED, then
 * the value's range. The first attribute that fails decides; the
 * trailing bytes come last.
 */
static void parse_attrs(const struct nlmsghdr *h, const struct policy *pol,
			struct parsed *p)
{
	const struct nlattr *a = attr0c(h);
	int rem = (int)h->nlmsg_len - GENL_LEN;

	memset(p, 0, sizeof(*p));
	p->offs = -1;
	for (; attr_ok(a, rem); a = attr_next(a, &rem)) {
		int type = a->nla_type & NLA_TYPE_MASK;
		int len = a->nla_len - NLA_HDRLEN;
		bool nested = a->nla_type & NLA_F_NESTED;

		if (type == 0 || type > pol->maxtype) {
			/* NL_VALIDATE_MAXTYPE */
			parse_fail(p, -EINVAL, "Unknown attribute type", h, a,
				   NULL);
			return;
		}
		switch (pol->t[type]) {
		case P_UNSPEC:
			/* the NLA_F_NESTED check spares NLA_UNSPEC */
			parse_fail(p, -EINVAL, "Unsupported attribute", h, a,
				   NULL);
			return;
		case P_SETTING: {
			int k = type - TCPSM_A_CONFIG_CLOSEWAIT_COUNT;
			struct want_policy wp = setting_policy(k);
			__u32 v;

			/* nla_attr_len[NLA_U32], NL_VALIDATE_STRICT_ATTRS */
			if (len != 4) {
				parse_fail(p, -EINVAL, "invalid attribute length",
					   h, a, &wp);
				return;
			}
			if (nested) {
				parse_fail(p, -EINVAL, "NLA_F_NESTED not expected",
					   h, a, &wp);
				return;
			}
			/* nla_validate_range_unsigned() */
			memcpy(&v, (const char *)a + NLA_HDRLEN, 4);
			if (v < keys[k].min || v > keys[k].max) {
				parse_fail(p, -ERANGE, RANGE_MSG, h, a, &wp);
				return;
			}
			break;
		}
		case P_FLAG:
			if (nested) {
				parse_fail(p, -EINVAL, "NLA_F_NESTED not expected",
					   h, a, &FLAG_POLICY);
				return;
			}
			if (len > 0) {	/* err = -ERANGE; goto out_err */
				parse_fail(p, -ERANGE,
					   "Attribute failed policy validation",
					   h, a, &FLAG_POLICY);
				return;
			}
			break;
		case P_REJECT:
			/* NLA_REJECT: no policy to write */
			parse_fail(p, -EINVAL, nested ? "NLA_F_NESTED not expected" :
				   "Attribute failed policy validation", h, a,
				   NULL);
			return;
		}
		p->tb[type] = a;
	}
	if (rem > 0)		/* NL_VALIDATE_TRAILING */
		parse_fail(p, -EINVAL, "bytes leftover after parsing attributes",
			   h, NULL, NULL);
}

static void set_err(struct expect *e, int err, const char *msg, int offs)
{
	e->cls = M_ERR;
	e->err = err;
	e->emsg = msg;
	e->eoffs = offs;
}

static __u32 attr_u32(const struct nlattr *a)
{
	__u32 v;

	memcpy(&v, (const char *)a + NLA_HDRLEN, 4);
	return v;
}

/*
 * tcpsm_nl_set_config_doit(), after the policy checked every value (the
 * last of each attribute counts): a setting at least; then, on the
 * values the namespace would have, synflood.clear below synflood.raise
 * (pointing at the clear attribute if the request has one, else at the
 * raise one); then all stored, or none.
 */
static void predict_set_config(struct fcase *fc, const struct nlmsghdr *h,
			       const struct parsed *p, struct expect *e)
{
	const struct nlattr *a;
	struct cfgv next = *fc->cur;
	bool any = false;
	int i;

	for (i = 0; i < NKEYS; i++) {
		a = p->tb[TCPSM_A_CONFIG_CLOSEWAIT_COUNT + i];
		if (!a)
			continue;
		any = true;
		next.v[i] = attr_u32(a);
	}
	if (!any) {
		set_err(e, -EINVAL, "no setting given", -1);
		return;
	}
	if (next.v[K_CLEAR] >= next.v[K_RAISE]) {
		/* with neither: settings the kernel should never have had */
		a = p->tb[TCPSM_A_CONFIG_CLOSEWAIT_COUNT + K_CLEAR];
		if (!a)
			a = p->tb[TCPSM_A_CONFIG_CLOSEWAIT_COUNT + K_RAISE];
		set_err(e, -EINVAL, CLEAR_BELOW_RAISE,
			a ? (int)((const char *)a - (const char *)h) : -1);
		return;
	}
	*fc->cur = next;
	e->cfg = next;
}

/*
 * genl_family_rcv_msg() (net/netlink/genetlink.c), then tcpsm's handler,
 * for a message of the tcpsm family. Updates the modelled settings and
 * the dump state of the socket.
 */
static void predict(struct fcase *fc, const struct nlmsghdr *h,
		    struct expect *e)
{
	const struct genlmsghdr *g = (const void *)(h + 1);
	bool dump = is_dump(h->nlmsg_flags), has;
	bool priv = fc->ph->kind != PH_UNPRIV;
	__u16 flags = h->nlmsg_flags;
	const struct op_model *op;
	struct parsed p;

	if (h->nlmsg_len < GENL_LEN) {
		set_err(e, -EINVAL, NULL, -1);
		return;
	}
	/* genl_header_check(): resv_start_op is 0, so for every command */
	if (g->reserved) {
		set_err(e, -EINVAL, "genlmsghdr.reserved field is not 0", -1);
		return;
	}
	if (dump)
		flags &= ~NLM_F_DUMP;
	if (flags & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO)) {
		set_err(e, -EINVAL, "ambiguous or reserved bits set in nlmsg_flags",
			-1);
		return;
	}
	/* genl_get_cmd(): 6.2+ looks for the do or dump handler too */
	op = op_of(g->cmd);
	has = op && (dump ? op->dumpit : op->doit);
	if (!op || (cfg.split_ops && !has)) {
		set_err(e, -EOPNOTSUPP, NULL, -1);
		return;
	}
	/*
	 * GENL_UNS_ADMIN_PERM: netlink_ns_capable(skb, net->user_ns, ...).
	 * The netns phase's namespace belongs to the initial user namespace,
	 * where its root has CAP_NET_ADMIN.
	 */
	if (op->uns_admin && !priv) {
		set_err(e, -EPERM, NULL, -1);
		return;
	}
	/* 6.1: genl_family_rcv_msg_dumpit() and _doit() */
	if (!has) {
		set_err(e, -EOPNOTSUPP, NULL, -1);
		return;
	}
	e->cmd = g->cmd;
	if (dump) {
		/* __netlink_dump_start(): before genl_start() parses */
		if (fc->dump == DS_RUNNING) {
			set_err(e, -EBUSY, NULL, -1);
			return;
		}
		e->busy_ok = fc->dump == DS_MAYBE;
	}
	parse_attrs(h, op->pol, &p);
	if (p.err) {
		set_err(e, p.err, p.msg, p.offs);
		e->epol = p.pol;
		return;
	}
	if (dump) {
		const struct nlattr *all = p.tb[all_netns_attr(g->cmd)];

		e->cls = M_DUMP;
		if (all && (!priv || fc->ph->kind == PH_NETNS)) {
			/*
			 * tcpsm_all_netns_allowed(): first round, -EPERM and
			 * DONE; the state stays. Root of a child namespace
			 * has CAP_NET_ADMIN over the initial user namespace
			 * here, and is refused all the same.
			 */
			e->must = MUST_EPERM;
			e->emsg = !priv ?
				"all-netns needs CAP_NET_ADMIN in the initial user namespace" :
				"all-netns is served in the initial network namespace only";
		} else if (g->cmd != TCPSM_CMD_GET_STATS) {
			/* may end in its first round, or not */
			e->must = all ? MUST_LIST_ALL : MUST_LIST;
			fc->dump = DS_MAYBE;
		} else if (!all) {
			e->must = MUST_OK;
			fc->dump = DS_RUNNING;	/* its first round has data */
		} else {
			e->must = MUST_ALL;
			fc->dump = DS_RUNNING;
		}
		return;
	}
	switch (g->cmd) {
	case TCPSM_CMD_GET_STATS:
		if (p.tb[TCPSM_A_STATS_ALL_NETNS]) {
			set_err(e, -EINVAL, "all-netns needs a dump request (NLM_F_DUMP)",
				(int)((const char *)p.tb[TCPSM_A_STATS_ALL_NETNS] -
				      (const char *)h));
			return;
		}
		break;
	case TCPSM_CMD_GET_CONFIG:
		e->cfg = *fc->cur;
		break;
	case TCPSM_CMD_SET_CONFIG:
		predict_set_config(fc, h, &p, e);
		if (e->cls == M_ERR)
			return;
		break;
	}
	e->cls = M_DO;
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

	if ((h->nlmsg_flags & NLM_F_REQUEST) &&
	    h->nlmsg_type >= NLMSG_MIN_TYPE &&
	    h->nlmsg_type != cfg.family && h->nlmsg_type != UNREG_TYPE)
		h->nlmsg_type = cfg.family;
	while (seq_used(fc, h->nlmsg_seq))
		h->nlmsg_seq = fc->seq++;

	memset(e, 0, sizeof(*e));
	e->p = (const unsigned char *)h;
	e->hdr = *h;
	e->eoffs = -1;
	e->want_ack = h->nlmsg_flags & NLM_F_ACK;
	if (!(h->nlmsg_flags & NLM_F_REQUEST) ||
	    h->nlmsg_type < NLMSG_MIN_TYPE) {
		e->cls = M_IGNORED;
		e->complete = !e->want_ack;
		return;
	}
	if (h->nlmsg_type == UNREG_TYPE) {	/* genl_rcv_msg() */
		set_err(e, -ENOENT, NULL, -1);
		e->cls = M_NOFAMILY;
		return;
	}
	predict(fc, h, e);
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

/*
 * extended ACK TLVs at @off..@end of @p (offsets into the reply); the
 * message and the offset are kept in fc->tlv_*
 */
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
			fc->tlv_msg = true;
			snprintf(fc->tlv_msg_text, sizeof(fc->tlv_msg_text), "%s",
				 (const char *)p + off + NLA_HDRLEN);
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
			if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_OFFS) {
				fc->tlv_offs = true;
				fc->tlv_offs_val = v;
			}
			break;
		case NLMSGERR_ATTR_POLICY:
			if (fc->tlv_pol.present) {
				fail(fc, "two NLMSGERR_ATTR_POLICY");
				return false;
			}
			ack_policy_parse(p + off + NLA_HDRLEN,
					 a->nla_len - NLA_HDRLEN, &fc->tlv_pol);
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

static void tlv_reset(struct fcase *fc)
{
	fc->tlv_msg = false;
	fc->tlv_offs = false;
	fc->tlv_msg_text[0] = '\0';
	memset(&fc->tlv_pol, 0, sizeof(fc->tlv_pol));
}

/* NLMSG_ERROR: error in range, the request's header echoed (and payload) */
static bool check_error(struct fcase *fc, const struct nlmsghdr *nlh,
			const struct expect *e, int *error)
{
	const unsigned char *p = (const void *)nlh;
	const struct nlmsgerr *ne = NLMSG_DATA(nlh);
	bool capped = nlh->nlmsg_flags & NLM_F_CAPPED;
	size_t off = NLMSGERR_LEN, plen;

	tlv_reset(fc);
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

	tlv_reset(fc);
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

/*
 * The extack of an error as predicted (when the socket asked for TLVs):
 * the message, or none; the attribute offset, or none; the policy the
 * attribute broke, or none.
 */
static void check_extack(struct fcase *fc, const struct expect *e)
{
	const char *why;

	if (!fc->c->ext_ack)
		return;
	if (e->emsg && (!fc->tlv_msg || strcmp(fc->tlv_msg_text, e->emsg)))
		fail(fc, "error %d: extack message \"%s\", expected \"%s\"",
		     e->err, fc->tlv_msg_text, e->emsg);
	else if (!e->emsg && fc->tlv_msg)
		fail(fc, "error %d: extack message \"%s\", expected none",
		     e->err, fc->tlv_msg_text);
	else if (e->eoffs >= 0 &&
		 (!fc->tlv_offs || fc->tlv_offs_val != (__u32)e->eoffs))
		fail(fc, "error %d: extack offset %s%u, expected %d", e->err,
		     fc->tlv_offs ? "" : "missing ", fc->tlv_offs_val, e->eoffs);
	else if (e->eoffs < 0 && fc->tlv_offs)
		fail(fc, "error %d: extack offset %u, expected none", e->err,
		     fc->tlv_offs_val);
	else if ((why = ack_policy_mismatch(&fc->tlv_pol, &e->epol)))
		fail(fc, "error %d: %s", e->err, why);
}

/* the genl header of a reply to @e */
static bool check_genl_hdr(struct fcase *fc, const struct nlmsghdr *nlh,
			   const struct expect *e)
{
	const struct genlmsghdr *g = NLMSG_DATA(nlh);

	if (nlh->nlmsg_len < GENL_LEN) {
		fail(fc, "%s reply of %u bytes", cmd_name(e->cmd), nlh->nlmsg_len);
		return false;
	}
	if (g->cmd != e->cmd || g->version != TCPSM_FAMILY_VERSION ||
	    g->reserved) {
		fail(fc, "reply genl header cmd %u version %u reserved %u, to %s",
		     g->cmd, g->version, g->reserved, cmd_name(e->cmd));
		return false;
	}
	return true;
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

/*
 * A namespace has its syn-counters from its first one-second sample on
 * (tcpsm_snmp_put()): before, a GET_STATS message has none. Set when every
 * namespace a reply can be of has been sampled (valid_after()).
 */
static bool counters_required;

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
	static const int counter_want[] = {
		[TCPSM_A_SYN_COUNTER_NAME] = 4, [TCPSM_A_SYN_COUNTER_VALUE] = 8,
		[TCPSM_A_SYN_COUNTER_RATE] = 8,
	};
	const struct nlattr *a;
	bool seen_state[TCPSM_STATE_MAX + 1] = { false };
	bool seen_edge[TCPSM_STATE_MAX + 1][TCPSM_STATE_MAX + 1];
	bool seen_counter[NSYNCOUNTERS + 1] = { false };
	bool has_netns = false, has_dropped = false, has_untracked = false;
	bool has_alarms = false;
	int rem, nstates = 0, ncounters = 0;
	__u32 u32s[4];
	__u64 count;

	memset(seen_edge, 0, sizeof(seen_edge));
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
		case TCPSM_A_STATS_CLOSEWAIT_UNTRACKED:
			if (has_untracked || a->nla_len != NLA_HDRLEN + 8) {
				fail(fc, "reply: bad or second CLOSEWAIT_UNTRACKED");
				return false;
			}
			has_untracked = true;
			break;
		case TCPSM_A_STATS_ALARMS_ACTIVE:
			if (has_alarms || a->nla_len != NLA_HDRLEN + 4) {
				fail(fc, "reply: bad or second ALARMS_ACTIVE");
				return false;
			}
			has_alarms = true;
			break;
		case TCPSM_A_STATS_SYN_COUNTER:
			memset(u32s, 0, sizeof(u32s));
			if (!check_nest(fc, a, counter_want,
					TCPSM_A_SYN_COUNTER_MAX, u32s, &count))
				return false;
			if (u32s[TCPSM_A_SYN_COUNTER_NAME] < 1 ||
			    u32s[TCPSM_A_SYN_COUNTER_NAME] > NSYNCOUNTERS ||
			    seen_counter[u32s[TCPSM_A_SYN_COUNTER_NAME]]) {
				fail(fc, "reply: syn-counter %u%s",
				     u32s[TCPSM_A_SYN_COUNTER_NAME],
				     u32s[TCPSM_A_SYN_COUNTER_NAME] >= 1 &&
				     u32s[TCPSM_A_SYN_COUNTER_NAME] <= NSYNCOUNTERS ?
				     " twice" : "");
				return false;
			}
			seen_counter[u32s[TCPSM_A_SYN_COUNTER_NAME]] = true;
			ncounters++;
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
	if (!has_netns || !has_dropped || !has_untracked || !has_alarms ||
	    nstates != TCPSM_STATE_MAX ||
	    (ncounters != NSYNCOUNTERS && (ncounters || counters_required))) {
		fail(fc, "reply: netns %d, events-dropped %d, closewait-untracked %d, alarms-active %d, %d gauges (want %d), %d syn-counters (want %d%s)",
		     has_netns, has_dropped, has_untracked, has_alarms, nstates,
		     TCPSM_STATE_MAX, ncounters, NSYNCOUNTERS,
		     counters_required ? "" : " or, not sampled yet, 0");
		return false;
	}
	return true;
}

/* A GET_CONFIG or SET_CONFIG reply: the four settings, as modelled. */
static bool check_config(struct fcase *fc, const struct nlmsghdr *nlh,
			 const struct expect *e, __u32 *netns)
{
	const struct nlattr *a, *at[TCPSM_A_CONFIG_MAX + 1] = { NULL };
	int rem = nlh->nlmsg_len - GENL_LEN, type, i;
	struct cfgv got;

	a = (const void *)((const char *)nlh + GENL_LEN);
	for (; attr_ok(a, rem); a = attr_next(a, &rem)) {
		type = a->nla_type & NLA_TYPE_MASK;
		if (type < TCPSM_A_CONFIG_NETNS || type > TCPSM_A_CONFIG_MAX ||
		    at[type] || a->nla_len != NLA_HDRLEN + 4) {
			fail(fc, "%s reply: attribute type %u of %u bytes",
			     cmd_name(e->cmd), a->nla_type, a->nla_len);
			return false;
		}
		at[type] = a;
	}
	if (rem > 0) {
		fail(fc, "%s reply: %d bytes left over", cmd_name(e->cmd), rem);
		return false;
	}
	for (type = TCPSM_A_CONFIG_NETNS; type <= TCPSM_A_CONFIG_MAX; type++) {
		if (!at[type]) {
			fail(fc, "%s reply lacks attribute %d", cmd_name(e->cmd),
			     type);
			return false;
		}
	}
	*netns = attr_u32(at[TCPSM_A_CONFIG_NETNS]);
	for (i = 0; i < NKEYS; i++)
		got.v[i] = attr_u32(at[TCPSM_A_CONFIG_CLOSEWAIT_COUNT + i]);
	if (!cfg_eq(&got, &e->cfg)) {
		fail(fc, "%s reply: %s, expected %s", cmd_name(e->cmd),
		     cfg_str(&got), cfg_str(&e->cfg));
		return false;
	}
	return true;
}

/* the kinds of attribute in the replies' attribute sets */
enum akind {
	A_NO, A_PAD, A_FLAG, A_U16, A_U32, A_U64, A_ADDR,
	A_NEST,		/* socket nests, any number */
	A_LISTENER,	/* one listener nest: the caller checks it (check_listener) */
	A_U64S,		/* u64s, any number (the latency buckets) */
};

struct aspec {
	enum akind k;
	bool req;
};

#define SOCKS_SHOWN	8	/* TCPSM_CW_SOCKS_SHOWN in kmod/tcpsm.h */

static const struct aspec socket_spec[TCPSM_A_SOCKET_MAX + 1] = {
	[TCPSM_A_SOCKET_PAD] = { A_PAD, false },
	[TCPSM_A_SOCKET_UID] = { A_U32, true },
	[TCPSM_A_SOCKET_INO] = { A_U64, true },
	[TCPSM_A_SOCKET_COOKIE] = { A_U64, true },
	[TCPSM_A_SOCKET_CGROUP] = { A_U64, true },
	[TCPSM_A_SOCKET_AGE] = { A_U64, true },
	[TCPSM_A_SOCKET_FAMILY] = { A_U16, true },
	[TCPSM_A_SOCKET_DADDR] = { A_ADDR, true },
	[TCPSM_A_SOCKET_DPORT] = { A_U16, true },
	[TCPSM_A_SOCKET_SADDR] = { A_ADDR, true },
};

static const struct aspec closewait_spec[TCPSM_A_CLOSEWAIT_MAX + 1] = {
	[TCPSM_A_CLOSEWAIT_PAD] = { A_PAD, false },
	[TCPSM_A_CLOSEWAIT_NETNS] = { A_U32, true },
	[TCPSM_A_CLOSEWAIT_PORT] = { A_U16, true },
	[TCPSM_A_CLOSEWAIT_COUNT] = { A_U32, true },
	[TCPSM_A_CLOSEWAIT_OLDEST_AGE] = { A_U64, true },
	[TCPSM_A_CLOSEWAIT_GROWTH] = { A_U32, true },
	[TCPSM_A_CLOSEWAIT_ENTRIES] = { A_U32, true },
	[TCPSM_A_CLOSEWAIT_EXITS] = { A_U32, true },
	[TCPSM_A_CLOSEWAIT_UNTRACKED] = { A_U32, true },
	[TCPSM_A_CLOSEWAIT_ALARM] = { A_FLAG, false },
	[TCPSM_A_CLOSEWAIT_SOCKET] = { A_NEST, false },
};

/* what each kind has beyond these is checked by check_alarm() */
static const struct aspec alarm_spec[TCPSM_A_ALARM_MAX + 1] = {
	[TCPSM_A_ALARM_PAD] = { A_PAD, false },
	[TCPSM_A_ALARM_KIND] = { A_U32, true },
	[TCPSM_A_ALARM_STATE] = { A_U32, true },
	[TCPSM_A_ALARM_TS] = { A_U64, true },
	[TCPSM_A_ALARM_NETNS] = { A_U32, true },
	[TCPSM_A_ALARM_PORT] = { A_U16, true },
	[TCPSM_A_ALARM_COUNT] = { A_U32, false },
	[TCPSM_A_ALARM_OLDEST_AGE] = { A_U64, false },
	[TCPSM_A_ALARM_GROWTH] = { A_U32, false },
	[TCPSM_A_ALARM_SOCKET] = { A_NEST, false },
	[TCPSM_A_ALARM_SCORE] = { A_U32, false },
	[TCPSM_A_ALARM_LISTENER] = { A_LISTENER, false },
};

static const struct aspec listener_spec[TCPSM_A_LISTENER_MAX + 1] = {
	[TCPSM_A_LISTENER_PAD] = { A_PAD, false },
	[TCPSM_A_LISTENER_NETNS] = { A_U32, true },
	[TCPSM_A_LISTENER_FAMILY] = { A_U16, true },
	[TCPSM_A_LISTENER_SADDR] = { A_ADDR, true },
	[TCPSM_A_LISTENER_PORT] = { A_U16, true },
	[TCPSM_A_LISTENER_SYN_QUEUE] = { A_U32, true },
	[TCPSM_A_LISTENER_SYN_QUEUE_MAX] = { A_U32, true },
	[TCPSM_A_LISTENER_ACCEPT_QUEUE] = { A_U32, true },
	[TCPSM_A_LISTENER_ACCEPT_QUEUE_MAX] = { A_U32, true },
	[TCPSM_A_LISTENER_COOKIES] = { A_FLAG, false },
	[TCPSM_A_LISTENER_SYNACK_RETRANS] = { A_U32, true },
	[TCPSM_A_LISTENER_DROPS] = { A_U32, true },
	[TCPSM_A_LISTENER_OVERFLOW] = { A_U32, true },
	[TCPSM_A_LISTENER_COMPLETION] = { A_U32, true },
	[TCPSM_A_LISTENER_SCORE] = { A_U32, true },
	[TCPSM_A_LISTENER_ACCEPT_SCORE] = { A_U32, true },
	[TCPSM_A_LISTENER_SYN_FLOOD] = { A_FLAG, false },
	[TCPSM_A_LISTENER_ACCEPT_QUEUE_OVERFLOW] = { A_FLAG, false },
};

/* a GET_LISTENERS message: one listener nest, nothing else */
static const struct aspec listeners_spec[TCPSM_A_LISTENERS_MAX + 1] = {
	[TCPSM_A_LISTENERS_LISTENER] = { A_LISTENER, true },
};

/* genl_fuzz's own listener (main()), and whether a dump showed it */
#define OWN_BACKLOG	7
static struct {
	__u32 netns;		/* the initial namespace */
	__u16 port;		/* on 127.0.0.1; 0: none */
	double opened;		/* when (now()) */
	bool seen;
} own_lsn;

/*
 * @len bytes of attributes at @data against @spec: each of its kind and
 * length, once (pads and socket nests may repeat), the required ones
 * there, and each socket nest as socket_spec says (a listener nest is the
 * caller's to check). @at[type]: the last one.
 */
static bool check_set(struct fcase *fc, const char *what, const void *data,
		      int len, const struct aspec *spec, int maxtype,
		      const struct nlattr **at, int *nnest)
{
	const struct nlattr *a = data;
	int rem = len, type, plen;

	memset(at, 0, sizeof(*at) * (maxtype + 1));
	*nnest = 0;
	for (; attr_ok(a, rem); a = attr_next(a, &rem)) {
		enum akind k;
		bool ok;

		type = a->nla_type & NLA_TYPE_MASK;
		plen = a->nla_len - NLA_HDRLEN;
		k = type <= maxtype ? spec[type].k : A_NO;
		switch (k) {
		case A_PAD:
		case A_FLAG:
			ok = plen == 0;
			break;
		case A_U16:
			ok = plen == 2;
			break;
		case A_U32:
			ok = plen == 4;
			break;
		case A_U64:
		case A_U64S:
			ok = plen == 8;
			break;
		case A_ADDR:
			ok = plen == 4 || plen == 16;
			break;
		case A_NEST:
		case A_LISTENER:
			ok = true;
			break;
		default:
			ok = false;
			break;
		}
		if (!ok || (k != A_PAD && k != A_NEST && k != A_U64S && at[type])) {
			fail(fc, "%s: attribute type %u of %u bytes%s", what,
			     a->nla_type, a->nla_len, ok ? ", twice" : "");
			return false;
		}
		at[type] = a;
		if (k == A_U64S)
			(*nnest)++;
		if (k == A_NEST) {
			const struct nlattr *sat[TCPSM_A_SOCKET_MAX + 1];
			__u16 fam;
			int n;

			(*nnest)++;
			if (!check_set(fc, "socket nest", nla_data(a), plen,
				       socket_spec, TCPSM_A_SOCKET_MAX, sat, &n))
				return false;
			memcpy(&fam, nla_data(sat[TCPSM_A_SOCKET_FAMILY]), 2);
			if (!(fam == AF_INET && nla_len(sat[TCPSM_A_SOCKET_DADDR]) == 4) &&
			    !(fam == AF_INET6 && nla_len(sat[TCPSM_A_SOCKET_DADDR]) == 16)) {
				fail(fc, "%s: socket of family %u with a %d-byte address",
				     what, fam, nla_len(sat[TCPSM_A_SOCKET_DADDR]));
				return false;
			}
		}
	}
	if (rem > 0) {
		fail(fc, "%s: %d bytes left over", what, rem);
		return false;
	}
	for (type = 0; type <= maxtype; type++) {
		if (spec[type].req && !at[type]) {
			fail(fc, "%s lacks attribute %d", what, type);
			return false;
		}
	}
	return true;
}

/*
 * A listener nest (GET_LISTENERS, alarms): its attributes as the spec
 * says, the address as long as its family's, the percentages 0..100, the
 * SYN queue's limit the accept queue's (both the backlog), the accept
 * queue at most one past it (sk_acceptq_is_full() lets it reach max + 1).
 * genl_fuzz's own listener has its backlog. *@netns, *@port: its own.
 */
static bool check_listener(struct fcase *fc, const char *what,
			   const struct nlattr *nest, __u32 *netns,
			   __u16 *port)
{
	static const unsigned char lo4[4] = { 127, 0, 0, 1 };
	const struct nlattr *at[TCPSM_A_LISTENER_MAX + 1];
	__u32 ns, synq_max, aq, aq_max, completion, score, ascore;
	__u16 fam, lport;
	int n, alen;

	if (!check_set(fc, "listener nest", nla_data(nest), nla_len(nest),
		       listener_spec, TCPSM_A_LISTENER_MAX, at, &n))
		return false;
	ns = attr_u32(at[TCPSM_A_LISTENER_NETNS]);
	memcpy(&fam, nla_data(at[TCPSM_A_LISTENER_FAMILY]), 2);
	memcpy(&lport, nla_data(at[TCPSM_A_LISTENER_PORT]), 2);
	alen = nla_len(at[TCPSM_A_LISTENER_SADDR]);
	synq_max = attr_u32(at[TCPSM_A_LISTENER_SYN_QUEUE_MAX]);
	aq = attr_u32(at[TCPSM_A_LISTENER_ACCEPT_QUEUE]);
	aq_max = attr_u32(at[TCPSM_A_LISTENER_ACCEPT_QUEUE_MAX]);
	completion = attr_u32(at[TCPSM_A_LISTENER_COMPLETION]);
	score = attr_u32(at[TCPSM_A_LISTENER_SCORE]);
	ascore = attr_u32(at[TCPSM_A_LISTENER_ACCEPT_SCORE]);
	if (!(fam == AF_INET && alen == 4) && !(fam == AF_INET6 && alen == 16)) {
		fail(fc, "%s: listener of family %u with a %d-byte address",
		     what, fam, alen);
		return false;
	}
	if (!lport || completion > 100 || score > 100 || ascore > 100 ||
	    synq_max != aq_max || aq > aq_max + 1) {
		fail(fc, "%s: listener port %u, completion %u, score %u, accept-score %u, syn-queue-max %u, accept-queue %u/%u",
		     what, lport, completion, score, ascore, synq_max, aq, aq_max);
		return false;
	}
	if (own_lsn.port && lport == own_lsn.port && ns == own_lsn.netns &&
	    fam == AF_INET &&
	    !memcmp(nla_data(at[TCPSM_A_LISTENER_SADDR]), lo4, 4)) {
		if (aq_max != OWN_BACKLOG || aq) {
			fail(fc, "%s: our listener 127.0.0.1:%u, backlog %d: accept queue %u/%u",
			     what, lport, OWN_BACKLOG, aq, aq_max);
			return false;
		}
		own_lsn.seen = true;
	}
	if (netns)
		*netns = ns;
	if (port)
		*port = lport;
	return true;
}

/* A GET_LISTENERS message: one listener, of our namespace. */
static bool check_listeners(struct fcase *fc, const struct nlmsghdr *nlh,
			    __u32 *netns)
{
	const struct nlattr *at[TCPSM_A_LISTENERS_MAX + 1];
	int n;

	if (!check_set(fc, "GET_LISTENERS message",
		       (const char *)nlh + GENL_LEN, nlh->nlmsg_len - GENL_LEN,
		       listeners_spec, TCPSM_A_LISTENERS_MAX, at, &n))
		return false;
	return check_listener(fc, "GET_LISTENERS message",
			      at[TCPSM_A_LISTENERS_LISTENER], netns, NULL);
}

/* a GET_LATENCY message: one histogram */
static const struct aspec latency_spec[TCPSM_A_LATENCY_MAX + 1] = {
	[TCPSM_A_LATENCY_PAD] = { A_PAD, false },
	[TCPSM_A_LATENCY_NETNS] = { A_U32, true },
	[TCPSM_A_LATENCY_STATE] = { A_U32, true },
	[TCPSM_A_LATENCY_PORT] = { A_U16, false },
	[TCPSM_A_LATENCY_COUNT] = { A_U64, true },
	[TCPSM_A_LATENCY_SUM_NS] = { A_U64, true },
	[TCPSM_A_LATENCY_UNKNOWN] = { A_U64, true },
	[TCPSM_A_LATENCY_BUCKET] = { A_U64S, true },
	[TCPSM_A_LATENCY_PORT_OVERFLOW] = { A_U64, false },
};

#define LAT_BUCKETS	39	/* TCPSM_TIS_BUCKETS in kmod/tcpsm_pernet.h */

/*
 * A GET_LATENCY message: one histogram of our namespace: a state that
 * is left (not CLOSED), its 39 buckets adding up to its count, a port
 * only for SYN_SENT, SYN_RCVD and CLOSE_WAIT, port-overflow only in
 * those states' namespace-wide message.
 */
static bool check_latency(struct fcase *fc, const struct nlmsghdr *nlh,
			  __u32 *netns)
{
	const struct nlattr *at[TCPSM_A_LATENCY_MAX + 1];
	const struct nlattr *a;
	__u64 count, sum = 0, v;
	int nb, rem, len = nlh->nlmsg_len - GENL_LEN;
	bool ports;
	__u32 state;

	if (!check_set(fc, "GET_LATENCY message", (const char *)nlh + GENL_LEN,
		       len, latency_spec, TCPSM_A_LATENCY_MAX, at, &nb))
		return false;
	*netns = attr_u32(at[TCPSM_A_LATENCY_NETNS]);
	state = attr_u32(at[TCPSM_A_LATENCY_STATE]);
	memcpy(&count, nla_data(at[TCPSM_A_LATENCY_COUNT]), 8);
	for (a = (const void *)((const char *)nlh + GENL_LEN), rem = len;
	     attr_ok(a, rem); a = attr_next(a, &rem)) {
		if ((a->nla_type & NLA_TYPE_MASK) != TCPSM_A_LATENCY_BUCKET)
			continue;
		memcpy(&v, nla_data(a), 8);
		sum += v;
	}
	ports = state == TCPSM_STATE_SYN_SENT || state == TCPSM_STATE_SYN_RCVD ||
		state == TCPSM_STATE_CLOSE_WAIT;
	if (state == TCPSM_STATE_CLOSED || state > TCPSM_STATE_MAX ||
	    nb != LAT_BUCKETS || sum != count ||
	    (at[TCPSM_A_LATENCY_PORT] && !ports) ||
	    (!!at[TCPSM_A_LATENCY_PORT_OVERFLOW] !=
	     (ports && !at[TCPSM_A_LATENCY_PORT]))) {
		fail(fc, "GET_LATENCY message: state %u, %d buckets adding up to %llu of %llu, port %d, port-overflow %d",
		     state, nb, (unsigned long long)sum,
		     (unsigned long long)count, !!at[TCPSM_A_LATENCY_PORT],
		     !!at[TCPSM_A_LATENCY_PORT_OVERFLOW]);
		return false;
	}
	return true;
}

/* A GET_CLOSEWAIT message: one port of our namespace, as the spec says. */
static bool check_closewait(struct fcase *fc, const struct nlmsghdr *nlh,
			    __u32 *netns)
{
	const struct nlattr *at[TCPSM_A_CLOSEWAIT_MAX + 1];
	__u32 count, untracked;
	int nsock;

	if (!check_set(fc, "GET_CLOSEWAIT message",
		       (const char *)nlh + GENL_LEN, nlh->nlmsg_len - GENL_LEN,
		       closewait_spec, TCPSM_A_CLOSEWAIT_MAX, at, &nsock))
		return false;
	*netns = attr_u32(at[TCPSM_A_CLOSEWAIT_NETNS]);
	count = attr_u32(at[TCPSM_A_CLOSEWAIT_COUNT]);
	untracked = attr_u32(at[TCPSM_A_CLOSEWAIT_UNTRACKED]);
	/* tcpsm_cw_dump() skips the ports with neither */
	if ((!count && !at[TCPSM_A_CLOSEWAIT_ALARM]) || untracked > count ||
	    nsock > SOCKS_SHOWN) {
		fail(fc, "GET_CLOSEWAIT message: count %u, alarm %d, untracked %u, %d sockets",
		     count, !!at[TCPSM_A_CLOSEWAIT_ALARM], untracked, nsock);
		return false;
	}
	return true;
}

/*
 * A GET_ALARMS message: one raised alarm of our namespace. CLOSEWAIT_LEAK
 * has count, oldest-age, growth and sockets; SYN_FLOOD and
 * ACCEPT_QUEUE_OVERFLOW have a score and the listener (of the alarm's
 * namespace and port) instead.
 */
static bool check_alarm(struct fcase *fc, const struct nlmsghdr *nlh,
			__u32 *netns)
{
	const struct nlattr *at[TCPSM_A_ALARM_MAX + 1];
	__u32 kind, state, lns = 0;
	__u16 port, lport = 0;
	bool cw, ok;
	int nsock;

	if (!check_set(fc, "GET_ALARMS message",
		       (const char *)nlh + GENL_LEN, nlh->nlmsg_len - GENL_LEN,
		       alarm_spec, TCPSM_A_ALARM_MAX, at, &nsock))
		return false;
	*netns = attr_u32(at[TCPSM_A_ALARM_NETNS]);
	kind = attr_u32(at[TCPSM_A_ALARM_KIND]);
	state = attr_u32(at[TCPSM_A_ALARM_STATE]);
	memcpy(&port, nla_data(at[TCPSM_A_ALARM_PORT]), 2);
	cw = kind == TCPSM_ALARM_KIND_CLOSEWAIT_LEAK;
	if (at[TCPSM_A_ALARM_LISTENER] &&
	    !check_listener(fc, "GET_ALARMS message",
			    at[TCPSM_A_ALARM_LISTENER], &lns, &lport))
		return false;
	if (cw)
		ok = at[TCPSM_A_ALARM_COUNT] && at[TCPSM_A_ALARM_OLDEST_AGE] &&
		     at[TCPSM_A_ALARM_GROWTH] && nsock <= SOCKS_SHOWN &&
		     !at[TCPSM_A_ALARM_SCORE] && !at[TCPSM_A_ALARM_LISTENER];
	else
		ok = (kind == TCPSM_ALARM_KIND_SYN_FLOOD ||
		      kind == TCPSM_ALARM_KIND_ACCEPT_QUEUE_OVERFLOW) &&
		     at[TCPSM_A_ALARM_SCORE] && at[TCPSM_A_ALARM_LISTENER] &&
		     attr_u32(at[TCPSM_A_ALARM_SCORE]) <= 100 &&
		     lns == *netns && lport == port &&
		     !at[TCPSM_A_ALARM_COUNT] && !at[TCPSM_A_ALARM_OLDEST_AGE] &&
		     !at[TCPSM_A_ALARM_GROWTH] && !nsock;
	if (!ok || state != TCPSM_ALARM_STATE_RAISE) {
		fail(fc, "GET_ALARMS message: kind %u state %u port %u, count %d oldest-age %d growth %d, %d sockets, score %d, listener %d (netns %u port %u)",
		     kind, state, port, !!at[TCPSM_A_ALARM_COUNT],
		     !!at[TCPSM_A_ALARM_OLDEST_AGE], !!at[TCPSM_A_ALARM_GROWTH],
		     nsock, at[TCPSM_A_ALARM_SCORE] ?
		     (int)attr_u32(at[TCPSM_A_ALARM_SCORE]) : -1,
		     !!at[TCPSM_A_ALARM_LISTENER], lns, lport);
		return false;
	}
	return true;
}

/* A data message for @e: its command's, complete. */
static bool check_data(struct fcase *fc, const struct nlmsghdr *nlh,
		       const struct expect *e, __u32 *netns)
{
	if (!check_genl_hdr(fc, nlh, e))
		return false;
	switch (e->cmd) {
	case TCPSM_CMD_GET_STATS:
		return check_stats(fc, nlh, netns);
	case TCPSM_CMD_GET_CONFIG:
	case TCPSM_CMD_SET_CONFIG:
		return check_config(fc, nlh, e, netns);
	case TCPSM_CMD_GET_CLOSEWAIT:
		return check_closewait(fc, nlh, netns);
	case TCPSM_CMD_GET_ALARMS:
		return check_alarm(fc, nlh, netns);
	case TCPSM_CMD_GET_LISTENERS:
		return check_listeners(fc, nlh, netns);
	case TCPSM_CMD_GET_LATENCY:
		return check_latency(fc, nlh, netns);
	}
	fail(fc, "internal: data expected for command %u", e->cmd);
	return false;
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

static const char *const must_name[] = {
	[MUST_NONE] = "", [MUST_OK] = ", must give our namespace",
	[MUST_ALL] = ", must list every namespace",
	[MUST_EPERM] = ", must end in EPERM",
	[MUST_LIST] = ", our namespace's",
	[MUST_LIST_ALL] = ", any namespace's",
};

/* "error EINVAL \"msg\" @20", "do GET_CONFIG", ... into @buf */
static const char *pred_str(const struct expect *e, char *buf, size_t n)
{
	switch (e->cls) {
	case M_ERR:
	case M_NOFAMILY:
		snprintf(buf, n, "%s %s%s%s%s%s", class_name[e->cls],
			 strerrorname_np(-e->err) ?: "?",
			 e->emsg ? " \"" : "", e->emsg ?: "", e->emsg ? "\"" : "",
			 e->busy_ok ? " (or EBUSY)" : "");
		if (e->eoffs >= 0)
			snprintf(buf + strlen(buf), n - strlen(buf), " at %d",
				 e->eoffs);
		break;
	case M_DO:
		snprintf(buf, n, "do %s%s%s", cmd_name(e->cmd),
			 e->cmd == TCPSM_CMD_GET_CONFIG ||
			 e->cmd == TCPSM_CMD_SET_CONFIG ? ": " : "",
			 e->cmd == TCPSM_CMD_GET_CONFIG ||
			 e->cmd == TCPSM_CMD_SET_CONFIG ? cfg_str(&e->cfg) : "");
		break;
	case M_DUMP:
		snprintf(buf, n, "dump %s%s%s", cmd_name(e->cmd),
			 must_name[e->must], e->busy_ok ? " (or EBUSY)" : "");
		break;
	default:
		snprintf(buf, n, "%s", class_name[e->cls]);
		break;
	}
	return buf;
}

/* One reply message: is it one the request may get now? */
static void on_reply(struct fcase *fc, const struct nlmsghdr *nlh)
{
	struct tally *t = fc->ph->t;
	struct expect *e = find_exp(fc, nlh->nlmsg_seq);
	__u32 netns = 0;
	char pred[256];
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
		e->complete = true;
		if (!error) {
			t->acks++;
			if (!e->want_ack ||
			    !(e->cls == M_IGNORED || (e->cls == M_DO && e->got_data)))
				fail(fc, "ACK (error 0) to seq %u, expected %s%s",
				     e->hdr.nlmsg_seq,
				     pred_str(e, pred, sizeof(pred)),
				     e->want_ack ? "" : " without ACK");
			else if (fc->tlv_msg || fc->tlv_offs || fc->tlv_pol.present)
				fail(fc, "ACK to seq %u with an extack (\"%s\")",
				     e->hdr.nlmsg_seq, fc->tlv_msg_text);
			return;
		}
		count_errno(t->err, error);
		if (e->got_data || e->ndata) {
			fail(fc, "error %d to seq %u after %d replies", error,
			     e->hdr.nlmsg_seq, e->ndata + e->got_data);
		} else if (e->busy_ok && error == -EBUSY) {
			if (fc->tlv_msg || fc->tlv_offs || fc->tlv_pol.present)
				fail(fc, "EBUSY with an extack (\"%s\")",
				     fc->tlv_msg_text);
		} else if (e->cls != M_ERR && e->cls != M_NOFAMILY) {
			fail(fc, "error %d (%s) to seq %u, expected %s", error,
			     strerror(-error), e->hdr.nlmsg_seq,
			     pred_str(e, pred, sizeof(pred)));
		} else if (error != e->err) {
			fail(fc, "error %d (%s) to seq %u, expected %s", error,
			     strerror(-error), e->hdr.nlmsg_seq,
			     pred_str(e, pred, sizeof(pred)));
		} else {
			check_extack(fc, e);
		}
		return;
	case NLMSG_DONE:
		if (!check_done(fc, nlh, &error))
			return;
		t->done++;
		count_errno(t->done_err, error);
		e->complete = true;
		if (e->cls != M_DUMP) {
			fail(fc, "NLMSG_DONE to seq %u, expected %s",
			     e->hdr.nlmsg_seq, pred_str(e, pred, sizeof(pred)));
		} else if (e->must == MUST_EPERM) {
			if (error != -EPERM || e->ndata)
				fail(fc, "refused all-netns dump: DONE %d after %d messages, not -EPERM",
				     error, e->ndata);
			else if (fc->c->ext_ack &&
				 (!fc->tlv_msg || strcmp(fc->tlv_msg_text, e->emsg)))
				fail(fc, "refused all-netns dump: extack \"%s\", expected \"%s\"",
				     fc->tlv_msg_text, e->emsg);
			else if (fc->tlv_pol.present)
				fail(fc, "refused all-netns dump: NLMSGERR_ATTR_POLICY in DONE");
		} else if (error || fc->tlv_msg || fc->tlv_pol.present) {
			fail(fc, "%s dump: DONE %d (\"%s\") after %d messages",
			     cmd_name(e->cmd), error, fc->tlv_msg_text, e->ndata);
		} else if ((e->must == MUST_OK &&
			    (e->ndata != 1 || !e->own_seen)) ||
			   (e->must == MUST_ALL &&
			    (e->ndata < fc->ph->min_all || !e->own_seen))) {
			fail(fc, "%s dump: DONE after %d messages (own netns %s)",
			     e->must == MUST_OK ? "plain" : "all-netns",
			     e->ndata, e->own_seen ? "seen" : "missing");
		}
		return;
	default:
		break;
	}
	if (nlh->nlmsg_type != cfg.family) {
		fail(fc, "reply of type %u", nlh->nlmsg_type);
		return;
	}
	if (e->cls == M_DO && !e->got_data) {
		t->data_do++;
		e->got_data = true;
		e->complete = !e->want_ack;
		if (nlh->nlmsg_flags) {
			fail(fc, "do reply with flags %#x", nlh->nlmsg_flags);
			return;
		}
		if (!check_data(fc, nlh, e, &netns))
			return;
		if (netns != fc->c->netns)
			fail(fc, "do reply for netns %u, ours is %u", netns,
			     fc->c->netns);
	} else if (e->cls == M_DUMP && e->must != MUST_EPERM) {
		/* GET_STATS's dump does not check consistency; the others may */
		__u16 ok = NLM_F_MULTI | (e->cmd == TCPSM_CMD_GET_STATS ? 0 :
					  NLM_F_DUMP_INTR);

		t->data_dump++;
		e->ndata++;
		if (!(nlh->nlmsg_flags & NLM_F_MULTI) ||
		    (nlh->nlmsg_flags & ~ok)) {
			fail(fc, "dump message with flags %#x", nlh->nlmsg_flags);
			return;
		}
		if (!check_data(fc, nlh, e, &netns))
			return;
		if (netns == fc->c->netns)
			e->own_seen = true;
		else if (e->must != MUST_ALL && e->must != MUST_LIST_ALL)
			fail(fc, "%s dump: netns %u, ours is %u",
			     cmd_name(e->cmd), netns, fc->c->netns);
	} else {
		fail(fc, "data reply to seq %u, expected %s", e->hdr.nlmsg_seq,
		     pred_str(e, pred, sizeof(pred)));
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
	if (fc->dry)
		return;
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

/*
 * The command of a generated message: each of the family's, the two
 * notifications (no request handler) and now and then any other number.
 */
static int rnd_cmd(struct fcase *fc)
{
	static const struct {
		int cmd, weight;
	} cmds[] = {
		{ TCPSM_CMD_GET_STATS, 30 }, { TCPSM_CMD_GET_CONFIG, 14 },
		{ TCPSM_CMD_SET_CONFIG, 26 }, { TCPSM_CMD_GET_CLOSEWAIT, 7 },
		{ TCPSM_CMD_GET_ALARMS, 7 }, { TCPSM_CMD_GET_LISTENERS, 8 },
		{ TCPSM_CMD_EVENT, 2 }, { TCPSM_CMD_ALARM, 2 }, { -1, 4 },
	};
	int i, w = below(&fc->r, 100);

	for (i = 0; w >= cmds[i].weight; i++)
		w -= cmds[i].weight;
	return cmds[i].cmd >= 0 ? cmds[i].cmd :
	       (int)range(&fc->r, TCPSM_CMD_MAX + 1, 255);
}

static bool is_config_cmd(int cmd)
{
	return cmd == TCPSM_CMD_GET_CONFIG || cmd == TCPSM_CMD_SET_CONFIG;
}

/*
 * A value for setting @i: mostly in range, often at or past its bounds.
 * synflood.raise and synflood.clear anywhere in their range: often one
 * at or below the other (refused), often not.
 */
static __u32 rnd_cfg_value(struct rng *r, int i)
{
	const __u32 lo = keys[i].min, hi = keys[i].max;
	const __u32 odd[] = { 0, 1, 0xffffffff, 0x80000000, 0x7fffffff,
			      lo - 1, lo, hi, hi + 1 };

	switch (below(r, 10)) {
	case 0: case 1: case 2: case 3: case 4: case 5: case 6:
		if (i == K_RAISE || i == K_CLEAR)
			return range(r, lo, hi);
		/* small values are the common case for count and window */
		return one_in(r, 2) ? range(r, lo, hi) :
				      range(r, lo, lo + (hi - lo) / 100 + 1);
	case 7: case 8:
		return odd[below(r, ARRAY_SIZE(odd))];
	default:
		return (__u32)rnd(r);
	}
}

/* request attribute types (config's 1..4 too), reply-only ones, and some */
#define RND_ATTR_MAX	POL_MAX

static int rnd_attr_type(struct rng *r)
{
	switch (below(r, 8)) {
	case 0: case 1: case 2: case 3:
		return below(r, RND_ATTR_MAX + 3);
	case 4:
		return below(r, 256);
	case 5:
		return below(r, 0x10000);	/* the flag bits too */
	case 6:
		return below(r, RND_ATTR_MAX + 2) | NLA_F_NESTED;
	default:
		return below(r, RND_ATTR_MAX + 2) | NLA_F_NET_BYTEORDER;
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
		TCPSM_STATE_MAX + 1, 4026531840u, 4026531993u, 60, 61, 86400,
		86401, 1000000, 1000001, 20, 99, 100, 101,
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

/*
 * A well-formed request of a command, mostly of the kind it has: GET_STATS
 * do or dump, sometimes all-netns; GET_CONFIG; SET_CONFIG with some of the
 * settings, in any order, mostly in range; GET_CLOSEWAIT, GET_ALARMS,
 * GET_LISTENERS dumps.
 */
static struct nlmsghdr *m_valid(struct fcase *fc)
{
	int cmd = rnd_cmd(fc), flags = valid_flags(fc), order[NKEYS], i, j, k;
	struct nl_msg *m;

	if (cmd == TCPSM_CMD_GET_CLOSEWAIT || cmd == TCPSM_CMD_GET_ALARMS ||
	    cmd == TCPSM_CMD_GET_LISTENERS) {
		if (!one_in(&fc->r, 4))
			flags |= NLM_F_DUMP;
	} else if (is_config_cmd(cmd) && !one_in(&fc->r, 6)) {
		flags &= ~NLM_F_DUMP;
	}
	m = mk(fc, flags, cmd);
	if (cmd == TCPSM_CMD_GET_STATS && is_dump(flags) && one_in(&fc->r, 6))
		nla_put_flag(m, TCPSM_A_STATS_ALL_NETNS);
	if (cmd == TCPSM_CMD_SET_CONFIG && !one_in(&fc->r, 10)) {
		for (i = 0; i < NKEYS; i++)
			order[i] = i;
		for (i = NKEYS - 1; i > 0; i--) {
			j = below(&fc->r, i + 1);
			k = order[i];
			order[i] = order[j];
			order[j] = k;
		}
		for (i = 0; i < NKEYS; i++)
			if (one_in(&fc->r, 2))
				nla_put_u32(m, TCPSM_A_CONFIG_CLOSEWAIT_COUNT + order[i],
					    rnd_cfg_value(&fc->r, order[i]));
	}
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
	int cmd = one_in(&fc->r, 8) ? (int)below(&fc->r, 256) : rnd_cmd(fc);
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
	struct nl_msg *m = mk(fc, valid_flags(fc), rnd_cmd(fc));
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
	struct nl_msg *m = mk(fc, valid_flags(fc), rnd_cmd(fc));
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
	struct nl_msg *m = mk(fc, valid_flags(fc), rnd_cmd(fc));
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
	struct nl_msg *m = mk(fc, valid_flags(fc), rnd_cmd(fc));
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

/*
 * The same attribute several times: the last one counts, but every copy
 * is validated (SET_CONFIG: each against its range). For the config
 * commands, a setting with different values (in range or not), or several.
 */
static struct nlmsghdr *m_dup(struct fcase *fc)
{
	int cmd = rnd_cmd(fc), flags = valid_flags(fc);
	int type = below(&fc->r, TCPSM_A_STATS_MAX + 2);
	int i, n = range(&fc->r, 2, 64), key;
	__u32 v = rnd(&fc->r);
	struct nl_msg *m;

	if (!is_config_cmd(cmd)) {
		m = mk(fc, flags, cmd);
		for (i = 0; i < n; i++) {
			if (type == TCPSM_A_STATS_ALL_NETNS || one_in(&fc->r, 3))
				nla_put_flag(m, TCPSM_A_STATS_ALL_NETNS);
			else
				nla_put_u32(m, type, v);
		}
		return emit(fc, m);
	}
	if (!one_in(&fc->r, 4))
		flags &= ~NLM_F_DUMP;
	m = mk(fc, flags, cmd);
	n = range(&fc->r, 2, 8);
	key = below(&fc->r, NKEYS);
	for (i = 0; i < n; i++) {
		if (one_in(&fc->r, 3))
			key = below(&fc->r, NKEYS);
		nla_put_u32(m, TCPSM_A_CONFIG_CLOSEWAIT_COUNT + key,
			    one_in(&fc->r, 3) ? v : rnd_cfg_value(&fc->r, key));
	}
	return emit(fc, m);
}

/* attribute types up to 0xffff, flag bits included */
static struct nlmsghdr *m_high_type(struct fcase *fc)
{
	static const int types[] = { 0x7fff, 0x8000, 0xbfff, 0xc000, 0xffff,
				     0x4000 | TCPSM_A_STATS_ALL_NETNS,
				     0xc000 | TCPSM_A_STATS_ALL_NETNS };
	struct nl_msg *m = mk(fc, valid_flags(fc), rnd_cmd(fc));
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
	m = mk(fc, valid_flags(fc), rnd_cmd(fc));
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
	bool strict = one_in(&fc->r, 2);
	int r = fc->dry ? 0 : set_acks(fc->c, ext, cap, strict);

	if (r) {
		fail(fc, "setsockopt: %s", strerror(-r));
		return;
	}
	restack(fc, msg_gens[below(&fc->r, ARRAY_SIZE(msg_gens))](fc));
	send_and_check(fc);
	if (fc->dry)
		return;
	r = set_acks(fc->c, true, false, false);
	if (r)
		fail(fc, "setsockopt: %s", strerror(-r));
}

/*
 * A dump (GET_STATS, sometimes all-netns; GET_CLOSEWAIT; GET_ALARMS;
 * GET_LISTENERS) on a socket of its own, abandoned or interrupted: closed
 * at once, closed after part of its first message or its first part, or a
 * new request sent after the first part; or read to the end 4 KiB at a
 * time.
 * Whichever, the module reference the dump took is given back at close.
 */
static void r_dump_interrupt(struct fcase *fc)
{
	static const int cmds[] = {
		TCPSM_CMD_GET_STATS, TCPSM_CMD_GET_STATS, TCPSM_CMD_GET_STATS,
		TCPSM_CMD_GET_CLOSEWAIT, TCPSM_CMD_GET_ALARMS,
		TCPSM_CMD_GET_LISTENERS,
	};
	struct conn d, *c0 = fc->c;
	int variant = below(&fc->r, 5), ref0 = cfg.refcnt0, ref, r;
	int cmd = cmds[below(&fc->r, ARRAY_SIZE(cmds))];
	bool all = cmd == TCPSM_CMD_GET_STATS &&
		   fc->ph->kind != PH_UNPRIV && !one_in(&fc->r, 4);
	/* a tiny receive buffer: one part queued at a time */
	bool tiny = variant != 3 && one_in(&fc->r, 2);
	int ack = one_in(&fc->r, 2) ? NLM_F_ACK : 0;
	size_t off2;
	char small[64];
	ssize_t n;

	if (!fc->dry) {
		r = conn_open(&d, tiny ? 1 : 0);
		if (r) {
			fail(fc, "socket: %s", strerror(-r));
			conn_close(&d);
			return;
		}
		fc->c = &d;
	}
	fc->dump = DS_IDLE;	/* a new socket */
	emit(fc, mk(fc, NLM_F_REQUEST | NLM_F_DUMP | ack, cmd));
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
	if (fc->dry) {
		/* the model: what variant 3 sends after the first part */
		if (variant == 3) {
			fc->dump = DS_MAYBE;
			off2 = NLMSG_ALIGN(fc->len);
			m_valid(fc);
			expect_buf(fc, fc->buf + off2, fc->len - off2);
		}
		return;
	}
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
		/* a GET_STATS message is longer; the others may be DONE */
		if (n <= (cmd == TCPSM_CMD_GET_STATS ? (ssize_t)sizeof(small) : 0))
			fail(fc, "dump: first recv gave %zd", n < 0 ? -errno : n);
		break;
	case 2:		/* the first part, checked, then close */
		n = pump(fc, &d, 4096, 0);
		if (n <= 0 && !fc->failed)
			fail(fc, "dump: first recv gave %zd", n);
		break;
	case 3:
		/*
		 * A new request mid-dump (or after it, if it took one part):
		 * a do, or a dump (-EBUSY, or not).
		 */
		n = pump(fc, &d, 4096, 0);
		if (n <= 0 && !fc->failed)
			fail(fc, "dump: first recv gave %zd", n);
		if (fc->failed)
			break;
		fc->dump = DS_MAYBE;
		off2 = NLMSG_ALIGN(fc->len);
		m_valid(fc);
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

static void describe(struct fcase *fc)
{
	char pred[256];
	int i;

	ksft_print_msg("case %ld (%s, %s): %zu bytes sent, %d messages seen by the kernel; settings before: %s\n",
		       fc->idx, fc->gen, phase_name[fc->ph->kind],
		       fc->send_len, fc->nexp, cfg_str(&fc->cfg_before));
	for (i = 0; i < fc->nexp; i++) {
		const struct expect *e = &fc->exp[i];

		ksft_print_msg("  at %ld: len %u type %u flags %#x seq %u cmd %u: %s%s\n",
			       (long)(e->p - fc->buf), e->hdr.nlmsg_len,
			       e->hdr.nlmsg_type, e->hdr.nlmsg_flags,
			       e->hdr.nlmsg_seq,
			       e->hdr.nlmsg_len >= GENL_LEN ?
			       ((const struct genlmsghdr *)(e->p + NLMSG_HDRLEN))->cmd : 0,
			       pred_str(e, pred, sizeof(pred)),
			       e->want_ack ? ", ACK" : "");
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

/*
 * Case @idx of phase @ph on @c; @dry: through the model only, nothing sent
 * (it still changes ph->cur as the case would).
 */
static bool run_case(struct phase *ph, struct conn *c, long idx, bool dry)
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
	fc->dump = DS_IDLE;	/* every dump of the last case ended */
	fc->cur = &ph->cur;
	fc->cfg_before = ph->cur;
	fc->dry = dry;
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
	if (dry) {
		if (fc->failed)
			report(fc);
		return !fc->failed;
	}
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

/*
 * GET_CONFIG (@set NULL) or a SET_CONFIG of all three settings on @c, with
 * NLM_F_ACK, outside the model: the reply (our namespace, the settings)
 * into *@out, then the ACK, then nothing. Returns 0, the kernel's error,
 * or -EPROTO for anything else.
 */
static int config_rpc(struct conn *c, const struct cfgv *set,
		      struct cfgv *out)
{
	unsigned char *buf = rxbuf;	/* no case is running */
	int cmd = set ? TCPSM_CMD_SET_CONFIG : TCPSM_CMD_GET_CONFIG;
	static __u32 seq = 1;
	bool got = false, acked = false;
	struct nlmsghdr *h;
	struct nl_msg *m;
	ssize_t n;
	int i, r;

	m = nlmsg_alloc();
	if (!m || !genlmsg_put(m, c->portid, ++seq, cfg.family, 0,
			       NLM_F_REQUEST | NLM_F_ACK, cmd,
			       TCPSM_FAMILY_VERSION)) {
		nlmsg_free(m);
		return -ENOMEM;
	}
	for (i = 0; set && i < NKEYS; i++)
		nla_put_u32(m, TCPSM_A_CONFIG_CLOSEWAIT_COUNT + i, set->v[i]);
	h = nlmsg_hdr(m);
	n = send(c->fd, h, h->nlmsg_len, 0);
	r = n == (ssize_t)h->nlmsg_len ? 0 : -errno;
	nlmsg_free(m);
	if (r)
		return r;
	while (!acked) {
		const struct nlmsghdr *nlh;
		int len;

		n = recv(c->fd, buf, RXBUF, 0);
		if (n <= 0)
			return n ? -errno : -EPROTO;
		len = n;
		for (nlh = (void *)buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			const struct genlmsghdr *g = NLMSG_DATA(nlh);
			const struct nlattr *a, *at[TCPSM_A_CONFIG_MAX + 1] = { NULL };
			int rem, type;

			if (nlh->nlmsg_seq != seq || acked)
				return -EPROTO;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *ne = NLMSG_DATA(nlh);

				if (nlh->nlmsg_len < NLMSGERR_LEN)
					return -EPROTO;
				if (ne->error)
					return ne->error;
				if (!got)
					return -EPROTO;
				acked = true;
				continue;
			}
			if (nlh->nlmsg_type != cfg.family || got ||
			    nlh->nlmsg_len < GENL_LEN || g->cmd != cmd)
				return -EPROTO;
			rem = nlh->nlmsg_len - GENL_LEN;
			for (a = (const void *)((const char *)nlh + GENL_LEN);
			     attr_ok(a, rem); a = attr_next(a, &rem)) {
				type = a->nla_type & NLA_TYPE_MASK;
				if (type < 1 || type > TCPSM_A_CONFIG_MAX ||
				    a->nla_len != NLA_HDRLEN + 4)
					return -EPROTO;
				at[type] = a;
			}
			for (type = 1; type <= TCPSM_A_CONFIG_MAX; type++)
				if (!at[type])
					return -EPROTO;
			if (rem > 0 || attr_u32(at[TCPSM_A_CONFIG_NETNS]) != c->netns)
				return -EPROTO;
			for (i = 0; i < NKEYS; i++)
				out->v[i] = attr_u32(at[TCPSM_A_CONFIG_CLOSEWAIT_COUNT + i]);
			got = true;
		}
		if (len)
			return -EPROTO;
	}
	n = recv(c->fd, buf, RXBUF, MSG_DONTWAIT);
	if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
		return -EPROTO;
	if (set && !cfg_eq(set, out))
		return -EPROTO;
	return 0;
}

/*
 * The settings phase @ph's namespace has before case @end in a whole run,
 * from *@cur at its start: the cases before it, through the model only.
 */
static bool replay(const struct phase *ph, struct conn *c, long end,
		   struct cfgv *cur)
{
	static struct tally scratch;
	struct phase p = *ph;
	long i;

	p.t = &scratch;
	p.cur = *cur;
	for (i = ph->first; i < end; i++)
		if (!run_case(&p, c, i, true))
			return false;
	*cur = p.cur;
	return true;
}

/*
 * In a child, once on the phase's socket: the settings are what the model
 * says; with --only I in this phase, set them to what case I meets in a
 * whole run.
 */
static bool phase_settings(struct phase *ph, struct conn *c)
{
	const struct cfgv *want = ph->kind == PH_NETNS ?
				  (shared->have_fresh ? &shared->fresh : NULL) :
				  &shared->init_now;
	struct cfgv at;
	int r;

	r = config_rpc(c, NULL, &ph->cur);
	if (r) {
		ksft_print_msg("%s: GET_CONFIG: %s\n", phase_name[ph->kind],
			       strerror(-r));
		return false;
	}
	if (want && !cfg_eq(&ph->cur, want)) {
		ksft_print_msg("%s: settings %s at the start, expected %s\n",
			       phase_name[ph->kind], cfg_str(&ph->cur),
			       cfg_str(want));
		return false;
	}
	ksft_print_msg("%s: settings at the start: %s\n", phase_name[ph->kind],
		       cfg_str(&ph->cur));
	if (cfg.only < ph->first || cfg.only >= ph->end)
		return true;
	at = ph->cur;
	if (!replay(ph, c, cfg.only, &at))
		return false;
	if (cfg_eq(&at, &ph->cur))
		return true;
	if (ph->kind == PH_UNPRIV) {
		ksft_print_msg("internal: the unprivileged cases changed the settings\n");
		return false;
	}
	r = config_rpc(c, &at, &ph->cur);
	if (r) {
		ksft_print_msg("%s: SET_CONFIG %s: %s\n", phase_name[ph->kind],
			       cfg_str(&at), strerror(-r));
		return false;
	}
	ksft_print_msg("%s: settings as the whole run has them at case %ld: %s\n",
		       phase_name[ph->kind], cfg.only, cfg_str(&ph->cur));
	return true;
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
	if (!phase_settings(ph, &c)) {
		conn_close(&c);
		return KSFT_FAIL;
	}
	signal(SIGALRM, watchdog);
	t0 = now();
	for (i = ph->first; i < ph->end; i++) {
		if (cfg.only >= 0 && i != cfg.only)
			continue;
		if (!(i & 15))
			alarm(WATCHDOG);
		if (!run_case(ph, &c, i, false)) {
			t->failed = 1;
			t->fail_idx = i;
			break;
		}
	}
	alarm(0);
	t->secs = now() - t0;
	/* what the initial namespace's settings are now, as modelled */
	if (ph->kind != PH_NETNS)
		shared->init_now = ph->cur;
	ksft_print_msg("%s: settings at the end: %s\n", phase_name[ph->kind],
		       cfg_str(&ph->cur));
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

/*
 * A plain GET_STATS do, plain dump and all-netns dump, GET_CONFIG (the
 * settings of @ph's model), GET_CLOSEWAIT, GET_ALARMS and GET_LISTENERS
 * dumps, answered in full; the last shows our own listener.
 */
static bool valid_after(struct phase *ph)
{
	static const struct {
		int cmd, flags;
		bool all;
	} reqs[] = {
		{ TCPSM_CMD_GET_STATS, NLM_F_REQUEST, false },
		{ TCPSM_CMD_GET_STATS, NLM_F_REQUEST | NLM_F_ACK, false },
		{ TCPSM_CMD_GET_STATS, NLM_F_REQUEST | NLM_F_DUMP, false },
		{ TCPSM_CMD_GET_STATS, NLM_F_REQUEST | NLM_F_DUMP, true },
		{ TCPSM_CMD_GET_CONFIG, NLM_F_REQUEST | NLM_F_ACK, false },
		{ TCPSM_CMD_GET_CLOSEWAIT, NLM_F_REQUEST | NLM_F_DUMP, false },
		{ TCPSM_CMD_GET_ALARMS, NLM_F_REQUEST | NLM_F_DUMP, false },
		{ TCPSM_CMD_GET_LISTENERS, NLM_F_REQUEST | NLM_F_DUMP, false },
	};
	struct fcase *fc = &fcase;
	struct conn c;
	bool ok = true;
	size_t i;
	int r;

	/*
	 * Every namespace, and our listener, has had its first one-second
	 * sample (a short run may not have lasted that long)
	 */
	while (now() < own_lsn.opened + 2.5)
		usleep(100 * 1000);
	own_lsn.seen = false;
	counters_required = true;

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
		fc->cur = &ph->cur;
		fc->cfg_before = ph->cur;
		m = mk(fc, reqs[i].flags, reqs[i].cmd);
		if (reqs[i].all)
			nla_put_flag(m, TCPSM_A_STATS_ALL_NETNS);
		emit(fc, m);
		send_and_check(fc);
		if (fc->exp[0].cls != M_DO &&
		    (fc->exp[0].cls != M_DUMP || fc->exp[0].must == MUST_NONE))
			fail(fc, "internal: a plain request not predicted to succeed");
		if (fc->failed) {
			report(fc);
			ok = false;
		}
	}
	conn_close(&c);
	if (ok && own_lsn.port && !own_lsn.seen) {
		ksft_print_msg("GET_LISTENERS: no listener 127.0.0.1:%u of netns %u\n",
			       own_lsn.port, own_lsn.netns);
		ok = false;
	}
	return ok;
}

/*
 * After a failed phase the model may be wrong: the next phase starts from
 * what the kernel says.
 */
static void resync_settings(void)
{
	struct conn c;

	if (conn_open(&c, 0))
		return;
	if (!config_rpc(&c, NULL, &shared->init_now))
		ksft_print_msg("settings of the initial namespace now: %s\n",
			       cfg_str(&shared->init_now));
	conn_close(&c);
}

/*
 * The initial namespace's settings are what the root phase left (the
 * netns phase's changes stayed in its namespace, the unprivileged phase
 * changed nothing): @check. Then, whatever they are, back to what they
 * were at the start.
 */
static bool settings_restored(bool check)
{
	struct cfgv got;
	struct conn c;
	bool ok = true;
	int r;

	r = conn_open(&c, 0);
	if (r) {
		ksft_print_msg("netlink socket: %s\n", strerror(-r));
		return false;
	}
	r = config_rpc(&c, NULL, &got);
	if (r) {
		ksft_print_msg("settings: GET_CONFIG: %s\n", strerror(-r));
		ok = false;
	} else if (check && !cfg_eq(&got, &shared->init_now)) {
		ksft_print_msg("settings of the initial namespace: %s, the model says %s\n",
			       cfg_str(&got), cfg_str(&shared->init_now));
		ok = false;
	} else {
		ksft_print_msg("settings of the initial namespace after the phases: %s%s\n",
			       cfg_str(&got), check ? ", as modelled" : "");
	}
	r = config_rpc(&c, &shared->init_start, &got);
	if (r) {
		ksft_print_msg("settings: SET_CONFIG %s: %s\n",
			       cfg_str(&shared->init_start), strerror(-r));
		ok = false;
	} else if (config_rpc(&c, NULL, &got) ||
		   !cfg_eq(&got, &shared->init_start)) {
		ksft_print_msg("settings: %s after putting back %s\n",
			       cfg_str(&got), cfg_str(&shared->init_start));
		ok = false;
	} else {
		ksft_print_msg("settings put back: %s\n", cfg_str(&got));
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

/*
 * Tally the /dev/kmsg records that can be read now (fd is O_NONBLOCK) at
 * warning level or worse, and print those that are not expected.
 */
static void kmsg_drain(int fd)
{
	char rec[4096];

	for (;;) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);
		char *text, *nl;
		unsigned long prio;

		if (n < 0 && errno == EPIPE) {
			shared->kmsg_lost++;	/* overwritten before we read it */
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
			shared->kmsg_expected++;
			continue;
		}
		shared->kmsg_bad++;
		ksft_print_msg("kernel log, level %lu: %s\n", prio & 7, text);
		fflush(stdout);
	}
}

/*
 * A child that drains fd as records arrive, until SIGTERM. It shares fd's
 * file description (and so its read position) with the parent, which
 * reads it only once the child is gone.
 */
static pid_t kmsg_watch(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid)
		return pid;
	signal(SIGTERM, SIG_DFL);
	prctl(PR_SET_PDEATHSIG, SIGTERM);	/* main may exit early */
	if (getppid() == 1)
		_exit(0);
	for (;;) {
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			_exit(1);
		kmsg_drain(fd);
	}
}

/* Stop the watcher, read what it left, and report. */
static bool kmsg_clean(int fd, pid_t watcher)
{
	if (watcher > 0) {
		kill(watcher, SIGTERM);
		waitpid(watcher, NULL, 0);
	}
	kmsg_drain(fd);
	ksft_print_msg("kernel log: %d new lines at warning level or worse, %d lost%s\n",
		       shared->kmsg_bad + shared->kmsg_expected,
		       shared->kmsg_lost,
		       watcher > 0 ? "" : " (read at the end only: no watcher)");
	ksft_print_msg("kernel log: %d of them the netlink core's notes on malformed input\n",
		       shared->kmsg_expected);
	return !shared->kmsg_bad && !shared->kmsg_lost;
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

/*
 * A listener of our own on 127.0.0.1, backlog OWN_BACKLOG, for the whole
 * run: GET_LISTENERS dumps must show it with that limit, and
 * valid_after() must find it. Returns its fd.
 */
static int own_listener(void)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t alen = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(fd, OWN_BACKLOG) ||
	    getsockname(fd, (struct sockaddr *)&a, &alen))
		ksft_exit_fail_msg("listener on 127.0.0.1: %s\n", strerror(errno));
	own_lsn.netns = own_netns();
	own_lsn.port = ntohs(a.sin_port);
	own_lsn.opened = now();
	ksft_print_msg("our listener: 127.0.0.1:%u, backlog %d, netns %u\n",
		       own_lsn.port, OWN_BACKLOG, own_lsn.netns);
	return fd;
}

int main(int argc, char **argv)
{
	struct phase ph[NPHASES];
	struct tally *ts;
	int nsfd[NNS], nns, kmsg, lsn, i, r;
	pid_t kmsg_pid = -1;
	bool ok, all_ok = true, after;
	long n_side;
	double t0;
	struct conn c;
	FILE *f;

	parse_args(argc, argv);
	ksft_print_header();
	ksft_set_plan(NPHASES + 4);
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

	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	cfg.split_ops = kernel_split_ops();
	if (conn_open(&c, 0))
		ksft_exit_fail_msg("netlink socket: %s\n", strerror(errno));
	cfg.family = genl_ctrl_resolve(c.sk, TCPSM_FAMILY_NAME);
	if (cfg.family < 0)
		ksft_exit_fail_msg("no generic netlink family %s (module loaded?)\n",
				   TCPSM_FAMILY_NAME);
	/* the settings found at the start, put back at the end */
	r = config_rpc(&c, NULL, &shared->init_start);
	if (r)
		ksft_exit_fail_msg("GET_CONFIG: %s\n", strerror(-r));
	shared->init_now = shared->init_start;
	shared->have_fresh = read_params(&shared->fresh);
	ksft_print_msg("settings at the start: %s; a new namespace's: %s; genl split ops: %s\n",
		       cfg_str(&shared->init_start),
		       shared->have_fresh ? cfg_str(&shared->fresh) : "unknown",
		       cfg.split_ops ? "yes" : "no (6.1)");

	nns = make_namespaces(nsfd, NNS);
	lsn = own_listener();
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg >= 0) {
		lseek(kmsg, 0, SEEK_END);
		kmsg_pid = kmsg_watch(kmsg);
	}
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

	/*
	 * --only I of the unprivileged phase: the initial namespace as the
	 * whole root phase leaves it (the unprivileged cannot set it).
	 */
	if (cfg.only >= ph[PH_UNPRIV].first && cfg.only < ph[PH_UNPRIV].end) {
		struct cfgv at = shared->init_start, got;

		if (!replay(&ph[PH_ROOT], &c, ph[PH_ROOT].end, &at))
			ksft_exit_fail_msg("replay of the root phase failed\n");
		r = config_rpc(&c, &at, &got);
		if (r)
			ksft_exit_fail_msg("SET_CONFIG %s: %s\n", cfg_str(&at),
					   strerror(-r));
		shared->init_now = at;
	}
	conn_close(&c);

	t0 = now();
	for (i = 0; i < NPHASES; i++) {
		const char *name = phase_name[i];

		if (ph[i].first == ph[i].end ||
		    (cfg.only >= 0 && (cfg.only < ph[i].first ||
				       cfg.only >= ph[i].end))) {
			ksft_test_result_skip("fuzz_%s: no requests in this run\n", name);
			continue;
		}
		ok = fork_phase(&ph[i]);
		all_ok &= ok;
		if (!ok && i != PH_NETNS)
			resync_settings();
		ksft_print_msg("%s: %ld requests in %.1f s\n", name,
			       ts[i].requests, ts[i].secs);
		ksft_test_result(ok, "fuzz_%s: %ld requests\n", name,
				 ts[i].requests);
	}

	ksft_test_result(settings_restored(all_ok),
			 "settings: as modelled after the phases, put back as found\n");
	ph[PH_ROOT].cur = shared->init_start;
	after = valid_after(&ph[PH_ROOT]);
	ksft_test_result(after, "valid_after: GET_STATS, GET_CONFIG, GET_CLOSEWAIT, GET_ALARMS, GET_LISTENERS answered in full\n");
	for (i = 0; i < nns; i++)
		close(nsfd[i]);
	close(lsn);
	ksft_test_result(refcnt_back(), "module_refcnt: back at its starting value\n");
	if (kmsg < 0)
		ksft_test_result_skip("kernel_log: /dev/kmsg: %s\n", strerror(errno));
	else
		ksft_test_result(kmsg_clean(kmsg, kmsg_pid), "kernel_log: no new warning\n");

	summary(ts);
	ksft_print_msg("total time %.1f s\n", now() - t0);
	ksft_finished();
}
