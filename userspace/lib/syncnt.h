/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpsm: the namespace's seven listener SNMP counters (TcpExtSyncookiesSent,
 * ...), the syn-counter nests of a GET_STATS reply: each its value at the
 * module's last one-second sample and its rate. Shown by stats and
 * listeners alike.
 */
#ifndef TCPSM_SYNCNT_H
#define TCPSM_SYNCNT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"

struct nlattr;

/* By enum tcpsm_syn_counter - 1. */
#define TCPSM_SYNCNT_N	7

struct tcpsm_syncnt {
	bool has[TCPSM_SYNCNT_N];	/* sent by the kernel */
	uint64_t value[TCPSM_SYNCNT_N];	/* as nstat -a shows it */
	uint64_t rate[TCPSM_SYNCNT_N];	/* per second, over the last sample */
};

/* "TcpExtSyncookiesSent": nstat's name of counter i. */
const char *tcpsm_syncnt_name(int i);

/* Any counter sent: a module that knows them. */
bool tcpsm_syncnt_any(const struct tcpsm_syncnt *c);

/*
 * Parse one syn-counter nest into c. name and value are required, rate
 * is 0 when not sent; a name this build does not know (a newer module)
 * is skipped. Returns 0, or -EBADMSG.
 */
int tcpsm_syncnt_parse(struct nlattr *nest, struct tcpsm_syncnt *c);

/*
 * {"TcpExtTCPReqQFullDoCookies": {"value": V, "rate": R}, ...}: all seven
 * by nstat's names, null for one not sent.
 */
void tcpsm_syncnt_json(struct json *j, const struct tcpsm_syncnt *c);

#endif /* TCPSM_SYNCNT_H */
