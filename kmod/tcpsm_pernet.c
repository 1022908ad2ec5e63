// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state: a block of per-CPU counters for each
 * namespace, and a list of namespaces for all-namespace dumps.
 *
 * Locking: tcpsm_nets_lock (a mutex, process context only) guards the
 * list and is held by pernet init/exit and by dumps that walk the list.
 * Probes never take it: they find their counters through net_generic()
 * and an RCU-protected pointer.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <net/netns/generic.h>

#include "tcpsm_cw.h"
#include "tcpsm_events.h"
#include "tcpsm_listen.h"
#include "tcpsm_pernet.h"
#include "tcpsm_settings.h"
#include "tcpsm_tis.h"

unsigned int tcpsm_net_id __read_mostly;

/* guards tcpsm_nets and tcpsm_nets_seq */
DEFINE_MUTEX(tcpsm_nets_lock);
LIST_HEAD(tcpsm_nets);
static u64 tcpsm_nets_seq;		/* under tcpsm_nets_lock */
static atomic_t tcpsm_live_blocks = ATOMIC_INIT(0);

static int __net_init tcpsm_net_init(struct net *net)
{
	struct tcpsm_net *tn = tcpsm_net(net);
	struct tcpsm_pcpu __percpu *pcpu;

	pcpu = alloc_percpu(struct tcpsm_pcpu);
	if (!pcpu)
		return -ENOMEM;
	if (tcpsm_tis_net_init(tn)) {
		free_percpu(pcpu);
		return -ENOMEM;
	}
	atomic_inc(&tcpsm_live_blocks);

	tn->net = net;
	tcpsm_settings_net_init(tn);
	tcpsm_cw_net_init(tn);
	tcpsm_ls_net_init(tn);
	mutex_lock(&tcpsm_nets_lock);
	tn->seq = ++tcpsm_nets_seq;
	list_add_tail(&tn->node, &tcpsm_nets);
	mutex_unlock(&tcpsm_nets_lock);

	/* alloc_percpu() zeroed it: publish */
	smp_store_release(&tn->pcpu, pcpu);
	return 0;
}

static void __net_exit tcpsm_net_exit(struct net *net)
{
	struct tcpsm_net *tn = tcpsm_net(net);

	mutex_lock(&tcpsm_nets_lock);
	list_del(&tn->node);
	mutex_unlock(&tcpsm_nets_lock);
	tcpsm_ls_net_exit(tn);
	tcpsm_cw_net_exit(tn);
}

/*
 * Probes can still fire for a dying namespace (TCP purges its timewait
 * sockets after our exit has run): unpublish the counters, wait for
 * every probe that may hold them, send the events they recorded and
 * discard their CLOSE_WAIT records (both point to the namespace), then
 * free them.
 */
static void __net_exit tcpsm_net_exit_batch(struct list_head *net_list)
{
	struct tcpsm_net *tn;
	struct net *net;

	list_for_each_entry(net, net_list, exit_list) {
		tn = tcpsm_net(net);
		tn->dead = tn->pcpu;
		WRITE_ONCE(tn->pcpu, NULL);
	}
	synchronize_rcu();
	tcpsm_events_flush();
	tcpsm_cw_flush();
	list_for_each_entry(net, net_list, exit_list) {
		tn = tcpsm_net(net);
		free_percpu(tn->dead);
		tcpsm_tis_net_free(tn);
		atomic_dec(&tcpsm_live_blocks);
	}
}

static struct pernet_operations tcpsm_net_ops = {
	.init = tcpsm_net_init,
	.exit = tcpsm_net_exit,
	.exit_batch = tcpsm_net_exit_batch,
	.id = &tcpsm_net_id,
	.size = sizeof(struct tcpsm_net),
};

int tcpsm_pernet_register(void)
{
	return register_pernet_subsys(&tcpsm_net_ops);
}

void tcpsm_pernet_unregister(void)
{
	int live;

	unregister_pernet_subsys(&tcpsm_net_ops);
	live = atomic_read(&tcpsm_live_blocks);
	if (live)
		pr_err("%d per-namespace counter blocks leaked\n", live);
}
