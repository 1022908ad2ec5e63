// SPDX-License-Identifier: GPL-2.0
/* tcpsm: one frame of `tcpsm top`, composed on a canvas (see topframe.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "states.h"
#include "topdiag.h"
#include "topframe.h"

#define NS		TCPSM_NUM_STATES
#define HEAD_ROWS	3	/* header, status, alarms */
#define ENTRY_MAX	48	/* "ESTABLISHED->CLOSE_WAIT: 12345k/s" */
#define COL_GAP		3	/* blanks between columns of entries */
#define BATCH_W		160	/* --batch: the widest a header line gets */
/*
 * Room kept for a rate ("9999/s") when entries are laid out, so that the
 * layout does not jump when a rate changes; a longer one (rare) eats
 * into the blanks between columns.
 */
#define RATE_W		6

static const char others_heading[] = "other edges:";

/* ---- rates ---------------------------------------------------------------- */

void top_rates(const struct tcpsm_stats *prev, const struct tcpsm_stats *cur,
	       double elapsed, double rate[NS][NS])
{
	unsigned int from, to;

	for (from = 0; from < NS; from++)
		for (to = 0; to < NS; to++) {
			uint64_t a, b;

			if (!prev || elapsed <= 0) {
				rate[from][to] = TOP_RATE_UNKNOWN;
				continue;
			}
			a = prev->trans[from][to];
			b = cur->trans[from][to];
			rate[from][to] = b > a ? (double)(b - a) / elapsed : 0;
		}
}

void top_fmt_rate(double r, char *buf, size_t size)
{
	if (r < 0)
		snprintf(buf, size, "-");
	else if (r == 0)
		snprintf(buf, size, "0/s");
	else if (r < 0.05)
		snprintf(buf, size, "<0.1/s");
	else if (r < 9.95)
		snprintf(buf, size, "%.1f/s", r);
	else if (r < 99999.5)
		snprintf(buf, size, "%.0f/s", r);
	else if (r < 99999.5e3)
		snprintf(buf, size, "%.0fk/s", r / 1e3);
	else if (r < 99999.5e6)
		snprintf(buf, size, "%.0fM/s", r / 1e6);
	else
		snprintf(buf, size, ">9999M/s");
}

/* ---- what the frame shows --------------------------------------------------- */

size_t top_other_edges(const struct tcpsm_stats *cur,
		       const struct tcpsm_stats *prev, unsigned int *out)
{
	unsigned int from, to;
	size_t n = 0;

	/* the resets and aborts, always: they are what operators look for */
	for (from = TCPSM_STATE_CLOSED + 1; from < NS; from++)
		if (top_diag_edge_index(from, TCPSM_STATE_CLOSED) < 0)
			out[n++] = from * NS + TCPSM_STATE_CLOSED;
	for (from = 0; from < NS; from++)
		for (to = 0; to < NS; to++) {
			if (to == TCPSM_STATE_CLOSED && from != TCPSM_STATE_CLOSED)
				continue;	/* listed above, or drawn */
			if (top_diag_edge_index(from, to) >= 0)
				continue;
			if (cur->trans[from][to] || (prev && prev->trans[from][to]))
				out[n++] = from * NS + to;
		}
	return n;
}

/* One entry of a list: its text and how it is shown. */
struct entry {
	char text[ENTRY_MAX];
	int w;				/* columns it is laid out in */
	enum cv_attr attr;
};

/* The frame, ready to draw. */
struct view {
	double rate[NS][NS];
	struct top_diag_in diag;
	uint64_t gauge[NS];
	struct entry other[NS * NS];
	size_t nother;
	int other_w;			/* widest other edge, or the heading */
	struct entry state[NS];		/* list view */
	int state_w;
	struct entry edge[TOP_DIAG_NEDGES + NS * NS];	/* list view */
	size_t nedge;
	int edge_w;
};

static void edge_entry(struct entry *e, const struct view *v,
		       unsigned int from, unsigned int to)
{
	char r[TOP_LABEL_MAX + 1];
	int i = top_diag_edge_index(from, to);
	const char *note = i >= 0 ? v->diag.note[i] : "";
	size_t len;

	top_fmt_rate(v->rate[from][to], r, sizeof(r));
	e->w = snprintf(e->text, sizeof(e->text), "%s->%s: ",
			tcpsm_state_name(from), tcpsm_state_name(to)) + RATE_W;
	len = strlen(e->text);
	snprintf(e->text + len, sizeof(e->text) - len, "%s%s%s", r,
		 note[0] ? " " : "", note);
	if (note[0])
		e->w += 1 + (int)strlen(note);
	e->attr = v->rate[from][to] > 0 || note[0] ? CV_HOT : CV_PLAIN;
}

static int widest(const struct entry *e, size_t n, int w)
{
	for (size_t i = 0; i < n; i++)
		if (e[i].w > w)
			w = e[i].w;
	return w;
}

/*
 * The edges of the list view: the diagram's, then the others; those
 * taken in the last interval first, since a small screen shows few.
 */
static void list_edges(struct view *v)
{
	struct entry all[TOP_DIAG_NEDGES + NS * NS];
	unsigned int from, to;
	size_t n = 0, i;
	int hot;

	for (i = 0; i < TOP_DIAG_NEDGES; i++) {
		top_diag_edge((int)i, &from, &to);
		edge_entry(&all[n++], v, from, to);
	}
	memcpy(&all[n], v->other, v->nother * sizeof(v->other[0]));
	n += v->nother;
	v->nedge = 0;
	for (hot = 1; hot >= 0; hot--)
		for (i = 0; i < n; i++)
			if ((all[i].attr == CV_HOT) == hot)
				v->edge[v->nedge++] = all[i];
	v->edge_w = widest(v->edge, v->nedge, 0);
}

static struct view *view_new(const struct top_frame *f)
{
	unsigned int other[NS * NS], from, to, s;
	struct view *v = calloc(1, sizeof(*v));
	int cw = 1, i;

	if (!v)
		return NULL;
	top_rates(f->prev, f->cur, f->elapsed, v->rate);

	memcpy(v->gauge, f->cur->state, sizeof(v->gauge));
	v->diag.gauge = v->gauge;
	v->diag.text = f->dwell;
	v->diag.count_w = f->dwell ? top_diag_text_width(f->dwell) :
				     top_diag_count_width(v->gauge);
	for (i = 0; i < TOP_DIAG_NEDGES; i++) {
		top_diag_edge(i, &from, &to);
		top_fmt_rate(v->rate[from][to], v->diag.label[i],
			     sizeof(v->diag.label[i]));
		v->diag.hot[i] = v->rate[from][to] > 0;
	}
	if (f->pressure > 0)
		snprintf(v->diag.note[top_diag_edge_index(TCPSM_STATE_LISTEN,
							  TCPSM_STATE_SYN_RCVD)],
			 TOP_NOTE_MAX + 1, "pressure %" PRIu32, f->pressure);

	v->nother = top_other_edges(f->cur, f->prev, other);
	for (size_t k = 0; k < v->nother; k++)
		edge_entry(&v->other[k], v, other[k] / NS, other[k] % NS);
	v->other_w = widest(v->other, v->nother, (int)strlen(others_heading));

	/* the list view: every state, then every edge shown anywhere */
	for (s = 0; s < NS; s++) {
		char buf[24];
		int n = f->dwell ? (int)strlen(f->dwell[s]) :
			snprintf(buf, sizeof(buf), "%" PRIu64, v->gauge[s]);

		if (s != TCPSM_STATE_CLOSED && n > cw)
			cw = n;
	}
	for (s = 0; s < NS; s++) {
		char count[24];

		if (s == TCPSM_STATE_CLOSED)
			snprintf(count, sizeof(count), "-");
		else if (f->dwell)
			snprintf(count, sizeof(count), "%s", f->dwell[s]);
		else
			snprintf(count, sizeof(count), "%" PRIu64, v->gauge[s]);
		v->state[s].w = snprintf(v->state[s].text,
					 sizeof(v->state[s].text), "%-11s %*s",
					 tcpsm_state_name(s), cw, count);
		v->state[s].attr = CV_BOLD;
	}
	v->state_w = widest(v->state, NS, 0);
	list_edges(v);
	return v;
}

/* ---- layout ----------------------------------------------------------------- */

static int div_up(int a, int b)
{
	return (a + b - 1) / b;
}

/* Columns of cells wide entries that fit in width (at least one). */
static int fit_cols(int width, int cell)
{
	int c = (width + COL_GAP) / (cell + COL_GAP);

	return c > 0 ? c : 1;
}

/* Size of the diagram layouts (not the list) for a screen width. */
static void layout_size(const struct view *v, struct top_layout *lo)
{
	enum top_diag_style style = lo->mode == TOP_MODE_BOXES ?
				    TOP_DIAG_BOXES : TOP_DIAG_COMPACT;
	int blank = lo->tight ? 0 : 1;
	int dw, dh, rows;

	top_diag_size(style, v->diag.count_w, &dw, &dh);
	if (lo->others_right) {
		lo->w = dw + COL_GAP + v->other_w;
		rows = 1 + (int)v->nother;
		lo->h = HEAD_ROWS + blank + (dh > rows ? dh : rows);
	} else {
		int width = lo->width > dw ? lo->width : dw;
		int cols = fit_cols(width, v->other_w);

		lo->w = dw;
		lo->h = HEAD_ROWS + blank + dh + blank + 1 +
			div_up((int)v->nother, cols);
	}
}

static void pick(const struct view *v, int w, int h, struct top_layout *lo)
{
	static const struct { enum top_mode mode; bool right, tight; } try[] = {
		{ TOP_MODE_BOXES, false, false },
		{ TOP_MODE_BOXES, true, false },
		{ TOP_MODE_BOXES, false, true },
		{ TOP_MODE_BOXES, true, true },
		{ TOP_MODE_COMPACT, false, false },
		{ TOP_MODE_COMPACT, true, false },
		{ TOP_MODE_COMPACT, false, true },
		{ TOP_MODE_COMPACT, true, true },
	};

	for (size_t i = 0; i < sizeof(try) / sizeof(try[0]); i++) {
		lo->mode = try[i].mode;
		lo->others_right = try[i].right;
		lo->tight = try[i].tight;
		lo->width = w;
		layout_size(v, lo);
		if (lo->w <= w && lo->h <= h)
			return;
	}
	lo->mode = TOP_MODE_LIST;
	lo->others_right = false;
	lo->width = w;
	lo->w = w;
	lo->h = h;
	/* one state per line if that fits with the headings, else columns */
	lo->tight = h < HEAD_ROWS + 1 + 1 + NS + 1 + 1;
}

void top_layout_pick(const struct top_frame *f, int w, int h,
		     struct top_layout *lo)
{
	struct view *v = view_new(f);

	memset(lo, 0, sizeof(*lo));
	if (!v) {	/* the list needs no view to be laid out */
		lo->mode = TOP_MODE_LIST;
		lo->width = lo->w = w;
		lo->h = h;
		return;
	}
	pick(v, w, h, lo);
	free(v);
}

/* --batch: the boxes, at the frame's own size */
static void layout_batch(const struct view *v, struct top_layout *lo)
{
	memset(lo, 0, sizeof(*lo));
	lo->mode = TOP_MODE_BOXES;
	lo->width = 0;	/* the diagram's own */
	layout_size(v, lo);
	lo->width = lo->w;
}

/* ---- drawing ------------------------------------------------------------------ */

/*
 * Entries in columns of cell wide entries, column by column, from x, y:
 * as few columns as fit in rows rows (at least as many as needed, at most
 * as many as fit in width). Returns the rows used.
 */
static int draw_entries(struct canvas *cv, int x, int y, int width, int rows,
			const struct entry *e, size_t n, int cell)
{
	int cols, max_cols = fit_cols(width, cell), per_col;

	if (!n)
		return 0;
	cols = rows > 0 ? div_up((int)n, rows) : max_cols;
	if (cols < 1)
		cols = 1;
	if (cols > max_cols)
		cols = max_cols;
	per_col = div_up((int)n, cols);
	for (size_t i = 0; i < n; i++)
		cv_text(cv, x + (int)(i / (size_t)per_col) * (cell + COL_GAP),
			y + (int)(i % (size_t)per_col), e[i].text, e[i].attr);
	return per_col;
}

static void fmt_interval(double s, char *buf, size_t size)
{
	snprintf(buf, size, "%gs", s);
}

/* How wide the alarm line is: --batch prints it whole. */
static int alarm_line_w(const struct top_frame *f)
{
	size_t w = strlen("alarms: none");

	for (size_t i = 0; i < f->nalarms; i++)
		w += strlen("; ALARM ") + strlen(f->alarms[i].text);
	return w > 4096 ? 4096 : (int)w;
}

/* "alarms: none", "alarms: -", or "ALARM <text>; ALARM <text>" */
static void draw_alarms(struct canvas *cv, const struct top_frame *f)
{
	int x = 0;

	if (f->alarms_unknown || !f->nalarms) {
		x = cv_text(cv, 0, 2, "alarms: ", CV_PLAIN);
		cv_text(cv, x, 2, f->alarms_unknown ? "-" : "none", CV_PLAIN);
		return;
	}
	for (size_t i = 0; i < f->nalarms; i++) {
		if (i)
			x += cv_text(cv, x, 2, "; ", CV_PLAIN);
		x += cv_text(cv, x, 2, "ALARM ", CV_ALERT);
		x += cv_text(cv, x, 2, f->alarms[i].text, CV_ALERT);
	}
}

static void draw_head(struct canvas *cv, const struct top_frame *f)
{
	char buf[160], iv[32];
	int x;

	x = cv_text(cv, 0, 0, "tcpsm top", CV_BOLD);
	if (f->title)
		cv_text(cv, x + 2, 0, f->title, CV_PLAIN);

	if (f->cur->has_netns)
		x = snprintf(buf, sizeof(buf), "netns %" PRIu32, f->cur->netns);
	else
		x = snprintf(buf, sizeof(buf), "netns ?");
	fmt_interval(f->interval, iv, sizeof(iv));
	snprintf(buf + x, sizeof(buf) - (size_t)x, "   interval %s   ", iv);
	x = cv_text(cv, 0, 1, buf, CV_PLAIN);
	x += cv_text(cv, x, 1, f->paused ? "PAUSED" : "running",
		     f->paused ? CV_ALERT : CV_PLAIN);
	if (f->has_dropped)
		snprintf(buf, sizeof(buf), "   events dropped: %" PRIu64, f->dropped);
	else
		snprintf(buf, sizeof(buf), "   events dropped: -");
	x += cv_text(cv, x, 1, buf, f->has_dropped && f->dropped ? CV_ALERT : CV_PLAIN);
	if (f->message && f->message[0]) {
		x += cv_text(cv, x, 1, "   ", CV_PLAIN);
		cv_text(cv, x, 1, f->message, CV_ALERT);
	}

	draw_alarms(cv, f);
}

static void draw_diagram(struct canvas *cv, const struct view *v,
			 const struct top_layout *lo)
{
	enum top_diag_style style = lo->mode == TOP_MODE_BOXES ?
				    TOP_DIAG_BOXES : TOP_DIAG_COMPACT;
	int blank = lo->tight ? 0 : 1;
	int y = HEAD_ROWS + blank, dw, dh, x;

	top_diag_size(style, v->diag.count_w, &dw, &dh);
	top_diag_draw(cv, 0, y, style, &v->diag);
	if (lo->others_right) {
		x = dw + COL_GAP;
		cv_text(cv, x, y, others_heading, CV_BOLD);
		draw_entries(cv, x, y + 1, v->other_w, (int)v->nother,
			     v->other, v->nother, v->other_w);
		return;
	}
	y += dh + blank;
	cv_text(cv, 0, y, others_heading, CV_BOLD);
	draw_entries(cv, 0, y + 1, lo->width > dw ? lo->width : dw, 0,
		     v->other, v->nother, v->other_w);
}

static void draw_list(struct canvas *cv, const struct view *v,
		      const struct top_layout *lo)
{
	int y = HEAD_ROWS + (lo->tight ? 0 : 1);
	int rows;

	cv_text(cv, 0, y++, "states:", CV_BOLD);
	rows = lo->tight ? lo->h - y : NS;
	y += draw_entries(cv, 0, y, lo->width, rows, v->state, NS, v->state_w);
	if (!lo->tight)
		y++;
	cv_text(cv, 0, y++, "edges:", CV_BOLD);
	draw_entries(cv, 0, y, lo->width, lo->h - y, v->edge, v->nedge,
		     v->edge_w);
}

static void draw(struct canvas *cv, const struct view *v,
		 const struct top_frame *f, const struct top_layout *lo)
{
	draw_head(cv, f);
	if (lo->mode == TOP_MODE_LIST)
		draw_list(cv, v, lo);
	else
		draw_diagram(cv, v, lo);
}

void top_draw(struct canvas *cv, const struct top_frame *f,
	      const struct top_layout *lo)
{
	struct view *v = view_new(f);

	if (!v)
		return;
	draw(cv, v, f, lo);
	free(v);
}

static const char *const help_lines[] = {
	"tcpsm top: keys",
	"",
	"  q   quit",
	"  p   pause / resume",
	"  n   next network namespace (needs CAP_NET_ADMIN)",
	"  t   boxes: counts, or the median time in each state",
	"  ?   this help; any key closes it",
	"",
	"Boxes: sockets in each state now (CLOSED: none, '-'),",
	"or with t the median time sockets spent in it before",
	"leaving it since the module was loaded ('-': none left).",
	"Arrows: transitions per second over the last interval,",
	"bright when taken; '-' until the second reading.",
	"other edges: those the diagram does not draw,",
	"the resets and aborts X->CLOSED first.",
};

void top_draw_help(struct canvas *cv)
{
	int n = (int)(sizeof(help_lines) / sizeof(help_lines[0]));
	int w = 0, h = n + 4, x, y, i;

	for (i = 0; i < n; i++)
		if ((int)strlen(help_lines[i]) > w)
			w = (int)strlen(help_lines[i]);
	w += 6;
	x = cv->w > w ? (cv->w - w) / 2 : 0;
	y = cv->h > h ? (cv->h - h) / 2 : 0;
	cv_blank(cv, x, y, w, h);
	cv_rect(cv, x, y, w, h, CV_BOLD);
	for (i = 0; i < n; i++)
		cv_text(cv, x + 3, y + 2 + i, help_lines[i],
			i == 0 ? CV_BOLD : CV_PLAIN);
}

int top_print(FILE *out, const struct top_frame *f, bool ascii)
{
	struct top_layout lo;
	struct canvas cv;
	struct view *v;
	char *row;
	size_t size;
	int y, w;

	v = view_new(f);
	if (!v)
		return -ENOMEM;
	layout_batch(v, &lo);
	/* room for header lines wider than the diagram; rows are trimmed */
	w = lo.w > BATCH_W ? lo.w : BATCH_W;
	if (alarm_line_w(f) > w)
		w = alarm_line_w(f);
	size = 4 * (size_t)w + 1;
	row = malloc(size);
	if (!row || cv_init(&cv, w, lo.h) < 0) {
		free(row);
		free(v);
		return -ENOMEM;
	}
	draw(&cv, v, f, &lo);
	for (y = 0; y < lo.h; y++) {
		cv_row(&cv, y, ascii, row, size);
		fprintf(out, "%s\n", row);
	}
	cv_free(&cv);
	free(row);
	free(v);
	return 0;
}
