// SPDX-License-Identifier: GPL-2.0
/*
 * The CLOSE_WAIT_LEAK alarm. Per local port, at each sample
 * (tcpsm_cw.c), with C, A and W the namespace's closewait.count,
 * closewait.age and closewait.window (tcpsm_settings.c):
 *   raise when count >= C and the oldest tracked socket waited over A
 *         seconds, or when count grew in each of the last W samples and
 *         by at least C over them;
 *   clear when count < C / 2.
 * The gap between the two is the hysteresis: a port hovering around C
 * does not flap. Each raise and each clear is one ALARM message to the
 * port's namespace (tcpsm_alarm.c).
 *
 * Context: process context, under tcpsm_cw_lock (the sampler,
 * GET_ALARMS).
 */
#include <linux/ktime.h>
#include <net/genetlink.h>

#include "tcpsm_alarm.h"
#include "tcpsm_cw.h"

/* What a CLOSE_WAIT_LEAK message says: a port as of a sample. */
struct tcpsm_cw_alarm {
	struct tcpsm_net *tn;
	const struct tcpsm_cw_port *p;
	u64 sample;
	u64 now;
};

static int tcpsm_cw_alarm_fill(struct sk_buff *skb, const void *arg,
			       int state, u64 ts)
{
	const struct tcpsm_cw_alarm *a = arg;
	const struct tcpsm_cw_port *p = a->p;

	if (nla_put_u32(skb, TCPSM_A_ALARM_KIND,
			TCPSM_ALARM_KIND_CLOSEWAIT_LEAK) ||
	    nla_put_u32(skb, TCPSM_A_ALARM_STATE, state) ||
	    nla_put_u64_64bit(skb, TCPSM_A_ALARM_TS, ts, TCPSM_A_ALARM_PAD) ||
	    nla_put_u32(skb, TCPSM_A_ALARM_NETNS, a->tn->net->ns.inum) ||
	    nla_put_u16(skb, TCPSM_A_ALARM_PORT, p->port) ||
	    nla_put_u32(skb, TCPSM_A_ALARM_COUNT, p->count) ||
	    nla_put_u64_64bit(skb, TCPSM_A_ALARM_OLDEST_AGE,
			      tcpsm_cw_oldest_ms(p, a->now), TCPSM_A_ALARM_PAD) ||
	    nla_put_s32(skb, TCPSM_A_ALARM_GROWTH,
			tcpsm_cw_growth(p, a->sample,
					READ_ONCE(a->tn->cw_window))))
		return -EMSGSIZE;
	return tcpsm_cw_put_socks(skb, TCPSM_A_ALARM_SOCKET, p, a->now);
}

static void tcpsm_cw_alarm_send(struct tcpsm_net *tn, struct tcpsm_cw_port *p,
				int state, u64 sample, u64 now)
{
	struct tcpsm_cw_alarm a = { tn, p, sample, now };

	tcpsm_alarm_notify(tn, tcpsm_cw_alarm_fill, &a, state, now, p->port);
}

/* At each sample, for each port with a record. */
void tcpsm_cw_alarm_eval(struct tcpsm_net *tn, struct tcpsm_cw_port *p,
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
		tcpsm_cw_alarm_send(tn, p, TCPSM_ALARM_STATE_RAISE, sample, now);
	} else if (2ULL * p->count < count) {
		p->alarm = false;
		WRITE_ONCE(tn->cw_alarms, tn->cw_alarms - 1);
		tcpsm_cw_alarm_send(tn, p, TCPSM_ALARM_STATE_CLEAR, sample, now);
	}
}

/* GET_ALARMS: the active CLOSE_WAIT_LEAK alarms of @tn. */
int tcpsm_cw_alarms_dump(struct tcpsm_alarm_dump *d, struct tcpsm_net *tn)
{
	struct tcpsm_cw_alarm a = { .tn = tn, .now = ktime_get_ns() };
	struct tcpsm_cw_port *p;
	int err = 0;

	mutex_lock(&tcpsm_cw_lock);
	a.sample = tcpsm_cw_sample - 1;
	list_for_each_entry(p, &tn->cw_ports, tnode) {
		if (!p->alarm)
			continue;
		a.p = p;
		err = tcpsm_alarm_dump_one(d, tcpsm_cw_alarm_fill, &a,
					   p->alarm_ts);
		if (err)
			break;
	}
	mutex_unlock(&tcpsm_cw_lock);
	return err;
}
