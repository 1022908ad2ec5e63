/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/tcpsm.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_TCPSM_H
#define _UAPI_LINUX_TCPSM_H

#include <linux/types.h>

#define TCPSM_FAMILY_NAME	"tcpsm"
#define TCPSM_FAMILY_VERSION	2

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

/**
 * enum tcpsm_alarm_kind - What an alarm is about.
 * @TCPSM_ALARM_KIND_CLOSEWAIT_LEAK: A local port's CLOSE_WAIT sockets pile up:
 *   its application does not close the connections its peers closed (a socket
 *   leak).
 * @TCPSM_ALARM_KIND_SYN_FLOOD: A listener's SYN queue is full or it sends SYN
 *   cookies, and the half-open connections do not complete (few cookies come
 *   back, SYN-ACKs are retransmitted): SYNs that no client follows up.
 * @TCPSM_ALARM_KIND_ACCEPT_QUEUE_OVERFLOW: A listener's accept queue is full
 *   and connections are dropped: the application does not call accept() fast
 *   enough. Not a flood.
 */
enum tcpsm_alarm_kind {
	TCPSM_ALARM_KIND_CLOSEWAIT_LEAK = 1,
	TCPSM_ALARM_KIND_SYN_FLOOD,
	TCPSM_ALARM_KIND_ACCEPT_QUEUE_OVERFLOW,
};

/**
 * enum tcpsm_syn_counter - The namespace's SNMP counters about listeners
 *   (nstat's TcpExt* names without the prefix).
 */
enum tcpsm_syn_counter {
	TCPSM_SYN_COUNTER_TCP_REQ_QFULL_DO_COOKIES = 1,
	TCPSM_SYN_COUNTER_TCP_REQ_QFULL_DROP,
	TCPSM_SYN_COUNTER_SYNCOOKIES_SENT,
	TCPSM_SYN_COUNTER_SYNCOOKIES_RECV,
	TCPSM_SYN_COUNTER_SYNCOOKIES_FAILED,
	TCPSM_SYN_COUNTER_LISTEN_OVERFLOWS,
	TCPSM_SYN_COUNTER_LISTEN_DROPS,
};

enum tcpsm_alarm_state {
	TCPSM_ALARM_STATE_RAISE = 1,
	TCPSM_ALARM_STATE_CLEAR,
};

enum {
	TCPSM_A_STATS_PAD = 1,
	TCPSM_A_STATS_NETNS,
	TCPSM_A_STATS_ALL_NETNS,
	TCPSM_A_STATS_STATE,
	TCPSM_A_STATS_TRANSITION,
	TCPSM_A_STATS_EVENTS_DROPPED,
	TCPSM_A_STATS_CLOSEWAIT_UNTRACKED,
	TCPSM_A_STATS_ALARMS_ACTIVE,
	TCPSM_A_STATS_SYN_COUNTER,

	__TCPSM_A_STATS_MAX,
	TCPSM_A_STATS_MAX = (__TCPSM_A_STATS_MAX - 1)
};

enum {
	TCPSM_A_SYN_COUNTER_PAD = 1,
	TCPSM_A_SYN_COUNTER_NAME,
	TCPSM_A_SYN_COUNTER_VALUE,
	TCPSM_A_SYN_COUNTER_RATE,

	__TCPSM_A_SYN_COUNTER_MAX,
	TCPSM_A_SYN_COUNTER_MAX = (__TCPSM_A_SYN_COUNTER_MAX - 1)
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
	TCPSM_A_CONFIG_NETNS = 1,
	TCPSM_A_CONFIG_CLOSEWAIT_COUNT,
	TCPSM_A_CONFIG_CLOSEWAIT_AGE,
	TCPSM_A_CONFIG_CLOSEWAIT_WINDOW,
	TCPSM_A_CONFIG_SYNFLOOD_RAISE,
	TCPSM_A_CONFIG_SYNFLOOD_CLEAR,
	TCPSM_A_CONFIG_SYNFLOOD_DURATION,

	__TCPSM_A_CONFIG_MAX,
	TCPSM_A_CONFIG_MAX = (__TCPSM_A_CONFIG_MAX - 1)
};

enum {
	TCPSM_A_SOCKET_PAD = 1,
	TCPSM_A_SOCKET_UID,
	TCPSM_A_SOCKET_INO,
	TCPSM_A_SOCKET_COOKIE,
	TCPSM_A_SOCKET_CGROUP,
	TCPSM_A_SOCKET_AGE,
	TCPSM_A_SOCKET_FAMILY,
	TCPSM_A_SOCKET_DADDR,
	TCPSM_A_SOCKET_DPORT,
	TCPSM_A_SOCKET_SADDR,

	__TCPSM_A_SOCKET_MAX,
	TCPSM_A_SOCKET_MAX = (__TCPSM_A_SOCKET_MAX - 1)
};

enum {
	TCPSM_A_CLOSEWAIT_PAD = 1,
	TCPSM_A_CLOSEWAIT_NETNS,
	TCPSM_A_CLOSEWAIT_PORT,
	TCPSM_A_CLOSEWAIT_COUNT,
	TCPSM_A_CLOSEWAIT_OLDEST_AGE,
	TCPSM_A_CLOSEWAIT_GROWTH,
	TCPSM_A_CLOSEWAIT_ENTRIES,
	TCPSM_A_CLOSEWAIT_EXITS,
	TCPSM_A_CLOSEWAIT_UNTRACKED,
	TCPSM_A_CLOSEWAIT_ALARM,
	TCPSM_A_CLOSEWAIT_SOCKET,
	TCPSM_A_CLOSEWAIT_ALL_NETNS,

	__TCPSM_A_CLOSEWAIT_MAX,
	TCPSM_A_CLOSEWAIT_MAX = (__TCPSM_A_CLOSEWAIT_MAX - 1)
};

enum {
	TCPSM_A_ALARM_PAD = 1,
	TCPSM_A_ALARM_KIND,
	TCPSM_A_ALARM_STATE,
	TCPSM_A_ALARM_TS,
	TCPSM_A_ALARM_NETNS,
	TCPSM_A_ALARM_PORT,
	TCPSM_A_ALARM_COUNT,
	TCPSM_A_ALARM_OLDEST_AGE,
	TCPSM_A_ALARM_GROWTH,
	TCPSM_A_ALARM_SOCKET,
	TCPSM_A_ALARM_SCORE,
	TCPSM_A_ALARM_LISTENER,
	TCPSM_A_ALARM_ALL_NETNS,

	__TCPSM_A_ALARM_MAX,
	TCPSM_A_ALARM_MAX = (__TCPSM_A_ALARM_MAX - 1)
};

enum {
	TCPSM_A_LISTENER_PAD = 1,
	TCPSM_A_LISTENER_NETNS,
	TCPSM_A_LISTENER_FAMILY,
	TCPSM_A_LISTENER_SADDR,
	TCPSM_A_LISTENER_PORT,
	TCPSM_A_LISTENER_SYN_QUEUE,
	TCPSM_A_LISTENER_SYN_QUEUE_MAX,
	TCPSM_A_LISTENER_ACCEPT_QUEUE,
	TCPSM_A_LISTENER_ACCEPT_QUEUE_MAX,
	TCPSM_A_LISTENER_COOKIES,
	TCPSM_A_LISTENER_SYNACK_RETRANS,
	TCPSM_A_LISTENER_DROPS,
	TCPSM_A_LISTENER_OVERFLOW,
	TCPSM_A_LISTENER_COMPLETION,
	TCPSM_A_LISTENER_SCORE,
	TCPSM_A_LISTENER_ACCEPT_SCORE,
	TCPSM_A_LISTENER_SYN_FLOOD,
	TCPSM_A_LISTENER_ACCEPT_QUEUE_OVERFLOW,

	__TCPSM_A_LISTENER_MAX,
	TCPSM_A_LISTENER_MAX = (__TCPSM_A_LISTENER_MAX - 1)
};

enum {
	TCPSM_A_LISTENERS_LISTENER = 1,
	TCPSM_A_LISTENERS_ALL_NETNS,

	__TCPSM_A_LISTENERS_MAX,
	TCPSM_A_LISTENERS_MAX = (__TCPSM_A_LISTENERS_MAX - 1)
};

enum {
	TCPSM_A_LATENCY_PAD = 1,
	TCPSM_A_LATENCY_NETNS,
	TCPSM_A_LATENCY_STATE,
	TCPSM_A_LATENCY_PORT,
	TCPSM_A_LATENCY_COUNT,
	TCPSM_A_LATENCY_SUM_NS,
	TCPSM_A_LATENCY_UNKNOWN,
	TCPSM_A_LATENCY_BUCKET,
	TCPSM_A_LATENCY_PORT_OVERFLOW,
	TCPSM_A_LATENCY_ALL_NETNS,

	__TCPSM_A_LATENCY_MAX,
	TCPSM_A_LATENCY_MAX = (__TCPSM_A_LATENCY_MAX - 1)
};

enum {
	TCPSM_A_EVENTS_RECORD = 2,

	__TCPSM_A_EVENTS_MAX,
	TCPSM_A_EVENTS_MAX = (__TCPSM_A_EVENTS_MAX - 1)
};

enum {
	TCPSM_CMD_GET_STATS = 1,
	TCPSM_CMD_EVENT,
	TCPSM_CMD_GET_CONFIG,
	TCPSM_CMD_SET_CONFIG,
	TCPSM_CMD_GET_CLOSEWAIT,
	TCPSM_CMD_GET_ALARMS,
	TCPSM_CMD_ALARM,
	TCPSM_CMD_GET_LISTENERS,
	TCPSM_CMD_GET_LATENCY,

	__TCPSM_CMD_MAX,
	TCPSM_CMD_MAX = (__TCPSM_CMD_MAX - 1)
};

#define TCPSM_MCGRP_EVENTS	"events"
#define TCPSM_MCGRP_ALERTS	"alerts"
#define TCPSM_MCGRP_EVENTS_ALL	"events-all"
#define TCPSM_MCGRP_ALERTS_ALL	"alerts-all"

/**
 * struct tcpsm_event_record - One edge, as group events sends it: a fixed
 *   record, so that a busy host's stream costs one copy per edge to build and
 *   to read.
 * @seq: Sequence number of the event in its namespace, from 1 at load, without
 *   gaps as sent by the module: a reader that sees a gap of N lost N events
 *   (dropped in the module, or overrun in its own receive buffer).
 * @ts: When the edge was taken, CLOCK_MONOTONIC, in nanoseconds.
 * @cookie: The socket cookie, as ss -e shows it (sk:...). A connection keeps
 *   its cookie from its full socket through TIME_WAIT; a half-open connection
 *   (request socket) has its own.
 * @time_in_from_ns: How long the socket was in state from, in nanoseconds:
 *   from the edge that took it there (as tcpsm saw it; for SYN_RCVD, the
 *   kernel's first SYN-ACK time) to this one. All ones (2^64 - 1) where that
 *   is unknown (the socket is older than the module, the module's table of
 *   sockets was full, a SYN-cookie connection) and on edges that begin a
 *   socket (from CLOSED, LISTEN -> SYN_RCVD).
 * @saddr: Local address, network order: 16 bytes for AF_INET6; for AF_INET the
 *   first 4, the rest zero.
 * @daddr: Remote address, as saddr.
 * @netns: Inode number of the network namespace (as in /proc/PID/ns/net).
 * @family: Address family of the socket, AF_INET (2) or AF_INET6 (10).
 * @sport: Local port, host order.
 * @dport: Remote port, host order.
 * @from: enum tcpsm_state
 * @to: enum tcpsm_state
 * @pad: Zero; makes the record a multiple of 8 bytes.
 */
struct tcpsm_event_record {
	__u64 seq;
	__u64 ts;
	__u64 cookie;
	__u64 time_in_from_ns;
	__u8 saddr[16];
	__u8 daddr[16];
	__u32 netns;
	__u16 family;
	__u16 sport;
	__u16 dport;
	__u8 from;
	__u8 to;
	__u8 pad[4];
};

#endif /* _UAPI_LINUX_TCPSM_H */
