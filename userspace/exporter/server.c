// SPDX-License-Identifier: GPL-2.0
/* tcpsm exporter: the HTTP side, on libmicrohttpd (server.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "diag.h"
#include "server.h"

/* libmicrohttpd before 0.9.71 returned int */
#if MHD_VERSION < 0x00097002
typedef int tcpsm_mhd_ret;
#else
typedef enum MHD_Result tcpsm_mhd_ret;
#endif

struct server {
	struct tcpsm_nl *nl;
	struct tcpsm_scrape *s;
	struct tcpsm_mbuf body;		/* kept from one scrape to the next */
};

int tcpsm_server_parse_listen(const char *s, struct tcpsm_server_cfg *cfg)
{
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&cfg->addr;
	struct sockaddr_in *a4 = (struct sockaddr_in *)&cfg->addr;
	const char *colon = strrchr(s, ':');
	char host[INET6_ADDRSTRLEN + 2];
	unsigned long port;
	size_t hl;
	char *end;

	if (!colon || !colon[1])
		return -EINVAL;
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || *end || port == 0 || port > 65535 || colon[1] == '-' ||
	    colon[1] == '+')
		return -EINVAL;
	hl = (size_t)(colon - s);
	if (hl >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, hl);
	host[hl] = '\0';
	memset(&cfg->addr, 0, sizeof(cfg->addr));
	if (!hl) {			/* ":PORT": every address */
		a6->sin6_family = AF_INET6;
		a6->sin6_addr = in6addr_any;
		a6->sin6_port = htons((uint16_t)port);
		cfg->addrlen = sizeof(*a6);
		return 0;
	}
	if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1)
			return -EINVAL;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		cfg->addrlen = sizeof(*a6);
		return 0;
	}
	if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
		return -EINVAL;
	a4->sin_family = AF_INET;
	a4->sin_port = htons((uint16_t)port);
	cfg->addrlen = sizeof(*a4);
	return 0;
}

static tcpsm_mhd_ret reply(struct MHD_Connection *conn, unsigned int status,
			   const char *type, const char *body, size_t len,
			   bool allow)
{
	struct MHD_Response *r;
	tcpsm_mhd_ret ret;

	r = MHD_create_response_from_buffer(len, (void *)body,
					    MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (allow)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static tcpsm_mhd_ret text(struct MHD_Connection *conn, unsigned int status,
			  const char *msg, bool allow)
{
	return reply(conn, status, "text/plain; charset=utf-8", msg,
		     strlen(msg), allow);
}

static const char index_page[] =
	"<html><head><title>tcpsm exporter</title></head><body>"
	"<h1>tcpsm exporter</h1><p><a href=\"/metrics\">/metrics</a></p>"
	"</body></html>\n";

static tcpsm_mhd_ret on_request(void *cls, struct MHD_Connection *conn,
				const char *url, const char *method,
				const char *version, const char *upload,
				size_t *upload_size, void **state)
{
	static int seen, body;		/* *state: headers seen; a body too */
	struct server *sv = cls;
	const char *accept;
	bool om;

	(void)version;
	(void)upload;
	if (!*state) {			/* headers only: wait for the body */
		*state = &seen;
		return MHD_YES;
	}
	if (*upload_size) {
		/*
		 * GET and HEAD take no body: drop it as it comes (nothing is
		 * kept; the timeout bounds a slow one), refuse it at its end.
		 */
		*upload_size = 0;
		*state = &body;
		return MHD_YES;
	}
	if (*state == &body)
		return text(conn, MHD_HTTP_CONTENT_TOO_LARGE,
			    "request body not accepted\n", false);
	if (strcmp(method, MHD_HTTP_METHOD_GET) &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD))
		return text(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
			    "method not allowed\n", true);
	if (!strcmp(url, "/"))
		return reply(conn, MHD_HTTP_OK, "text/html; charset=utf-8",
			     index_page, sizeof(index_page) - 1, false);
	if (strcmp(url, "/metrics"))
		return text(conn, MHD_HTTP_NOT_FOUND, "not found; try /metrics\n",
			    false);

	accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
					     MHD_HTTP_HEADER_ACCEPT);
	om = tcpsm_wants_openmetrics(accept);
	tcpsm_scrape_read(sv->nl, sv->s);
	tcpsm_metrics_write(&sv->body, sv->s, om);
	if (sv->body.oom)
		return text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
			    "out of memory\n", false);
	return reply(conn, MHD_HTTP_OK,
		     om ? TCPSM_CT_OPENMETRICS : TCPSM_CT_TEXT,
		     sv->body.p, sv->body.len, false);
}

int tcpsm_server_run(const struct tcpsm_server_cfg *cfg, struct tcpsm_nl *nl,
		     struct tcpsm_scrape *s)
{
	struct server sv = { .nl = nl, .s = s };
	/*
	 * No MHD_USE_ERROR_LOG: it logs every malformed request, and the
	 * open network would write the journal.
	 */
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD;
	struct MHD_Daemon *d;
	sigset_t stop;
	int sig;

	if (cfg->addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6 | MHD_USE_DUAL_STACK;
	if (MHD_is_feature_supported(MHD_FEATURE_POLL))
		flags |= MHD_USE_POLL;

	/* the stop signals go to sigwait() below, not to the server thread */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, &sv,
			     MHD_OPTION_SOCK_ADDR, &cfg->addr,
			     MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_s,
			     MHD_OPTION_CONNECTION_LIMIT, cfg->max_conns,
			     MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->max_conns,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32768,
			     MHD_OPTION_END);
	if (!d) {
		tcpsm_err("exporter: cannot listen there: %s", strerror(errno));
		return TCPSM_EXIT_ERROR;
	}
	while (sigwait(&stop, &sig) == 0 && sig != SIGINT && sig != SIGTERM)
		;
	MHD_stop_daemon(d);
	tcpsm_mbuf_free(&sv.body);
	return TCPSM_EXIT_OK;
}
