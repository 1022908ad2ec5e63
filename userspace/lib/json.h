/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpsm: a tiny streaming JSON writer.
 *
 * Output is one line in the style {"key": value, "key": [1, 2]}: ", "
 * between members, ": " after keys, no newline (the caller adds it).
 * Strings are escaped as RFC 8259 requires; bytes that are not valid
 * UTF-8 are written as \ufffd so the output is always valid JSON.
 */
#ifndef TCPSM_JSON_H
#define TCPSM_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH	32

struct json {
	FILE *f;
	int depth;			/* open containers */
	bool need_comma[JSON_MAX_DEPTH + 1];
	bool after_key;			/* next value completes a member */
};

void json_init(struct json *j, FILE *f);

void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);

/* Inside an object: the key of the next value. */
void json_key(struct json *j, const char *key);

void json_string(struct json *j, const char *s);
void json_u64(struct json *j, uint64_t v);
void json_i64(struct json *j, int64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);

/* Write s as a quoted, escaped JSON string. */
void json_write_escaped(FILE *f, const char *s);

#endif /* TCPSM_JSON_H */
