// SPDX-License-Identifier: GPL-2.0
/*
 * tcpsm: the TCP state machine drawn on a canvas (see topdiag.h).
 *
 * Geometry: three columns of boxes (A, B, C), a margin lane on each side
 * for the edges back to CLOSED, and seven levels. Every edge is a path
 * of horizontal and vertical segments from a start cell on (or just
 * outside) its source box to an arrowhead just inside (top) or outside
 * (sides) its target box; the canvas turns the segments into corners
 * and tees. No two paths share a cell.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "topdiag.h"

#define GAP		6	/* columns between two columns of boxes */
#define NLEVELS		7
#define NAME_W		11	/* "ESTABLISHED" */

enum col { COL_A, COL_B, COL_C };

/* Where each state sits: its column and level. */
static const struct { uint8_t col, level; } place[TCPSM_NUM_STATES] = {
	[TCPSM_STATE_CLOSED]		= { COL_B, 0 },
	[TCPSM_STATE_LISTEN]		= { COL_A, 1 },
	[TCPSM_STATE_SYN_SENT]		= { COL_C, 1 },
	[TCPSM_STATE_SYN_RCVD]		= { COL_A, 2 },
	[TCPSM_STATE_ESTABLISHED]	= { COL_A, 3 },
	[TCPSM_STATE_FIN_WAIT_1]	= { COL_A, 4 },
	[TCPSM_STATE_CLOSE_WAIT]	= { COL_C, 4 },
	[TCPSM_STATE_FIN_WAIT_2]	= { COL_A, 5 },
	[TCPSM_STATE_CLOSING]		= { COL_B, 5 },
	[TCPSM_STATE_LAST_ACK]		= { COL_C, 5 },
	[TCPSM_STATE_TIME_WAIT]		= { COL_A, 6 },
};

/*
 * First line of each level. Boxes: three lines and a line between
 * levels. Compact: one line, and two lines where an edge must turn
 * between two levels before its arrowhead.
 */
static const int level_y[2][NLEVELS] = {
	[TOP_DIAG_BOXES]	= { 0, 4, 8, 12, 16, 20, 24 },
	[TOP_DIAG_COMPACT]	= { 0, 3, 5, 8, 10, 12, 14 },
};

/* Where an edge leaves a box's bottom or enters its top. */
enum at { AT_MID, AT_LEFT, AT_RIGHT };

enum route {
	R_STRAIGHT,		/* bottom -> top, one column */
	R_ZIGZAG,		/* bottom, down, across, down -> top */
	R_DOWN_ACROSS,		/* bottom, down, across -> side */
	R_ACROSS_DOWN,		/* side, across, down -> top */
	R_LANE_LEFT,		/* left side, left lane, up -> left side */
	R_LANE_RIGHT,		/* right side, right lane, up -> right side */
};

/* Where the label goes: beside a vertical segment, or on a horizontal one. */
enum lpos { L_LEFT, L_RIGHT, L_ON };

static const struct diag_edge {
	uint8_t from, to;
	uint8_t s_at, e_at;	/* enum at, for bottom and top ends */
	uint8_t route;
	uint8_t lseg, lpos;	/* label: segment index, enum lpos */
} edges[TOP_DIAG_NEDGES] = {
	{ TCPSM_STATE_CLOSED, TCPSM_STATE_LISTEN,
	  AT_LEFT, AT_MID, R_ZIGZAG, 1, L_ON },
	{ TCPSM_STATE_CLOSED, TCPSM_STATE_SYN_SENT,
	  AT_RIGHT, AT_MID, R_ZIGZAG, 1, L_ON },
	{ TCPSM_STATE_LISTEN, TCPSM_STATE_SYN_RCVD,
	  AT_MID, AT_MID, R_STRAIGHT, 0, L_LEFT },
	{ TCPSM_STATE_SYN_SENT, TCPSM_STATE_SYN_RCVD,
	  AT_LEFT, AT_MID, R_DOWN_ACROSS, 1, L_ON },
	{ TCPSM_STATE_SYN_SENT, TCPSM_STATE_ESTABLISHED,
	  AT_RIGHT, AT_RIGHT, R_ZIGZAG, 1, L_ON },
	{ TCPSM_STATE_SYN_RCVD, TCPSM_STATE_ESTABLISHED,
	  AT_MID, AT_MID, R_STRAIGHT, 0, L_LEFT },
	{ TCPSM_STATE_ESTABLISHED, TCPSM_STATE_FIN_WAIT_1,
	  AT_MID, AT_MID, R_STRAIGHT, 0, L_LEFT },
	{ TCPSM_STATE_ESTABLISHED, TCPSM_STATE_CLOSE_WAIT,
	  AT_MID, AT_MID, R_ACROSS_DOWN, 0, L_ON },
	{ TCPSM_STATE_FIN_WAIT_1, TCPSM_STATE_FIN_WAIT_2,
	  AT_MID, AT_MID, R_STRAIGHT, 0, L_LEFT },
	{ TCPSM_STATE_FIN_WAIT_1, TCPSM_STATE_CLOSING,
	  AT_MID, AT_MID, R_ACROSS_DOWN, 0, L_ON },
	{ TCPSM_STATE_FIN_WAIT_2, TCPSM_STATE_TIME_WAIT,
	  AT_MID, AT_MID, R_STRAIGHT, 0, L_LEFT },
	{ TCPSM_STATE_CLOSING, TCPSM_STATE_TIME_WAIT,
	  AT_MID, AT_MID, R_DOWN_ACROSS, 1, L_ON },
	{ TCPSM_STATE_CLOSE_WAIT, TCPSM_STATE_LAST_ACK,
	  AT_MID, AT_MID, R_STRAIGHT, 0, L_RIGHT },
	{ TCPSM_STATE_LAST_ACK, TCPSM_STATE_CLOSED,
	  AT_MID, AT_MID, R_LANE_RIGHT, 2, L_ON },
	{ TCPSM_STATE_TIME_WAIT, TCPSM_STATE_CLOSED,
	  AT_MID, AT_MID, R_LANE_LEFT, 2, L_ON },
};

void top_diag_edge(int i, unsigned int *from, unsigned int *to)
{
	*from = edges[i].from;
	*to = edges[i].to;
}

int top_diag_edge_index(unsigned int from, unsigned int to)
{
	for (int i = 0; i < TOP_DIAG_NEDGES; i++)
		if (edges[i].from == from && edges[i].to == to)
			return i;
	return -1;
}

int top_diag_count_width(const uint64_t *gauge)
{
	int w = 5;

	for (unsigned int s = 0; s < TCPSM_NUM_STATES; s++) {
		char buf[24];
		int n = snprintf(buf, sizeof(buf), "%" PRIu64, gauge[s]);

		if (s != TCPSM_STATE_CLOSED && n > w)
			w = n;
	}
	return w;
}

int top_diag_text_width(const char (*text)[TOP_DWELL_MAX + 1])
{
	int w = 5;

	for (unsigned int s = 0; s < TCPSM_NUM_STATES; s++) {
		int n = (int)strlen(text[s]);

		if (s != TCPSM_STATE_CLOSED && n > w)
			w = n;
	}
	return w;
}

/* ---- geometry ------------------------------------------------------------ */

struct geo {
	enum top_diag_style style;
	int ox, oy;		/* origin on the canvas */
	int bw, bh;		/* box width and height */
	int col_x[3];
	int lane_l, lane_r;
	int w, h;
};

struct pt {
	int x, y;
};

static void geo_init(struct geo *g, enum top_diag_style style, int count_w,
		     int ox, int oy)
{
	g->style = style;
	g->ox = ox;
	g->oy = oy;
	/* "| " NAME " " COUNT " |" */
	g->bw = 2 + NAME_W + 1 + count_w + 2;
	g->bh = style == TOP_DIAG_BOXES ? 3 : 1;
	g->lane_l = 0;
	g->col_x[COL_A] = 2;
	g->col_x[COL_B] = g->col_x[COL_A] + g->bw + GAP;
	g->col_x[COL_C] = g->col_x[COL_B] + g->bw + GAP;
	g->lane_r = g->col_x[COL_C] + g->bw + 1;
	g->w = g->lane_r + 1;
	g->h = level_y[style][NLEVELS - 1] + g->bh;
}

static int box_x(const struct geo *g, unsigned int s)
{
	return g->ox + g->col_x[place[s].col];
}

static int box_y(const struct geo *g, unsigned int s)
{
	return g->oy + level_y[g->style][place[s].level];
}

static int box_mid_y(const struct geo *g, unsigned int s)
{
	return box_y(g, s) + g->bh / 2;
}

static int at_x(const struct geo *g, unsigned int s, enum at at)
{
	switch (at) {
	case AT_LEFT:	return box_x(g, s) + 3;
	case AT_RIGHT:	return box_x(g, s) + g->bw - 4;
	default:	return box_x(g, s) + g->bw / 2;
	}
}

/*
 * Start cells. Boxes: the border cell itself (its tee appears by
 * itself). Compact: the cell just outside, with a stub towards the box.
 */
static struct pt start_bottom(struct canvas *cv, const struct geo *g,
			      unsigned int s, enum at at, enum cv_attr attr)
{
	struct pt p = { at_x(g, s, at), box_y(g, s) + g->bh - 1 };

	if (g->style == TOP_DIAG_COMPACT) {
		p.y++;
		cv_join(cv, p.x, p.y, CV_UP, attr);
	}
	return p;
}

static struct pt start_side(struct canvas *cv, const struct geo *g,
			    unsigned int s, bool right, enum cv_attr attr)
{
	struct pt p = { right ? box_x(g, s) + g->bw - 1 : box_x(g, s),
			box_mid_y(g, s) };

	if (g->style == TOP_DIAG_COMPACT) {
		p.x += right ? 1 : -1;
		cv_join(cv, p.x, p.y, right ? CV_LEFT : CV_RIGHT, attr);
	}
	return p;
}

/* Arrowhead cells: on the top border (boxes) or just above; beside a side. */
static struct pt end_top(const struct geo *g, unsigned int s, enum at at)
{
	struct pt p = { at_x(g, s, at), box_y(g, s) };

	if (g->style == TOP_DIAG_COMPACT)
		p.y--;
	return p;
}

static struct pt end_side(const struct geo *g, unsigned int s, bool right)
{
	struct pt p = { right ? box_x(g, s) + g->bw : box_x(g, s) - 1,
			box_mid_y(g, s) };

	return p;
}

/* The points of edge e's path; returns how many (at most 4). */
static int edge_path(struct canvas *cv, const struct geo *g,
		     const struct diag_edge *e, enum cv_attr attr,
		     struct pt *p)
{
	struct pt s, t;
	bool right;

	switch (e->route) {
	case R_STRAIGHT:
		p[0] = start_bottom(cv, g, e->from, e->s_at, attr);
		p[1] = end_top(g, e->to, e->e_at);
		return 2;
	case R_ZIGZAG:
		s = start_bottom(cv, g, e->from, e->s_at, attr);
		t = end_top(g, e->to, e->e_at);
		p[0] = s;
		p[1] = (struct pt){ s.x, t.y - 1 };
		p[2] = (struct pt){ t.x, t.y - 1 };
		p[3] = t;
		return 4;
	case R_DOWN_ACROSS:
		s = start_bottom(cv, g, e->from, e->s_at, attr);
		right = box_x(g, e->to) < s.x;	/* enter by the near side */
		t = end_side(g, e->to, right);
		p[0] = s;
		p[1] = (struct pt){ s.x, t.y };
		p[2] = t;
		return 3;
	case R_ACROSS_DOWN:
		t = end_top(g, e->to, e->e_at);
		right = t.x > box_x(g, e->from);
		s = start_side(cv, g, e->from, right, attr);
		p[0] = s;
		p[1] = (struct pt){ t.x, s.y };
		p[2] = t;
		return 3;
	default: {	/* the lanes */
		bool r = e->route == R_LANE_RIGHT;
		int lane = g->ox + (r ? g->lane_r : g->lane_l);

		s = start_side(cv, g, e->from, r, attr);
		t = end_side(g, e->to, r);
		p[0] = s;
		p[1] = (struct pt){ lane, s.y };
		p[2] = (struct pt){ lane, t.y };
		p[3] = t;
		return 4;
	}
	}
}

/* The arrowhead at to, coming from from (the same cell: straight down). */
static uint32_t arrow_for(struct pt from, struct pt to)
{
	if (to.y > from.y || (to.x == from.x && to.y == from.y))
		return CV_ARROW_DOWN;
	if (to.y < from.y)
		return CV_ARROW_UP;
	return to.x > from.x ? CV_ARROW_RIGHT : CV_ARROW_LEFT;
}

static void draw_label(struct canvas *cv, const struct diag_edge *e,
		       const struct pt *p, int n, const char *label,
		       enum cv_attr attr)
{
	struct pt a = p[e->lseg], b = p[e->lseg + 1 < n ? e->lseg + 1 : e->lseg];
	int len = (int)strlen(label);
	char padded[TOP_LABEL_MAX + 3];

	if (e->lpos == L_ON) {
		int lo = (a.x < b.x ? a.x : b.x) + 1;
		int room = (a.x < b.x ? b.x - a.x : a.x - b.x) - 1;

		snprintf(padded, sizeof(padded), " %s ", label);
		len += 2;
		if (len > room) {	/* no room for the blanks */
			snprintf(padded, sizeof(padded), "%s", label);
			len -= 2;
		}
		cv_text(cv, lo + (room - len + 1) / 2, a.y, padded, attr);
		return;
	}
	/* beside the middle of a vertical segment */
	if (e->lpos == L_LEFT)
		cv_text(cv, a.x - 1 - len, (a.y + b.y) / 2, label, attr);
	else
		cv_text(cv, a.x + 2, (a.y + b.y) / 2, label, attr);
}

/* The note of a vertical edge, on the side its label is not. */
static void draw_note(struct canvas *cv, const struct diag_edge *e,
		      const struct pt *p, int n, const char *note)
{
	struct pt a = p[e->lseg], b = p[e->lseg + 1 < n ? e->lseg + 1 : e->lseg];
	int len = (int)strlen(note);

	if (!len || e->lpos == L_ON)
		return;
	if (e->lpos == L_LEFT)
		cv_text(cv, a.x + 2, (a.y + b.y) / 2, note, CV_ALERT);
	else
		cv_text(cv, a.x - 1 - len, (a.y + b.y) / 2, note, CV_ALERT);
}

static void draw_box(struct canvas *cv, const struct geo *g, unsigned int s,
		     const struct top_diag_in *in)
{
	int x = box_x(g, s), y = box_y(g, s);
	int cw = g->bw - (2 + NAME_W + 1 + 2);
	char count[24];

	if (s == TCPSM_STATE_CLOSED)
		snprintf(count, sizeof(count), "%*s", cw, "-");
	else if (in->text)
		snprintf(count, sizeof(count), "%*s", cw, in->text[s]);
	else
		snprintf(count, sizeof(count), "%*" PRIu64, cw, in->gauge[s]);

	if (g->style == TOP_DIAG_BOXES) {
		cv_rect(cv, x, y, g->bw, 3, CV_PLAIN);
		y++;
	} else {
		cv_glyph(cv, x, y, '[', CV_PLAIN);
		cv_glyph(cv, x + g->bw - 1, y, ']', CV_PLAIN);
	}
	cv_text(cv, x + 2, y, tcpsm_state_name(s), CV_BOLD);
	cv_text(cv, x + 2 + NAME_W + 1, y, count, CV_BOLD);
}

void top_diag_size(enum top_diag_style style, int count_w, int *w, int *h)
{
	struct geo g;

	geo_init(&g, style, count_w, 0, 0);
	*w = g.w;
	*h = g.h;
}

void top_diag_draw(struct canvas *cv, int x, int y, enum top_diag_style style,
		   const struct top_diag_in *in)
{
	struct geo g;
	unsigned int s;
	int i, k;

	geo_init(&g, style, in->count_w, x, y);
	for (s = 0; s < TCPSM_NUM_STATES; s++)
		draw_box(cv, &g, s, in);

	for (i = 0; i < TOP_DIAG_NEDGES; i++) {
		const struct diag_edge *e = &edges[i];
		enum cv_attr attr = in->hot[i] ? CV_HOT : CV_PLAIN;
		struct pt p[4];
		int n = edge_path(cv, &g, e, attr, p);

		for (k = 0; k + 1 < n; k++)
			cv_line(cv, p[k].x, p[k].y, p[k + 1].x, p[k + 1].y, attr);
		cv_glyph(cv, p[n - 1].x, p[n - 1].y,
			 arrow_for(p[n > 1 ? n - 2 : 0], p[n - 1]), attr);
		draw_label(cv, e, p, n, in->label[i], attr);
		draw_note(cv, e, p, n, in->note[i]);
	}
}
