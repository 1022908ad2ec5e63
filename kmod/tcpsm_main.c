// SPDX-License-Identifier: GPL-2.0
/*
 * tcpsm: live TCP connection-lifecycle telemetry.
 *
 * Init builds from the bottom up so that each step can unwind the ones
 * before it: per-namespace counters, then the hooks that fill them, then
 * the netlink family that reads them (registered last, so no request can
 * arrive before there is something to read). Exit runs in reverse: no new
 * request, no handler running (tracepoint_synchronize_unregister), then
 * the counters are freed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <net/genetlink.h>

#include "tcpsm.h"

static int __init tcpsm_init(void)
{
	int err;

	err = tcpsm_pernet_register();
	if (err)
		return err;
	err = tcpsm_hooks_register();
	if (err)
		goto err_pernet;
	err = tcpsm_genl_register();
	if (err)
		goto err_hooks;
	return 0;

err_hooks:
	tcpsm_hooks_unregister();
err_pernet:
	tcpsm_pernet_unregister();
	return err;
}

static void __exit tcpsm_exit(void)
{
	tcpsm_genl_unregister();
	tcpsm_hooks_unregister();
	tcpsm_pernet_unregister();
}

module_init(tcpsm_init);
module_exit(tcpsm_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The tcpsm authors");
MODULE_DESCRIPTION("TCP state gauges and transition matrix per network namespace, over generic netlink");
MODULE_ALIAS_GENL_FAMILY(TCPSM_FAMILY_NAME);
