// SPDX-License-Identifier: GPL-2.0
/* tcpsm: the addresses the module sends (see addr.h). */
#include <sys/socket.h>

#include "addr.h"

int tcpsm_addr_len(uint16_t family)
{
	switch (family) {
	case AF_INET:
		return 4;
	case AF_INET6:
		return 16;
	default:
		return -1;
	}
}
