// SPDX-License-Identifier: GPL-2.0
/* tcpsm: a grid of character cells for line drawings (see canvas.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "canvas.h"

int cv_init(struct canvas *cv, int w, int h)
{
	cv->w = w > 0 ? w : 0;
	cv->h = h > 0 ? h : 0;
	cv->cells = calloc((size_t)cv->w * (size_t)cv->h + 1, sizeof(*cv->cells));
	if (!cv->cells) {
		cv->w = cv->h = 0;
		return -ENOMEM;
	}
	return 0;
}

void cv_free(struct canvas *cv)
{
	free(cv->cells);
	cv->cells = NULL;
	cv->w = cv->h = 0;
}

void cv_clear(struct canvas *cv)
{
	memset(cv->cells, 0, (size_t)cv->w * (size_t)cv->h * sizeof(*cv->cells));
}

void cv_blank(struct canvas *cv, int x, int y, int w, int h)
{
	for (int j = y; j < y + h; j++)
		for (int i = x; i < x + w; i++) {
			struct cv_cell *c = cv_at(cv, i, j);

			if (c)
				memset(c, 0, sizeof(*c));
		}
}

struct cv_cell *cv_at(struct canvas *cv, int x, int y)
{
	if (x < 0 || y < 0 || x >= cv->w || y >= cv->h)
		return NULL;
	return &cv->cells[(size_t)y * (size_t)cv->w + (size_t)x];
}

static const struct cv_cell *cv_at_const(const struct canvas *cv, int x, int y)
{
	return cv_at((struct canvas *)cv, x, y);
}

int cv_text(struct canvas *cv, int x, int y, const char *s, enum cv_attr attr)
{
	int n = 0;

	for (; *s; s++, n++) {
		unsigned char c = (unsigned char)*s;

		cv_glyph(cv, x + n, y, c >= 0x20 && c < 0x7f ? c : '?', attr);
	}
	return n;
}

void cv_glyph(struct canvas *cv, int x, int y, uint32_t ch, enum cv_attr attr)
{
	struct cv_cell *c = cv_at(cv, x, y);

	if (!c)
		return;
	c->ch = ch;
	c->lines = 0;
	c->attr = (uint8_t)attr;
}

void cv_join(struct canvas *cv, int x, int y, unsigned int lines,
	     enum cv_attr attr)
{
	struct cv_cell *c = cv_at(cv, x, y);

	if (!c || c->ch)	/* text and arrowheads stay */
		return;
	c->lines |= (uint8_t)lines;
	if (attr != CV_PLAIN)
		c->attr = (uint8_t)attr;
}

void cv_line(struct canvas *cv, int x0, int y0, int x1, int y1,
	     enum cv_attr attr)
{
	int dx = x1 > x0 ? 1 : x1 < x0 ? -1 : 0;
	int dy = y1 > y0 ? 1 : y1 < y0 ? -1 : 0;
	unsigned int fwd, back;
	int x = x0, y = y0;

	if (dx && dy)
		return;
	if (!dx && !dy) {
		cv_join(cv, x, y, 0, attr);
		return;
	}
	fwd = dx > 0 ? CV_RIGHT : dx < 0 ? CV_LEFT : dy > 0 ? CV_DOWN : CV_UP;
	back = dx > 0 ? CV_LEFT : dx < 0 ? CV_RIGHT : dy > 0 ? CV_UP : CV_DOWN;
	for (;;) {
		unsigned int l = 0;

		if (x != x0 || y != y0)
			l |= back;
		if (x != x1 || y != y1)
			l |= fwd;
		cv_join(cv, x, y, l, attr);
		if (x == x1 && y == y1)
			break;
		x += dx;
		y += dy;
	}
}

void cv_rect(struct canvas *cv, int x, int y, int w, int h, enum cv_attr attr)
{
	if (w < 2 || h < 2)
		return;
	cv_line(cv, x, y, x + w - 1, y, attr);
	cv_line(cv, x + w - 1, y, x + w - 1, y + h - 1, attr);
	cv_line(cv, x + w - 1, y + h - 1, x, y + h - 1, attr);
	cv_line(cv, x, y + h - 1, x, y, attr);
}

/* Box drawing glyphs by the sides they join (index: CV_* bits). */
static const uint32_t box_glyph[16] = {
	[0]					= ' ',
	[CV_UP]					= 0x2502,	/* │ */
	[CV_DOWN]				= 0x2502,
	[CV_UP | CV_DOWN]			= 0x2502,
	[CV_LEFT]				= 0x2500,	/* ─ */
	[CV_RIGHT]				= 0x2500,
	[CV_LEFT | CV_RIGHT]			= 0x2500,
	[CV_DOWN | CV_RIGHT]			= 0x250c,	/* ┌ */
	[CV_DOWN | CV_LEFT]			= 0x2510,	/* ┐ */
	[CV_UP | CV_RIGHT]			= 0x2514,	/* └ */
	[CV_UP | CV_LEFT]			= 0x2518,	/* ┘ */
	[CV_UP | CV_DOWN | CV_RIGHT]		= 0x251c,	/* ├ */
	[CV_UP | CV_DOWN | CV_LEFT]		= 0x2524,	/* ┤ */
	[CV_DOWN | CV_LEFT | CV_RIGHT]		= 0x252c,	/* ┬ */
	[CV_UP | CV_LEFT | CV_RIGHT]		= 0x2534,	/* ┴ */
	[CV_UP | CV_DOWN | CV_LEFT | CV_RIGHT]	= 0x253c,	/* ┼ */
};

static uint32_t ascii_lines(unsigned int l)
{
	if (!l)
		return ' ';
	if (!(l & (CV_LEFT | CV_RIGHT)))
		return '|';
	if (!(l & (CV_UP | CV_DOWN)))
		return '-';
	return '+';
}

static uint32_t ascii_glyph(uint32_t ch)
{
	switch (ch) {
	case CV_ARROW_DOWN:	return 'v';
	case CV_ARROW_UP:	return '^';
	case CV_ARROW_RIGHT:	return '>';
	case CV_ARROW_LEFT:	return '<';
	default:		return ch < 0x80 ? ch : '?';
	}
}

uint32_t cv_cell_char(const struct cv_cell *c, bool ascii)
{
	if (c->ch)
		return ascii ? ascii_glyph(c->ch) : c->ch;
	return ascii ? ascii_lines(c->lines) : box_glyph[c->lines & 0xf];
}

size_t cv_utf8(uint32_t ch, char *buf)
{
	if (ch < 0x80) {
		buf[0] = (char)ch;
		return 1;
	}
	if (ch < 0x800) {
		buf[0] = (char)(0xc0 | (ch >> 6));
		buf[1] = (char)(0x80 | (ch & 0x3f));
		return 2;
	}
	if (ch < 0x10000) {
		buf[0] = (char)(0xe0 | (ch >> 12));
		buf[1] = (char)(0x80 | ((ch >> 6) & 0x3f));
		buf[2] = (char)(0x80 | (ch & 0x3f));
		return 3;
	}
	buf[0] = (char)(0xf0 | (ch >> 18));
	buf[1] = (char)(0x80 | ((ch >> 12) & 0x3f));
	buf[2] = (char)(0x80 | ((ch >> 6) & 0x3f));
	buf[3] = (char)(0x80 | (ch & 0x3f));
	return 4;
}

size_t cv_row(const struct canvas *cv, int y, bool ascii, char *buf,
	      size_t size)
{
	size_t len = 0, keep = 0, fit = 0;
	int x;

	for (x = 0; x < cv->w; x++) {
		const struct cv_cell *c = cv_at_const(cv, x, y);
		char u[4];
		size_t n;

		if (!c)
			break;
		n = cv_utf8(cv_cell_char(c, ascii), u);
		if (fit == len && len + n < size) {
			memcpy(buf + len, u, n);
			fit += n;
		}
		len += n;
		if (u[0] != ' ' || n > 1)
			keep = len;	/* trailing blanks go */
	}
	if (size)
		buf[keep < fit ? keep : fit] = '\0';
	return keep;
}
