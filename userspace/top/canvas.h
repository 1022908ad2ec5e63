/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpsm: a grid of character cells for line drawings, free of any
 * terminal library: `tcpsm top` draws a frame here, then prints its rows
 * (--batch) or hands its cells to curses.
 *
 * Lines are drawn as connections: each cell keeps which of its four sides
 * a line leaves by, and the glyph is chosen from that when the cell is
 * read, so lines that meet make the right corner or tee by themselves
 * (a line leaving a box's bottom border turns that cell into a tee).
 * Text and arrowheads put a fixed glyph in a cell instead.
 *
 * Glyphs are Unicode box drawing characters, or ASCII (| - + v ^ > <)
 * when asked: rows come out as UTF-8 either way.
 */
#ifndef TCPSM_CANVAS_H
#define TCPSM_CANVAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The sides of a cell a line leaves by. */
#define CV_UP		0x1
#define CV_DOWN		0x2
#define CV_LEFT		0x4
#define CV_RIGHT	0x8

/* Arrowheads: fixed glyphs, pointing where the arrow goes. */
#define CV_ARROW_DOWN	0x25bc		/* ▼ */
#define CV_ARROW_UP	0x25b2		/* ▲ */
#define CV_ARROW_RIGHT	0x25ba		/* ► */
#define CV_ARROW_LEFT	0x25c4		/* ◄ */

/* How a cell is shown; curses maps these to attributes. */
enum cv_attr {
	CV_PLAIN = 0,
	CV_BOLD,			/* names, headings */
	CV_HOT,				/* an edge taken in the last interval */
	CV_ALERT,			/* messages, alarms */
};

struct cv_cell {
	uint32_t ch;			/* fixed glyph, or 0: from lines */
	uint8_t lines;			/* CV_UP | CV_DOWN | ... */
	uint8_t attr;			/* enum cv_attr */
};

struct canvas {
	int w, h;
	struct cv_cell *cells;		/* h rows of w cells */
};

/* A blank w x h canvas. Returns 0 or -ENOMEM. */
int cv_init(struct canvas *cv, int w, int h);
void cv_free(struct canvas *cv);
void cv_clear(struct canvas *cv);

/* Blank the w x h rectangle at x, y (clipped). */
void cv_blank(struct canvas *cv, int x, int y, int w, int h);

/* The cell at x, y, or NULL outside the canvas. */
struct cv_cell *cv_at(struct canvas *cv, int x, int y);

/*
 * Put ASCII text at x, y, clipped to the canvas (other bytes show as
 * '?'). Returns the number of columns the text takes, clipped or not.
 */
int cv_text(struct canvas *cv, int x, int y, const char *s, enum cv_attr attr);

/* Put one fixed glyph at x, y. */
void cv_glyph(struct canvas *cv, int x, int y, uint32_t ch, enum cv_attr attr);

/* Add the sides in lines to the cell at x, y (a stub of a line). */
void cv_join(struct canvas *cv, int x, int y, unsigned int lines,
	     enum cv_attr attr);

/*
 * A horizontal or vertical line from x0, y0 to x1, y1, both ends
 * included (a diagonal request draws nothing). Cells it passes keep
 * what they had and gain the new connections; attr CV_PLAIN keeps a
 * cell's attribute, any other replaces it.
 */
void cv_line(struct canvas *cv, int x0, int y0, int x1, int y1,
	     enum cv_attr attr);

/* The outline of a w x h rectangle with its top left corner at x, y. */
void cv_rect(struct canvas *cv, int x, int y, int w, int h, enum cv_attr attr);

/* The code point a cell shows: space, a box drawing glyph, or ASCII. */
uint32_t cv_cell_char(const struct cv_cell *c, bool ascii);

/* Write code point ch as UTF-8 to buf (room for 4 bytes); returns its length. */
size_t cv_utf8(uint32_t ch, char *buf);

/*
 * Row y as a NUL-terminated UTF-8 string without trailing blanks.
 * Returns its length, or the length needed if size is too small
 * (buf then holds a truncated row). size >= 4 * w + 1 always fits.
 */
size_t cv_row(const struct canvas *cv, int y, bool ascii, char *buf,
	      size_t size);

#endif /* TCPSM_CANVAS_H */
