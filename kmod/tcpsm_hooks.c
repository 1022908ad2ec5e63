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

struct tcpsm_krp_data {
	struct net *net;
	const void *obj;
	int sub;
};

/* bool inet_csk_reqsk_queue_hash_add(sk, req, timeout) */
static int tcpsm_reqsk_hash_entry(struct kretprobe_instance *ri,
				  struct pt_regs *regs)
{
	struct tcpsm_krp_data *d = (void *)ri->data;
	struct sock *sk = (void *)regs_get_kernel_argument(regs, 0);

	if (sk->sk_protocol != IPPROTO_TCP)
		return 1;	/* no return handler */
	d->net = sock_net(sk);
	return 0;
}

static int tcpsm_reqsk_hash_ret(struct kretprobe_instance *ri,
				struct pt_regs *regs)
{
	struct tcpsm_krp_data *d = (void *)ri->data;

	if ((u8)regs_return_value(regs))
		tcpsm_count(d->net, offsetof(struct tcpsm_pcpu, reqsk_hashed));
	return 0;
}

/*
 * bool __inet_csk_reqsk_queue_drop(sk, req, from_timer): true when it
 * took the request socket out of the hash. A request socket that becomes
 * a full socket has already been replaced in the hash by its child, so
 * this counts half-open connections that ended: timeout, RST, listener
 * gone.
 */
static int tcpsm_reqsk_drop_entry(struct kretprobe_instance *ri,
				  struct pt_regs *regs)
{
	return tcpsm_reqsk_hash_entry(ri, regs);
}

static int tcpsm_reqsk_drop_ret(struct kretprobe_instance *ri,
				struct pt_regs *regs)
{
	struct tcpsm_krp_data *d = (void *)ri->data;

	if ((u8)regs_return_value(regs))
		tcpsm_count(d->net, offsetof(struct tcpsm_pcpu, reqsk_dropped));
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
 * tcp_timewait_state_process(tw, skb, th, ...): the peer's FIN moves an
 * orphaned FIN_WAIT_2 into TIME_WAIT, and then it returns TCP_TW_ACK with
 * the caller's reference on @tw still held.
 */
static int tcpsm_tw_process_entry(struct kretprobe_instance *ri,
				  struct pt_regs *regs)
{
	struct tcpsm_krp_data *d = (void *)ri->data;
	struct inet_timewait_sock *tw = (void *)regs_get_kernel_argument(regs, 0);

	if (tcpsm_tw_sub(tw) != TCPSM_TW_FIN_WAIT_2)
		return 1;
	d->obj = tw;
	d->net = twsk_net(tw);
	return 0;
}

static int tcpsm_tw_process_ret(struct kretprobe_instance *ri,
				struct pt_regs *regs)
{
	struct tcpsm_krp_data *d = (void *)ri->data;

	if (regs_return_value(regs) == TCP_TW_ACK &&
	    tcpsm_tw_sub(d->obj) == TCPSM_TW_TIME_WAIT)
		tcpsm_count(d->net, offsetof(struct tcpsm_pcpu, tw_fin));
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

static struct kprobe tcpsm_kp_reqsk_grown = {
	.symbol_name = "inet_csk_complete_hashdance",
	.pre_handler = tcpsm_reqsk_grown,
};

static struct kprobe tcpsm_kp_tw_enter = {
	.symbol_name = TCPSM_SYM_TW_HASHDANCE,
	.pre_handler = tcpsm_tw_enter,
};

static struct kprobe tcpsm_kp_tw_end = {
	.symbol_name = "tcp_twsk_destructor",
	.pre_handler = tcpsm_tw_end,
};

static struct kprobe *tcpsm_kprobes[] = {
	&tcpsm_kp_reqsk_grown,
	&tcpsm_kp_tw_enter,
	&tcpsm_kp_tw_end,
};

static struct kretprobe tcpsm_krp_reqsk_hash = {
	.kp.symbol_name = "inet_csk_reqsk_queue_hash_add",
	.entry_handler = tcpsm_reqsk_hash_entry,
	.handler = tcpsm_reqsk_hash_ret,
	.data_size = sizeof(struct tcpsm_krp_data),
};

static struct kretprobe tcpsm_krp_reqsk_drop = {
	.kp.symbol_name = "__inet_csk_reqsk_queue_drop",
	.entry_handler = tcpsm_reqsk_drop_entry,
	.handler = tcpsm_reqsk_drop_ret,
	.data_size = sizeof(struct tcpsm_krp_data),
};

static struct kretprobe tcpsm_krp_tw_process = {
	.kp.symbol_name = "tcp_timewait_state_process",
	.entry_handler = tcpsm_tw_process_entry,
	.handler = tcpsm_tw_process_ret,
	.data_size = sizeof(struct tcpsm_krp_data),
};

static struct kretprobe *tcpsm_kretprobes[] = {
	&tcpsm_krp_reqsk_hash,
	&tcpsm_krp_reqsk_drop,
	&tcpsm_krp_tw_process,
};

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

	for (i = 0; i < ARRAY_SIZE(tcpsm_kretprobes); i++)
		tcpsm_kretprobes[i]->maxactive = 4 * num_possible_cpus();
	err = register_kretprobes(tcpsm_kretprobes, ARRAY_SIZE(tcpsm_kretprobes));
	if (err) {
		pr_err("cannot probe the TCP request/timewait functions: %d\n", err);
		return err;
	}
	err = register_kprobes(tcpsm_kprobes, ARRAY_SIZE(tcpsm_kprobes));
	if (err) {
		pr_err("cannot probe the TCP request/timewait functions: %d\n", err);
		goto err_kretprobes;
	}

	check_trace_callback_type_inet_sock_set_state(tcpsm_set_state);
	err = tracepoint_probe_register(tcpsm_tp_set_state, tcpsm_set_state, NULL);
	if (err) {
		pr_err("cannot attach to sock:inet_sock_set_state: %d\n", err);
		goto err_kprobes;
	}
	return 0;

err_kprobes:
	unregister_kprobes(tcpsm_kprobes, ARRAY_SIZE(tcpsm_kprobes));
err_kretprobes:
	unregister_kretprobes(tcpsm_kretprobes, ARRAY_SIZE(tcpsm_kretprobes));
	return err;
}

/* Returns with no handler running or about to run. */
void tcpsm_hooks_unregister(void)
{
	int i;

	tracepoint_probe_unregister(tcpsm_tp_set_state, tcpsm_set_state, NULL);
	tracepoint_synchronize_unregister();
	unregister_kprobes(tcpsm_kprobes, ARRAY_SIZE(tcpsm_kprobes));
	unregister_kretprobes(tcpsm_kretprobes, ARRAY_SIZE(tcpsm_kretprobes));

	for (i = 0; i < ARRAY_SIZE(tcpsm_kretprobes); i++)
		if (tcpsm_kretprobes[i]->nmissed)
			pr_warn("%s: %d return probes missed, counts may be short\n",
				tcpsm_kretprobes[i]->kp.symbol_name,
				tcpsm_kretprobes[i]->nmissed);
}
