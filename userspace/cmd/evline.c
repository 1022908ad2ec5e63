// SPDX-License-Identifier: GPL-2.0
/* tcpsm: one event as one line of text or JSON (see evline.h). */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "evline.h"
#include "states.h"

#define NAME_W	11		/* the longest state name, ESTABLISHED */

static char *put_str(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	return p + n;
}

static const char digit_pairs[] =
	"00010203040506070809101112131415161718192021222324"
	"25262728293031323334353637383940414243444546474849"
	"50515253545556575859606162636465666768697071727374"
	"75767778798081828384858687888990919293949596979899";

/* decimal, at least @width digits (zero-padded); two digits a division */
static char *put_u64w(char *p, uint64_t v, int width)
{
	char tmp[24], *t = tmp + sizeof(tmp);
	uint32_t w;

	while (v >= 100000000) {	/* 64-bit divisions: 8 digits each */
		w = (uint32_t)(v % 100000000);
		v /= 100000000;
		for (int i = 0; i < 4; i++, w /= 100) {
			t -= 2;
			memcpy(t, &digit_pairs[(w % 100) * 2], 2);
		}
	}
	for (w = (uint32_t)v; w >= 100; w /= 100) {
		t -= 2;
		memcpy(t, &digit_pairs[(w % 100) * 2], 2);
	}
	if (w >= 10) {
		t -= 2;
		memcpy(t, &digit_pairs[w * 2], 2);
	} else {
		*--t = (char)('0' + w);
	}
	while (tmp + sizeof(tmp) - t < width)
		*--t = '0';
	memcpy(p, t, (size_t)(tmp + sizeof(tmp) - t));
	return p + (tmp + sizeof(tmp) - t);
}

static char *put_u64(char *p, uint64_t v)
{
	return put_u64w(p, v, 1);
}

static char *put_hex(char *p, uint64_t v)
{
	char tmp[16];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* "ESTABLISHED", or "STATE_12" for a state a newer module added */
static char *put_state(char *p, uint32_t state)
{
	const char *name = tcpsm_state_name(state);

	if (name)
		return put_str(p, name);
	return put_u64(put_str(p, "STATE_"), state);
}

static size_t state_len(uint32_t state)
{
	char tmp[32];

	return (size_t)(put_state(tmp, state) - tmp);
}

static char *put_addr(char *p, uint16_t family, const uint8_t *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (family == AF_INET) {
		for (int i = 0; i < 4; i++) {
			if (i)
				*p++ = '.';
			p = put_u64(p, a[i]);
		}
		return p;
	}
	if (!inet_ntop(family, a, buf, sizeof(buf)))
		return put_str(p, "?");
	return put_str(p, buf);
}

/* "10.0.0.1:80", "[2001:db8::1]:80" */
static char *put_endpoint(char *p, uint16_t family, const uint8_t *a,
			  uint16_t port)
{
	if (family == AF_INET6)
		*p++ = '[';
	p = put_addr(p, family, a);
	if (family == AF_INET6)
		*p++ = ']';
	*p++ = ':';
	return put_u64(p, port);
}

/* the name for a text line: one word */
static char *put_word(char *p, const char *s)
{
	for (; *s; s++)
		*p++ = *s > ' ' && *s < 0x7f ? *s : '?';
	return p;
}

/* a JSON string: quotes, backslashes, controls escaped; not ASCII: U+FFFD */
static char *put_json_str(char *p, const char *s)
{
	*p++ = '"';
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			*p++ = '\\';
			*p++ = (char)c;
		} else if (c < 0x20) {
			p = put_str(p, "\\u00");
			*p++ = "0123456789abcdef"[c >> 4];
			*p++ = "0123456789abcdef"[c & 15];
		} else if (c >= 0x80) {
			p = put_str(p, "\\ufffd");
		} else {
			*p++ = (char)c;
		}
	}
	*p++ = '"';
	return p;
}

size_t tcpsm_evline_text(char *buf, const struct tcpsm_event *ev)
{
	char *p = buf;
	size_t n;

	p = put_u64(p, ev->ts / 1000000000);
	*p++ = '.';
	p = put_u64w(p, ev->ts % 1000000000 / 1000, 6);
	p = put_u64(put_str(p, " netns "), ev->netns);
	if (ev->with_name) {
		p = put_str(p, " (");
		p = ev->netns_name ? put_word(p, ev->netns_name) : put_str(p, "-");
		*p++ = ')';
	}
	p = put_u64(put_str(p, " seq "), ev->seq);
	*p++ = ' ';
	for (n = state_len(ev->from); n < NAME_W; n++)
		*p++ = ' ';
	p = put_str(put_state(p, ev->from), " -> ");
	n = state_len(ev->to);
	p = put_state(p, ev->to);
	for (; n < NAME_W; n++)
		*p++ = ' ';
	p = put_endpoint(put_str(p, " local "), ev->family, ev->saddr, ev->sport);
	p = put_endpoint(put_str(p, " remote "), ev->family, ev->daddr, ev->dport);
	if (ev->has_cookie)
		p = put_hex(put_str(p, " sk:"), ev->cookie);	/* as ss -e */
	if (ev->has_tis) {	/* ms in the from-state, as tcpstates' MS */
		p = put_u64(put_str(p, " "), ev->tis / 1000000);
		*p++ = '.';
		p = put_str(put_u64w(p, ev->tis % 1000000 / 1000, 3), " ms");
	}
	*p++ = '\n';
	*p = '\0';
	return (size_t)(p - buf);
}

size_t tcpsm_evline_json(char *buf, const struct tcpsm_event *ev)
{
	char *p = buf;

	p = put_u64(put_str(p, "{\"seq\": "), ev->seq);
	p = put_u64(put_str(p, ", \"ts\": "), ev->ts);
	p = put_u64(put_str(p, ", \"netns\": "), ev->netns);
	if (ev->with_name) {
		p = put_str(p, ", \"netns_name\": ");
		p = ev->netns_name ? put_json_str(p, ev->netns_name) :
				     put_str(p, "null");
	}
	p = put_str(p, ev->family == AF_INET6 ? ", \"family\": \"inet6\"" :
						", \"family\": \"inet\"");
	p = put_addr(put_str(p, ", \"saddr\": \""), ev->family, ev->saddr);
	p = put_u64(put_str(p, "\", \"sport\": "), ev->sport);
	p = put_addr(put_str(p, ", \"daddr\": \""), ev->family, ev->daddr);
	p = put_u64(put_str(p, "\", \"dport\": "), ev->dport);
	p = put_state(put_str(p, ", \"from\": \""), ev->from);
	p = put_state(put_str(p, "\", \"to\": \""), ev->to);
	*p++ = '"';
	if (ev->has_cookie)
		p = put_u64(put_str(p, ", \"cookie\": "), ev->cookie);
	p = put_str(p, ", \"time_in_from_ns\": ");
	p = ev->has_tis ? put_u64(p, ev->tis) : put_str(p, "null");
	p = put_str(p, "}\n");
	*p = '\0';
	return (size_t)(p - buf);
}
