/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpsm: exit codes and the one diagnostic line, "tcpsm: <message>" on
 * stderr. The only output lib/ writes itself: the netlink client and the
 * subscription report why they failed this way and return an exit code.
 */
#ifndef TCPSM_DIAG_H
#define TCPSM_DIAG_H

#include <stdarg.h>
#include <sysexits.h>

#define TCPSM_PROG		"tcpsm"

#define TCPSM_EXIT_OK		0
#define TCPSM_EXIT_ERROR	1
#define TCPSM_EXIT_NOMODULE	2
#define TCPSM_EXIT_USAGE	EX_USAGE	/* 64 */

/* "tcpsm: <message>\n" on stderr, after whatever stdout still holds. */
void tcpsm_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tcpsm_verr(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#endif /* TCPSM_DIAG_H */
