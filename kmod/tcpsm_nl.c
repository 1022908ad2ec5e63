// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/tcpsm.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "tcpsm_nl.h"

#include <uapi/linux/tcpsm.h>

/* Integer value ranges */
static const struct netlink_range_validation tcpsm_a_config_closewait_count_range = {
	.min	= 1ULL,
	.max	= 1000000ULL,
};

static const struct netlink_range_validation tcpsm_a_config_closewait_age_range = {
	.max	= 86400ULL,
};

/* TCPSM_CMD_GET_STATS - do */
static const struct nla_policy tcpsm_get_stats_do_nl_policy[TCPSM_A_STATS_ALL_NETNS + 1] = {
	[TCPSM_A_STATS_ALL_NETNS] = { .type = NLA_FLAG, },
};

/* TCPSM_CMD_GET_STATS - dump */
static const struct nla_policy tcpsm_get_stats_dump_nl_policy[TCPSM_A_STATS_ALL_NETNS + 1] = {
	[TCPSM_A_STATS_ALL_NETNS] = { .type = NLA_FLAG, },
};

/* TCPSM_CMD_SET_CONFIG - do */
static const struct nla_policy tcpsm_set_config_nl_policy[TCPSM_A_CONFIG_SYNFLOOD_DURATION + 1] = {
	[TCPSM_A_CONFIG_CLOSEWAIT_COUNT] = NLA_POLICY_FULL_RANGE(NLA_U32, &tcpsm_a_config_closewait_count_range),
	[TCPSM_A_CONFIG_CLOSEWAIT_AGE] = NLA_POLICY_FULL_RANGE(NLA_U32, &tcpsm_a_config_closewait_age_range),
	[TCPSM_A_CONFIG_CLOSEWAIT_WINDOW] = NLA_POLICY_RANGE(NLA_U32, 1, 60),
	[TCPSM_A_CONFIG_SYNFLOOD_RAISE] = NLA_POLICY_RANGE(NLA_U32, 1, 100),
	[TCPSM_A_CONFIG_SYNFLOOD_CLEAR] = NLA_POLICY_MAX(NLA_U32, 99),
	[TCPSM_A_CONFIG_SYNFLOOD_DURATION] = NLA_POLICY_RANGE(NLA_U32, 1, 60),
};

/* TCPSM_CMD_GET_CLOSEWAIT - dump */
static const struct nla_policy tcpsm_get_closewait_nl_policy[TCPSM_A_CLOSEWAIT_ALL_NETNS + 1] = {
	[TCPSM_A_CLOSEWAIT_ALL_NETNS] = { .type = NLA_FLAG, },
};

/* TCPSM_CMD_GET_ALARMS - dump */
static const struct nla_policy tcpsm_get_alarms_nl_policy[TCPSM_A_ALARM_ALL_NETNS + 1] = {
	[TCPSM_A_ALARM_ALL_NETNS] = { .type = NLA_FLAG, },
};

/* TCPSM_CMD_GET_LISTENERS - dump */
static const struct nla_policy tcpsm_get_listeners_nl_policy[TCPSM_A_LISTENERS_ALL_NETNS + 1] = {
	[TCPSM_A_LISTENERS_ALL_NETNS] = { .type = NLA_FLAG, },
};

/* TCPSM_CMD_GET_LATENCY - dump */
static const struct nla_policy tcpsm_get_latency_nl_policy[TCPSM_A_LATENCY_ALL_NETNS + 1] = {
	[TCPSM_A_LATENCY_ALL_NETNS] = { .type = NLA_FLAG, },
};

/* Ops table for tcpsm */
const struct genl_split_ops tcpsm_nl_ops[8] = {
	{
		.cmd		= TCPSM_CMD_GET_STATS,
		.doit		= tcpsm_nl_get_stats_doit,
		.policy		= tcpsm_get_stats_do_nl_policy,
		.maxattr	= TCPSM_A_STATS_ALL_NETNS,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= TCPSM_CMD_GET_STATS,
		.dumpit		= tcpsm_nl_get_stats_dumpit,
		.done		= tcpsm_nl_get_stats_done,
		.policy		= tcpsm_get_stats_dump_nl_policy,
		.maxattr	= TCPSM_A_STATS_ALL_NETNS,
		.flags		= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd	= TCPSM_CMD_GET_CONFIG,
		.doit	= tcpsm_nl_get_config_doit,
		.flags	= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= TCPSM_CMD_SET_CONFIG,
		.doit		= tcpsm_nl_set_config_doit,
		.policy		= tcpsm_set_config_nl_policy,
		.maxattr	= TCPSM_A_CONFIG_SYNFLOOD_DURATION,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= TCPSM_CMD_GET_CLOSEWAIT,
		.dumpit		= tcpsm_nl_get_closewait_dumpit,
		.policy		= tcpsm_get_closewait_nl_policy,
		.maxattr	= TCPSM_A_CLOSEWAIT_ALL_NETNS,
		.flags		= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= TCPSM_CMD_GET_ALARMS,
		.dumpit		= tcpsm_nl_get_alarms_dumpit,
		.policy		= tcpsm_get_alarms_nl_policy,
		.maxattr	= TCPSM_A_ALARM_ALL_NETNS,
		.flags		= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= TCPSM_CMD_GET_LISTENERS,
		.dumpit		= tcpsm_nl_get_listeners_dumpit,
		.policy		= tcpsm_get_listeners_nl_policy,
		.maxattr	= TCPSM_A_LISTENERS_ALL_NETNS,
		.flags		= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= TCPSM_CMD_GET_LATENCY,
		.dumpit		= tcpsm_nl_get_latency_dumpit,
		.policy		= tcpsm_get_latency_nl_policy,
		.maxattr	= TCPSM_A_LATENCY_ALL_NETNS,
		.flags		= GENL_CMD_CAP_DUMP,
	},
};

static const struct genl_multicast_group tcpsm_nl_mcgrps[] = {
	[TCPSM_NLGRP_EVENTS] = { "events", },
	[TCPSM_NLGRP_ALERTS] = { "alerts", },
	[TCPSM_NLGRP_EVENTS_ALL] = { "events-all", },
	[TCPSM_NLGRP_ALERTS_ALL] = { "alerts-all", },
};
