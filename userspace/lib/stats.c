// SPDX-License-Identifier: GPL-2.0
/* tcpsm: GET_STATS: the request and the decoding of its replies (stats.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include <linux/tcpsm.h>

#include "nl.h"
#include "stats.h"

static struct nla_policy stats_policy[TCPSM_A_STATS_MAX + 1] = {
	[TCPSM_A_STATS_NETNS]		= { .type = NLA_U32 },
	[TCPSM_A_STATS_ALL_NETNS]	= { .type = NLA_FLAG },
	[TCPSM_A_STATS_STATE]		= { .type = NLA_NESTED },
	[TCPSM_A_STATS_TRANSITION]	= { .type = NLA_NESTED },
	[TCPSM_A_STATS_EVENTS_DROPPED]	= { .type = NLA_U64 },
	[TCPSM_A_STATS_CLOSEWAIT_UNTRACKED] = { .type = NLA_U64 },
	[TCPSM_A_STATS_ALARMS_ACTIVE]	= { .type = NLA_U32 },
	[TCPSM_A_STATS_SYN_COUNTER]	= { .type = NLA_NESTED },
};

static struct nla_policy state_count_policy[TCPSM_A_STATE_COUNT_MAX + 1] = {
	[TCPSM_A_STATE_COUNT_STATE]	= { .type = NLA_U32 },
	[TCPSM_A_STATE_COUNT_COUNT]	= { .type = NLA_U64 },
};

static struct nla_policy transition_policy[TCPSM_A_TRANSITION_MAX + 1] = {
	[TCPSM_A_TRANSITION_FROM]	= { .type = NLA_U32 },
	[TCPSM_A_TRANSITION_TO]		= { .type = NLA_U32 },
	[TCPSM_A_TRANSITION_COUNT]	= { .type = NLA_U64 },
};

static int parse_state_count(struct nlattr *nest, struct tcpsm_stats *st)
{
	struct nlattr *tb[TCPSM_A_STATE_COUNT_MAX + 1];
	uint32_t state;

	if (nla_parse_nested(tb, TCPSM_A_STATE_COUNT_MAX, nest,
			     state_count_policy) < 0)
		return -EBADMSG;
	if (!tb[TCPSM_A_STATE_COUNT_STATE] || !tb[TCPSM_A_STATE_COUNT_COUNT])
		return -EBADMSG;
	state = nla_get_u32(tb[TCPSM_A_STATE_COUNT_STATE]);
	if (state < TCPSM_NUM_STATES)	/* newer kernel, newer state: skip */
		st->state[state] = nla_get_u64(tb[TCPSM_A_STATE_COUNT_COUNT]);
	return 0;
}

static int parse_transition(struct nlattr *nest, struct tcpsm_stats *st)
{
	struct nlattr *tb[TCPSM_A_TRANSITION_MAX + 1];
	uint32_t from, to;

	if (nla_parse_nested(tb, TCPSM_A_TRANSITION_MAX, nest,
			     transition_policy) < 0)
		return -EBADMSG;
	if (!tb[TCPSM_A_TRANSITION_FROM] || !tb[TCPSM_A_TRANSITION_TO] ||
	    !tb[TCPSM_A_TRANSITION_COUNT])
		return -EBADMSG;
	from = nla_get_u32(tb[TCPSM_A_TRANSITION_FROM]);
	to = nla_get_u32(tb[TCPSM_A_TRANSITION_TO]);
	if (from < TCPSM_NUM_STATES && to < TCPSM_NUM_STATES)
		st->trans[from][to] = nla_get_u64(tb[TCPSM_A_TRANSITION_COUNT]);
	return 0;
}

int tcpsm_stats_parse(struct nlmsghdr *nlh, struct tcpsm_stats *st)
{
	struct nlattr *tb[TCPSM_A_STATS_MAX + 1];
	struct genlmsghdr *gnlh;
	struct nlattr *nla;
	int rem, r;

	memset(st, 0, sizeof(*st));
	/* Checks the header and every attribute we know; ignores others. */
	if (genlmsg_parse(nlh, 0, tb, TCPSM_A_STATS_MAX, stats_policy) < 0)
		return -EBADMSG;
	if (tb[TCPSM_A_STATS_NETNS]) {
		st->has_netns = true;
		st->netns = nla_get_u32(tb[TCPSM_A_STATS_NETNS]);
	}
	if (tb[TCPSM_A_STATS_EVENTS_DROPPED]) {
		st->has_events_dropped = true;
		st->events_dropped = nla_get_u64(tb[TCPSM_A_STATS_EVENTS_DROPPED]);
	}
	if (tb[TCPSM_A_STATS_CLOSEWAIT_UNTRACKED]) {
		st->has_closewait_untracked = true;
		st->closewait_untracked =
			nla_get_u64(tb[TCPSM_A_STATS_CLOSEWAIT_UNTRACKED]);
	}
	if (tb[TCPSM_A_STATS_ALARMS_ACTIVE]) {
		st->has_alarms_active = true;
		st->alarms_active = nla_get_u32(tb[TCPSM_A_STATS_ALARMS_ACTIVE]);
	}

	/* nla_parse() keeps only the last of a repeated attribute: walk. */
	gnlh = genlmsg_hdr(nlh);
	nla_for_each_attr(nla, genlmsg_attrdata(gnlh, 0),
			  genlmsg_attrlen(gnlh, 0), rem) {
		switch (nla_type(nla)) {
		case TCPSM_A_STATS_STATE:
			r = parse_state_count(nla, st);
			break;
		case TCPSM_A_STATS_TRANSITION:
			r = parse_transition(nla, st);
			break;
		case TCPSM_A_STATS_SYN_COUNTER:
			r = tcpsm_syncnt_parse(nla, &st->syn);
			break;
		default:
			r = 0;
			break;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

static int on_stats_reply(struct nlmsghdr *nlh, void *arg)
{
	struct tcpsm_stats_set *set = arg;
	int r;

	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 4;
		struct tcpsm_stats *v = realloc(set->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		set->v = v;
		set->cap = cap;
	}
	r = tcpsm_stats_parse(nlh, &set->v[set->n]);
	if (r < 0)
		return r;
	set->n++;
	return 0;
}

static int fill_all_netns(struct nl_msg *msg, void *arg)
{
	(void)arg;
	return nla_put_flag(msg, TCPSM_A_STATS_ALL_NETNS) < 0 ? -EMSGSIZE : 0;
}

int tcpsm_stats_request(struct tcpsm_nl *nl, bool all,
			struct tcpsm_stats_set *set)
{
	memset(set, 0, sizeof(*set));
	return tcpsm_nl_request(nl, TCPSM_CMD_GET_STATS, all ? NLM_F_DUMP : 0,
				all ? fill_all_netns : NULL, NULL,
				on_stats_reply, set);
}

void tcpsm_stats_set_free(struct tcpsm_stats_set *set)
{
	free(set->v);
	memset(set, 0, sizeof(*set));
}
