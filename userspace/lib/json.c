// SPDX-License-Identifier: GPL-2.0
/* tcpsm: a tiny streaming JSON writer. */

#include "json.h"

void json_init(struct json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->need_comma[0] = false;
	j->after_key = false;
}

/*
 * Output goes through putc_unlocked(), a macro that stores into the
 * FILE's buffer: no library call per key or number (an all-netns read
 * writes tens of thousands of them). The tool writes from one thread.
 */
static void json_put(FILE *f, const char *s, size_t n)
{
	while (n--)
		putc_unlocked(*s++, f);
}

static void json_puts(FILE *f, const char *s)
{
	while (*s)
		putc_unlocked(*s++, f);
}

/* Emit the separator before a value or key at the current level. */
static void json_sep(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->need_comma[j->depth])
		json_puts(j->f, ", ");
	j->need_comma[j->depth] = true;
}

static void json_open(struct json *j, char c)
{
	json_sep(j);
	putc_unlocked(c, j->f);
	if (j->depth < JSON_MAX_DEPTH)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void json_close(struct json *j, char c)
{
	putc_unlocked(c, j->f);
	if (j->depth > 0)
		j->depth--;
}

void json_object_begin(struct json *j) { json_open(j, '{'); }
void json_object_end(struct json *j)   { json_close(j, '}'); }
void json_array_begin(struct json *j)  { json_open(j, '['); }
void json_array_end(struct json *j)    { json_close(j, ']'); }

void json_key(struct json *j, const char *key)
{
	json_sep(j);
	json_write_escaped(j->f, key);
	json_puts(j->f, ": ");
	j->after_key = true;
}

void json_string(struct json *j, const char *s)
{
	json_sep(j);
	json_write_escaped(j->f, s);
}

/*
 * A number in decimal, "-" first if neg: one write, no printf (an
 * all-netns read writes thousands of them).
 */
static void json_digits(FILE *f, uint64_t v, bool neg)
{
	char buf[24];	/* 20 digits of UINT64_MAX, the sign */
	char *p = buf + sizeof(buf);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (neg)
		*--p = '-';
	json_put(f, p, (size_t)(buf + sizeof(buf) - p));
}

void json_u64(struct json *j, uint64_t v)
{
	json_sep(j);
	json_digits(j->f, v, false);
}

void json_i64(struct json *j, int64_t v)
{
	json_sep(j);
	/* the magnitude in unsigned arithmetic: INT64_MIN too */
	json_digits(j->f, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0);
}

void json_bool(struct json *j, bool v)
{
	json_sep(j);
	json_puts(j->f, v ? "true" : "false");
}

void json_null(struct json *j)
{
	json_sep(j);
	json_puts(j->f, "null");
}

/*
 * Length of the valid UTF-8 sequence at s (1..4), or 0 if the bytes there
 * are not one (overlong forms, surrogates and values past U+10FFFF are
 * rejected).
 */
static int utf8_seq_len(const unsigned char *s)
{
	unsigned char c = s[0];
	int n, i;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)	/* also stops at the NUL */
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

void json_write_escaped(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	const unsigned char *run;

	putc_unlocked('"', f);
	while (*s) {
		unsigned char c;
		int n;

		/* what needs no escape, up to the next byte that does */
		for (run = s; *s; s += n) {
			c = *s;
			if (c == '"' || c == '\\' || c < 0x20)
				break;
			n = utf8_seq_len(s);
			if (n == 0)
				break;
		}
		if (s > run)
			json_put(f, (const char *)run, (size_t)(s - run));
		c = *s;
		switch (c) {
		case '\0': continue;
		case '"':  json_puts(f, "\\\""); s++; continue;
		case '\\': json_puts(f, "\\\\"); s++; continue;
		case '\b': json_puts(f, "\\b");  s++; continue;
		case '\f': json_puts(f, "\\f");  s++; continue;
		case '\n': json_puts(f, "\\n");  s++; continue;
		case '\r': json_puts(f, "\\r");  s++; continue;
		case '\t': json_puts(f, "\\t");  s++; continue;
		default:
			break;
		}
		if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else	/* not the start of valid UTF-8 */
			json_puts(f, "\\ufffd");
		s++;
	}
	putc_unlocked('"', f);
}
