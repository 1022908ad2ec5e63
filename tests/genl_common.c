// SPDX-License-Identifier: GPL-2.0
/* See genl_common.h. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "genl_common.h"

#define STR_(x)	#x
#define STR(x)	STR_(x)
#define RANGE(lo, hi)	" must be " STR(lo) ".." STR(hi)

const struct setting keys[NKEYS] = {
	[K_COUNT] = { "closewait.count", "closewait_count",
		CW_COUNT_MIN, CW_COUNT_MAX,
		"closewait.count" RANGE(CW_COUNT_MIN, CW_COUNT_MAX) },
	[K_AGE] = { "closewait.age", "closewait_age",
		CW_AGE_MIN, CW_AGE_MAX,
		"closewait.age" RANGE(CW_AGE_MIN, CW_AGE_MAX) " (seconds)" },
	[K_WINDOW] = { "closewait.window", "closewait_window",
		CW_WINDOW_MIN, CW_WINDOW_MAX,
		"closewait.window" RANGE(CW_WINDOW_MIN, CW_WINDOW_MAX)
		" (samples)" },
	[K_RAISE] = { "synflood.raise", "synflood_raise",
		SF_RAISE_MIN, SF_RAISE_MAX,
		"synflood.raise" RANGE(SF_RAISE_MIN, SF_RAISE_MAX) },
	[K_CLEAR] = { "synflood.clear", "synflood_clear",
		SF_CLEAR_MIN, SF_CLEAR_MAX,
		"synflood.clear" RANGE(SF_CLEAR_MIN, SF_CLEAR_MAX) },
	[K_DURATION] = { "synflood.duration", "synflood_duration",
		SF_DURATION_MIN, SF_DURATION_MAX,
		"synflood.duration" RANGE(SF_DURATION_MIN, SF_DURATION_MAX)
		" (samples)" },
};

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
