// SPDX-License-Identifier: GPL-2.0
/*
 * tcpsm userspace tests of CLOSE_WAIT leak detection, no kernel module
 * needed (part of tests/unit):
 *   - config: KEY=VALUE arguments, good and bad; GET_CONFIG replies
 *   - alarms: parsing (messages built with libnl), the text and JSON
 *     lines, top's note, the --exec environment, dropping an alarm seen
 *     both in the dump and as a notification
 *   - owners: /proc link parsing, a socket this process opens itself,
 *     and a fake /proc tree
 *   - closewait: GET_CLOSEWAIT replies, the table and the JSON document
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>

#include <linux/tcpsm.h>

#include "alarm.h"
#include "alerts.h"
#include "check.h"
#include "closewait.h"
#include "config.h"
#include "cwsock.h"
#include "json.h"
#include "owners.h"
#include "print.h"
#include "unit_cw.h"

#define FAMILY	0x1f
#define NS	4026531840u

static struct nl_msg *new_msg(uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, 0, 0, FAMILY, 0, 0, cmd, TCPSM_FAMILY_VERSION);
	return msg;
}

/* What a print function wrote, as a string. */
struct capture {
	char buf[8192];
	FILE *f;
};

static FILE *cap_begin(struct capture *c)
{
	memset(c->buf, 0, sizeof(c->buf));
	c->f = fmemopen(c->buf, sizeof(c->buf), "w");
	return c->f;
}

static const char *cap_end(struct capture *c)
{
	fclose(c->f);
	return c->buf;
}

/* ---- config --------------------------------------------------------------- */

static int arg(struct tcpsm_config *c, const char *a, char *err)
{
	return tcpsm_config_parse_arg(c, a, err, 160);
}

static void test_config_args(void)
{
	static const struct {
		const char *arg, *in_err;
	} bad[] = {
		{ "closewait.count", "closewait.count" },	/* no = */
		{ "foo=1", "'foo'" },
		{ "=1", "''" },
		{ "closewait.count=", "closewait.count" },
		{ "closewait.count=-1", "closewait.count" },
		{ "closewait.count=+1", "closewait.count" },
		{ "closewait.age=0x10", "closewait.age" },
		{ "closewait.age= 5", "closewait.age" },
		{ "closewait.age=5 ", "closewait.age" },
		{ "closewait.age=1.5", "closewait.age" },
		{ "closewait.window=4294967296", "closewait.window" },
		{ "closewait.window=99999999999999999999999", "closewait.window" },
		{ "Closewait.count=1", "'Closewait.count'" },
		{ "closewait.count=1=2", "closewait.count" },
		{ "synflood.raise=", "synflood.raise" },
		{ "synflood.clear=-1", "synflood.clear" },
		{ "synflood.duration=2s", "synflood.duration" },
		{ "synflood=60", "'synflood'" },
		{ "synflood.raised=60", "'synflood.raised'" },
	};
	struct tcpsm_config c;
	char err[160], name[96];
	int r;

	memset(&c, 0, sizeof(c));
	r = arg(&c, "closewait.count=16", err);
	r |= arg(&c, "closewait.age=0", err);
	r |= arg(&c, "closewait.window=4294967295", err);
	check(r == 0 && c.has[0] && c.value[0] == 16 && c.has[1] && c.value[1] == 0 &&
	      c.has[2] && c.value[2] == 4294967295u,
	      "config: three keys (range left to the kernel)", "r=%d", r);

	memset(&c, 0, sizeof(c));
	r = arg(&c, "closewait.age=30", err);
	check(r == 0 && !c.has[0] && c.has[1] && !c.has[2] && c.value[1] == 30,
	      "config: one key, the others unset", "r=%d", r);
	r = arg(&c, "closewait.age=31", err);
	check(r == -EINVAL && strstr(err, "closewait.age") && strstr(err, "twice") &&
	      c.value[1] == 30, "config: a key given twice", "r=%d err=[%s]", r, err);

	/* the SYN-flood keys; their ranges (and clear < raise) are the kernel's */
	memset(&c, 0, sizeof(c));
	r = arg(&c, "synflood.raise=60", err);
	r |= arg(&c, "synflood.clear=99", err);
	r |= arg(&c, "synflood.duration=0", err);
	check(r == 0 && !c.has[0] && !c.has[1] && !c.has[2] && c.has[3] &&
	      c.value[3] == 60 && c.has[4] && c.value[4] == 99 && c.has[5] &&
	      c.value[5] == 0, "config: synflood keys (range left to the kernel)",
	      "r=%d", r);
	r = arg(&c, "synflood.duration=3", err);
	check(r == -EINVAL && strstr(err, "synflood.duration") && strstr(err, "twice"),
	      "config: a synflood key given twice", "r=%d err=[%s]", r, err);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&c, 0, sizeof(c));
		err[0] = '\0';
		r = arg(&c, bad[i].arg, err);
		snprintf(name, sizeof(name), "config: bad '%s' names %s", bad[i].arg,
			 bad[i].in_err);
		check(r == -EINVAL && strstr(err, bad[i].in_err) && !c.has[0] &&
		      !c.has[1] && !c.has[2], name, "r=%d err=[%s]", r, err);
	}
}

static void test_config_reply(void)
{
	struct tcpsm_config c;
	struct capture cap;
	struct nl_msg *msg;
	struct json j;
	int r;

	msg = new_msg(TCPSM_CMD_GET_CONFIG);
	nla_put_u32(msg, TCPSM_A_CONFIG_NETNS, NS);
	nla_put_u32(msg, TCPSM_A_CONFIG_CLOSEWAIT_COUNT, 16);
	nla_put_u32(msg, TCPSM_A_CONFIG_CLOSEWAIT_AGE, 30);
	nla_put_u32(msg, TCPSM_A_CONFIG_CLOSEWAIT_WINDOW, 5);
	nla_put_u32(msg, 99, 1);		/* from a newer module */
	r = tcpsm_config_parse(nlmsg_hdr(msg), &c);
	nlmsg_free(msg);
	check(r == 0 && c.has_netns && c.netns == NS, "config: reply parsed", "r=%d", r);
	tcpsm_config_print_text(cap_begin(&cap), &c);
	check_str("config: text, the form set takes", cap_end(&cap),
		  "closewait.count=16\nclosewait.age=30\nclosewait.window=5\n");
	json_init(&j, cap_begin(&cap));
	tcpsm_config_print_json(&j, &c);
	check_str("config: json", cap_end(&cap),
		  "{\"netns\": 4026531840, \"closewait.count\": 16, "
		  "\"closewait.age\": 30, \"closewait.window\": 5, "
		  "\"synflood.raise\": null, \"synflood.clear\": null, "
		  "\"synflood.duration\": null}");

	msg = new_msg(TCPSM_CMD_GET_CONFIG);
	nla_put_u32(msg, TCPSM_A_CONFIG_CLOSEWAIT_AGE, 86400);
	r = tcpsm_config_parse(nlmsg_hdr(msg), &c);
	nlmsg_free(msg);
	tcpsm_config_print_text(cap_begin(&cap), &c);
	check(r == 0 && strcmp(cap_end(&cap), "closewait.age=86400\n") == 0,
	      "config: text, only what was sent", "[%s]", cap.buf);
	json_init(&j, cap_begin(&cap));
	tcpsm_config_print_json(&j, &c);
	check_str("config: json, null for what was not sent", cap_end(&cap),
		  "{\"netns\": null, \"closewait.count\": null, "
		  "\"closewait.age\": 86400, \"closewait.window\": null, "
		  "\"synflood.raise\": null, \"synflood.clear\": null, "
		  "\"synflood.duration\": null}");

	/* the SYN-flood settings: after the closewait ones, as set takes them */
	msg = new_msg(TCPSM_CMD_GET_CONFIG);
	nla_put_u32(msg, TCPSM_A_CONFIG_NETNS, NS);
	nla_put_u32(msg, TCPSM_A_CONFIG_SYNFLOOD_DURATION, 2);
	nla_put_u32(msg, TCPSM_A_CONFIG_SYNFLOOD_CLEAR, 20);
	nla_put_u32(msg, TCPSM_A_CONFIG_SYNFLOOD_RAISE, 60);
	nla_put_u32(msg, TCPSM_A_CONFIG_CLOSEWAIT_COUNT, 16);
	r = tcpsm_config_parse(nlmsg_hdr(msg), &c);
	nlmsg_free(msg);
	tcpsm_config_print_text(cap_begin(&cap), &c);
	check(r == 0 && strcmp(cap_end(&cap), "closewait.count=16\nsynflood.raise=60\n"
			       "synflood.clear=20\nsynflood.duration=2\n") == 0,
	      "config: text, synflood keys", "r=%d [%s]", r, cap.buf);
	json_init(&j, cap_begin(&cap));
	tcpsm_config_print_json(&j, &c);
	check_str("config: json, synflood keys", cap_end(&cap),
		  "{\"netns\": 4026531840, \"closewait.count\": 16, "
		  "\"closewait.age\": null, \"closewait.window\": null, "
		  "\"synflood.raise\": 60, \"synflood.clear\": 20, "
		  "\"synflood.duration\": 2}");

	msg = new_msg(TCPSM_CMD_GET_CONFIG);
	nla_put_u64(msg, TCPSM_A_CONFIG_SYNFLOOD_CLEAR, 20);
	r = tcpsm_config_parse(nlmsg_hdr(msg), &c);
	nlmsg_free(msg);
	check(r == -EBADMSG, "config: a u64 synflood.clear is malformed", "r=%d", r);

	msg = new_msg(TCPSM_CMD_GET_CONFIG);
	nla_put_u16(msg, TCPSM_A_CONFIG_CLOSEWAIT_COUNT, 16);
	r = tcpsm_config_parse(nlmsg_hdr(msg), &c);
	nlmsg_free(msg);
	check(r == -EBADMSG, "config: a u16 for a u32 is malformed", "r=%d", r);
}

/* ---- alarms --------------------------------------------------------------- */

struct sock_spec {
	uint32_t uid;
	uint64_t ino, age;
	uint16_t family;
	const char *daddr;
	uint16_t dport;
	uint64_t cookie, cgroup;
};

static void put_sock(struct nl_msg *msg, int type, const struct sock_spec *s)
{
	struct nlattr *n = nla_nest_start(msg, type);
	uint8_t a[16];

	nla_put_u32(msg, TCPSM_A_SOCKET_UID, s->uid);
	nla_put_u64(msg, TCPSM_A_SOCKET_INO, s->ino);
	nla_put_u64(msg, TCPSM_A_SOCKET_COOKIE, s->cookie);
	nla_put_u64(msg, TCPSM_A_SOCKET_CGROUP, s->cgroup);
	nla_put_u64(msg, TCPSM_A_SOCKET_AGE, s->age);
	nla_put_u16(msg, TCPSM_A_SOCKET_FAMILY, s->family);
	inet_pton(s->family, s->daddr, a);
	nla_put(msg, TCPSM_A_SOCKET_DADDR, s->family == AF_INET6 ? 16 : 4, a);
	nla_put_u16(msg, TCPSM_A_SOCKET_DPORT, s->dport);
	nla_nest_end(msg, n);
}

static const struct sock_spec socks[] = {
	{ 0, 4567, 31250, AF_INET, "127.0.0.1", 40000, 99, 1 },
	{ 1000, 4568, 30000, AF_INET6, "2001:db8::2", 40001, 100, 2 },
	{ 0, 0, 29999, AF_INET, "10.0.0.9", 40002, 101, 0 },	/* no file */
};

/* A CLOSE_WAIT_LEAK raise of port 8080 with the three sockets. */
static struct nl_msg *alarm_msg(uint8_t cmd, uint32_t state)
{
	struct nl_msg *msg = new_msg(cmd);

	nla_put_u32(msg, TCPSM_A_ALARM_KIND, TCPSM_ALARM_KIND_CLOSEWAIT_LEAK);
	nla_put_u32(msg, TCPSM_A_ALARM_STATE, state);
	nla_put_u64(msg, TCPSM_A_ALARM_TS, 123456789);
	nla_put_u32(msg, TCPSM_A_ALARM_NETNS, NS);
	nla_put_u16(msg, TCPSM_A_ALARM_PORT, 8080);
	nla_put_u32(msg, TCPSM_A_ALARM_COUNT, 50);
	nla_put_u64(msg, TCPSM_A_ALARM_OLDEST_AGE, 31250);
	nla_put_u32(msg, TCPSM_A_ALARM_GROWTH, 50);
	nla_put_u32(msg, 200, 1);		/* from a newer module */
	for (size_t i = 0; i < 3; i++)
		put_sock(msg, TCPSM_A_ALARM_SOCKET, &socks[i]);
	return msg;
}

static int parse_alarm(struct nl_msg *msg, struct tcpsm_alarm *a)
{
	int r = tcpsm_alarm_parse(nlmsg_hdr(msg), a);

	nlmsg_free(msg);
	return r;
}

static const char *alarm_text(const struct tcpsm_alarm *a)
{
	static struct capture cap;

	tcpsm_alarm_print_text(cap_begin(&cap), a);
	return cap_end(&cap);
}

static const char *alarm_json(const struct tcpsm_alarm *a)
{
	static struct capture cap;
	struct json j;

	json_init(&j, cap_begin(&cap));
	tcpsm_alarm_print_json(&j, a);
	return cap_end(&cap);
}

static void test_alarm_parse(void)
{
	struct tcpsm_alarm a;
	struct nl_msg *msg;
	struct nlattr *n;
	int r;

	r = parse_alarm(alarm_msg(TCPSM_CMD_ALARM, TCPSM_ALARM_STATE_RAISE), &a);
	check(r == 0 && a.kind == TCPSM_ALARM_KIND_CLOSEWAIT_LEAK &&
	      a.state == TCPSM_ALARM_STATE_RAISE && a.ts == 123456789 &&
	      a.netns == NS && a.has_port && a.port == 8080 && a.has_count &&
	      a.count == 50 && a.has_oldest_age && a.oldest_age_ms == 31250 &&
	      a.has_growth && a.growth == 50 && a.nsock == 3 && !a.replayed,
	      "alarm: parsed", "r=%d nsock=%zu", r, a.nsock);
	check(a.sock[1].uid == 1000 && a.sock[1].ino == 4568 &&
	      a.sock[1].age_ms == 30000 && a.sock[1].family == AF_INET6 &&
	      a.sock[1].has_daddr && a.sock[1].daddr[0] == 0x20 &&
	      a.sock[1].has_dport && a.sock[1].dport == 40001 &&
	      a.sock[1].has_cookie && a.sock[1].cookie == 100 &&
	      a.sock[1].has_cgroup && a.sock[1].cgroup == 2,
	      "alarm: socket parsed", "");

	/* a negative growth, through the u32 it travels in */
	msg = new_msg(TCPSM_CMD_ALARM);
	nla_put_u32(msg, TCPSM_A_ALARM_KIND, 1);
	nla_put_u32(msg, TCPSM_A_ALARM_STATE, TCPSM_ALARM_STATE_CLEAR);
	nla_put_u64(msg, TCPSM_A_ALARM_TS, 1);
	nla_put_u32(msg, TCPSM_A_ALARM_NETNS, 1);
	nla_put_s32(msg, TCPSM_A_ALARM_GROWTH, -43);
	r = parse_alarm(msg, &a);
	check(r == 0 && a.has_growth && a.growth == -43 && !a.has_port &&
	      !a.has_count && !a.has_oldest_age && a.nsock == 0,
	      "alarm: negative growth, optional parts missing", "r=%d", r);

	/* more sockets than kept: the first (oldest) ones */
	msg = new_msg(TCPSM_CMD_GET_ALARMS);
	nla_put_u32(msg, TCPSM_A_ALARM_KIND, 1);
	nla_put_u32(msg, TCPSM_A_ALARM_STATE, TCPSM_ALARM_STATE_RAISE);
	nla_put_u64(msg, TCPSM_A_ALARM_TS, 1);
	nla_put_u32(msg, TCPSM_A_ALARM_NETNS, 1);
	for (int i = 0; i < TCPSM_CWSOCK_MAX + 3; i++) {
		struct sock_spec s = socks[0];

		s.ino = 1000 + (uint64_t)i;
		put_sock(msg, TCPSM_A_ALARM_SOCKET, &s);
	}
	r = parse_alarm(msg, &a);
	check(r == 0 && a.nsock == TCPSM_CWSOCK_MAX && a.sock[0].ino == 1000 &&
	      a.sock[TCPSM_CWSOCK_MAX - 1].ino == 1000 + TCPSM_CWSOCK_MAX - 1,
	      "alarm: sockets past the 8th skipped", "r=%d nsock=%zu", r, a.nsock);

	/* malformed */
	msg = alarm_msg(TCPSM_CMD_ALARM, 3);
	check(parse_alarm(msg, &a) == -EBADMSG, "alarm: unknown state is malformed", "");

	msg = new_msg(TCPSM_CMD_ALARM);
	nla_put_u32(msg, TCPSM_A_ALARM_STATE, TCPSM_ALARM_STATE_RAISE);
	nla_put_u64(msg, TCPSM_A_ALARM_TS, 1);
	nla_put_u32(msg, TCPSM_A_ALARM_NETNS, 1);
	check(parse_alarm(msg, &a) == -EBADMSG, "alarm: no kind is malformed", "");

	msg = new_msg(TCPSM_CMD_ALARM);
	nla_put_u32(msg, TCPSM_A_ALARM_KIND, 1);
	nla_put_u32(msg, TCPSM_A_ALARM_STATE, TCPSM_ALARM_STATE_RAISE);
	nla_put_u64(msg, TCPSM_A_ALARM_TS, 1);
	nla_put_u32(msg, TCPSM_A_ALARM_NETNS, 1);
	nla_put_u32(msg, TCPSM_A_ALARM_PORT, 8080);
	check(parse_alarm(msg, &a) == -EBADMSG, "alarm: a u32 port is malformed", "");

	msg = new_msg(TCPSM_CMD_ALARM);
	nla_put_u32(msg, TCPSM_A_ALARM_KIND, 1);
	nla_put_u32(msg, TCPSM_A_ALARM_STATE, TCPSM_ALARM_STATE_RAISE);
	nla_put_u64(msg, TCPSM_A_ALARM_TS, 1);
	nla_put_u32(msg, TCPSM_A_ALARM_NETNS, 1);
	n = nla_nest_start(msg, TCPSM_A_ALARM_SOCKET);
	nla_put_u64(msg, TCPSM_A_SOCKET_INO, 1);
	nla_put_u64(msg, TCPSM_A_SOCKET_AGE, 1);
	nla_nest_end(msg, n);
	check(parse_alarm(msg, &a) == -EBADMSG, "alarm: a socket without uid is malformed", "");

	msg = new_msg(TCPSM_CMD_ALARM);
	nla_put_u32(msg, TCPSM_A_ALARM_KIND, 1);
	nla_put_u32(msg, TCPSM_A_ALARM_STATE, TCPSM_ALARM_STATE_RAISE);
	nla_put_u64(msg, TCPSM_A_ALARM_TS, 1);
	nla_put_u32(msg, TCPSM_A_ALARM_NETNS, 1);
	n = nla_nest_start(msg, TCPSM_A_ALARM_SOCKET);
	nla_put_u32(msg, TCPSM_A_SOCKET_UID, 1);
	nla_put_u64(msg, TCPSM_A_SOCKET_INO, 1);
	nla_put_u64(msg, TCPSM_A_SOCKET_AGE, 1);
	nla_put_u16(msg, TCPSM_A_SOCKET_FAMILY, AF_INET);
	nla_put(msg, TCPSM_A_SOCKET_DADDR, 16, "0123456789abcdef");
	nla_nest_end(msg, n);
	check(parse_alarm(msg, &a) == -EBADMSG,
	      "alarm: a 16-byte address of AF_INET is malformed", "");
}

static void test_alarm_render(void)
{
	struct tcpsm_alarm a;
	struct tcpsm_alarm_env env;
	char buf[128];

	parse_alarm(alarm_msg(TCPSM_CMD_ALARM, TCPSM_ALARM_STATE_RAISE), &a);
	check_str("alarm: text", alarm_text(&a),
		  "RAISE CLOSE_WAIT_LEAK netns 4026531840 port 8080 count 50 oldest 31.2s "
		  "growth +50 uid 0,1000 inodes 4567,4568,0\n");
	check_str("alarm: json", alarm_json(&a),
		  "{\"alarm\": \"CLOSE_WAIT_LEAK\", \"state\": \"raise\", \"replayed\": false, "
		  "\"ts\": 123456789, \"netns\": 4026531840, \"port\": 8080, \"count\": 50, "
		  "\"oldest_age_ms\": 31250, \"growth\": 50, \"sockets\": ["
		  "{\"uid\": 0, \"ino\": 4567, \"cookie\": 99, \"cgroup\": 1, \"age_ms\": 31250, "
		  "\"family\": \"inet\", \"saddr\": null, \"daddr\": \"127.0.0.1\", \"dport\": 40000}, "
		  "{\"uid\": 1000, \"ino\": 4568, \"cookie\": 100, \"cgroup\": 2, \"age_ms\": 30000, "
		  "\"family\": \"inet6\", \"saddr\": null, \"daddr\": \"2001:db8::2\", \"dport\": 40001}, "
		  "{\"uid\": 0, \"ino\": 0, \"cookie\": 101, \"cgroup\": 0, \"age_ms\": 29999, "
		  "\"family\": \"inet\", \"saddr\": null, \"daddr\": \"10.0.0.9\", \"dport\": 40002}], "
		  "\"score\": null, \"listener\": null}");
	tcpsm_alarm_short(&a, buf, sizeof(buf));
	check_str("alarm: top's note", buf,
		  "CLOSE_WAIT_LEAK port 8080 (50 sockets, oldest 31s)");

	a.replayed = true;
	check_str("alarm: text, replayed", alarm_text(&a),
		  "RAISE CLOSE_WAIT_LEAK netns 4026531840 port 8080 count 50 oldest 31.2s "
		  "growth +50 uid 0,1000 inodes 4567,4568,0 (replayed)\n");
	check(strstr(alarm_json(&a), "\"replayed\": true, ") != NULL,
	      "alarm: json, replayed", "");

	tcpsm_alarm_env(&a, &env);
	{
		static const char *const want[][2] = {
			{ "TCPSM_ALARM", "CLOSE_WAIT_LEAK" }, { "TCPSM_STATE", "raise" },
			{ "TCPSM_REPLAYED", "1" }, { "TCPSM_NETNS", "4026531840" },
			{ "TCPSM_PORT", "8080" }, { "TCPSM_COUNT", "50" },
			{ "TCPSM_OLDEST_AGE_MS", "31250" }, { "TCPSM_GROWTH", "50" },
			{ "TCPSM_TS", "123456789" }, { "TCPSM_UIDS", "0 1000" },
			{ "TCPSM_INODES", "4567 4568 0" }, { "TCPSM_SCORE", "" },
			{ "TCPSM_ADDR", "" }, { "TCPSM_NETNS_NAME", "" },
		};
		bool ok = true;

		for (int i = 0; i < TCPSM_ALARM_ENV_N; i++)
			if (strcmp(env.name[i], want[i][0]) || strcmp(env.value[i], want[i][1])) {
				ok = false;
				printf("# env %s=%s\n", env.name[i], env.value[i]);
			}
		check(ok, "alarm: --exec environment", "");
	}

	/* --all-netns: the namespace's name after its inode, or none */
	a.with_name = true;
	a.netns_name = "web 1";
	check_str("alarm: text, named", alarm_text(&a),
		  "RAISE CLOSE_WAIT_LEAK netns 4026531840 (web?1) port 8080 count 50 "
		  "oldest 31.2s growth +50 uid 0,1000 inodes 4567,4568,0 (replayed)\n");
	check(strstr(alarm_json(&a), "\"netns\": 4026531840, \"netns_name\": \"web 1\", "
		     "\"port\": 8080") != NULL, "alarm: json, named", alarm_json(&a));
	tcpsm_alarm_env(&a, &env);
	check_str("alarm: --exec TCPSM_NETNS_NAME", env.value[TCPSM_ALARM_ENV_N - 1], "web 1");
	a.netns_name = NULL;
	check(strstr(alarm_json(&a), "\"netns_name\": null, ") != NULL,
	      "alarm: json, unnamed", alarm_json(&a));
	check(strstr(alarm_text(&a), "netns 4026531840 (-) port") != NULL,
	      "alarm: text, unnamed", alarm_text(&a));
	a.with_name = false;

	/* a clear: shrinking, no sockets left */
	a.replayed = false;
	a.state = TCPSM_ALARM_STATE_CLEAR;
	a.count = 7;
	a.growth = -43;
	a.oldest_age_ms = 999;
	a.nsock = 0;
	check_str("alarm: text, clear", alarm_text(&a),
		  "CLEAR CLOSE_WAIT_LEAK netns 4026531840 port 8080 count 7 oldest 0.9s growth -43\n");
	check(strstr(alarm_json(&a), "\"state\": \"clear\"") &&
	      strstr(alarm_json(&a), "\"growth\": -43, \"sockets\": [], \"score\": null, "
		     "\"listener\": null}"),
	      "alarm: json, clear", "[%s]", alarm_json(&a));
	tcpsm_alarm_env(&a, &env);
	check(strcmp(env.value[1], "clear") == 0 && strcmp(env.value[7], "-43") == 0 &&
	      env.value[9][0] == '\0' && env.value[10][0] == '\0',
	      "alarm: --exec environment, clear", "");
	a.count = 1;
	tcpsm_alarm_short(&a, buf, sizeof(buf));
	check_str("alarm: top's note, one socket", buf,
		  "CLOSE_WAIT_LEAK port 8080 (1 socket, oldest 0s)");

	/* a kind from a newer module, nothing optional sent */
	memset(&a, 0, sizeof(a));
	a.kind = 99;
	a.state = TCPSM_ALARM_STATE_RAISE;
	a.ts = 5;
	a.netns = 7;
	check_str("alarm: text, unknown kind, bare", alarm_text(&a),
		  "RAISE ALARM_99 netns 7\n");
	check_str("alarm: json, unknown kind, bare", alarm_json(&a),
		  "{\"alarm\": \"ALARM_99\", \"state\": \"raise\", \"replayed\": false, "
		  "\"ts\": 5, \"netns\": 7, \"port\": null, \"count\": null, "
		  "\"oldest_age_ms\": null, \"growth\": null, \"sockets\": [], "
		  "\"score\": null, \"listener\": null}");
	tcpsm_alarm_short(&a, buf, sizeof(buf));
	check_str("alarm: top's note, bare", buf, "ALARM_99");
	tcpsm_alarm_env(&a, &env);
	check(strcmp(env.value[0], "ALARM_99") == 0 && env.value[4][0] == '\0' &&
	      env.value[5][0] == '\0' && env.value[7][0] == '\0',
	      "alarm: --exec environment, bare", "");

	/* uids distinct and ascending, inodes in the sockets' order */
	a.nsock = 3;
	a.sock[0].uid = 1000;
	a.sock[0].ino = 9;
	a.sock[1].uid = 5;
	a.sock[1].ino = 0;
	a.sock[2].uid = 1000;
	a.sock[2].ino = 7;
	check_str("alarm: text, uids sorted, inodes oldest first", alarm_text(&a),
		  "RAISE ALARM_99 netns 7 uid 5,1000 inodes 9,0,7\n");
	tcpsm_alarm_env(&a, &env);
	check(strcmp(env.value[9], "5 1000") == 0 && strcmp(env.value[10], "9 0 7") == 0,
	      "alarm: --exec environment, uids sorted", "[%s] [%s]", env.value[9],
	      env.value[10]);

	/* a socket with only what is required: nulls */
	memset(&a, 0, sizeof(a));
	a.kind = 1;
	a.state = TCPSM_ALARM_STATE_RAISE;
	a.nsock = 1;
	a.sock[0].uid = 5;
	a.sock[0].ino = 6;
	a.sock[0].family = 99;
	check(strstr(alarm_json(&a),
		     "[{\"uid\": 5, \"ino\": 6, \"cookie\": null, \"cgroup\": null, "
		     "\"age_ms\": 0, \"family\": 99, \"saddr\": null, \"daddr\": null, \"dport\": null}]") != NULL,
	      "alarm: json, socket with nulls", "[%s]", alarm_json(&a));

	tcpsm_fmt_age(0, buf, sizeof(buf));
	check_str("age: 0", buf, "0.0s");
	tcpsm_fmt_age(86400999, buf, sizeof(buf));
	check_str("age: truncated, not rounded", buf, "86400.9s");
}

static struct tcpsm_alarm key(uint32_t state, uint16_t port, uint64_t ts,
			      bool replayed)
{
	struct tcpsm_alarm a;

	memset(&a, 0, sizeof(a));
	a.kind = 1;
	a.state = state;
	a.netns = NS;
	a.has_port = true;
	a.port = port;
	a.ts = ts;
	a.replayed = replayed;
	return a;
}

static void test_alarm_seen(void)
{
	struct tcpsm_alarm_seen s = { NULL, 0, 0 };
	struct tcpsm_alarm a;
	bool dup[8];

	a = key(TCPSM_ALARM_STATE_RAISE, 80, 10, true);
	dup[0] = tcpsm_alarm_seen_note(&s, &a);		/* dumped */
	a = key(TCPSM_ALARM_STATE_RAISE, 81, 11, true);
	dup[1] = tcpsm_alarm_seen_note(&s, &a);
	a = key(TCPSM_ALARM_STATE_RAISE, 80, 10, false);
	dup[2] = tcpsm_alarm_seen_note(&s, &a);		/* and notified */
	a = key(TCPSM_ALARM_STATE_CLEAR, 80, 20, false);
	dup[3] = tcpsm_alarm_seen_note(&s, &a);
	a = key(TCPSM_ALARM_STATE_RAISE, 80, 30, false);
	dup[4] = tcpsm_alarm_seen_note(&s, &a);		/* raised anew */
	a = key(TCPSM_ALARM_STATE_RAISE, 80, 30, true);
	dup[5] = tcpsm_alarm_seen_note(&s, &a);		/* a later dump */
	a = key(TCPSM_ALARM_STATE_RAISE, 81, 11, false);
	a.netns = NS + 1;
	dup[6] = tcpsm_alarm_seen_note(&s, &a);		/* another netns */
	check(!dup[0] && !dup[1] && dup[2] && !dup[3] && !dup[4] && dup[5] && !dup[6],
	      "alarm: seen twice is dropped once", "%d%d%d%d%d%d%d", dup[0], dup[1],
	      dup[2], dup[3], dup[4], dup[5], dup[6]);
	check(s.n == 3, "alarm: a clear forgets", "n=%zu", s.n);
	tcpsm_alarm_seen_free(&s);
}

/* A file's contents (at most size - 1 bytes). */
static const char *slurp_file(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, size - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

static void test_alerts_stream(void)
{
	char envf[] = "/tmp/tcpsm-test-env-XXXXXX";
	char errf[] = "/tmp/tcpsm-test-err-XXXXXX";
	char cmd[512], got[2048];
	struct tcpsm_alerts as;
	struct tcpsm_alarm a;
	struct capture cap;
	struct nl_msg *msg;
	int efd, errfd, saved;

	efd = mkstemp(envf);
	errfd = mkstemp(errf);
	if (efd < 0 || errfd < 0) {
		printf("skip alerts: no temporary file: %s\n", strerror(errno));
		return;
	}
	close(efd);
	snprintf(cmd, sizeof(cmd),
		 "printf '%%s %%s %%s %%s %%s %%s %%s %%s %%s [%%s] [%%s]\\n' "
		 "\"$TCPSM_ALARM\" \"$TCPSM_STATE\" \"$TCPSM_REPLAYED\" \"$TCPSM_NETNS\" "
		 "\"$TCPSM_PORT\" \"$TCPSM_COUNT\" \"$TCPSM_OLDEST_AGE_MS\" "
		 "\"$TCPSM_GROWTH\" \"$TCPSM_TS\" \"$TCPSM_UIDS\" \"$TCPSM_INODES\" >> %s",
		 envf);

	tcpsm_alerts_init(&as, cap_begin(&cap));
	as.exec = cmd;
	/* the dump: one active alarm */
	parse_alarm(alarm_msg(TCPSM_CMD_GET_ALARMS, TCPSM_ALARM_STATE_RAISE), &a);
	a.replayed = true;
	tcpsm_alerts_emit(&as, &a);
	/* the same, notified: raised between subscribing and the dump */
	msg = alarm_msg(TCPSM_CMD_ALARM, TCPSM_ALARM_STATE_RAISE);
	tcpsm_alerts_handle(&as, nlmsg_hdr(msg));
	nlmsg_free(msg);
	/* then its clear */
	msg = alarm_msg(TCPSM_CMD_ALARM, TCPSM_ALARM_STATE_CLEAR);
	tcpsm_alerts_handle(&as, nlmsg_hdr(msg));
	nlmsg_free(msg);
	/* not an alarm: ignored; malformed: counted */
	msg = new_msg(TCPSM_CMD_GET_STATS);
	tcpsm_alerts_handle(&as, nlmsg_hdr(msg));
	nlmsg_free(msg);
	msg = alarm_msg(TCPSM_CMD_ALARM, 9);
	tcpsm_alerts_handle(&as, nlmsg_hdr(msg));
	nlmsg_free(msg);

	check(as.printed == 2 && as.malformed == 1, "alerts: dump, duplicate, clear",
	      "printed=%llu malformed=%llu", (unsigned long long)as.printed,
	      (unsigned long long)as.malformed);
	check_str("alerts: text lines", cap_end(&cap),
		  "RAISE CLOSE_WAIT_LEAK netns 4026531840 port 8080 count 50 oldest 31.2s "
		  "growth +50 uid 0,1000 inodes 4567,4568,0 (replayed)\n"
		  "CLEAR CLOSE_WAIT_LEAK netns 4026531840 port 8080 count 50 oldest 31.2s "
		  "growth +50 uid 0,1000 inodes 4567,4568,0\n");
	check_str("alerts: --exec, once per alarm printed, its environment",
		  slurp_file(envf, got, sizeof(got)),
		  "CLOSE_WAIT_LEAK raise 1 4026531840 8080 50 31250 50 123456789 [0 1000] [4567 4568 0]\n"
		  "CLOSE_WAIT_LEAK clear 0 4026531840 8080 50 31250 50 123456789 [0 1000] [4567 4568 0]\n");
	tcpsm_alerts_free(&as);

	/* JSON lines; a failing command is a warning, and the stream goes on */
	tcpsm_alerts_init(&as, cap_begin(&cap));
	as.json = true;
	as.exec = "exit 3";
	fflush(stderr);
	saved = dup(2);
	dup2(errfd, 2);
	msg = alarm_msg(TCPSM_CMD_ALARM, TCPSM_ALARM_STATE_RAISE);
	tcpsm_alerts_handle(&as, nlmsg_hdr(msg));
	tcpsm_alerts_handle(&as, nlmsg_hdr(msg));	/* the same twice: once */
	nlmsg_free(msg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	cap_end(&cap);
	check(as.printed == 1 && strncmp(cap.buf, "{\"alarm\": \"CLOSE_WAIT_LEAK\", "
					 "\"state\": \"raise\", \"replayed\": false, ", 60) == 0 &&
	      strchr(cap.buf, '\n') == cap.buf + strlen(cap.buf) - 1,
	      "alerts: one JSON line", "[%s]", cap.buf);
	check_str("alerts: --exec failure is one warning",
		  slurp_file(errf, got, sizeof(got)),
		  "tcpsm: warning: --exec command exited with status 3\n");
	tcpsm_alerts_free(&as);
	close(errfd);
	unlink(envf);
	unlink(errf);
}

/* ---- owners --------------------------------------------------------------- */

static void test_owner_links(void)
{
	uint64_t ino = 0;

	check(tcpsm_owners_socket_link("socket:[4026532000]", &ino) && ino == 4026532000u,
	      "owners: socket link", "");
	check(tcpsm_owners_socket_link("socket:[18446744073709551615]", &ino) &&
	      ino == 18446744073709551615ULL, "owners: largest inode", "");
	check(!tcpsm_owners_socket_link("socket:[18446744073709551616]", &ino) &&
	      !tcpsm_owners_socket_link("socket:[]", &ino) &&
	      !tcpsm_owners_socket_link("socket:[12a]", &ino) &&
	      !tcpsm_owners_socket_link("socket:[12]x", &ino) &&
	      !tcpsm_owners_socket_link("socket:[-1]", &ino) &&
	      !tcpsm_owners_socket_link("pipe:[12]", &ino) &&
	      !tcpsm_owners_socket_link("/dev/null", &ino) &&
	      !tcpsm_owners_socket_link("", &ino),
	      "owners: not socket links", "");
}

/* Our own /proc/self/comm. */
static void own_comm(char *buf, size_t size)
{
	FILE *f = fopen("/proc/self/comm", "r");

	buf[0] = '\0';
	if (f) {
		if (fgets(buf, (int)size, f))
			buf[strcspn(buf, "\n")] = '\0';
		fclose(f);
	}
}

static void test_owners_self(void)
{
	struct tcpsm_owners o;
	const struct tcpsm_owner *w;
	char comm[64];
	struct stat st;
	uint64_t inos[5];
	int fd, r;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || fstat(fd, &st) < 0) {
		printf("skip owners: cannot open a socket: %s\n", strerror(errno));
		return;
	}
	inos[0] = UINT64_MAX - 1;	/* no file has it */
	inos[1] = st.st_ino;
	inos[2] = 0;			/* dropped */
	inos[3] = st.st_ino;		/* repeated */
	inos[4] = UINT64_MAX - 1;
	r = tcpsm_owners_init(&o, inos, 5);
	check(r == 0 && o.n == 2 && o.left == 2, "owners: repeats and 0 dropped",
	      "r=%d n=%zu", r, o.n);
	r = tcpsm_owners_scan(&o, "/proc");
	w = tcpsm_owners_find(&o, st.st_ino);
	own_comm(comm, sizeof(comm));
	check(r == 0 && w && w->pid == getpid() && strcmp(w->comm, comm) == 0,
	      "owners: our own socket, our pid and comm", "r=%d pid=%d comm=[%s] want %d [%s]",
	      r, w ? (int)w->pid : -1, w ? w->comm : "", (int)getpid(), comm);
	check(!tcpsm_owners_find(&o, UINT64_MAX - 1) && !tcpsm_owners_find(&o, 0) &&
	      !tcpsm_owners_find(&o, 12345) && o.left == 1,
	      "owners: not found, not asked for", "left=%zu", o.left);
	tcpsm_owners_free(&o);
	close(fd);

	r = tcpsm_owners_init(&o, inos, 1);
	check(r == 0 && tcpsm_owners_scan(&o, "/nonexistent/proc") == -ENOENT,
	      "owners: no /proc", "");
	tcpsm_owners_free(&o);
	r = tcpsm_owners_init(&o, NULL, 0);
	check(r == 0 && tcpsm_owners_scan(&o, "/proc") == 0 && !tcpsm_owners_find(&o, 1),
	      "owners: nothing to look for", "");
	tcpsm_owners_free(&o);
}

/* A fake /proc: pid 123 (python3) holds sockets 42 and 43; 77 has gone. */
static int fake_proc(char *dir)
{
	char p[256];
	FILE *f;

	strcpy(dir, "/tmp/tcpsm-test-proc-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(p, sizeof(p), "%s/123", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/123/fd", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/123/comm", dir);
	f = fopen(p, "w");
	if (!f)
		return -1;
	fputs("py\tthon3\n", f);	/* any bytes: a tab */
	fclose(f);
	snprintf(p, sizeof(p), "%s/123/fd/3", dir);
	if (symlink("socket:[42]", p) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/123/fd/4", dir);
	if (symlink("/dev/null", p) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/123/fd/5", dir);
	if (symlink("socket:[43]", p) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/77", dir);	/* gone: no fd, no comm */
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/sys", dir);	/* not a process */
	mkdir(p, 0755);
	return 0;
}

static void rm_fake_proc(const char *dir)
{
	static const char *const paths[] = {
		"123/fd/3", "123/fd/4", "123/fd/5", "123/fd", "123/comm", "123",
		"77", "sys", "",
	};
	char p[256];

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, paths[i]);
		if (unlink(p) < 0)
			rmdir(p);
	}
}

static void test_owners_fake(void)
{
	const uint64_t inos[] = { 42, 44, 43 };
	struct tcpsm_owners o;
	const struct tcpsm_owner *w;
	char dir[64];

	if (fake_proc(dir) < 0) {
		printf("skip owners: cannot make a fake /proc: %s\n", strerror(errno));
		return;
	}
	tcpsm_owners_init(&o, inos, 3);
	check(tcpsm_owners_scan(&o, dir) == 0, "owners: fake /proc scanned", "");
	w = tcpsm_owners_find(&o, 42);
	check(w && w->pid == 123 && strcmp(w->comm, "py\tthon3") == 0 &&
	      tcpsm_owners_find(&o, 43) && !tcpsm_owners_find(&o, 44) && o.left == 1,
	      "owners: fake /proc, gone processes passed over", "");
	tcpsm_owners_free(&o);
	rm_fake_proc(dir);
}

/* ---- closewait ------------------------------------------------------------ */

static struct nl_msg *cw_msg(uint16_t port, uint32_t count, bool alarm,
			     size_t nsock)
{
	struct nl_msg *msg = new_msg(TCPSM_CMD_GET_CLOSEWAIT);

	nla_put_u32(msg, TCPSM_A_CLOSEWAIT_NETNS, NS);
	nla_put_u16(msg, TCPSM_A_CLOSEWAIT_PORT, port);
	nla_put_u32(msg, TCPSM_A_CLOSEWAIT_COUNT, count);
	if (nsock)
		nla_put_u64(msg, TCPSM_A_CLOSEWAIT_OLDEST_AGE, 31250);
	nla_put_s32(msg, TCPSM_A_CLOSEWAIT_GROWTH, alarm ? 50 : -2);
	nla_put_u32(msg, TCPSM_A_CLOSEWAIT_ENTRIES, alarm ? 50 : 0);
	nla_put_u32(msg, TCPSM_A_CLOSEWAIT_EXITS, alarm ? 0 : 2);
	nla_put_u32(msg, TCPSM_A_CLOSEWAIT_UNTRACKED, nsock ? 0 : count);
	if (alarm)
		nla_put_flag(msg, TCPSM_A_CLOSEWAIT_ALARM);
	for (size_t i = 0; i < nsock; i++) {
		struct sock_spec s = socks[i % 3];

		s.ino = i == 1 ? 43 : i == 2 ? 4567 : 42;	/* 42, 43: python3 */
		put_sock(msg, TCPSM_A_CLOSEWAIT_SOCKET, &s);
	}
	return msg;
}

static int add_port(struct tcpsm_cw_set *set, struct nl_msg *msg)
{
	int r;

	set->v = realloc(set->v, (set->n + 1) * sizeof(*set->v));
	r = tcpsm_cw_parse(nlmsg_hdr(msg), &set->v[set->n]);
	nlmsg_free(msg);
	if (r == 0)
		set->n++;
	return r;
}

static void test_closewait(void)
{
	struct tcpsm_cw_set set = { NULL, 0, 0 };
	struct tcpsm_owners o;
	struct nl_msg *msg;
	struct capture cap;
	struct json j;
	uint64_t inos[] = { 42, 43, 4567 };
	char dir[64];
	int r;

	r = add_port(&set, cw_msg(9000, 3, false, 0));
	r |= add_port(&set, cw_msg(8080, 50, true, 3));
	r |= add_port(&set, cw_msg(80, 3, false, 1));
	check(r == 0 && set.n == 3, "closewait: replies parsed", "r=%d", r);
	check(set.v[1].port == 8080 && set.v[1].count == 50 && set.v[1].alarm &&
	      set.v[1].has_oldest_age && set.v[1].growth == 50 &&
	      set.v[1].entries == 50 && set.v[1].nsock == 3 &&
	      !set.v[0].alarm && set.v[0].growth == -2 && set.v[0].untracked == 3 &&
	      !set.v[0].has_oldest_age && set.v[0].has_netns && set.v[0].netns == NS,
	      "closewait: fields", "");
	tcpsm_cw_sort(&set);
	check(set.v[0].port == 8080 && set.v[1].port == 80 && set.v[2].port == 9000,
	      "closewait: most sockets first, then by port", "");

	tcpsm_cw_print_text(cap_begin(&cap), &set, NULL);
	check_str("closewait: table, no owners found", cap_end(&cap),
		  "PORT   COUNT  OLDEST  GROWTH  IN/OUT  ALARM  OWNERS\n"
		  "8080      50   31.2s     +50    50/0  LEAK   ?(uid 0, inode 42), ?(uid 1000, inode 43), ?(uid 0, inode 4567)\n"
		  "80         3   31.2s      -2     0/2  -      ?(uid 0, inode 42)\n"
		  "9000       3       -      -2     0/2  -      -\n");

	if (fake_proc(dir) < 0) {
		printf("skip closewait: cannot make a fake /proc: %s\n", strerror(errno));
		tcpsm_cw_set_free(&set);
		return;
	}
	tcpsm_owners_init(&o, inos, 3);
	tcpsm_owners_scan(&o, dir);
	rm_fake_proc(dir);

	tcpsm_cw_print_text(cap_begin(&cap), &set, &o);
	check_str("closewait: table", cap_end(&cap),
		  "PORT   COUNT  OLDEST  GROWTH  IN/OUT  ALARM  OWNERS\n"
		  "8080      50   31.2s     +50    50/0  LEAK   py?thon3(pid 123), ?(uid 0, inode 4567)\n"
		  "80         3   31.2s      -2     0/2  -      py?thon3(pid 123)\n"
		  "9000       3       -      -2     0/2  -      -\n");

	json_init(&j, cap_begin(&cap));
	tcpsm_cw_print_json(&j, NS, &set, &o);
	check_str("closewait: json", cap_end(&cap),
		  "{\"netns\": 4026531840, \"ports\": ["
		  "{\"port\": 8080, \"count\": 50, \"oldest_age_ms\": 31250, \"growth\": 50, "
		  "\"entries\": 50, \"exits\": 0, \"untracked\": 0, \"alarm\": true, "
		  "\"owners\": [{\"pid\": 123, \"comm\": \"py\\tthon3\"}], \"unresolved\": 1, "
		  "\"sockets\": ["
		  "{\"uid\": 0, \"ino\": 42, \"cookie\": 99, \"cgroup\": 1, \"age_ms\": 31250, "
		  "\"family\": \"inet\", \"saddr\": null, \"daddr\": \"127.0.0.1\", \"dport\": 40000, "
		  "\"pid\": 123, \"comm\": \"py\\tthon3\"}, "
		  "{\"uid\": 1000, \"ino\": 43, \"cookie\": 100, \"cgroup\": 2, \"age_ms\": 30000, "
		  "\"family\": \"inet6\", \"saddr\": null, \"daddr\": \"2001:db8::2\", \"dport\": 40001, "
		  "\"pid\": 123, \"comm\": \"py\\tthon3\"}, "
		  "{\"uid\": 0, \"ino\": 4567, \"cookie\": 101, \"cgroup\": 0, \"age_ms\": 29999, "
		  "\"family\": \"inet\", \"saddr\": null, \"daddr\": \"10.0.0.9\", \"dport\": 40002, "
		  "\"pid\": null, \"comm\": null}]}, "
		  "{\"port\": 80, \"count\": 3, \"oldest_age_ms\": 31250, \"growth\": -2, "
		  "\"entries\": 0, \"exits\": 2, \"untracked\": 0, \"alarm\": false, "
		  "\"owners\": [{\"pid\": 123, \"comm\": \"py\\tthon3\"}], \"unresolved\": 0, "
		  "\"sockets\": [{\"uid\": 0, \"ino\": 42, \"cookie\": 99, \"cgroup\": 1, "
		  "\"age_ms\": 31250, \"family\": \"inet\", \"saddr\": null, \"daddr\": \"127.0.0.1\", "
		  "\"dport\": 40000, \"pid\": 123, \"comm\": \"py\\tthon3\"}]}, "
		  "{\"port\": 9000, \"count\": 3, \"oldest_age_ms\": null, \"growth\": -2, "
		  "\"entries\": 0, \"exits\": 2, \"untracked\": 3, \"alarm\": false, "
		  "\"owners\": [], \"unresolved\": 0, \"sockets\": []}]}");
	tcpsm_owners_free(&o);
	tcpsm_cw_set_free(&set);

	/* nothing in CLOSE_WAIT */
	tcpsm_cw_print_text(cap_begin(&cap), &set, NULL);
	check_str("closewait: none, text", cap_end(&cap), "no sockets in CLOSE_WAIT\n");
	json_init(&j, cap_begin(&cap));
	tcpsm_cw_print_json(&j, -1, &set, NULL);
	check_str("closewait: none, json", cap_end(&cap), "{\"netns\": null, \"ports\": []}");

	/* wide numbers widen their columns */
	add_port(&set, cw_msg(65535, 1000000, true, 0));
	set.v[0].entries = 1000000;
	set.v[0].exits = 4294967295u;
	set.v[0].growth = -1000000;
	tcpsm_cw_print_text(cap_begin(&cap), &set, NULL);
	check_str("closewait: table, wide", cap_end(&cap),
		  "PORT     COUNT  OLDEST    GROWTH              IN/OUT  ALARM  OWNERS\n"
		  "65535  1000000       -  -1000000  1000000/4294967295  LEAK   -\n");
	tcpsm_cw_set_free(&set);

	/* malformed */
	msg = new_msg(TCPSM_CMD_GET_CLOSEWAIT);
	nla_put_u16(msg, TCPSM_A_CLOSEWAIT_PORT, 80);
	check(add_port(&set, msg) == -EBADMSG, "closewait: no count is malformed", "");
	msg = new_msg(TCPSM_CMD_GET_CLOSEWAIT);
	nla_put_u16(msg, TCPSM_A_CLOSEWAIT_PORT, 80);
	nla_put_u64(msg, TCPSM_A_CLOSEWAIT_COUNT, 1);
	check(add_port(&set, msg) == -EBADMSG, "closewait: a u64 count is malformed", "");
	tcpsm_cw_set_free(&set);
}

void unit_cw_tests(void)
{
	test_config_args();
	test_config_reply();
	test_alarm_parse();
	test_alarm_render();
	test_alarm_seen();
	test_alerts_stream();
	test_owner_links();
	test_owners_self();
	test_owners_fake();
	test_closewait();
}
