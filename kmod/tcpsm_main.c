// SPDX-License-Identifier: GPL-2.0
/*
 * tcpsm: live TCP connection-lifecycle telemetry.
 *
 * Init builds from the bottom up so that each step can unwind the ones
 * before it: the CLOSE_WAIT record rings, the table of sockets' entry
 * times into their state, per-namespace counters, the
 * event buffers, the netlink family that reads the ones and sends the
 * other, the hooks that fill them all (they test the family's events
 * group for listeners), the listener tracker (after the hook, so that a
 * listener opened meanwhile is not missed), and last the CLOSE_WAIT
 * sampler. Both samplers send alarms. A test build (TCPSM_INJECT) then
 * adds its edge injector, which calls the events path like a hook, and
 * stops it first at exit. Exit runs in reverse: no hook
 * running (tracepoint_synchronize_unregister), no listener held, no
 * sample, the events they left sent, no request, then the memory is
 * freed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <net/genetlink.h>

#include "tcpsm_cw.h"
#include "tcpsm_events.h"
#include "tcpsm_genl.h"
#include "tcpsm_hooks.h"
#include "tcpsm_inject.h"
#include "tcpsm_listen.h"
#include "tcpsm_pernet.h"
#include "tcpsm_settings.h"
#include "tcpsm_tis.h"

static int __init tcpsm_init(void)
{
	int err;

	err = tcpsm_settings_init();
	if (err)
		return err;
	err = tcpsm_cw_init();
	if (err)
		return err;
	err = tcpsm_tis_init();
	if (err)
		goto err_cw;
	err = tcpsm_pernet_register();
	if (err)
		goto err_tis;
	err = tcpsm_events_init();
	if (err)
		goto err_pernet;
	err = tcpsm_genl_register();
	if (err)
		goto err_events;
	err = tcpsm_hooks_register();
	if (err)
		goto err_genl;
	err = tcpsm_ls_start();
	if (err)
		goto err_hooks;
	tcpsm_cw_start();
	/* test builds only: it calls the events path, which is all up now */
	tcpsm_inject_init();
	return 0;

err_hooks:
	tcpsm_hooks_unregister();
	tcpsm_ls_stop();
err_genl:
	tcpsm_genl_unregister();
err_events:
	tcpsm_events_stop();
	tcpsm_events_free();
err_pernet:
	tcpsm_pernet_unregister();
err_tis:
	tcpsm_tis_free();
err_cw:
	tcpsm_cw_free();
	return err;
}

static void __exit tcpsm_exit(void)
{
	/* test builds only: no injected edge from here on */
	tcpsm_inject_exit();
	tcpsm_hooks_unregister();
	tcpsm_ls_stop();
	tcpsm_cw_stop();
	tcpsm_events_stop();
	tcpsm_genl_unregister();
	tcpsm_pernet_unregister();
	tcpsm_events_free();
	tcpsm_tis_free();
	tcpsm_cw_free();
}

module_init(tcpsm_init);
module_exit(tcpsm_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The tcpsm authors");
MODULE_DESCRIPTION("TCP state gauges and transition matrix per network namespace, over generic netlink");
MODULE_ALIAS_GENL_FAMILY(TCPSM_FAMILY_NAME);
/* scripts/version.sh, through kmod/Kbuild: the CLI and packages print the same */
MODULE_VERSION(TCPSM_VERSION);
