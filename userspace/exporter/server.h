/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpsm exporter: the HTTP side, on libmicrohttpd. One thread answers
 * every connection in turn (select/poll inside libmicrohttpd), so that a
 * scrape reads the kernel on the one netlink socket with no lock and
 * concurrent scrapes are served one after the other:
 *   GET/HEAD /metrics  the scrape (metrics.h), text or OpenMetrics as the
 *                      Accept header asks;
 *   GET/HEAD /         a short page naming /metrics;
 *   other paths 404, other methods 405 (Allow: GET, HEAD), a request body
 *   413 (read and dropped, not kept); libmicrohttpd answers malformed
 *   requests (400; bytes that are not HTTP: it closes), unknown versions
 *   (505), oversized headers (431), and drops slow or idle connections
 *   after the timeout. Nothing is logged per request.
 */
#ifndef TCPSM_SERVER_H
#define TCPSM_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "metrics.h"

struct tcpsm_nl;

struct tcpsm_server_cfg {
	struct sockaddr_storage addr;	/* where to listen */
	socklen_t addrlen;
	unsigned int timeout_s;		/* idle or slow connections */
	unsigned int max_conns;		/* open at once; more are refused */
};

/*
 * Parse "ADDR:PORT", "[V6ADDR]:PORT" or ":PORT" (every address, IPv6
 * and IPv4) into cfg. Returns 0, or -EINVAL.
 */
int tcpsm_server_parse_listen(const char *s, struct tcpsm_server_cfg *cfg);

/*
 * Serve until SIGINT or SIGTERM: scrapes read the kernel on nl into s.
 * Returns 0, or an exit code after printing one line (the address in use,
 * say).
 */
int tcpsm_server_run(const struct tcpsm_server_cfg *cfg, struct tcpsm_nl *nl,
		     struct tcpsm_scrape *s);

#endif /* TCPSM_SERVER_H */
