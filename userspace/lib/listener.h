/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpsm: one TCP listener and its SYN-flood signals, the "listener" nest
 * that GET_LISTENERS replies (one per message) and SYN_FLOOD and
 * ACCEPT_QUEUE_OVERFLOW alarms carry: parsed, its address as text, its
 * JSON object; and the GET_LISTENERS dump.
 */
#ifndef TCPSM_LISTENER_H
#define TCPSM_LISTENER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/netlink.h>
#include <netlink/attr.h>

#include "json.h"

struct tcpsm_listener {
	bool has_netns;
	uint32_t netns;
	uint16_t family;		/* AF_INET or AF_INET6 */
	uint8_t saddr[16];		/* local, network order; any: zeros */
	uint16_t port;			/* local port */
	uint32_t syn_queue, syn_queue_max;
	uint32_t accept_queue, accept_queue_max;
	bool cookies;			/* sent SYN cookies in the last 2 s */
	uint32_t synack_retrans;	/* per second */
	uint32_t drops;			/* per second */
	uint32_t overflow;		/* SYNs per second that found it full */
	uint32_t completion;		/* percent of cookies that came back */
	uint32_t score;			/* SYN flood, 0..100 */
	uint32_t accept_score;		/* accept queue, 0..100 */
	bool syn_flood;			/* SYN_FLOOD active */
	bool accept_queue_overflow;	/* ACCEPT_QUEUE_OVERFLOW active */
};

/*
 * Parse one listener nest into l (cleared first). family, saddr (of the
 * family's length) and port are required; a number not sent is 0, a flag
 * not sent is false. Unknown attributes are ignored. Returns 0, or
 * -EBADMSG.
 */
int tcpsm_listener_parse(struct nlattr *nest, struct tcpsm_listener *l);

/* The local address: "0.0.0.0", "::1" ("" if it cannot be written). */
void tcpsm_listener_addr(const struct tcpsm_listener *l, char *buf, size_t size);

/* Address and port: "0.0.0.0:8080", "[::]:8080". */
void tcpsm_listener_endpoint(const struct tcpsm_listener *l, char *buf,
			     size_t size);

/*
 * Its JSON object (no newline): "family", "saddr", "port", "syn_queue",
 * "syn_queue_max", "accept_queue", "accept_queue_max", "cookies",
 * "synack_retrans", "drops", "overflow", "completion", "score",
 * "accept_score", "alarms" (the active ones by name).
 */
void tcpsm_listener_json(struct json *j, const struct tcpsm_listener *l);

/* The replies of one GET_LISTENERS dump. */
struct tcpsm_listener_set {
	struct tcpsm_listener *v;
	size_t n, cap;
};

struct tcpsm_nl;

/*
 * Dump the listeners of the caller's namespace (all: of every
 * namespace) into set (cleared first;
 * free it with tcpsm_listener_set_free even on failure). A dump a sample
 * cut in two is read again, a few times. Returns what tcpsm_nl_request()
 * returns; a malformed reply is -EBADMSG in nl->reply_err.
 */
int tcpsm_listeners_request(struct tcpsm_nl *nl, bool all,
			    struct tcpsm_listener_set *set);
void tcpsm_listener_set_free(struct tcpsm_listener_set *set);

/* By port, then family, then address. */
void tcpsm_listener_sort(struct tcpsm_listener_set *set);

/* The highest SYN-flood score of the set; 0 when empty. */
uint32_t tcpsm_listener_max_score(const struct tcpsm_listener_set *set);

#endif /* TCPSM_LISTENER_H */
