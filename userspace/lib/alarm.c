// SPDX-License-Identifier: GPL-2.0
/* tcpsm: alarms (see alarm.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include <linux/tcpsm.h>

#include "alarm.h"
#include "listener.h"
#include "nl.h"

/* ---- parsing ------------------------------------------------------------ */

static struct nla_policy alarm_policy[TCPSM_A_ALARM_MAX + 1] = {
	[TCPSM_A_ALARM_KIND]		= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_ALARM_STATE]		= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_ALARM_TS]		= { .type = NLA_U64, .maxlen = 8 },
	[TCPSM_A_ALARM_NETNS]		= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_ALARM_PORT]		= { .type = NLA_U16, .maxlen = 2 },
	[TCPSM_A_ALARM_COUNT]		= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_ALARM_OLDEST_AGE]	= { .type = NLA_U64, .maxlen = 8 },
	[TCPSM_A_ALARM_GROWTH]		= { .type = NLA_U32, .maxlen = 4 },	/* s32 */
	[TCPSM_A_ALARM_SOCKET]		= { .type = NLA_NESTED },
	[TCPSM_A_ALARM_SCORE]		= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_ALARM_LISTENER]	= { .type = NLA_NESTED },
};

int tcpsm_alarm_parse(struct nlmsghdr *nlh, struct tcpsm_alarm *a)
{
	struct nlattr *tb[TCPSM_A_ALARM_MAX + 1];
	struct genlmsghdr *gnlh;
	struct nlattr *nla;
	int rem;

	memset(a, 0, sizeof(*a));
	if (genlmsg_parse(nlh, 0, tb, TCPSM_A_ALARM_MAX, alarm_policy) < 0)
		return -EBADMSG;
	if (!tb[TCPSM_A_ALARM_KIND] || !tb[TCPSM_A_ALARM_STATE] ||
	    !tb[TCPSM_A_ALARM_TS] || !tb[TCPSM_A_ALARM_NETNS])
		return -EBADMSG;
	a->kind = nla_get_u32(tb[TCPSM_A_ALARM_KIND]);
	a->state = nla_get_u32(tb[TCPSM_A_ALARM_STATE]);
	if (a->state != TCPSM_ALARM_STATE_RAISE &&
	    a->state != TCPSM_ALARM_STATE_CLEAR)
		return -EBADMSG;
	a->ts = nla_get_u64(tb[TCPSM_A_ALARM_TS]);
	a->netns = nla_get_u32(tb[TCPSM_A_ALARM_NETNS]);
	if (tb[TCPSM_A_ALARM_PORT]) {
		a->has_port = true;
		a->port = nla_get_u16(tb[TCPSM_A_ALARM_PORT]);
	}
	if (tb[TCPSM_A_ALARM_COUNT]) {
		a->has_count = true;
		a->count = nla_get_u32(tb[TCPSM_A_ALARM_COUNT]);
	}
	if (tb[TCPSM_A_ALARM_OLDEST_AGE]) {
		a->has_oldest_age = true;
		a->oldest_age_ms = nla_get_u64(tb[TCPSM_A_ALARM_OLDEST_AGE]);
	}
	if (tb[TCPSM_A_ALARM_GROWTH]) {
		a->has_growth = true;
		a->growth = (int32_t)nla_get_u32(tb[TCPSM_A_ALARM_GROWTH]);
	}
	if (tb[TCPSM_A_ALARM_SCORE]) {
		a->has_score = true;
		a->score = nla_get_u32(tb[TCPSM_A_ALARM_SCORE]);
	}
	if (tb[TCPSM_A_ALARM_LISTENER]) {
		if (tcpsm_listener_parse(tb[TCPSM_A_ALARM_LISTENER], &a->listener) < 0)
			return -EBADMSG;
		a->has_listener = true;
	}

	/* nla_parse() keeps only the last of a repeated attribute: walk. */
	gnlh = genlmsg_hdr(nlh);
	nla_for_each_attr(nla, genlmsg_attrdata(gnlh, 0),
			  genlmsg_attrlen(gnlh, 0), rem) {
		if (nla_type(nla) != TCPSM_A_ALARM_SOCKET)
			continue;
		if (a->nsock == TCPSM_CWSOCK_MAX)
			break;
		if (tcpsm_cwsock_parse(nla, &a->sock[a->nsock]) < 0)
			return -EBADMSG;
		a->nsock++;
	}
	return 0;
}

/* ---- rendering ---------------------------------------------------------- */

const char *tcpsm_alarm_kind_name(uint32_t kind, char *buf, size_t size)
{
	switch (kind) {
	case TCPSM_ALARM_KIND_CLOSEWAIT_LEAK:
		return "CLOSE_WAIT_LEAK";
	case TCPSM_ALARM_KIND_SYN_FLOOD:
		return "SYN_FLOOD";
	case TCPSM_ALARM_KIND_ACCEPT_QUEUE_OVERFLOW:
		return "ACCEPT_QUEUE_OVERFLOW";
	default:
		break;
	}
	snprintf(buf, size, "ALARM_%" PRIu32, kind);
	return buf;
}

bool tcpsm_alarm_is_raise(const struct tcpsm_alarm *a)
{
	return a->state == TCPSM_ALARM_STATE_RAISE;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

void tcpsm_alarm_uids(const struct tcpsm_alarm *a, char sep, char *buf,
		      size_t size)
{
	const char sepstr[2] = { sep, '\0' };
	uint32_t uid[TCPSM_CWSOCK_MAX];
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < a->nsock; i++)
		uid[i] = a->sock[i].uid;
	qsort(uid, a->nsock, sizeof(uid[0]), cmp_u32);
	for (i = 0; i < a->nsock && len < size; i++)
		if (!i || uid[i] != uid[i - 1])
			len += (size_t)snprintf(buf + len, size - len, "%s%" PRIu32,
						len ? sepstr : "", uid[i]);
}

void tcpsm_alarm_inodes(const struct tcpsm_alarm *a, char sep, char *buf,
			size_t size)
{
	const char sepstr[2] = { sep, '\0' };
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < a->nsock && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%" PRIu64,
					i ? sepstr : "", a->sock[i].ino);
}

void tcpsm_alarm_short(const struct tcpsm_alarm *a, char *buf, size_t size)
{
	char kind[32];
	int n;

	n = snprintf(buf, size, "%s", tcpsm_alarm_kind_name(a->kind, kind, sizeof(kind)));
	if (a->has_listener && n >= 0 && (size_t)n < size) {
		char ep[INET6_ADDRSTRLEN + 8];

		tcpsm_listener_endpoint(&a->listener, ep, sizeof(ep));
		n += snprintf(buf + n, size - (size_t)n, " %s", ep);
		if (a->has_score && (size_t)n < size)
			snprintf(buf + n, size - (size_t)n, " score %" PRIu32, a->score);
		return;
	}
	if (a->has_port && n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, " port %u", a->port);
	if (!a->has_count || n < 0 || (size_t)n >= size)
		return;
	n += snprintf(buf + n, size - (size_t)n, " (%" PRIu32 " socket%s",
		      a->count, a->count == 1 ? "" : "s");
	if (a->has_oldest_age && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, ", oldest %" PRIu64 "s",
			      a->oldest_age_ms / 1000);
	if ((size_t)n < size)
		snprintf(buf + n, size - (size_t)n, ")");
}

/* ---- --exec ------------------------------------------------------------- */

enum {
	ENV_ALARM, ENV_STATE, ENV_REPLAYED, ENV_NETNS, ENV_PORT, ENV_COUNT,
	ENV_OLDEST_AGE_MS, ENV_GROWTH, ENV_TS, ENV_UIDS, ENV_INODES,
	ENV_SCORE, ENV_ADDR, ENV_NETNS_NAME,
};

static const char *const env_names[TCPSM_ALARM_ENV_N] = {
	[ENV_ALARM]		= "TCPSM_ALARM",
	[ENV_STATE]		= "TCPSM_STATE",
	[ENV_REPLAYED]		= "TCPSM_REPLAYED",
	[ENV_NETNS]		= "TCPSM_NETNS",
	[ENV_PORT]		= "TCPSM_PORT",
	[ENV_COUNT]		= "TCPSM_COUNT",
	[ENV_OLDEST_AGE_MS]	= "TCPSM_OLDEST_AGE_MS",
	[ENV_GROWTH]		= "TCPSM_GROWTH",
	[ENV_TS]		= "TCPSM_TS",
	[ENV_UIDS]		= "TCPSM_UIDS",
	[ENV_INODES]		= "TCPSM_INODES",
	[ENV_SCORE]		= "TCPSM_SCORE",
	[ENV_ADDR]		= "TCPSM_ADDR",
	[ENV_NETNS_NAME]	= "TCPSM_NETNS_NAME",
};

void tcpsm_alarm_env(const struct tcpsm_alarm *a, struct tcpsm_alarm_env *env)
{
	char (*v)[TCPSM_ALARM_ENV_LEN] = env->value;
	char kind[32];

	memset(env, 0, sizeof(*env));
	for (int i = 0; i < TCPSM_ALARM_ENV_N; i++)
		env->name[i] = env_names[i];
	snprintf(v[ENV_ALARM], sizeof(v[0]), "%s",
		 tcpsm_alarm_kind_name(a->kind, kind, sizeof(kind)));
	snprintf(v[ENV_STATE], sizeof(v[0]), "%s", tcpsm_alarm_is_raise(a) ? "raise" : "clear");
	snprintf(v[ENV_REPLAYED], sizeof(v[0]), "%d", a->replayed ? 1 : 0);
	snprintf(v[ENV_NETNS], sizeof(v[0]), "%" PRIu32, a->netns);
	if (a->has_listener)
		snprintf(v[ENV_PORT], sizeof(v[0]), "%u", a->listener.port);
	else if (a->has_port)
		snprintf(v[ENV_PORT], sizeof(v[0]), "%u", a->port);
	if (a->has_count)
		snprintf(v[ENV_COUNT], sizeof(v[0]), "%" PRIu32, a->count);
	if (a->has_oldest_age)
		snprintf(v[ENV_OLDEST_AGE_MS], sizeof(v[0]), "%" PRIu64,
			 a->oldest_age_ms);
	if (a->has_growth)
		snprintf(v[ENV_GROWTH], sizeof(v[0]), "%" PRId32, a->growth);
	snprintf(v[ENV_TS], sizeof(v[0]), "%" PRIu64, a->ts);
	tcpsm_alarm_uids(a, ' ', v[ENV_UIDS], sizeof(v[0]));
	tcpsm_alarm_inodes(a, ' ', v[ENV_INODES], sizeof(v[0]));
	if (a->has_score)
		snprintf(v[ENV_SCORE], sizeof(v[0]), "%" PRIu32, a->score);
	if (a->has_listener)
		tcpsm_listener_addr(&a->listener, v[ENV_ADDR], sizeof(v[0]));
	if (a->netns_name)
		snprintf(v[ENV_NETNS_NAME], sizeof(v[0]), "%s", a->netns_name);
}

/* ---- seen twice --------------------------------------------------------- */

/* Where alarm a is: kind, netns, port, and the listener's address. */
static void place_of(const struct tcpsm_alarm *a, struct tcpsm_alarm_key *k)
{
	memset(k, 0, sizeof(*k));
	k->kind = a->kind;
	k->netns = a->netns;
	k->port = a->has_port ? a->port : 0;
	if (a->has_listener) {
		k->port = a->listener.port;
		k->family = a->listener.family;
		memcpy(k->addr, a->listener.saddr, sizeof(k->addr));
	}
	k->ts = a->ts;
}

static bool same_place(const struct tcpsm_alarm_key *k,
		       const struct tcpsm_alarm_key *p)
{
	return k->kind == p->kind && k->netns == p->netns && k->port == p->port &&
	       k->family == p->family && memcmp(k->addr, p->addr, sizeof(k->addr)) == 0;
}

bool tcpsm_alarm_seen_note(struct tcpsm_alarm_seen *s, const struct tcpsm_alarm *a)
{
	struct tcpsm_alarm_key *k, p;
	size_t i = 0;

	place_of(a, &p);
	while (i < s->n) {
		if (!same_place(&s->v[i], &p)) {
			i++;
			continue;
		}
		if (tcpsm_alarm_is_raise(a) && s->v[i].ts == a->ts)
			return true;
		s->v[i] = s->v[--s->n];		/* cleared, or raised anew */
	}
	if (!tcpsm_alarm_is_raise(a))
		return false;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;

		k = realloc(s->v, cap * sizeof(*k));
		if (!k)
			return false;	/* then a duplicate may print */
		s->v = k;
		s->cap = cap;
	}
	s->v[s->n++] = p;
	return false;
}

void tcpsm_alarm_seen_free(struct tcpsm_alarm_seen *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* ---- the dump ----------------------------------------------------------- */

static int on_alarm_reply(struct nlmsghdr *nlh, void *arg)
{
	struct tcpsm_alarm_set *set = arg;

	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 4;
		struct tcpsm_alarm *v = realloc(set->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		set->v = v;
		set->cap = cap;
	}
	if (tcpsm_alarm_parse(nlh, &set->v[set->n]) < 0) {
		set->malformed++;
		return 0;
	}
	set->v[set->n++].replayed = true;
	return 0;
}

static void reset_alarms(void *set)
{
	tcpsm_alarm_set_free(set);
}

int tcpsm_alarms_request(struct tcpsm_nl *nl, bool all,
			 struct tcpsm_alarm_set *set)
{
	memset(set, 0, sizeof(*set));
	return tcpsm_nl_dump(nl, TCPSM_CMD_GET_ALARMS,
			     all ? TCPSM_A_ALARM_ALL_NETNS : 0,
			     on_alarm_reply, set, reset_alarms);
}

void tcpsm_alarm_set_free(struct tcpsm_alarm_set *set)
{
	free(set->v);
	memset(set, 0, sizeof(*set));
}
