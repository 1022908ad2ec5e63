// SPDX-License-Identifier: GPL-2.0
/* tcpsm: names of the states of enum tcpsm_state. */
#include <stddef.h>
#include <string.h>

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

/*
 * Other tools' names, once normalised (upper case, '_' for '-', no
 * "TCP_"): ss prints ESTAB, SYN-RECV, FIN-WAIT-1, UNCONN and takes
 * established, syn-recv, listening, unconnected, closed; the kernel
 * (tcpstates, the sock:inet_sock_set_state tracepoint) says TCP_SYN_RECV,
 * TCP_FIN_WAIT1, TCP_CLOSE. TCP_NEW_SYN_RECV is a request socket, not a
 * state of ours.
 */
static const struct {
	const char *name;
	unsigned int state;
} state_aliases[] = {
	{ "SYN_RECV",		TCPSM_STATE_SYN_RCVD },
	{ "FIN_WAIT1",		TCPSM_STATE_FIN_WAIT_1 },
	{ "FIN_WAIT2",		TCPSM_STATE_FIN_WAIT_2 },
	{ "ESTAB",		TCPSM_STATE_ESTABLISHED },
	{ "CLOSE",		TCPSM_STATE_CLOSED },
	{ "UNCONN",		TCPSM_STATE_CLOSED },
	{ "UNCONNECTED",	TCPSM_STATE_CLOSED },
	{ "LISTENING",		TCPSM_STATE_LISTEN },
};

int tcpsm_state_from_name(const char *name)
{
	char buf[24];		/* "TCP_ESTABLISHED" and room to spare */
	const char *n = buf;
	size_t i, len = strlen(name);

	if (len == 0 || len >= sizeof(buf))
		return -1;
	for (i = 0; i <= len; i++) {	/* ASCII only, whatever the locale */
		char c = name[i];

		buf[i] = c == '-' ? '_' : c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
	}
	if (strncmp(n, "TCP_", 4) == 0)
		n += 4;
	for (i = 0; i < TCPSM_NUM_STATES; i++)
		if (strcmp(n, state_names[i]) == 0)
			return (int)i;
	for (i = 0; i < sizeof(state_aliases) / sizeof(state_aliases[0]); i++)
		if (strcmp(n, state_aliases[i].name) == 0)
			return (int)state_aliases[i].state;
	return -1;
}
