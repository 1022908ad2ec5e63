// SPDX-License-Identifier: GPL-2.0
/*
 * tcpsm userspace tests, no kernel module needed:
 *   - the JSON writer and its string escaping
 *   - GET_STATS reply parsing (messages built with libnl) and rendering
 *   - extended ACK parsing (NLMSG_ERROR / NLMSG_DONE built by hand)
 *   - the CLI: exit codes and one-line errors of ./tcpsm (argv[1])
 * Ends with "N passed, N failed"; exits 1 if anything failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>

#include <linux/tcpsm.h>

#include "json.h"
#include "nl.h"
#include "states.h"
#include "stats.h"

static int passed, failed;

static void check(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		passed++;
		printf("ok   %s\n", name);
		return;
	}
	failed++;
	printf("FAIL %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static void check_str(const char *name, const char *got, const char *want)
{
	check(strcmp(got, want) == 0, name, "\n  got:  [%s]\n  want: [%s]", got,
	      want);
}

/* ---- JSON ---------------------------------------------------------------- */

static char *escaped(const char *s)
{
	static char buf[512];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	json_write_escaped(f, s);
	fclose(f);
	return buf;
}

static void test_json_escape(void)
{
	check_str("json: plain", escaped("LISTEN"), "\"LISTEN\"");
	check_str("json: empty", escaped(""), "\"\"");
	check_str("json: quote and backslash", escaped("a\"b\\c"),
		  "\"a\\\"b\\\\c\"");
	check_str("json: short escapes", escaped("\b\f\n\r\t"),
		  "\"\\b\\f\\n\\r\\t\"");
	check_str("json: other control chars", escaped("\x01\x1f x"),
		  "\"\\u0001\\u001f x\"");
	check_str("json: DEL and slash pass", escaped("\x7f/"), "\"\x7f/\"");
	check_str("json: valid UTF-8 passes", escaped("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
		  "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	check_str("json: invalid byte", escaped("a\xff" "b"), "\"a\\ufffdb\"");
	check_str("json: overlong", escaped("\xc0\xaf"), "\"\\ufffd\\ufffd\"");
	check_str("json: surrogate", escaped("\xed\xa0\x80"),
		  "\"\\ufffd\\ufffd\\ufffd\"");
	check_str("json: truncated sequence at end", escaped("x\xe2\x82"),
		  "\"x\\ufffd\\ufffd\"");
	check_str("json: past U+10FFFF", escaped("\xf4\x90\x80\x80"),
		  "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
}

static void test_json_writer(void)
{
	char buf[512];
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	struct json j;

	json_init(&j, f);
	json_array_begin(&j);
	json_object_begin(&j);
	json_key(&j, "a");
	json_u64(&j, 18446744073709551615ULL);
	json_key(&j, "b\"");
	json_array_begin(&j);
	json_array_end(&j);
	json_key(&j, "c");
	json_array_begin(&j);
	json_i64(&j, -1);
	json_bool(&j, true);
	json_null(&j);
	json_object_begin(&j);
	json_object_end(&j);
	json_array_end(&j);
	json_object_end(&j);
	json_string(&j, "x");
	json_array_end(&j);
	fclose(f);
	check_str("json: nesting and separators", buf,
		  "[{\"a\": 18446744073709551615, \"b\\\"\": [], \"c\": [-1, true, null, {}]}, \"x\"]");
}

/* ---- GET_STATS replies ---------------------------------------------------- */

#define FAMILY 0x1f

static struct nl_msg *new_reply(void)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, 0, 1, FAMILY, 0, 0, TCPSM_CMD_GET_STATS,
		    TCPSM_FAMILY_VERSION);
	return msg;
}

static void put_state(struct nl_msg *msg, uint32_t state, uint64_t count)
{
	struct nlattr *n = nla_nest_start(msg, TCPSM_A_STATS_STATE);

	nla_put_u32(msg, TCPSM_A_STATE_COUNT_STATE, state);
	nla_put_u64(msg, TCPSM_A_STATE_COUNT_COUNT, count);
	nla_nest_end(msg, n);
}

static void put_trans(struct nl_msg *msg, uint32_t from, uint32_t to,
		      uint64_t count)
{
	struct nlattr *n = nla_nest_start(msg, TCPSM_A_STATS_TRANSITION);

	nla_put_u32(msg, TCPSM_A_TRANSITION_FROM, from);
	nla_put_u32(msg, TCPSM_A_TRANSITION_TO, to);
	nla_put_u64(msg, TCPSM_A_TRANSITION_COUNT, count);
	nla_nest_end(msg, n);
}

static void test_stats_parse(void)
{
	struct tcpsm_stats st;
	struct nl_msg *msg = new_reply();
	struct nlattr *n;
	int r;

	nla_put_u32(msg, TCPSM_A_STATS_NETNS, 4026531840u);
	nla_put_u32(msg, 200, 7);		/* from a newer module */
	put_state(msg, TCPSM_STATE_LISTEN, 3);
	/* a pad and an unknown attribute inside a nest, nest flag set */
	n = nla_nest_start(msg, TCPSM_A_STATS_STATE | NLA_F_NESTED);
	nla_put(msg, TCPSM_A_STATE_COUNT_PAD, 0, NULL);
	nla_put_u32(msg, TCPSM_A_STATE_COUNT_STATE, TCPSM_STATE_ESTABLISHED);
	nla_put_u64(msg, TCPSM_A_STATE_COUNT_COUNT, 1ULL << 40);
	nla_put_u32(msg, 77, 1);
	nla_nest_end(msg, n);
	put_state(msg, 42, 9);			/* a state we do not know */
	put_state(msg, TCPSM_STATE_TIME_WAIT, 18446744073709551615ULL);
	put_trans(msg, TCPSM_STATE_LISTEN, TCPSM_STATE_SYN_RCVD, 120);
	put_trans(msg, TCPSM_STATE_CLOSED, TCPSM_STATE_SYN_SENT, 5);
	put_trans(msg, TCPSM_STATE_SYN_RCVD, TCPSM_STATE_ESTABLISHED, 118);
	put_trans(msg, TCPSM_STATE_ESTABLISHED, TCPSM_STATE_CLOSE_WAIT, 0);
	put_trans(msg, 12, TCPSM_STATE_CLOSED, 4);	/* unknown from */

	r = tcpsm_stats_parse(nlmsg_hdr(msg), &st);
	check(r == 0, "parse: valid reply", "r=%d", r);
	check(st.has_netns && st.netns == 4026531840u, "parse: netns", "%u",
	      st.netns);
	check(st.state[TCPSM_STATE_LISTEN] == 3 &&
	      st.state[TCPSM_STATE_ESTABLISHED] == (1ULL << 40) &&
	      st.state[TCPSM_STATE_TIME_WAIT] == 18446744073709551615ULL &&
	      st.state[TCPSM_STATE_SYN_SENT] == 0,
	      "parse: gauges (repeated nests, pad, unknown attrs)", "");
	check(st.trans[TCPSM_STATE_LISTEN][TCPSM_STATE_SYN_RCVD] == 120 &&
	      st.trans[TCPSM_STATE_CLOSED][TCPSM_STATE_SYN_SENT] == 5 &&
	      st.trans[TCPSM_STATE_SYN_RCVD][TCPSM_STATE_ESTABLISHED] == 118,
	      "parse: transitions", "");
	nlmsg_free(msg);

	/* no attributes at all: zeros, no netns */
	msg = new_reply();
	r = tcpsm_stats_parse(nlmsg_hdr(msg), &st);
	check(r == 0 && !st.has_netns && st.state[TCPSM_STATE_LISTEN] == 0,
	      "parse: empty reply", "r=%d", r);
	nlmsg_free(msg);

	/* a state nest without its count */
	msg = new_reply();
	n = nla_nest_start(msg, TCPSM_A_STATS_STATE);
	nla_put_u32(msg, TCPSM_A_STATE_COUNT_STATE, TCPSM_STATE_LISTEN);
	nla_nest_end(msg, n);
	r = tcpsm_stats_parse(nlmsg_hdr(msg), &st);
	check(r == -EBADMSG, "parse: nest missing count is malformed", "r=%d", r);
	nlmsg_free(msg);

	/* a netns attribute too short for a u32 */
	msg = new_reply();
	nla_put_u16(msg, TCPSM_A_STATS_NETNS, 1);
	r = tcpsm_stats_parse(nlmsg_hdr(msg), &st);
	check(r == -EBADMSG, "parse: short netns is malformed", "r=%d", r);
	nlmsg_free(msg);

	/* a count too short for a u64 */
	msg = new_reply();
	n = nla_nest_start(msg, TCPSM_A_STATS_TRANSITION);
	nla_put_u32(msg, TCPSM_A_TRANSITION_FROM, 1);
	nla_put_u32(msg, TCPSM_A_TRANSITION_TO, 3);
	nla_put_u32(msg, TCPSM_A_TRANSITION_COUNT, 3);
	nla_nest_end(msg, n);
	r = tcpsm_stats_parse(nlmsg_hdr(msg), &st);
	check(r == -EBADMSG, "parse: short u64 is malformed", "r=%d", r);
	nlmsg_free(msg);
}

static struct tcpsm_stats sample(void)
{
	struct tcpsm_stats st;

	memset(&st, 0, sizeof(st));
	st.has_netns = true;
	st.netns = 4026531840u;
	st.state[TCPSM_STATE_CLOSED] = 99;	/* not a gauge: never shown */
	st.state[TCPSM_STATE_LISTEN] = 3;
	st.state[TCPSM_STATE_ESTABLISHED] = 17;
	st.state[TCPSM_STATE_TIME_WAIT] = 1234567;
	/* set out of order: output must be in enum order */
	st.trans[TCPSM_STATE_SYN_RCVD][TCPSM_STATE_ESTABLISHED] = 118;
	st.trans[TCPSM_STATE_LISTEN][TCPSM_STATE_SYN_RCVD] = 120;
	st.trans[TCPSM_STATE_CLOSED][TCPSM_STATE_SYN_SENT] = 5;
	st.trans[TCPSM_STATE_ESTABLISHED][TCPSM_STATE_FIN_WAIT_1] = 18446744073709551615ULL;
	return st;
}

static void test_stats_json(void)
{
	char buf[2048];
	struct tcpsm_stats st = sample(), empty;
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	struct json j;

	json_init(&j, f);
	tcpsm_stats_print_json(&j, &st);
	fclose(f);
	check_str("render: json", buf,
		  "{\"netns\": 4026531840, \"states\": {\"LISTEN\": 3, \"SYN_SENT\": 0, "
		  "\"SYN_RCVD\": 0, \"ESTABLISHED\": 17, \"FIN_WAIT_1\": 0, "
		  "\"FIN_WAIT_2\": 0, \"CLOSE_WAIT\": 0, \"CLOSING\": 0, "
		  "\"LAST_ACK\": 0, \"TIME_WAIT\": 1234567}, \"transitions\": ["
		  "{\"from\": \"CLOSED\", \"to\": \"SYN_SENT\", \"count\": 5}, "
		  "{\"from\": \"LISTEN\", \"to\": \"SYN_RCVD\", \"count\": 120}, "
		  "{\"from\": \"SYN_RCVD\", \"to\": \"ESTABLISHED\", \"count\": 118}, "
		  "{\"from\": \"ESTABLISHED\", \"to\": \"FIN_WAIT_1\", \"count\": 18446744073709551615}]}");

	memset(&empty, 0, sizeof(empty));
	f = fmemopen(buf, sizeof(buf), "w");
	json_init(&j, f);
	json_array_begin(&j);
	tcpsm_stats_print_json(&j, &empty);
	tcpsm_stats_print_json(&j, &empty);
	json_array_end(&j);
	fclose(f);
	check_str("render: json array, no netns, no transitions", buf,
		  "[{\"netns\": null, \"states\": {\"LISTEN\": 0, \"SYN_SENT\": 0, "
		  "\"SYN_RCVD\": 0, \"ESTABLISHED\": 0, \"FIN_WAIT_1\": 0, "
		  "\"FIN_WAIT_2\": 0, \"CLOSE_WAIT\": 0, \"CLOSING\": 0, "
		  "\"LAST_ACK\": 0, \"TIME_WAIT\": 0}, \"transitions\": []}, "
		  "{\"netns\": null, \"states\": {\"LISTEN\": 0, \"SYN_SENT\": 0, "
		  "\"SYN_RCVD\": 0, \"ESTABLISHED\": 0, \"FIN_WAIT_1\": 0, "
		  "\"FIN_WAIT_2\": 0, \"CLOSE_WAIT\": 0, \"CLOSING\": 0, "
		  "\"LAST_ACK\": 0, \"TIME_WAIT\": 0}, \"transitions\": []}]");
}

static void test_stats_text(void)
{
	char buf[2048];
	struct tcpsm_stats st = sample(), small;
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	tcpsm_stats_print_text(f, &st);
	fclose(f);
	check_str("render: text", buf,
		  "netns 4026531840\n"
		  "\n"
		  "STATE        SOCKETS\n"
		  "LISTEN             3\n"
		  "SYN_SENT           0\n"
		  "SYN_RCVD           0\n"
		  "ESTABLISHED       17\n"
		  "FIN_WAIT_1         0\n"
		  "FIN_WAIT_2         0\n"
		  "CLOSE_WAIT         0\n"
		  "CLOSING            0\n"
		  "LAST_ACK           0\n"
		  "TIME_WAIT    1234567\n"
		  "\n"
		  "TRANSITION                                 COUNT\n"
		  "     CLOSED -> SYN_SENT                        5\n"
		  "     LISTEN -> SYN_RCVD                      120\n"
		  "   SYN_RCVD -> ESTABLISHED                   118\n"
		  "ESTABLISHED -> FIN_WAIT_1   18446744073709551615\n");

	memset(&small, 0, sizeof(small));
	small.state[TCPSM_STATE_LISTEN] = 12345678;
	f = fmemopen(buf, sizeof(buf), "w");
	tcpsm_stats_print_text(f, &small);
	fclose(f);
	check_str("render: text, wide gauge, no transitions", buf,
		  "netns unknown\n"
		  "\n"
		  "STATE         SOCKETS\n"
		  "LISTEN       12345678\n"
		  "SYN_SENT            0\n"
		  "SYN_RCVD            0\n"
		  "ESTABLISHED         0\n"
		  "FIN_WAIT_1          0\n"
		  "FIN_WAIT_2          0\n"
		  "CLOSE_WAIT          0\n"
		  "CLOSING             0\n"
		  "LAST_ACK            0\n"
		  "TIME_WAIT           0\n"
		  "\n"
		  "TRANSITION                  COUNT\n"
		  "(none since the module was loaded)\n");
}

static void test_states(void)
{
	check_str("states: CLOSED", tcpsm_state_name(TCPSM_STATE_CLOSED), "CLOSED");
	check_str("states: TIME_WAIT", tcpsm_state_name(TCPSM_STATE_TIME_WAIT),
		  "TIME_WAIT");
	check(tcpsm_state_name(TCPSM_STATE_MAX + 1) == NULL, "states: unknown is NULL", "");
	check(tcpsm_state_from_name("fin_wait_2") == TCPSM_STATE_FIN_WAIT_2 &&
	      tcpsm_state_from_name("nope") == -1, "states: from name", "");
}

/* ---- extended ACKs ---------------------------------------------------- */

/* Append one attribute at buf+*len (4-byte aligned). */
static void put_attr(char *buf, size_t *len, uint16_t type, const void *data,
		     uint16_t dlen)
{
	struct nlattr *a = (struct nlattr *)(buf + *len);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + dlen;
	memcpy((char *)a + NLA_HDRLEN, data, dlen);
	*len += NLA_ALIGN(a->nla_len);
}

static void test_extack(void)
{
	union { char b[1024]; struct nlmsghdr align; } u;
	struct nlmsghdr *nlh = &u.align;
	struct nlmsgerr *e;
	struct tcpsm_extack ext;
	size_t len;
	uint32_t u32;
	int error, r;

	/* capped error with a message and a missing attribute */
	memset(&u, 0, sizeof(u));
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED | NLM_F_ACK_TLVS;
	e = NLMSG_DATA(nlh);
	e->error = -EPERM;
	e->msg.nlmsg_len = NLMSG_HDRLEN + 20;	/* not echoed: capped */
	len = NLMSG_HDRLEN + sizeof(*e);
	put_attr(u.b, &len, NLMSGERR_ATTR_MSG, "Namespace walk needs\nCAP_NET_ADMIN", 35);
	u32 = TCPSM_A_STATS_NETNS;
	put_attr(u.b, &len, NLMSGERR_ATTR_MISS_TYPE, &u32, 4);
	nlh->nlmsg_len = len;
	r = tcpsm_nl_parse_extack(nlh, &error, &ext);
	check(r == 0 && error == -EPERM && ext.has_msg &&
	      ext.has_miss_type && ext.miss_type == TCPSM_A_STATS_NETNS,
	      "extack: capped error", "r=%d error=%d", r, error);
	check_str("extack: message sanitized to one line", ext.msg,
		  "Namespace walk needs CAP_NET_ADMIN");

	/* uncapped: our request (with 8 bytes of payload) is echoed first */
	memset(&u, 0, sizeof(u));
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_ACK_TLVS;
	e = NLMSG_DATA(nlh);
	e->error = -EINVAL;
	e->msg.nlmsg_len = NLMSG_HDRLEN + 8;
	len = NLMSG_HDRLEN + sizeof(*e) + 8;
	put_attr(u.b, &len, NLMSGERR_ATTR_MSG, "bad attribute", 14);
	u32 = 20;
	put_attr(u.b, &len, NLMSGERR_ATTR_OFFS, &u32, 4);
	put_attr(u.b, &len, 250, &u32, 4);	/* future attribute */
	nlh->nlmsg_len = len;
	r = tcpsm_nl_parse_extack(nlh, &error, &ext);
	check(r == 0 && error == -EINVAL && ext.has_offs && ext.offs == 20,
	      "extack: uncapped error", "r=%d error=%d", r, error);
	check_str("extack: uncapped message", ext.msg, "bad attribute");

	/* plain error, no TLVs */
	memset(&u, 0, sizeof(u));
	nlh->nlmsg_type = NLMSG_ERROR;
	e = NLMSG_DATA(nlh);
	e->error = -ENOENT;
	nlh->nlmsg_len = NLMSG_HDRLEN + sizeof(*e);
	r = tcpsm_nl_parse_extack(nlh, &error, &ext);
	check(r == 0 && error == -ENOENT && !ext.has_msg,
	      "extack: no TLVs", "r=%d", r);

	/* truncated error */
	nlh->nlmsg_len = NLMSG_HDRLEN + 2;
	r = tcpsm_nl_parse_extack(nlh, &error, &ext);
	check(r == -EINVAL, "extack: truncated", "r=%d", r);

	/* DONE of a dump that failed midway */
	memset(&u, 0, sizeof(u));
	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI | NLM_F_ACK_TLVS;
	error = -ENOBUFS;
	memcpy(NLMSG_DATA(nlh), &error, sizeof(error));
	len = NLMSG_HDRLEN + sizeof(int);
	put_attr(u.b, &len, NLMSGERR_ATTR_MSG, "dump failed", 12);
	nlh->nlmsg_len = len;
	r = tcpsm_nl_parse_extack(nlh, &error, &ext);
	check(r == 0 && error == -ENOBUFS && ext.has_msg,
	      "extack: DONE with error", "r=%d error=%d", r, error);
	check_str("extack: DONE message", ext.msg, "dump failed");
}

/* ---- the CLI ----------------------------------------------------------- */

struct run {
	int status;
	char out[8192];
	char err[8192];
	int err_lines;
};

static void slurp(int fd, char *buf, size_t size)
{
	ssize_t n;
	size_t len = 0;

	lseek(fd, 0, SEEK_SET);
	while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
}

static void run(const char *tool, const char *const *args, struct run *res)
{
	char outp[] = "/tmp/tcpsm-test-out-XXXXXX";
	char errp[] = "/tmp/tcpsm-test-err-XXXXXX";
	int ofd = mkstemp(outp), efd = mkstemp(errp);
	char *argv[16];
	int n = 0, st;
	pid_t pid;

	argv[n++] = (char *)tool;
	while (args[n - 1] && n < 15) {
		argv[n] = (char *)args[n - 1];
		n++;
	}
	argv[n] = NULL;

	pid = fork();
	if (pid == 0) {
		dup2(ofd, 1);
		dup2(efd, 2);
		execv(tool, argv);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	res->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	slurp(ofd, res->out, sizeof(res->out));
	slurp(efd, res->err, sizeof(res->err));
	res->err_lines = 0;
	for (char *p = res->err; *p; p++)
		res->err_lines += *p == '\n';
	close(ofd);
	close(efd);
	unlink(outp);
	unlink(errp);
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void expect_usage(const char *tool, const char *name,
			 const char *const *args)
{
	struct run r;

	run(tool, args, &r);
	check(r.status == 64 && r.err_lines == 1 && r.out[0] == '\0' &&
	      strncmp(r.err, "tcpsm: ", 7) == 0, name,
	      "status=%d stderr=[%s]", r.status, r.err);
}

static void test_cli(const char *tool)
{
	struct run r;

	run(tool, ARGS("--help"), &r);
	check(r.status == 0 && strstr(r.out, "Usage: tcpsm") && strstr(r.out, "stats") &&
	      !r.err[0], "cli: --help", "status=%d", r.status);
	run(tool, ARGS("help"), &r);
	check(r.status == 0 && strstr(r.out, "Usage: tcpsm"), "cli: help",
	      "status=%d", r.status);
	run(tool, ARGS("stats", "--help"), &r);
	check(r.status == 0 && strstr(r.out, "Usage: tcpsm stats"),
	      "cli: stats --help", "status=%d", r.status);
	run(tool, ARGS("help", "stats"), &r);
	check(r.status == 0 && strstr(r.out, "Usage: tcpsm stats"),
	      "cli: help stats", "status=%d", r.status);
	run(tool, ARGS("--version"), &r);
	check(r.status == 0 && strncmp(r.out, "tcpsm ", 6) == 0,
	      "cli: --version", "status=%d out=[%s]", r.status, r.out);

	expect_usage(tool, "cli: no command", ARGS(NULL));
	expect_usage(tool, "cli: unknown command", ARGS("frobnicate"));
	expect_usage(tool, "cli: unknown global option", ARGS("--bogus"));
	expect_usage(tool, "cli: unknown stats option", ARGS("stats", "--bogus"));
	expect_usage(tool, "cli: unknown short option", ARGS("stats", "-x"));
	expect_usage(tool, "cli: stray argument", ARGS("stats", "extra"));
	expect_usage(tool, "cli: value for a flag", ARGS("stats", "--json=yes"));
	expect_usage(tool, "cli: help for unknown command", ARGS("help", "nope"));

	/* Without the module: exactly one line and exit 2. */
	run(tool, ARGS("stats"), &r);
	if (r.status == 0) {
		printf("skip cli: stats without the module (module is loaded)\n");
		return;
	}
	check(r.status == 2 && r.err_lines == 1 && !r.out[0] &&
	      strcmp(r.err, "tcpsm: kernel module not loaded (try: sudo modprobe tcpsm)\n") == 0,
	      "cli: stats without the module", "status=%d stderr=[%s]", r.status, r.err);
	run(tool, ARGS("stats", "--all-netns", "--json"), &r);
	check(r.status == 2 && r.err_lines == 1 && !r.out[0],
	      "cli: stats --all-netns --json without the module",
	      "status=%d stderr=[%s]", r.status, r.err);
}

int main(int argc, char **argv)
{
	test_json_escape();
	test_json_writer();
	test_states();
	test_stats_parse();
	test_stats_json();
	test_stats_text();
	test_extack();
	if (argc > 1)
		test_cli(argv[1]);

	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
