// SPDX-License-Identifier: GPL-2.0
/* tcpsm: GET_LATENCY: the dump, its decoding, quantiles (latency.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include <linux/tcpsm.h>

#include "latency.h"
#include "nl.h"

static struct nla_policy lat_policy[TCPSM_A_LATENCY_MAX + 1] = {
	[TCPSM_A_LATENCY_NETNS]		= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_LATENCY_STATE]		= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_LATENCY_PORT]		= { .type = NLA_U16, .maxlen = 2 },
	[TCPSM_A_LATENCY_COUNT]		= { .type = NLA_U64, .maxlen = 8 },
	[TCPSM_A_LATENCY_SUM_NS]	= { .type = NLA_U64, .maxlen = 8 },
	[TCPSM_A_LATENCY_UNKNOWN]	= { .type = NLA_U64, .maxlen = 8 },
	[TCPSM_A_LATENCY_BUCKET]	= { .type = NLA_U64, .maxlen = 8 },
	[TCPSM_A_LATENCY_PORT_OVERFLOW]	= { .type = NLA_U64, .maxlen = 8 },
};

static const int lat_required[] = {
	TCPSM_A_LATENCY_NETNS, TCPSM_A_LATENCY_STATE, TCPSM_A_LATENCY_COUNT,
	TCPSM_A_LATENCY_SUM_NS, TCPSM_A_LATENCY_UNKNOWN,
};

int tcpsm_lat_parse(struct nlmsghdr *nlh, struct tcpsm_lat_hist *h)
{
	struct nlattr *tb[TCPSM_A_LATENCY_MAX + 1];
	struct genlmsghdr *gnlh;
	struct nlattr *nla;
	unsigned int nb = 0;
	uint64_t sum = 0;
	int rem;

	memset(h, 0, sizeof(*h));
	if (genlmsg_parse(nlh, 0, tb, TCPSM_A_LATENCY_MAX, lat_policy) < 0)
		return -EBADMSG;
	for (size_t i = 0; i < sizeof(lat_required) / sizeof(lat_required[0]); i++)
		if (!tb[lat_required[i]])
			return -EBADMSG;
	h->netns = nla_get_u32(tb[TCPSM_A_LATENCY_NETNS]);
	h->state = nla_get_u32(tb[TCPSM_A_LATENCY_STATE]);
	if (tb[TCPSM_A_LATENCY_PORT]) {
		h->has_port = true;
		h->port = nla_get_u16(tb[TCPSM_A_LATENCY_PORT]);
	}
	h->count = nla_get_u64(tb[TCPSM_A_LATENCY_COUNT]);
	h->sum_ns = nla_get_u64(tb[TCPSM_A_LATENCY_SUM_NS]);
	h->unknown = nla_get_u64(tb[TCPSM_A_LATENCY_UNKNOWN]);
	if (tb[TCPSM_A_LATENCY_PORT_OVERFLOW]) {
		h->has_port_overflow = true;
		h->port_overflow = nla_get_u64(tb[TCPSM_A_LATENCY_PORT_OVERFLOW]);
	}
	gnlh = genlmsg_hdr(nlh);
	nla_for_each_attr(nla, genlmsg_attrdata(gnlh, 0),
			  genlmsg_attrlen(gnlh, 0), rem) {
		if (nla_type(nla) != TCPSM_A_LATENCY_BUCKET)
			continue;
		if (nb == TCPSM_LAT_BUCKETS || nla_len(nla) != 8)
			return -EBADMSG;
		h->bucket[nb] = nla_get_u64(nla);
		sum += h->bucket[nb++];
	}
	if (nb != TCPSM_LAT_BUCKETS || sum != h->count)
		return -EBADMSG;
	return 0;
}

void tcpsm_lat_set_free(struct tcpsm_lat_set *set)
{
	free(set->v);
	memset(set, 0, sizeof(*set));
}

static int on_lat_reply(struct nlmsghdr *nlh, void *arg)
{
	struct tcpsm_lat_set *set = arg;

	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 16;
		struct tcpsm_lat_hist *v = realloc(set->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		set->v = v;
		set->cap = cap;
	}
	if (tcpsm_lat_parse(nlh, &set->v[set->n]) < 0)
		return -EBADMSG;
	set->n++;
	return 0;
}

static void reset_lat(void *set)
{
	tcpsm_lat_set_free(set);
}

int tcpsm_lat_request(struct tcpsm_nl *nl, bool all, struct tcpsm_lat_set *set)
{
	memset(set, 0, sizeof(*set));
	return tcpsm_nl_dump(nl, TCPSM_CMD_GET_LATENCY,
			     all ? TCPSM_A_LATENCY_ALL_NETNS : 0,
			     on_lat_reply, set, reset_lat);
}

uint64_t tcpsm_lat_le_us(unsigned int i)
{
	return i + 1 >= TCPSM_LAT_BUCKETS ? UINT64_MAX : (uint64_t)1 << i;
}

uint64_t tcpsm_lat_quantile_us(const struct tcpsm_lat_hist *h, double q)
{
	double rank, below = 0, lo, hi;
	unsigned int i;

	if (!h->count)
		return 0;
	rank = q * (double)h->count;
	for (i = 0; i < TCPSM_LAT_BUCKETS; i++) {
		if (below + (double)h->bucket[i] >= rank && h->bucket[i])
			break;
		below += (double)h->bucket[i];
	}
	if (i >= TCPSM_LAT_BUCKETS)
		i = TCPSM_LAT_BUCKETS - 1;
	lo = i ? (double)tcpsm_lat_le_us(i - 1) : 0;
	if (i + 1 >= TCPSM_LAT_BUCKETS)
		return (uint64_t)lo;
	hi = (double)tcpsm_lat_le_us(i);
	return (uint64_t)(lo + (hi - lo) * (rank - below) / (double)h->bucket[i] + 0.5);
}

const char *tcpsm_lat_port_side(uint32_t state)
{
	switch (state) {
	case TCPSM_STATE_SYN_SENT:
		return "remote";
	case TCPSM_STATE_SYN_RCVD:
	case TCPSM_STATE_CLOSE_WAIT:
		return "local";
	default:
		return NULL;
	}
}
