// SPDX-License-Identifier: GPL-2.0
/* tcpsm: one TCP listener and the GET_LISTENERS dump (see listener.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/genl/genl.h>

#include <linux/tcpsm.h>

#include "addr.h"
#include "listener.h"
#include "nl.h"

/* ---- parsing -------------------------------------------------------------- */

/* Fixed sizes are exact, as for events. */
static struct nla_policy listener_policy[TCPSM_A_LISTENER_MAX + 1] = {
	[TCPSM_A_LISTENER_NETNS]		= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_LISTENER_FAMILY]		= { .type = NLA_U16, .maxlen = 2 },
	[TCPSM_A_LISTENER_SADDR]		= { .type = NLA_UNSPEC, .minlen = 4, .maxlen = 16 },
	[TCPSM_A_LISTENER_PORT]			= { .type = NLA_U16, .maxlen = 2 },
	[TCPSM_A_LISTENER_SYN_QUEUE]		= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_LISTENER_SYN_QUEUE_MAX]	= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_LISTENER_ACCEPT_QUEUE]		= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_LISTENER_ACCEPT_QUEUE_MAX]	= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_LISTENER_COOKIES]		= { .type = NLA_FLAG },
	[TCPSM_A_LISTENER_SYNACK_RETRANS]	= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_LISTENER_DROPS]		= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_LISTENER_OVERFLOW]		= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_LISTENER_COMPLETION]		= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_LISTENER_SCORE]		= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_LISTENER_ACCEPT_SCORE]		= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_LISTENER_SYN_FLOOD]		= { .type = NLA_FLAG },
	[TCPSM_A_LISTENER_ACCEPT_QUEUE_OVERFLOW] = { .type = NLA_FLAG },
};

/* The u32 attributes, and where each goes. */
static const struct {
	int attr;
	size_t off;
} u32_attrs[] = {
	{ TCPSM_A_LISTENER_SYN_QUEUE, offsetof(struct tcpsm_listener, syn_queue) },
	{ TCPSM_A_LISTENER_SYN_QUEUE_MAX, offsetof(struct tcpsm_listener, syn_queue_max) },
	{ TCPSM_A_LISTENER_ACCEPT_QUEUE, offsetof(struct tcpsm_listener, accept_queue) },
	{ TCPSM_A_LISTENER_ACCEPT_QUEUE_MAX, offsetof(struct tcpsm_listener, accept_queue_max) },
	{ TCPSM_A_LISTENER_SYNACK_RETRANS, offsetof(struct tcpsm_listener, synack_retrans) },
	{ TCPSM_A_LISTENER_DROPS, offsetof(struct tcpsm_listener, drops) },
	{ TCPSM_A_LISTENER_OVERFLOW, offsetof(struct tcpsm_listener, overflow) },
	{ TCPSM_A_LISTENER_COMPLETION, offsetof(struct tcpsm_listener, completion) },
	{ TCPSM_A_LISTENER_SCORE, offsetof(struct tcpsm_listener, score) },
	{ TCPSM_A_LISTENER_ACCEPT_SCORE, offsetof(struct tcpsm_listener, accept_score) },
};

int tcpsm_listener_parse(struct nlattr *nest, struct tcpsm_listener *l)
{
	struct nlattr *tb[TCPSM_A_LISTENER_MAX + 1];
	struct nlattr *sa;
	int alen;

	memset(l, 0, sizeof(*l));
	if (nla_parse_nested(tb, TCPSM_A_LISTENER_MAX, nest, listener_policy) < 0)
		return -EBADMSG;
	sa = tb[TCPSM_A_LISTENER_SADDR];
	if (!tb[TCPSM_A_LISTENER_FAMILY] || !sa || !tb[TCPSM_A_LISTENER_PORT])
		return -EBADMSG;
	l->family = nla_get_u16(tb[TCPSM_A_LISTENER_FAMILY]);
	alen = tcpsm_addr_len(l->family);
	if (alen < 0 || nla_len(sa) != alen)
		return -EBADMSG;
	memcpy(l->saddr, nla_data(sa), (size_t)alen);
	l->port = nla_get_u16(tb[TCPSM_A_LISTENER_PORT]);
	if (tb[TCPSM_A_LISTENER_NETNS]) {
		l->has_netns = true;
		l->netns = nla_get_u32(tb[TCPSM_A_LISTENER_NETNS]);
	}
	for (size_t i = 0; i < sizeof(u32_attrs) / sizeof(u32_attrs[0]); i++)
		if (tb[u32_attrs[i].attr])
			*(uint32_t *)((char *)l + u32_attrs[i].off) =
				nla_get_u32(tb[u32_attrs[i].attr]);
	l->cookies = tb[TCPSM_A_LISTENER_COOKIES] != NULL;
	l->syn_flood = tb[TCPSM_A_LISTENER_SYN_FLOOD] != NULL;
	l->accept_queue_overflow = tb[TCPSM_A_LISTENER_ACCEPT_QUEUE_OVERFLOW] != NULL;
	return 0;
}

/* ---- rendering ------------------------------------------------------------ */

void tcpsm_listener_addr(const struct tcpsm_listener *l, char *buf, size_t size)
{
	if (!size)
		return;
	if (!inet_ntop(l->family, l->saddr, buf, (socklen_t)size))
		buf[0] = '\0';
}

void tcpsm_listener_endpoint(const struct tcpsm_listener *l, char *buf,
			     size_t size)
{
	char addr[INET6_ADDRSTRLEN];

	tcpsm_listener_addr(l, addr, sizeof(addr));
	if (l->family == AF_INET6)
		snprintf(buf, size, "[%s]:%u", addr, l->port);
	else
		snprintf(buf, size, "%s:%u", addr, l->port);
}

void tcpsm_listener_json(struct json *j, const struct tcpsm_listener *l)
{
	char addr[INET6_ADDRSTRLEN];

	tcpsm_listener_addr(l, addr, sizeof(addr));
	json_object_begin(j);
	json_key(j, "family");
	json_string(j, l->family == AF_INET6 ? "inet6" : "inet");
	json_key(j, "saddr");
	json_string(j, addr);
	json_key(j, "port");
	json_u64(j, l->port);
	json_key(j, "syn_queue");
	json_u64(j, l->syn_queue);
	json_key(j, "syn_queue_max");
	json_u64(j, l->syn_queue_max);
	json_key(j, "accept_queue");
	json_u64(j, l->accept_queue);
	json_key(j, "accept_queue_max");
	json_u64(j, l->accept_queue_max);
	json_key(j, "cookies");
	json_bool(j, l->cookies);
	json_key(j, "synack_retrans");
	json_u64(j, l->synack_retrans);
	json_key(j, "drops");
	json_u64(j, l->drops);
	json_key(j, "overflow");
	json_u64(j, l->overflow);
	json_key(j, "completion");
	json_u64(j, l->completion);
	json_key(j, "score");
	json_u64(j, l->score);
	json_key(j, "accept_score");
	json_u64(j, l->accept_score);
	json_key(j, "alarms");
	json_array_begin(j);
	if (l->syn_flood)
		json_string(j, "SYN_FLOOD");
	if (l->accept_queue_overflow)
		json_string(j, "ACCEPT_QUEUE_OVERFLOW");
	json_array_end(j);
	json_object_end(j);
}

/* ---- the dump --------------------------------------------------------------- */

static int on_listener_reply(struct nlmsghdr *nlh, void *arg)
{
	struct tcpsm_listener_set *set = arg;
	struct nlattr *tb[TCPSM_A_LISTENERS_MAX + 1];
	int r;

	if (genlmsg_parse(nlh, 0, tb, TCPSM_A_LISTENERS_MAX, NULL) < 0 ||
	    !tb[TCPSM_A_LISTENERS_LISTENER])
		return -EBADMSG;
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 16;
		struct tcpsm_listener *v = realloc(set->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		set->v = v;
		set->cap = cap;
	}
	r = tcpsm_listener_parse(tb[TCPSM_A_LISTENERS_LISTENER], &set->v[set->n]);
	if (r < 0)
		return r;
	set->n++;
	return 0;
}

static void reset_listeners(void *set)
{
	tcpsm_listener_set_free(set);
}

int tcpsm_listeners_request(struct tcpsm_nl *nl, bool all,
			    struct tcpsm_listener_set *set)
{
	memset(set, 0, sizeof(*set));
	return tcpsm_nl_dump(nl, TCPSM_CMD_GET_LISTENERS,
			     all ? TCPSM_A_LISTENERS_ALL_NETNS : 0,
			     on_listener_reply, set, reset_listeners);
}

void tcpsm_listener_set_free(struct tcpsm_listener_set *set)
{
	free(set->v);
	memset(set, 0, sizeof(*set));
}

static int cmp_listener(const void *a, const void *b)
{
	const struct tcpsm_listener *x = a, *y = b;

	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return memcmp(x->saddr, y->saddr, sizeof(x->saddr));
}

void tcpsm_listener_sort(struct tcpsm_listener_set *set)
{
	if (set->n)
		qsort(set->v, set->n, sizeof(*set->v), cmp_listener);
}

uint32_t tcpsm_listener_max_score(const struct tcpsm_listener_set *set)
{
	uint32_t max = 0;

	for (size_t i = 0; i < set->n; i++)
		if (set->v[i].score > max)
			max = set->v[i].score;
	return max;
}
