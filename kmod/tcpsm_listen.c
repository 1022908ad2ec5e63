// SPDX-License-Identifier: GPL-2.0
/*
 * Listeners: each TCP listener of every namespace is held (a socket
 * reference) from CLOSED -> LISTEN to LISTEN -> CLOSED, and sampled once
 * a second for the signals a SYN flood and a slow application leave:
 * its SYN and accept queues against their limits, SYN cookies sent,
 * SYN-ACK retransmits (tracepoint tcp:tcp_retransmit_synack, not
 * exported, found by name), its drops, and the namespace's SNMP
 * counters (tcpsm_snmp.c). tcpsm_synalarm.c turns them into scores and
 * alarms.
 *
 * The state hook only says that a listener came or went (tcpsm_ls_note):
 * a work item then walks the listening hash as inet_diag does and holds
 * the listeners it does not know yet, and the sampler lets go of those
 * no longer in LISTEN. So nothing is allocated in a probe, and the
 * listeners open before the module loaded are found the same way.
 *
 * The hook sees CLOSED -> LISTEN before the socket is in the listening
 * hash (inet_csk_listen_start() stores the state, then gets the port and
 * hashes it). On a preemptible kernel a scan queued at once runs in that
 * window, on the same CPU as soon as the probe returns, and misses the
 * listener. So the scan waits TCPSM_LS_SCAN_DELAY, and the next two
 * samples scan again: the second comes at least a second after the
 * hook, when listen() has long returned.
 *
 * Locking: tcpsm_ls_lock (a mutex) guards every namespace's ls_list, the
 * records and the host-wide hash's writers; the sampler takes
 * tcpsm_nets_lock first. The SYN-ACK probe (softirq, timer) finds its
 * listener in the hash under RCU and only increments an atomic; records
 * are freed after a grace period.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hashtable.h>
#include <linux/math64.h>
#include <linux/slab.h>
#include <linux/tracepoint.h>
#include <linux/workqueue.h>
#include <net/inet_connection_sock.h>
#include <net/inet_hashtables.h>
#include <net/sock_reuseport.h>
#include <net/tcp.h>
#include <trace/events/tcp.h>

#include "tcpsm_listen.h"
#include "tcpsm_snmp.h"

#define TCPSM_LS_BITS		8
#define TCPSM_LS_BATCH		16
#define TCPSM_LS_SCAN_DELAY	msecs_to_jiffies(20)

/* guards every ls_list, the records, the hash's writers, tcpsm_snmp */
DEFINE_MUTEX(tcpsm_ls_lock);
static DEFINE_HASHTABLE(tcpsm_ls_hash, TCPSM_LS_BITS);
static bool tcpsm_ls_running;		/* READ_ONCE: the sampler requeues */
u64 tcpsm_ls_samples;
static atomic_t tcpsm_ls_rescans;	/* samples that scan first */
static struct tracepoint *tcpsm_tp_synack;

static void tcpsm_ls_scan_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(tcpsm_ls_scan_work, tcpsm_ls_scan_fn);
static void tcpsm_ls_sample_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(tcpsm_ls_sample_work, tcpsm_ls_sample_fn);

/* --- records ------------------------------------------------------------- */

/* Under tcpsm_ls_lock, or RCU (the probe). */
static struct tcpsm_listener *tcpsm_ls_find(const struct sock *sk)
{
	struct tcpsm_listener *l;

	hash_for_each_possible_rcu(tcpsm_ls_hash, l, hnode, (unsigned long)sk,
				   lockdep_is_held(&tcpsm_ls_lock))
		if (l->sk == sk)
			return l;
	return NULL;
}

/* Let go of a listener: after a grace period no probe sees the record. */
static void tcpsm_ls_free(struct tcpsm_listener *l)
{
	lockdep_assert_held(&tcpsm_ls_lock);
	hash_del_rcu(&l->hnode);
	list_del(&l->tnode);
	sock_put(l->sk);
	kfree_rcu(l, rcu);
}

/* Hold @sk (its reference is passed in) unless known or its netns is not. */
static void tcpsm_ls_track(struct sock *sk)
{
	struct tcpsm_net *tn = tcpsm_net(sock_net(sk));
	struct tcpsm_listener *l;

	lockdep_assert_held(&tcpsm_ls_lock);
	if (!tn || !tn->ls_live || tcpsm_ls_find(sk))
		goto put;
	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l) {
		pr_warn_ratelimited("a listener not tracked: no memory\n");
		goto put;
	}
	l->sk = sk;
	l->tn = tn;
	atomic_set(&l->synack, 0);
	hash_add_rcu(tcpsm_ls_hash, &l->hnode, (unsigned long)sk);
	list_add_tail(&l->tnode, &tn->ls_list);
	return;
put:
	sock_put(sk);
}

/*
 * Walk the listening hash (one for all namespaces: per-netns hash tables
 * share it) and hold each listener not tracked yet. A bucket's sockets
 * are held under its lock, a batch at a time, as inet_diag does.
 */
static void tcpsm_ls_scan(void)
{
	struct inet_hashinfo *h = init_net.ipv4.tcp_death_row.hashinfo;
	struct sock *batch[TCPSM_LS_BATCH];
	struct inet_listen_hashbucket *ilb;
	struct hlist_nulls_node *node;
	int n, i, skip;
	struct sock *sk;
	u32 b;

	lockdep_assert_held(&tcpsm_ls_lock);
	for (b = 0; b <= h->lhash2_mask; b++) {
		ilb = &h->lhash2[b];
		if (hlist_nulls_empty(&ilb->nulls_head))
			continue;
		skip = 0;
again:
		n = 0;
		i = 0;
		spin_lock(&ilb->lock);
		sk_nulls_for_each(sk, node, &ilb->nulls_head) {
			/* kernel sockets do not hold their namespace */
			if (sk->sk_protocol != IPPROTO_TCP || !sk->sk_net_refcnt ||
			    READ_ONCE(sk->sk_state) != TCP_LISTEN)
				continue;
			if (i++ < skip)
				continue;
			if (n == TCPSM_LS_BATCH)
				break;
			if (tcpsm_ls_find(sk))
				continue;
			if (refcount_inc_not_zero(&sk->sk_refcnt))
				batch[n++] = sk;
		}
		spin_unlock(&ilb->lock);
		for (i = 0; i < n; i++)
			tcpsm_ls_track(batch[i]);
		if (n == TCPSM_LS_BATCH) {
			skip += n;
			goto again;
		}
		if (!(b & 255))
			cond_resched();
	}
}

static void tcpsm_ls_scan_fn(struct work_struct *work)
{
	mutex_lock(&tcpsm_ls_lock);
	tcpsm_ls_scan();
	mutex_unlock(&tcpsm_ls_lock);
}

/*
 * A listener came or went (the state hook; any context, preemption off):
 * the scan finds the new one, the sampler lets go of the old one.
 */
void tcpsm_ls_note(void)
{
	atomic_set(&tcpsm_ls_rescans, 2);
	queue_delayed_work(system_wq, &tcpsm_ls_scan_work, TCPSM_LS_SCAN_DELAY);
}

/* --- tcp:tcp_retransmit_synack -------------------------------------------- */

/* softirq (request socket timer) or process context; preemption off */
static void tcpsm_ls_synack(void *data, const struct sock *sk,
			    const struct request_sock *req)
{
	struct tcpsm_listener *l;

	rcu_read_lock();
	l = tcpsm_ls_find(sk);		/* a Fast Open child is none */
	if (l)
		atomic_inc(&l->synack);
	rcu_read_unlock();
}

static void tcpsm_ls_find_tracepoint(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "tcp_retransmit_synack"))
		*(struct tracepoint **)priv = tp;
}

/* --- sampling -------------------------------------------------------------- */

/* SYN cookies sent within the last two seconds (see tcp_synq_overflow()) */
static bool tcpsm_ls_cookies(const struct sock *sk)
{
	unsigned int last = READ_ONCE(tcp_sk(sk)->rx_opt.ts_recent_stamp);
	unsigned int now = jiffies;
	struct sock_reuseport *reuse;

	rcu_read_lock();
	reuse = sk->sk_reuseport ?
		rcu_dereference(sk->sk_reuseport_cb) : NULL;
	if (reuse)
		last = READ_ONCE(reuse->synq_overflow_ts);
	rcu_read_unlock();
	/* 0: never (or once in 49 days, for a second) */
	return last && time_between32(now, last, last + 2 * HZ);
}

static u32 tcpsm_ls_rate(u32 delta, u64 elapsed)
{
	return elapsed ? (u32)div64_u64((u64)delta * NSEC_PER_SEC + elapsed / 2,
					elapsed) : 0;
}

/* Read @l's signals, after its namespace's counters were sampled. */
static void tcpsm_ls_read(struct tcpsm_net *tn, struct tcpsm_listener *l,
			  u64 now)
{
	struct tcpsm_ls_sig *sig = &l->sig;
	struct sock *sk = l->sk;
	u32 synack = atomic_read(&l->synack);
	u32 drops = atomic_read(&sk->sk_drops);
	u64 elapsed = l->ts ? now - l->ts : 0;
	bool sent;

	sig->family = sk->sk_family;
	sig->port = inet_sk(sk)->inet_num;
	memset(&sig->saddr, 0, sizeof(sig->saddr));
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6)
		sig->saddr = sk->sk_v6_rcv_saddr;
	else
#endif
		sig->saddr.s6_addr32[0] = sk->sk_rcv_saddr;
	sig->synq = inet_csk_reqsk_queue_len(sk);
	sig->synq_max = READ_ONCE(sk->sk_max_ack_backlog);
	sig->acceptq = READ_ONCE(sk->sk_ack_backlog);
	sig->acceptq_max = sig->synq_max;
	sig->cookies = tcpsm_ls_cookies(sk);
	sig->synack = tcpsm_ls_rate(synack - l->synack_seen, elapsed);
	sig->drops = tcpsm_ls_rate(drops - l->drops_seen, elapsed);
	/*
	 * The namespace's full-queue SYNs are this listener's if it sent
	 * cookies or its queue is full of requests (an idle listener with
	 * backlog 0 is "full" too, but holds none).
	 */
	sig->overflow = sig->cookies || (sig->synq && sig->synq >= sig->synq_max) ?
			(u32)min_t(u64, tcpsm_snmp_overflow(tn), U32_MAX) : 0;
	sig->completion = tcpsm_snmp_completion(tn, &sent);
	tcpsm_ls_score(sig, sent);
	l->synack_seen = synack;
	l->drops_seen = drops;
	l->ts = now;
}

static void tcpsm_ls_sample(void)
{
	struct tcpsm_listener *l, *tmp;
	struct tcpsm_net *tn;
	u64 now;

	mutex_lock(&tcpsm_nets_lock);
	mutex_lock(&tcpsm_ls_lock);
	/* a listener the hook announced before it was hashed (see above) */
	if (atomic_dec_if_positive(&tcpsm_ls_rescans) >= 0)
		tcpsm_ls_scan();
	now = ktime_get_ns();
	list_for_each_entry(tn, &tcpsm_nets, node) {
		if (!tn->ls_live)
			continue;
		tcpsm_snmp_sample(tn, now);
		list_for_each_entry_safe(l, tmp, &tn->ls_list, tnode) {
			if (READ_ONCE(l->sk->sk_state) != TCP_LISTEN) {
				tcpsm_ls_alarm_gone(tn, l, now);
				tcpsm_ls_free(l);
				continue;
			}
			tcpsm_ls_read(tn, l, now);
			tcpsm_ls_alarm_eval(tn, l, now);
		}
	}
	WRITE_ONCE(tcpsm_ls_samples, tcpsm_ls_samples + 1);
	mutex_unlock(&tcpsm_ls_lock);
	mutex_unlock(&tcpsm_nets_lock);
}

static void tcpsm_ls_sample_fn(struct work_struct *work)
{
	tcpsm_ls_sample();
	if (READ_ONCE(tcpsm_ls_running))
		queue_delayed_work(system_wq, &tcpsm_ls_sample_work, HZ);
}

/* --- namespaces, load and unload ------------------------------------------ */

/* pernet init, before the namespace is on tcpsm_nets */
void tcpsm_ls_net_init(struct tcpsm_net *tn)
{
	INIT_LIST_HEAD(&tn->ls_list);
	memset(&tn->snmp, 0, sizeof(tn->snmp));
	tn->ls_alarms = 0;
	mutex_lock(&tcpsm_ls_lock);
	tn->ls_live = true;
	mutex_unlock(&tcpsm_ls_lock);
}

/*
 * pernet exit. A listener holds its namespace (sk_net_refcnt), so none is
 * tracked here any more, unless the module is being unloaded
 * (tcpsm_ls_stop() let them go first).
 */
void tcpsm_ls_net_exit(struct tcpsm_net *tn)
{
	struct tcpsm_listener *l, *tmp;

	mutex_lock(&tcpsm_ls_lock);
	tn->ls_live = false;
	list_for_each_entry_safe(l, tmp, &tn->ls_list, tnode) {
		WARN_ON_ONCE(1);
		tcpsm_ls_free(l);
	}
	mutex_unlock(&tcpsm_ls_lock);
}

/*
 * After the state hook is registered (so that no listener is missed
 * between the first scan and the hook): the SYN-ACK probe, the first
 * scan, the sampler.
 */
int tcpsm_ls_start(void)
{
	int err;

	for_each_kernel_tracepoint(tcpsm_ls_find_tracepoint, &tcpsm_tp_synack);
	if (!tcpsm_tp_synack) {
		pr_err("tracepoint tcp:tcp_retransmit_synack not found\n");
		return -ENOENT;
	}
	check_trace_callback_type_tcp_retransmit_synack(tcpsm_ls_synack);
	err = tracepoint_probe_register(tcpsm_tp_synack, tcpsm_ls_synack, NULL);
	if (err) {
		pr_err("cannot attach to tcp:tcp_retransmit_synack: %d\n", err);
		tcpsm_tp_synack = NULL;
		return err;
	}
	WRITE_ONCE(tcpsm_ls_running, true);
	/* the listeners already there, and one listen() may be midway */
	tcpsm_ls_note();
	queue_delayed_work(system_wq, &tcpsm_ls_sample_work, HZ);
	return 0;
}

/*
 * After the state hook is unregistered (nothing queues a scan any more):
 * no sample, no probe, no scan; then every listener is let go.
 */
void tcpsm_ls_stop(void)
{
	struct tcpsm_listener *l;
	struct hlist_node *tmp;
	int b;

	WRITE_ONCE(tcpsm_ls_running, false);
	cancel_delayed_work_sync(&tcpsm_ls_sample_work);
	if (tcpsm_tp_synack) {
		tracepoint_probe_unregister(tcpsm_tp_synack, tcpsm_ls_synack,
					    NULL);
		tracepoint_synchronize_unregister();
	}
	cancel_delayed_work_sync(&tcpsm_ls_scan_work);
	mutex_lock(&tcpsm_ls_lock);
	hash_for_each_safe(tcpsm_ls_hash, b, tmp, l, hnode)
		tcpsm_ls_free(l);
	mutex_unlock(&tcpsm_ls_lock);
	/* the records wait for a grace period: let it pass before unload */
	rcu_barrier();
}
