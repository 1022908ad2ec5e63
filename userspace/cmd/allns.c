// SPDX-License-Identifier: GPL-2.0
/* tcpsm: --all-netns, shared by the subcommands (see allns.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "allns.h"

int tcpsm_allns_opt(void *all, int c, char *arg)
{
	(void)arg;
	if (c != 'a')
		return -1;
	*(bool *)all = true;
	return 0;
}

const char *tcpsm_allns_hint(int r, bool all, const char *cmd)
{
	static char hint[128];

	if (r == -EOPNOTSUPP)
		return "the loaded module is older than this tcpsm";
	if (!all || (r != -EPERM && r != -EACCES))
		return NULL;
	snprintf(hint, sizeof(hint),
		 "--all-netns: run as root in the initial namespace: sudo tcpsm %s --all-netns",
		 cmd);
	return hint;
}

void tcpsm_allns_json(struct json *j, struct tcpsm_netns_names *nn,
		      uint32_t netns)
{
	json_key(j, "netns");
	json_u64(j, netns);
	tcpsm_allns_json_name(j, tcpsm_netns_name(nn, netns));
}

void tcpsm_allns_json_name(struct json *j, const char *name)
{
	json_key(j, "netns_name");
	if (name)
		json_string(j, name);
	else
		json_null(j);
}

void tcpsm_allns_text(FILE *f, struct tcpsm_netns_names *nn, uint32_t netns)
{
	const char *name = tcpsm_netns_name(nn, netns);

	fprintf(f, "netns %" PRIu32, netns);
	tcpsm_allns_name(f, name);
}

void tcpsm_allns_name(FILE *f, const char *name)
{
	fputs(" (", f);
	if (!name)
		fputc('-', f);
	for (; name && *name; name++)
		fputc(*name > ' ' && *name < 0x7f ? *name : '?', f);
	fputc(')', f);
}

int tcpsm_allns_collect(struct tcpsm_allns_list *l, const void *base,
			size_t n, size_t stride, size_t offset)
{
	const char *p = base;
	uint32_t netns;
	size_t i, k;

	memset(l, 0, sizeof(*l));
	if (!n)
		return 0;
	l->v = calloc(n, sizeof(*l->v));
	if (!l->v)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		memcpy(&netns, p + i * stride + offset, sizeof(netns));
		for (k = 0; k < l->n && l->v[k] != netns; k++)
			;
		if (k == l->n)
			l->v[l->n++] = netns;
	}
	return 0;
}

void tcpsm_allns_list_free(struct tcpsm_allns_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int tcpsm_allns_print(const struct tcpsm_allns_print *p,
		      const uint32_t *netns, size_t n)
{
	struct tcpsm_netns_names nn = { 0 };
	struct json j;
	int r = 0;

	if (p->json) {
		json_init(&j, stdout);
		json_array_begin(&j);
	} else if (!n && p->none) {
		fputs(p->none, stdout);
	}
	for (size_t k = 0; k < n && !r; k++) {
		if (p->json) {
			json_object_begin(&j);
			tcpsm_allns_json(&j, &nn, netns[k]);
			r = p->body(p->ctx, netns[k], &j);
			json_object_end(&j);
		} else {
			if (k)
				fputc('\n', stdout);
			tcpsm_allns_text(stdout, &nn, netns[k]);
			fputs(p->sep, stdout);
			r = p->body(p->ctx, netns[k], NULL);
		}
	}
	if (p->json) {
		json_array_end(&j);
		fputc('\n', stdout);
	}
	tcpsm_netns_names_free(&nn);
	return r;
}
