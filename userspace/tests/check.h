/* SPDX-License-Identifier: GPL-2.0 */
/* tcpsm unit tests: the checks and the "N passed, N failed" line. */
#ifndef TCPSM_TESTS_CHECK_H
#define TCPSM_TESTS_CHECK_H

/*
 * Count one check; on failure print name and the printf-style detail
 * (often "": no format attribute, which would refuse an empty one).
 */
void check(int ok, const char *name, const char *fmt, ...);

/* check() that got equals want, printing both when they differ. */
void check_str(const char *name, const char *got, const char *want);

/* Print "N passed, N failed"; returns the exit code (1 if any failed). */
int check_summary(void);

#endif /* TCPSM_TESTS_CHECK_H */
