/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpsm: the closewait subcommand: the GET_CLOSEWAIT dump (one message per
 * local port with sockets in CLOSE_WAIT), the oldest sockets' owners
 * found in /proc (owners.h), as a table or one JSON document.
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

/*
 * The table:
 *   PORT   COUNT  OLDEST  GROWTH  IN/OUT  ALARM  OWNERS
 *   8080      50   31.2s     +50    50/0  LEAK   python3(pid 123)
 * or "no sockets in CLOSE_WAIT". owners may be NULL (nothing resolved).
 */
void tcpsm_cw_print_text(FILE *f, const struct tcpsm_cw_set *set,
			 const struct tcpsm_owners *owners);

/* {"netns": N, "ports": [...]} (no newline); netns < 0: null. */
void tcpsm_cw_print_json(struct json *j, int64_t netns,
			 const struct tcpsm_cw_set *set,
			 const struct tcpsm_owners *owners);

#endif /* TCPSM_CLOSEWAIT_H */
