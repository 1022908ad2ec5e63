/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpsm: alarms. One alarm per message, alike in the GET_ALARMS dump (the
 * active ones) and in ALARM notifications of group "alerts" (each raise
 * and clear): parsed, written as a line of text or JSON, as the
 * environment of an --exec command, as a short note for top.
 */
#ifndef TCPSM_ALARM_H
#define TCPSM_ALARM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/netlink.h>

#include "cwsock.h"
#include "json.h"
#include "listener.h"

struct tcpsm_alarm {
	uint32_t kind;			/* enum tcpsm_alarm_kind, maybe newer */
	uint32_t state;			/* TCPSM_ALARM_STATE_RAISE or _CLEAR */
	uint64_t ts;			/* CLOCK_MONOTONIC, ns */
	uint32_t netns;
	bool has_port;
	uint16_t port;			/* local port */
	bool has_count;
	uint32_t count;
	bool has_oldest_age;
	uint64_t oldest_age_ms;
	bool has_growth;
	int32_t growth;
	size_t nsock;
	struct tcpsm_cwsock sock[TCPSM_CWSOCK_MAX];	/* oldest first */
	bool has_score;			/* SYN_FLOOD, ACCEPT_QUEUE_OVERFLOW */
	uint32_t score;			/* the listener's, 0..100 */
	bool has_listener;
	struct tcpsm_listener listener;	/* and the signals behind the score */
	bool replayed;			/* from the dump, not a notification */
	/* Set by the reader, not the parser: with_name once it looked the
	 * namespace's name up (--all-netns); netns_name NULL: none. */
	bool with_name;
	const char *netns_name;
};

/*
 * Parse one alarm message (a whole generic netlink message, any command)
 * into a (cleared first). kind, state (raise or clear), ts and netns are
 * required; sockets past TCPSM_CWSOCK_MAX and unknown attributes are
 * ignored. Returns 0, or -EBADMSG if malformed (a listener nest too:
 * listener.h).
 */
int tcpsm_alarm_parse(struct nlmsghdr *nlh, struct tcpsm_alarm *a);

/*
 * "CLOSE_WAIT_LEAK", "SYN_FLOOD", "ACCEPT_QUEUE_OVERFLOW", or "ALARM_<n>"
 * for a kind a newer module added.
 */
const char *tcpsm_alarm_kind_name(uint32_t kind, char *buf, size_t size);

/* Raised (else cleared). */
bool tcpsm_alarm_is_raise(const struct tcpsm_alarm *a);

/* The distinct uids of the sockets, ascending, joined by sep ("" if none). */
void tcpsm_alarm_uids(const struct tcpsm_alarm *a, char sep, char *buf,
		      size_t size);

/* The inodes of the sockets, oldest first, joined by sep ("" if none). */
void tcpsm_alarm_inodes(const struct tcpsm_alarm *a, char sep, char *buf,
			size_t size);

/*
 * For top's alarm line: "CLOSE_WAIT_LEAK port 8080 (50 sockets, oldest 31s)",
 * "SYN_FLOOD 0.0.0.0:8080 score 87".
 */
void tcpsm_alarm_short(const struct tcpsm_alarm *a, char *buf, size_t size);

/*
 * The environment of an --exec command: TCPSM_ALARM ... TCPSM_INODES,
 * TCPSM_SCORE, TCPSM_ADDR.
 */
#define TCPSM_ALARM_ENV_N	14
#define TCPSM_ALARM_ENV_LEN	200

struct tcpsm_alarm_env {
	const char *name[TCPSM_ALARM_ENV_N];
	char value[TCPSM_ALARM_ENV_N][TCPSM_ALARM_ENV_LEN];
};

/*
 * Every variable, always; "" for what the kernel did not send. TCPSM_UIDS
 * and TCPSM_INODES are blank-separated, as in the text line. With a
 * listener, TCPSM_PORT is its port and TCPSM_ADDR its address.
 */
void tcpsm_alarm_env(const struct tcpsm_alarm *a, struct tcpsm_alarm_env *env);

/*
 * The alarms printed and not cleared since, to drop one seen twice: in
 * the dump and as a notification, when it was raised between our
 * subscribing and the dump.
 */
struct tcpsm_alarm_key {
	uint32_t kind, netns;
	uint16_t port;
	uint16_t family;		/* a listener's, or 0 */
	uint8_t addr[16];		/* a listener's address */
	uint64_t ts;
};

struct tcpsm_alarm_seen {
	struct tcpsm_alarm_key *v;
	size_t n, cap;
};

/*
 * Note alarm a. Returns true when it is a raise already printed (same
 * kind, netns, port, listener address and ts): skip it. A raise is
 * remembered (replacing an older one of the same place); a clear
 * forgets them.
 */
bool tcpsm_alarm_seen_note(struct tcpsm_alarm_seen *s, const struct tcpsm_alarm *a);
void tcpsm_alarm_seen_free(struct tcpsm_alarm_seen *s);

/* The replies of one GET_ALARMS dump, in the kernel's order. */
struct tcpsm_alarm_set {
	struct tcpsm_alarm *v;
	size_t n, cap;
	size_t malformed;		/* messages skipped */
};

struct tcpsm_nl;

/*
 * Dump the active alarms of the caller's namespace (all: of every
 * namespace) into set (cleared
 * first; free it with tcpsm_alarm_set_free even on failure), each marked
 * replayed. Malformed replies are counted and skipped. Returns what
 * tcpsm_nl_request() returns.
 */
int tcpsm_alarms_request(struct tcpsm_nl *nl, bool all,
			 struct tcpsm_alarm_set *set);
void tcpsm_alarm_set_free(struct tcpsm_alarm_set *set);

#endif /* TCPSM_ALARM_H */
