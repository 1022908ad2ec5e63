// SPDX-License-Identifier: GPL-2.0
/*
 * CLOSE_WAIT tracking: which local ports hold sockets whose peer closed
 * and whose application did not, since when, and whose they are.
 *
 * Two sources, each used for what it knows best:
 *
 *  - The hooks see every edge into and out of CLOSE_WAIT as it happens.
 *    They append a 40-byte record (socket, cookie, port, time) to this
 *    CPU's ring, under a per-CPU raw spinlock, and allocate nothing. A
 *    full ring drops the record and counts it (closewait-untracked).
 *  - A sampler, once a second in process context, drains the rings into
 *    per-socket tracking entries (entry time, owner), then walks the
 *    established hash as inet_diag does and counts, per namespace and
 *    local port, the sockets in CLOSE_WAIT. The counts are therefore
 *    exact (ss reads the same table), sockets from before the module
 *    was loaded and sockets past the tracking cap included. An entry the
 *    walk no longer finds is dropped, so a lost exit record costs
 *    nothing lasting.
 *
 * Tracking entries are bounded host-wide by the closewait_max module
 * parameter and allocated in process context only. A socket past the
 * cap is counted per port (untracked) but has no age or owner.
 *
 * Locking: tcpsm_cw_lock (a mutex) guards every tracking entry, every
 * port record and the tcpsm_net fields marked as the sampler's. The
 * sampler takes tcpsm_nets_lock first, then tcpsm_cw_lock; namespace
 * exit takes them one after the other, never nested the other way.
 * Ring locks are raw spinlocks taken with interrupts off, innermost.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cgroup.h>
#include <linux/hashtable.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/sock_diag.h>
#include <linux/workqueue.h>
#include <net/inet_hashtables.h>
#include <net/ipv6.h>
#include <net/tcp.h>

#include "tcpsm_cw.h"
#include "tcpsm_hooks.h"

static unsigned int closewait_max = 65536;
module_param(closewait_max, uint, 0444);
MODULE_PARM_DESC(closewait_max,
		 "CLOSE_WAIT sockets tracked with age and owner, host-wide (default 65536, at most 4194304); past it they are counted only");

#define TCPSM_CW_RING		1024	/* records per CPU */
#define TCPSM_CW_BATCH		16	/* sockets held per bucket visit */
#define TCPSM_CW_SOCK_BITS	12
#define TCPSM_CW_PORT_BITS	10

/* An edge into (@enter) or out of CLOSE_WAIT, as a hook saw it. */
struct tcpsm_cw_rec {
	const struct sock *sk;		/* identity only: never dereferenced */
	struct tcpsm_net *tn;
	u64 cookie;
	u64 ts;
	u16 port;
	bool enter;
};

struct tcpsm_cw_cpu {
	raw_spinlock_t lock;
	unsigned int n;
	struct tcpsm_cw_rec *rec;	/* TCPSM_CW_RING, on the CPU's node */
};

static struct tcpsm_cw_cpu __percpu *tcpsm_cw_cpu;
static struct tcpsm_cw_rec *tcpsm_cw_scratch;	/* one ring's worth */
static DEFINE_HASHTABLE(tcpsm_cw_socks, TCPSM_CW_SOCK_BITS);
static DEFINE_HASHTABLE(tcpsm_cw_ports, TCPSM_CW_PORT_BITS);
static struct kmem_cache *tcpsm_cw_cache;
static unsigned int tcpsm_cw_tracked;	/* entries, under tcpsm_cw_lock */
/* samples taken, under tcpsm_cw_lock (the last one is this minus one) */
u64 tcpsm_cw_sample;
static u64 tcpsm_cw_load_ts;		/* module load, ns */
static bool tcpsm_cw_overflow;		/* a ring dropped: walk all */
static bool tcpsm_cw_running;		/* sampler may be queued */

/* the sampler's: entries, ports, their tcpsm_net fields (see above) */
DEFINE_MUTEX(tcpsm_cw_lock);

static void tcpsm_cw_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(tcpsm_cw_work, tcpsm_cw_work_fn);
static void tcpsm_cw_drain_fn(struct work_struct *work);
static DECLARE_WORK(tcpsm_cw_drain_work, tcpsm_cw_drain_fn);

/* --- the hooks' side ------------------------------------------------------ */

/*
 * Note that full socket @sk of @tn enters (@enter) or leaves CLOSE_WAIT.
 * Called by the hooks: preemption off, any context but hard interrupts.
 */
void tcpsm_cw_note(struct tcpsm_net *tn, struct tcpsm_pcpu __percpu *pc,
		   struct sock *sk, bool enter)
{
	struct tcpsm_cw_cpu *cc;
	struct tcpsm_cw_rec *r;
	unsigned long flags;
	unsigned int n;
	u32 cookie[2];
	u16 port;

	sock_diag_save_cookie(sk, cookie);
	port = tcpsm_sk_port(sk);

	local_irq_save(flags);
	cc = this_cpu_ptr(tcpsm_cw_cpu);
	raw_spin_lock(&cc->lock);
	n = cc->n;
	if (n >= TCPSM_CW_RING) {
		raw_spin_unlock(&cc->lock);
		local_irq_restore(flags);
		WRITE_ONCE(tcpsm_cw_overflow, true);
		if (enter)
			this_cpu_inc(pc->cw_untracked);
		return;
	}
	r = &cc->rec[n];
	r->sk = sk;
	r->tn = tn;
	r->cookie = (u64)cookie[1] << 32 | cookie[0];
	r->ts = ktime_get_ns();
	r->port = port;
	r->enter = enter;
	cc->n = ++n;
	raw_spin_unlock(&cc->lock);
	local_irq_restore(flags);

	/* half full: drain now rather than at the next sample */
	if (n == TCPSM_CW_RING / 2 && READ_ONCE(tcpsm_cw_running))
		queue_work(system_wq, &tcpsm_cw_drain_work);
}

/* --- tracking entries and port records (under tcpsm_cw_lock) ------------- */

static u32 tcpsm_cw_port_key(const struct tcpsm_net *tn, u16 port)
{
	return hash_ptr(tn, 32) ^ port;
}

static struct tcpsm_cw_port *tcpsm_cw_port_find(struct tcpsm_net *tn,
						u16 port, bool create)
{
	u32 key = tcpsm_cw_port_key(tn, port);
	struct tcpsm_cw_port *p;

	hash_for_each_possible(tcpsm_cw_ports, p, hnode, key)
		if (p->tn == tn && p->port == port)
			return p;
	if (!create)
		return NULL;
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return NULL;
	p->tn = tn;
	p->port = port;
	INIT_LIST_HEAD(&p->socks);
	hash_add(tcpsm_cw_ports, &p->hnode, key);
	list_add_tail(&p->tnode, &tn->cw_ports);
	return p;
}

static void tcpsm_cw_port_free(struct tcpsm_cw_port *p)
{
	WARN_ON_ONCE(!list_empty(&p->socks));
	hash_del(&p->hnode);
	list_del(&p->tnode);
	kfree(p);
}

static struct tcpsm_cw_sock *tcpsm_cw_sock_find(const struct sock *sk)
{
	struct tcpsm_cw_sock *s;

	hash_for_each_possible(tcpsm_cw_socks, s, hnode, (unsigned long)sk)
		if (s->sk == sk)
			return s;
	return NULL;
}

static void tcpsm_cw_sock_free(struct tcpsm_cw_sock *s)
{
	hash_del(&s->hnode);
	list_del(&s->pnode);
	s->port->tracked--;
	tcpsm_cw_tracked--;
	kmem_cache_free(tcpsm_cw_cache, s);
}

/* Keep the port's list oldest first: entries come nearly in order. */
static void tcpsm_cw_sock_link(struct tcpsm_cw_port *p,
			       struct tcpsm_cw_sock *s)
{
	struct tcpsm_cw_sock *pos;

	list_for_each_entry_reverse(pos, &p->socks, pnode)
		if (pos->since <= s->since)
			break;
	list_add(&s->pnode, &pos->pnode);
	s->port = p;
	p->tracked++;
}

/* Track @sk of port @p from @since, if the cap allows. */
static struct tcpsm_cw_sock *tcpsm_cw_track(struct tcpsm_cw_port *p,
					    const struct sock *sk,
					    u64 cookie, u64 since)
{
	struct tcpsm_cw_sock *s;

	if (tcpsm_cw_tracked >= closewait_max)
		return NULL;
	s = kmem_cache_zalloc(tcpsm_cw_cache, GFP_KERNEL);
	if (!s)
		return NULL;
	s->sk = sk;
	s->cookie = cookie;
	s->since = since;
	s->seen = tcpsm_cw_sample;
	hash_add(tcpsm_cw_socks, &s->hnode, (unsigned long)sk);
	tcpsm_cw_sock_link(p, s);
	tcpsm_cw_tracked++;
	return s;
}

/* --- the sampler ------------------------------------------------------------ */

static void tcpsm_cw_rec_apply(const struct tcpsm_cw_rec *r)
{
	unsigned int slot = tcpsm_cw_slot(tcpsm_cw_sample, 0);
	struct tcpsm_net *tn = r->tn;
	struct tcpsm_cw_port *p;
	struct tcpsm_cw_sock *s;

	if (!tn->cw_live)
		return;
	tn->cw_walk = true;
	s = tcpsm_cw_sock_find(r->sk);
	if (!r->enter) {
		if (s && s->cookie == r->cookie) {
			s->port->exits[slot]++;
			tcpsm_cw_sock_free(s);
			return;
		}
		/* untracked, or its entry was applied after (other CPU) */
		p = tcpsm_cw_port_find(tn, r->port, false);
		if (p)
			p->exits[slot]++;
		return;
	}

	p = tcpsm_cw_port_find(tn, r->port, true);
	if (!p) {
		tn->cw_refused++;
		return;
	}
	p->entries[slot]++;
	if (s && s->cookie == r->cookie)
		return;
	if (s)		/* a gone socket's entry: its memory was reused */
		tcpsm_cw_sock_free(s);
	if (!tcpsm_cw_track(p, r->sk, r->cookie, r->ts))
		tn->cw_refused++;
}

/* Apply what the hooks recorded. Holds: both locks. */
static void tcpsm_cw_drain(void)
{
	struct tcpsm_cw_cpu *cc;
	unsigned int i, n;
	int cpu;

	lockdep_assert_held(&tcpsm_nets_lock);
	lockdep_assert_held(&tcpsm_cw_lock);
	for_each_possible_cpu(cpu) {
		cc = per_cpu_ptr(tcpsm_cw_cpu, cpu);
		raw_spin_lock_irq(&cc->lock);
		n = cc->n;
		memcpy(tcpsm_cw_scratch, cc->rec, n * sizeof(cc->rec[0]));
		cc->n = 0;
		raw_spin_unlock_irq(&cc->lock);
		for (i = 0; i < n; i++)
			tcpsm_cw_rec_apply(&tcpsm_cw_scratch[i]);
		cond_resched();
	}
}

static void tcpsm_cw_owner_read(struct sock *sk, struct tcpsm_cw_owner *o)
{
	o->uid = from_kuid_munged(sock_net(sk)->user_ns, sock_i_uid(sk));
	o->ino = sock_i_ino(sk);
#ifdef CONFIG_SOCK_CGROUP_DATA
	o->cgroup = cgroup_id(sock_cgroup_ptr(&sk->sk_cgrp_data));
#endif
	o->family = sk->sk_family;
	o->dport = ntohs(sk->sk_dport);
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		o->saddr = sk->sk_v6_rcv_saddr;
		o->daddr = sk->sk_v6_daddr;
		return;
	}
#endif
	ipv6_addr_set(&o->saddr, sk->sk_rcv_saddr, 0, 0, 0);
	ipv6_addr_set(&o->daddr, sk->sk_daddr, 0, 0, 0);
}

/* One CLOSE_WAIT socket the walk found, held. */
static void tcpsm_cw_seen(struct sock *sk, struct tcpsm_net *tn)
{
	struct tcpsm_cw_port *p;
	struct tcpsm_cw_sock *s;
	u32 cookie[2];
	u64 ck;

	p = tcpsm_cw_port_find(tn, sk->sk_num, true);
	if (!p)
		return;		/* no memory: this sample undercounts */
	p->walked++;
	sock_diag_save_cookie(sk, cookie);
	ck = (u64)cookie[1] << 32 | cookie[0];
	s = tcpsm_cw_sock_find(sk);
	if (s && (s->cookie != ck || s->port != p)) {
		tcpsm_cw_sock_free(s);
		s = NULL;
	}
	if (!s) {
		/*
		 * Not recorded: there before the module (or its namespace's
		 * first sample), or its record was dropped. Its age counts
		 * from when tcpsm could first have seen it.
		 */
		s = tcpsm_cw_track(p, sk, ck, tn->cw_first_walk ?
				   tcpsm_cw_load_ts : ktime_get_ns());
		if (!s) {
			if (tn->cw_first_walk)
				tn->cw_refused++;
			return;
		}
	}
	s->seen = tcpsm_cw_sample;
	tcpsm_cw_owner_read(sk, &s->owner);
}

/*
 * Count the CLOSE_WAIT sockets of the namespaces to walk, in the
 * established hash @h, as inet_diag walks it: a bucket's sockets are
 * held under its lock, a batch at a time, and looked at outside it.
 */
static void tcpsm_cw_walk(struct inet_hashinfo *h)
{
	struct sock *batch[TCPSM_CW_BATCH];
	struct hlist_nulls_node *node;
	struct tcpsm_net *tn;
	struct sock *sk;
	int n, i, skip;
	u32 b;

	for (b = 0; b <= h->ehash_mask; b++) {
		if (hlist_nulls_empty(&h->ehash[b].chain))
			continue;
		skip = 0;
again:
		n = 0;
		i = 0;
		spin_lock_bh(inet_ehash_lockp(h, b));
		sk_nulls_for_each(sk, node, &h->ehash[b].chain) {
			if (READ_ONCE(sk->sk_state) != TCP_CLOSE_WAIT ||
			    sk->sk_protocol != IPPROTO_TCP)
				continue;
			tn = tcpsm_net(sock_net(sk));
			if (!tn || !tn->cw_live || !tn->cw_walk)
				continue;
			if (i++ < skip)
				continue;
			if (n == TCPSM_CW_BATCH)
				break;
			if (refcount_inc_not_zero(&sk->sk_refcnt))
				batch[n++] = sk;
		}
		spin_unlock_bh(inet_ehash_lockp(h, b));
		for (i = 0; i < n; i++) {
			tcpsm_cw_seen(batch[i], tcpsm_net(sock_net(batch[i])));
			sock_put(batch[i]);
		}
		if (n == TCPSM_CW_BATCH) {
			skip += n;
			goto again;
		}
		if (!(b & 255))
			cond_resched();
	}
}

/* After the walk: counts, dropped entries, history, alarms. */
static void tcpsm_cw_close_sample(struct tcpsm_net *tn, u64 now)
{
	unsigned int slot = (tcpsm_cw_sample + 1) % TCPSM_CW_HIST;
	struct tcpsm_cw_port *p, *ptmp;
	struct tcpsm_cw_sock *s, *stmp;
	bool busy = false;

	list_for_each_entry_safe(p, ptmp, &tn->cw_ports, tnode) {
		if (tn->cw_walk) {
			list_for_each_entry_safe(s, stmp, &p->socks, pnode)
				if (s->seen != tcpsm_cw_sample)
					tcpsm_cw_sock_free(s);
			p->count = p->walked;
		}
		p->walked = 0;
		p->hist[tcpsm_cw_sample % TCPSM_CW_HIST] = p->count;
		if (p->samples < TCPSM_CW_HIST)
			p->samples++;
		tcpsm_cw_alarm_eval(tn, p, tcpsm_cw_sample, now);
		/* the next sample's slots start empty */
		p->entries[slot] = 0;
		p->exits[slot] = 0;
		/*
		 * Walk again while the port has sockets, or entries the walk
		 * has not confirmed yet (one made this sample for a socket
		 * that left at once, its exit applied first from another
		 * CPU): the next walk sweeps them.
		 */
		if (p->count || p->tracked)
			busy = true;
		/* a port quiet for a window and more has no history to keep */
		if (p->count || p->tracked ||
		    p->entries[tcpsm_cw_slot(tcpsm_cw_sample, 0)] ||
		    p->exits[tcpsm_cw_slot(tcpsm_cw_sample, 0)])
			p->idle = 0;
		else if (++p->idle > TCPSM_CW_HIST && !p->alarm)
			tcpsm_cw_port_free(p);
	}
	tn->cw_first_walk = false;
	/* walk again next time only if something may be there */
	tn->cw_walk = busy;
}

/* Was @h already walked this sample, for a namespace before @tn? */
static bool tcpsm_cw_walked(struct tcpsm_net *tn, struct inet_hashinfo *h)
{
	struct tcpsm_net *t;

	list_for_each_entry(t, &tcpsm_nets, node) {
		if (t == tn)
			return false;
		if (t->cw_walk && t->net->ipv4.tcp_death_row.hashinfo == h)
			return true;
	}
	return false;
}

static void tcpsm_cw_sample_all(void)
{
	struct inet_hashinfo *h;
	struct tcpsm_net *tn;
	bool all;
	u64 now;

	mutex_lock(&tcpsm_nets_lock);
	mutex_lock(&tcpsm_cw_lock);
	tcpsm_cw_drain();
	all = READ_ONCE(tcpsm_cw_overflow);
	WRITE_ONCE(tcpsm_cw_overflow, false);
	list_for_each_entry(tn, &tcpsm_nets, node)
		tn->cw_walk |= all;

	/* each established hash once: one, unless per-netns ehash is on */
	list_for_each_entry(tn, &tcpsm_nets, node) {
		h = tn->net->ipv4.tcp_death_row.hashinfo;
		if (tn->cw_walk && !tcpsm_cw_walked(tn, h))
			tcpsm_cw_walk(h);
	}

	now = ktime_get_ns();
	list_for_each_entry(tn, &tcpsm_nets, node)
		tcpsm_cw_close_sample(tn, now);
	/* also read without the lock, by GET_ALARMS (tcpsm_genl.c) */
	WRITE_ONCE(tcpsm_cw_sample, tcpsm_cw_sample + 1);
	mutex_unlock(&tcpsm_cw_lock);
	mutex_unlock(&tcpsm_nets_lock);
}

static void tcpsm_cw_work_fn(struct work_struct *work)
{
	tcpsm_cw_sample_all();
	if (READ_ONCE(tcpsm_cw_running))
		queue_delayed_work(system_wq, &tcpsm_cw_work, HZ);
}

static void tcpsm_cw_drain_fn(struct work_struct *work)
{
	mutex_lock(&tcpsm_nets_lock);
	mutex_lock(&tcpsm_cw_lock);
	tcpsm_cw_drain();
	mutex_unlock(&tcpsm_cw_lock);
	mutex_unlock(&tcpsm_nets_lock);
}

/* --- namespaces -------------------------------------------------------------- */

void tcpsm_cw_net_init(struct tcpsm_net *tn)
{
	INIT_LIST_HEAD(&tn->cw_ports);
	mutex_lock(&tcpsm_cw_lock);
	tn->cw_walk = true;
	/* there at load: what its first walk finds predates tcpsm */
	tn->cw_first_walk = !READ_ONCE(tcpsm_cw_running);
	tn->cw_live = true;
	mutex_unlock(&tcpsm_cw_lock);
}

/* @tn is off tcpsm_nets: the sampler no longer looks at it. */
void tcpsm_cw_net_exit(struct tcpsm_net *tn)
{
	struct tcpsm_cw_port *p, *ptmp;
	struct tcpsm_cw_sock *s, *stmp;

	mutex_lock(&tcpsm_cw_lock);
	tn->cw_live = false;
	list_for_each_entry_safe(p, ptmp, &tn->cw_ports, tnode) {
		list_for_each_entry_safe(s, stmp, &p->socks, pnode)
			tcpsm_cw_sock_free(s);
		tcpsm_cw_port_free(p);
	}
	mutex_unlock(&tcpsm_cw_lock);
}

/*
 * No hook can record for the namespaces being torn down any more: apply
 * (and so discard) what they recorded before their memory goes.
 */
void tcpsm_cw_flush(void)
{
	mutex_lock(&tcpsm_nets_lock);
	mutex_lock(&tcpsm_cw_lock);
	if (tcpsm_cw_cpu)
		tcpsm_cw_drain();
	mutex_unlock(&tcpsm_cw_lock);
	mutex_unlock(&tcpsm_nets_lock);
}

/* --- module ------------------------------------------------------------------ */

int tcpsm_cw_init(void)
{
	struct tcpsm_cw_cpu *cc;
	int cpu;

	if (closewait_max > TCPSM_CW_MAX_LIMIT) {
		pr_err("closewait_max=%u is above %u\n", closewait_max,
		       TCPSM_CW_MAX_LIMIT);
		return -EINVAL;
	}
	tcpsm_cw_load_ts = ktime_get_ns();
	tcpsm_cw_cache = KMEM_CACHE(tcpsm_cw_sock, 0);
	if (!tcpsm_cw_cache)
		return -ENOMEM;
	tcpsm_cw_scratch = kvmalloc_array(TCPSM_CW_RING,
					  sizeof(*tcpsm_cw_scratch),
					  GFP_KERNEL);
	tcpsm_cw_cpu = alloc_percpu(struct tcpsm_cw_cpu);
	if (!tcpsm_cw_scratch || !tcpsm_cw_cpu) {
		tcpsm_cw_free();
		return -ENOMEM;
	}
	for_each_possible_cpu(cpu) {
		cc = per_cpu_ptr(tcpsm_cw_cpu, cpu);
		raw_spin_lock_init(&cc->lock);
		cc->rec = kvmalloc_node(TCPSM_CW_RING * sizeof(*cc->rec),
					GFP_KERNEL, cpu_to_node(cpu));
		if (!cc->rec) {
			tcpsm_cw_free();
			return -ENOMEM;
		}
	}
	return 0;
}

/* The hooks are in: sample from now on (the first sample finds the old). */
void tcpsm_cw_start(void)
{
	WRITE_ONCE(tcpsm_cw_running, true);
	queue_delayed_work(system_wq, &tcpsm_cw_work, 0);
}

/* No hook runs any more; the family is still there. */
void tcpsm_cw_stop(void)
{
	WRITE_ONCE(tcpsm_cw_running, false);
	cancel_delayed_work_sync(&tcpsm_cw_work);
	cancel_work_sync(&tcpsm_cw_drain_work);
}

/* After the namespaces' exit freed their entries. */
void tcpsm_cw_free(void)
{
	int cpu;

	if (tcpsm_cw_tracked)
		pr_err("%u CLOSE_WAIT tracking entries leaked\n",
		       tcpsm_cw_tracked);
	if (tcpsm_cw_cpu)
		for_each_possible_cpu(cpu)
			kvfree(per_cpu_ptr(tcpsm_cw_cpu, cpu)->rec);
	free_percpu(tcpsm_cw_cpu);
	tcpsm_cw_cpu = NULL;
	kvfree(tcpsm_cw_scratch);
	tcpsm_cw_scratch = NULL;
	kmem_cache_destroy(tcpsm_cw_cache);
	tcpsm_cw_cache = NULL;
}
