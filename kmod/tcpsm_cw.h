/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CLOSE_WAIT tracking (tcpsm_cw.c), its netlink side (tcpsm_cw_nl.c:
 * GET_CLOSEWAIT and the socket nests) and its alarm (tcpsm_cw_alarm.c:
 * the CLOSE_WAIT_LEAK rule). The readers below are inline so that the
 * netlink and alarm sides call nothing back in the tracker.
 *
 * Locking: tcpsm_cw_lock (a mutex, process context) guards every port
 * record, tracking entry and tcpsm_cw_sample; hold it to read them
 * (tcpsm_cw_sample alone may be read with READ_ONCE, as a generation).
 */
#ifndef _TCPSM_CW_H
#define _TCPSM_CW_H

#include <linux/math64.h>
#include <linux/mutex.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "tcpsm_pernet.h"

#define TCPSM_CW_HIST		64	/* samples kept: > the largest window */
#define TCPSM_CW_SOCKS_SHOWN	8	/* oldest sockets in replies and alarms */
#define TCPSM_CW_MAX_LIMIT	4194304	/* closewait_max at most */

/* What the sampler read of a tracked socket. */
struct tcpsm_cw_owner {
	u64 ino;
	u64 cgroup;
	struct in6_addr saddr;		/* IPv4: first word */
	struct in6_addr daddr;
	u32 uid;
	u16 family;
	u16 dport;
};

/* The CLOSE_WAIT state of one local port of a namespace. */
struct tcpsm_cw_port {
	struct hlist_node hnode;	/* host-wide, by (tn, port) */
	struct list_head tnode;		/* tn->cw_ports */
	struct list_head socks;		/* tracked sockets, oldest first */
	struct tcpsm_net *tn;
	u16 port;
	bool alarm;			/* CLOSE_WAIT_LEAK raised */
	u32 count;			/* in CLOSE_WAIT at the last sample */
	u32 tracked;			/* of them (or since), on socks */
	u32 walked;			/* found by this sample's walk */
	u32 samples;			/* taken since the record exists */
	u32 idle;			/* samples in a row with nothing */
	u64 alarm_ts;			/* when raised, ns */
	u32 hist[TCPSM_CW_HIST];	/* count per sample */
	u32 entries[TCPSM_CW_HIST];	/* edges in, per sample */
	u32 exits[TCPSM_CW_HIST];	/* edges out, per sample */
};

/* One tracked CLOSE_WAIT socket. */
struct tcpsm_cw_sock {
	struct hlist_node hnode;	/* tcpsm_cw_socks, by sk */
	struct list_head pnode;		/* its port's socks, oldest first */
	const struct sock *sk;		/* identity only */
	struct tcpsm_cw_port *port;
	u64 cookie;
	u64 since;			/* entry into CLOSE_WAIT, ns */
	u64 seen;			/* last sample that found it */
	struct tcpsm_cw_owner owner;
};

extern struct mutex tcpsm_cw_lock;
extern u64 tcpsm_cw_sample;

/* tcpsm_cw.c */
void tcpsm_cw_note(struct tcpsm_net *tn, struct tcpsm_pcpu __percpu *pc,
		   struct sock *sk, bool enter);
int tcpsm_cw_init(void);
void tcpsm_cw_start(void);
void tcpsm_cw_stop(void);
void tcpsm_cw_free(void);
void tcpsm_cw_net_init(struct tcpsm_net *tn);
void tcpsm_cw_net_exit(struct tcpsm_net *tn);
void tcpsm_cw_flush(void);

/* tcpsm_cw_nl.c */
int tcpsm_cw_put_socks(struct sk_buff *skb, int type,
		       const struct tcpsm_cw_port *p, u64 now);

/* tcpsm_cw_alarm.c */
void tcpsm_cw_alarm_eval(struct tcpsm_net *tn, struct tcpsm_cw_port *p,
			 u64 sample, u64 now);
struct tcpsm_alarm_dump;
int tcpsm_cw_alarms_dump(struct tcpsm_alarm_dump *d, struct tcpsm_net *tn);

/* --- readers: hold tcpsm_cw_lock --------------------------------------------- */

/* History slot of sample @sample - @back. */
static inline unsigned int tcpsm_cw_slot(u64 sample, unsigned int back)
{
	return (sample - back) % TCPSM_CW_HIST;
}

static inline u64 tcpsm_cw_oldest_ms(const struct tcpsm_cw_port *p, u64 now)
{
	const struct tcpsm_cw_sock *s;

	if (list_empty(&p->socks))
		return 0;
	s = list_first_entry(&p->socks, struct tcpsm_cw_sock, pnode);
	if (now < s->since)
		return 0;
	return div_u64(now - s->since, NSEC_PER_MSEC);
}

/* Count now minus @win samples before @sample (0 before the port was). */
static inline s32 tcpsm_cw_growth(const struct tcpsm_cw_port *p,
				  u64 sample, unsigned int win)
{
	u32 then = p->samples > win ? p->hist[tcpsm_cw_slot(sample, win)] : 0;

	return (s32)p->hist[tcpsm_cw_slot(sample, 0)] - (s32)then;
}

/* Did the count grow in each of the @win samples up to @sample? */
static inline bool tcpsm_cw_grew(const struct tcpsm_cw_port *p,
				 u64 sample, unsigned int win)
{
	unsigned int i;

	if (p->samples <= win)
		return false;
	for (i = 0; i < win; i++)
		if (p->hist[tcpsm_cw_slot(sample, i)] <=
		    p->hist[tcpsm_cw_slot(sample, i + 1)])
			return false;
	return true;
}

static inline u32 tcpsm_cw_sum(const u32 *v, u64 sample, unsigned int win)
{
	unsigned int i;
	u32 sum = 0;

	for (i = 0; i < win; i++)
		sum += v[tcpsm_cw_slot(sample, i)];
	return sum;
}

#endif /* _TCPSM_CW_H */
