/* SPDX-License-Identifier: GPL-2.0 */
/* tcpsm unit tests of CLOSE_WAIT leak detection (tests/unit_cw.c). */
#ifndef TCPSM_TESTS_UNIT_CW_H
#define TCPSM_TESTS_UNIT_CW_H

void unit_cw_tests(void);

#endif /* TCPSM_TESTS_UNIT_CW_H */
