/* SPDX-License-Identifier: GPL-2.0 */
/* tcpsm unit tests of SYN-flood pressure (tests/unit_syn.c). */
#ifndef TCPSM_TESTS_UNIT_SYN_H
#define TCPSM_TESTS_UNIT_SYN_H

void unit_syn_tests(void);

#endif /* TCPSM_TESTS_UNIT_SYN_H */
