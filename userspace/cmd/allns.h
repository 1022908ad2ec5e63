/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpsm: --all-netns, shared by the subcommands that have it (stats,
 * events, alerts, closewait, listeners, latency): the option's help and
 * hint, the namespace's name in text and JSON, the list of the
 * namespaces a reply named, and the loop that prints one block each.
 */
#ifndef TCPSM_ALLNS_H
#define TCPSM_ALLNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"
#include "netns.h"

/* The help line of -a, --all-netns. */
#define TCPSM_ALLNS_HELP \
	"  -a, --all-netns  every network namespace, each record with its netns_name\n" \
	"                   (needs CAP_NET_ADMIN, from the initial namespace)\n"

/* The option handler of a command whose only option is -a (ctx: bool *). */
int tcpsm_allns_opt(void *all, int c, char *arg);

/*
 * The hint after a failed request (r: its errno, negative): an older
 * module for EOPNOTSUPP; with all, how to run --all-netns for a refusal
 * (cmd: "closewait"); else NULL.
 */
const char *tcpsm_allns_hint(int r, bool all, const char *cmd);

/* JSON members "netns": N, "netns_name": "NAME" or null. */
void tcpsm_allns_json(struct json *j, struct tcpsm_netns_names *nn,
		      uint32_t netns);

/* The JSON member "netns_name": "NAME", or null for NULL. */
void tcpsm_allns_json_name(struct json *j, const char *name);

/* "netns N (NAME)" or "netns N (-)", no newline (tcpsm_allns_name()). */
void tcpsm_allns_text(FILE *f, struct tcpsm_netns_names *nn, uint32_t netns);

/* " (NAME)", its blanks and odd bytes as '?', or " (-)" for NULL. */
void tcpsm_allns_name(FILE *f, const char *name);

/* The distinct namespaces of v[0..n) (v: n values of a stride), in order. */
struct tcpsm_allns_list {
	uint32_t *v;
	size_t n;
};

/*
 * Print one block (text) or object (JSON, in an array) per namespace
 * of netns[0..n): "netns N (NAME)" and sep, or the netns members, then
 * body(ctx, netns, j) (j NULL: text to stdout; returns 0 or -errno).
 * none is the text for no namespace at all (NULL: nothing).
 */
struct tcpsm_allns_print {
	bool json;
	const char *sep;
	const char *none;
	int (*body)(void *ctx, uint32_t netns, struct json *j);
	void *ctx;
};

int tcpsm_allns_print(const struct tcpsm_allns_print *p,
		      const uint32_t *netns, size_t n);

int tcpsm_allns_collect(struct tcpsm_allns_list *l, const void *base,
			size_t n, size_t stride, size_t offset);
void tcpsm_allns_list_free(struct tcpsm_allns_list *l);

#endif /* TCPSM_ALLNS_H */
