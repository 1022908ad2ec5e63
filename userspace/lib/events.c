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

#include <linux/tcpsm.h>

#include "addr.h"
#include "events.h"
#include "states.h"

/* ---- parsing ------------------------------------------------------------ */

int tcpsm_event_parse(const struct nlattr *rec, struct tcpsm_event *ev)
{
	struct tcpsm_event_record r;

	memset(ev, 0, sizeof(*ev));
	/* a newer module may append members: the ones we know come first */
	if (nla_len(rec) < (int)sizeof(r))
		return -EBADMSG;
	memcpy(&r, nla_data(rec), sizeof(r));	/* attributes are 4-aligned */
	if (tcpsm_addr_len(r.family) < 0 || r.seq == 0)
		return -EBADMSG;

	ev->seq = r.seq;
	ev->ts = r.ts;
	ev->netns = r.netns;
	ev->family = r.family;
	memcpy(ev->saddr, r.saddr, sizeof(ev->saddr));
	memcpy(ev->daddr, r.daddr, sizeof(ev->daddr));
	ev->sport = r.sport;
	ev->dport = r.dport;
	ev->from = r.from;
	ev->to = r.to;
	/* the kernel's cookies start at 1 */
	ev->has_cookie = r.cookie != 0;
	ev->cookie = r.cookie;
	ev->has_tis = r.time_in_from_ns != UINT64_MAX;
	ev->tis = ev->has_tis ? r.time_in_from_ns : 0;
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
