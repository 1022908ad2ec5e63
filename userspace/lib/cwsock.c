// SPDX-License-Identifier: GPL-2.0
/* tcpsm: one tracked CLOSE_WAIT socket (see cwsock.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/tcpsm.h>

#include "addr.h"
#include "cwsock.h"

/* Fixed sizes are exact, as for events. */
static struct nla_policy cwsock_policy[TCPSM_A_SOCKET_MAX + 1] = {
	[TCPSM_A_SOCKET_UID]	= { .type = NLA_U32, .maxlen = 4 },
	[TCPSM_A_SOCKET_INO]	= { .type = NLA_U64, .maxlen = 8 },
	[TCPSM_A_SOCKET_COOKIE]	= { .type = NLA_U64, .maxlen = 8 },
	[TCPSM_A_SOCKET_CGROUP]	= { .type = NLA_U64, .maxlen = 8 },
	[TCPSM_A_SOCKET_AGE]	= { .type = NLA_U64, .maxlen = 8 },
	[TCPSM_A_SOCKET_FAMILY]	= { .type = NLA_U16, .maxlen = 2 },
	[TCPSM_A_SOCKET_DADDR]	= { .type = NLA_UNSPEC, .minlen = 4, .maxlen = 16 },
	[TCPSM_A_SOCKET_DPORT]	= { .type = NLA_U16, .maxlen = 2 },
	[TCPSM_A_SOCKET_SADDR]	= { .type = NLA_UNSPEC, .minlen = 4, .maxlen = 16 },
};

/* An address attribute of the family's length, if there. */
static int cwsock_addr(const struct nlattr *a, uint16_t family, uint8_t *to,
		       bool *has)
{
	int alen = tcpsm_addr_len(family);

	if (!a)
		return 0;
	if (alen < 0 || nla_len(a) != alen)
		return -EBADMSG;
	memcpy(to, nla_data(a), (size_t)alen);
	*has = true;
	return 0;
}

int tcpsm_cwsock_parse(struct nlattr *nest, struct tcpsm_cwsock *s)
{
	struct nlattr *tb[TCPSM_A_SOCKET_MAX + 1];

	memset(s, 0, sizeof(*s));
	if (nla_parse_nested(tb, TCPSM_A_SOCKET_MAX, nest, cwsock_policy) < 0)
		return -EBADMSG;
	if (!tb[TCPSM_A_SOCKET_UID] || !tb[TCPSM_A_SOCKET_INO] ||
	    !tb[TCPSM_A_SOCKET_AGE])
		return -EBADMSG;
	s->uid = nla_get_u32(tb[TCPSM_A_SOCKET_UID]);
	s->ino = nla_get_u64(tb[TCPSM_A_SOCKET_INO]);
	s->age_ms = nla_get_u64(tb[TCPSM_A_SOCKET_AGE]);
	if (tb[TCPSM_A_SOCKET_COOKIE]) {
		s->has_cookie = true;
		s->cookie = nla_get_u64(tb[TCPSM_A_SOCKET_COOKIE]);
	}
	if (tb[TCPSM_A_SOCKET_CGROUP]) {
		s->has_cgroup = true;
		s->cgroup = nla_get_u64(tb[TCPSM_A_SOCKET_CGROUP]);
	}
	if (tb[TCPSM_A_SOCKET_FAMILY])
		s->family = nla_get_u16(tb[TCPSM_A_SOCKET_FAMILY]);
	if (cwsock_addr(tb[TCPSM_A_SOCKET_DADDR], s->family, s->daddr,
			&s->has_daddr) ||
	    cwsock_addr(tb[TCPSM_A_SOCKET_SADDR], s->family, s->saddr,
			&s->has_saddr))
		return -EBADMSG;
	if (tb[TCPSM_A_SOCKET_DPORT]) {
		s->has_dport = true;
		s->dport = nla_get_u16(tb[TCPSM_A_SOCKET_DPORT]);
	}
	return 0;
}

const char *tcpsm_cwsock_family(const struct tcpsm_cwsock *s)
{
	switch (s->family) {
	case AF_INET:
		return "inet";
	case AF_INET6:
		return "inet6";
	default:
		return NULL;
	}
}

static void cwsock_ntop(const struct tcpsm_cwsock *s, bool has,
			const uint8_t *addr, char *buf, size_t size)
{
	if (!size)
		return;
	buf[0] = '\0';
	if (has && !inet_ntop(s->family, addr, buf, (socklen_t)size))
		buf[0] = '\0';
}

void tcpsm_cwsock_daddr(const struct tcpsm_cwsock *s, char *buf, size_t size)
{
	cwsock_ntop(s, s->has_daddr, s->daddr, buf, size);
}

void tcpsm_cwsock_json(struct json *j, const struct tcpsm_cwsock *s)
{
	char addr[INET6_ADDRSTRLEN];
	const char *fam = tcpsm_cwsock_family(s);

	json_key(j, "uid");
	json_u64(j, s->uid);
	json_key(j, "ino");
	json_u64(j, s->ino);
	json_key(j, "cookie");
	if (s->has_cookie)
		json_u64(j, s->cookie);
	else
		json_null(j);
	json_key(j, "cgroup");
	if (s->has_cgroup)
		json_u64(j, s->cgroup);
	else
		json_null(j);
	json_key(j, "age_ms");
	json_u64(j, s->age_ms);
	json_key(j, "family");
	if (fam)
		json_string(j, fam);
	else if (s->family)
		json_u64(j, s->family);		/* a family we do not know */
	else
		json_null(j);
	json_key(j, "saddr");
	cwsock_ntop(s, s->has_saddr, s->saddr, addr, sizeof(addr));
	if (addr[0])
		json_string(j, addr);
	else
		json_null(j);
	json_key(j, "daddr");
	tcpsm_cwsock_daddr(s, addr, sizeof(addr));
	if (addr[0])
		json_string(j, addr);
	else
		json_null(j);
	json_key(j, "dport");
	if (s->has_dport)
		json_u64(j, s->dport);
	else
		json_null(j);
}

void tcpsm_fmt_age(uint64_t ms, char *buf, size_t size)
{
	snprintf(buf, size, "%" PRIu64 ".%" PRIu64 "s", ms / 1000,
		 ms % 1000 / 100);
}
