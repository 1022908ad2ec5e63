// SPDX-License-Identifier: GPL-2.0
/*
 * Alarms: the CLOSE_WAIT_LEAK rule, the alarm settings per namespace
 * (also those of the listener alarms, tcpsm_synalarm.c), and the
 * messages on group "alerts".
 *
 * Per local port, at each sample (tcpsm_closewait.c), with C, A and W the
 * namespace's closewait.count, closewait.age and closewait.window:
 *   raise when count >= C and the oldest tracked socket waited over A
 *         seconds, or when count grew in each of the last W samples and
 *         by at least C over them;
 *   clear when count < C / 2.
 * The gap between the two is the hysteresis: a port hovering around C
 * does not flap. Each raise and each clear is one ALARM message to the
 * port's namespace (genlmsg_multicast_netns); anyone there may listen.
 *
 * Context: process context. The sampler and GET_ALARMS hold
 * tcpsm_cw_lock; SET_CONFIG takes it to store settings, which the
 * samplers read with READ_ONCE.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/moduleparam.h>
#include <net/genetlink.h>

#include "tcpsm.h"

#define TCPSM_CW_COUNT_MAX	1000000
#define TCPSM_CW_AGE_MAX	86400
#define TCPSM_CW_WINDOW_MAX	60
#define TCPSM_SYN_SCORE_MAX	100
#define TCPSM_SYN_DURATION_MAX	60

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

/* --- settings ------------------------------------------------------------- */

struct tcpsm_setting {
	const char *key;
	int attr;
	u32 min, max;
	size_t offset;			/* in struct tcpsm_net */
};

static const struct tcpsm_setting tcpsm_settings[] = {
	{ "closewait.count", TCPSM_A_CONFIG_CLOSEWAIT_COUNT,
	  1, TCPSM_CW_COUNT_MAX, offsetof(struct tcpsm_net, cw_count) },
	{ "closewait.age", TCPSM_A_CONFIG_CLOSEWAIT_AGE,
	  0, TCPSM_CW_AGE_MAX, offsetof(struct tcpsm_net, cw_age) },
	{ "closewait.window", TCPSM_A_CONFIG_CLOSEWAIT_WINDOW,
	  1, TCPSM_CW_WINDOW_MAX, offsetof(struct tcpsm_net, cw_window) },
	{ "synflood.raise", TCPSM_A_CONFIG_SYNFLOOD_RAISE,
	  1, TCPSM_SYN_SCORE_MAX, offsetof(struct tcpsm_net, syn_raise) },
	{ "synflood.clear", TCPSM_A_CONFIG_SYNFLOOD_CLEAR,
	  0, TCPSM_SYN_SCORE_MAX - 1, offsetof(struct tcpsm_net, syn_clear) },
	{ "synflood.duration", TCPSM_A_CONFIG_SYNFLOOD_DURATION,
	  1, TCPSM_SYN_DURATION_MAX, offsetof(struct tcpsm_net, syn_duration) },
};

/* Ranges are checked by hand, so that the message can name the key. */
const struct nla_policy tcpsm_config_policy[TCPSM_A_CONFIG_MAX + 1] = {
	[TCPSM_A_CONFIG_CLOSEWAIT_COUNT] = { .type = NLA_U32 },
	[TCPSM_A_CONFIG_CLOSEWAIT_AGE] = { .type = NLA_U32 },
	[TCPSM_A_CONFIG_CLOSEWAIT_WINDOW] = { .type = NLA_U32 },
	[TCPSM_A_CONFIG_SYNFLOOD_RAISE] = { .type = NLA_U32 },
	[TCPSM_A_CONFIG_SYNFLOOD_CLEAR] = { .type = NLA_U32 },
	[TCPSM_A_CONFIG_SYNFLOOD_DURATION] = { .type = NLA_U32 },
};

/* The extack message for an out-of-range value: it names the key. */
static void tcpsm_setting_refuse(struct netlink_ext_ack *extack,
				 const struct nlattr *a)
{
	switch (nla_type(a)) {
	case TCPSM_A_CONFIG_CLOSEWAIT_COUNT:
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "closewait.count must be 1..1000000");
		break;
	case TCPSM_A_CONFIG_CLOSEWAIT_AGE:
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "closewait.age must be 0..86400 (seconds)");
		break;
	case TCPSM_A_CONFIG_CLOSEWAIT_WINDOW:
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "closewait.window must be 1..60 (samples)");
		break;
	case TCPSM_A_CONFIG_SYNFLOOD_RAISE:
		NL_SET_ERR_MSG_ATTR(extack, a, "synflood.raise must be 1..100");
		break;
	case TCPSM_A_CONFIG_SYNFLOOD_CLEAR:
		NL_SET_ERR_MSG_ATTR(extack, a, "synflood.clear must be 0..99");
		break;
	case TCPSM_A_CONFIG_SYNFLOOD_DURATION:
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "synflood.duration must be 1..60 (samples)");
		break;
	}
}

static u32 *tcpsm_setting_ptr(struct tcpsm_net *tn,
			      const struct tcpsm_setting *s)
{
	return (u32 *)((char *)tn + s->offset);
}

/* The module parameters, checked at load. */
static int tcpsm_alarm_params_check(void)
{
	const unsigned int v[] = { closewait_count, closewait_age,
				   closewait_window, synflood_raise,
				   synflood_clear, synflood_duration };
	unsigned int i;

	BUILD_BUG_ON(ARRAY_SIZE(v) != ARRAY_SIZE(tcpsm_settings));

	for (i = 0; i < ARRAY_SIZE(tcpsm_settings); i++) {
		if (v[i] < tcpsm_settings[i].min || v[i] > tcpsm_settings[i].max) {
			pr_err("%s=%u is out of range %u..%u\n",
			       tcpsm_settings[i].key, v[i],
			       tcpsm_settings[i].min, tcpsm_settings[i].max);
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

int tcpsm_alarm_init(void)
{
	return tcpsm_alarm_params_check();
}

void tcpsm_alarm_net_init(struct tcpsm_net *tn)
{
	tn->cw_count = closewait_count;
	tn->cw_age = closewait_age;
	tn->cw_window = closewait_window;
	tn->syn_raise = synflood_raise;
	tn->syn_clear = synflood_clear;
	tn->syn_duration = synflood_duration;
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

int tcpsm_config_get(struct sk_buff *skb, struct genl_info *info)
{
	return tcpsm_config_reply(info, tcpsm_net(genl_info_net(info)));
}

/*
 * synflood.clear must stay below synflood.raise, as they would be after
 * the request. Holds tcpsm_cw_lock (no other change in between).
 */
static int tcpsm_syn_order_check(struct tcpsm_net *tn, struct genl_info *info)
{
	struct nlattr *r = info->attrs[TCPSM_A_CONFIG_SYNFLOOD_RAISE];
	struct nlattr *c = info->attrs[TCPSM_A_CONFIG_SYNFLOOD_CLEAR];
	u32 raise = r ? nla_get_u32(r) : READ_ONCE(tn->syn_raise);
	u32 clear = c ? nla_get_u32(c) : READ_ONCE(tn->syn_clear);

	lockdep_assert_held(&tcpsm_cw_lock);
	if (clear < raise)
		return 0;
	NL_SET_ERR_MSG_ATTR(info->extack, c ? c : r,
			    "synflood.clear must be below synflood.raise");
	return -EINVAL;
}

/*
 * SET_CONFIG: all given values are checked before any is stored. The
 * family's GENL_UNS_ADMIN_PERM flag has checked CAP_NET_ADMIN over the
 * namespace's user namespace.
 */
int tcpsm_config_set(struct sk_buff *skb, struct genl_info *info)
{
	struct tcpsm_net *tn = tcpsm_net(genl_info_net(info));
	const struct tcpsm_setting *s;
	struct nlattr *a;
	unsigned int i;
	bool any = false;
	int err;
	u32 v;

	for (i = 0; i < ARRAY_SIZE(tcpsm_settings); i++) {
		s = &tcpsm_settings[i];
		a = info->attrs[s->attr];
		if (!a)
			continue;
		any = true;
		v = nla_get_u32(a);
		if (v < s->min || v > s->max) {
			tcpsm_setting_refuse(info->extack, a);
			return -ERANGE;
		}
	}
	if (!any) {
		NL_SET_ERR_MSG(info->extack, "no setting given");
		return -EINVAL;
	}

	mutex_lock(&tcpsm_cw_lock);
	err = tcpsm_syn_order_check(tn, info);
	if (err) {
		mutex_unlock(&tcpsm_cw_lock);
		return err;
	}
	for (i = 0; i < ARRAY_SIZE(tcpsm_settings); i++) {
		s = &tcpsm_settings[i];
		a = info->attrs[s->attr];
		if (a)
			WRITE_ONCE(*tcpsm_setting_ptr(tn, s), nla_get_u32(a));
	}
	mutex_unlock(&tcpsm_cw_lock);
	return tcpsm_config_reply(info, tn);
}

/* --- alarm messages --------------------------------------------------------- */

static int tcpsm_alarm_fill(struct sk_buff *skb, struct tcpsm_net *tn,
			    const struct tcpsm_cw_port *p, int state, u64 ts,
			    u64 sample, u64 now)
{
	if (nla_put_u32(skb, TCPSM_A_ALARM_KIND,
			TCPSM_ALARM_KIND_CLOSEWAIT_LEAK) ||
	    nla_put_u32(skb, TCPSM_A_ALARM_STATE, state) ||
	    nla_put_u64_64bit(skb, TCPSM_A_ALARM_TS, ts, TCPSM_A_ALARM_PAD) ||
	    nla_put_u32(skb, TCPSM_A_ALARM_NETNS, tn->net->ns.inum) ||
	    nla_put_u16(skb, TCPSM_A_ALARM_PORT, p->port) ||
	    nla_put_u32(skb, TCPSM_A_ALARM_COUNT, p->count) ||
	    nla_put_u64_64bit(skb, TCPSM_A_ALARM_OLDEST_AGE,
			      tcpsm_cw_oldest_ms(p, now), TCPSM_A_ALARM_PAD) ||
	    nla_put_s32(skb, TCPSM_A_ALARM_GROWTH,
			tcpsm_cw_growth(p, sample, READ_ONCE(tn->cw_window))))
		return -EMSGSIZE;
	return tcpsm_cw_put_socks(skb, TCPSM_A_ALARM_SOCKET, p, now);
}

static void tcpsm_alarm_send(struct tcpsm_net *tn, struct tcpsm_cw_port *p,
			     int state, u64 sample, u64 now)
{
	struct sk_buff *skb;
	void *hdr;

	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		goto lost;
	hdr = genlmsg_put(skb, 0, 0, &tcpsm_family, 0, TCPSM_CMD_ALARM);
	if (!hdr || tcpsm_alarm_fill(skb, tn, p, state, now, sample, now)) {
		nlmsg_free(skb);
		goto lost;
	}
	genlmsg_end(skb, hdr);
	/* -ESRCH: no one listens; GET_ALARMS still shows it */
	genlmsg_multicast_netns(&tcpsm_family, tn->net, skb, 0,
				TCPSM_NLGRP_ALERTS, GFP_KERNEL);
	return;
lost:
	pr_warn_ratelimited("alarm message for port %u not sent: no memory\n",
			    p->port);
}

/* At each sample, for each port with a record. Holds tcpsm_cw_lock. */
void tcpsm_alarm_eval(struct tcpsm_net *tn, struct tcpsm_cw_port *p,
		      u64 sample, u64 now)
{
	u32 count = READ_ONCE(tn->cw_count);
	u32 age = READ_ONCE(tn->cw_age);
	u32 win = READ_ONCE(tn->cw_window);
	bool old, growing;

	lockdep_assert_held(&tcpsm_cw_lock);
	if (!p->alarm) {
		old = p->count >= count &&
		      tcpsm_cw_oldest_ms(p, now) > (u64)age * MSEC_PER_SEC;
		growing = tcpsm_cw_grew(p, sample, win) &&
			  tcpsm_cw_growth(p, sample, win) >= (s32)count;
		if (!old && !growing)
			return;
		p->alarm = true;
		p->alarm_ts = now;
		WRITE_ONCE(tn->cw_alarms, tn->cw_alarms + 1);
		tcpsm_alarm_send(tn, p, TCPSM_ALARM_STATE_RAISE, sample, now);
	} else if (2ULL * p->count < count) {
		p->alarm = false;
		WRITE_ONCE(tn->cw_alarms, tn->cw_alarms - 1);
		tcpsm_alarm_send(tn, p, TCPSM_ALARM_STATE_CLEAR, sample, now);
	}
}

/*
 * GET_ALARMS dump of @tn: the CLOSE_WAIT alarms, then the listeners'.
 * args[0] counts the alarms already sent.
 */
int tcpsm_alarm_dump(struct sk_buff *skb, struct netlink_callback *cb,
		     struct tcpsm_net *tn)
{
	u64 now = ktime_get_ns(), sample;
	struct tcpsm_cw_port *p;
	int err = 0;
	long i = 0;
	void *hdr;

	mutex_lock(&tcpsm_cw_lock);
	cb->seq = tcpsm_cw_samples();
	sample = cb->seq - 1;
	list_for_each_entry(p, &tn->cw_ports, tnode) {
		if (!p->alarm || i++ < cb->args[0])
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &tcpsm_family,
				  NLM_F_MULTI, TCPSM_CMD_GET_ALARMS);
		if (!hdr) {
			err = -EMSGSIZE;
			break;
		}
		genl_dump_check_consistent(cb, hdr);
		err = tcpsm_alarm_fill(skb, tn, p, TCPSM_ALARM_STATE_RAISE,
				       p->alarm_ts, sample, now);
		if (err) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = i;
	}
	mutex_unlock(&tcpsm_cw_lock);
	if (!err)
		err = tcpsm_ls_alarm_dump(skb, cb, tn, &i);
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ? err : skb->len;
}
