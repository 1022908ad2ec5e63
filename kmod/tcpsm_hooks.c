// SPDX-License-Identifier: GPL-2.0
/*
 * The hot path: every edge of the operator's state machine, counted per
 * CPU and per namespace, and handed to the events group when someone in
 * that namespace listens.
 *
 * sock:inet_sock_set_state sees every state change of a full TCP socket,
 * but it is blind or wrong where the operator's machine needs it most:
 *
 *  - request sockets (a SYN received at a listener: half-open, shown by
 *    ss as SYN-RECV) are created and dropped without an event, and the
 *    full socket made for one later reports LISTEN -> SYN_RECV, with the
 *    listener's addresses (dport 0) because it fires mid-clone;
 *  - CLOSED -> SYN_SENT fires before connect() has picked the local port;
 *  - a socket entering TIME_WAIT (or orphaned FIN_WAIT_2) is replaced by
 *    a timewait socket, and the full socket then reports X -> CLOSE;
 *  - timewait sockets change substate (FIN_WAIT_2 -> TIME_WAIT) and die
 *    silently.
 *
 * So each edge is taken from the one place that sees it whole:
 *
 * Operator edge		where			addresses of
 *
 * CLOSED -> SYN_SENT	tcp_connect()		the socket (port chosen)
 * LISTEN -> SYN_RCVD	a request socket hashed	the request socket
 *			(a SYN arrived), or a
 *			child cloned from a request
 *			that was never hashed
 *			(SYN cookie, Fast Open)
 * SYN_RCVD -> CLOSED	also: a request socket	the request socket
 *			dropped from the hash
 * X -> TIME_WAIT,	a timewait socket takes	the socket
 * X -> FIN_WAIT_2	over from X (no edge from
 *			FIN_WAIT_2 to itself)
 * FIN_WAIT_2 -> TIME_WAIT also: an orphaned FIN_WAIT_2 the timewait socket
 *			timewait socket gets the
 *			peer's FIN
 * TIME_WAIT -> CLOSED,	a timewait socket freed	the timewait socket
 * FIN_WAIT_2 -> CLOSED
 * everything else	inet_sock_set_state	the socket
 *
 * and inet_sock_set_state's own LISTEN -> SYN_RECV and CLOSE -> SYN_SENT
 * are ignored, as is X -> CLOSE of a socket replaced by a timewait
 * socket, or of a connect() that failed before sending its SYN.
 *
 * Each edge also carries the time the socket spent in its from-state
 * (tcpsm_tis.c): from the table of entry times, where the edge that
 * took it there wrote it; for SYN_RCVD from the request socket's first
 * SYN-ACK time, which a child takes over when it is cloned. Edges that
 * begin a socket (from CLOSED, LISTEN -> SYN_RCVD) carry none.
 *
 * Context: every handler runs with preemption disabled, in process or
 * softirq context (set_state also from timers); none sleeps. Counting
 * takes no lock; recording an event takes this CPU's buffer lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hash.h>
#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <net/inet_timewait_sock.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <trace/events/sock.h>

#include "compat.h"
#include "tcpsm_cw.h"
#include "tcpsm_events.h"
#include "tcpsm_genl.h"
#include "tcpsm_hooks.h"
#include "tcpsm_listen.h"
#include "tcpsm_pernet.h"
#include "tcpsm_tis.h"

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

/* a timewait socket is in FIN_WAIT_2 or TIME_WAIT: its substate */
static int tcpsm_tw_state(const struct inet_timewait_sock *tw)
{
	return READ_ONCE(tw->tw_substate) == TCP_FIN_WAIT2 ?
		TCPSM_STATE_FIN_WAIT_2 : TCPSM_STATE_TIME_WAIT;
}

/* The port of @sk that @from's per-port histograms are kept by. */
static u16 tcpsm_tis_port_of(const struct sock *sk, int from)
{
	return from == TCPSM_STATE_SYN_SENT ? ntohs(sk->sk_dport) :
					      tcpsm_sk_port(sk);
}

/*
 * Edge @from -> @to was taken in @net by @sk (a full, request or timewait
 * socket: their addresses share struct sock_common), @sk having entered
 * @from at @since (ns, or TCPSM_TIS_UNKNOWN, or TCPSM_TIS_NONE for an
 * edge that begins a socket); it is @now. Count it and its time in
 * @from, and record it for the events group if anyone in @net listens.
 * A no-op while @net has no counters (being created or torn down).
 * this_cpu_inc() is safe against a softirq probe interrupting a
 * process-context one.
 */
static void tcpsm_edge(const struct net *net, int from, int to,
		       struct sock *sk, u64 since, u64 now)
{
	struct tcpsm_pcpu __percpu *pc;
	u64 tis = U64_MAX;

	rcu_read_lock();
	pc = tcpsm_counters(net);
	if (pc) {
		this_cpu_inc(pc->edge[from][to]);
		if (since != TCPSM_TIS_NONE && tcpsm_tis_on)
			tis = tcpsm_tis_add(tcpsm_net(net), pc, from,
					    tcpsm_tis_port_of(sk, from),
					    since, now);
		if (tcpsm_events_wanted(net))
			tcpsm_event_add(tcpsm_net(net), pc, from, to, sk, tis);
		/* only full sockets are ever in CLOSE_WAIT */
		if (unlikely(from == TCPSM_STATE_CLOSE_WAIT ||
			     to == TCPSM_STATE_CLOSE_WAIT))
			tcpsm_cw_note(tcpsm_net(net), pc, sk,
				      to == TCPSM_STATE_CLOSE_WAIT);
	}
	rcu_read_unlock();
}

/* --- sock:inet_sock_set_state ------------------------------------------ */

/*
 * A socket replaced by a timewait socket reports X -> CLOSE from
 * tcp_done() right after, in the same call, maybe on another CPU (the
 * thread can migrate in between). The hash dance marks it here; the
 * mark is taken back at its X -> CLOSE. A slot is overwritten only if
 * another socket hashing to it enters timewait within that window.
 */
#define TCPSM_TW_MARK_BITS	10
static const struct sock *tcpsm_tw_marks[1 << TCPSM_TW_MARK_BITS];

static void tcpsm_tw_mark(const struct sock *sk)
{
	WRITE_ONCE(tcpsm_tw_marks[hash_ptr(sk, TCPSM_TW_MARK_BITS)], sk);
}

static bool tcpsm_tw_unmark(const struct sock *sk)
{
	const struct sock **slot = &tcpsm_tw_marks[hash_ptr(sk, TCPSM_TW_MARK_BITS)];

	return READ_ONCE(*slot) == sk && cmpxchg(slot, sk, NULL) == sk;
}

/*
 * Is @sk's X -> CLOSE (X = @from) an edge? Not when a timewait socket
 * carries the connection on, nor when connect() failed before
 * tcp_connect() sent a SYN (CLOSED -> SYN_SENT was not counted then; a
 * socket that sent one has segs_out, which tcp_disconnect() clears).
 */
static bool tcpsm_closes(const struct sock *sk, int from)
{
	switch (from) {
	case TCPSM_STATE_LISTEN:
		return true;
	case TCPSM_STATE_SYN_SENT:
		return READ_ONCE(tcp_sk(sk)->segs_out) != 0;
	default:
		return !tcpsm_tw_unmark(sk);
	}
}

/*
 * A child's SYN_RCVD began with its request socket's: tcpsm_child()
 * leaves the time here for the LISTEN -> SYN_RECV that the clone
 * reports next, on this CPU, with the listener's namespace and port.
 */
struct tcpsm_child_since {
	const struct net *net;
	u64 since;
	u16 port;
};

static DEFINE_PER_CPU(struct tcpsm_child_since, tcpsm_child_since);

static void tcpsm_child_start(const struct sock *sk)
{
	struct tcpsm_child_since *c = this_cpu_ptr(&tcpsm_child_since);
	u64 since = TCPSM_TIS_UNKNOWN;

	if (c->net == sock_net(sk) && c->port == sk->sk_num)
		since = c->since;
	c->net = NULL;
	tcpsm_tis_start(sk, since);
}

static void tcpsm_set_state(void *data, const struct sock *sk,
			    const int oldstate, const int newstate)
{
	u64 since = TCPSM_TIS_NONE, now;
	int from, to;

	/* SCTP, DCCP and MPTCP (connection level) fire it too */
	if (sk->sk_protocol != IPPROTO_TCP)
		return;
	from = tcpsm_state_of(oldstate);
	to = tcpsm_state_of(newstate);
	/* FIN_WAIT2 -> FIN_WAIT2 (shutdown, then close) is not a transition */
	if (from < 0 || to < 0 || from == to)
		return;
	/* taken where the addresses are known: see the table above */
	if (from == TCPSM_STATE_LISTEN && to == TCPSM_STATE_SYN_RCVD) {
		tcpsm_child_start(sk);
		return;
	}
	/* SYN_SENT begins here, before connect() looks for a local port */
	if (from == TCPSM_STATE_CLOSED && to == TCPSM_STATE_SYN_SENT) {
		tcpsm_tis_start(sk, tcpsm_tis_now());
		return;
	}
	/* X -> CLOSE is not an edge when the connection lives on, or never was */
	if (to == TCPSM_STATE_CLOSED && !tcpsm_closes(sk, from)) {
		if (from == TCPSM_STATE_SYN_SENT)	/* connect() failed */
			tcpsm_tis_start(sk, TCPSM_TIS_UNKNOWN);
		return;
	}
	/* a listener came or went: tcpsm_listen.c holds or lets go of it */
	if (from == TCPSM_STATE_LISTEN || to == TCPSM_STATE_LISTEN)
		tcpsm_ls_note();
	now = tcpsm_tis_now();
	if (from == TCPSM_STATE_CLOSED)
		tcpsm_tis_start(sk, now);	/* CLOSED -> LISTEN */
	else
		since = tcpsm_tis_take(sk, now, to != TCPSM_STATE_CLOSED);
	tcpsm_edge(sock_net(sk), from, to, (struct sock *)sk, since, now);
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
	struct sock *req = (void *)regs_get_kernel_argument(regs, 1);

	if (sk->sk_protocol == IPPROTO_TCP)
		tcpsm_edge(sock_net(sk), TCPSM_STATE_LISTEN,
			   TCPSM_STATE_SYN_RCVD, req, TCPSM_TIS_NONE, 0);
	return 0;
}

/* When request socket @req's SYN_RCVD began: its first SYN-ACK, in ns. */
static u64 tcpsm_req_since(const struct sock *req)
{
	u64 us = READ_ONCE(tcp_rsk(inet_reqsk(req))->snt_synack);

	return us ? us * NSEC_PER_USEC : TCPSM_TIS_UNKNOWN;
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
		tcpsm_edge(sock_net(sk), TCPSM_STATE_SYN_RCVD,
			   TCPSM_STATE_CLOSED, req, tcpsm_req_since(req),
			   tcpsm_tis_now());
	return 0;
}

/*
 * inet_csk_clone_lock(sk, req, priority): a full socket is made for a
 * request socket; inet_sock_set_state then reports LISTEN -> SYN_RECV
 * from inside the clone, before the child has its addresses. A request
 * socket still in the hash was counted when its SYN arrived; one that
 * never was (a SYN cookie, a Fast Open request) is counted now. (A
 * request dropped by its timer at the very moment its ACK is processed
 * is unhashed here and counted twice: once per arrival, at worst.)
 *
 * The child's SYN_RCVD began with the request's first SYN-ACK; a Fast
 * Open child's begins now (its SYN-ACK is not sent yet); a SYN cookie's
 * is not known.
 */
static int tcpsm_child(struct kprobe *p, struct pt_regs *regs)
{
	struct sock *sk = (void *)regs_get_kernel_argument(regs, 0);
	struct sock *req = (void *)regs_get_kernel_argument(regs, 1);
	struct tcpsm_child_since *c;
	u64 since;

	if (sk->sk_protocol != IPPROTO_TCP)
		return 0;
	since = tcpsm_req_since(req);
	if (since == TCPSM_TIS_UNKNOWN && tcp_rsk(inet_reqsk(req))->tfo_listener)
		since = tcpsm_tis_now();
	c = this_cpu_ptr(&tcpsm_child_since);
	c->net = sock_net(sk);
	c->port = req->sk_num;
	c->since = since;
	if (!sk_hashed(req))
		tcpsm_edge(sock_net(sk), TCPSM_STATE_LISTEN,
			   TCPSM_STATE_SYN_RCVD, req, TCPSM_TIS_NONE, 0);
	return 0;
}

/*
 * tcp_connect(sk): connect() has hashed the socket with its local port
 * and is about to send the SYN (where TcpActiveOpens is counted). Its
 * SYN_SENT began at the set_state before the port search, which
 * tcpsm_set_state() timed.
 */
static int tcpsm_connect(struct kprobe *p, struct pt_regs *regs)
{
	struct sock *sk = (void *)regs_get_kernel_argument(regs, 0);

	tcpsm_edge(sock_net(sk), TCPSM_STATE_CLOSED, TCPSM_STATE_SYN_SENT, sk,
		   TCPSM_TIS_NONE, 0);
	return 0;
}

/* --- timewait sockets ------------------------------------------------------ */

/*
 * inet_twsk_hashdance(tw, sk, hashinfo): @tw takes over from full socket
 * @sk, which then reports X -> CLOSE from tcp_done() (see tcpsm_closes).
 * @tw takes over @sk's entry time too: now, or, when both are in
 * FIN_WAIT_2, @sk's.
 */
static int tcpsm_tw_enter(struct kprobe *p, struct pt_regs *regs)
{
	struct inet_timewait_sock *tw = (void *)regs_get_kernel_argument(regs, 0);
	struct sock *sk = (void *)regs_get_kernel_argument(regs, 1);
	int from, to = tcpsm_tw_state(tw);
	u64 since, now;

	if (sk->sk_protocol != IPPROTO_TCP)
		return 0;
	tcpsm_tw_mark(sk);
	from = tcpsm_state_of(READ_ONCE(sk->sk_state));
	now = tcpsm_tis_now();
	since = tcpsm_tis_take(sk, now, false);
	if (from >= 0 && from != to) {
		tcpsm_edge(sock_net(sk), from, to, sk, since, now);
		since = now;
	}
	tcpsm_tis_start(tw, since);
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

	if (tcpsm_tw_state(tw) != TCPSM_STATE_FIN_WAIT_2)
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
	if (tcpsm_tw_state(tw) == TCPSM_STATE_TIME_WAIT) {
		u64 now = tcpsm_tis_now();

		tcpsm_edge(twsk_net(tw), TCPSM_STATE_FIN_WAIT_2,
			   TCPSM_STATE_TIME_WAIT, (struct sock *)tw,
			   tcpsm_tis_take(tw, now, true), now);
	}
	return 0;
}

/* tcp_twsk_destructor(sk): every TCP timewait socket, once, when freed */
static int tcpsm_tw_end(struct kprobe *p, struct pt_regs *regs)
{
	struct sock *sk = (void *)regs_get_kernel_argument(regs, 0);
	u64 now = tcpsm_tis_now();

	tcpsm_edge(sock_net(sk), tcpsm_tw_state(inet_twsk(sk)),
		   TCPSM_STATE_CLOSED, sk, tcpsm_tis_take(sk, now, false), now);
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
	{ .symbol_name = "inet_csk_clone_lock",
	  .pre_handler = tcpsm_child },
	{ .symbol_name = "tcp_connect",
	  .pre_handler = tcpsm_connect },
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
 * a connection seen entering by the tracepoint is seen leaving by them.
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
