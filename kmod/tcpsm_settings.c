// SPDX-License-Identifier: GPL-2.0
/*
 * Alarm settings, per namespace: the CLOSE_WAIT_LEAK thresholds
 * (tcpsm_cw_alarm.c) and the SYN_FLOOD / ACCEPT_QUEUE_OVERFLOW ones
 * (tcpsm_synalarm.c). New namespaces start with the module parameters;
 * SET_CONFIG changes a namespace's.
 *
 * The ranges are the spec's (Documentation/netlink/specs/tcpsm.yaml):
 * generic netlink checks SET_CONFIG's values against the generated
 * policy before tcpsm_nl_set_config_doit() runs, its extack pointing at
 * the attribute and carrying the range; the module parameters are
 * checked against the same policy at load. The one rule a policy cannot
 * say, synflood.clear below synflood.raise, is checked here.
 *
 * Locking: tcpsm_settings_lock (a mutex, process context) serialises
 * SET_CONFIG's check and store; readers (the samplers, GET_CONFIG) load
 * each value with READ_ONCE.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <net/genetlink.h>

#include "tcpsm_genl.h"
#include "tcpsm_settings.h"

static unsigned int closewait_count = 16;
module_param(closewait_count, uint, 0444);
MODULE_PARM_DESC(closewait_count,
		 "CLOSE_WAIT_LEAK: sockets of one port in CLOSE_WAIT (default 16, 1..1000000); new namespaces start with it");
static unsigned int closewait_age = 30;
module_param(closewait_age, uint, 0444);
MODULE_PARM_DESC(closewait_age,
		 "CLOSE_WAIT_LEAK: seconds the oldest must have waited (default 30, 0..86400)");
static unsigned int closewait_window = 5;
module_param(closewait_window, uint, 0444);
MODULE_PARM_DESC(closewait_window,
		 "CLOSE_WAIT_LEAK: one-second samples of steady growth (default 5, 1..60)");
static unsigned int synflood_raise = 60;
module_param(synflood_raise, uint, 0444);
MODULE_PARM_DESC(synflood_raise,
		 "SYN_FLOOD, ACCEPT_QUEUE_OVERFLOW: a listener's score (0-100) that raises the alarm (default 60, 1..100)");
static unsigned int synflood_clear = 20;
module_param(synflood_clear, uint, 0444);
MODULE_PARM_DESC(synflood_clear,
		 "SYN_FLOOD, ACCEPT_QUEUE_OVERFLOW: score below which it clears (default 20, 0..99, below synflood_raise)");
static unsigned int synflood_duration = 2;
module_param(synflood_duration, uint, 0444);
MODULE_PARM_DESC(synflood_duration,
		 "SYN_FLOOD, ACCEPT_QUEUE_OVERFLOW: one-second samples in a row past a threshold to raise or clear (default 2, 1..60)");

static DEFINE_MUTEX(tcpsm_settings_lock);

struct tcpsm_setting {
	const char *key;
	int attr;
	const unsigned int *param;	/* the module parameter */
	size_t offset;			/* in struct tcpsm_net */
};

static const struct tcpsm_setting tcpsm_settings[] = {
	{ "closewait.count", TCPSM_A_CONFIG_CLOSEWAIT_COUNT, &closewait_count,
	  offsetof(struct tcpsm_net, cw_count) },
	{ "closewait.age", TCPSM_A_CONFIG_CLOSEWAIT_AGE, &closewait_age,
	  offsetof(struct tcpsm_net, cw_age) },
	{ "closewait.window", TCPSM_A_CONFIG_CLOSEWAIT_WINDOW,
	  &closewait_window, offsetof(struct tcpsm_net, cw_window) },
	{ "synflood.raise", TCPSM_A_CONFIG_SYNFLOOD_RAISE, &synflood_raise,
	  offsetof(struct tcpsm_net, syn_raise) },
	{ "synflood.clear", TCPSM_A_CONFIG_SYNFLOOD_CLEAR, &synflood_clear,
	  offsetof(struct tcpsm_net, syn_clear) },
	{ "synflood.duration", TCPSM_A_CONFIG_SYNFLOOD_DURATION,
	  &synflood_duration, offsetof(struct tcpsm_net, syn_duration) },
};

static u32 *tcpsm_setting_ptr(struct tcpsm_net *tn,
			      const struct tcpsm_setting *s)
{
	return (u32 *)((char *)tn + s->offset);
}

/* The generated SET_CONFIG policy: the spec's ranges. */
static const struct nla_policy *tcpsm_settings_policy(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tcpsm_nl_ops); i++)
		if (tcpsm_nl_ops[i].cmd == TCPSM_CMD_SET_CONFIG)
			return tcpsm_nl_ops[i].policy;
	return NULL;
}

/* The range of a u32 policy entry, as lib/nlattr.c reads it. */
static void tcpsm_policy_range(const struct nla_policy *pt, u64 *min, u64 *max)
{
	*min = 0;
	*max = U32_MAX;
	switch (pt->validation_type) {
	case NLA_VALIDATE_RANGE:
		*min = pt->min;
		*max = pt->max;
		break;
	case NLA_VALIDATE_MIN:
		*min = pt->min;
		break;
	case NLA_VALIDATE_MAX:
		*max = pt->max;
		break;
	case NLA_VALIDATE_RANGE_PTR:
		*min = pt->range->min;
		*max = pt->range->max;
		break;
	default:
		break;
	}
}

/* The module parameters, checked at load against the spec's ranges. */
int tcpsm_settings_init(void)
{
	const struct nla_policy *policy = tcpsm_settings_policy();
	const struct tcpsm_setting *s;
	unsigned int i;
	u64 min, max;

	if (WARN_ON(!policy))
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(tcpsm_settings); i++) {
		s = &tcpsm_settings[i];
		tcpsm_policy_range(&policy[s->attr], &min, &max);
		if (*s->param < min || *s->param > max) {
			pr_err("%s=%u is out of range %llu..%llu\n",
			       s->key, *s->param, min, max);
			return -EINVAL;
		}
	}
	if (synflood_clear >= synflood_raise) {
		pr_err("synflood.clear=%u must be below synflood.raise=%u\n",
		       synflood_clear, synflood_raise);
		return -EINVAL;
	}
	return 0;
}

/* pernet init: before the namespace is on tcpsm_nets */
void tcpsm_settings_net_init(struct tcpsm_net *tn)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tcpsm_settings); i++)
		WRITE_ONCE(*tcpsm_setting_ptr(tn, &tcpsm_settings[i]),
			   *tcpsm_settings[i].param);
}

static int tcpsm_config_fill(struct sk_buff *skb, struct tcpsm_net *tn)
{
	unsigned int i;

	if (nla_put_u32(skb, TCPSM_A_CONFIG_NETNS, tn->net->ns.inum))
		return -EMSGSIZE;
	for (i = 0; i < ARRAY_SIZE(tcpsm_settings); i++)
		if (nla_put_u32(skb, tcpsm_settings[i].attr,
				READ_ONCE(*tcpsm_setting_ptr(tn, &tcpsm_settings[i]))))
			return -EMSGSIZE;
	return 0;
}

static int tcpsm_config_reply(struct genl_info *info, struct tcpsm_net *tn)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &tcpsm_family, 0,
				info->genlhdr->cmd);
	if (!hdr || tcpsm_config_fill(msg, tn)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int tcpsm_nl_get_config_doit(struct sk_buff *skb, struct genl_info *info)
{
	return tcpsm_config_reply(info, tcpsm_net(genl_info_net(info)));
}

/*
 * synflood.clear must stay below synflood.raise, as they would be after
 * the request. Holds tcpsm_settings_lock (no other change in between).
 */
static int tcpsm_syn_order_check(struct tcpsm_net *tn, struct genl_info *info)
{
	struct nlattr *r = info->attrs[TCPSM_A_CONFIG_SYNFLOOD_RAISE];
	struct nlattr *c = info->attrs[TCPSM_A_CONFIG_SYNFLOOD_CLEAR];
	u32 raise = r ? nla_get_u32(r) : READ_ONCE(tn->syn_raise);
	u32 clear = c ? nla_get_u32(c) : READ_ONCE(tn->syn_clear);

	lockdep_assert_held(&tcpsm_settings_lock);
	if (clear < raise)
		return 0;
	NL_SET_ERR_MSG_ATTR(info->extack, c ? c : r,
			    "synflood.clear must be below synflood.raise");
	return -EINVAL;
}

/*
 * SET_CONFIG: the policy checked every value (and the ops table's
 * GENL_UNS_ADMIN_PERM checked CAP_NET_ADMIN over the namespace's user
 * namespace); all are stored, or none.
 */
int tcpsm_nl_set_config_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tcpsm_net *tn = tcpsm_net(genl_info_net(info));
	const struct tcpsm_setting *s;
	struct nlattr *a;
	unsigned int i;
	bool any = false;
	int err;

	for (i = 0; i < ARRAY_SIZE(tcpsm_settings); i++)
		any |= !!info->attrs[tcpsm_settings[i].attr];
	if (!any) {
		NL_SET_ERR_MSG(info->extack, "no setting given");
		return -EINVAL;
	}

	mutex_lock(&tcpsm_settings_lock);
	err = tcpsm_syn_order_check(tn, info);
	if (err) {
		mutex_unlock(&tcpsm_settings_lock);
		return err;
	}
	for (i = 0; i < ARRAY_SIZE(tcpsm_settings); i++) {
		s = &tcpsm_settings[i];
		a = info->attrs[s->attr];
		if (a)
			WRITE_ONCE(*tcpsm_setting_ptr(tn, s), nla_get_u32(a));
	}
	mutex_unlock(&tcpsm_settings_lock);
	return tcpsm_config_reply(info, tn);
}
