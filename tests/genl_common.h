/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What genl_errors and genl_fuzz both know of the tcpsm generic netlink
 * family: the alarm settings (their expected ranges and refusals, written
 * here once), and small helpers. Built into both (tests/Makefile).
 */
#ifndef _GENL_COMMON_H
#define _GENL_COMMON_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/types.h>
#include <linux/tcpsm.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* the syn-counter names, 1..7 (enum tcpsm_syn_counter) */
#define NSYNCOUNTERS	TCPSM_SYN_COUNTER_LISTEN_DROPS

/*
 * The ranges of the alarm settings, as Documentation/netlink/specs/tcpsm.yaml
 * has them (its checks: min, max), from which kmod/tcpsm_nl.c's SET_CONFIG
 * policy is generated. Written here once, on purpose not taken from either:
 * the tests are an independent truth to check the kernel against.
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
 * The indices of the settings, in the order of their attributes: the
 * attribute of setting i is TCPSM_A_CONFIG_CLOSEWAIT_COUNT + i.
 */
enum { K_COUNT, K_AGE, K_WINDOW, K_RAISE, K_CLEAR, K_DURATION, NKEYS };

struct setting {
	const char *key;	/* tcpsm config's name */
	const char *param;	/* the module parameter: a new namespace's value */
	__u32 min, max;
};

/* the one table of the settings and their ranges */
extern const struct setting keys[NKEYS];

/*
 * A SET_CONFIG value out of its range is refused by generic netlink's
 * policy validation before tcpsm's handler runs, in message order (the
 * first attribute out of range is the one reported, a repeated attribute
 * is checked each time): -ERANGE, this message
 * (nla_validate_range_unsigned() in lib/nlattr.c, 6.1 and 6.12 alike),
 * NLMSGERR_ATTR_OFFS at the attribute and NLMSGERR_ATTR_POLICY with
 * the attribute's type (u32) and range.
 */
#define RANGE_MSG	"integer out of range"

/* after the ranges: the resulting clear must be below the resulting raise */
#define CLEAR_BELOW_RAISE	"synflood.clear must be below synflood.raise"

/*
 * NLMSGERR_ATTR_POLICY of an extended ACK: the policy of the refused
 * attribute, as netlink_policy_dump_write_attr() writes it (set when the
 * kernel refused the attribute with NL_SET_ERR_MSG_ATTR_POL: a type or a
 * range it broke; none for an unknown or unsupported type, nor for
 * genl_policy_reject_all's NLA_REJECT, which it cannot describe).
 */
struct ack_policy {
	bool present;
	bool bad;		/* malformed: a nested attribute of a wrong size or twice */
	__u32 type;		/* NL_POLICY_TYPE_ATTR_TYPE (NL_ATTR_TYPE_*), 0: none */
	bool has_min, has_max;
	__u64 min, max;		/* NL_POLICY_TYPE_ATTR_MIN_VALUE_U, _MAX_VALUE_U */
	int nother;		/* other attributes in it */
};

/* the payload (@len bytes at @data) of an NLMSGERR_ATTR_POLICY into *@p */
void ack_policy_parse(const void *data, size_t len, struct ack_policy *p);

/* what NLMSGERR_ATTR_POLICY must say */
struct want_policy {
	__u32 type;		/* NL_ATTR_TYPE_*; 0: no NLMSGERR_ATTR_POLICY at all */
	__u64 min, max;		/* NL_ATTR_TYPE_U32: its range, exactly */
};

/* no NLMSGERR_ATTR_POLICY */
extern const struct want_policy NO_POLICY;
/* a flag (GET_STATS's all-netns) */
extern const struct want_policy FLAG_POLICY;
/* setting @k's: a u32 and keys[k]'s range */
struct want_policy setting_policy(int k);

/*
 * NULL if *@got is what *@want says, else why not (in a static buffer,
 * good until the next call).
 */
const char *ack_policy_mismatch(const struct ack_policy *got,
				const struct want_policy *want);

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
 * The all-netns flag of dump @cmd's request (GET_STATS, GET_CLOSEWAIT,
 * GET_ALARMS, GET_LISTENERS); 0, no attribute, for other commands.
 */
int all_netns_attr(int cmd);

/*
 * Generic netlink split ops (6.2 and later): commands looked up with
 * their kind (do or dump). True if the release cannot be read.
 */
bool kernel_split_ops(void);

#endif /* _GENL_COMMON_H */
