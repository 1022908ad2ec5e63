// SPDX-License-Identifier: GPL-2.0
/*
 * tcpsm userspace tests of SYN-flood pressure, no kernel module needed
 * (part of tests/unit), on messages built with libnl:
 *   - the namespace's syn counters in GET_STATS replies, text and JSON
 *   - the listener nest: parsing, malformed and missing attributes
 *   - listeners: the table, the empty namespace, the JSON document
 *   - SYN_FLOOD and ACCEPT_QUEUE_OVERFLOW alarms: parsing, the text and
 *     JSON lines, top's note, the --exec environment, two listeners on
 *     one port
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>

#include <linux/tcpsm.h>

#include "alarm.h"
#include "check.h"
#include "json.h"
#include "listener.h"
#include "listeners.h"
#include "print.h"
#include "stats.h"
#include "syncnt.h"
#include "unit_syn.h"

#define FAMILY	0x1f
#define NS	4026531840u

static struct nl_msg *new_msg(uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, 0, 0, FAMILY, 0, 0, cmd, TCPSM_FAMILY_VERSION);
	return msg;
}

/* What a print function wrote, as a string. */
static char out[8192];

static FILE *out_begin(void)
{
	memset(out, 0, sizeof(out));
	return fmemopen(out, sizeof(out), "w");
}

/* ---- syn counters --------------------------------------------------------- */

static void put_cnt(struct nl_msg *msg, uint32_t name, uint64_t value,
		    uint64_t rate)
{
	struct nlattr *n = nla_nest_start(msg, TCPSM_A_STATS_SYN_COUNTER);

	nla_put_u32(msg, TCPSM_A_SYN_COUNTER_NAME, name);
	nla_put_u64(msg, TCPSM_A_SYN_COUNTER_VALUE, value);
	nla_put_u64(msg, TCPSM_A_SYN_COUNTER_RATE, rate);
	nla_nest_end(msg, n);
}

/* A GET_STATS reply with all seven counters (value 1000 * i, rate i). */
static struct nl_msg *stats_msg(void)
{
	struct nl_msg *msg = new_msg(TCPSM_CMD_GET_STATS);

	nla_put_u32(msg, TCPSM_A_STATS_NETNS, NS);
	for (uint32_t i = 1; i <= 7; i++)
		put_cnt(msg, i, 1000 * i, i);
	put_cnt(msg, 8, 5, 5);			/* a newer counter: skipped */
	return msg;
}

static void test_syncnt(void)
{
	struct tcpsm_stats st;
	struct nl_msg *msg;
	struct nlattr *n;
	struct json j;
	FILE *f;
	int r;

	msg = stats_msg();
	r = tcpsm_stats_parse(nlmsg_hdr(msg), &st);
	nlmsg_free(msg);
	check(r == 0 && tcpsm_syncnt_any(&st.syn) && st.syn.has[0] &&
	      st.syn.value[0] == 1000 && st.syn.rate[0] == 1 && st.syn.has[6] &&
	      st.syn.value[6] == 7000 && st.syn.rate[6] == 7,
	      "syncnt: parsed from GET_STATS", "r=%d", r);

	f = out_begin();
	json_init(&j, f);
	tcpsm_syncnt_json(&j, &st.syn);
	fclose(f);
	check_str("syncnt: json", out,
		  "{\"TcpExtTCPReqQFullDoCookies\": {\"value\": 1000, \"rate\": 1}, "
		  "\"TcpExtTCPReqQFullDrop\": {\"value\": 2000, \"rate\": 2}, "
		  "\"TcpExtSyncookiesSent\": {\"value\": 3000, \"rate\": 3}, "
		  "\"TcpExtSyncookiesRecv\": {\"value\": 4000, \"rate\": 4}, "
		  "\"TcpExtSyncookiesFailed\": {\"value\": 5000, \"rate\": 5}, "
		  "\"TcpExtListenOverflows\": {\"value\": 6000, \"rate\": 6}, "
		  "\"TcpExtListenDrops\": {\"value\": 7000, \"rate\": 7}}");

	f = out_begin();
	json_init(&j, f);
	tcpsm_stats_print_json(&j, &st);
	fclose(f);
	check(strstr(out, "\"alarms_active\": null, \"syn_counters\": "
		     "{\"TcpExtTCPReqQFullDoCookies\": {\"value\": 1000, \"rate\": 1}, ") &&
	      strstr(out, "\"TcpExtListenDrops\": {\"value\": 7000, \"rate\": 7}}}"),
	      "syncnt: stats json has syn_counters last", "[%s]", out);

	f = out_begin();
	tcpsm_stats_print_text(f, &st);
	fclose(f);
	check(strstr(out, "(none since the module was loaded)\n\nsyn counters: "
		     "TCPReqQFullDoCookies 1000 (+1/s)  TCPReqQFullDrop 2000 (+2/s)  "
		     "SyncookiesSent 3000 (+3/s)  SyncookiesRecv 4000 (+4/s)  "
		     "SyncookiesFailed 5000 (+5/s)  ListenOverflows 6000 (+6/s)  "
		     "ListenDrops 7000 (+7/s)\n") != NULL,
	      "syncnt: stats text, one line after a blank one", "[%s]", out);

	/* one counter missing: "-" and null; a counter without rate: 0 */
	msg = new_msg(TCPSM_CMD_GET_STATS);
	n = nla_nest_start(msg, TCPSM_A_STATS_SYN_COUNTER);
	nla_put_u32(msg, TCPSM_A_SYN_COUNTER_NAME, TCPSM_SYN_COUNTER_LISTEN_DROPS);
	nla_put_u64(msg, TCPSM_A_SYN_COUNTER_VALUE, 9);
	nla_nest_end(msg, n);
	r = tcpsm_stats_parse(nlmsg_hdr(msg), &st);
	nlmsg_free(msg);
	f = out_begin();
	tcpsm_syncnt_print_text(f, &st.syn, true);
	fclose(f);
	check(r == 0 && strcmp(out, "TCPReqQFullDoCookies -  TCPReqQFullDrop -  "
			       "SyncookiesSent -  SyncookiesRecv -  SyncookiesFailed -  "
			       "ListenOverflows -  ListenDrops 0/s") == 0,
	      "syncnt: rates only, missing ones '-'", "r=%d [%s]", r, out);
	f = out_begin();
	json_init(&j, f);
	tcpsm_syncnt_json(&j, &st.syn);
	fclose(f);
	check(strstr(out, "{\"TcpExtTCPReqQFullDoCookies\": null, ") == out &&
	      strstr(out, "\"TcpExtListenDrops\": {\"value\": 9, \"rate\": 0}}"),
	      "syncnt: json, null for one not sent", "[%s]", out);

	/* malformed: no value; a u32 value */
	msg = new_msg(TCPSM_CMD_GET_STATS);
	n = nla_nest_start(msg, TCPSM_A_STATS_SYN_COUNTER);
	nla_put_u32(msg, TCPSM_A_SYN_COUNTER_NAME, 1);
	nla_nest_end(msg, n);
	r = tcpsm_stats_parse(nlmsg_hdr(msg), &st);
	nlmsg_free(msg);
	check(r == -EBADMSG, "syncnt: no value is malformed", "r=%d", r);
	msg = new_msg(TCPSM_CMD_GET_STATS);
	n = nla_nest_start(msg, TCPSM_A_STATS_SYN_COUNTER);
	nla_put_u32(msg, TCPSM_A_SYN_COUNTER_NAME, 1);
	nla_put_u32(msg, TCPSM_A_SYN_COUNTER_VALUE, 1);
	nla_nest_end(msg, n);
	r = tcpsm_stats_parse(nlmsg_hdr(msg), &st);
	nlmsg_free(msg);
	check(r == -EBADMSG, "syncnt: a u32 value is malformed", "r=%d", r);
}

/* ---- the listener nest ---------------------------------------------------- */

struct lspec {
	uint16_t family;
	const char *addr;
	uint16_t port;
	uint32_t synq, synq_max, accq, accq_max;
	bool cookies;
	uint32_t retrans, drops, overflow, completion, score, accept_score;
	bool syn_flood, aq_overflow;
};

static const struct lspec flooded = {
	AF_INET, "0.0.0.0", 8080, 64, 64, 0, 64, true, 0, 0, 512, 3, 87, 0,
	true, false,
};
static const struct lspec slow_app = {
	AF_INET6, "::", 8080, 0, 128, 128, 128, false, 0, 12, 0, 100, 0, 100,
	false, true,
};

static void put_listener(struct nl_msg *msg, int type, const struct lspec *l)
{
	struct nlattr *n = nla_nest_start(msg, type);
	uint8_t a[16];

	nla_put_u32(msg, TCPSM_A_LISTENER_NETNS, NS);
	nla_put_u16(msg, TCPSM_A_LISTENER_FAMILY, l->family);
	inet_pton(l->family, l->addr, a);
	nla_put(msg, TCPSM_A_LISTENER_SADDR, l->family == AF_INET6 ? 16 : 4, a);
	nla_put_u16(msg, TCPSM_A_LISTENER_PORT, l->port);
	nla_put_u32(msg, TCPSM_A_LISTENER_SYN_QUEUE, l->synq);
	nla_put_u32(msg, TCPSM_A_LISTENER_SYN_QUEUE_MAX, l->synq_max);
	nla_put_u32(msg, TCPSM_A_LISTENER_ACCEPT_QUEUE, l->accq);
	nla_put_u32(msg, TCPSM_A_LISTENER_ACCEPT_QUEUE_MAX, l->accq_max);
	if (l->cookies)
		nla_put_flag(msg, TCPSM_A_LISTENER_COOKIES);
	nla_put_u32(msg, TCPSM_A_LISTENER_SYNACK_RETRANS, l->retrans);
	nla_put_u32(msg, TCPSM_A_LISTENER_DROPS, l->drops);
	nla_put_u32(msg, TCPSM_A_LISTENER_OVERFLOW, l->overflow);
	nla_put_u32(msg, TCPSM_A_LISTENER_COMPLETION, l->completion);
	nla_put_u32(msg, TCPSM_A_LISTENER_SCORE, l->score);
	nla_put_u32(msg, TCPSM_A_LISTENER_ACCEPT_SCORE, l->accept_score);
	if (l->syn_flood)
		nla_put_flag(msg, TCPSM_A_LISTENER_SYN_FLOOD);
	if (l->aq_overflow)
		nla_put_flag(msg, TCPSM_A_LISTENER_ACCEPT_QUEUE_OVERFLOW);
	nla_put_u32(msg, 99, 1);		/* from a newer module */
	nla_nest_end(msg, n);
}

/* The listener nest of a message's first attribute. */
static int parse_first(struct nl_msg *msg, struct tcpsm_listener *l)
{
	struct nlattr *n = genlmsg_attrdata(genlmsg_hdr(nlmsg_hdr(msg)), 0);
	int r = tcpsm_listener_parse(n, l);

	nlmsg_free(msg);
	return r;
}

/* A listener nest with only family, saddr and port, then one more. */
static struct nl_msg *bare(uint16_t family, int alen, int extra_type,
			   int extra_len)
{
	struct nl_msg *msg = new_msg(TCPSM_CMD_GET_LISTENERS);
	struct nlattr *n = nla_nest_start(msg, TCPSM_A_LISTENERS_LISTENER);
	static const uint8_t zero[16];

	if (family)
		nla_put_u16(msg, TCPSM_A_LISTENER_FAMILY, family);
	if (alen)
		nla_put(msg, TCPSM_A_LISTENER_SADDR, alen, zero);
	nla_put_u16(msg, TCPSM_A_LISTENER_PORT, 80);
	if (extra_type)
		nla_put(msg, extra_type, extra_len, zero);
	nla_nest_end(msg, n);
	return msg;
}

static void test_listener_parse(void)
{
	struct tcpsm_listener l;
	struct nl_msg *msg;
	char buf[64];
	int r;

	msg = new_msg(TCPSM_CMD_GET_LISTENERS);
	put_listener(msg, TCPSM_A_LISTENERS_LISTENER, &flooded);
	r = parse_first(msg, &l);
	check(r == 0 && l.has_netns && l.netns == NS && l.family == AF_INET &&
	      l.port == 8080 && l.syn_queue == 64 && l.syn_queue_max == 64 &&
	      l.accept_queue == 0 && l.accept_queue_max == 64 && l.cookies &&
	      l.overflow == 512 && l.completion == 3 && l.score == 87 &&
	      l.accept_score == 0 && l.syn_flood && !l.accept_queue_overflow,
	      "listener: parsed", "r=%d", r);
	tcpsm_listener_endpoint(&l, buf, sizeof(buf));
	check_str("listener: inet endpoint", buf, "0.0.0.0:8080");

	msg = new_msg(TCPSM_CMD_GET_LISTENERS);
	put_listener(msg, TCPSM_A_LISTENERS_LISTENER, &slow_app);
	r = parse_first(msg, &l);
	tcpsm_listener_endpoint(&l, buf, sizeof(buf));
	check(r == 0 && l.family == AF_INET6 && !l.cookies && l.drops == 12 &&
	      l.accept_queue_overflow && !l.syn_flood && strcmp(buf, "[::]:8080") == 0,
	      "listener: inet6, endpoint in brackets", "r=%d [%s]", r, buf);

	r = parse_first(bare(AF_INET, 4, 0, 0), &l);
	check(r == 0 && !l.has_netns && l.port == 80 && l.syn_queue_max == 0 &&
	      !l.cookies && l.score == 0,
	      "listener: only the required attributes", "r=%d", r);

	check(parse_first(bare(0, 4, 0, 0), &l) == -EBADMSG,
	      "listener: no family is malformed", "");
	check(parse_first(bare(AF_INET, 0, 0, 0), &l) == -EBADMSG,
	      "listener: no address is malformed", "");
	check(parse_first(bare(AF_INET, 16, 0, 0), &l) == -EBADMSG,
	      "listener: a 16-byte address of AF_INET is malformed", "");
	check(parse_first(bare(AF_INET6, 4, 0, 0), &l) == -EBADMSG,
	      "listener: a 4-byte address of AF_INET6 is malformed", "");
	check(parse_first(bare(AF_UNIX, 4, 0, 0), &l) == -EBADMSG,
	      "listener: an unknown family is malformed", "");
	check(parse_first(bare(AF_INET, 4, TCPSM_A_LISTENER_SCORE, 8), &l) == -EBADMSG,
	      "listener: a u64 score is malformed", "");
	check(parse_first(bare(AF_INET, 4, TCPSM_A_LISTENER_SYN_QUEUE, 2), &l) == -EBADMSG,
	      "listener: a short syn queue is malformed", "");

	msg = new_msg(TCPSM_CMD_GET_LISTENERS);
	{
		struct nlattr *n = nla_nest_start(msg, TCPSM_A_LISTENERS_LISTENER);

		nla_put_u16(msg, TCPSM_A_LISTENER_FAMILY, AF_INET);
		nla_put(msg, TCPSM_A_LISTENER_SADDR, 4, "\x7f\0\0\x01");
		nla_nest_end(msg, n);
	}
	check(parse_first(msg, &l) == -EBADMSG, "listener: no port is malformed", "");
}

/* ---- listeners ------------------------------------------------------------ */

static void add(struct tcpsm_listener_set *set, const struct lspec *s)
{
	struct nl_msg *msg = new_msg(TCPSM_CMD_GET_LISTENERS);

	put_listener(msg, TCPSM_A_LISTENERS_LISTENER, s);
	set->v = realloc(set->v, (set->n + 1) * sizeof(*set->v));
	if (parse_first(msg, &set->v[set->n]) == 0)
		set->n++;
}

static void test_listeners(void)
{
	struct tcpsm_listener_set set = { NULL, 0, 0 };
	struct lspec quiet = { AF_INET, "127.0.0.1", 22, 0, 4096, 0, 4096, false,
			       0, 0, 0, 100, 0, 0, false, false };
	struct lspec both = flooded;
	struct tcpsm_stats st;
	struct nl_msg *msg;
	struct json j;
	FILE *f;

	msg = stats_msg();
	tcpsm_stats_parse(nlmsg_hdr(msg), &st);
	nlmsg_free(msg);

	/* the empty namespace */
	f = out_begin();
	tcpsm_listeners_print_text(f, NS, &st.syn, &set);
	fclose(f);
	check_str("listeners: text, none", out,
		  "netns 4026531840  TCPReqQFullDoCookies 1/s  TCPReqQFullDrop 2/s  "
		  "SyncookiesSent 3/s  SyncookiesRecv 4/s  SyncookiesFailed 5/s  "
		  "ListenOverflows 6/s  ListenDrops 7/s\n\nno listeners\n");
	f = out_begin();
	json_init(&j, f);
	tcpsm_listeners_print_json(&j, -1, &st.syn, &set);
	fclose(f);
	check(strstr(out, "{\"netns\": null, \"counters\": {\"TcpExtTCPReqQFullDoCookies\": "
		     "{\"value\": 1000, \"rate\": 1}, ") == out &&
	      strstr(out, "\"TcpExtListenDrops\": {\"value\": 7000, \"rate\": 7}}, "
		     "\"listeners\": []}"),
	      "listeners: json, none: an empty array", "[%s]", out);

	/* sorted by port, then address */
	both.family = AF_INET;
	both.addr = "10.0.0.1";
	both.aq_overflow = true;
	add(&set, &slow_app);
	add(&set, &flooded);
	add(&set, &both);
	add(&set, &quiet);
	tcpsm_listener_sort(&set);
	check(set.n == 4 && set.v[0].port == 22 && set.v[1].family == AF_INET &&
	      set.v[1].saddr[0] == 0 && set.v[2].saddr[0] == 10 &&
	      set.v[3].family == AF_INET6 && tcpsm_listener_max_score(&set) == 87,
	      "listeners: by port, then address; the highest score", "n=%zu", set.n);

	f = out_begin();
	tcpsm_listeners_print_text(f, NS, &st.syn, &set);
	fclose(f);
	check_str("listeners: text", strchr(out, '\n') + 2,
		  "ADDR:PORT      SYNQ/MAX  ACCEPTQ/MAX  COOKIES  SYNACK-RETRANS/s  DROPS/s  "
		  "OVERFLOW/s  COMPLETION%  SCORE  ACCEPT-SCORE  ALARMS\n"
		  "127.0.0.1:22     0/4096       0/4096  -                       0        0  "
		  "         0          100      0             0  -\n"
		  "0.0.0.0:8080      64/64         0/64  yes                     0        0  "
		  "       512            3     87             0  SYN_FLOOD\n"
		  "10.0.0.1:8080     64/64         0/64  yes                     0        0  "
		  "       512            3     87             0  SYN_FLOOD,ACCEPT_QUEUE_OVERFLOW\n"
		  "[::]:8080         0/128      128/128  -                       0       12  "
		  "         0          100      0           100  ACCEPT_QUEUE_OVERFLOW\n");

	f = out_begin();
	json_init(&j, f);
	tcpsm_listeners_print_json(&j, NS, &st.syn, &set);
	fclose(f);
	check(strncmp(out, "{\"netns\": 4026531840, \"counters\": {", 35) == 0 &&
	      strstr(out, "\"listeners\": [{\"family\": \"inet\", \"saddr\": \"127.0.0.1\", "
		     "\"port\": 22, ") &&
	      strstr(out, "{\"family\": \"inet\", \"saddr\": \"0.0.0.0\", \"port\": 8080, "
		     "\"syn_queue\": 64, \"syn_queue_max\": 64, \"accept_queue\": 0, "
		     "\"accept_queue_max\": 64, \"cookies\": true, \"synack_retrans\": 0, "
		     "\"drops\": 0, \"overflow\": 512, \"completion\": 3, \"score\": 87, "
		     "\"accept_score\": 0, \"alarms\": [\"SYN_FLOOD\"]}, ") &&
	      strstr(out, "\"alarms\": [\"SYN_FLOOD\", \"ACCEPT_QUEUE_OVERFLOW\"]}") &&
	      strstr(out, "{\"family\": \"inet6\", \"saddr\": \"::\", \"port\": 8080, ") &&
	      strstr(out, "\"alarms\": [\"ACCEPT_QUEUE_OVERFLOW\"]}]}") &&
	      strstr(out, "\"alarms\": []}"),
	      "listeners: json", "[%s]", out);
	tcpsm_listener_set_free(&set);
}

/* ---- alarms --------------------------------------------------------------- */

/* An alarm with only what is required: kind, state, ts, netns. */
static struct nl_msg *alarm_head(uint32_t kind, uint32_t state, uint32_t netns)
{
	struct nl_msg *msg = new_msg(TCPSM_CMD_ALARM);

	nla_put_u32(msg, TCPSM_A_ALARM_KIND, kind);
	nla_put_u32(msg, TCPSM_A_ALARM_STATE, state);
	nla_put_u64(msg, TCPSM_A_ALARM_TS, netns == NS ? 42 : 1);
	nla_put_u32(msg, TCPSM_A_ALARM_NETNS, netns);
	return msg;
}

static struct nl_msg *flood_alarm(uint32_t kind, uint32_t state,
				  const struct lspec *l)
{
	struct nl_msg *msg = alarm_head(kind, state, NS);

	nla_put_u16(msg, TCPSM_A_ALARM_PORT, l->port);
	nla_put_u32(msg, TCPSM_A_ALARM_SCORE, kind == TCPSM_ALARM_KIND_ACCEPT_QUEUE_OVERFLOW ?
		    l->accept_score : l->score);
	put_listener(msg, TCPSM_A_ALARM_LISTENER, l);
	return msg;
}

static int parse(struct nl_msg *msg, struct tcpsm_alarm *a)
{
	int r = tcpsm_alarm_parse(nlmsg_hdr(msg), a);

	nlmsg_free(msg);
	return r;
}

static const char *text(const struct tcpsm_alarm *a)
{
	FILE *f = out_begin();

	tcpsm_alarm_print_text(f, a);
	fclose(f);
	return out;
}

static const char *json(const struct tcpsm_alarm *a)
{
	FILE *f = out_begin();
	struct json j;

	json_init(&j, f);
	tcpsm_alarm_print_json(&j, a);
	fclose(f);
	return out;
}

static const char *env_of(const struct tcpsm_alarm_env *env, const char *name)
{
	for (int i = 0; i < TCPSM_ALARM_ENV_N; i++)
		if (strcmp(env->name[i], name) == 0)
			return env->value[i];
	return "(unset)";
}

static void test_flood_alarms(void)
{
	struct tcpsm_alarm_seen seen = { NULL, 0, 0 };
	struct tcpsm_alarm_env env;
	struct tcpsm_alarm a, b;
	struct nl_msg *msg;
	struct nlattr *n;
	char buf[128];
	int r;

	r = parse(flood_alarm(TCPSM_ALARM_KIND_SYN_FLOOD, TCPSM_ALARM_STATE_RAISE,
			      &flooded), &a);
	check(r == 0 && a.has_score && a.score == 87 && a.has_listener &&
	      a.listener.port == 8080 && a.listener.overflow == 512 && !a.has_count,
	      "flood alarm: parsed", "r=%d", r);
	check_str("flood alarm: text", text(&a),
		  "RAISE SYN_FLOOD netns 4026531840 listener 0.0.0.0:8080 score 87 "
		  "synq 64/64 cookies overflow 512/s completion 3% synack-retrans 0/s "
		  "drops 0/s\n");
	check_str("flood alarm: json", json(&a),
		  "{\"alarm\": \"SYN_FLOOD\", \"state\": \"raise\", \"replayed\": false, "
		  "\"ts\": 42, \"netns\": 4026531840, \"port\": 8080, \"count\": null, "
		  "\"oldest_age_ms\": null, \"growth\": null, \"sockets\": [], \"score\": 87, "
		  "\"listener\": {\"family\": \"inet\", \"saddr\": \"0.0.0.0\", \"port\": 8080, "
		  "\"syn_queue\": 64, \"syn_queue_max\": 64, \"accept_queue\": 0, "
		  "\"accept_queue_max\": 64, \"cookies\": true, \"synack_retrans\": 0, "
		  "\"drops\": 0, \"overflow\": 512, \"completion\": 3, \"score\": 87, "
		  "\"accept_score\": 0, \"alarms\": [\"SYN_FLOOD\"]}}");
	tcpsm_alarm_short(&a, buf, sizeof(buf));
	check_str("flood alarm: top's note", buf, "SYN_FLOOD 0.0.0.0:8080 score 87");
	tcpsm_alarm_env(&a, &env);
	check(strcmp(env_of(&env, "TCPSM_ALARM"), "SYN_FLOOD") == 0 &&
	      strcmp(env_of(&env, "TCPSM_SCORE"), "87") == 0 &&
	      strcmp(env_of(&env, "TCPSM_ADDR"), "0.0.0.0") == 0 &&
	      strcmp(env_of(&env, "TCPSM_PORT"), "8080") == 0 &&
	      strcmp(env_of(&env, "TCPSM_COUNT"), "") == 0 &&
	      strcmp(env_of(&env, "TCPSM_UIDS"), "") == 0,
	      "flood alarm: --exec environment", "");

	r = parse(flood_alarm(TCPSM_ALARM_KIND_ACCEPT_QUEUE_OVERFLOW,
			      TCPSM_ALARM_STATE_CLEAR, &slow_app), &b);
	check_str("accept alarm: text", text(&b),
		  "CLEAR ACCEPT_QUEUE_OVERFLOW netns 4026531840 listener [::]:8080 score 100 "
		  "acceptq 128/128 drops 12/s\n");
	tcpsm_alarm_short(&b, buf, sizeof(buf));
	check_str("accept alarm: top's note", buf, "ACCEPT_QUEUE_OVERFLOW [::]:8080 score 100");
	tcpsm_alarm_env(&b, &env);
	check(r == 0 && strcmp(env_of(&env, "TCPSM_ADDR"), "::") == 0 &&
	      strcmp(env_of(&env, "TCPSM_STATE"), "clear") == 0,
	      "accept alarm: --exec environment", "");

	/* a kind from a newer module with a listener: every signal */
	msg = flood_alarm(77, TCPSM_ALARM_STATE_RAISE, &flooded);
	r = parse(msg, &b);
	check_str("alarm: unknown kind with a listener", text(&b),
		  "RAISE ALARM_77 netns 4026531840 listener 0.0.0.0:8080 score 87 "
		  "synq 64/64 acceptq 0/64 cookies overflow 512/s completion 3% "
		  "synack-retrans 0/s drops 0/s\n");

	/* score and listener missing: port, null, empty */
	msg = alarm_head(TCPSM_ALARM_KIND_SYN_FLOOD, TCPSM_ALARM_STATE_CLEAR, 1);
	nla_put_u16(msg, TCPSM_A_ALARM_PORT, 443);
	r = parse(msg, &b);
	check(r == 0 && strcmp(text(&b), "CLEAR SYN_FLOOD netns 1 port 443\n") == 0,
	      "flood alarm: text without listener or score", "r=%d [%s]", r, out);
	check(strstr(json(&b), "\"sockets\": [], \"score\": null, \"listener\": null}") != NULL,
	      "flood alarm: json, nulls", "[%s]", out);
	tcpsm_alarm_env(&b, &env);
	check(strcmp(env_of(&env, "TCPSM_PORT"), "443") == 0 &&
	      strcmp(env_of(&env, "TCPSM_SCORE"), "") == 0 &&
	      strcmp(env_of(&env, "TCPSM_ADDR"), "") == 0,
	      "flood alarm: --exec environment, empty when absent", "");

	/* malformed */
	msg = alarm_head(TCPSM_ALARM_KIND_SYN_FLOOD, TCPSM_ALARM_STATE_RAISE, 1);
	nla_put_u64(msg, TCPSM_A_ALARM_SCORE, 87);
	check(parse(msg, &b) == -EBADMSG, "flood alarm: a u64 score is malformed", "");
	msg = alarm_head(TCPSM_ALARM_KIND_SYN_FLOOD, TCPSM_ALARM_STATE_RAISE, 1);
	n = nla_nest_start(msg, TCPSM_A_ALARM_LISTENER);
	nla_put_u16(msg, TCPSM_A_LISTENER_PORT, 80);
	nla_nest_end(msg, n);
	check(parse(msg, &b) == -EBADMSG,
	      "flood alarm: a listener without address is malformed", "");

	/* 0.0.0.0:8080 and [::]:8080: two alarms, not one seen twice */
	r = parse(flood_alarm(TCPSM_ALARM_KIND_SYN_FLOOD, TCPSM_ALARM_STATE_RAISE,
			      &slow_app), &b);
	check(r == 0 && !tcpsm_alarm_seen_note(&seen, &a) &&
	      !tcpsm_alarm_seen_note(&seen, &b) && tcpsm_alarm_seen_note(&seen, &a) &&
	      tcpsm_alarm_seen_note(&seen, &b) && seen.n == 2,
	      "flood alarm: two listeners on one port are two alarms", "n=%zu", seen.n);
	a.state = TCPSM_ALARM_STATE_CLEAR;
	tcpsm_alarm_seen_note(&seen, &a);
	check(seen.n == 1 && seen.v[0].family == AF_INET6,
	      "flood alarm: a clear forgets only its listener", "n=%zu", seen.n);
	tcpsm_alarm_seen_free(&seen);
}

void unit_syn_tests(void)
{
	test_syncnt();
	test_listener_parse();
	test_listeners();
	test_flood_alarms();
}
