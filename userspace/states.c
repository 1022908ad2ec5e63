// SPDX-License-Identifier: GPL-2.0
/* tcpsm: names of the states of enum tcpsm_state. */
#include <stddef.h>
#include <strings.h>

#include "states.h"

static const char *const state_names[TCPSM_NUM_STATES] = {
	[TCPSM_STATE_CLOSED]		= "CLOSED",
	[TCPSM_STATE_LISTEN]		= "LISTEN",
	[TCPSM_STATE_SYN_SENT]		= "SYN_SENT",
	[TCPSM_STATE_SYN_RCVD]		= "SYN_RCVD",
	[TCPSM_STATE_ESTABLISHED]	= "ESTABLISHED",
	[TCPSM_STATE_FIN_WAIT_1]	= "FIN_WAIT_1",
	[TCPSM_STATE_FIN_WAIT_2]	= "FIN_WAIT_2",
	[TCPSM_STATE_CLOSE_WAIT]	= "CLOSE_WAIT",
	[TCPSM_STATE_CLOSING]		= "CLOSING",
	[TCPSM_STATE_LAST_ACK]		= "LAST_ACK",
	[TCPSM_STATE_TIME_WAIT]		= "TIME_WAIT",
};

/* Fails to compile when the UAPI header grows a state this table lacks. */
_Static_assert(TCPSM_NUM_STATES == 11, "enum tcpsm_state changed: update states.c");

const unsigned int tcpsm_gauge_states[TCPSM_NUM_GAUGES] = {
	TCPSM_STATE_LISTEN,
	TCPSM_STATE_SYN_SENT,
	TCPSM_STATE_SYN_RCVD,
	TCPSM_STATE_ESTABLISHED,
	TCPSM_STATE_FIN_WAIT_1,
	TCPSM_STATE_FIN_WAIT_2,
	TCPSM_STATE_CLOSE_WAIT,
	TCPSM_STATE_CLOSING,
	TCPSM_STATE_LAST_ACK,
	TCPSM_STATE_TIME_WAIT,
};

const char *tcpsm_state_name(unsigned int state)
{
	if (state >= TCPSM_NUM_STATES)
		return NULL;
	return state_names[state];
}

int tcpsm_state_from_name(const char *name)
{
	for (unsigned int i = 0; i < TCPSM_NUM_STATES; i++)
		if (strcasecmp(name, state_names[i]) == 0)
			return (int)i;
	return -1;
}
