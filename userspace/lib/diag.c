// SPDX-License-Identifier: GPL-2.0
/* tcpsm: the diagnostic line (see diag.h). */
#include <stdio.h>

#include "diag.h"

void tcpsm_verr(const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs(TCPSM_PROG ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void tcpsm_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tcpsm_verr(fmt, ap);
	va_end(ap);
}
