// SPDX-License-Identifier: GPL-2.0
/* tcpsm: the alarm settings: KEY=VALUE and GET/SET_CONFIG replies (config.h). */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include <linux/tcpsm.h>

#include "config.h"

const struct tcpsm_config_key tcpsm_config_keys[TCPSM_CONFIG_NKEYS] = {
	{ "closewait.count",	TCPSM_A_CONFIG_CLOSEWAIT_COUNT },
	{ "closewait.age",	TCPSM_A_CONFIG_CLOSEWAIT_AGE },
	{ "closewait.window",	TCPSM_A_CONFIG_CLOSEWAIT_WINDOW },
	{ "synflood.raise",	TCPSM_A_CONFIG_SYNFLOOD_RAISE },
	{ "synflood.clear",	TCPSM_A_CONFIG_SYNFLOOD_CLEAR },
	{ "synflood.duration",	TCPSM_A_CONFIG_SYNFLOOD_DURATION },
};

static struct nla_policy config_policy[TCPSM_A_CONFIG_MAX + 1] = {
	[TCPSM_A_CONFIG_NETNS]			= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_CONFIG_CLOSEWAIT_COUNT]	= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_CONFIG_CLOSEWAIT_AGE]		= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_CONFIG_CLOSEWAIT_WINDOW]	= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_CONFIG_SYNFLOOD_RAISE]		= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_CONFIG_SYNFLOOD_CLEAR]		= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_CONFIG_SYNFLOOD_DURATION]	= { .type = NLA_U32, .maxlen = 4 },
};

/* ---- KEY=VALUE ------------------------------------------------------------ */

/* A plain decimal number of 32 bits: no sign, no blanks, no 0x. */
static bool parse_u32(const char *s, uint32_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			return false;
	}
	*out = (uint32_t)v;
	return true;
}

int tcpsm_config_parse_arg(struct tcpsm_config *c, const char *arg,
			   char *err, size_t errlen)
{
	const char *eq = strchr(arg, '=');
	size_t klen, i;
	uint32_t v;

	if (!eq) {
		snprintf(err, errlen, "'%s' is not KEY=VALUE", arg);
		return -EINVAL;
	}
	klen = (size_t)(eq - arg);
	for (i = 0; i < TCPSM_CONFIG_NKEYS; i++)
		if (strlen(tcpsm_config_keys[i].name) == klen &&
		    strncmp(tcpsm_config_keys[i].name, arg, klen) == 0)
			break;
	if (i == TCPSM_CONFIG_NKEYS) {
		snprintf(err, errlen, "unknown key '%.*s'", (int)klen, arg);
		return -EINVAL;
	}
	if (!parse_u32(eq + 1, &v)) {
		snprintf(err, errlen, "invalid value '%s' for %s (a whole number)",
			 eq + 1, tcpsm_config_keys[i].name);
		return -EINVAL;
	}
	if (c->has[i]) {
		snprintf(err, errlen, "%s given twice", tcpsm_config_keys[i].name);
		return -EINVAL;
	}
	c->has[i] = true;
	c->value[i] = v;
	return 0;
}

/* ---- replies -------------------------------------------------------------- */

int tcpsm_config_parse(struct nlmsghdr *nlh, struct tcpsm_config *c)
{
	struct nlattr *tb[TCPSM_A_CONFIG_MAX + 1];

	memset(c, 0, sizeof(*c));
	if (genlmsg_parse(nlh, 0, tb, TCPSM_A_CONFIG_MAX, config_policy) < 0)
		return -EBADMSG;
	if (tb[TCPSM_A_CONFIG_NETNS]) {
		c->has_netns = true;
		c->netns = nla_get_u32(tb[TCPSM_A_CONFIG_NETNS]);
	}
	for (size_t i = 0; i < TCPSM_CONFIG_NKEYS; i++) {
		struct nlattr *a = tb[tcpsm_config_keys[i].attr];

		if (a) {
			c->has[i] = true;
			c->value[i] = nla_get_u32(a);
		}
	}
	return 0;
}
