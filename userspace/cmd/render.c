// SPDX-License-Identifier: GPL-2.0
/* tcpsm: renderers several subcommands share: alarms, SYN counters (print.h). */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>

#include <linux/tcpsm.h>

#include "alarm.h"
#include "allns.h"
#include "cwsock.h"
#include "json.h"
#include "listener.h"
#include "print.h"
#include "syncnt.h"

/*
 * The signals behind a listener's score: those of the SYN queue for
 * SYN_FLOOD, those of the accept queue for ACCEPT_QUEUE_OVERFLOW, all
 * for a kind we do not know.
 */
static void print_signals(FILE *f, uint32_t kind, const struct tcpsm_listener *l)
{
	bool syn = kind != TCPSM_ALARM_KIND_ACCEPT_QUEUE_OVERFLOW;
	bool acc = kind != TCPSM_ALARM_KIND_SYN_FLOOD;

	if (syn)
		fprintf(f, " synq %" PRIu32 "/%" PRIu32, l->syn_queue,
			l->syn_queue_max);
	if (acc)
		fprintf(f, " acceptq %" PRIu32 "/%" PRIu32, l->accept_queue,
			l->accept_queue_max);
	if (syn && l->cookies)
		fputs(" cookies", f);
	if (syn)
		fprintf(f, " overflow %" PRIu32 "/s completion %" PRIu32
			"%% synack-retrans %" PRIu32 "/s", l->overflow,
			l->completion, l->synack_retrans);
	fprintf(f, " drops %" PRIu32 "/s", l->drops);
}

void tcpsm_alarm_print_text(FILE *f, const struct tcpsm_alarm *a)
{
	char kind[32], age[32], list[TCPSM_ALARM_ENV_LEN];

	fprintf(f, "%s %s netns %" PRIu32, tcpsm_alarm_is_raise(a) ? "RAISE" : "CLEAR",
		tcpsm_alarm_kind_name(a->kind, kind, sizeof(kind)), a->netns);
	if (a->with_name)
		tcpsm_allns_name(f, a->netns_name);
	if (a->has_listener) {
		tcpsm_listener_endpoint(&a->listener, list, sizeof(list));
		fprintf(f, " listener %s", list);
	} else if (a->has_port) {
		fprintf(f, " port %u", a->port);
	}
	if (a->has_score)
		fprintf(f, " score %" PRIu32, a->score);
	if (a->has_listener)
		print_signals(f, a->kind, &a->listener);
	if (a->has_count)
		fprintf(f, " count %" PRIu32, a->count);
	if (a->has_oldest_age) {
		tcpsm_fmt_age(a->oldest_age_ms, age, sizeof(age));
		fprintf(f, " oldest %s", age);
	}
	if (a->has_growth)
		fprintf(f, " growth %+" PRId32, a->growth);
	tcpsm_alarm_uids(a, ',', list, sizeof(list));
	if (list[0])
		fprintf(f, " uid %s", list);
	tcpsm_alarm_inodes(a, ',', list, sizeof(list));
	if (list[0])
		fprintf(f, " inodes %s", list);
	fputs(a->replayed ? " (replayed)\n" : "\n", f);
}

void tcpsm_alarm_print_json(struct json *j, const struct tcpsm_alarm *a)
{
	char kind[32];

	json_object_begin(j);
	json_key(j, "alarm");
	json_string(j, tcpsm_alarm_kind_name(a->kind, kind, sizeof(kind)));
	json_key(j, "state");
	json_string(j, tcpsm_alarm_is_raise(a) ? "raise" : "clear");
	json_key(j, "replayed");
	json_bool(j, a->replayed);
	json_key(j, "ts");
	json_u64(j, a->ts);
	json_key(j, "netns");
	json_u64(j, a->netns);
	if (a->with_name)
		tcpsm_allns_json_name(j, a->netns_name);
	json_key(j, "port");
	if (a->has_port)
		json_u64(j, a->port);
	else
		json_null(j);
	json_key(j, "count");
	if (a->has_count)
		json_u64(j, a->count);
	else
		json_null(j);
	json_key(j, "oldest_age_ms");
	if (a->has_oldest_age)
		json_u64(j, a->oldest_age_ms);
	else
		json_null(j);
	json_key(j, "growth");
	if (a->has_growth)
		json_i64(j, a->growth);
	else
		json_null(j);
	json_key(j, "sockets");
	json_array_begin(j);
	for (size_t i = 0; i < a->nsock; i++) {
		json_object_begin(j);
		tcpsm_cwsock_json(j, &a->sock[i]);
		json_object_end(j);
	}
	json_array_end(j);
	json_key(j, "score");
	if (a->has_score)
		json_u64(j, a->score);
	else
		json_null(j);
	json_key(j, "listener");
	if (a->has_listener)
		tcpsm_listener_json(j, &a->listener);
	else
		json_null(j);
	json_object_end(j);
}

void tcpsm_syncnt_print_text(FILE *f, const struct tcpsm_syncnt *c,
			     bool ratesonly)
{
	for (int i = 0; i < TCPSM_SYNCNT_N; i++) {
		fprintf(f, "%s%s ", i ? "  " : "", tcpsm_syncnt_name(i) + sizeof("TcpExt") - 1);
		if (!c->has[i])
			fputc('-', f);
		else if (ratesonly)
			fprintf(f, "%" PRIu64 "/s", c->rate[i]);
		else
			fprintf(f, "%" PRIu64 " (+%" PRIu64 "/s)", c->value[i],
				c->rate[i]);
	}
}
