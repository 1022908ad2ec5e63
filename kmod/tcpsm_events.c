// SPDX-License-Identifier: GPL-2.0
/*
 * The events groups: every edge, as it is taken, to subscribers in the
 * namespace where it was taken (group events), and to those of group
 * events-all in the initial namespace, whatever namespace it was taken in.
 *
 * A hook that finds a subscriber in its namespace writes one fixed-size
 * record into this CPU's buffer; nothing is allocated on that path. Each
 * CPU has two buffers, and a global generation says which one the hooks
 * fill. A work item, queued by the first record of a buffer (to run
 * within TCPSM_EV_DELAY) or at once when a buffer is half full, flips
 * the generation, waits out the hooks still writing to the old buffers
 * (taking each CPU's lock once), merges the old buffers of all CPUs by
 * time, numbers the records per namespace and multicasts them, several
 * per message (one struct tcpsm_event_record each, in attributes
 * TCPSM_A_EVENTS_RECORD): one message at a time per namespace for its
 * group events, and one for events-all with the records of all
 * namespaces.
 *
 * Order: one socket's edges are taken one after the other, under its
 * lock, maybe on different CPUs. The generation a hook reads is never
 * older than the one the socket's previous edge read, so that edge is in
 * the same pass or an earlier one, and within a pass the merge by time
 * puts it first.
 *
 * A full buffer drops the record and counts it in the namespace's
 * events_dropped; the worker then skips as many sequence numbers, so a
 * reader sees the gap where it lost them.
 *
 * Locking:
 *  - tcpsm_evcpu.lock, a raw spinlock taken with interrupts off (hooks
 *    run in process and softirq context, and on PREEMPT_RT with
 *    preemption off, where a sleeping lock is not allowed): hooks read
 *    the generation and append to its buffer under it; the worker takes
 *    it once after a flip, to wait for them;
 *  - tcpsm_events_lock, a mutex (process context), serialises the
 *    worker's passes and guards everything else here and the ev_* fields
 *    of struct tcpsm_net.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/in6.h>
#include <linux/moduleparam.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/sock_diag.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/inet_sock.h>
#include <net/sock.h>

#include "tcpsm_events.h"
#include "tcpsm_genl.h"
#include "tcpsm_hooks.h"
#include "tcpsm_stats.h"

#define TCPSM_EV_DELAY		msecs_to_jiffies(50)
/*
 * An events message: 16 KiB with the skb's overhead, about 190 records
 * of 84 bytes, so that a busy host sends few large messages (a reader's
 * cost is mostly per message). Readers must take datagrams this large
 * (libnl's default buffer does: 4 pages).
 */
#define TCPSM_EV_MSG		SKB_WITH_OVERHEAD(SZ_16K)

static unsigned int event_buffer = 4096;
module_param(event_buffer, uint, 0444);
MODULE_PARM_DESC(event_buffer,
		 "Events buffered per CPU between two sends to subscribers (64-65536, default 4096; memory: 2 x 72 bytes each, per CPU)");

/* One edge, as the worker needs it. */
struct tcpsm_event {
	struct tcpsm_net *tn;
	u64 ts;
	u64 cookie;
	u64 tis;			/* time in @from, ns; U64_MAX: unknown */
	struct in6_addr saddr;		/* AF_INET: the first 4 bytes */
	struct in6_addr daddr;
	u16 sport;
	u16 dport;
	u8 family;
	u8 from;
	u8 to;
};

struct tcpsm_evcpu {
	raw_spinlock_t lock;
	struct tcpsm_event *buf[2];	/* by generation */
	unsigned int n[2];		/* records in buf[] */
	unsigned int next;		/* the worker's: next to send */
};

/* serialises worker passes; guards the worker's state (see above) */
static DEFINE_MUTEX(tcpsm_events_lock);
static struct tcpsm_evcpu __percpu *tcpsm_evcpu;
static unsigned int tcpsm_ev_cap;
static bool tcpsm_ev_ready;		/* buffers there, sends allowed */
static u64 tcpsm_ev_pass;
static bool tcpsm_ev_all;		/* events-all has subscribers this pass */
static struct sk_buff *tcpsm_ev_all_skb;	/* its message, or NULL */
static void *tcpsm_ev_all_hdr;
static unsigned int tcpsm_ev_gen;	/* written by the worker only */

static void tcpsm_events_work(struct work_struct *work);
static DECLARE_DELAYED_WORK(tcpsm_ev_work, tcpsm_events_work);

/* --- the hooks' side ------------------------------------------------------- */

static void tcpsm_event_fill(struct tcpsm_event *ev, struct sock *sk)
{
	ev->family = sk->sk_family;
	if (ev->family == AF_INET6) {
		ev->saddr = sk->sk_v6_rcv_saddr;
		ev->daddr = sk->sk_v6_daddr;
	} else {
		memset(&ev->saddr, 0, sizeof(ev->saddr));
		memset(&ev->daddr, 0, sizeof(ev->daddr));
		ev->saddr.s6_addr32[0] = sk->sk_rcv_saddr;
		ev->daddr.s6_addr32[0] = sk->sk_daddr;
	}
	ev->sport = tcpsm_sk_port(sk);
	ev->dport = ntohs(sk->sk_dport);
}

/*
 * Record edge @from -> @to of @sk (a full, request or timewait socket),
 * @tis ns after @sk entered @from (U64_MAX: unknown), for the
 * subscribers of @tn, whose counters are @pc. Called by the hooks:
 * preemption off, any context but hard interrupts.
 */
void tcpsm_event_add(struct tcpsm_net *tn, struct tcpsm_pcpu __percpu *pc,
		     int from, int to, struct sock *sk, u64 tis)
{
	struct tcpsm_evcpu *ec;
	struct tcpsm_event *ev;
	unsigned long flags;
	unsigned int n, g;
	u32 cookie[2];

	/* the cookie ss -e shows, made on first use: outside the lock */
	sock_diag_save_cookie(sk, cookie);

	local_irq_save(flags);
	ec = this_cpu_ptr(tcpsm_evcpu);
	raw_spin_lock(&ec->lock);
	/* pairs with the flip's release: buffer @g was emptied before it */
	g = smp_load_acquire(&tcpsm_ev_gen) & 1;
	n = ec->n[g];
	if (n >= tcpsm_ev_cap) {
		raw_spin_unlock(&ec->lock);
		local_irq_restore(flags);
		this_cpu_inc(pc->events_dropped);
		return;
	}
	ev = &ec->buf[g][n];
	ev->tn = tn;
	/* under the lock: each CPU's records are in time order */
	ev->ts = ktime_get_ns();
	ev->cookie = (u64)cookie[1] << 32 | cookie[0];
	ev->from = from;
	ev->to = to;
	ev->tis = tis;
	tcpsm_event_fill(ev, sk);
	ec->n[g] = ++n;
	raw_spin_unlock(&ec->lock);
	local_irq_restore(flags);

	/* the first record arms the worker; half full, it runs now */
	if (n == 1)
		schedule_delayed_work(&tcpsm_ev_work, TCPSM_EV_DELAY);
	else if (n == tcpsm_ev_cap / 2)
		mod_delayed_work(system_wq, &tcpsm_ev_work, 0);
}

/* --- the worker's side ----------------------------------------------------- */

/* Append @ev as record @seq to @skb: one struct event-record each. */
static int tcpsm_event_put(struct sk_buff *skb, const struct tcpsm_event *ev,
			   u64 seq)
{
	struct tcpsm_event_record *rec;
	struct nlattr *attr;

	attr = nla_reserve(skb, TCPSM_A_EVENTS_RECORD, sizeof(*rec));
	if (!attr)
		return -EMSGSIZE;
	rec = nla_data(attr);
	rec->seq = seq;
	rec->ts = ev->ts;
	rec->cookie = ev->cookie;
	rec->time_in_from_ns = ev->tis;
	memcpy(rec->saddr, &ev->saddr, sizeof(rec->saddr));
	memcpy(rec->daddr, &ev->daddr, sizeof(rec->daddr));
	rec->netns = ev->tn->net->ns.inum;
	rec->family = ev->family;
	rec->sport = ev->sport;
	rec->dport = ev->dport;
	rec->from = ev->from;
	rec->to = ev->to;
	memset(rec->pad, 0, sizeof(rec->pad));
	return 0;
}

/*
 * Send @tn's message, if it has one. Subscribers that overran see a gap
 * (-ENOBUFS). With no subscriber in @tn (-ESRCH: someone listens, but
 * in another namespace), the rest of this pass is not built for it.
 */
static void tcpsm_events_send(struct tcpsm_net *tn)
{
	int err;

	if (!tn->ev_skb)
		return;
	genlmsg_end(tn->ev_skb, tn->ev_hdr);
	err = genlmsg_multicast_netns(&tcpsm_family, tn->net, tn->ev_skb, 0,
				      TCPSM_NLGRP_EVENTS, GFP_KERNEL);
	if (err == -ESRCH)
		tn->ev_deaf = tcpsm_ev_pass;
	tn->ev_skb = NULL;
}

/* An event the worker could not send: counted like a full buffer. */
static void tcpsm_events_lost(struct tcpsm_net *tn)
{
	struct tcpsm_pcpu __percpu *pc;

	rcu_read_lock();
	pc = READ_ONCE(tn->pcpu);
	if (pc)
		this_cpu_inc(pc->events_dropped);
	rcu_read_unlock();
	tn->ev_dropped_seen++;
}

/* A new EVENT message holding @ev as record @seq, or NULL. */
static struct sk_buff *tcpsm_events_new(const struct tcpsm_event *ev, u64 seq,
					void **hdr)
{
	struct sk_buff *skb = alloc_skb(TCPSM_EV_MSG, GFP_KERNEL);

	if (!skb)
		return NULL;
	*hdr = genlmsg_put(skb, 0, 0, &tcpsm_family, 0, TCPSM_CMD_EVENT);
	if (*hdr && !tcpsm_event_put(skb, ev, seq))
		return skb;
	nlmsg_free(skb);
	return NULL;
}

/*
 * Send the events-all message, if there is one, in the initial
 * namespace. With no subscriber left (-ESRCH), the rest of this pass is
 * not built for it.
 */
static void tcpsm_events_all_send(void)
{
	int err;

	if (!tcpsm_ev_all_skb)
		return;
	genlmsg_end(tcpsm_ev_all_skb, tcpsm_ev_all_hdr);
	err = genlmsg_multicast_netns(&tcpsm_family, &init_net,
				      tcpsm_ev_all_skb, 0,
				      TCPSM_NLGRP_EVENTS_ALL, GFP_KERNEL);
	if (err == -ESRCH)
		tcpsm_ev_all = false;
	tcpsm_ev_all_skb = NULL;
}

/* Record @seq of @ev's namespace for events-all. False: no memory. */
static bool tcpsm_events_all_one(const struct tcpsm_event *ev, u64 seq)
{
	if (tcpsm_ev_all_skb && !tcpsm_event_put(tcpsm_ev_all_skb, ev, seq))
		return true;
	tcpsm_events_all_send();
	if (!tcpsm_ev_all)
		return true;
	tcpsm_ev_all_skb = tcpsm_events_new(ev, seq, &tcpsm_ev_all_hdr);
	return tcpsm_ev_all_skb;
}

/* Record @ev as @tn's current seq for group events. False: no memory. */
static bool tcpsm_events_ns_one(struct tcpsm_net *tn,
				const struct tcpsm_event *ev)
{
	if (tn->ev_deaf == tcpsm_ev_pass)
		return true;
	if (tn->ev_skb && !tcpsm_event_put(tn->ev_skb, ev, tn->ev_seq))
		return true;
	tcpsm_events_send(tn);
	if (tn->ev_deaf == tcpsm_ev_pass)
		return true;	/* that send found no one to read it */
	tn->ev_skb = tcpsm_events_new(ev, tn->ev_seq, &tn->ev_hdr);
	return tn->ev_skb;
}

static void tcpsm_events_one(const struct tcpsm_event *ev,
			     struct list_head *open)
{
	struct tcpsm_net *tn = ev->tn;
	bool sent;
	u64 dropped;

	if (tn->ev_pass != tcpsm_ev_pass) {
		/* first record of @tn in this pass: account for its drops */
		tn->ev_pass = tcpsm_ev_pass;
		list_add_tail(&tn->ev_node, open);
		dropped = tcpsm_counter_read(tn, offsetof(struct tcpsm_pcpu,
							  events_dropped));
		tn->ev_seq += dropped - tn->ev_dropped_seen;
		tn->ev_dropped_seen = dropped;
	}
	tn->ev_seq++;
	/* one event missed by either group counts once */
	sent = !tcpsm_ev_all || tcpsm_events_all_one(ev, tn->ev_seq);
	if (!tcpsm_events_ns_one(tn, ev) || !sent)
		tcpsm_events_lost(tn);
}

/* Of buffers @g, the CPU's whose next record is the oldest, or NULL. */
static struct tcpsm_evcpu *tcpsm_events_oldest(unsigned int g)
{
	struct tcpsm_evcpu *ec, *best = NULL;
	int cpu;

	for_each_possible_cpu(cpu) {
		ec = per_cpu_ptr(tcpsm_evcpu, cpu);
		if (ec->next < ec->n[g] &&
		    (!best || ec->buf[g][ec->next].ts <
			      best->buf[g][best->next].ts))
			best = ec;
	}
	return best;
}

/* One pass: everything buffered so far goes out. */
static void tcpsm_events_flush_locked(void)
{
	unsigned int g = tcpsm_ev_gen & 1;
	struct tcpsm_net *tn, *tmp;
	struct tcpsm_evcpu *ec;
	LIST_HEAD(open);
	int cpu;

	lockdep_assert_held(&tcpsm_events_lock);
	if (!tcpsm_ev_ready)
		return;
	tcpsm_ev_pass++;
	tcpsm_ev_all = genl_has_listeners(&tcpsm_family, &init_net,
					  TCPSM_NLGRP_EVENTS_ALL) > 0;

	/*
	 * Hooks fill the other buffers from now on (release: after the
	 * last pass emptied them); take each lock once to wait for the
	 * hooks still writing to these.
	 */
	smp_store_release(&tcpsm_ev_gen, tcpsm_ev_gen + 1);
	for_each_possible_cpu(cpu) {
		ec = per_cpu_ptr(tcpsm_evcpu, cpu);
		raw_spin_lock_irq(&ec->lock);
		raw_spin_unlock_irq(&ec->lock);
		ec->next = 0;
	}

	/*
	 * Oldest first across CPUs, so that one socket's edges, taken on
	 * different CPUs under its lock, keep their order. A scan per
	 * record: cheap for the CPU counts tcpsm runs on, linear in them.
	 */
	while ((ec = tcpsm_events_oldest(g))) {
		tcpsm_events_one(&ec->buf[g][ec->next++], &open);
		cond_resched();
	}
	/* empty before the next flip hands them back to the hooks */
	for_each_possible_cpu(cpu)
		per_cpu_ptr(tcpsm_evcpu, cpu)->n[g] = 0;

	list_for_each_entry_safe(tn, tmp, &open, ev_node) {
		tcpsm_events_send(tn);
		list_del(&tn->ev_node);
	}
	tcpsm_events_all_send();
}

static void tcpsm_events_work(struct work_struct *work)
{
	mutex_lock(&tcpsm_events_lock);
	tcpsm_events_flush_locked();
	mutex_unlock(&tcpsm_events_lock);
}

/*
 * Send what is buffered now. A namespace being torn down calls this once
 * no hook can record for it any more, so that no record outlives it.
 */
void tcpsm_events_flush(void)
{
	tcpsm_events_work(NULL);
}

/* --- setup ------------------------------------------------------------------ */

static void tcpsm_events_free_buffers(void)
{
	struct tcpsm_evcpu *ec;
	int cpu;

	for_each_possible_cpu(cpu) {
		ec = per_cpu_ptr(tcpsm_evcpu, cpu);
		kvfree(ec->buf[0]);
		kvfree(ec->buf[1]);
	}
	free_percpu(tcpsm_evcpu);
	tcpsm_evcpu = NULL;
}

int tcpsm_events_init(void)
{
	size_t size;
	struct tcpsm_evcpu *ec;
	int cpu;

	tcpsm_ev_cap = clamp(event_buffer, 64U, 65536U);
	if (tcpsm_ev_cap != event_buffer)
		pr_warn("event_buffer=%u out of range, using %u\n",
			event_buffer, tcpsm_ev_cap);
	size = array_size(tcpsm_ev_cap, sizeof(struct tcpsm_event));

	tcpsm_evcpu = alloc_percpu(struct tcpsm_evcpu);
	if (!tcpsm_evcpu)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		ec = per_cpu_ptr(tcpsm_evcpu, cpu);
		raw_spin_lock_init(&ec->lock);
		ec->buf[0] = kvmalloc_node(size, GFP_KERNEL, cpu_to_node(cpu));
		ec->buf[1] = kvmalloc_node(size, GFP_KERNEL, cpu_to_node(cpu));
		if (!ec->buf[0] || !ec->buf[1]) {
			tcpsm_events_free_buffers();
			return -ENOMEM;
		}
	}
	mutex_lock(&tcpsm_events_lock);
	tcpsm_ev_ready = true;
	mutex_unlock(&tcpsm_events_lock);
	return 0;
}

/*
 * After the hooks are gone: send what they left, and stop. Namespaces
 * torn down from now on have nothing buffered.
 */
void tcpsm_events_stop(void)
{
	cancel_delayed_work_sync(&tcpsm_ev_work);
	mutex_lock(&tcpsm_events_lock);
	tcpsm_events_flush_locked();
	tcpsm_ev_ready = false;
	mutex_unlock(&tcpsm_events_lock);
}

void tcpsm_events_free(void)
{
	tcpsm_events_free_buffers();
}
