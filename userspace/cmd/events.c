// SPDX-License-Identifier: GPL-2.0
/*
 * tcpsm: the events subcommand.
 *
 * The module multicasts TCPSM_CMD_EVENT messages on the genl group
 * "events", each with one or more TCPSM_A_EVENTS_RECORD attributes (a
 * struct tcpsm_event_record each), oldest first, and numbers the events of each namespace 1, 2, 3, ... as it
 * sends them. A gap in those numbers is events lost, in the module or in
 * our receive buffer: it is reported as one "lost" record before the
 * event that showed it, whatever the filters say.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/genl/genl.h>

#include <linux/tcpsm.h>

#include "alarm.h"
#include "allns.h"
#include "cli.h"
#include "events.h"
#include "evstream.h"
#include "evline.h"
#include "json.h"
#include "nl.h"
#include "states.h"
#include "sub.h"

/*
 * Receive buffer asked for. SO_RCVBUF is capped at net.core.rmem_max
 * (208 KiB by default: a few thousand events); SO_RCVBUFFORCE, allowed
 * with CAP_NET_ADMIN, is not. The kernel doubles the value for its
 * bookkeeping; the memory is only used while we fall behind.
 *
 * And NETLINK_NO_ENOBUFS on. The sequence numbers already tell us of
 * every event we lose, and exactly how many, so ENOBUFS would add
 * nothing; and without this option an overrun marks the socket
 * congested and the kernel drops everything for it until we have
 * emptied the whole queue, turning a short burst into a long gap. With
 * it, delivery resumes as soon as there is room. (dwdump, which has no
 * sequence numbers, keeps ENOBUFS and reads on.) Should the option be
 * missing, ENOBUFS is still survived: see on_events_overrun().
 */
#define TCPSM_EVENTS_RCVBUF	(16 << 20)

/* Output buffer, when not a terminal: a batch's lines in one write. */
#define TCPSM_EVENTS_OUTBUF	(256 << 10)

/* ---- rendering ---------------------------------------------------------- */

void tcpsm_lost_print_text(FILE *f, const struct tcpsm_lost *l)
{
	uint64_t n = l->to_seq - l->from_seq + 1;

	if (n == 1)
		fprintf(f, "lost 1 event (seq %" PRIu64 ") in netns %" PRIu32 "\n",
			l->from_seq, l->netns);
	else
		fprintf(f, "lost %" PRIu64 " events (seq %" PRIu64 "..%" PRIu64
			") in netns %" PRIu32 "\n", n, l->from_seq, l->to_seq,
			l->netns);
}

void tcpsm_lost_print_json(struct json *j, const struct tcpsm_lost *l)
{
	json_object_begin(j);
	json_key(j, "lost");
	json_u64(j, l->to_seq - l->from_seq + 1);
	json_key(j, "netns");
	json_u64(j, l->netns);
	json_key(j, "from_seq");
	json_u64(j, l->from_seq);
	json_key(j, "to_seq");
	json_u64(j, l->to_seq);
	json_object_end(j);
}

/* ---- the stream --------------------------------------------------------- */

void tcpsm_events_init(struct tcpsm_events *es, FILE *out)
{
	memset(es, 0, sizeof(*es));
	es->out = out;
}

void tcpsm_events_free(struct tcpsm_events *es)
{
	tcpsm_seq_free(&es->seq);
	tcpsm_netns_names_free(&es->names);
}

static void print_lost(struct tcpsm_events *es, const struct tcpsm_lost *l)
{
	struct json j;

	if (!es->json) {
		tcpsm_lost_print_text(es->out, l);
		return;
	}
	json_init(&j, es->out);
	tcpsm_lost_print_json(&j, l);
	fputc('\n', es->out);
}

/* the hot path: one buffer, one unlocked write (evline.h) */
static void print_event(struct tcpsm_events *es, const struct tcpsm_event *ev)
{
	char line[TCPSM_EVLINE_MAX];
	size_t n = es->json ? tcpsm_evline_json(line, ev) :
			      tcpsm_evline_text(line, ev);

	fwrite_unlocked(line, 1, n, es->out);
}

/* One event record. Returns 1 when the limit is reached. */
static int handle_one(struct tcpsm_events *es, const struct nlattr *rec)
{
	struct tcpsm_event ev;
	struct tcpsm_lost lost;

	if (tcpsm_event_parse(rec, &ev) < 0) {
		es->malformed++;
		return 0;
	}
	/* before the filter: it must neither invent gaps nor hide them */
	if (tcpsm_seq_note(&es->seq, ev.netns, ev.seq, &lost)) {
		es->lost += lost.to_seq - lost.from_seq + 1;
		print_lost(es, &lost);
	}
	if (!tcpsm_event_match(&es->filter, &ev))
		return 0;
	if (es->all) {
		ev.with_name = true;
		ev.netns_name = tcpsm_netns_name(&es->names, ev.netns);
	}
	print_event(es, &ev);
	es->printed++;
	return es->limit && es->printed >= es->limit;
}

int tcpsm_events_handle(struct tcpsm_events *es, struct nlmsghdr *nlh)
{
	struct genlmsghdr *gnlh;
	struct nlattr *nla;
	int rem;

	if (!genlmsg_valid_hdr(nlh, 0)) {
		es->malformed++;
		return 0;
	}
	gnlh = genlmsg_hdr(nlh);
	if (gnlh->cmd != TCPSM_CMD_EVENT)
		return 0;
	nla_for_each_attr(nla, genlmsg_attrdata(gnlh, 0),
			  genlmsg_attrlen(gnlh, 0), rem) {
		if (nla_type(nla) != TCPSM_A_EVENTS_RECORD)
			continue;	/* from a newer module */
		if (handle_one(es, nla))
			return 1;
	}
	if (rem > 0)		/* a truncated attribute: the rest is lost */
		es->malformed++;
	return 0;
}

/* ---- the subcommand ----------------------------------------------------- */

/* What the subscription's callbacks share. */
struct events_loop {
	struct tcpsm_events *es;
	uint64_t next_warn;		/* warn of malformed at 1, 2, 4, ... */
};

static int on_events_msg(struct nlmsghdr *nlh, void *arg)
{
	struct events_loop *lp = arg;

	return tcpsm_events_handle(lp->es, nlh);
}

/*
 * ENOBUFS is an overrun: the next event shows the gap. Twice in a row,
 * with nothing read in between, it is memory.
 */
static int on_events_overrun(void *arg, bool again)
{
	(void)arg;
	if (again) {
		tcpsm_err("receiving events: %s", nl_geterror(-NLE_NOMEM));
		return TCPSM_EXIT_ERROR;
	}
	tcpsm_err("warning: receive buffer overrun, events lost");
	return 0;
}

/* After a batch of reads that went well: warn of malformed records. */
static void on_events_read(void *arg, int rc)
{
	struct events_loop *lp = arg;

	if (!rc)
		tcpsm_sub_warn_malformed(lp->es->malformed, &lp->next_warn,
					 "event record");
}

void cmd_events_help(FILE *f)
{
	fputs("Usage: tcpsm events [--all-netns] [--json] [--state S[,S...]]\n"
	      "                    [--port P[,P...]] [--family inet|inet6] [-4] [-6]\n"
	      "                    [--count N]\n"
	      "\n"
	      "Print each TCP state transition of this network namespace as it\n"
	      "happens, one line each, until interrupted. Needs CAP_NET_ADMIN.\n"
	      "\n"
	      "Options:\n"
	      TCPSM_ALLNS_HELP
	      "  -s, --state S    only transitions from or to state S: CLOSED, LISTEN,\n"
	      "                   SYN_SENT, SYN_RCVD, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2,\n"
	      "                   CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT; any case,\n"
	      "                   '-' for '_', and as ss or the kernel spell them too\n"
	      "                   (estab, syn-recv, TCP_FIN_WAIT1, close, listening)\n"
	      "  -p, --port P     only sockets with local or remote port P\n"
	      "  -f, --family F   only inet (or 4: IPv4) or inet6 (or 6: IPv6) sockets\n"
	      "  -4, -6           --family inet, --family inet6 (both: either)\n"
	      "  -n, --count N    exit after printing N transitions\n"
	      "  -j, --json       one JSON object per line\n"
	      "  -h, --help       show this help\n"
	      "\n"
	      "--state, --port and --family take a comma-separated list and may be\n"
	      "repeated; a transition must match each kind given.\n"
	      "\n"
	      "Output, one line per transition (TIME: CLOCK_MONOTONIC seconds):\n"
	      "  TIME netns INODE seq N FROM -> TO local ADDR:PORT remote ADDR:PORT sk:COOKIE\n"
	      "(with --all-netns: netns INODE (NAME), '-' for a namespace without one)\n"
	      "and one line where events were lost (filters never hide it):\n"
	      "  lost N events (seq A..B) in netns INODE\n", f);
}

/* "events: ..." usage error for a bad option value. */
static int bad_value(const char *what, const char *value)
{
	return tcpsm_usage_err("events: %s '%s' (see 'tcpsm events --help')",
			       what, value);
}

static bool parse_count(const char *s, uint64_t *n)
{
	unsigned long long v;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v == 0)
		return false;
	*n = v;
	return true;
}

/* One option of events but -j and -h. */
static int events_opt(void *ctx, int c, char *arg)
{
	struct tcpsm_events *es = ctx;
	const char *bad;

	switch (c) {
	case 's':
		bad = tcpsm_event_filter_states(&es->filter, arg);
		return bad ? bad_value("unknown state", bad) : 0;
	case 'p':
		bad = tcpsm_event_filter_ports(&es->filter, arg);
		return bad ? bad_value("invalid port", bad) : 0;
	case 'f':
		bad = tcpsm_event_filter_families(&es->filter, arg);
		return bad ? bad_value("unknown family", bad) : 0;
	case '4':
		es->filter.families |= TCPSM_EV_INET;
		return 0;
	case '6':
		es->filter.families |= TCPSM_EV_INET6;
		return 0;
	case 'n':
		return parse_count(arg, &es->limit) ? 0 : bad_value("invalid count", arg);
	case 'a':
		es->all = true;
		return 0;
	}
	return -1;
}

/*
 * --all-netns: the kernel lets anyone with CAP_NET_ADMIN over their own
 * namespace join events-all, but sends it in the initial namespace only;
 * an all-netns dump tells, with its reason, whether we would get any.
 * The alarms' is the cheapest (GET_STATS would walk every namespace's
 * socket tables).
 */
static int events_all_allowed(struct tcpsm_nl *nl)
{
	struct tcpsm_alarm_set set;
	int r = tcpsm_alarms_request(nl, true, &set);

	tcpsm_alarm_set_free(&set);
	if (r >= 0)
		return 0;
	tcpsm_nl_perror(nl, r, "events --all-netns refused",
			tcpsm_allns_hint(r, true, "events"));
	return TCPSM_EXIT_ERROR;
}

int cmd_events(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state",	required_argument,	NULL, 's' },
		{ "port",	required_argument,	NULL, 'p' },
		{ "family",	required_argument,	NULL, 'f' },
		{ "count",	required_argument,	NULL, 'n' },
		{ "all-netns",	no_argument,		NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct tcpsm_events es;
	struct events_loop lp = { .es = &es, .next_warn = 1 };
	struct tcpsm_sub sub = {
		.group = TCPSM_MCGRP_EVENTS,
		.what = "events",
		.rcvbuf = TCPSM_EVENTS_RCVBUF,
		.rcvbuf_force = true,
		.no_enobufs = true,
		.needs_admin = true,
		.msg = on_events_msg,
		.overrun = on_events_overrun,
		.after_reads = on_events_read,
		.arg = &lp,
	};
	struct tcpsm_nl nl;
	const struct tcpsm_cmd_spec spec = {
		.name = "events", .help = cmd_events_help, .flags = TCPSM_OPT_JSON,
		.shorts = "s:p:f:n:46a", .longs = opts, .opt = events_opt, .ctx = &es,
	};
	int rc;

	tcpsm_events_init(&es, stdout);
	rc = tcpsm_cmd_getopt(&spec, argc, argv, &es.json);
	if (rc >= 0)
		return rc;

	if (es.all)
		sub.group = TCPSM_MCGRP_EVENTS_ALL;
	/*
	 * Lines go out once per batch of reads (tcpsm_sub_loop), and to a
	 * pipe or file in one write each: stdio's own buffer (a page) would
	 * write every 30 lines.
	 */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOFBF, TCPSM_EVENTS_OUTBUF);
	tcpsm_sub_signals_on(&sub);
	rc = tcpsm_nl_open(&nl);
	if (rc)
		return tcpsm_sub_stopped() ? TCPSM_EXIT_OK : rc;
	rc = es.all ? events_all_allowed(&nl) : 0;
	if (!rc)
		rc = tcpsm_sub_join(&sub, &nl);
	if (tcpsm_sub_stopped())
		rc = TCPSM_EXIT_OK;	/* stopped while subscribing */
	else if (!rc)
		rc = tcpsm_sub_loop(&sub);
	tcpsm_events_free(&es);
	tcpsm_nl_close(&nl);
	return rc;
}
