// SPDX-License-Identifier: GPL-2.0
/* tcpsm: where `tcpsm top` reads its numbers (see topsrc.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include <linux/tcpsm.h>

#include "diag.h"
#include "latency.h"
#include "listener.h"
#include "topsrc.h"

int top_src_open(struct top_src *src)
{
	memset(src, 0, sizeof(*src));
	return tcpsm_nl_open(&src->nl);
}

void top_src_close(struct top_src *src)
{
	tcpsm_nl_close(&src->nl);
}

static int read_own(struct top_src *src, struct tcpsm_stats *st)
{
	struct tcpsm_stats_set rs;
	int r = tcpsm_stats_request(&src->nl, false, &rs);

	if (r == 0 && rs.n == 0)
		r = -ENODATA;
	if (r == 0) {
		*st = rs.v[0];
		if (st->has_netns) {
			src->has_own = true;
			src->own = st->netns;
		}
	}
	tcpsm_stats_set_free(&rs);
	return r;
}

/* Find inode netns in a dump; NULL if it is not there. */
static const struct tcpsm_stats *find(const struct tcpsm_stats_set *rs, uint32_t netns)
{
	for (size_t i = 0; i < rs->n; i++)
		if (rs->v[i].has_netns && rs->v[i].netns == netns)
			return &rs->v[i];
	return NULL;
}

int top_src_read(struct top_src *src, struct tcpsm_stats *st)
{
	const struct tcpsm_stats *found;
	struct tcpsm_stats_set rs;
	int r;

	if (!src->follow)
		return read_own(src, st);
	r = tcpsm_stats_request(&src->nl, true, &rs);
	if (r == 0) {
		found = find(&rs, src->netns);
		if (found)
			*st = *found;
		else
			r = -ENOENT;
	}
	tcpsm_stats_set_free(&rs);
	if (r == -ENOENT || r == -EPERM || r == -EACCES) {
		/* gone, or no longer allowed: back to our own */
		src->follow = false;
		r = read_own(src, st);
		return r < 0 ? r : TOP_SRC_OWN_AGAIN;
	}
	return r;
}

int top_src_alarms(struct top_src *src, struct tcpsm_alarm_set *set)
{
	if (src->follow) {
		memset(set, 0, sizeof(*set));
		return -ENOENT;
	}
	return tcpsm_alarms_request(&src->nl, false, set);
}

uint32_t top_src_pressure(struct top_src *src)
{
	struct tcpsm_listener_set set;
	uint32_t max = 0;

	if (src->follow)
		return 0;
	if (tcpsm_listeners_request(&src->nl, false, &set) == 0)
		max = tcpsm_listener_max_score(&set);
	tcpsm_listener_set_free(&set);
	return max;
}

void top_fmt_dwell(uint64_t us, char *buf, size_t size)
{
	if (us < 1000)
		snprintf(buf, size, "%" PRIu64 "us", us);
	else if (us < 1000000)
		snprintf(buf, size, "%" PRIu64 "ms", us / 1000);
	else if (us < 60000000)
		snprintf(buf, size, "%.1fs", (double)us / 1e6);
	else if (us < 3600000000ULL)
		snprintf(buf, size, "%.1fm", (double)us / 60e6);
	else if (us < 86400000000ULL)
		snprintf(buf, size, "%.1fh", (double)us / 3600e6);
	else
		snprintf(buf, size, "%.1fd", (double)us / 86400e6);
}

int top_src_dwell(struct top_src *src, char out[][TOP_DWELL_MAX + 1])
{
	struct tcpsm_lat_set set;
	uint32_t netns = src->follow ? src->netns : src->own;
	unsigned int s;
	int r;

	r = tcpsm_lat_request(&src->nl, src->follow, &set);
	if (r < 0) {
		tcpsm_lat_set_free(&set);
		return r;
	}
	for (s = 0; s < TCPSM_NUM_STATES; s++)
		snprintf(out[s], TOP_DWELL_MAX + 1, "-");
	for (size_t i = 0; i < set.n; i++) {
		const struct tcpsm_lat_hist *h = &set.v[i];

		if (h->has_port || h->state >= TCPSM_NUM_STATES || !h->count ||
		    ((src->follow || src->has_own) && h->netns != netns))
			continue;
		top_fmt_dwell(tcpsm_lat_quantile_us(h, 0.5), out[h->state],
			      TOP_DWELL_MAX + 1);
	}
	tcpsm_lat_set_free(&set);
	return 0;
}

void top_src_perror(const struct top_src *src, int err)
{
	if (src->nl.reply_err == -EBADMSG) {
		tcpsm_err("malformed GET_STATS reply from the kernel (module and tool out of step?)");
		return;
	}
	if (err == -ENODATA && !src->nl.err) {
		tcpsm_err("the kernel sent no statistics");
		return;
	}
	tcpsm_nl_perror(&src->nl, err, "reading statistics failed",
			err == -EPERM || err == -EACCES ? "try: sudo tcpsm top" : NULL);
}

int top_src_next(struct top_src *src, uint32_t current,
		 struct tcpsm_stats *st, char *msg, size_t len)
{
	const struct tcpsm_stats *next = NULL;
	struct tcpsm_stats_set rs;
	size_t i;
	int r;

	r = tcpsm_stats_request(&src->nl, true, &rs);
	if (r < 0) {
		snprintf(msg, len, "n: %s: %s",
			 src->nl.ext.has_msg ? src->nl.ext.msg :
			 "cannot list the other namespaces", strerror(-r));
		tcpsm_stats_set_free(&rs);
		return r;
	}
	for (i = 0; i < rs.n; i++)
		if (rs.v[i].has_netns && rs.v[i].netns == current)
			break;
	/* the one after current; the first if current is not listed */
	next = rs.n ? &rs.v[i < rs.n ? (i + 1) % rs.n : 0] : NULL;
	if (!next || !next->has_netns || (next->netns == current)) {
		snprintf(msg, len, "n: no other network namespace");
		tcpsm_stats_set_free(&rs);
		return -ENOENT;
	}
	*st = *next;
	src->follow = !(src->has_own && next->netns == src->own);
	src->netns = next->netns;
	snprintf(msg, len, "netns %" PRIu32 "%s (%zu of %zu)", next->netns,
		 src->follow ? "" : ", our own", (size_t)(next - rs.v) + 1, rs.n);
	tcpsm_stats_set_free(&rs);
	return 0;
}
