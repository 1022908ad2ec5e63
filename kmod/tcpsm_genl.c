// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "tcpsm" (Documentation/netlink/specs/tcpsm.yaml):
 * the family, GET_STATS and GET_ALARMS. The policies and the ops table
 * are generated from the spec (tcpsm_nl.c), as are the permissions; the
 * other handlers live with what they read (tcpsm_settings.c,
 * tcpsm_cw_nl.c, tcpsm_listen_nl.c).
 *
 * GET_STATS, do: the caller's namespace. The dumps (GET_STATS,
 * GET_CLOSEWAIT, GET_ALARMS, GET_LISTENERS): the caller's namespace, or
 * with ALL_NETNS every namespace, for CAP_NET_ADMIN over the initial
 * user namespace, asked from the initial network namespace
 * (tcpsm_dump_netns()). Reading one's own namespace needs no privilege:
 * it shows no more than ss does.
 *
 * Group "events" (sent by tcpsm_events.c): joining it needs CAP_NET_ADMIN
 * over the user namespace that owns the caller's network namespace; a
 * subscriber gets the edges of that namespace only. Groups "events-all"
 * and "alerts-all" carry every namespace's, sent in the initial
 * namespace only, where joining needs CAP_NET_ADMIN over the initial
 * user namespace.
 *
 * GET_CONFIG, GET_CLOSEWAIT, GET_ALARMS, GET_LISTENERS and group "alerts"
 * (alarms raised and cleared, sent by tcpsm_alarm.c) are open to every
 * user of the namespace; SET_CONFIG needs CAP_NET_ADMIN over its user
 * namespace (the spec's uns-admin-perm).
 *
 * Handlers run one at a time under genl_mutex (the family is not
 * parallel_ops), in process context, and may sleep.
 */
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "tcpsm_alarm.h"
#include "tcpsm_cw.h"
#include "tcpsm_genl.h"
#include "tcpsm_listen.h"
#include "tcpsm_snmp.h"
#include "tcpsm_stats.h"

/* the largest reply: every gauge and every edge */
static size_t tcpsm_stats_size(void)
{
	size_t gauge = nla_total_size(nla_total_size(sizeof(u32)) +
				      nla_total_size_64bit(sizeof(u64)));
	size_t edge = nla_total_size(2 * nla_total_size(sizeof(u32)) +
				     nla_total_size_64bit(sizeof(u64)));

	return nla_total_size(sizeof(u32)) +
	       TCPSM_NSTATES * gauge + TCPSM_NSTATES * TCPSM_NSTATES * edge +
	       2 * nla_total_size_64bit(sizeof(u64)) +
	       nla_total_size(sizeof(u32)) + tcpsm_snmp_size();
}

static int tcpsm_put_gauge(struct sk_buff *skb, int state, u64 count)
{
	struct nlattr *nest = nla_nest_start(skb, TCPSM_A_STATS_STATE);

	if (!nest ||
	    nla_put_u32(skb, TCPSM_A_STATE_COUNT_STATE, state) ||
	    nla_put_u64_64bit(skb, TCPSM_A_STATE_COUNT_COUNT, count,
			      TCPSM_A_STATE_COUNT_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int tcpsm_put_edge(struct sk_buff *skb, int from, int to, u64 count)
{
	struct nlattr *nest = nla_nest_start(skb, TCPSM_A_STATS_TRANSITION);

	if (!nest ||
	    nla_put_u32(skb, TCPSM_A_TRANSITION_FROM, from) ||
	    nla_put_u32(skb, TCPSM_A_TRANSITION_TO, to) ||
	    nla_put_u64_64bit(skb, TCPSM_A_TRANSITION_COUNT, count,
			      TCPSM_A_TRANSITION_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * One namespace's stats as a message: its gauges from @snap (read
 * earlier in the same pass as other namespaces'), or read now when NULL.
 * Caller keeps @tn alive. Context: process context, may sleep.
 */
static int tcpsm_fill_stats(struct sk_buff *skb, struct tcpsm_net *tn,
			    const u64 *snap, u32 portid, u32 seq, int flags)
{
	u64 (*matrix)[TCPSM_NSTATES];
	u64 now[TCPSM_NSTATES];
	const u64 *gauge = snap;
	int state, to, err = -EMSGSIZE;
	void *hdr;

	matrix = kmalloc_array(TCPSM_NSTATES, sizeof(*matrix), GFP_KERNEL);
	if (!matrix)
		return -ENOMEM;
	if (!gauge) {
		tcpsm_gauges_read(tn->net, now);
		gauge = now;
	}
	tcpsm_matrix_read(tn, matrix);

	hdr = genlmsg_put(skb, portid, seq, &tcpsm_family, flags,
			  TCPSM_CMD_GET_STATS);
	if (!hdr)
		goto out;
	if (nla_put_u32(skb, TCPSM_A_STATS_NETNS, tn->net->ns.inum))
		goto cancel;
	/* CLOSED is not a gauge: closed sockets are in no table */
	for (state = TCPSM_STATE_LISTEN; state < TCPSM_NSTATES; state++)
		if (tcpsm_put_gauge(skb, state, gauge[state]))
			goto cancel;
	for (state = 0; state < TCPSM_NSTATES; state++)
		for (to = 0; to < TCPSM_NSTATES; to++)
			if (matrix[state][to] &&
			    tcpsm_put_edge(skb, state, to, matrix[state][to]))
				goto cancel;
	if (nla_put_u64_64bit(skb, TCPSM_A_STATS_EVENTS_DROPPED,
			      tcpsm_counter_read(tn, offsetof(struct tcpsm_pcpu,
							      events_dropped)),
			      TCPSM_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, TCPSM_A_STATS_CLOSEWAIT_UNTRACKED,
			      tcpsm_counter_read(tn, offsetof(struct tcpsm_pcpu,
							      cw_untracked)) +
			      READ_ONCE(tn->cw_refused), TCPSM_A_STATS_PAD) ||
	    nla_put_u32(skb, TCPSM_A_STATS_ALARMS_ACTIVE,
			READ_ONCE(tn->cw_alarms) + READ_ONCE(tn->ls_alarms)) ||
	    tcpsm_snmp_put(skb, tn))
		goto cancel;
	genlmsg_end(skb, hdr);
	err = 0;
	goto out;
cancel:
	genlmsg_cancel(skb, hdr);
out:
	kfree(matrix);
	return err;
}

int tcpsm_nl_get_stats_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tcpsm_net *tn = tcpsm_net(genl_info_net(info));
	struct sk_buff *msg;
	int err;

	if (info->attrs[TCPSM_A_STATS_ALL_NETNS]) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[TCPSM_A_STATS_ALL_NETNS],
				    "all-netns needs a dump request (NLM_F_DUMP)");
		return -EINVAL;
	}

	msg = genlmsg_new(tcpsm_stats_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = tcpsm_fill_stats(msg, tn, NULL, info->snd_portid, info->snd_seq,
			       0);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/*
 * Every namespace is read from the initial one only, by CAP_NET_ADMIN
 * over the initial user namespace: a container's root may own its user
 * namespace, not the host. The check is in the dump rather than in
 * .start: 6.1 calls .start without an extack, and the message would be
 * lost.
 */
static int tcpsm_all_netns_allowed(struct sk_buff *skb,
				   struct netlink_callback *cb,
				   const struct nlattr *all)
{
	if (!netlink_capable(cb->skb, CAP_NET_ADMIN)) {
		NL_SET_ERR_MSG_ATTR(cb->extack, all,
				    "all-netns needs CAP_NET_ADMIN in the initial user namespace");
		return -EPERM;
	}
	if (!net_eq(sock_net(skb->sk), &init_net)) {
		NL_SET_ERR_MSG_ATTR(cb->extack, all,
				    "all-netns is served in the initial network namespace only");
		return -EPERM;
	}
	return 0;
}

/*
 * A dump of the caller's namespace, or with @all (the request's
 * all-netns flag) of every namespace in order of creation, one
 * namespace at a time through @one. @one counts what it has sent of a
 * namespace in cb->args[0]; cb->args[1] is the creation sequence number
 * of the namespace being sent (namespaces come and go between rounds:
 * one that went is skipped, and the next starts from its first entry).
 *
 * Context: process context; an all-netns dump holds tcpsm_nets_lock
 * around @one, which may take the locks that nest inside it
 * (tcpsm_cw_lock, tcpsm_ls_lock).
 */
int tcpsm_dump_netns(struct sk_buff *skb, struct netlink_callback *cb,
		     const struct nlattr *all, tcpsm_dump_ns_t one)
{
	struct tcpsm_net *tn;
	int err = 0;

	if (!all) {
		err = one(skb, cb, tcpsm_net(sock_net(skb->sk)));
	} else {
		err = tcpsm_all_netns_allowed(skb, cb, all);
		if (err)
			return err;
		mutex_lock(&tcpsm_nets_lock);
		list_for_each_entry(tn, &tcpsm_nets, node) {
			if (tn->seq < cb->args[1])
				continue;
			if (tn->seq != cb->args[1]) {
				cb->args[1] = tn->seq;
				cb->args[0] = 0;
			}
			err = one(skb, cb, tn);
			if (err)
				break;
		}
		mutex_unlock(&tcpsm_nets_lock);
	}
	/* a full skb ends this round; the next one resumes where it was */
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ? err : skb->len;
}

/*
 * GET_STATS with all-netns reads the gauges of every namespace in one
 * walk of the socket tables (tcpsm_gauges_read_rows()), not one walk
 * per namespace: a snapshot, taken in the dump's first round of every
 * namespace then on tcpsm_nets, kept in cb->args[2] across rounds and
 * freed by tcpsm_nl_get_stats_done(). Each namespace's message then
 * carries its gauges as of that walk, and its transitions as of the
 * message. A namespace created after the first round has no row: its
 * gauges are read alone, when its message is built (the old way). One
 * gone by then is skipped, as by every dump; a later namespace at the
 * same address is told apart by its creation sequence number.
 */
struct tcpsm_stats_snap {
	unsigned int n;
	struct tcpsm_gauge_row rows[];
};

/*
 * Context: process context, tcpsm_nets_lock held (the dump's first
 * round), so that every namespace listed lives through the walk; sleeps.
 */
static struct tcpsm_stats_snap *tcpsm_stats_snap_take(void)
{
	struct tcpsm_stats_snap *snap;
	struct tcpsm_net *tn;
	unsigned int n = 0;

	lockdep_assert_held(&tcpsm_nets_lock);
	list_for_each_entry(tn, &tcpsm_nets, node)
		n++;
	snap = kvmalloc(struct_size(snap, rows, n), GFP_KERNEL);
	if (!snap)
		return NULL;
	snap->n = 0;
	list_for_each_entry(tn, &tcpsm_nets, node) {
		snap->rows[snap->n].net = tn->net;
		snap->rows[snap->n].seq = tn->seq;
		snap->n++;
	}
	tcpsm_gauges_read_rows(snap->rows, snap->n);
	return snap;
}

/* @tn's gauges in the dump's snapshot, or NULL: read them now. */
static const u64 *tcpsm_stats_snap_gauge(struct netlink_callback *cb,
					 struct tcpsm_net *tn)
{
	struct tcpsm_stats_snap *snap = (void *)cb->args[2];
	struct tcpsm_gauge_row *row;

	if (!snap)
		return NULL;
	row = tcpsm_gauge_row_find(snap->rows, snap->n, tn->net);
	return row && row->seq == tn->seq ? row->gauge : NULL;
}

/*
 * GET_STATS, dump: one message per namespace; args[0] set once sent.
 * Context: process context; under tcpsm_nets_lock for all-netns.
 */
static int tcpsm_stats_dump_ns(struct sk_buff *skb, struct netlink_callback *cb,
			       struct tcpsm_net *tn)
{
	int err;

	if (cb->args[0])
		return 0;
	err = tcpsm_fill_stats(skb, tn, tcpsm_stats_snap_gauge(cb, tn),
			       NETLINK_CB(cb->skb).portid,
			       cb->nlh->nlmsg_seq, NLM_F_MULTI);
	if (!err)
		cb->args[0] = 1;
	return err;
}

/* The same for all-netns: the first call takes the snapshot. */
static int tcpsm_stats_dump_all_ns(struct sk_buff *skb,
				   struct netlink_callback *cb,
				   struct tcpsm_net *tn)
{
	if (!cb->args[2]) {
		cb->args[2] = (long)tcpsm_stats_snap_take();
		if (!cb->args[2])
			return -ENOMEM;
	}
	return tcpsm_stats_dump_ns(skb, cb, tn);
}

int tcpsm_nl_get_stats_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct nlattr *all = tcpsm_dump_attrs(cb)[TCPSM_A_STATS_ALL_NETNS];

	return tcpsm_dump_netns(skb, cb, all,
				all ? tcpsm_stats_dump_all_ns :
				      tcpsm_stats_dump_ns);
}

/*
 * GET_STATS dump's done (the spec's post hook): frees the all-netns
 * snapshot, if one was taken. Context: process context, under
 * genl_mutex: at the end of the dump, or when its socket is closed
 * midway.
 */
int tcpsm_nl_get_stats_done(struct netlink_callback *cb)
{
	kvfree((void *)cb->args[2]);
	cb->args[2] = 0;
	return 0;
}

/*
 * GET_ALARMS of one namespace: the CLOSE_WAIT alarms, then the
 * listeners'. cb->args[0] counts the alarms already sent. A sample of
 * either sampler between two rounds may raise or clear alarms under the
 * count: both sample counters only grow, so their sum, fixed before
 * each message, tells the dump consistency check.
 */
static int tcpsm_alarms_dump_ns(struct sk_buff *skb,
				struct netlink_callback *cb,
				struct tcpsm_net *tn)
{
	struct tcpsm_alarm_dump d = { .skb = skb, .cb = cb };
	int err;

	cb->seq = READ_ONCE(tcpsm_cw_sample) + READ_ONCE(tcpsm_ls_samples);
	err = tcpsm_cw_alarms_dump(&d, tn);
	if (!err)
		err = tcpsm_ls_alarms_dump(&d, tn);
	return err;
}

int tcpsm_nl_get_alarms_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return tcpsm_dump_netns(skb, cb,
				tcpsm_dump_attrs(cb)[TCPSM_A_ALARM_ALL_NETNS],
				tcpsm_alarms_dump_ns);
}

/*
 * The groups, in the generated enum's order. ynl-gen-c.py (6.12) does
 * not emit a group's flags: the spec's admin-perm on "events" is written
 * here, and tests/spec_sync.sh checks the two agree.
 */
static const struct genl_multicast_group tcpsm_mcgrps[] = {
	[TCPSM_NLGRP_EVENTS] = {
		.name = TCPSM_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
	/* open to all, as ss is: alarms say no more than ss -tanep */
	[TCPSM_NLGRP_ALERTS] = {
		.name = TCPSM_MCGRP_ALERTS,
	},
	/* sent in the initial namespace only (see the spec) */
	[TCPSM_NLGRP_EVENTS_ALL] = {
		.name = TCPSM_MCGRP_EVENTS_ALL,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
	[TCPSM_NLGRP_ALERTS_ALL] = {
		.name = TCPSM_MCGRP_ALERTS_ALL,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

#ifdef TCPSM_HAVE_SPLIT_OPS
/*
 * The generator gives a command whose request has no attributes
 * (GET_CONFIG, GET_CLOSEWAIT, GET_ALARMS, GET_LISTENERS) no policy. For
 * struct genl_ops (6.1, below) the core refuses every attribute of such
 * a command with its genl_policy_reject_all; for a split op without a
 * policy 6.2+ parses nothing and would serve a request that carries
 * junk. Give them the same reject-all here: attribute 1 is rejected,
 * any above it is unknown, strictly. Two entries: the last attribute
 * needs a non-zero type.
 */
static const struct nla_policy tcpsm_reject_all[] = {
	{ .type = NLA_REJECT },
	{ .type = NLA_REJECT },
};

static struct genl_split_ops tcpsm_ops[ARRAY_SIZE(tcpsm_nl_ops)];

static int tcpsm_ops_init(void)
{
	struct genl_split_ops *o;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tcpsm_nl_ops); i++) {
		o = &tcpsm_ops[i];
		*o = tcpsm_nl_ops[i];
		if (!o->policy) {
			o->policy = tcpsm_reject_all;
			o->maxattr = ARRAY_SIZE(tcpsm_reject_all) - 1;
		}
	}
	tcpsm_family.split_ops = tcpsm_ops;
	tcpsm_family.n_split_ops = ARRAY_SIZE(tcpsm_ops);
	return 0;
}
#else
/*
 * 6.1 has no split ops: fold the generated do and dump entries of each
 * command into one struct genl_ops. The spec gives both halves of a
 * command the same request (get-stats), so one policy serves both. A
 * command left without one gets the core's genl_policy_reject_all
 * (tcpsm sets no resv_start_op).
 */
static struct genl_ops tcpsm_ops[ARRAY_SIZE(tcpsm_nl_ops)];

static int tcpsm_ops_init(void)
{
	const struct genl_split_ops *s;
	struct genl_ops *o;
	unsigned int i, j, n = 0;

	for (i = 0; i < ARRAY_SIZE(tcpsm_nl_ops); i++) {
		s = &tcpsm_nl_ops[i];
		for (j = 0; j < n && tcpsm_ops[j].cmd != s->cmd; j++)
			;
		o = &tcpsm_ops[j];
		if (j == n) {
			n++;
			o->cmd = s->cmd;
			o->flags = s->flags & ~TCPSM_CMD_CAP_MASK;
		}
		if (s->policy) {
			/* a second, different policy for the same command */
			if (WARN_ON(o->policy && (o->maxattr != s->maxattr ||
						  memcmp(o->policy, s->policy,
							 (s->maxattr + 1) *
							 sizeof(*s->policy)))))
				return -EINVAL;
			o->policy = s->policy;
			o->maxattr = s->maxattr;
		}
		if (s->flags & GENL_CMD_CAP_DO)
			o->doit = s->doit;
		if (s->flags & GENL_CMD_CAP_DUMP) {
			o->start = s->start;
			o->dumpit = s->dumpit;
			o->done = s->done;
		}
		o->validate |= s->validate;
	}
	tcpsm_family.ops = tcpsm_ops;
	tcpsm_family.n_ops = n;
	return 0;
}
#endif

struct genl_family tcpsm_family __ro_after_init = {
	.name = TCPSM_FAMILY_NAME,
	.version = TCPSM_FAMILY_VERSION,
	.netnsok = true,
	.module = THIS_MODULE,
	.mcgrps = tcpsm_mcgrps,
	.n_mcgrps = ARRAY_SIZE(tcpsm_mcgrps),
};

int tcpsm_genl_register(void)
{
	int err = tcpsm_ops_init();

	if (err)
		return err;
	return genl_register_family(&tcpsm_family);
}

void tcpsm_genl_unregister(void)
{
	genl_unregister_family(&tcpsm_family);
}
