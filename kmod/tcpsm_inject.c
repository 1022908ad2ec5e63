// SPDX-License-Identifier: GPL-2.0
/*
 * Test builds only (TCPSM_INJECT=y: scripts/module.sh --inject, for
 * bench/inject.sh): edges injected into the events path at a known
 * rate, to find how many events per second one subscriber gets before
 * the first drop, a rate the test VM's connections cannot reach.
 *
 * /sys/kernel/debug/tcpsm/inject, root only:
 *   write "RATE SECONDS"  inject RATE edges/s for SECONDS, in the
 *                         writer's namespace; -EBUSY while a run is on
 *   write "0 0"           stop the run now
 *   read                  one line: running=0|1 rate= seconds= threads=
 *                         netns= injected= unheard= late= elapsed_ns=
 *
 * A run creates a kernel TCP socket in the namespace, bound to
 * 127.0.0.1 (INADDR_ANY if that fails), so that the events carry a real
 * socket's addresses, port and cookie, and one thread per online CPU,
 * bound to it, each with its share of the rate. Every TCPSM_INJECT_TICK_US
 * a thread adds the edges that are due since the run began (so a late
 * wake-up catches up), TCPSM_INJECT_CHUNK at a time, as the hooks do:
 * ESTABLISHED -> FIN_WAIT_1 through tcpsm_event_add() when
 * tcpsm_events_wanted() (else counted as unheard). Only the events path
 * is called: no counter of edges, gauges or time in state moves, apart
 * from events_dropped for what the buffers refuse. A thread more than
 * 100 ms behind skips what it owes past that (counted as late), so a
 * host that cannot keep up shows as a lower injected rate, not a burst.
 *
 * Context and locking:
 *  - tcpsm_inject_lock, a mutex (process context: the file's read and
 *    write, module exit), guards tcpsm_inject_cur: starting, reaping
 *    and stopping a run's threads, its socket and its namespace
 *    reference;
 *  - a thread's counters and end time are written by that thread only,
 *    and read with READ_ONCE() (64-bit loads are atomic where tcpsm
 *    runs);
 *  - the threads call the events path with bottom halves and preemption
 *    off, under rcu_read_lock() for the namespace's counters, as a
 *    probe does (preemption off is what this_cpu_ptr() there needs, on
 *    PREEMPT_RT too).
 *
 * Module exit calls tcpsm_inject_exit() first: the file is removed
 * (debugfs waits for the reads and writes in progress), then the
 * threads are stopped, before any of what they use is torn down.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bottom_half.h>
#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/in.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/nsproxy.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "tcpsm_events.h"
#include "tcpsm_genl.h"
#include "tcpsm_inject.h"
#include "tcpsm_pernet.h"

#define TCPSM_INJECT_TICK_US	1000
#define TCPSM_INJECT_CHUNK	64		/* edges per bh-off section */
#define TCPSM_INJECT_MAX_RATE	100000000ULL	/* edges/s */
#define TCPSM_INJECT_MAX_SECS	3600U

struct tcpsm_inject;

/* One CPU's thread: its fields after @rate are its own (see above). */
struct tcpsm_inject_thread {
	struct task_struct *task;	/* NULL once reaped */
	struct tcpsm_inject *run;
	u64 rate;			/* its share, edges/s */
	u64 injected;			/* tcpsm_event_add() calls */
	u64 unheard;			/* not added: no subscriber */
	u64 late;			/* skipped: more than 100 ms behind */
	u64 end_ns;			/* when it stopped; 0: running */
};

/* A run, under tcpsm_inject_lock (its threads only read it). */
struct tcpsm_inject {
	struct net *net;		/* held while the threads run */
	struct socket *sock;		/* the edges' socket, in @net */
	unsigned int netns;		/* @net's inode, for the report */
	u64 rate;
	u32 seconds;
	u64 start_ns;
	unsigned int nthreads;
	struct tcpsm_inject_thread thr[];
};

static DEFINE_MUTEX(tcpsm_inject_lock);
static struct tcpsm_inject *tcpsm_inject_cur;	/* the last run, or NULL */
static struct dentry *tcpsm_inject_dir;

/* @n edges of @t's socket for the events path, as a probe would add them. */
static void tcpsm_inject_some(struct tcpsm_inject_thread *t, unsigned int n,
			      u64 tis)
{
	struct net *net = t->run->net;
	struct sock *sk = t->run->sock->sk;
	struct tcpsm_pcpu __percpu *pc;
	unsigned int i, added = 0;

	local_bh_disable();
	preempt_disable();
	rcu_read_lock();
	pc = tcpsm_counters(net);
	for (i = 0; pc && i < n; i++) {
		if (!tcpsm_events_wanted(net))
			continue;
		tcpsm_event_add(tcpsm_net(net), pc, TCPSM_STATE_ESTABLISHED,
				TCPSM_STATE_FIN_WAIT_1, sk, tis);
		added++;
	}
	rcu_read_unlock();
	preempt_enable();
	local_bh_enable();
	WRITE_ONCE(t->injected, t->injected + added);
	WRITE_ONCE(t->unheard, t->unheard + n - added);
}

static int tcpsm_inject_fn(void *data)
{
	struct tcpsm_inject_thread *t = data;
	const struct tcpsm_inject *run = t->run;
	u64 end = run->start_ns + (u64)run->seconds * NSEC_PER_SEC;
	u64 backlog = max_t(u64, t->rate / 10, TCPSM_INJECT_CHUNK);
	u64 done = 0, due, now;
	unsigned int n;

	while (!kthread_should_stop()) {
		now = ktime_get_ns();
		if (now >= end)
			break;
		due = mul_u64_u64_div_u64(t->rate, now - run->start_ns,
					  NSEC_PER_SEC);
		if (due - done > backlog) {
			WRITE_ONCE(t->late, t->late + due - done - backlog);
			done = due - backlog;
		}
		while (done < due && !kthread_should_stop()) {
			n = min_t(u64, due - done, TCPSM_INJECT_CHUNK);
			tcpsm_inject_some(t, n, now - run->start_ns);
			done += n;
			cond_resched();
		}
		usleep_range(TCPSM_INJECT_TICK_US, TCPSM_INJECT_TICK_US + 100);
	}
	WRITE_ONCE(t->end_ns, ktime_get_ns());

	/* the mutex holder reaps it: kthread_stop() */
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/*
 * Stop @run's threads (at once if they still run), and let go of its
 * socket and namespace; its counters stay for the report.
 */
static void tcpsm_inject_reap(struct tcpsm_inject *run)
{
	unsigned int i;

	lockdep_assert_held(&tcpsm_inject_lock);
	for (i = 0; i < run->nthreads; i++) {
		if (!run->thr[i].task)
			continue;
		kthread_stop(run->thr[i].task);
		run->thr[i].task = NULL;
	}
	if (run->sock) {
		sock_release(run->sock);
		run->sock = NULL;
	}
	if (run->net) {
		put_net(run->net);
		run->net = NULL;
	}
}

static bool tcpsm_inject_running(const struct tcpsm_inject *run)
{
	unsigned int i;

	for (i = 0; i < run->nthreads; i++)
		if (run->thr[i].task && !READ_ONCE(run->thr[i].end_ns))
			return true;
	return false;
}

/* The edges' socket: a kernel TCP socket in @net, bound, never connected. */
static int tcpsm_inject_socket(struct net *net, struct socket **sockp)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int err;

	err = sock_create_kern(net, AF_INET, SOCK_STREAM, IPPROTO_TCP, sockp);
	if (err)
		return err;
	/* 127.0.0.1 needs lo up; any address will do then */
	err = kernel_bind(*sockp, (struct sockaddr *)&sin, sizeof(sin));
	if (err) {
		sin.sin_addr.s_addr = htonl(INADDR_ANY);
		err = kernel_bind(*sockp, (struct sockaddr *)&sin, sizeof(sin));
	}
	if (err) {
		sock_release(*sockp);
		*sockp = NULL;
	}
	return err;
}

/* Start a run of @rate edges/s for @seconds in @net. */
static int tcpsm_inject_start(struct net *net, u64 rate, u32 seconds)
{
	struct tcpsm_inject_thread *t;
	struct tcpsm_inject *run;
	struct task_struct *task;
	unsigned int i, cpu;
	u64 share;
	u32 rem;
	int err;

	lockdep_assert_held(&tcpsm_inject_lock);
	run = kzalloc(struct_size(run, thr, nr_cpu_ids), GFP_KERNEL);
	if (!run)
		return -ENOMEM;
	err = tcpsm_inject_socket(net, &run->sock);
	if (err) {
		kfree(run);
		return err;
	}
	run->net = get_net(net);
	run->netns = net->ns.inum;
	run->rate = rate;
	run->seconds = seconds;

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		t = &run->thr[run->nthreads];
		task = kthread_create_on_cpu(tcpsm_inject_fn, t, cpu,
					     "tcpsm_inject/%u");
		if (IS_ERR(task)) {
			err = PTR_ERR(task);
			break;
		}
		t->task = task;
		t->run = run;
		run->nthreads++;
	}
	cpus_read_unlock();
	if (err) {
		/* never woken: kthread_stop() makes them exit unrun */
		tcpsm_inject_reap(run);
		kfree(run);
		return err;
	}

	share = div_u64_rem(rate, run->nthreads, &rem);
	for (i = 0; i < run->nthreads; i++)
		run->thr[i].rate = share + (i < rem ? 1 : 0);
	run->start_ns = ktime_get_ns();
	for (i = 0; i < run->nthreads; i++)
		wake_up_process(run->thr[i].task);

	if (tcpsm_inject_cur) {
		tcpsm_inject_reap(tcpsm_inject_cur);
		kfree(tcpsm_inject_cur);
	}
	tcpsm_inject_cur = run;
	return 0;
}

static ssize_t tcpsm_inject_write(struct file *file, const char __user *ubuf,
				  size_t len, loff_t *ppos)
{
	struct tcpsm_inject *run;
	char buf[64];
	u64 rate;
	u32 seconds;
	int err = 0;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "%llu %u", &rate, &seconds) != 2)
		return -EINVAL;
	if (rate > TCPSM_INJECT_MAX_RATE || seconds > TCPSM_INJECT_MAX_SECS)
		return -ERANGE;

	mutex_lock(&tcpsm_inject_lock);
	run = tcpsm_inject_cur;
	if (!rate || !seconds) {
		if (run)
			tcpsm_inject_reap(run);
	} else if (run && tcpsm_inject_running(run)) {
		err = -EBUSY;
	} else {
		err = tcpsm_inject_start(current->nsproxy->net_ns, rate,
					 seconds);
	}
	mutex_unlock(&tcpsm_inject_lock);
	return err ?: len;
}

static ssize_t tcpsm_inject_read(struct file *file, char __user *ubuf,
				 size_t len, loff_t *ppos)
{
	u64 injected = 0, unheard = 0, late = 0, end = 0, elapsed = 0, e;
	const struct tcpsm_inject_thread *t;
	struct tcpsm_inject *run;
	bool running = false;
	char buf[256];
	unsigned int i;
	int n;

	mutex_lock(&tcpsm_inject_lock);
	run = tcpsm_inject_cur;
	if (!run) {
		mutex_unlock(&tcpsm_inject_lock);
		n = scnprintf(buf, sizeof(buf), "running=0\n");
		return simple_read_from_buffer(ubuf, len, ppos, buf, n);
	}
	running = tcpsm_inject_running(run);
	if (!running)
		tcpsm_inject_reap(run);
	for (i = 0; i < run->nthreads; i++) {
		t = &run->thr[i];
		injected += READ_ONCE(t->injected);
		unheard += READ_ONCE(t->unheard);
		late += READ_ONCE(t->late);
		e = READ_ONCE(t->end_ns);
		end = max(end, e ?: ktime_get_ns());
	}
	if (end > run->start_ns)
		elapsed = end - run->start_ns;
	n = scnprintf(buf, sizeof(buf),
		      "running=%d rate=%llu seconds=%u threads=%u netns=%u injected=%llu unheard=%llu late=%llu elapsed_ns=%llu\n",
		      running, run->rate, run->seconds, run->nthreads,
		      run->netns, injected, unheard, late, elapsed);
	mutex_unlock(&tcpsm_inject_lock);
	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

static const struct file_operations tcpsm_inject_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = tcpsm_inject_read,
	.write = tcpsm_inject_write,
	.llseek = default_llseek,
};

/* After everything else is up; without debugfs there is no trigger. */
void tcpsm_inject_init(void)
{
	tcpsm_inject_dir = debugfs_create_dir("tcpsm", NULL);
	debugfs_create_file("inject", 0600, tcpsm_inject_dir, NULL,
			    &tcpsm_inject_fops);
	pr_info("test build: edge injection in /sys/kernel/debug/tcpsm/inject\n");
}

/* First thing at exit: no new run, the current one stopped. */
void tcpsm_inject_exit(void)
{
	debugfs_remove(tcpsm_inject_dir);
	mutex_lock(&tcpsm_inject_lock);
	if (tcpsm_inject_cur) {
		tcpsm_inject_reap(tcpsm_inject_cur);
		kfree(tcpsm_inject_cur);
		tcpsm_inject_cur = NULL;
	}
	mutex_unlock(&tcpsm_inject_lock);
}
