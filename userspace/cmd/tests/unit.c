// SPDX-License-Identifier: GPL-2.0
/*
 * tcpsm userspace tests, no kernel module needed:
 *   - the JSON writer and its string escaping
 *   - GET_STATS reply parsing (messages built with libnl) and rendering
 *   - EVENT notifications: parsing, text and JSON lines, filters, and
 *     the lost records of sequence gaps
 *   - extended ACK parsing (NLMSG_ERROR / NLMSG_DONE built by hand)
 *   - CLOSE_WAIT leak detection: config, alarms, owners, closewait
 *     (tests/unit_cw.c)
 *   - SYN-flood pressure: syn counters, listeners, SYN_FLOOD and
 *     ACCEPT_QUEUE_OVERFLOW alarms (tests/unit_syn.c)
 *   - the CLI: exit codes and one-line errors of ./tcpsm (argv[1])
 * Ends with "N passed, N failed"; exits 1 if anything failed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>

#include <linux/tcpsm.h>

#include "check.h"
#include "events.h"
#include "evstream.h"
#include "evline.h"
#include "json.h"
#include "netns.h"
#include "nl.h"
#include "print.h"
#include "states.h"
#include "stats.h"
#include "unit_cw.h"
#include "unit_syn.h"
#include "unit_lat.h"
#include "../../exporter/tests/unit_metrics.h"

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

/* numbers are written without printf: every edge of both ranges */
static void test_json_numbers(void)
{
	char buf[256];
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	struct json j;

	json_init(&j, f);
	json_array_begin(&j);
	json_u64(&j, 0);
	json_u64(&j, 9);
	json_u64(&j, 10);
	json_u64(&j, 4026531840ULL);
	json_i64(&j, 0);
	json_i64(&j, 7);
	json_i64(&j, -10);
	json_i64(&j, INT64_MAX);
	json_i64(&j, INT64_MIN);
	json_array_end(&j);
	fclose(f);
	check_str("json: numbers", buf,
		  "[0, 9, 10, 4026531840, 0, 7, -10, 9223372036854775807, -9223372036854775808]");
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
	nla_put_u64(msg, TCPSM_A_STATS_EVENTS_DROPPED, 42);
	nla_put_u64(msg, TCPSM_A_STATS_CLOSEWAIT_UNTRACKED, 1ULL << 33);
	nla_put_u32(msg, TCPSM_A_STATS_ALARMS_ACTIVE, 5);
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
	check(st.has_events_dropped && st.events_dropped == 42,
	      "parse: events_dropped", "%d %llu", st.has_events_dropped,
	      (unsigned long long)st.events_dropped);
	check(st.has_closewait_untracked && st.closewait_untracked == (1ULL << 33) &&
	      st.has_alarms_active && st.alarms_active == 5,
	      "parse: closewait_untracked, alarms_active", "");
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
	check(r == 0 && !st.has_netns && !st.has_events_dropped &&
	      !st.has_closewait_untracked && !st.has_alarms_active &&
	      st.state[TCPSM_STATE_LISTEN] == 0,
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

	/* events_dropped too short for a u64 */
	msg = new_reply();
	nla_put_u32(msg, TCPSM_A_STATS_EVENTS_DROPPED, 1);
	r = tcpsm_stats_parse(nlmsg_hdr(msg), &st);
	check(r == -EBADMSG, "parse: short events_dropped is malformed", "r=%d", r);
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
	st.has_events_dropped = true;
	st.events_dropped = 7;
	st.has_closewait_untracked = true;
	st.closewait_untracked = 3;
	st.has_alarms_active = true;
	st.alarms_active = 2;
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
		  "{\"from\": \"ESTABLISHED\", \"to\": \"FIN_WAIT_1\", \"count\": 18446744073709551615}], "
		  "\"events_dropped\": 7, \"closewait_untracked\": 3, \"alarms_active\": 2, "
		  "\"syn_counters\": null}");

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
		  "\"LAST_ACK\": 0, \"TIME_WAIT\": 0}, \"transitions\": [], "
		  "\"events_dropped\": null, \"closewait_untracked\": null, \"alarms_active\": null, "
		  "\"syn_counters\": null}, "
		  "{\"netns\": null, \"states\": {\"LISTEN\": 0, \"SYN_SENT\": 0, "
		  "\"SYN_RCVD\": 0, \"ESTABLISHED\": 0, \"FIN_WAIT_1\": 0, "
		  "\"FIN_WAIT_2\": 0, \"CLOSE_WAIT\": 0, \"CLOSING\": 0, "
		  "\"LAST_ACK\": 0, \"TIME_WAIT\": 0}, \"transitions\": [], "
		  "\"events_dropped\": null, \"closewait_untracked\": null, \"alarms_active\": null, "
		  "\"syn_counters\": null}]");
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
		  "ESTABLISHED -> FIN_WAIT_1   18446744073709551615\n"
		  "\n"
		  "events_dropped 7\n"
		  "alarms active: 2 (see tcpsm alerts)\n"
		  "closewait untracked: 3\n");

	/* no alarms, nothing untracked: the output of before */
	st.alarms_active = 0;
	st.closewait_untracked = 0;
	f = fmemopen(buf, sizeof(buf), "w");
	tcpsm_stats_print_text(f, &st);
	fclose(f);
	check(strstr(buf, "\nevents_dropped 7\n") &&
	      buf[strlen(buf) - strlen("events_dropped 7\n") - 1] == '\n' &&
	      !strstr(buf, "alarms") && !strstr(buf, "untracked"),
	      "render: text, no alarm notes when zero", "[%s]", buf);

	/* without events_dropped, the notes still follow a blank line */
	st.has_events_dropped = false;
	st.alarms_active = 1;
	f = fmemopen(buf, sizeof(buf), "w");
	tcpsm_stats_print_text(f, &st);
	fclose(f);
	check(strstr(buf, "FIN_WAIT_1   18446744073709551615\n\nalarms active: 1 (see tcpsm alerts)\n") &&
	      !strstr(buf, "events_dropped"),
	      "render: text, alarm note without events_dropped", "[%s]", buf);

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

/* A name, the state it must parse as (or -1). */
struct state_spelling {
	const char *name;
	int state;
};

static void check_spellings(const char *what, const struct state_spelling *v,
			    size_t n)
{
	char name[96];

	for (size_t i = 0; i < n; i++) {
		int got = tcpsm_state_from_name(v[i].name);

		snprintf(name, sizeof(name), "states: %s \"%s\"", what, v[i].name);
		check(got == v[i].state, name, "got %d, want %d", got, v[i].state);
	}
}

#define NSPELL(v) (sizeof(v) / sizeof(v[0]))

static void test_states(void)
{
	static const struct state_spelling ss[] = {	/* ss(8) */
		{ "established", TCPSM_STATE_ESTABLISHED },
		{ "estab", TCPSM_STATE_ESTABLISHED },
		{ "ESTAB", TCPSM_STATE_ESTABLISHED },
		{ "syn-sent", TCPSM_STATE_SYN_SENT },
		{ "SYN-SENT", TCPSM_STATE_SYN_SENT },
		{ "syn-recv", TCPSM_STATE_SYN_RCVD },
		{ "SYN-RECV", TCPSM_STATE_SYN_RCVD },
		{ "fin-wait-1", TCPSM_STATE_FIN_WAIT_1 },
		{ "FIN-WAIT-1", TCPSM_STATE_FIN_WAIT_1 },
		{ "fin-wait-2", TCPSM_STATE_FIN_WAIT_2 },
		{ "FIN-WAIT-2", TCPSM_STATE_FIN_WAIT_2 },
		{ "time-wait", TCPSM_STATE_TIME_WAIT },
		{ "TIME-WAIT", TCPSM_STATE_TIME_WAIT },
		{ "close", TCPSM_STATE_CLOSED },
		{ "closed", TCPSM_STATE_CLOSED },
		{ "UNCONN", TCPSM_STATE_CLOSED },
		{ "unconnected", TCPSM_STATE_CLOSED },
		{ "close-wait", TCPSM_STATE_CLOSE_WAIT },
		{ "CLOSE-WAIT", TCPSM_STATE_CLOSE_WAIT },
		{ "last-ack", TCPSM_STATE_LAST_ACK },
		{ "LAST-ACK", TCPSM_STATE_LAST_ACK },
		{ "listen", TCPSM_STATE_LISTEN },
		{ "listening", TCPSM_STATE_LISTEN },
		{ "LISTEN", TCPSM_STATE_LISTEN },
		{ "closing", TCPSM_STATE_CLOSING },
		{ "CLOSING", TCPSM_STATE_CLOSING },
	};
	static const struct state_spelling kernel[] = {	/* tcpstates, tracepoint */
		{ "SYN_RECV", TCPSM_STATE_SYN_RCVD },
		{ "FIN_WAIT1", TCPSM_STATE_FIN_WAIT_1 },
		{ "FIN_WAIT2", TCPSM_STATE_FIN_WAIT_2 },
		{ "TIME_WAIT", TCPSM_STATE_TIME_WAIT },
		{ "CLOSE", TCPSM_STATE_CLOSED },
		{ "CLOSE_WAIT", TCPSM_STATE_CLOSE_WAIT },
		{ "LAST_ACK", TCPSM_STATE_LAST_ACK },
		{ "LISTEN", TCPSM_STATE_LISTEN },
		{ "CLOSING", TCPSM_STATE_CLOSING },
		{ "ESTABLISHED", TCPSM_STATE_ESTABLISHED },
		{ "SYN_SENT", TCPSM_STATE_SYN_SENT },
	};
	static const struct state_spelling mixed[] = {
		{ "Syn_Rcvd", TCPSM_STATE_SYN_RCVD },
		{ "fIn-WaIt-2", TCPSM_STATE_FIN_WAIT_2 },
		{ "Tcp_Syn_Recv", TCPSM_STATE_SYN_RCVD },
		{ "tcp-fin-wait1", TCPSM_STATE_FIN_WAIT_1 },
		{ "Estab", TCPSM_STATE_ESTABLISHED },
		{ "Time_Wait", TCPSM_STATE_TIME_WAIT },
	};
	static const struct state_spelling bad[] = {
		{ "", -1 },
		{ "NEW_SYN_RECV", -1 },
		{ "TCP_NEW_SYN_RECV", -1 },
		{ "new-syn-recv", -1 },
		{ "SYN", -1 },
		{ "FIN_WAIT_3", -1 },
		{ "established ", -1 },
		{ " established", -1 },
		{ "ESTABLISHEDX", -1 },
		{ "TCP_", -1 },
		{ "TCP_TCP_LISTEN", -1 },
		{ "TCPLISTEN", -1 },
		{ "_LISTEN", -1 },
		{ "LISTEN_", -1 },
		{ "FIN__WAIT_1", -1 },
		{ "nope", -1 },
		{ "TCP_ESTABLISHED_", -1 },
	};
	struct state_spelling one;
	char long_name[101], name[32], lower[32];

	check_str("states: CLOSED", tcpsm_state_name(TCPSM_STATE_CLOSED), "CLOSED");
	check_str("states: TIME_WAIT", tcpsm_state_name(TCPSM_STATE_TIME_WAIT),
		  "TIME_WAIT");
	check(tcpsm_state_name(TCPSM_STATE_MAX + 1) == NULL, "states: unknown is NULL", "");
	check(tcpsm_state_from_name("fin_wait_2") == TCPSM_STATE_FIN_WAIT_2 &&
	      tcpsm_state_from_name("nope") == -1, "states: from name", "");

	/* every canonical name: as is, lower case, '-' for '_', TCP_ before */
	for (unsigned int st = 0; st < TCPSM_NUM_STATES; st++) {
		const char *canon = tcpsm_state_name(st);
		size_t i;

		for (i = 0; canon[i]; i++)
			lower[i] = (char)(canon[i] >= 'A' && canon[i] <= 'Z' ?
					  canon[i] - 'A' + 'a' : canon[i]);
		lower[i] = '\0';
		one.state = (int)st;
		one.name = canon;
		check_spellings("canonical", &one, 1);
		one.name = lower;
		check_spellings("canonical, lower case", &one, 1);
		for (i = 0; lower[i]; i++)
			if (lower[i] == '_')
				lower[i] = '-';
		check_spellings("canonical, '-' for '_'", &one, 1);
		snprintf(name, sizeof(name), "TCP_%s", canon);
		one.name = name;
		check_spellings("canonical, TCP_", &one, 1);
	}
	check_spellings("ss", ss, NSPELL(ss));
	check_spellings("kernel", kernel, NSPELL(kernel));
	for (size_t i = 0; i < NSPELL(kernel); i++) {
		snprintf(name, sizeof(name), "TCP_%s", kernel[i].name);
		one.name = name;
		one.state = kernel[i].state;
		check_spellings("kernel, TCP_", &one, 1);
		snprintf(name, sizeof(name), "tcp_%s", kernel[i].name);
		for (char *p = name; *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
		check_spellings("kernel, lower case", &one, 1);
	}
	check_spellings("mixed case", mixed, NSPELL(mixed));
	check_spellings("rejected", bad, NSPELL(bad));
	memset(long_name, 'A', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	check(tcpsm_state_from_name(long_name) == -1, "states: 100 characters rejected", "");
	memcpy(long_name, "ESTABLISHED", 11);	/* a valid start, too long */
	check(tcpsm_state_from_name(long_name) == -1,
	      "states: a state then 89 characters rejected", "");
}

/* ---- EVENT notifications ------------------------------------------------ */

#define NS1 4026531840u
#define NS2 4026532000u

/* One event to put in a message; addresses as text. */
struct ev_spec {
	uint64_t seq, ts;
	uint32_t netns;
	uint16_t family;
	const char *saddr, *daddr;
	uint16_t sport, dport;
	uint32_t from, to;
	bool has_cookie;
	uint64_t cookie;
	bool has_tis;
	uint64_t tis;
};

static struct nl_msg *new_event_msg(void)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, 0, 0, FAMILY, 0, 0, TCPSM_CMD_EVENT,
		    TCPSM_FAMILY_VERSION);
	return msg;
}

/* The record of e, as the module builds it. */
static struct tcpsm_event_record record_of(const struct ev_spec *e)
{
	struct tcpsm_event_record r;

	memset(&r, 0, sizeof(r));
	inet_pton(e->family == AF_INET6 ? AF_INET6 : AF_INET, e->saddr, r.saddr);
	inet_pton(e->family == AF_INET6 ? AF_INET6 : AF_INET, e->daddr, r.daddr);
	r.seq = e->seq;
	r.ts = e->ts;
	r.netns = e->netns;
	r.family = e->family;
	r.sport = e->sport;
	r.dport = e->dport;
	r.from = (uint8_t)e->from;
	r.to = (uint8_t)e->to;
	r.cookie = e->has_cookie ? e->cookie : 0;
	r.time_in_from_ns = e->has_tis ? e->tis : UINT64_MAX;
	return r;
}

static void put_event(struct nl_msg *msg, const struct ev_spec *e)
{
	struct tcpsm_event_record r = record_of(e);

	nla_put(msg, TCPSM_A_EVENTS_RECORD, sizeof(r), &r);
}

/* An IPv4 event of NS1: seq, edge, ports; the rest fixed. */
static struct ev_spec ev4(uint64_t seq, uint32_t from, uint32_t to,
			  uint16_t sport, uint16_t dport)
{
	struct ev_spec e = {
		.seq = seq, .ts = 1000000000ULL * seq, .netns = NS1,
		.family = AF_INET, .saddr = "10.0.0.1", .daddr = "10.0.0.2",
		.sport = sport, .dport = dport, .from = from, .to = to,
		.has_cookie = true, .cookie = 0x100 + seq,
	};
	return e;
}

/* A message of n events. */
static struct nl_msg *event_msg(const struct ev_spec *e, size_t n)
{
	struct nl_msg *msg = new_event_msg();

	for (size_t i = 0; i < n; i++)
		put_event(msg, &e[i]);
	return msg;
}

/* The first attribute of msg (the record under test). */
static struct nlattr *first_attr(struct nl_msg *msg)
{
	return genlmsg_attrdata(genlmsg_hdr(nlmsg_hdr(msg)), 0);
}

/* Parse r as a record attribute of len bytes (len may exceed sizeof(r)). */
static int parse_record(const struct tcpsm_event_record *r, size_t len,
			struct tcpsm_event *ev)
{
	struct nl_msg *msg = new_event_msg();
	char buf[sizeof(*r) + 16];
	int ret;

	memset(buf, 0x5a, sizeof(buf));
	memcpy(buf, r, len < sizeof(*r) ? len : sizeof(*r));
	nla_put(msg, TCPSM_A_EVENTS_RECORD, (int)len, buf);
	ret = tcpsm_event_parse(first_attr(msg), ev);
	nlmsg_free(msg);
	return ret;
}

static void test_event_parse(void)
{
	struct ev_spec e4 = ev4(42, TCPSM_STATE_LISTEN, TCPSM_STATE_SYN_RCVD, 1, 2);
	struct ev_spec e6 = {
		.seq = 18446744073709551615ULL, .ts = 7, .netns = NS2,
		.family = AF_INET6, .saddr = "2001:db8::1", .daddr = "::ffff:10.1.2.3",
		.sport = 443, .dport = 65535, .from = TCPSM_STATE_LISTEN,
		.to = TCPSM_STATE_SYN_RCVD, .has_cookie = false,
	};
	static const uint8_t want6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	struct tcpsm_event_record r;
	struct tcpsm_event ev;
	int ret;

	check(sizeof(r) == 80, "events: the record is 80 bytes, as the spec lays it out",
	      "%zu", sizeof(r));

	e4.has_tis = true;
	e4.tis = 1234;
	r = record_of(&e4);
	ret = parse_record(&r, sizeof(r), &ev);
	check(ret == 0 && ev.seq == 42 && ev.ts == 42000000000ULL && ev.netns == NS1 &&
	      ev.family == AF_INET && ev.saddr[0] == 10 && ev.saddr[3] == 1 &&
	      ev.daddr[3] == 2 && ev.sport == 1 && ev.dport == 2 &&
	      ev.from == TCPSM_STATE_LISTEN && ev.to == TCPSM_STATE_SYN_RCVD &&
	      ev.has_cookie && ev.cookie == 0x100 + 42 && ev.has_tis && ev.tis == 1234,
	      "events: parse IPv4", "r=%d", ret);

	/* a newer module's longer record: our members still read */
	ret = parse_record(&r, sizeof(r) + 8, &ev);
	check(ret == 0 && ev.seq == 42 && ev.tis == 1234,
	      "events: a longer record from a newer module", "r=%d", ret);

	/* IPv6 without a cookie or a time in state, largest seq and port */
	r = record_of(&e6);
	ret = parse_record(&r, sizeof(r), &ev);
	check(ret == 0 && ev.seq == 18446744073709551615ULL && ev.netns == NS2 &&
	      ev.family == AF_INET6 && memcmp(ev.saddr, want6, 16) == 0 &&
	      ev.daddr[10] == 0xff && ev.daddr[15] == 3 && ev.dport == 65535 &&
	      !ev.has_cookie && !ev.has_tis,
	      "events: parse IPv6 without cookie or time in state", "r=%d", ret);

	r = record_of(&e6);
	check(parse_record(&r, sizeof(r) - 4, &ev) == -EBADMSG,
	      "events: a short record is malformed", "");
	check(parse_record(&r, 0, &ev) == -EBADMSG,
	      "events: an empty record is malformed", "");

	r = record_of(&e4);
	r.family = 99;
	check(parse_record(&r, sizeof(r), &ev) == -EBADMSG,
	      "events: unknown family is malformed", "");

	r = record_of(&e4);
	r.seq = 0;
	check(parse_record(&r, sizeof(r), &ev) == -EBADMSG,
	      "events: seq 0 is malformed", "");
}

/* Collects what a struct tcpsm_events prints. */
struct capture {
	char *buf;
	size_t len;
	FILE *f;
};

static void es_begin(struct tcpsm_events *es, struct capture *c, bool json)
{
	c->buf = NULL;
	c->f = open_memstream(&c->buf, &c->len);
	tcpsm_events_init(es, c->f);
	es->json = json;
}

static const char *captured(struct capture *c)
{
	fflush(c->f);
	return c->buf;
}

static void es_end(struct tcpsm_events *es, struct capture *c)
{
	fclose(c->f);
	free(c->buf);
	tcpsm_events_free(es);
}

/* Feed a message of n events to es; returns what handle returned. */
static int feed(struct tcpsm_events *es, const struct ev_spec *e, size_t n)
{
	struct nl_msg *msg = event_msg(e, n);
	int r = tcpsm_events_handle(es, nlmsg_hdr(msg));

	nlmsg_free(msg);
	return r;
}

static const struct ev_spec sample_events[] = {
	{ .seq = 7, .ts = 4521123456789ULL, .netns = NS1, .family = AF_INET,
	  .saddr = "10.0.0.1", .daddr = "10.0.0.2", .sport = 43210, .dport = 80,
	  .from = TCPSM_STATE_SYN_SENT, .to = TCPSM_STATE_ESTABLISHED,
	  .has_cookie = true, .cookie = 0x2009, .has_tis = true, .tis = 1234567 },
	{ .seq = 8, .ts = 4521200000000ULL, .netns = NS1, .family = AF_INET6,
	  .saddr = "2001:db8::1", .daddr = "2001:db8::2", .sport = 443,
	  .dport = 50000, .from = TCPSM_STATE_LISTEN, .to = TCPSM_STATE_SYN_RCVD },
	{ .seq = 11, .ts = 999, .netns = NS1, .family = AF_INET,
	  .saddr = "127.0.0.1", .daddr = "127.0.0.1", .sport = 22, .dport = 5555,
	  .from = TCPSM_STATE_TIME_WAIT, .to = 12,	/* a newer module's state */
	  .has_cookie = true, .cookie = 18446744073709551615ULL,
	  .has_tis = true, .tis = 61000000999ULL },
};

static void test_event_render(void)
{
	struct tcpsm_events es;
	struct capture c;
	int r;

	es_begin(&es, &c, false);
	r = feed(&es, sample_events, 3);
	check(r == 0 && es.printed == 3 && es.lost == 2 && es.malformed == 0,
	      "events: text counters", "r=%d printed=%llu lost=%llu", r,
	      (unsigned long long)es.printed, (unsigned long long)es.lost);
	check_str("events: text lines", captured(&c),
		  "4521.123456 netns 4026531840 seq 7    SYN_SENT -> ESTABLISHED "
		  "local 10.0.0.1:43210 remote 10.0.0.2:80 sk:2009 1.234 ms\n"
		  "4521.200000 netns 4026531840 seq 8      LISTEN -> SYN_RCVD    "
		  "local [2001:db8::1]:443 remote [2001:db8::2]:50000\n"
		  "lost 2 events (seq 9..10) in netns 4026531840\n"
		  "0.000000 netns 4026531840 seq 11   TIME_WAIT -> STATE_12    "
		  "local 127.0.0.1:22 remote 127.0.0.1:5555 sk:ffffffffffffffff "
		  "61000.000 ms\n");
	es_end(&es, &c);

	es_begin(&es, &c, true);
	feed(&es, sample_events, 3);
	check_str("events: JSON lines", captured(&c),
		  "{\"seq\": 7, \"ts\": 4521123456789, \"netns\": 4026531840, "
		  "\"family\": \"inet\", \"saddr\": \"10.0.0.1\", \"sport\": 43210, "
		  "\"daddr\": \"10.0.0.2\", \"dport\": 80, \"from\": \"SYN_SENT\", "
		  "\"to\": \"ESTABLISHED\", \"cookie\": 8201, \"time_in_from_ns\": 1234567}\n"
		  "{\"seq\": 8, \"ts\": 4521200000000, \"netns\": 4026531840, "
		  "\"family\": \"inet6\", \"saddr\": \"2001:db8::1\", \"sport\": 443, "
		  "\"daddr\": \"2001:db8::2\", \"dport\": 50000, \"from\": \"LISTEN\", "
		  "\"to\": \"SYN_RCVD\", \"time_in_from_ns\": null}\n"
		  "{\"lost\": 2, \"netns\": 4026531840, \"from_seq\": 9, \"to_seq\": 10}\n"
		  "{\"seq\": 11, \"ts\": 999, \"netns\": 4026531840, "
		  "\"family\": \"inet\", \"saddr\": \"127.0.0.1\", \"sport\": 22, "
		  "\"daddr\": \"127.0.0.1\", \"dport\": 5555, \"from\": \"TIME_WAIT\", "
		  "\"to\": \"STATE_12\", \"cookie\": 18446744073709551615, "
		  "\"time_in_from_ns\": 61000000999}\n");
	es_end(&es, &c);
}

/* evline's own decimal writer, at the boundaries of its fast paths */
static void test_evline_numbers(void)
{
	static const uint64_t vals[] = {
		0, 9, 10, 99, 100, 12345, 99999999, 100000000, 100000001,
		4294967295ULL, 4294967296ULL, 9999999999999999ULL,
		10000000000000000ULL, 18446744073709551615ULL,
	};
	struct tcpsm_event ev = { .family = AF_INET, .from = 1, .to = 2 };
	char line[TCPSM_EVLINE_MAX], want[64];

	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		ev.seq = vals[i];
		tcpsm_evline_json(line, &ev);
		snprintf(want, sizeof(want), "{\"seq\": %llu, ",
			 (unsigned long long)vals[i]);
		check(strncmp(line, want, strlen(want)) == 0,
		      "evline: decimal", "%llu: %.40s",
		      (unsigned long long)vals[i], line);
	}
	ev.ts = 5000001000ULL;		/* 5 s and 1 us: zero-padded */
	tcpsm_evline_text(line, &ev);
	check(strncmp(line, "5.000001 netns", 14) == 0, "evline: text time",
	      "%.40s", line);
}

/* --all-netns: the name after the inode, escaped (JSON) or one word */
static void test_evline_names(void)
{
	struct tcpsm_event ev = { .seq = 1, .netns = 42, .family = AF_INET,
				  .from = 1, .to = 2, .with_name = true };
	char line[TCPSM_EVLINE_MAX], name[300];

	ev.netns_name = "web";
	tcpsm_evline_json(line, &ev);
	check(strstr(line, "\"netns\": 42, \"netns_name\": \"web\", \"family\"") != NULL,
	      "evline: json name", "%s", line);
	tcpsm_evline_text(line, &ev);
	check(strstr(line, " netns 42 (web) seq 1 ") != NULL, "evline: text name",
	      "%s", line);
	ev.netns_name = NULL;
	tcpsm_evline_json(line, &ev);
	check(strstr(line, "\"netns_name\": null, ") != NULL, "evline: json no name",
	      "%s", line);
	tcpsm_evline_text(line, &ev);
	check(strstr(line, " netns 42 (-) seq") != NULL, "evline: text no name",
	      "%s", line);
	ev.netns_name = "a\"b\\c\n\xc3\xa9 d";
	tcpsm_evline_json(line, &ev);
	check(strstr(line, "\"netns_name\": \"a\\\"b\\\\c\\u000a\\ufffd\\ufffd d\"") != NULL,
	      "evline: json name escaped", "%s", line);
	tcpsm_evline_text(line, &ev);
	check(strstr(line, "(a\"b\\c???\?d)") != NULL, "evline: text name one word",
	      "%s", line);
	/* the longest name a file can have, every byte escaped: it fits */
	memset(name, '\x01', 255);
	name[255] = '\0';
	ev.netns_name = name;
	check(tcpsm_evline_json(line, &ev) < TCPSM_EVLINE_MAX, "evline: longest name fits", "");
	ev.with_name = false;
	tcpsm_evline_json(line, &ev);
	check(!strstr(line, "netns_name"), "evline: no name without --all-netns", "%s", line);
}

/* names from a directory of files on one device (nsfs in real life) */
static void test_netns_names(void)
{
	char dir[] = "/tmp/tcpsm-netns.XXXXXX", path[300];
	const char *dirs[2] = { dir, NULL };
	struct tcpsm_netns_names nn = { .dirs = dirs };
	struct stat st_a, st_b, st_d;
	const char *n;
	int fd;

	if (!mkdtemp(dir)) {
		check(false, "netns: tmp dir", "%s", strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s/web", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	close(fd);
	stat(path, &st_a);
	snprintf(path, sizeof(path), "%s/.hidden", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	close(fd);
	stat(dir, &st_d);
	nn.dev = st_d.st_dev;

	n = tcpsm_netns_name(&nn, st_a.st_ino);
	check(n && strcmp(n, "web") == 0 && nn.scans == 1, "netns: named", "%s", n ? n : "(null)");
	n = tcpsm_netns_name(&nn, 1);
	check(!n && nn.scans == 1, "netns: unknown: no rescan within a second",
	      "scans %d", nn.scans);
	stat(path, &st_b);
	n = tcpsm_netns_name(&nn, st_b.st_ino);
	check(!n, "netns: dot files are not names", "%s", n ? n : "");

	/* a name added later is found after a second */
	snprintf(path, sizeof(path), "%s/db", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	close(fd);
	stat(path, &st_b);
	nn.loaded.tv_sec -= 2;
	n = tcpsm_netns_name(&nn, st_b.st_ino);
	check(n && strcmp(n, "db") == 0 && nn.scans == 2, "netns: rescan finds a new name",
	      "%s scans %d", n ? n : "(null)", nn.scans);

	/* another device: not a namespace file */
	nn.dev = st_d.st_dev + 1;
	tcpsm_netns_scan(&nn);
	check(nn.n == 0, "netns: files of another device ignored", "%zu", nn.n);

	tcpsm_netns_names_free(&nn);
	unlink(path);
	snprintf(path, sizeof(path), "%s/web", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/.hidden", dir);
	unlink(path);
	rmdir(dir);
	(void)st_b;
}

static void test_event_filter_parse(void)
{
	struct tcpsm_event_filter f;
	char a[64];
	const char *bad;

	memset(&f, 0, sizeof(f));
	strcpy(a, "listen,SYN-SENT");
	bad = tcpsm_event_filter_states(&f, a);
	strcpy(a, "Time_Wait");
	bad = bad ? bad : tcpsm_event_filter_states(&f, a);
	check(!bad && f.states == (1u << TCPSM_STATE_LISTEN |
				   1u << TCPSM_STATE_SYN_SENT |
				   1u << TCPSM_STATE_TIME_WAIT),
	      "filter: states, any case, '-' for '_', repeated", "bad=%s states=%#x",
	      bad ? bad : "-", f.states);
	strcpy(a, "closed,bogus,listen");
	bad = tcpsm_event_filter_states(&f, a);
	check(bad && strcmp(bad, "bogus") == 0, "filter: unknown state named", "%s",
	      bad ? bad : "-");
	strcpy(a, "closed,");
	bad = tcpsm_event_filter_states(&f, a);
	check(bad && !bad[0], "filter: empty state item", "");
	strcpy(a, "ESTABLISHEDX");
	check(tcpsm_event_filter_states(&f, a) != NULL, "filter: state prefix is no state", "");
	strcpy(a, "ESTABLISHED_TOO_LONG_NAME");
	check(tcpsm_event_filter_states(&f, a) != NULL, "filter: long state name", "");

	memset(&f, 0, sizeof(f));
	strcpy(a, "80,443");
	bad = tcpsm_event_filter_ports(&f, a);
	strcpy(a, "0,65535");
	bad = bad ? bad : tcpsm_event_filter_ports(&f, a);
	check(!bad && f.has_ports, "filter: ports", "bad=%s", bad ? bad : "-");
	strcpy(a, "65536");
	check(tcpsm_event_filter_ports(&f, a) != NULL, "filter: port 65536", "");
	strcpy(a, "-1");
	check(tcpsm_event_filter_ports(&f, a) != NULL, "filter: port -1", "");
	strcpy(a, "8x");
	check(tcpsm_event_filter_ports(&f, a) != NULL, "filter: port 8x", "");
	strcpy(a, "");
	check(tcpsm_event_filter_ports(&f, a) != NULL, "filter: empty port", "");
	strcpy(a, "000080");
	check(tcpsm_event_filter_ports(&f, a) != NULL, "filter: port of 6 digits", "");

	memset(&f, 0, sizeof(f));
	strcpy(a, "INET");
	bad = tcpsm_event_filter_families(&f, a);
	check(!bad && f.families == TCPSM_EV_INET, "filter: family inet", "");
	strcpy(a, "6");
	bad = tcpsm_event_filter_families(&f, a);
	check(!bad && f.families == (TCPSM_EV_INET | TCPSM_EV_INET6),
	      "filter: family 6", "");
	strcpy(a, "ipx");
	check(tcpsm_event_filter_families(&f, a) != NULL, "filter: family ipx", "");
}

static bool matches(const struct tcpsm_event_filter *f, struct ev_spec e)
{
	struct nl_msg *msg = event_msg(&e, 1);
	struct tcpsm_event ev;
	bool m;

	tcpsm_event_parse(first_attr(msg), &ev);
	m = tcpsm_event_match(f, &ev);
	nlmsg_free(msg);
	return m;
}

static void test_event_filter_match(void)
{
	struct tcpsm_event_filter f;
	struct ev_spec v6 = sample_events[1];	/* LISTEN -> SYN_RCVD 443 50000 */
	char a[64];

	memset(&f, 0, sizeof(f));
	check(matches(&f, ev4(1, 0, 1, 2, 3)), "match: empty filter takes all", "");

	strcpy(a, "established");
	tcpsm_event_filter_states(&f, a);
	check(matches(&f, ev4(1, TCPSM_STATE_SYN_SENT, TCPSM_STATE_ESTABLISHED, 1, 2)) &&
	      matches(&f, ev4(1, TCPSM_STATE_ESTABLISHED, TCPSM_STATE_CLOSE_WAIT, 1, 2)) &&
	      !matches(&f, ev4(1, TCPSM_STATE_LISTEN, TCPSM_STATE_SYN_RCVD, 1, 2)) &&
	      !matches(&f, ev4(1, TCPSM_STATE_TIME_WAIT, 12, 1, 2)),
	      "match: state is from or to", "");

	memset(&f, 0, sizeof(f));
	strcpy(a, "80");
	tcpsm_event_filter_ports(&f, a);
	check(matches(&f, ev4(1, 0, 1, 80, 5000)) && matches(&f, ev4(1, 0, 1, 5000, 80)) &&
	      !matches(&f, ev4(1, 0, 1, 8080, 5000)),
	      "match: port is sport or dport", "");

	memset(&f, 0, sizeof(f));
	strcpy(a, "inet6");
	tcpsm_event_filter_families(&f, a);
	check(matches(&f, v6) && !matches(&f, ev4(1, 0, 1, 2, 3)),
	      "match: family", "");

	/* kinds combine with AND, items of a kind with OR */
	memset(&f, 0, sizeof(f));
	strcpy(a, "listen,close_wait");
	tcpsm_event_filter_states(&f, a);
	strcpy(a, "443,22");
	tcpsm_event_filter_ports(&f, a);
	check(matches(&f, v6) &&
	      matches(&f, ev4(1, TCPSM_STATE_ESTABLISHED, TCPSM_STATE_CLOSE_WAIT, 22, 9)) &&
	      !matches(&f, ev4(1, TCPSM_STATE_ESTABLISHED, TCPSM_STATE_CLOSE_WAIT, 80, 9)) &&
	      !matches(&f, ev4(1, TCPSM_STATE_SYN_SENT, TCPSM_STATE_CLOSED, 22, 9)),
	      "match: state AND port", "");
}

static void test_event_seq(void)
{
	struct tcpsm_seq_track t = { NULL, 0, 0 };
	struct tcpsm_lost l = { 0, 0, 0 };
	bool g1, g2, g3, g4, g5, g6;

	g1 = tcpsm_seq_note(&t, NS1, 100, &l);	/* first: what came before is not lost */
	g2 = tcpsm_seq_note(&t, NS2, 1, &l);
	g3 = tcpsm_seq_note(&t, NS1, 101, &l);
	g4 = tcpsm_seq_note(&t, NS2, 2, &l);
	check(!g1 && !g2 && !g3 && !g4, "seq: no gaps, two namespaces interleaved", "");
	g5 = tcpsm_seq_note(&t, NS1, 105, &l);
	check(g5 && l.netns == NS1 && l.from_seq == 102 && l.to_seq == 104,
	      "seq: gap", "%llu..%llu", (unsigned long long)l.from_seq,
	      (unsigned long long)l.to_seq);
	g6 = tcpsm_seq_note(&t, NS1, 1, &l);	/* module reloaded */
	g1 = tcpsm_seq_note(&t, NS1, 2, &l);
	g2 = tcpsm_seq_note(&t, NS2, 3, &l);
	check(!g6 && !g1 && !g2, "seq: going back starts over", "");
	tcpsm_seq_free(&t);
}

static void test_event_stream(void)
{
	struct ev_spec e[6];
	struct tcpsm_events es;
	struct capture c;
	struct nl_msg *msg;
	struct nlattr *a;
	char arg[16];
	int r;

	/* a filter does not make gaps of what it leaves out */
	es_begin(&es, &c, false);
	strcpy(arg, "80");
	tcpsm_event_filter_ports(&es.filter, arg);
	e[0] = ev4(1, 0, 2, 5000, 22);
	e[1] = ev4(2, 0, 2, 5001, 80);
	e[2] = ev4(3, 0, 2, 5002, 22);
	feed(&es, e, 3);
	e[0] = ev4(4, 0, 2, 5003, 22);
	e[1] = ev4(5, 0, 2, 5004, 80);
	feed(&es, e, 2);
	check(es.printed == 2 && es.lost == 0 && !strstr(captured(&c), "lost"),
	      "stream: filtered events make no gap", "[%s]", captured(&c));
	/* nor hides one: the gap shows even when its event is filtered out */
	e[0] = ev4(8, 0, 2, 5005, 22);
	e[1] = ev4(9, 0, 2, 5006, 80);
	feed(&es, e, 2);
	check(es.printed == 3 && es.lost == 2 &&
	      strstr(captured(&c), "seq 5 ") &&
	      strstr(captured(&c), "\nlost 2 events (seq 6..7) in netns 4026531840\n"
			       "9.000000 netns 4026531840 seq 9 "),
	      "stream: gap shown before a filtered-out event", "[%s]", captured(&c));
	es_end(&es, &c);

	/* gaps across messages; one lost event; a second namespace */
	es_begin(&es, &c, false);
	e[0] = ev4(1, 0, 2, 1, 2);
	e[1] = ev4(2, 0, 2, 1, 2);
	feed(&es, e, 2);
	e[0] = ev4(4, 0, 2, 1, 2);
	e[1] = ev4(1, 0, 2, 1, 2);
	e[1].netns = NS2;
	e[2] = ev4(5, 0, 2, 1, 2);
	e[3] = ev4(3, 0, 2, 1, 2);
	e[3].netns = NS2;
	feed(&es, e, 4);
	check(es.lost == 2 &&
	      strstr(captured(&c), "lost 1 event (seq 3) in netns 4026531840\n") &&
	      strstr(captured(&c), "lost 1 event (seq 2) in netns 4026532000\n"),
	      "stream: gap across messages, per namespace", "[%s]", captured(&c));
	es_end(&es, &c);

	/* a malformed record between two good ones: counted, skipped, a gap */
	es_begin(&es, &c, true);
	msg = new_event_msg();
	e[0] = ev4(1, 0, 2, 1, 2);
	put_event(msg, &e[0]);
	nla_put(msg, TCPSM_A_EVENTS_RECORD, 4, "bad!");
	nla_put(msg, 1, 4, "old!");	/* version 1's nest: ignored */
	nla_put_u32(msg, 77, 1);		/* unknown: ignored */
	e[1] = ev4(3, 0, 2, 1, 2);
	put_event(msg, &e[1]);
	r = tcpsm_events_handle(&es, nlmsg_hdr(msg));
	nlmsg_free(msg);
	check(r == 0 && es.malformed == 1 && es.printed == 2 && es.lost == 1 &&
	      strstr(captured(&c), "\n{\"lost\": 1, \"netns\": 4026531840, "
			       "\"from_seq\": 2, \"to_seq\": 2}\n{\"seq\": 3,"),
	      "stream: malformed record skipped and counted", "[%s]", captured(&c));
	es_end(&es, &c);

	/* a truncated attribute at the end: what came before counts */
	es_begin(&es, &c, false);
	msg = new_event_msg();
	put_event(msg, &e[0]);
	a = nla_reserve(msg, TCPSM_A_EVENTS_RECORD, 8);
	a->nla_len = 200;
	r = tcpsm_events_handle(&es, nlmsg_hdr(msg));
	nlmsg_free(msg);
	check(r == 0 && es.printed == 1 && es.malformed == 1,
	      "stream: truncated attribute", "printed=%llu malformed=%llu",
	      (unsigned long long)es.printed, (unsigned long long)es.malformed);
	es_end(&es, &c);

	/* other commands are not ours to print; a short header is malformed */
	es_begin(&es, &c, false);
	msg = new_reply();
	put_event(msg, &e[0]);
	r = tcpsm_events_handle(&es, nlmsg_hdr(msg));
	check(r == 0 && es.printed == 0 && es.malformed == 0 && !captured(&c)[0],
	      "stream: other command ignored", "");
	nlmsg_hdr(msg)->nlmsg_len = NLMSG_HDRLEN + 2;
	r = tcpsm_events_handle(&es, nlmsg_hdr(msg));
	check(r == 0 && es.malformed == 1, "stream: short genl header", "");
	nlmsg_free(msg);
	es_end(&es, &c);

	/* --count: stop at the limit, mid-message; only printed ones count */
	es_begin(&es, &c, false);
	es.limit = 2;
	strcpy(arg, "inet");
	tcpsm_event_filter_families(&es.filter, arg);
	e[0] = sample_events[1];		/* inet6: filtered out */
	e[1] = ev4(9, 0, 2, 1, 2);
	e[2] = ev4(10, 0, 2, 1, 2);
	e[3] = ev4(11, 0, 2, 1, 2);
	e[0].seq = 8;
	r = feed(&es, e, 4);
	check(r == 1 && es.printed == 2 && strstr(captured(&c), "seq 10 ") &&
	      !strstr(captured(&c), "seq 11 "),
	      "stream: count reached mid-message", "r=%d [%s]", r, captured(&c));
	es_end(&es, &c);

	es_begin(&es, &c, false);
	es.limit = 3;
	e[0] = ev4(1, 0, 2, 1, 2);
	e[1] = ev4(2, 0, 2, 1, 2);
	r = feed(&es, e, 2);
	check(r == 0 && es.printed == 2, "stream: count not reached", "r=%d", r);
	es_end(&es, &c);
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

	/* a policy's range check: the policy rides along, nested */
	{
		char pol[64];
		size_t plen = 0;
		uint64_t lo = 1, hi = 1000000;

		u32 = NL_ATTR_TYPE_U32;
		put_attr(pol, &plen, NL_POLICY_TYPE_ATTR_TYPE, &u32, 4);
		put_attr(pol, &plen, NL_POLICY_TYPE_ATTR_MIN_VALUE_U, &lo, 8);
		put_attr(pol, &plen, NL_POLICY_TYPE_ATTR_MAX_VALUE_U, &hi, 8);
		memset(&u, 0, sizeof(u));
		nlh->nlmsg_type = NLMSG_ERROR;
		nlh->nlmsg_flags = NLM_F_CAPPED | NLM_F_ACK_TLVS;
		e = NLMSG_DATA(nlh);
		e->error = -ERANGE;
		len = NLMSG_HDRLEN + sizeof(*e);
		put_attr(u.b, &len, NLMSGERR_ATTR_MSG, "integer out of range", 21);
		u32 = 24;
		put_attr(u.b, &len, NLMSGERR_ATTR_OFFS, &u32, 4);
		put_attr(u.b, &len, NLMSGERR_ATTR_POLICY | NLA_F_NESTED, pol,
			 (uint16_t)plen);
		nlh->nlmsg_len = len;
		r = tcpsm_nl_parse_extack(nlh, &error, &ext);
		check(r == 0 && error == -ERANGE && ext.has_offs && ext.offs == 24 &&
		      ext.has_min && ext.min == 1 && ext.has_max &&
		      ext.max == 1000000,
		      "extack: the policy's range", "r=%d min=%" PRIu64 " max=%" PRIu64,
		      r, ext.min, ext.max);
	}

	/* a policy without a range (a flag's): no range made up */
	{
		char pol[16];
		size_t plen = 0;

		u32 = NL_ATTR_TYPE_FLAG;
		put_attr(pol, &plen, NL_POLICY_TYPE_ATTR_TYPE, &u32, 4);
		memset(&u, 0, sizeof(u));
		nlh->nlmsg_type = NLMSG_ERROR;
		nlh->nlmsg_flags = NLM_F_CAPPED | NLM_F_ACK_TLVS;
		e = NLMSG_DATA(nlh);
		e->error = -EINVAL;
		len = NLMSG_HDRLEN + sizeof(*e);
		put_attr(u.b, &len, NLMSGERR_ATTR_POLICY | NLA_F_NESTED, pol,
			 (uint16_t)plen);
		nlh->nlmsg_len = len;
		r = tcpsm_nl_parse_extack(nlh, &error, &ext);
		check(r == 0 && !ext.has_min && !ext.has_max,
		      "extack: a policy without a range", "r=%d", r);
	}

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

/* Write text to dir/rel (the directories exist). */
static void put_file(const char *dir, const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* tcpsm --version, with a fake /sys in TCPSM_SYSFS. */
static void test_cli_version(const char *tool)
{
	const char *first = "tcpsm " TCPSM_VERSION " (netlink family \"" TCPSM_FAMILY_NAME
			    "\" version 2)\n";
	char root[] = "/tmp/tcpsm-test-sys-XXXXXX", path[512], want[256];
	struct run r;

	check(TCPSM_FAMILY_VERSION == 2, "cli: --version: family version 2 (test)", "");
	if (!mkdtemp(root)) {
		check(0, "cli: --version: temp dir", "%s", strerror(errno));
		return;
	}
	setenv("TCPSM_SYSFS", root, 1);

	snprintf(want, sizeof(want), "%smodule not loaded\n", first);
	run(tool, ARGS("--version"), &r);
	check(r.status == 0 && !r.err[0] && strcmp(r.out, want) == 0,
	      "cli: --version, module not loaded", "status=%d out=[%s]", r.status, r.out);

	snprintf(path, sizeof(path), "%s/module", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/module/tcpsm", root);
	mkdir(path, 0755);
	snprintf(want, sizeof(want), "%smodule loaded, version unknown\n", first);
	run(tool, ARGS("-V"), &r);
	check(r.status == 0 && !r.err[0] && strcmp(r.out, want) == 0,
	      "cli: -V, module without a version", "status=%d out=[%s]", r.status, r.out);

	put_file(root, "module/tcpsm/version", "0.2.0+12.gabcdef0\n");
	snprintf(want, sizeof(want), "%smodule 0.2.0+12.gabcdef0\n", first);
	run(tool, ARGS("--version"), &r);
	check(r.status == 0 && !r.err[0] && strcmp(r.out, want) == 0,
	      "cli: --version, module loaded", "status=%d out=[%s]", r.status, r.out);
	run(tool, ARGS("-V"), &r);
	check(r.status == 0 && strcmp(r.out, want) == 0, "cli: -V, module loaded",
	      "status=%d out=[%s]", r.status, r.out);

	put_file(root, "module/tcpsm/version", "");
	snprintf(want, sizeof(want), "%smodule loaded, version unknown\n", first);
	run(tool, ARGS("--version"), &r);
	check(r.status == 0 && strcmp(r.out, want) == 0,
	      "cli: --version, empty version file", "status=%d out=[%s]", r.status, r.out);

	snprintf(path, sizeof(path), "%s/module/tcpsm/version", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/module/tcpsm", root);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/module", root);
	rmdir(path);
	rmdir(root);
	unsetenv("TCPSM_SYSFS");
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
	test_cli_version(tool);

	expect_usage(tool, "cli: no command", ARGS(NULL));
	expect_usage(tool, "cli: unknown command", ARGS("frobnicate"));
	expect_usage(tool, "cli: unknown global option", ARGS("--bogus"));
	expect_usage(tool, "cli: unknown stats option", ARGS("stats", "--bogus"));
	expect_usage(tool, "cli: unknown short option", ARGS("stats", "-x"));
	expect_usage(tool, "cli: stray argument", ARGS("stats", "extra"));
	expect_usage(tool, "cli: value for a flag", ARGS("stats", "--json=yes"));
	expect_usage(tool, "cli: help for unknown command", ARGS("help", "nope"));

	run(tool, ARGS("events", "--help"), &r);
	check(r.status == 0 && strstr(r.out, "Usage: tcpsm events") && !r.err[0],
	      "cli: events --help", "status=%d", r.status);
	run(tool, ARGS("help", "events"), &r);
	check(r.status == 0 && strstr(r.out, "Usage: tcpsm events"),
	      "cli: help events", "status=%d", r.status);
	expect_usage(tool, "cli: events: unknown state", ARGS("events", "--state", "bogus"));
	expect_usage(tool, "cli: events: empty state item", ARGS("events", "-s", "listen,"));
	expect_usage(tool, "cli: events: port out of range", ARGS("events", "--port", "65536"));
	expect_usage(tool, "cli: events: port not a number", ARGS("events", "-p", "http"));
	expect_usage(tool, "cli: events: unknown family", ARGS("events", "--family", "ipx"));
	expect_usage(tool, "cli: events: count 0", ARGS("events", "-n", "0"));
	expect_usage(tool, "cli: events: count not a number", ARGS("events", "--count", "-3"));
	expect_usage(tool, "cli: events: count needs a value", ARGS("events", "--count"));
	expect_usage(tool, "cli: events: stray argument", ARGS("events", "extra"));
	expect_usage(tool, "cli: events: value for a flag", ARGS("events", "--json=yes"));
	run(tool, ARGS("events", "--state", "bogus"), &r);
	check(strcmp(r.err, "tcpsm: events: unknown state 'bogus' (see 'tcpsm events --help')\n") == 0,
	      "cli: events: unknown state message", "stderr=[%s]", r.err);
	expect_usage(tool, "cli: events: NEW_SYN_RECV is no state",
		     ARGS("events", "-s", "syn-recv,TCP_NEW_SYN_RECV"));
	run(tool, ARGS("events", "-s", "syn-recv,TCP_NEW_SYN_RECV"), &r);
	check_str("cli: events: the bad one of a list named", r.err,
		  "tcpsm: events: unknown state 'TCP_NEW_SYN_RECV' (see 'tcpsm events --help')\n");
	run(tool, ARGS("events", "--help"), &r);
	check(strstr(r.out, "  -4, -6 ") && strstr(r.out, "[-4] [-6]"),
	      "cli: events --help: -4, -6", "");
	expect_usage(tool, "cli: events: -4 then an unknown option", ARGS("events", "-4", "-x"));
	expect_usage(tool, "cli: events: -6 then a stray argument", ARGS("events", "-6", "extra"));
	expect_usage(tool, "cli: events: -4x (no -x)", ARGS("events", "-4x"));
	run(tool, ARGS("events", "-4", "--help"), &r);
	check(r.status == 0 && strstr(r.out, "Usage: tcpsm events") && !r.err[0],
	      "cli: events -4 --help", "status=%d", r.status);
	run(tool, ARGS("events", "-46", "-6", "-4", "-h"), &r);
	check(r.status == 0 && strstr(r.out, "Usage: tcpsm events") && !r.err[0],
	      "cli: events -46 -6 -4 -h", "status=%d", r.status);

	/* CLOSE_WAIT leak detection: config, closewait, alerts */
	run(tool, ARGS("--help"), &r);
	check(strstr(r.out, "\n  config ") && strstr(r.out, "\n  closewait ") &&
	      strstr(r.out, "\n  alerts "), "cli: --help lists config, closewait, alerts", "");
	run(tool, ARGS("config", "--help"), &r);
	check(r.status == 0 && strstr(r.out, "Usage: tcpsm config get") &&
	      strstr(r.out, "closewait.window") && !r.err[0],
	      "cli: config --help", "status=%d", r.status);
	run(tool, ARGS("help", "config"), &r);
	check(r.status == 0 && strstr(r.out, "Usage: tcpsm config"), "cli: help config", "");
	run(tool, ARGS("config", "set", "--help"), &r);
	check(r.status == 0 && strstr(r.out, "Usage: tcpsm config"), "cli: config set --help", "");
	run(tool, ARGS("closewait", "--help"), &r);
	check(r.status == 0 && strstr(r.out, "Usage: tcpsm closewait") && !r.err[0],
	      "cli: closewait --help", "status=%d", r.status);
	run(tool, ARGS("alerts", "--help"), &r);
	check(r.status == 0 && strstr(r.out, "Usage: tcpsm alerts") &&
	      strstr(r.out, "TCPSM_INODES") && !r.err[0],
	      "cli: alerts --help", "status=%d", r.status);
	expect_usage(tool, "cli: config: no action", ARGS("config"));
	expect_usage(tool, "cli: config: unknown action", ARGS("config", "show"));
	expect_usage(tool, "cli: config: unknown option", ARGS("config", "--bogus"));
	expect_usage(tool, "cli: config get: stray argument", ARGS("config", "get", "x"));
	expect_usage(tool, "cli: config get: unknown option", ARGS("config", "get", "-x"));
	expect_usage(tool, "cli: config set: nothing to set", ARGS("config", "set"));
	expect_usage(tool, "cli: config set: unknown key", ARGS("config", "set", "foo=1"));
	expect_usage(tool, "cli: config set: not a number",
		     ARGS("config", "set", "closewait.count=ten"));
	expect_usage(tool, "cli: config set: negative",
		     ARGS("config", "set", "closewait.age=-1"));
	expect_usage(tool, "cli: config set: no value", ARGS("config", "set", "closewait.count"));
	expect_usage(tool, "cli: config set: one bad of two (nothing sent)",
		     ARGS("config", "set", "closewait.count=5", "closewait.window=x"));
	expect_usage(tool, "cli: config set: a key twice",
		     ARGS("config", "set", "closewait.count=5", "closewait.count=6"));
	run(tool, ARGS("config", "set", "closewait.count=5", "bogus.key=1"), &r);
	check_str("cli: config set: unknown key message", r.err,
		  "tcpsm: config set: unknown key 'bogus.key' (see 'tcpsm config --help')\n");
	run(tool, ARGS("config", "set", "closewait.age=1e3"), &r);
	check_str("cli: config set: bad value message names the key", r.err,
		  "tcpsm: config set: invalid value '1e3' for closewait.age (a whole number) (see 'tcpsm config --help')\n");
	expect_usage(tool, "cli: closewait: stray argument", ARGS("closewait", "extra"));
	expect_usage(tool, "cli: closewait: unknown option", ARGS("closewait", "--bogus"));
	expect_usage(tool, "cli: alerts: --exec needs a value", ARGS("alerts", "--exec"));
	expect_usage(tool, "cli: alerts: empty --exec", ARGS("alerts", "--exec", ""));
	expect_usage(tool, "cli: alerts: stray argument", ARGS("alerts", "extra"));
	expect_usage(tool, "cli: alerts: value for a flag", ARGS("alerts", "--json=1"));

	/* SYN floods: listeners, the synflood.* keys */
	run(tool, ARGS("listeners", "--help"), &r);
	check(r.status == 0 && strstr(r.out, "Usage: tcpsm listeners") &&
	      strstr(r.out, "ACCEPT-SCORE") && !r.err[0],
	      "cli: listeners --help", "status=%d", r.status);
	run(tool, ARGS("help", "listeners"), &r);
	check(r.status == 0 && strstr(r.out, "Usage: tcpsm listeners"),
	      "cli: help listeners", "");
	run(tool, ARGS("--help"), &r);
	check(strstr(r.out, "\n  listeners ") != NULL, "cli: --help lists listeners", "");
	run(tool, ARGS("config", "--help"), &r);
	check(strstr(r.out, "synflood.raise") && strstr(r.out, "synflood.clear") &&
	      strstr(r.out, "synflood.duration"), "cli: config --help: synflood keys", "");
	run(tool, ARGS("alerts", "--help"), &r);
	check(strstr(r.out, "SYN_FLOOD") && strstr(r.out, "ACCEPT_QUEUE_OVERFLOW") &&
	      strstr(r.out, "TCPSM_SCORE") && strstr(r.out, "TCPSM_ADDR"),
	      "cli: alerts --help: the new kinds and variables", "");
	expect_usage(tool, "cli: listeners: stray argument", ARGS("listeners", "extra"));
	expect_usage(tool, "cli: listeners: unknown option", ARGS("listeners", "--bogus"));
	expect_usage(tool, "cli: listeners: value for a flag", ARGS("listeners", "--json=1"));
	run(tool, ARGS("config", "set", "synflood.raise=high"), &r);
	check_str("cli: config set: bad synflood value names the key", r.err,
		  "tcpsm: config set: invalid value 'high' for synflood.raise (a whole number) (see 'tcpsm config --help')\n");

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
	run(tool, ARGS("events", "--json", "-s", "LISTEN,established", "-p", "80",
		       "-f", "6", "-n", "1"), &r);
	check(r.status == 2 && r.err_lines == 1 && !r.out[0] &&
	      strcmp(r.err, "tcpsm: kernel module not loaded (try: sudo modprobe tcpsm)\n") == 0,
	      "cli: events without the module", "status=%d stderr=[%s]", r.status, r.err);
	/* other spellings and -4 -6 are taken: on to the module, which is missing */
	run(tool, ARGS("events", "--state", "syn-recv,FIN_WAIT1", "-s", "tcp_close,estab",
		       "-4", "-6"), &r);
	check(r.status == 2 && r.err_lines == 1 && !r.out[0] &&
	      strcmp(r.err, "tcpsm: kernel module not loaded (try: sudo modprobe tcpsm)\n") == 0,
	      "cli: events -s syn-recv,FIN_WAIT1 -4 -6 without the module",
	      "status=%d stderr=[%s]", r.status, r.err);
	{
		const char *const *const cmds[] = {
			ARGS("config", "get"),
			ARGS("config", "get", "--json"),
			ARGS("config", "set", "closewait.count=5", "closewait.age=0"),
			ARGS("closewait"),
			ARGS("closewait", "--json"),
			ARGS("alerts"),
			ARGS("alerts", "--json", "--exec", "touch /nonexistent/tcpsm-ran"),
			ARGS("listeners"),
			ARGS("listeners", "--json"),
			ARGS("config", "set", "synflood.raise=60", "synflood.clear=99"),
		};
		char name[128];

		for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
			run(tool, cmds[i], &r);
			snprintf(name, sizeof(name), "cli: %s %s without the module",
				 cmds[i][0], cmds[i][1] ? cmds[i][1] : "");
			check(r.status == 2 && r.err_lines == 1 && !r.out[0] &&
			      strcmp(r.err, "tcpsm: kernel module not loaded (try: sudo modprobe tcpsm)\n") == 0,
			      name, "status=%d stderr=[%s]", r.status, r.err);
		}
	}
}

int main(int argc, char **argv)
{
	test_json_escape();
	test_json_writer();
	test_json_numbers();
	test_states();
	test_stats_parse();
	test_stats_json();
	test_stats_text();
	test_event_parse();
	test_event_render();
	test_evline_numbers();
	test_evline_names();
	test_netns_names();
	test_event_filter_parse();
	test_event_filter_match();
	test_event_seq();
	test_event_stream();
	test_extack();
	unit_cw_tests();
	unit_syn_tests();
	unit_lat_tests();
	unit_metrics_tests();
	if (argc > 1)
		test_cli(argv[1]);

	return check_summary();
}
