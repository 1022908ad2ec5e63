/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the C selftests. */
#ifndef _TCPSM_TEST_H
#define _TCPSM_TEST_H

#include <stdio.h>

#include <netlink/genl/genl.h>
#include <netlink/socket.h>

/* tcpsm.ko's module reference count, -1 if it is not loaded. */
static inline int tcpsm_refcnt(void)
{
	FILE *f = fopen("/sys/module/tcpsm/refcnt", "r");
	int r = -1;

	if (f) {
		if (fscanf(f, "%d", &r) != 1)
			r = -1;
		fclose(f);
	}
	return r;
}

/*
 * A connected generic netlink socket for raw use: no automatic ACKs and
 * no sequence checks (the tests read and check every reply themselves).
 * NULL on failure.
 */
static inline struct nl_sock *tcpsm_raw_genl_sock(void)
{
	struct nl_sock *sk = nl_socket_alloc();

	if (!sk)
		return NULL;
	nl_socket_disable_auto_ack(sk);
	nl_socket_disable_seq_check(sk);
	if (genl_connect(sk)) {
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

#endif /* _TCPSM_TEST_H */
