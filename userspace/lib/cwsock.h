/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpsm: one tracked CLOSE_WAIT socket, the "socket" nest that GET_CLOSEWAIT
 * replies and alarms carry (up to 8 each, oldest first).
 */
#ifndef TCPSM_CWSOCK_H
#define TCPSM_CWSOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netlink/attr.h>

#include "json.h"

/* The most sockets kept per port or alarm; more (a newer module) are skipped. */
#define TCPSM_CWSOCK_MAX	8

struct tcpsm_cwsock {
	uint32_t uid;			/* owning user */
	uint64_t ino;			/* socket inode; 0: no file any more */
	uint64_t age_ms;		/* in CLOSE_WAIT for this long */
	bool has_cookie;
	uint64_t cookie;
	bool has_cgroup;
	uint64_t cgroup;		/* cgroup v2 id */
	uint16_t family;		/* AF_INET, AF_INET6; 0: not sent */
	bool has_saddr;
	uint8_t saddr[16];		/* local, network order */
	bool has_daddr;
	uint8_t daddr[16];		/* remote, network order */
	bool has_dport;
	uint16_t dport;			/* remote port */
};

/*
 * Parse one socket nest into s (cleared first). uid, ino and age are
 * required; the rest may be missing. Unknown attributes are ignored.
 * Returns 0, or -EBADMSG: a required attribute missing, a wrong size, an
 * address without a family or of the wrong length for it.
 */
int tcpsm_cwsock_parse(struct nlattr *nest, struct tcpsm_cwsock *s);

/* "inet", "inet6", or NULL when the family is unknown or was not sent. */
const char *tcpsm_cwsock_family(const struct tcpsm_cwsock *s);

/* The remote address as text ("127.0.0.1", "::1"), or "" when unknown. */
void tcpsm_cwsock_daddr(const struct tcpsm_cwsock *s, char *buf, size_t size);

/*
 * The members of a socket's JSON object (the caller opens and closes it):
 * "uid", "ino", "cookie", "cgroup", "age_ms", "family", "saddr", "daddr",
 * "dport", null where the kernel sent nothing.
 */
void tcpsm_cwsock_json(struct json *j, const struct tcpsm_cwsock *s);

/* "3.5s": milliseconds as seconds with one decimal, truncated. */
void tcpsm_fmt_age(uint64_t ms, char *buf, size_t size);

#endif /* TCPSM_CWSOCK_H */
