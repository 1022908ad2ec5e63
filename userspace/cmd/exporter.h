/* SPDX-License-Identifier: GPL-2.0 */
/* tcpsm: what `tcpsm exporter` and tcpsm-exporter share (cmd/exporter.c). */
#ifndef TCPSM_EXPORTER_H
#define TCPSM_EXPORTER_H

#include <stdio.h>

#define TCPSM_EXPORTER_LISTEN	":9477"

/* The usage of tcpsm exporter, for both programs. */
void cmd_exporter_help(FILE *f);

#endif /* TCPSM_EXPORTER_H */
