/* SPDX-License-Identifier: GPL-2.0 */
/* Edges as events on group "events", batched per CPU (tcpsm_events.c). */
#ifndef _TCPSM_EVENTS_H
#define _TCPSM_EVENTS_H

#include <net/sock.h>

#include "tcpsm_pernet.h"

int tcpsm_events_init(void);
void tcpsm_events_stop(void);
void tcpsm_events_free(void);
void tcpsm_events_flush(void);
void tcpsm_event_add(struct tcpsm_net *tn, struct tcpsm_pcpu __percpu *pc,
		     int from, int to, struct sock *sk, u64 tis);

#endif /* _TCPSM_EVENTS_H */
