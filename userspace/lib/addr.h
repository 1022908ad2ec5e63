/* SPDX-License-Identifier: GPL-2.0 */
/* tcpsm: the addresses the module sends: AF_INET or AF_INET6, network order. */
#ifndef TCPSM_ADDR_H
#define TCPSM_ADDR_H

#include <stdint.h>

/* The length of an address of family: 4, 16, or -1 for any other family. */
int tcpsm_addr_len(uint16_t family);

#endif /* TCPSM_ADDR_H */
