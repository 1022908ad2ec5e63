// SPDX-License-Identifier: GPL-2.0
/*
 * tcpsm top: tests of the frame, free of curses and of the kernel:
 *   - the canvas: joined lines, glyphs, rows as UTF-8 or ASCII
 *   - rates from two readings, and how they are written
 *   - the batch frame: every state once with its gauge, greppable as
 *     NAME<blanks>COUNT; labels, header, status and alarm lines
 *   - the layout: boxes, compact, beside, and the list on small screens
 *   - the CLI (./tcpsm as argv[1]): usage errors, no terminal, no module
 * Ends with "N passed, N failed"; exits 1 if anything failed.
 */
#include <fcntl.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "canvas.h"
#include "states.h"
#include "topdiag.h"
#include "topframe.h"

/* How often the extended regex re matches in text (non-overlapping). */
static int count_re(const char *text, const char *re)
{
	regmatch_t m;
	regex_t rx;
	int n = 0;

	if (regcomp(&rx, re, REG_EXTENDED | REG_NEWLINE))
		return -1;
	while (regexec(&rx, text, 1, &m, 0) == 0) {
		n++;
		text += m.rm_eo > 0 ? m.rm_eo : 1;
	}
	regfree(&rx);
	return n;
}

static int count_str(const char *text, const char *s)
{
	int n = 0;

	for (const char *p = strstr(text, s); p; p = strstr(p + strlen(s), s))
		n++;
	return n;
}

/* ---- the canvas ------------------------------------------------------------ */

static char *row(const struct canvas *cv, int y, bool ascii)
{
	static char buf[1024];

	cv_row(cv, y, ascii, buf, sizeof(buf));
	return buf;
}

static void test_canvas(void)
{
	struct canvas cv;
	char buf[8];

	cv_init(&cv, 7, 4);
	cv_rect(&cv, 0, 0, 5, 3, CV_PLAIN);
	cv_line(&cv, 2, 2, 2, 3, CV_HOT);	/* leaves the bottom: a tee */
	cv_line(&cv, 4, 1, 6, 1, CV_PLAIN);	/* leaves the right side */
	cv_glyph(&cv, 6, 1, CV_ARROW_RIGHT, CV_PLAIN);
	cv_text(&cv, 1, 1, "ab", CV_BOLD);
	check_str("canvas: top border", row(&cv, 0, false), "┌───┐");
	check_str("canvas: side tee, text, arrowhead", row(&cv, 1, false), "│ab ├─►");
	check_str("canvas: bottom tee", row(&cv, 2, false), "└─┬─┘");
	check_str("canvas: stub below", row(&cv, 3, false), "  │");
	check_str("canvas: ASCII", row(&cv, 1, true), "|ab +->");
	check_str("canvas: ASCII corners", row(&cv, 2, true), "+-+-+");
	check(cv_at(&cv, 2, 2)->attr == CV_HOT, "canvas: a line's attribute",
	      "attr %d", cv_at(&cv, 2, 2)->attr);
	check(cv_at(&cv, 7, 0) == NULL && cv_at(&cv, -1, 0) == NULL,
	      "canvas: outside is NULL", "");
	cv_text(&cv, 5, 3, "xyz", CV_PLAIN);	/* clipped, no overflow */
	check_str("canvas: clipped text", row(&cv, 3, true), "  |  xy");
	check(cv_row(&cv, 1, false, buf, sizeof(buf)) == strlen("│ab ├─►") &&
	      strlen(buf) < sizeof(buf), "canvas: short buffer truncates",
	      "[%s]", buf);
	cv_blank(&cv, 0, 0, 7, 4);
	check_str("canvas: blanked", row(&cv, 1, false), "");
	cv_free(&cv);
	check(cv_utf8(0x20ac, buf) == 3 && memcmp(buf, "\xe2\x82\xac", 3) == 0,
	      "canvas: UTF-8", "");
}

/* ---- rates ------------------------------------------------------------------ */

static void test_rates(void)
{
	static struct tcpsm_stats a, b;
	double r[TCPSM_NUM_STATES][TCPSM_NUM_STATES];
	char buf[16];

	a.trans[TCPSM_STATE_CLOSED][TCPSM_STATE_SYN_SENT] = 100;
	b.trans[TCPSM_STATE_CLOSED][TCPSM_STATE_SYN_SENT] = 105;
	a.trans[TCPSM_STATE_LISTEN][TCPSM_STATE_SYN_RCVD] = 7;
	b.trans[TCPSM_STATE_LISTEN][TCPSM_STATE_SYN_RCVD] = 3;	/* went down */
	b.trans[TCPSM_STATE_ESTABLISHED][TCPSM_STATE_CLOSED] = 1;

	top_rates(&a, &b, 2.0, r);
	check(r[TCPSM_STATE_CLOSED][TCPSM_STATE_SYN_SENT] == 2.5,
	      "rates: delta / seconds", "%g", r[0][2]);
	check(r[TCPSM_STATE_LISTEN][TCPSM_STATE_SYN_RCVD] == 0,
	      "rates: a counter that went down is 0", "%g", r[1][3]);
	check(r[TCPSM_STATE_ESTABLISHED][TCPSM_STATE_CLOSED] == 0.5,
	      "rates: a new counter", "%g", r[4][0]);
	check(r[TCPSM_STATE_FIN_WAIT_1][TCPSM_STATE_CLOSING] == 0,
	      "rates: untouched is 0", "%g", r[5][8]);
	top_rates(NULL, &b, 2.0, r);
	check(r[0][2] == TOP_RATE_UNKNOWN && r[4][0] == TOP_RATE_UNKNOWN,
	      "rates: unknown without a previous reading", "%g", r[0][2]);
	top_rates(&a, &b, 0, r);
	check(r[0][2] == TOP_RATE_UNKNOWN, "rates: unknown without time", "%g",
	      r[0][2]);

	top_fmt_rate(TOP_RATE_UNKNOWN, buf, sizeof(buf));
	check_str("rate text: unknown", buf, "-");
	top_fmt_rate(0, buf, sizeof(buf));
	check_str("rate text: zero", buf, "0/s");
	top_fmt_rate(0.01, buf, sizeof(buf));
	check_str("rate text: tiny", buf, "<0.1/s");
	top_fmt_rate(2.5, buf, sizeof(buf));
	check_str("rate text: one decimal", buf, "2.5/s");
	top_fmt_rate(9.96, buf, sizeof(buf));
	check_str("rate text: rounds up to whole", buf, "10/s");
	top_fmt_rate(12345, buf, sizeof(buf));
	check_str("rate text: whole", buf, "12345/s");
	top_fmt_rate(2.5e6, buf, sizeof(buf));
	check_str("rate text: thousands", buf, "2500k/s");
	top_fmt_rate(1e12, buf, sizeof(buf));
	check(strlen(buf) <= TOP_LABEL_MAX, "rate text: fits a label", "[%s]", buf);
}

/* ---- the batch frame --------------------------------------------------------- */

static void readings(struct tcpsm_stats *a, struct tcpsm_stats *b)
{
	memset(a, 0, sizeof(*a));
	a->has_netns = true;
	a->netns = 4026531840u;
	for (unsigned int s = 1; s < TCPSM_NUM_STATES; s++)
		a->state[s] = 10 * s + 1;	/* 11, 21, ..., all distinct */
	a->trans[TCPSM_STATE_CLOSED][TCPSM_STATE_SYN_SENT] = 10;
	a->trans[TCPSM_STATE_ESTABLISHED][TCPSM_STATE_CLOSED] = 3;
	a->has_events_dropped = true;
	a->events_dropped = 7;
	*b = *a;
	b->trans[TCPSM_STATE_CLOSED][TCPSM_STATE_SYN_SENT] = 15;	/* 2.5/s */
	b->trans[TCPSM_STATE_ESTABLISHED][TCPSM_STATE_CLOSED] = 4;	/* 0.5/s */
	b->trans[TCPSM_STATE_FIN_WAIT_1][TCPSM_STATE_TIME_WAIT] = 2;	/* 1.0/s */
}

static void frame_of(struct top_frame *f, const struct tcpsm_stats *cur,
		     const struct tcpsm_stats *prev)
{
	memset(f, 0, sizeof(*f));
	f->cur = cur;
	f->prev = prev;
	f->elapsed = 2.0;
	f->interval = 2.0;
	f->title = "2025-01-01 00:00:00   frame 2/2";
	f->has_dropped = cur->has_events_dropped;
	f->dropped = cur->events_dropped;
}

static char *print(const struct top_frame *f, bool ascii)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	top_print(m, f, ascii);
	fclose(m);
	return buf;
}

/* Each state once as NAME<blanks>COUNT, with its count (CLOSED: "-"). */
static void check_gauges(const char *what, const char *text,
			 const struct tcpsm_stats *st)
{
	char re[64], name[96];

	for (unsigned int s = 0; s < TCPSM_NUM_STATES; s++) {
		const char *n = tcpsm_state_name(s);
		int all, exact;

		snprintf(re, sizeof(re), "%s +[-0-9]", n);
		all = count_re(text, re);
		if (s == TCPSM_STATE_CLOSED)
			snprintf(re, sizeof(re), "%s +-( |$)", n);
		else
			snprintf(re, sizeof(re), "%s +%llu( |$)", n,
				 (unsigned long long)st->state[s]);
		exact = count_re(text, re);
		snprintf(name, sizeof(name), "%s: %s once with its gauge", what, n);
		check(all == 1 && exact == 1, name, "%d matches, %d exact", all,
		      exact);
	}
}

static void test_frame(void)
{
	static struct tcpsm_stats a, b;
	struct top_frame f;
	char *text, *first, *ascii;
	bool high = false;

	readings(&a, &b);
	frame_of(&f, &b, &a);
	text = print(&f, false);
	check_gauges("frame", text, &b);
	check(strncmp(text, "tcpsm top  2025-01-01 00:00:00   frame 2/2\n", 43) == 0,
	      "frame: header line first", "[%.50s]", text);
	check(count_re(text, "^netns 4026531840   interval 2s   running   events dropped: 7$") == 1,
	      "frame: status line", "");
	check(count_re(text, "^alarms: none$") == 1, "frame: alarm line", "");
	check(count_str(text, " 2.5/s ") == 1, "frame: CLOSED->SYN_SENT on its arrow",
	      "%d", count_str(text, " 2.5/s "));
	check(count_str(text, "ESTABLISHED->CLOSED: 0.5/s") == 1,
	      "frame: a reset among the other edges", "");
	check(count_str(text, "FIN_WAIT_1->TIME_WAIT: 1.0/s") == 1,
	      "frame: an undrawn edge among the other edges", "");
	check(count_str(text, "CLOSED->SYN_SENT:") == 0,
	      "frame: drawn edges are not listed again", "");
	check(!strchr(text, '\033'), "frame: no escape codes", "");
	check(count_str(text, "▼") + count_str(text, "►") + count_str(text, "◄") ==
	      TOP_DIAG_NEDGES, "frame: one arrowhead per edge", "%d",
	      count_str(text, "▼") + count_str(text, "►") + count_str(text, "◄"));

	ascii = print(&f, true);
	for (const char *p = ascii; *p; p++)
		high |= (unsigned char)*p >= 0x80;
	check(!high, "frame: --ascii is ASCII", "");
	check_gauges("ascii frame", ascii, &b);
	check(count_str(ascii, "+--") > 0 && count_str(ascii, "v") >= 8,
	      "frame: ASCII lines and arrowheads", "");

	/* the first frame: no interval yet */
	frame_of(&f, &a, NULL);
	first = print(&f, false);
	check_gauges("first frame", first, &a);
	check(count_str(first, "/s") == 0, "first frame: no rates yet", "%d",
	      count_str(first, "/s"));
	check(count_str(first, "ESTABLISHED->CLOSED: -") == 1,
	      "first frame: other edges read '-'", "");

	free(text);
	free(ascii);
	free(first);
}

/* Distinct rates on every drawn edge: each label shows, once. */
static void test_labels(void)
{
	static struct tcpsm_stats a, b;
	struct top_frame f;
	char *text, want[32];
	unsigned int from, to;
	int i, bad = 0;

	readings(&a, &b);
	b.trans[TCPSM_STATE_FIN_WAIT_1][TCPSM_STATE_TIME_WAIT] = 0;
	b.trans[TCPSM_STATE_ESTABLISHED][TCPSM_STATE_CLOSED] = 0;
	for (i = 0; i < TOP_DIAG_NEDGES; i++) {
		top_diag_edge(i, &from, &to);
		b.trans[from][to] = a.trans[from][to] + 2 * (unsigned int)(i + 1);
	}
	frame_of(&f, &b, &a);	/* 2 s: edge i at i + 1 per second */
	text = print(&f, false);
	for (i = 0; i < TOP_DIAG_NEDGES; i++) {
		snprintf(want, sizeof(want), " %d%s/s", i + 1, i + 1 < 10 ? ".0" : "");
		if (count_str(text, want) != 1) {
			printf("# edge %d: '%s' %d times\n", i, want + 1,
			       count_str(text, want));
			bad++;
		}
	}
	check(!bad, "labels: every edge's rate shows once", "%d wrong", bad);
	free(text);
}

static void test_big_counts(void)
{
	static struct tcpsm_stats a, b;
	struct top_frame f;
	char *text;

	readings(&a, &b);
	b.state[TCPSM_STATE_TIME_WAIT] = 123456789;
	frame_of(&f, &b, &a);
	f.dropped = 18446744073709551615ULL;
	text = print(&f, false);
	check_gauges("big counts", text, &b);
	check(count_str(text, "events dropped: 18446744073709551615\n") == 1,
	      "big counts: a status line wider than the diagram is whole", "");
	free(text);
}

/* With -t / key t: each box shows its state's median time, not its count. */
static void test_dwell(void)
{
	static const char dwell[TCPSM_NUM_STATES][TOP_DWELL_MAX + 1] = {
		[TCPSM_STATE_CLOSED] = "-", [TCPSM_STATE_LISTEN] = "1.5h",
		[TCPSM_STATE_SYN_SENT] = "100ms", [TCPSM_STATE_SYN_RCVD] = "99ms",
		[TCPSM_STATE_ESTABLISHED] = "3.0s", [TCPSM_STATE_FIN_WAIT_1] = "-",
		[TCPSM_STATE_FIN_WAIT_2] = "1.5s", [TCPSM_STATE_CLOSE_WAIT] = "1.5s",
		[TCPSM_STATE_CLOSING] = "-", [TCPSM_STATE_LAST_ACK] = "850us",
		[TCPSM_STATE_TIME_WAIT] = "60.0s",
	};
	static struct tcpsm_stats a, b;
	struct top_frame f;
	char *text;

	readings(&a, &b);
	frame_of(&f, &b, &a);
	f.dwell = dwell;
	text = print(&f, true);
	check(count_str(text, "ESTABLISHED  3.0s") == 1 &&
	      count_str(text, "SYN_SENT    100ms") == 1 &&
	      count_str(text, "LAST_ACK    850us") == 1 &&
	      count_str(text, "TIME_WAIT   60.0s") == 1 &&
	      count_str(text, "ESTABLISHED    41") == 0,
	      "time in state: the boxes show it, not the counts", "%s", text);
	free(text);
}

static void test_status(void)
{
	static const struct top_alarm al[] = { { "too many CLOSE_WAIT" }, { "b" } };
	static struct tcpsm_stats a, b;
	struct top_frame f;
	struct top_layout lo;
	struct canvas cv;

	readings(&a, &b);
	b.has_netns = false;
	frame_of(&f, &b, &a);
	f.paused = true;
	f.has_dropped = false;
	f.message = "n: no other network namespace";
	f.alarms = al;
	f.nalarms = 2;
	cv_init(&cv, 160, 50);
	top_layout_pick(&f, 160, 50, &lo);
	top_draw(&cv, &f, &lo);
	check_str("status: paused, unknown netns and drops, message", row(&cv, 1, false),
		  "netns ?   interval 2s   PAUSED   events dropped: -   n: no other network namespace");
	check_str("status: alarms", row(&cv, 2, false), "ALARM too many CLOSE_WAIT; ALARM b");
	f.alarms_unknown = true;	/* another namespace's: not known */
	cv_free(&cv);
	cv_init(&cv, 160, 50);
	top_draw(&cv, &f, &lo);
	check_str("status: alarms unknown", row(&cv, 2, false), "alarms: -");
	f.alarms_unknown = false;
	{
		static const struct top_alarm many[] = {
			{ "CLOSE_WAIT_LEAK port 8080 (50 sockets, oldest 31s)" },
			{ "CLOSE_WAIT_LEAK port 8081 (51 sockets, oldest 32s)" },
			{ "CLOSE_WAIT_LEAK port 8082 (52 sockets, oldest 33s)" },
			{ "CLOSE_WAIT_LEAK port 8083 (1000000 sockets, oldest 86400s)" },
		};
		char *text;

		f.alarms = many;
		f.nalarms = 4;
		text = print(&f, true);
		check(count_str(text, "\nALARM CLOSE_WAIT_LEAK port 8080 (50 sockets, oldest 31s); "
				"ALARM CLOSE_WAIT_LEAK port 8081") == 1 &&
		      count_str(text, "port 8083 (1000000 sockets, oldest 86400s)\n") == 1,
		      "batch: a long alarm line is whole", "");
		free(text);
	}
	top_draw_help(&cv);
	check(count_re(row(&cv, 50 / 2 - 8, false), "tcpsm top: keys") == 1,
	      "help: overlay in the middle", "[%s]", row(&cv, 17, false));
	cv_free(&cv);

	cv_init(&cv, 10, 3);	/* smaller than the help: clipped, no crash */
	top_draw_help(&cv);
	cv_free(&cv);
	check(1, "help: on a tiny screen", "");
}

/* ---- layouts ------------------------------------------------------------------ */

static char *screen_text(const struct top_frame *f, int w, int h,
			 struct top_layout *lo)
{
	static char text[65536];
	struct canvas cv;
	size_t len = 0;

	top_layout_pick(f, w, h, lo);
	cv_init(&cv, w, h);
	top_draw(&cv, f, lo);
	text[0] = '\0';
	for (int y = 0; y < h; y++) {
		len += strlen(strcpy(text + len, row(&cv, y, false)));
		text[len++] = '\n';
		text[len] = '\0';
	}
	cv_free(&cv);
	return text;
}

static void test_layout(void)
{
	static struct tcpsm_stats a, b;
	struct top_layout lo;
	struct top_frame f;
	char *text;
	int states;

	readings(&a, &b);
	frame_of(&f, &b, &a);

	text = screen_text(&f, 160, 50, &lo);
	check(lo.mode == TOP_MODE_BOXES && !lo.others_right && !lo.tight,
	      "layout: 160x50 has the boxes", "mode %d", lo.mode);
	check_gauges("160x50", text, &b);

	text = screen_text(&f, 120, 32, &lo);
	check(lo.mode == TOP_MODE_BOXES && lo.others_right,
	      "layout: 120x32 has the boxes, other edges beside", "mode %d right %d",
	      lo.mode, lo.others_right);
	check_gauges("120x32", text, &b);
	check(count_str(text, "ESTABLISHED->CLOSED: 0.5/s") == 1,
	      "120x32: other edges shown", "");

	text = screen_text(&f, 80, 24, &lo);
	check(lo.mode == TOP_MODE_COMPACT && lo.h <= 24,
	      "layout: 80x24 has the compact diagram", "mode %d h %d", lo.mode, lo.h);
	check_gauges("80x24", text, &b);
	check(count_str(text, "FIN_WAIT_1->TIME_WAIT: 1.0/s") == 1,
	      "80x24: other edges shown", "");

	text = screen_text(&f, 40, 12, &lo);
	check(lo.mode == TOP_MODE_LIST, "layout: 40x12 falls back to the list",
	      "mode %d", lo.mode);
	check_gauges("40x12", text, &b);
	check(count_str(text, "states:") == 1 && !strstr(text, "┌") &&
	      !strstr(text, "[ "), "40x12: a list, no diagram", "\n%s", text);

	text = screen_text(&f, 60, 40, &lo);
	states = count_re(text, "^[A-Z_0-9]+ +[-0-9]+$");
	check(lo.mode == TOP_MODE_LIST && states == TCPSM_NUM_STATES,
	      "layout: 60x40 lists one state per line", "mode %d, %d lines",
	      lo.mode, states);
	check(count_str(text, "CLOSED->SYN_SENT: 2.5/s") == 1,
	      "60x40: the list has the edges with rates", "");
	check(strstr(text, "CLOSED->SYN_SENT: 2.5/s") < strstr(text, "CLOSED->LISTEN:"),
	      "60x40: edges taken come first", "");

	text = screen_text(&f, 1, 1, &lo);
	check(lo.mode == TOP_MODE_LIST, "layout: 1x1 does not crash", "");
}

/* ---- SYN-flood pressure ---------------------------------------------------------- */

static void test_pressure(void)
{
	static struct tcpsm_stats a, b;
	static const struct top_alarm al[] = {
		{ "SYN_FLOOD 0.0.0.0:8080 score 87" },
		{ "CLOSE_WAIT_LEAK port 8080 (50 sockets, oldest 31s)" },
	};
	struct top_layout lo;
	struct top_frame f;
	char *plain, *text;

	readings(&a, &b);
	frame_of(&f, &b, &a);
	plain = print(&f, true);
	f.pressure = 0;
	text = print(&f, true);
	check(strcmp(plain, text) == 0, "pressure: 0 changes nothing in --batch", "");
	free(text);

	f.pressure = 87;
	text = print(&f, true);
	check(count_str(text, "pressure") == 1 &&
	      count_re(text, "^\\|  +0/s \\| pressure 87  +\\|  +\\|  +\\|$") == 1,
	      "pressure: beside LISTEN->SYN_RCVD, right of its arrow", "\n%s", text);
	if (strstr(text, "pressure 87"))	/* drawn on blanks: the rest as before */
		memset(strstr(text, "pressure 87"), ' ', strlen("pressure 87"));
	check(strcmp(text, plain) == 0, "pressure: nothing else in the frame moves", "");
	free(text);
	free(plain);

	text = screen_text(&f, 80, 24, &lo);
	check(lo.mode == TOP_MODE_COMPACT && count_str(text, "0/s \u25bc pressure 87") == 1,
	      "pressure: compact diagram", "\n%s", text);
	text = screen_text(&f, 60, 40, &lo);
	check(lo.mode == TOP_MODE_LIST &&
	      count_str(text, "LISTEN->SYN_RCVD: 0/s pressure 87") == 1 &&
	      strstr(text, "LISTEN->SYN_RCVD:") < strstr(text, "CLOSED->LISTEN:"),
	      "pressure: the list, among the edges first", "\n%s", text);

	f.pressure = 4294967295u;	/* not a score, but no overflow */
	text = screen_text(&f, 60, 40, &lo);
	check(count_str(text, "LISTEN->SYN_RCVD: 0/s pressure 4294967295") == 1,
	      "pressure: the widest note fits", "");

	f.pressure = 0;
	f.alarms = al;
	f.nalarms = 2;
	text = print(&f, true);
	check(count_str(text, "\nALARM SYN_FLOOD 0.0.0.0:8080 score 87; "
			"ALARM CLOSE_WAIT_LEAK port 8080") == 1,
	      "pressure: a SYN_FLOOD alarm on the alarm line", "");
	free(text);
}

/* ---- the CLI ------------------------------------------------------------------- */

struct run {
	int status;
	char out[4096];
	char err[4096];
	int err_lines;
};

static void slurp(FILE *f, char *buf, size_t size)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
}

/* Run tool top ARGS... with stdin from /dev/null, stdout and stderr to files. */
static void run_top(const char *tool, const char *const *args, struct run *r)
{
	FILE *out = tmpfile(), *err = tmpfile();
	const char *argv[16] = { tool, "top" };
	int n = 2, st;
	pid_t pid;

	while (*args && n < 15)
		argv[n++] = *args++;
	argv[n] = NULL;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		dup2(null, 0);
		dup2(fileno(out), 1);
		dup2(fileno(err), 2);
		execv(tool, (char **)argv);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	slurp(out, r->out, sizeof(r->out));
	slurp(err, r->err, sizeof(r->err));
	r->err_lines = 0;
	for (char *p = r->err; *p; p++)
		r->err_lines += *p == '\n';
	fclose(out);
	fclose(err);
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void expect_usage(const char *tool, const char *name,
			 const char *const *args, const char *says)
{
	struct run r;

	run_top(tool, args, &r);
	check(r.status == 64 && r.err_lines == 1 && !r.out[0] &&
	      strncmp(r.err, "tcpsm: top: ", 12) == 0 && strstr(r.err, says),
	      name, "status=%d stderr=[%s]", r.status, r.err);
}

static void test_cli(const char *tool)
{
	struct run r;

	run_top(tool, ARGS("--help"), &r);
	check(r.status == 0 && strstr(r.out, "Usage: tcpsm top") &&
	      strstr(r.out, "--batch") && strstr(r.out, "'ESTABLISHED    12'"),
	      "cli: top --help, with the batch format", "status=%d", r.status);
	expect_usage(tool, "cli: top -d 0", ARGS("-d", "0"), "'0'");
	expect_usage(tool, "cli: top -d -1", ARGS("-d", "-1"), "'-1'");
	expect_usage(tool, "cli: top -d junk", ARGS("--batch", "-d", "junk"), "'junk'");
	expect_usage(tool, "cli: top -d 1x", ARGS("-d", "1x"), "'1x'");
	expect_usage(tool, "cli: top -d inf", ARGS("-d", "inf"), "'inf'");
	expect_usage(tool, "cli: top -n 0", ARGS("-b", "-n", "0"), "'0'");
	expect_usage(tool, "cli: top -n junk", ARGS("-b", "-n", "x"), "'x'");
	expect_usage(tool, "cli: top stray argument", ARGS("-b", "x"), "'x'");
	expect_usage(tool, "cli: top unknown option", ARGS("--bogus"), "--bogus");
	expect_usage(tool, "cli: top -d without a value", ARGS("-d"), "-d");
	/* stdout is a file here */
	expect_usage(tool, "cli: top without a terminal says --batch",
		     ARGS("-d", "0.5"), "--batch");

	run_top(tool, ARGS("--batch", "-n", "1"), &r);
	if (r.status == 0) {
		printf("skip cli: top without the module (module is loaded)\n");
		return;
	}
	check(r.status == 2 && r.err_lines == 1 && !r.out[0],
	      "cli: top --batch without the module: exit 2, one line",
	      "status=%d stderr=[%s]", r.status, r.err);
}

int main(int argc, char **argv)
{
	test_canvas();
	test_rates();
	test_frame();
	test_labels();
	test_big_counts();
	test_dwell();
	test_status();
	test_layout();
	test_pressure();
	if (argc > 1)
		test_cli(argv[1]);

	return check_summary();
}
