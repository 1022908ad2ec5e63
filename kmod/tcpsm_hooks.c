// SPDX-License-Identifier: GPL-2.0
/*
 * The hot path: what tcpsm observes, counted per CPU and per namespace.
 *
 * sock:inet_sock_set_state sees every state change of a full TCP socket,
 * but it is blind to three things an operator's state machine needs:
 *
 *  - request sockets (a SYN received at a listener: half-open, shown by
 *    ss as SYN-RECV) are created and dropped without an event, and the
 *    full socket made for one later reports LISTEN -> SYN_RECV again;
 *  - a socket entering TIME_WAIT (or orphaned FIN_WAIT_2) is replaced by
 *    a timewait socket, and the full socket reports X -> CLOSE;
 *  - timewait sockets change substate (FIN_WAIT_2 -> TIME_WAIT) and die
 *    silently.
 *
 * Small kprobes fill those gaps; each only counts what it saw.
 * tcpsm_matrix.c turns the counts into edges.
 *
 * Context: every handler runs with preemption disabled, in process or
 * softirq context (set_state also from timers); none sleeps or locks.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <net/inet_timewait_sock.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <trace/events/sock.h>

#include "compat.h"
#include "tcpsm.h"

/* kernel TCP_* state -> operator state; -1: not a state tcpsm shows */
int tcpsm_state_of(int tcp_state)
{
	switch (tcp_state) {
	case TCP_ESTABLISHED:	return TCPSM_STATE_ESTABLISHED;
	case TCP_SYN_SENT:	return TCPSM_STATE_SYN_SENT;
	case TCP_SYN_RECV:	return TCPSM_STATE_SYN_RCVD;
	case TCP_FIN_WAIT1:	return TCPSM_STATE_FIN_WAIT_1;
	case TCP_FIN_WAIT2:	return TCPSM_STATE_FIN_WAIT_2;
	case TCP_TIME_WAIT:	return TCPSM_STATE_TIME_WAIT;
	case TCP_CLOSE:		return TCPSM_STATE_CLOSED;
	case TCP_CLOSE_WAIT:	return TCPSM_STATE_CLOSE_WAIT;
	case TCP_LAST_ACK:	return TCPSM_STATE_LAST_ACK;
	case TCP_LISTEN:	return TCPSM_STATE_LISTEN;
	case TCP_CLOSING:	return TCPSM_STATE_CLOSING;
	case TCP_NEW_SYN_RECV:	return TCPSM_STATE_SYN_RCVD;
	default:		return -1;
	}
}

static int tcpsm_tw_sub(const struct inet_timewait_sock *tw)
{
	return READ_ONCE(tw->tw_substate) == TCP_FIN_WAIT2 ?
		TCPSM_TW_FIN_WAIT_2 : TCPSM_TW_TIME_WAIT;
}

/*
 * Count one observation, the counter at @offset in struct tcpsm_pcpu, in
 * @net; a no-op while @net has no counters. this_cpu_inc() is safe
 * against a softirq probe interrupting a process-context one.
 */
static void tcpsm_count(const struct net *net, size_t offset)
{
	struct tcpsm_pcpu __percpu *pc;

	rcu_read_lock();
	pc = tcpsm_counters(net);
	if (pc)
		this_cpu_inc(*(u64 __percpu *)((void __percpu *)pc + offset));
	rcu_read_unlock();
}

/* --- sock:inet_sock_set_state ------------------------------------------ */

static void tcpsm_set_state(void *data, const struct sock *sk,
			    const int oldstate, const int newstate)
{
	int from, to;

	/* SCTP, DCCP and MPTCP (connection level) fire it too */
	if (sk->sk_protocol != IPPROTO_TCP)
		return;
	from = tcpsm_state_of(oldstate);
	to = tcpsm_state_of(newstate);
	/* FIN_WAIT2 -> FIN_WAIT2 (shutdown, then close) is not a transition */
	if (from < 0 || to < 0 || from == to)
		return;
	tcpsm_count(sock_net(sk), offsetof(struct tcpsm_pcpu, edge[from][to]));
}

static struct tracepoint *tcpsm_tp_set_state;

static void tcpsm_find_tracepoint(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "inet_sock_set_state"))
		*(struct tracepoint **)priv = tp;
}

/* --- request sockets ------------------------------------------------------ */

/*
 * inet_csk_reqsk_queue_hash_add(sk, req, timeout): a SYN made a request
 * socket and it goes into the established hash. (It can fail only when
 * a duplicate request for the same 4-tuple raced in on another CPU.)
 */
static int tcpsm_reqsk_hashed(struct kprobe *p, struct pt_regs *regs)
{
	struct sock *sk = (void *)regs_get_kernel_argument(regs, 0);

	if (sk->sk_protocol == IPPROTO_TCP)
		tcpsm_count(sock_net(sk),
			    offsetof(struct tcpsm_pcpu, reqsk_hashed));
	return 0;
}

/*
 * __inet_csk_reqsk_queue_drop(sk, req, from_timer): takes a request
 * socket out of the hash when it is still there: a half-open connection
 * ends (SYN-ACK retries exhausted, RST, listener gone). A request socket
 * that became a full socket was already replaced in the hash by its
 * child, so it is not counted here.
 */
static int tcpsm_reqsk_dropped(struct kprobe *p, struct pt_regs *regs)
{
	struct sock *sk = (void *)regs_get_kernel_argument(regs, 0);
	struct sock *req = (void *)regs_get_kernel_argument(regs, 1);

	if (sk->sk_protocol == IPPROTO_TCP && sk_hashed(req))
		tcpsm_count(sock_net(sk),
			    offsetof(struct tcpsm_pcpu, reqsk_dropped));
	return 0;
}

/*
 * inet_csk_complete_hashdance(sk, child, req, own_req): the child of a
 * hashed request socket. Its LISTEN -> SYN_RECV event was the request
 * socket's, counted when it was hashed. Without own_req another CPU won
 * the race and this child is freed without an event: also not an edge.
 */
static int tcpsm_reqsk_grown(struct kprobe *p, struct pt_regs *regs)
{
	struct sock *sk = (void *)regs_get_kernel_argument(regs, 0);

	if (sk->sk_protocol == IPPROTO_TCP)
		tcpsm_count(sock_net(sk),
			    offsetof(struct tcpsm_pcpu, reqsk_grown));
	return 0;
}

/* --- timewait sockets ------------------------------------------------------ */

/*
 * inet_twsk_hashdance(tw, sk, hashinfo): @tw takes over from full socket
 * @sk, which then reports X -> CLOSE from tcp_done().
 */
static int tcpsm_tw_enter(struct kprobe *p, struct pt_regs *regs)
{
	struct inet_timewait_sock *tw = (void *)regs_get_kernel_argument(regs, 0);
	struct sock *sk = (void *)regs_get_kernel_argument(regs, 1);
	int from, sub = tcpsm_tw_sub(tw);

	if (sk->sk_protocol != IPPROTO_TCP)
		return 0;
	from = tcpsm_state_of(READ_ONCE(sk->sk_state));
	if (from >= 0)
		tcpsm_count(sock_net(sk),
			    offsetof(struct tcpsm_pcpu, tw_enter[from][sub]));
	return 0;
}

/*
 * The peer's FIN moves an orphaned FIN_WAIT_2 timewait socket to
 * TIME_WAIT inside tcp_timewait_state_process(), which then re-arms its
 * timer with __inet_twsk_schedule(tw, timeo, rearm = true). Re-arming
 * happens only there, in TIME_WAIT too, so remember on entry which
 * timewait socket was in FIN_WAIT_2, and count the switch when that one
 * is re-armed in TIME_WAIT. Both run in one softirq on this CPU.
 */
static DEFINE_PER_CPU(const struct inet_timewait_sock *, tcpsm_tw_in_fw2);

/* tcp_timewait_state_process(tw, skb, th, ...) */
static int tcpsm_tw_segment(struct kprobe *p, struct pt_regs *regs)
{
	struct inet_timewait_sock *tw = (void *)regs_get_kernel_argument(regs, 0);

	if (tcpsm_tw_sub(tw) != TCPSM_TW_FIN_WAIT_2)
		tw = NULL;
	this_cpu_write(tcpsm_tw_in_fw2, tw);
	return 0;
}

/* __inet_twsk_schedule(tw, timeo, rearm) */
static int tcpsm_tw_rearm(struct kprobe *p, struct pt_regs *regs)
{
	struct inet_timewait_sock *tw = (void *)regs_get_kernel_argument(regs, 0);
	bool rearm = regs_get_kernel_argument(regs, 2) & 0xff;

	if (!rearm || this_cpu_read(tcpsm_tw_in_fw2) != tw)
		return 0;
	this_cpu_write(tcpsm_tw_in_fw2, NULL);
	if (tcpsm_tw_sub(tw) == TCPSM_TW_TIME_WAIT)
		tcpsm_count(twsk_net(tw), offsetof(struct tcpsm_pcpu, tw_fin));
	return 0;
}

/* tcp_twsk_destructor(sk): every TCP timewait socket, once, when freed */
static int tcpsm_tw_end(struct kprobe *p, struct pt_regs *regs)
{
	struct sock *sk = (void *)regs_get_kernel_argument(regs, 0);
	int sub = tcpsm_tw_sub(inet_twsk(sk));

	tcpsm_count(sock_net(sk), offsetof(struct tcpsm_pcpu, tw_end[sub]));
	return 0;
}

/* --- registration ----------------------------------------------------------- */

/*
 * Entry probes only: return probes (rethook) crashed the 6.1 guest when
 * unloaded under load, and nothing here needs a return value.
 */
static struct kprobe tcpsm_kprobes_all[] = {
	{ .symbol_name = "inet_csk_reqsk_queue_hash_add",
	  .pre_handler = tcpsm_reqsk_hashed },
	{ .symbol_name = "__inet_csk_reqsk_queue_drop",
	  .pre_handler = tcpsm_reqsk_dropped },
	{ .symbol_name = "inet_csk_complete_hashdance",
	  .pre_handler = tcpsm_reqsk_grown },
	{ .symbol_name = TCPSM_SYM_TW_HASHDANCE,
	  .pre_handler = tcpsm_tw_enter },
	{ .symbol_name = "tcp_timewait_state_process",
	  .pre_handler = tcpsm_tw_segment },
	{ .symbol_name = "__inet_twsk_schedule",
	  .pre_handler = tcpsm_tw_rearm },
	{ .symbol_name = "tcp_twsk_destructor",
	  .pre_handler = tcpsm_tw_end },
};

static struct kprobe *tcpsm_kprobes[ARRAY_SIZE(tcpsm_kprobes_all)];

/*
 * The kprobes go in before the tracepoint and come out after it, so that
 * every tracepoint event that a kprobe observation corrects is matched.
 */
int tcpsm_hooks_register(void)
{
	int i, err;

	for_each_kernel_tracepoint(tcpsm_find_tracepoint, &tcpsm_tp_set_state);
	if (!tcpsm_tp_set_state) {
		pr_err("tracepoint sock:inet_sock_set_state not found\n");
		return -ENOENT;
	}

	for (i = 0; i < ARRAY_SIZE(tcpsm_kprobes_all); i++) {
		tcpsm_kprobes[i] = &tcpsm_kprobes_all[i];
		err = register_kprobe(tcpsm_kprobes[i]);
		if (err) {
			pr_err("cannot probe %s: %d\n",
			       tcpsm_kprobes_all[i].symbol_name, err);
			unregister_kprobes(tcpsm_kprobes, i);
			return err;
		}
	}

	check_trace_callback_type_inet_sock_set_state(tcpsm_set_state);
	err = tracepoint_probe_register(tcpsm_tp_set_state, tcpsm_set_state, NULL);
	if (err) {
		pr_err("cannot attach to sock:inet_sock_set_state: %d\n", err);
		unregister_kprobes(tcpsm_kprobes, ARRAY_SIZE(tcpsm_kprobes));
		return err;
	}
	return 0;
}

/* Returns with no handler running or about to run. */
void tcpsm_hooks_unregister(void)
{
	tracepoint_probe_unregister(tcpsm_tp_set_state, tcpsm_set_state, NULL);
	tracepoint_synchronize_unregister();
	/* waits for running handlers (synchronize_rcu) */
	unregister_kprobes(tcpsm_kprobes, ARRAY_SIZE(tcpsm_kprobes));
}
