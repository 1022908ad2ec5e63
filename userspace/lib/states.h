/* SPDX-License-Identifier: GPL-2.0 */
/* tcpsm: names of the states of enum tcpsm_state. */
#ifndef TCPSM_STATES_H
#define TCPSM_STATES_H

#include <linux/tcpsm.h>

/* Number of states in enum tcpsm_state this build knows (CLOSED..TIME_WAIT). */
#define TCPSM_NUM_STATES	(TCPSM_STATE_MAX + 1)

/* Number of gauge states (every state but CLOSED). */
#define TCPSM_NUM_GAUGES	(TCPSM_NUM_STATES - 1)

/* The gauge states in display order (enum order, CLOSED left out). */
extern const unsigned int *const tcpsm_gauge_states;

/* "ESTABLISHED" for TCPSM_STATE_ESTABLISHED; NULL for an unknown value. */
const char *tcpsm_state_name(unsigned int state);

/*
 * Inverse of tcpsm_state_name, for what a user types: any case, '-' for
 * '_', an optional "TCP_" prefix, and the names ss and the kernel use
 * (ESTAB, SYN_RECV, FIN_WAIT1, CLOSE, LISTENING, ...: states.c). -1 for
 * an empty, overlong or unknown name. Output always uses tcpsm_state_name.
 */
int tcpsm_state_from_name(const char *name);

#endif /* TCPSM_STATES_H */
