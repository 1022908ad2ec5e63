/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/tcpsm.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_TCPSM_H
#define _UAPI_LINUX_TCPSM_H

#define TCPSM_FAMILY_NAME	"tcpsm"
#define TCPSM_FAMILY_VERSION	1

/**
 * enum tcpsm_state - The states of the TCP state machine as operators know it
 *   (RFC 793), not the kernel's TCP_* numbering. Request sockets count as
 *   syn-rcvd; timewait sockets count as their substate, fin-wait-2 or
 *   time-wait.
 */
enum tcpsm_state {
	TCPSM_STATE_CLOSED,
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

	/* private: */
	__TCPSM_STATE_MAX,
	TCPSM_STATE_MAX = (__TCPSM_STATE_MAX - 1)
};

enum {
	TCPSM_A_STATS_PAD = 1,
	TCPSM_A_STATS_NETNS,
	TCPSM_A_STATS_ALL_NETNS,
	TCPSM_A_STATS_STATE,
	TCPSM_A_STATS_TRANSITION,

	__TCPSM_A_STATS_MAX,
	TCPSM_A_STATS_MAX = (__TCPSM_A_STATS_MAX - 1)
};

enum {
	TCPSM_A_STATE_COUNT_PAD = 1,
	TCPSM_A_STATE_COUNT_STATE,
	TCPSM_A_STATE_COUNT_COUNT,

	__TCPSM_A_STATE_COUNT_MAX,
	TCPSM_A_STATE_COUNT_MAX = (__TCPSM_A_STATE_COUNT_MAX - 1)
};

enum {
	TCPSM_A_TRANSITION_PAD = 1,
	TCPSM_A_TRANSITION_FROM,
	TCPSM_A_TRANSITION_TO,
	TCPSM_A_TRANSITION_COUNT,

	__TCPSM_A_TRANSITION_MAX,
	TCPSM_A_TRANSITION_MAX = (__TCPSM_A_TRANSITION_MAX - 1)
};

enum {
	TCPSM_CMD_GET_STATS = 1,

	__TCPSM_CMD_MAX,
	TCPSM_CMD_MAX = (__TCPSM_CMD_MAX - 1)
};

#endif /* _UAPI_LINUX_TCPSM_H */
