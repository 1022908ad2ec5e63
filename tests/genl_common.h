/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What genl_errors and genl_fuzz both know of the tcpsm generic netlink
 * family: the alarm settings (their expected ranges and refusals, written
 * here once), and small helpers. Built into both (tests/Makefile).
 */
#ifndef _GENL_COMMON_H
#define _GENL_COMMON_H

#include <stdbool.h>

#include <linux/types.h>
#include <linux/tcpsm.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* the syn-counter names, 1..7 (enum tcpsm_syn_counter) */
#define NSYNCOUNTERS	TCPSM_SYN_COUNTER_LISTEN_DROPS

/*
 * The ranges of the alarm settings, as tcpsm_settings[] in
 * kmod/tcpsm_alarm.c and Documentation/netlink/specs/tcpsm.yaml have
 * them. Written here once, on purpose not taken from either: the tests
 * are an independent truth to check the kernel against.
 */
#define CW_COUNT_MIN	1
#define CW_COUNT_MAX	1000000
#define CW_AGE_MIN	0
#define CW_AGE_MAX	86400
#define CW_WINDOW_MIN	1
#define CW_WINDOW_MAX	60
#define SF_RAISE_MIN	1
#define SF_RAISE_MAX	100
#define SF_CLEAR_MIN	0
#define SF_CLEAR_MAX	99
#define SF_DURATION_MIN	1
#define SF_DURATION_MAX	60

/*
 * The indices of the settings, in tcpsm's table order (the order it
 * checks them in): the attribute of setting i is
 * TCPSM_A_CONFIG_CLOSEWAIT_COUNT + i.
 */
enum { K_COUNT, K_AGE, K_WINDOW, K_RAISE, K_CLEAR, K_DURATION, NKEYS };

struct setting {
	const char *key;	/* tcpsm config's name */
	const char *param;	/* the module parameter: a new namespace's value */
	__u32 min, max;
	const char *refuse;	/* tcpsm_setting_refuse()'s message */
};

extern const struct setting keys[NKEYS];

/* after the ranges: the resulting clear must be below the resulting raise */
#define CLEAR_BELOW_RAISE	"synflood.clear must be below synflood.raise"

struct cfgv {
	/* closewait count, age, window; synflood raise, clear, duration */
	__u32 v[NKEYS];
};

bool cfg_eq(const struct cfgv *a, const struct cfgv *b);
/* "count N age N ...": four calls' results can be used at once */
const char *cfg_str(const struct cfgv *c);
/* the settings a new namespace gets: tcpsm's module parameters */
bool read_params(struct cfgv *c);

/* the inode of this thread's network namespace, 0 if unknown */
__u32 own_netns(void);

/*
 * Generic netlink split ops (6.2 and later): commands looked up with
 * their kind (do or dump). True if the release cannot be read.
 */
bool kernel_split_ops(void);

#endif /* _GENL_COMMON_H */
