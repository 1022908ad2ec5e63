// SPDX-License-Identifier: GPL-2.0
/* tcpsm: names of the states of enum tcpsm_state. */
#include <stddef.h>
#include <string.h>

#include "states.h"

/*
 * TCPSM_STATES(X): X(NAME) for each TCPSM_STATE_NAME of enum tcpsm_state,
 * in enum order, taken from the generated UAPI header by the Makefile
 * (lib/states.gen.h): the names users see are the enum's.
 */
#include "states.gen.h"

#define STATE_NAME(s)	[TCPSM_STATE_##s] = #s,
#define STATE_ENUM(s)	TCPSM_STATE_##s,

static const char *const state_names[] = { TCPSM_STATES(STATE_NAME) };
static const unsigned int all_states[] = { TCPSM_STATES(STATE_ENUM) };

_Static_assert(sizeof(state_names) / sizeof(state_names[0]) == TCPSM_NUM_STATES &&
	       sizeof(all_states) / sizeof(all_states[0]) == TCPSM_NUM_STATES,
	       "lib/states.gen.h and enum tcpsm_state disagree: make clean");
_Static_assert(TCPSM_STATE_CLOSED == 0, "the gauges are the states after CLOSED");

/* Every state but CLOSED, in enum order. */
const unsigned int *const tcpsm_gauge_states = all_states + 1;

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
