// SPDX-License-Identifier: GPL-2.0
/*
 * tcpsm: the event record, its decoder, the filters and the gap check
 * (events.h).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include <linux/tcpsm.h>

#include "addr.h"
#include "events.h"
#include "states.h"

/* ---- parsing ------------------------------------------------------------ */

/* Fixed sizes are exact: a u16 sent as 4 bytes is not ours to guess at. */
static struct nla_policy event_policy[TCPSM_A_EVENT_MAX + 1] = {
	[TCPSM_A_EVENT_SEQ]	= { .type = NLA_U64, .maxlen = 8 },
	[TCPSM_A_EVENT_TS]	= { .type = NLA_U64, .maxlen = 8 },
	[TCPSM_A_EVENT_NETNS]	= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_EVENT_FAMILY]	= { .type = NLA_U16, .maxlen = 2 },
	[TCPSM_A_EVENT_SADDR]	= { .type = NLA_UNSPEC, .minlen = 4, .maxlen = 16 },
	[TCPSM_A_EVENT_DADDR]	= { .type = NLA_UNSPEC, .minlen = 4, .maxlen = 16 },
	[TCPSM_A_EVENT_SPORT]	= { .type = NLA_U16, .maxlen = 2 },
	[TCPSM_A_EVENT_DPORT]	= { .type = NLA_U16, .maxlen = 2 },
	[TCPSM_A_EVENT_FROM]	= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_EVENT_TO]	= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_EVENT_COOKIE]	= { .type = NLA_U64, .maxlen = 8 },
	[TCPSM_A_EVENT_TIME_IN_FROM_NS] = { .type = NLA_U64, .maxlen = 8 },
};

/* Every attribute of an event but the cookie and the time in state. */
static const int event_required[] = {
	TCPSM_A_EVENT_SEQ, TCPSM_A_EVENT_TS, TCPSM_A_EVENT_NETNS,
	TCPSM_A_EVENT_FAMILY, TCPSM_A_EVENT_SADDR, TCPSM_A_EVENT_DADDR,
	TCPSM_A_EVENT_SPORT, TCPSM_A_EVENT_DPORT, TCPSM_A_EVENT_FROM,
	TCPSM_A_EVENT_TO,
};

int tcpsm_event_parse(struct nlattr *nest, struct tcpsm_event *ev)
{
	struct nlattr *tb[TCPSM_A_EVENT_MAX + 1];
	int alen;

	memset(ev, 0, sizeof(*ev));
	if (nla_parse_nested(tb, TCPSM_A_EVENT_MAX, nest, event_policy) < 0)
		return -EBADMSG;
	for (size_t i = 0; i < sizeof(event_required) / sizeof(event_required[0]); i++)
		if (!tb[event_required[i]])
			return -EBADMSG;

	ev->family = nla_get_u16(tb[TCPSM_A_EVENT_FAMILY]);
	alen = tcpsm_addr_len(ev->family);
	if (alen < 0 || nla_len(tb[TCPSM_A_EVENT_SADDR]) != alen ||
	    nla_len(tb[TCPSM_A_EVENT_DADDR]) != alen)
		return -EBADMSG;
	ev->seq = nla_get_u64(tb[TCPSM_A_EVENT_SEQ]);
	if (ev->seq == 0)
		return -EBADMSG;

	ev->ts = nla_get_u64(tb[TCPSM_A_EVENT_TS]);
	ev->netns = nla_get_u32(tb[TCPSM_A_EVENT_NETNS]);
	memcpy(ev->saddr, nla_data(tb[TCPSM_A_EVENT_SADDR]), (size_t)alen);
	memcpy(ev->daddr, nla_data(tb[TCPSM_A_EVENT_DADDR]), (size_t)alen);
	ev->sport = nla_get_u16(tb[TCPSM_A_EVENT_SPORT]);
	ev->dport = nla_get_u16(tb[TCPSM_A_EVENT_DPORT]);
	ev->from = nla_get_u32(tb[TCPSM_A_EVENT_FROM]);
	ev->to = nla_get_u32(tb[TCPSM_A_EVENT_TO]);
	if (tb[TCPSM_A_EVENT_COOKIE]) {
		ev->has_cookie = true;
		ev->cookie = nla_get_u64(tb[TCPSM_A_EVENT_COOKIE]);
	}
	if (tb[TCPSM_A_EVENT_TIME_IN_FROM_NS]) {
		ev->has_tis = true;
		ev->tis = nla_get_u64(tb[TCPSM_A_EVENT_TIME_IN_FROM_NS]);
	}
	return 0;
}

/* ---- filters ------------------------------------------------------------ */

typedef bool (*filter_add_fn)(struct tcpsm_event_filter *f, const char *item);

static const char *filter_list(struct tcpsm_event_filter *f, char *list,
			       filter_add_fn add)
{
	char *item;

	while ((item = strsep(&list, ",")) != NULL)
		if (!add(f, item))
			return item;
	return NULL;
}

static bool add_state(struct tcpsm_event_filter *f, const char *item)
{
	int state = tcpsm_state_from_name(item);

	if (state < 0)
		return false;
	f->states |= 1u << state;
	return true;
}

static bool add_port(struct tcpsm_event_filter *f, const char *item)
{
	unsigned long port = 0;
	size_t i;

	if (item[0] == '\0' || strlen(item) > 5)
		return false;
	for (i = 0; item[i]; i++) {
		if (!isdigit((unsigned char)item[i]))
			return false;
		port = port * 10 + (unsigned long)(item[i] - '0');
	}
	if (port > 65535)
		return false;
	f->ports[port / 8] |= (uint8_t)(1u << (port % 8));
	f->has_ports = true;
	return true;
}

static bool add_family(struct tcpsm_event_filter *f, const char *item)
{
	if (strcasecmp(item, "inet") == 0 || strcmp(item, "4") == 0)
		f->families |= TCPSM_EV_INET;
	else if (strcasecmp(item, "inet6") == 0 || strcmp(item, "6") == 0)
		f->families |= TCPSM_EV_INET6;
	else
		return false;
	return true;
}

const char *tcpsm_event_filter_states(struct tcpsm_event_filter *f, char *list)
{
	return filter_list(f, list, add_state);
}

const char *tcpsm_event_filter_ports(struct tcpsm_event_filter *f, char *list)
{
	return filter_list(f, list, add_port);
}

const char *tcpsm_event_filter_families(struct tcpsm_event_filter *f, char *list)
{
	return filter_list(f, list, add_family);
}

static uint32_t state_bit(uint32_t state)
{
	return state < 32 ? 1u << state : 0;
}

static bool port_set(const struct tcpsm_event_filter *f, uint16_t port)
{
	return f->ports[port / 8] & (1u << (port % 8));
}

bool tcpsm_event_match(const struct tcpsm_event_filter *f,
		       const struct tcpsm_event *ev)
{
	unsigned int fam = ev->family == AF_INET6 ? TCPSM_EV_INET6 : TCPSM_EV_INET;

	if (f->states && !(f->states & (state_bit(ev->from) | state_bit(ev->to))))
		return false;
	if (f->families && !(f->families & fam))
		return false;
	if (f->has_ports && !port_set(f, ev->sport) && !port_set(f, ev->dport))
		return false;
	return true;
}

/* ---- sequence numbers --------------------------------------------------- */

static struct tcpsm_seq_ns *seq_find(struct tcpsm_seq_track *t, uint32_t netns)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].netns == netns)
			return &t->v[i];
	return NULL;
}

/* A new namespace, or NULL when out of memory (then gaps go unseen). */
static struct tcpsm_seq_ns *seq_add(struct tcpsm_seq_track *t, uint32_t netns,
				    uint64_t seq)
{
	struct tcpsm_seq_ns *ns;

	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 4;

		ns = realloc(t->v, cap * sizeof(*ns));
		if (!ns)
			return NULL;
		t->v = ns;
		t->cap = cap;
	}
	ns = &t->v[t->n++];
	ns->netns = netns;
	ns->last = seq;
	return ns;
}

bool tcpsm_seq_note(struct tcpsm_seq_track *t, uint32_t netns, uint64_t seq,
		    struct tcpsm_lost *lost)
{
	struct tcpsm_seq_ns *ns = seq_find(t, netns);
	uint64_t prev;

	if (!ns) {
		/* what came before we subscribed is not lost */
		seq_add(t, netns, seq);
		return false;
	}
	prev = ns->last;
	ns->last = seq;
	if (seq <= prev || seq == prev + 1)
		return false;
	lost->netns = netns;
	lost->from_seq = prev + 1;
	lost->to_seq = seq - 1;
	return true;
}

void tcpsm_seq_free(struct tcpsm_seq_track *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}
