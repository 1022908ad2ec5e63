/* SPDX-License-Identifier: GPL-2.0 */
/* The probes on TCP's state changes: the hot path (tcpsm_hooks.c). */
#ifndef _TCPSM_HOOKS_H
#define _TCPSM_HOOKS_H

#include <net/inet_sock.h>
#include <net/sock.h>

/*
 * The local port of @sk (full, request or timewait). A full socket's
 * X -> CLOSE comes after the kernel released its port (sk_num 0); its
 * inet_sport still holds it.
 */
static inline u16 tcpsm_sk_port(const struct sock *sk)
{
	u16 port = sk->sk_num;

	if (!port && sk_fullsock(sk))
		port = ntohs(inet_sk(sk)->inet_sport);
	return port;
}

int tcpsm_state_of(int tcp_state);
int tcpsm_hooks_register(void);
void tcpsm_hooks_unregister(void);

#endif /* _TCPSM_HOOKS_H */
