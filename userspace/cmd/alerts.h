/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpsm: the alerts subcommand: alarms in (the GET_ALARMS dump, then ALARM
 * notifications of group "alerts"), lines out, and --exec's command run
 * for each.
 */
#ifndef TCPSM_ALERTS_H
#define TCPSM_ALERTS_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/netlink.h>

#include "alarm.h"
#include "netns.h"

struct tcpsm_alerts {
	FILE *out;
	bool json;
	const char *exec;		/* --exec CMD, or NULL */
	bool has_child_mask;
	sigset_t child_mask;		/* CMD's signal mask (else ours) */
	struct tcpsm_alarm_seen seen;
	bool all;			/* --all-netns: every namespace's */
	struct tcpsm_netns_names names;	/* with all: their names */
	uint64_t printed;		/* alarms printed */
	uint64_t malformed;		/* messages skipped */
};

/* Set up as to print text to out, without --exec. */
void tcpsm_alerts_init(struct tcpsm_alerts *as, FILE *out);
void tcpsm_alerts_free(struct tcpsm_alerts *as);

/*
 * One alarm: dropped if already printed (seen in the dump and as a
 * notification), else printed as a line, then, with --exec, CMD run
 * through /bin/sh -c with the alarm in its environment (alarm.h) and
 * waited for; a CMD that fails is a warning on stderr.
 */
void tcpsm_alerts_emit(struct tcpsm_alerts *as, const struct tcpsm_alarm *a);

/*
 * One message of the family from the alerts group: an ALARM notification
 * is emitted; other commands are ignored; a malformed one is counted in
 * as->malformed.
 */
void tcpsm_alerts_handle(struct tcpsm_alerts *as, struct nlmsghdr *nlh);

#endif /* TCPSM_ALERTS_H */
