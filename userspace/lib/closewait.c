// SPDX-License-Identifier: GPL-2.0
/* tcpsm: GET_CLOSEWAIT: the dump, its decoding, the owners (closewait.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include <linux/tcpsm.h>

#include "closewait.h"
#include "nl.h"

/* ---- parsing -------------------------------------------------------------- */

static struct nla_policy cw_policy[TCPSM_A_CLOSEWAIT_MAX + 1] = {
	[TCPSM_A_CLOSEWAIT_NETNS]	= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_CLOSEWAIT_PORT]	= { .type = NLA_U16, .maxlen = 2 },
	[TCPSM_A_CLOSEWAIT_COUNT]	= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_CLOSEWAIT_OLDEST_AGE]	= { .type = NLA_U64, .maxlen = 8 },
	[TCPSM_A_CLOSEWAIT_GROWTH]	= { .type = NLA_U32, .maxlen = 4 },	/* s32 */
	[TCPSM_A_CLOSEWAIT_ENTRIES]	= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_CLOSEWAIT_EXITS]	= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_CLOSEWAIT_UNTRACKED]	= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_CLOSEWAIT_ALARM]	= { .type = NLA_FLAG },
	[TCPSM_A_CLOSEWAIT_SOCKET]	= { .type = NLA_NESTED },
};

static uint32_t get_u32(struct nlattr *a)
{
	return a ? nla_get_u32(a) : 0;
}

int tcpsm_cw_parse(struct nlmsghdr *nlh, struct tcpsm_cw_port *p)
{
	struct nlattr *tb[TCPSM_A_CLOSEWAIT_MAX + 1];
	struct genlmsghdr *gnlh;
	struct nlattr *nla;
	int rem;

	memset(p, 0, sizeof(*p));
	if (genlmsg_parse(nlh, 0, tb, TCPSM_A_CLOSEWAIT_MAX, cw_policy) < 0)
		return -EBADMSG;
	if (!tb[TCPSM_A_CLOSEWAIT_PORT] || !tb[TCPSM_A_CLOSEWAIT_COUNT])
		return -EBADMSG;
	if (tb[TCPSM_A_CLOSEWAIT_NETNS]) {
		p->has_netns = true;
		p->netns = nla_get_u32(tb[TCPSM_A_CLOSEWAIT_NETNS]);
	}
	p->port = nla_get_u16(tb[TCPSM_A_CLOSEWAIT_PORT]);
	p->count = nla_get_u32(tb[TCPSM_A_CLOSEWAIT_COUNT]);
	if (tb[TCPSM_A_CLOSEWAIT_OLDEST_AGE]) {
		p->has_oldest_age = true;
		p->oldest_age_ms = nla_get_u64(tb[TCPSM_A_CLOSEWAIT_OLDEST_AGE]);
	}
	p->growth = (int32_t)get_u32(tb[TCPSM_A_CLOSEWAIT_GROWTH]);
	p->entries = get_u32(tb[TCPSM_A_CLOSEWAIT_ENTRIES]);
	p->exits = get_u32(tb[TCPSM_A_CLOSEWAIT_EXITS]);
	p->untracked = get_u32(tb[TCPSM_A_CLOSEWAIT_UNTRACKED]);
	p->alarm = tb[TCPSM_A_CLOSEWAIT_ALARM] != NULL;

	gnlh = genlmsg_hdr(nlh);
	nla_for_each_attr(nla, genlmsg_attrdata(gnlh, 0),
			  genlmsg_attrlen(gnlh, 0), rem) {
		if (nla_type(nla) != TCPSM_A_CLOSEWAIT_SOCKET)
			continue;
		if (p->nsock == TCPSM_CWSOCK_MAX)
			break;
		if (tcpsm_cwsock_parse(nla, &p->sock[p->nsock]) < 0)
			return -EBADMSG;
		p->nsock++;
	}
	return 0;
}

void tcpsm_cw_set_free(struct tcpsm_cw_set *set)
{
	free(set->v);
	memset(set, 0, sizeof(*set));
}

static int cmp_port(const void *a, const void *b)
{
	const struct tcpsm_cw_port *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->port < y->port ? -1 : x->port > y->port;
}

void tcpsm_cw_sort(struct tcpsm_cw_set *set)
{
	if (set->n)
		qsort(set->v, set->n, sizeof(*set->v), cmp_port);
}

/* ---- the request ---------------------------------------------------------- */

static int on_cw_reply(struct nlmsghdr *nlh, void *arg)
{
	struct tcpsm_cw_set *set = arg;
	int r;

	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 16;
		struct tcpsm_cw_port *v = realloc(set->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		set->v = v;
		set->cap = cap;
	}
	r = tcpsm_cw_parse(nlh, &set->v[set->n]);
	if (r < 0)
		return r;
	set->n++;
	return 0;
}

static void reset_cw(void *set)
{
	tcpsm_cw_set_free(set);
}

int tcpsm_cw_request(struct tcpsm_nl *nl, bool all, struct tcpsm_cw_set *set)
{
	return tcpsm_nl_dump(nl, TCPSM_CMD_GET_CLOSEWAIT,
			     all ? TCPSM_A_CLOSEWAIT_ALL_NETNS : 0,
			     on_cw_reply, set, reset_cw);
}

int64_t tcpsm_cw_netns(const struct tcpsm_cw_set *set)
{
	struct stat st;

	for (size_t i = 0; i < set->n; i++)
		if (set->v[i].has_netns)
			return set->v[i].netns;
	if (stat("/proc/self/ns/net", &st) == 0)
		return (int64_t)(uint32_t)st.st_ino;
	return -1;
}

int tcpsm_cw_owners(const struct tcpsm_cw_set *set, struct tcpsm_owners *o)
{
	uint64_t *inos;
	size_t i, k, n = 0;
	int r;

	inos = malloc((set->n ? set->n : 1) * TCPSM_CWSOCK_MAX * sizeof(*inos));
	if (!inos)
		return -ENOMEM;
	for (i = 0; i < set->n; i++)
		for (k = 0; k < set->v[i].nsock; k++)
			inos[n++] = set->v[i].sock[k].ino;
	r = tcpsm_owners_init(o, inos, n);
	free(inos);
	if (r < 0)
		return r;
	tcpsm_owners_scan(o, "/proc");	/* without /proc: all unresolved */
	return 0;
}
