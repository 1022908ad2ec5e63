/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpsm: one frame of `tcpsm top`, composed on a canvas, free of curses
 * so that --batch and the unit tests use the very same code:
 *
 *   row 0   tcpsm top  <title>                        (title: clock, keys)
 *   row 1   netns N  interval 1s  running  events dropped: N  <message>
 *   row 2   alarms: none, or ALARM <text> for each active one, "; "
 *           between them
 *           the state machine (topdiag.h), or the list view
 *           other edges: the edges the diagram does not draw
 *
 * Rates are transitions per second: the growth of a matrix counter
 * between two readings divided by the seconds between them.
 */
#ifndef TCPSM_TOPFRAME_H
#define TCPSM_TOPFRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "canvas.h"
#include "stats.h"
#include "topdiag.h"

/* One active alarm, shown on the alarm line as "ALARM <text>". */
struct top_alarm {
	const char *text;
};

/* Everything one frame shows. */
struct top_frame {
	const struct tcpsm_stats *cur;	/* the latest reading */
	const struct tcpsm_stats *prev;	/* the one before, same netns, or NULL */
	double elapsed;			/* seconds from prev to cur */

	const char *title;		/* rest of the header line, or NULL */
	double interval;		/* seconds between refreshes */
	bool paused;
	bool has_dropped;		/* events dropped: known */
	uint64_t dropped;
	const struct top_alarm *alarms;
	size_t nalarms;
	bool alarms_unknown;		/* "alarms: -" (another namespace's) */
	const char *message;		/* a note for the status line, or NULL */
	uint32_t pressure;		/* the highest listener SYN-flood score:
					 * "pressure N" by LISTEN->SYN_RCVD when
					 * above 0 */
	/* each state's median time in it, shown instead of its count; NULL:
	 * the counts */
	const char (*dwell)[TOP_DWELL_MAX + 1];
};

enum top_mode {
	TOP_MODE_BOXES,			/* the diagram, boxes of three lines */
	TOP_MODE_COMPACT,		/* the diagram, one-line boxes */
	TOP_MODE_LIST,			/* one state per entry, then the edges */
};

/* How a frame is laid out on a screen of a given size. */
struct top_layout {
	enum top_mode mode;
	bool others_right;		/* other edges beside the diagram */
	bool tight;			/* no blank lines between the parts */
	int width;			/* the screen's, or the frame's own */
	int w, h;			/* what the frame takes */
};

/* Transitions per second, or -1 for "no interval yet". */
#define TOP_RATE_UNKNOWN	(-1.0)

/*
 * rate[from][to] from two readings elapsed seconds apart. Without prev
 * (or elapsed <= 0) every rate is TOP_RATE_UNKNOWN. A counter that went
 * down (module reloaded) counts as 0.
 */
void top_rates(const struct tcpsm_stats *prev, const struct tcpsm_stats *cur,
	       double elapsed, double rate[TCPSM_NUM_STATES][TCPSM_NUM_STATES]);

/*
 * A rate as shown: "-" unknown, "0/s", "<0.1/s", "2.5/s" (under 10),
 * "12/s", "12k/s", "3M/s". At most TOP_LABEL_MAX characters.
 */
void top_fmt_rate(double rate, char *buf, size_t size);

/*
 * The edges shown in the "other edges" area, as from * TCPSM_NUM_STATES
 * + to: first the resets and aborts X -> CLOSED that the diagram does not
 * draw (always), then any other undrawn edge counted in cur or prev.
 * Returns how many (at most TCPSM_NUM_STATES^2).
 */
size_t top_other_edges(const struct tcpsm_stats *cur,
		       const struct tcpsm_stats *prev, unsigned int *out);

/*
 * The layout for a screen of w x h: the diagram in boxes if it fits,
 * else the compact diagram, else the list; parts move beside each other
 * and lose their blank lines before a smaller style is tried.
 */
void top_layout_pick(const struct top_frame *f, int w, int h,
		     struct top_layout *lo);

/* Draw frame f on cv (at 0, 0, clipped to cv) as lo says. */
void top_draw(struct canvas *cv, const struct top_frame *f,
	      const struct top_layout *lo);

/* The help overlay (the ? key), centred on cv. */
void top_draw_help(struct canvas *cv);

/*
 * Print frame f as --batch does: the batch layout, plain text, one line
 * per row, trailing blanks removed. Returns 0, or -ENOMEM.
 */
int top_print(FILE *out, const struct top_frame *f, bool ascii);

#endif /* TCPSM_TOPFRAME_H */
