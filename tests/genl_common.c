// SPDX-License-Identifier: GPL-2.0
/* See genl_common.h. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include <linux/netlink.h>

#include "genl_common.h"

const struct setting keys[NKEYS] = {
	[K_COUNT] = { "closewait.count", "closewait_count",
		CW_COUNT_MIN, CW_COUNT_MAX },
	[K_AGE] = { "closewait.age", "closewait_age", CW_AGE_MIN, CW_AGE_MAX },
	[K_WINDOW] = { "closewait.window", "closewait_window",
		CW_WINDOW_MIN, CW_WINDOW_MAX },
	[K_RAISE] = { "synflood.raise", "synflood_raise",
		SF_RAISE_MIN, SF_RAISE_MAX },
	[K_CLEAR] = { "synflood.clear", "synflood_clear",
		SF_CLEAR_MIN, SF_CLEAR_MAX },
	[K_DURATION] = { "synflood.duration", "synflood_duration",
		SF_DURATION_MIN, SF_DURATION_MAX },
};

const struct want_policy NO_POLICY = { 0, 0, 0 };
const struct want_policy FLAG_POLICY = { NL_ATTR_TYPE_FLAG, 0, 0 };

struct want_policy setting_policy(int k)
{
	struct want_policy w = { NL_ATTR_TYPE_U32, keys[k].min, keys[k].max };

	return w;
}

void ack_policy_parse(const void *data, size_t len, struct ack_policy *p)
{
	const unsigned char *b = data;
	size_t off = 0;

	memset(p, 0, sizeof(*p));
	p->present = true;
	while (off + NLA_HDRLEN <= len) {
		const struct nlattr *a = (const void *)(b + off);
		size_t plen;

		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > len) {
			p->bad = true;
			return;
		}
		plen = a->nla_len - NLA_HDRLEN;
		switch (a->nla_type & NLA_TYPE_MASK) {
		case NL_POLICY_TYPE_ATTR_TYPE:
			if (plen != 4 || p->type)
				p->bad = true;
			else
				memcpy(&p->type, b + off + NLA_HDRLEN, 4);
			break;
		case NL_POLICY_TYPE_ATTR_MIN_VALUE_U:
			if (plen != 8 || p->has_min)
				p->bad = true;
			else
				memcpy(&p->min, b + off + NLA_HDRLEN, 8);
			p->has_min = true;
			break;
		case NL_POLICY_TYPE_ATTR_MAX_VALUE_U:
			if (plen != 8 || p->has_max)
				p->bad = true;
			else
				memcpy(&p->max, b + off + NLA_HDRLEN, 8);
			p->has_max = true;
			break;
		case NL_POLICY_TYPE_ATTR_PAD:
			if (plen)
				p->bad = true;
			break;
		default:
			p->nother++;
			break;
		}
		off += NLA_ALIGN(a->nla_len);
	}
	if (off < len)
		p->bad = true;
}

const char *ack_policy_mismatch(const struct ack_policy *got,
				const struct want_policy *want)
{
	static char why[160];

	if (!want->type) {
		if (!got->present)
			return NULL;
		snprintf(why, sizeof(why),
			 "NLMSGERR_ATTR_POLICY (type %u) where none was expected",
			 got->type);
		return why;
	}
	if (!got->present) {
		snprintf(why, sizeof(why),
			 "no NLMSGERR_ATTR_POLICY, expected type %u", want->type);
		return why;
	}
	if (got->bad || got->nother) {
		snprintf(why, sizeof(why),
			 "NLMSGERR_ATTR_POLICY malformed (%d unexpected attributes)",
			 got->nother);
		return why;
	}
	if (got->type != want->type) {
		snprintf(why, sizeof(why),
			 "NLMSGERR_ATTR_POLICY of type %u, expected %u",
			 got->type, want->type);
		return why;
	}
	if (want->type != NL_ATTR_TYPE_U32) {
		if (!got->has_min && !got->has_max)
			return NULL;
		snprintf(why, sizeof(why),
			 "NLMSGERR_ATTR_POLICY of type %u with a range", got->type);
		return why;
	}
	if (!got->has_min || !got->has_max || got->min != want->min ||
	    got->max != want->max) {
		snprintf(why, sizeof(why),
			 "NLMSGERR_ATTR_POLICY range %s%llu..%s%llu, expected %llu..%llu",
			 got->has_min ? "" : "(none) ",
			 (unsigned long long)got->min,
			 got->has_max ? "" : "(none) ",
			 (unsigned long long)got->max,
			 (unsigned long long)want->min,
			 (unsigned long long)want->max);
		return why;
	}
	return NULL;
}

bool cfg_eq(const struct cfgv *a, const struct cfgv *b)
{
	return !memcmp(a, b, sizeof(*a));
}

const char *cfg_str(const struct cfgv *c)
{
	static char buf[4][128];
	static int i;
	char *s = buf[i++ & 3];

	snprintf(s, sizeof(buf[0]),
		 "count %u age %u window %u raise %u clear %u duration %u",
		 c->v[K_COUNT], c->v[K_AGE], c->v[K_WINDOW], c->v[K_RAISE],
		 c->v[K_CLEAR], c->v[K_DURATION]);
	return s;
}

bool read_params(struct cfgv *c)
{
	char path[96];
	int i, ok;

	for (i = 0; i < NKEYS; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "/sys/module/tcpsm/parameters/%s",
			 keys[i].param);
		f = fopen(path, "r");
		if (!f)
			return false;
		ok = fscanf(f, "%u", &c->v[i]) == 1;
		fclose(f);
		if (!ok)
			return false;
	}
	return true;
}

__u32 own_netns(void)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st))
		return 0;
	return (__u32)st.st_ino;
}

bool kernel_split_ops(void)
{
	struct utsname u;
	int maj = 0, min = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &maj, &min) != 2)
		return true;
	return maj > 6 || (maj == 6 && min >= 2);
}

int all_netns_attr(int cmd)
{
	switch (cmd) {
	case TCPSM_CMD_GET_STATS:
		return TCPSM_A_STATS_ALL_NETNS;
	case TCPSM_CMD_GET_CLOSEWAIT:
		return TCPSM_A_CLOSEWAIT_ALL_NETNS;
	case TCPSM_CMD_GET_ALARMS:
		return TCPSM_A_ALARM_ALL_NETNS;
	case TCPSM_CMD_GET_LISTENERS:
		return TCPSM_A_LISTENERS_ALL_NETNS;
	case TCPSM_CMD_GET_LATENCY:
		return TCPSM_A_LATENCY_ALL_NETNS;
	}
	return 0;
}
