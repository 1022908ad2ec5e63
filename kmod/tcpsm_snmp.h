/* SPDX-License-Identifier: GPL-2.0 */
/* A namespace's listener SNMP counters, sampled (tcpsm_snmp.c). */
#ifndef _TCPSM_SNMP_H
#define _TCPSM_SNMP_H

#include <net/sock.h>

#include "tcpsm_pernet.h"

void tcpsm_snmp_sample(struct tcpsm_net *tn, u64 now);
u64 tcpsm_snmp_overflow(const struct tcpsm_net *tn);
u32 tcpsm_snmp_completion(const struct tcpsm_net *tn, bool *sent);
int tcpsm_snmp_put(struct sk_buff *skb, struct tcpsm_net *tn);
size_t tcpsm_snmp_size(void);

#endif /* _TCPSM_SNMP_H */
