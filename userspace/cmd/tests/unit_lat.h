/* SPDX-License-Identifier: GPL-2.0 */
/* tcpsm unit tests of time in state (tests/unit_lat.c). */
#ifndef TCPSM_TESTS_UNIT_LAT_H
#define TCPSM_TESTS_UNIT_LAT_H

void unit_lat_tests(void);

#endif /* TCPSM_TESTS_UNIT_LAT_H */
