// SPDX-License-Identifier: GPL-2.0
/*
 * tcpsm: the curses side of `tcpsm top` (see topscreen.h).
 *
 * Built against ncursesw (TCPSM_CURSES_WIDE) cells are wide characters,
 * so the box drawing glyphs of the canvas show as they are in a UTF-8
 * locale; against plain ncurses the canvas is drawn in ASCII.
 */
#ifdef TCPSM_CURSES_WIDE
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include "diag.h"
#include "topscreen.h"

enum { PAIR_HOT = 1, PAIR_ALERT };

static SCREEN *screen;
static bool ascii_only;

int top_screen_open(bool ascii)
{
#ifdef TCPSM_CURSES_WIDE
	ascii_only = ascii;
#else
	(void)ascii;
	ascii_only = true;
#endif
	screen = newterm(NULL, stdout, stdin);
	if (!screen) {
		tcpsm_err("top: cannot use the terminal (TERM=%s)",
			  getenv("TERM") ? getenv("TERM") : "");
		return -1;
	}
	set_term(screen);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(PAIR_HOT, COLOR_GREEN, -1);
		init_pair(PAIR_ALERT, COLOR_RED, -1);
	}
	return 0;
}

void top_screen_close(void)
{
	if (!screen)
		return;
	curs_set(1);
	endwin();
	delscreen(screen);
	screen = NULL;
	fflush(stdout);
}

void top_screen_size(int *w, int *h)
{
	getmaxyx(stdscr, *h, *w);
}

static attr_t cell_attr(unsigned int a, short *pair)
{
	bool color = has_colors();

	*pair = 0;
	switch (a) {
	case CV_BOLD:
		return A_BOLD;
	case CV_HOT:
		*pair = color ? PAIR_HOT : 0;
		return A_BOLD;
	case CV_ALERT:
		*pair = color ? PAIR_ALERT : 0;
		return color ? A_BOLD : A_STANDOUT;
	default:
		return A_NORMAL;
	}
}

static void put_cell(int y, int x, const struct cv_cell *c)
{
	uint32_t ch = cv_cell_char(c, ascii_only);
	short pair;
	attr_t attr = cell_attr(c->attr, &pair);

#ifdef TCPSM_CURSES_WIDE
	if (!ascii_only) {
		wchar_t wc[2] = { (wchar_t)ch, L'\0' };
		cchar_t cc;

		setcchar(&cc, wc, attr, pair, NULL);
		mvadd_wch(y, x, &cc);	/* ERR in the last cell: drawn anyway */
		return;
	}
#endif
	mvaddch(y, x, (chtype)(ch & 0x7f) | attr | COLOR_PAIR(pair));
}

void top_screen_show(const struct canvas *cv)
{
	int x, y, w, h;

	top_screen_size(&w, &h);
	erase();
	for (y = 0; y < cv->h && y < h; y++)
		for (x = 0; x < cv->w && x < w; x++) {
			const struct cv_cell *c = &cv->cells[y * cv->w + x];

			if (c->ch || c->lines)
				put_cell(y, x, c);
		}
	refresh();
}

int top_screen_key(int timeout_ms)
{
	int c;

	timeout(timeout_ms);
	c = getch();
	if (c == ERR)
		return TOP_KEY_NONE;
	if (c == KEY_RESIZE)
		return TOP_KEY_RESIZE;
	return c;
}
