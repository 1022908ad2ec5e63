/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpsm: the TCP state machine as operators know it, drawn on a canvas
 * for `tcpsm top`: one box per state with its gauge, one arrow per edge
 * of the diagram with a label (its rate).
 *
 * The diagram is the classic one (RFC 793, figure 6), top to bottom:
 *
 *                      CLOSED
 *          LISTEN                   SYN_SENT
 *          SYN_RCVD
 *          ESTABLISHED
 *          FIN_WAIT_1                CLOSE_WAIT
 *          FIN_WAIT_2     CLOSING    LAST_ACK
 *          TIME_WAIT
 *
 * with CLOSED drawn once: TIME_WAIT -> CLOSED and LAST_ACK -> CLOSED run
 * back up along the left and the right margin. Two styles: boxes three
 * lines high, or one-line boxes [ NAME COUNT ] for shorter screens.
 */
#ifndef TCPSM_TOPDIAG_H
#define TCPSM_TOPDIAG_H

#include <stdbool.h>
#include <stdint.h>

#include "canvas.h"
#include "states.h"

/* The edges the diagram draws. */
#define TOP_DIAG_NEDGES		15

/* Longest edge label drawn in full ("12345/s"), without its blanks. */
#define TOP_LABEL_MAX		8

/* Longest time in state a box shows instead of its count ("999ms"). */
#define TOP_DWELL_MAX		7

/* Longest note beside an edge ("pressure 100", at most "pressure " and a u32). */
#define TOP_NOTE_MAX		19

enum top_diag_style {
	TOP_DIAG_BOXES,			/* boxes of three lines */
	TOP_DIAG_COMPACT,		/* [ NAME COUNT ] */
};

/* What to draw. */
struct top_diag_in {
	const uint64_t *gauge;		/* [TCPSM_NUM_STATES]; CLOSED shows "-" */
	/* not NULL: the text each box shows instead of its count */
	const char (*text)[TOP_DWELL_MAX + 1];
	int count_w;			/* width of the count column in a box */
	char label[TOP_DIAG_NEDGES][TOP_LABEL_MAX + 1];	/* by edge index */
	bool hot[TOP_DIAG_NEDGES];	/* drawn highlighted */
	/*
	 * By edge index, "" for none: a note drawn as an alert on the other
	 * side of a vertical edge from its label (LISTEN->SYN_RCVD's
	 * "pressure 87"); edges labelled on a horizontal segment have none.
	 */
	char note[TOP_DIAG_NEDGES][TOP_NOTE_MAX + 1];
};

/* Edge i (0 <= i < TOP_DIAG_NEDGES), in the order of the flow. */
void top_diag_edge(int i, unsigned int *from, unsigned int *to);

/* The index of edge from -> to, or -1 if the diagram does not draw it. */
int top_diag_edge_index(unsigned int from, unsigned int to);

/* The width of the count column that fits every gauge (at least 5). */
int top_diag_count_width(const uint64_t *gauge);

/* The same for texts shown instead (at least 5). */
int top_diag_text_width(const char (*text)[TOP_DWELL_MAX + 1]);

/* The size the diagram takes. */
void top_diag_size(enum top_diag_style style, int count_w, int *w, int *h);

/* Draw the diagram with its top left corner at x, y. */
void top_diag_draw(struct canvas *cv, int x, int y, enum top_diag_style style,
		   const struct top_diag_in *in);

#endif /* TCPSM_TOPDIAG_H */
