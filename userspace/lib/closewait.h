/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpsm: the GET_CLOSEWAIT dump (one message per local port with sockets
 * in CLOSE_WAIT) decoded, and the oldest sockets' owners found in /proc
 * (owners.h).
 */
#ifndef TCPSM_CLOSEWAIT_H
#define TCPSM_CLOSEWAIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/netlink.h>

#include "cwsock.h"
#include "json.h"
#include "owners.h"

struct tcpsm_cw_port {
	bool has_netns;
	uint32_t netns;
	uint16_t port;			/* local port */
	uint32_t count;			/* in CLOSE_WAIT now */
	bool has_oldest_age;		/* no: none of them tracked */
	uint64_t oldest_age_ms;
	int32_t growth;			/* over the window */
	uint32_t entries, exits;	/* over the window */
	uint32_t untracked;		/* of count: age and owner unknown */
	bool alarm;			/* CLOSE_WAIT_LEAK active */
	size_t nsock;
	struct tcpsm_cwsock sock[TCPSM_CWSOCK_MAX];	/* oldest first */
};

/*
 * Parse one GET_CLOSEWAIT reply into p (cleared first). port and count are
 * required; the other numbers are 0 when not sent. Returns 0, or -EBADMSG.
 */
int tcpsm_cw_parse(struct nlmsghdr *nlh, struct tcpsm_cw_port *p);

struct tcpsm_cw_set {
	struct tcpsm_cw_port *v;
	size_t n, cap;
};

void tcpsm_cw_set_free(struct tcpsm_cw_set *set);

/* Most sockets first, then by port. */
void tcpsm_cw_sort(struct tcpsm_cw_set *set);

struct tcpsm_nl;

/*
 * Dump GET_CLOSEWAIT of the caller's namespace, or (all) of every
 * namespace, into set (cleared first; read again if a sample cut it in
 * two). Returns what tcpsm_nl_dump() returns.
 */
int tcpsm_cw_request(struct tcpsm_nl *nl, bool all, struct tcpsm_cw_set *set);

/* The namespace: as the kernel said, else our own (/proc/self/ns/net); -1. */
int64_t tcpsm_cw_netns(const struct tcpsm_cw_set *set);

/* Look for the owners of every listed socket in /proc. 0 or -ENOMEM. */
int tcpsm_cw_owners(const struct tcpsm_cw_set *set, struct tcpsm_owners *o);

#endif /* TCPSM_CLOSEWAIT_H */
