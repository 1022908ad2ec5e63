/* SPDX-License-Identifier: GPL-2.0 */
/* The probes on TCP's state changes: the hot path (tcpsm_hooks.c). */
#ifndef _TCPSM_HOOKS_H
#define _TCPSM_HOOKS_H

int tcpsm_state_of(int tcp_state);
int tcpsm_hooks_register(void);
void tcpsm_hooks_unregister(void);

#endif /* _TCPSM_HOOKS_H */
