// SPDX-License-Identifier: GPL-2.0
/*
 * tcpsm: the top subcommand: the TCP state machine of a namespace, live.
 *
 * Full screen (curses, topscreen.c) on a terminal, or --batch: frames
 * of plain text on stdout, like top -b. Both draw the same frame
 * (topframe.c) from two readings (topsrc.c) an interval apart.
 *
 * The terminal is given back on every way out: q, -n, SIGINT, SIGTERM
 * (exit 0), and a netlink failure (exit 1, its one line printed after).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "canvas.h"
#include "cli.h"
#include "topframe.h"
#include "topscreen.h"
#include "topsrc.h"

#define MAX_DELAY	86400.0		/* seconds */
#define KEY_WAIT_MS	250		/* signals are seen at least this often */
#define MESSAGE_S	5.0		/* how long a status message stays */

struct top_opts {
	double delay;			/* seconds between refreshes */
	long count;			/* refreshes, 0: until stopped */
	bool batch;
	bool ascii;
	bool dwell;			/* -t: start with the times in state */
};

static volatile sig_atomic_t stop;
/* the boxes show each state's median time in it (key t), not its count */
static bool show_dwell;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* SIGINT and SIGTERM end top cleanly (exit 0); set before curses starts. */
static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: sleeps end at once */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sleep until monotonic time t, or until a signal stops us. */
static void sleep_until(double t)
{
	struct timespec ts;

	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	while (!stop && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
					NULL) == EINTR)
		;
}

static void wall_clock(const char *fmt, char *buf, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;

	if (!localtime_r(&t, &tm) || !strftime(buf, size, fmt, &tm))
		snprintf(buf, size, "?");
}

/* The alarm line: the active alarms at the latest reading. */
#define ALARMS_MAX	16		/* shown; the last says how many more */
#define ALARM_TEXT	96

struct alarm_view {
	bool unknown;			/* another namespace's, or unreadable */
	size_t n;
	char text[ALARMS_MAX][ALARM_TEXT];
};

/* The readings of one namespace: the latest and the one before. */
struct readings {
	struct tcpsm_stats cur, prev;
	double t_cur, t_prev;
	bool has_prev;
	struct alarm_view alarms;
	uint32_t pressure;		/* highest listener score, 0: none */
	bool has_dwell;			/* dwell read (while show_dwell) */
	char dwell[TCPSM_NUM_STATES][TOP_DWELL_MAX + 1];
};

static int cmp_alarm(const void *a, const void *b)
{
	const struct tcpsm_alarm *x = a, *y = b;

	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return x->kind < y->kind ? -1 : x->kind > y->kind;
}

/*
 * The alarm line of the latest reading, from a GET_ALARMS dump, and the
 * listeners' pressure. Their failure is no reason to stop: the line shows
 * '-', the pressure nothing (the next reading fails too if the module
 * went away).
 */
static void read_alarms(struct top_src *src, struct readings *rd)
{
	struct alarm_view *av = &rd->alarms;
	struct tcpsm_alarm_set set;
	size_t i, shown;

	rd->pressure = top_src_pressure(src);
	/* times in state: as the alarms, '-' when they cannot be read */
	rd->has_dwell = show_dwell && top_src_dwell(src, rd->dwell) == 0;

	memset(av, 0, sizeof(*av));
	if (top_src_alarms(src, &set) < 0) {
		av->unknown = true;
		tcpsm_alarm_set_free(&set);
		return;
	}
	if (set.n)
		qsort(set.v, set.n, sizeof(*set.v), cmp_alarm);
	shown = set.n > ALARMS_MAX ? ALARMS_MAX - 1 : set.n;
	for (i = 0; i < shown; i++)
		tcpsm_alarm_short(&set.v[i], av->text[i], ALARM_TEXT);
	av->n = shown;
	if (shown < set.n)
		snprintf(av->text[av->n++], ALARM_TEXT, "(+%zu more: tcpsm alerts)",
			 set.n - shown);
	tcpsm_alarm_set_free(&set);
}

static void readings_push(struct readings *rd, const struct tcpsm_stats *st)
{
	rd->prev = rd->cur;
	rd->t_prev = rd->t_cur;
	rd->has_prev = true;
	rd->cur = *st;
	rd->t_cur = now_mono();
}

/* A new namespace: no interval yet. */
static void readings_reset(struct readings *rd, const struct tcpsm_stats *st)
{
	rd->cur = *st;
	rd->t_cur = now_mono();
	rd->has_prev = false;
}

static void frame_init(struct top_frame *f, const struct readings *rd,
		       const struct top_opts *o, struct top_alarm al[ALARMS_MAX])
{
	memset(f, 0, sizeof(*f));
	f->cur = &rd->cur;
	f->prev = rd->has_prev ? &rd->prev : NULL;
	f->elapsed = rd->t_cur - rd->t_prev;
	f->interval = o->delay;
	/* events dropped: from the GET_STATS reply (stats.c) */
	f->has_dropped = rd->cur.has_events_dropped;
	f->dropped = rd->cur.events_dropped;
	for (size_t i = 0; i < rd->alarms.n; i++)
		al[i].text = rd->alarms.text[i];
	f->alarms = al;
	f->nalarms = rd->alarms.n;
	f->alarms_unknown = rd->alarms.unknown;
	f->pressure = rd->pressure;
	if (show_dwell) {
		static const char none[TCPSM_NUM_STATES][TOP_DWELL_MAX + 1] = {
			[0 ... TCPSM_NUM_STATES - 1] = "-",
		};

		f->dwell = rd->has_dwell ? rd->dwell : none;
	}
}

/* ---- --batch --------------------------------------------------------------- */

static int run_batch(struct top_src *src, const struct top_opts *o)
{
	struct top_alarm al[ALARMS_MAX];
	struct tcpsm_stats st;
	struct readings rd;
	struct top_frame f;
	char title[96], clock[48];
	double start = now_mono();
	long i;
	int r;

	memset(&rd, 0, sizeof(rd));
	for (i = 0; !o->count || i < o->count; i++) {
		if (i) {
			sleep_until(start + (double)i * o->delay);
			if (stop)
				break;
		}
		r = top_src_read(src, &st);
		if (r < 0) {
			top_src_perror(src, r);
			return TCPSM_EXIT_ERROR;
		}
		if (i)
			readings_push(&rd, &st);
		else
			readings_reset(&rd, &st);
		read_alarms(src, &rd);

		frame_init(&f, &rd, o, al);
		wall_clock("%Y-%m-%d %H:%M:%S", clock, sizeof(clock));
		if (o->count)
			snprintf(title, sizeof(title), "%s   frame %ld/%ld",
				 clock, i + 1, o->count);
		else
			snprintf(title, sizeof(title), "%s   frame %ld",
				 clock, i + 1);
		f.title = title;
		if (i)
			putchar('\n');
		if (top_print(stdout, &f, o->ascii) < 0) {
			tcpsm_err("top: %s", strerror(ENOMEM));
			return TCPSM_EXIT_ERROR;
		}
		r = tcpsm_finish_stdout(TCPSM_EXIT_OK);
		if (r)
			return r;
	}
	return TCPSM_EXIT_OK;
}

/* ---- full screen ------------------------------------------------------------ */

struct screen_state {
	struct top_src *src;
	const struct top_opts *o;
	struct readings rd;
	struct readings frozen;		/* what a paused screen shows */
	bool paused, help;
	char message[192];
	double message_until;
};

static void set_message(struct screen_state *s, const char *msg)
{
	snprintf(s->message, sizeof(s->message), "%s", msg);
	s->message_until = now_mono() + MESSAGE_S;
}

/* Draw the frame for the screen as it is now. Returns 0 or -ENOMEM. */
static int render(struct screen_state *s)
{
	struct top_alarm al[ALARMS_MAX];
	struct top_layout lo;
	struct top_frame f;
	struct canvas cv;
	char title[96], clock[16];
	int w, h;

	top_screen_size(&w, &h);
	if (cv_init(&cv, w, h) < 0)
		return -ENOMEM;
	frame_init(&f, s->paused ? &s->frozen : &s->rd, s->o, al);
	wall_clock("%H:%M:%S", clock, sizeof(clock));
	snprintf(title, sizeof(title), "%s   ? help   q quit", clock);
	f.title = title;
	f.paused = s->paused;
	f.message = s->message[0] ? s->message : NULL;
	top_layout_pick(&f, w, h, &lo);
	top_draw(&cv, &f, &lo);
	if (s->help)
		top_draw_help(&cv);
	top_screen_show(&cv);
	cv_free(&cv);
	return 0;
}

/*
 * Read the namespace shown. Returns 0, 1 when it was gone and our own is
 * shown again, or the negative errno of a failure.
 */
static int refresh(struct screen_state *s)
{
	struct tcpsm_stats st;
	uint32_t was = s->src->netns;
	char msg[96];
	int r;

	r = top_src_read(s->src, &st);
	if (r == TOP_SRC_OWN_AGAIN) {
		snprintf(msg, sizeof(msg),
			 "netns %" PRIu32 " is gone or unreadable: back to our own",
			 was);
		set_message(s, msg);
		readings_reset(&s->rd, &st);
		read_alarms(s->src, &s->rd);
		s->frozen = s->rd;
		return 1;
	}
	if (r < 0)
		return r;
	readings_push(&s->rd, &st);
	read_alarms(s->src, &s->rd);
	return 0;
}

static void next_netns(struct screen_state *s)
{
	struct tcpsm_stats st;
	char msg[192];

	if (top_src_next(s->src, s->rd.cur.netns, &st, msg, sizeof(msg)) == 0) {
		readings_reset(&s->rd, &st);
		read_alarms(s->src, &s->rd);
		s->frozen = s->rd;
	}
	set_message(s, msg);
}

static int run_screen(struct top_src *src, const struct top_opts *o)
{
	struct screen_state s;
	struct tcpsm_stats st;
	double next, now;
	long refreshes = 1;
	bool dirty = true;
	int r, key, wait_ms;

	memset(&s, 0, sizeof(s));
	s.src = src;
	s.o = o;
	/* the first reading before curses: errors print as usual */
	r = top_src_read(src, &st);
	if (r < 0) {
		top_src_perror(src, r);
		return TCPSM_EXIT_ERROR;
	}
	readings_reset(&s.rd, &st);
	read_alarms(src, &s.rd);
	next = now_mono() + o->delay;

	if (top_screen_open(o->ascii) < 0)
		return TCPSM_EXIT_ERROR;
	while (!stop) {
		now = now_mono();
		if (now >= next) {	/* paused too: rates stay current */
			r = refresh(&s);
			if (r < 0)
				goto fail;
			next += o->delay;
			if (next < now)		/* fell behind: no catching up */
				next = now + o->delay;
			if (!s.paused)
				refreshes++;
			dirty |= !s.paused || r > 0;
		}
		if (s.message[0] && now >= s.message_until) {
			s.message[0] = '\0';
			dirty = true;
		}
		if (dirty) {
			if (render(&s) < 0) {
				r = -ENOMEM;
				goto fail;
			}
			dirty = false;
		}
		if (o->count && refreshes >= o->count)
			break;

		now = now_mono();
		wait_ms = KEY_WAIT_MS;
		if (next - now < KEY_WAIT_MS / 1e3)
			wait_ms = next > now ? (int)((next - now) * 1e3) + 1 : 0;
		key = top_screen_key(wait_ms);
		if (key == TOP_KEY_NONE)
			continue;
		dirty = true;
		if (s.help && key != 'q' && key != 'Q' && key != TOP_KEY_RESIZE) {
			s.help = false;		/* any key closes the help */
			continue;
		}
		switch (key) {
		case 'q':
		case 'Q':
			stop = 1;
			break;
		case 'p':
		case 'P':
		case ' ':
			s.paused = !s.paused;
			s.frozen = s.rd;
			break;
		case 'n':
		case 'N':
			next_netns(&s);
			next = now_mono() + o->delay;
			break;
		case 't':
		case 'T':
			show_dwell = !show_dwell;
			read_alarms(src, &s.rd);
			memcpy(s.frozen.dwell, s.rd.dwell, sizeof(s.rd.dwell));
			s.frozen.has_dwell = s.rd.has_dwell;
			set_message(&s, show_dwell ?
				    "boxes: the median time in each state (t: counts)" :
				    "boxes: sockets in each state (t: median time in state)");
			break;
		case '?':
		case 'h':
			s.help = true;
			break;
		default:	/* TOP_KEY_RESIZE and the rest: redraw */
			break;
		}
	}
	top_screen_close();
	return TCPSM_EXIT_OK;
fail:
	top_screen_close();
	if (r == -ENOMEM)
		tcpsm_err("top: %s", strerror(ENOMEM));
	else
		top_src_perror(src, r);
	return TCPSM_EXIT_ERROR;
}

/* ---- the subcommand ---------------------------------------------------------- */

void cmd_top_help(FILE *f)
{
	fputs("Usage: tcpsm top [-d SECS] [-n N] [-b] [--ascii]\n"
	      "\n"
	      "Show the TCP state machine of this network namespace, live: each\n"
	      "state a box with its socket count, each edge labelled with the\n"
	      "transitions per second since the previous refresh (bright when\n"
	      "non-zero), the edges the diagram does not draw (resets, aborts)\n"
	      "below it. On a small terminal: a list of states, then of edges.\n"
	      "\n"
	      "Options:\n"
	      "  -d, --delay SECS      seconds between refreshes (default 1, e.g. 0.5)\n"
	      "  -n, --iterations N    stop after N refreshes\n"
	      "  -b, --batch           frames of plain text on stdout (like top -b);\n"
	      "                        needed when stdout is not a terminal\n"
	      "      --ascii           draw the lines in ASCII (default: UTF-8 box\n"
	      "                        drawing when the locale is UTF-8)\n"
	      "  -t, --time-in-state   each box shows the median time sockets spent\n"
	      "                        in its state before leaving it (tcpsm latency),\n"
	      "                        not its count\n"
	      "  -h, --help            show this help\n"
	      "\n"
	      "Keys: q quit, p pause/resume, n next network namespace (needs\n"
	      "CAP_NET_ADMIN), t counts or median times in state, ? help.\n"
	      "\n"
	      "Batch frames are separated by a blank line. Each starts with a line\n"
	      "'tcpsm top  DATE TIME   frame I/N', then 'netns INODE   interval\n"
	      "SECSs   running   events dropped: N', then 'alarms: none' or the\n"
	      "active alarms, e.g. 'ALARM CLOSE_WAIT_LEAK port 8080 (50 sockets,\n"
	      "oldest 31s)' or 'ALARM SYN_FLOOD 0.0.0.0:8080 score 87', '; '\n"
	      "between them ('alarms: -' for another namespace: its alarms are not\n"
	      "known). In a frame each state shows once as its name, blanks and its\n"
	      "count, e.g.\n"
	      "'ESTABLISHED    12' ('CLOSED          -'); rates read 'R/s', '-' in\n"
	      "the first frame; other edges read 'FROM->TO: R/s'. 'pressure N' beside\n"
	      "LISTEN->SYN_RCVD: the highest SYN-flood score of this namespace's\n"
	      "listeners (tcpsm listeners), when above 0.\n", f);
}

static int parse_delay(const char *s, double *out)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(d) || d <= 0 ||
	    d > MAX_DELAY)
		return tcpsm_usage_err("top: invalid delay '%s' (seconds, more than 0 and at most %g; see 'tcpsm top --help')",
				       s, MAX_DELAY);
	*out = d;
	return 0;
}

static int parse_count(const char *s, long *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || end == s || *end || n < 1)
		return tcpsm_usage_err("top: invalid number of iterations '%s' (a whole number from 1; see 'tcpsm top --help')",
				       s);
	*out = n;
	return 0;
}

enum { OPT_ASCII = 256 };

/* One option of top but -h. */
static int top_opt(void *ctx, int c, char *arg)
{
	struct top_opts *o = ctx;

	switch (c) {
	case 'd':
		return parse_delay(arg, &o->delay);
	case 'n':
		return parse_count(arg, &o->count);
	case 'b':
		o->batch = true;
		return 0;
	case OPT_ASCII:
		o->ascii = true;
		return 0;
	case 't':
		o->dwell = true;
		return 0;
	}
	return -1;
}

int cmd_top(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "delay",	required_argument,	NULL, 'd' },
		{ "iterations",	required_argument,	NULL, 'n' },
		{ "batch",	no_argument,		NULL, 'b' },
		{ "ascii",	no_argument,		NULL, OPT_ASCII },
		{ "time-in-state", no_argument,	NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct top_opts o = { .delay = 1.0 };
	const struct tcpsm_cmd_spec spec = {
		.name = "top", .help = cmd_top_help,
		.shorts = "d:n:bt", .longs = opts, .opt = top_opt, .ctx = &o,
	};
	struct top_src src;
	int rc;

	rc = tcpsm_cmd_getopt(&spec, argc, argv, NULL);
	if (rc >= 0)
		return rc;
	if (!o.batch && !isatty(STDOUT_FILENO))
		return tcpsm_usage_err("top: standard output is not a terminal; use 'tcpsm top --batch'");
	if (!o.batch && !isatty(STDIN_FILENO))
		return tcpsm_usage_err("top: standard input is not a terminal; use 'tcpsm top --batch'");

	/* UTF-8 box drawing when the locale speaks UTF-8 (numbers stay "C") */
	setlocale(LC_CTYPE, "");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		o.ascii = true;

	rc = top_src_open(&src);
	if (rc)
		return rc;
	show_dwell = o.dwell;
	catch_signals();
	rc = o.batch ? run_batch(&src, &o) : run_screen(&src, &o);
	top_src_close(&src);
	return rc;
}
