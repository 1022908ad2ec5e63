/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The alarm settings of each namespace (tcpsm_settings.c): GET_CONFIG,
 * SET_CONFIG, and the module parameters new namespaces start with.
 */
#ifndef _TCPSM_SETTINGS_H
#define _TCPSM_SETTINGS_H

#include "tcpsm_pernet.h"

int tcpsm_settings_init(void);
void tcpsm_settings_net_init(struct tcpsm_net *tn);

#endif /* _TCPSM_SETTINGS_H */
