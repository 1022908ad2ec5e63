// SPDX-License-Identifier: GPL-2.0
/* tcpsm unit tests: the checks (see check.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

static int passed, failed;

void check(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		passed++;
		printf("ok   %s\n", name);
		return;
	}
	failed++;
	printf("FAIL %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

void check_str(const char *name, const char *got, const char *want)
{
	check(strcmp(got, want) == 0, name, "\n  got:  [%s]\n  want: [%s]", got,
	      want);
}

int check_summary(void)
{
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
