/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpsm: the curses side of `tcpsm top`: put a canvas on the terminal,
 * read keys, and always give the terminal back as it was.
 */
#ifndef TCPSM_TOPSCREEN_H
#define TCPSM_TOPSCREEN_H

#include <stdbool.h>

#include "canvas.h"

/* What top_screen_key() returns besides a key. */
#define TOP_KEY_NONE	(-1)		/* timeout, or a signal */
#define TOP_KEY_RESIZE	(-2)		/* the terminal changed size */

/*
 * Take over the terminal (curses on stdin/stdout). ascii: draw lines
 * with ASCII only. Returns 0, or -1 with a one-line reason printed.
 */
int top_screen_open(bool ascii);

/* Give the terminal back; safe to call twice, or without open. */
void top_screen_close(void);

/* The terminal's size now. */
void top_screen_size(int *w, int *h);

/* Show cv (the size of the screen) and nothing else. */
void top_screen_show(const struct canvas *cv);

/* Wait up to timeout_ms for a key; returns it or TOP_KEY_*. */
int top_screen_key(int timeout_ms);

#endif /* TCPSM_TOPSCREEN_H */
