// SPDX-License-Identifier: GPL-2.0
/* tcpsm: the namespace's listener SNMP counters (see syncnt.h). */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <netlink/attr.h>

#include <linux/tcpsm.h>

#include "syncnt.h"

/* nstat's names, by enum tcpsm_syn_counter - 1 */
static const char *const names[TCPSM_SYNCNT_N] = {
	"TcpExtTCPReqQFullDoCookies",
	"TcpExtTCPReqQFullDrop",
	"TcpExtSyncookiesSent",
	"TcpExtSyncookiesRecv",
	"TcpExtSyncookiesFailed",
	"TcpExtListenOverflows",
	"TcpExtListenDrops",
};

static struct nla_policy syncnt_policy[TCPSM_A_SYN_COUNTER_MAX + 1] = {
	[TCPSM_A_SYN_COUNTER_NAME]	= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_SYN_COUNTER_VALUE]	= { .type = NLA_U64, .maxlen = 8 },
	[TCPSM_A_SYN_COUNTER_RATE]	= { .type = NLA_U64, .maxlen = 8 },
};

const char *tcpsm_syncnt_name(int i)
{
	return names[i];
}

bool tcpsm_syncnt_any(const struct tcpsm_syncnt *c)
{
	for (int i = 0; i < TCPSM_SYNCNT_N; i++)
		if (c->has[i])
			return true;
	return false;
}

int tcpsm_syncnt_parse(struct nlattr *nest, struct tcpsm_syncnt *c)
{
	struct nlattr *tb[TCPSM_A_SYN_COUNTER_MAX + 1];
	uint32_t name;

	if (nla_parse_nested(tb, TCPSM_A_SYN_COUNTER_MAX, nest, syncnt_policy) < 0)
		return -EBADMSG;
	if (!tb[TCPSM_A_SYN_COUNTER_NAME] || !tb[TCPSM_A_SYN_COUNTER_VALUE])
		return -EBADMSG;
	name = nla_get_u32(tb[TCPSM_A_SYN_COUNTER_NAME]);
	if (name < 1 || name > TCPSM_SYNCNT_N)
		return 0;	/* newer kernel, newer counter: skip */
	c->has[name - 1] = true;
	c->value[name - 1] = nla_get_u64(tb[TCPSM_A_SYN_COUNTER_VALUE]);
	c->rate[name - 1] = tb[TCPSM_A_SYN_COUNTER_RATE] ?
			    nla_get_u64(tb[TCPSM_A_SYN_COUNTER_RATE]) : 0;
	return 0;
}

void tcpsm_syncnt_json(struct json *j, const struct tcpsm_syncnt *c)
{
	json_object_begin(j);
	for (int i = 0; i < TCPSM_SYNCNT_N; i++) {
		json_key(j, names[i]);
		if (!c->has[i]) {
			json_null(j);
			continue;
		}
		json_object_begin(j);
		json_key(j, "value");
		json_u64(j, c->value[i]);
		json_key(j, "rate");
		json_u64(j, c->rate[i]);
		json_object_end(j);
	}
	json_object_end(j);
}
