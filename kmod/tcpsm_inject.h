/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Edges injected into the events path at a known rate, for the bench
 * (tcpsm_inject.c). Test builds only: kmod/Kbuild compiles it, and
 * defines TCPSM_INJECT, only for TCPSM_INJECT=y (scripts/module.sh
 * --inject); a release build gets these empty stubs.
 */
#ifndef _TCPSM_INJECT_H
#define _TCPSM_INJECT_H

#ifdef TCPSM_INJECT
void tcpsm_inject_init(void);
void tcpsm_inject_exit(void);
#else
static inline void tcpsm_inject_init(void) { }
static inline void tcpsm_inject_exit(void) { }
#endif

#endif /* _TCPSM_INJECT_H */
