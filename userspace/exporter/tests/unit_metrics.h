/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPSM_UNIT_METRICS_H
#define TCPSM_UNIT_METRICS_H

void unit_metrics_tests(void);

#endif
