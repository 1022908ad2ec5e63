/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The differences between the kernels tcpsm builds against (Debian 6.1
 * and 6.12), in one place. Kbuild detects the features from the headers
 * (TCPSM_HAVE_*), which also covers backports.
 */
#ifndef _TCPSM_COMPAT_H
#define _TCPSM_COMPAT_H

#include <net/genetlink.h>

/* 6.10 folded arming the timewait timer into the hash dance. */
#ifdef TCPSM_HAVE_TW_HASHDANCE_SCHEDULE
#define TCPSM_SYM_TW_HASHDANCE	"inet_twsk_hashdance_schedule"
#else
#define TCPSM_SYM_TW_HASHDANCE	"inet_twsk_hashdance"
#endif

/*
 * The events group must demand CAP_NET_ADMIN. Generic netlink can since
 * 6.8, and Debian's 6.1 has it by a stable backport; older kernels offer
 * a module no hook in which to check who subscribes, so rather than
 * stream every connection of a namespace to anyone in it, tcpsm does not
 * build there.
 */
#ifndef GENL_MCAST_CAP_NET_ADMIN
#error "tcpsm needs GENL_MCAST_CAP_NET_ADMIN (6.8, or a stable kernel with it)"
#endif

/*
 * The generated ops table (tcpsm_nl.c) is a table of split ops, which
 * came in 6.2. On older kernels this struct holds the fields the
 * generator writes, and tcpsm_genl.c folds the do and dump halves of
 * each command into one struct genl_ops at registration.
 */
#ifndef TCPSM_HAVE_SPLIT_OPS
struct genl_split_ops {
	int (*doit)(struct sk_buff *skb, struct genl_info *info);
	int (*start)(struct netlink_callback *cb);
	int (*dumpit)(struct sk_buff *skb, struct netlink_callback *cb);
	int (*done)(struct netlink_callback *cb);
	const struct nla_policy *policy;
	unsigned int maxattr;
	u8 cmd;
	u8 flags;
	u8 validate;
};
#endif

/* The flags of a split op that say what it is, not who may call it. */
#define TCPSM_CMD_CAP_MASK \
	(GENL_CMD_CAP_DO | GENL_CMD_CAP_DUMP | GENL_CMD_CAP_HASPOL)

/* 6.6 gave dumps a full struct genl_info. */
static inline struct nlattr **tcpsm_dump_attrs(struct netlink_callback *cb)
{
#ifdef TCPSM_HAVE_GENL_INFO_DUMP
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

#endif /* _TCPSM_COMPAT_H */
