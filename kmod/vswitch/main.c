// SPDX-License-Identifier: GPL-2.0
/*
 * vswitch: an L2 switch for VM ports (tap, veth) and uplinks, with MAC
 * learning, port security and per-port counters, configured over the
 * generic netlink family "vswitch" (include/uapi/linux/vswitch.h).
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/rcupdate.h>

#include "netlink.h"
#include "port.h"
#include "switch.h"

static int __init vsw_init(void)
{
	int ret;

	ret = vsw_port_init();
	if (ret)
		return ret;
	ret = vsw_switch_init();
	if (ret)
		goto err_port;
	ret = vsw_nl_init();
	if (ret)
		goto err_switch;
	return 0;

err_switch:
	vsw_switch_exit();
err_port:
	vsw_port_exit();
	return ret;
}

/*
 * Configuration stops first; then every namespace's switches are
 * destroyed (ports detached, internal devices unregistered); the last
 * RCU callbacks (port frees) run before the module text goes.
 */
static void __exit vsw_exit(void)
{
	vsw_nl_exit();
	vsw_switch_exit();
	vsw_port_exit();
	rcu_barrier();
}

module_init(vsw_init);
module_exit(vsw_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("vhv developers");
MODULE_DESCRIPTION("L2 switch for VM ports with MAC learning and port security");
MODULE_ALIAS_GENL_FAMILY(VSWITCH_FAMILY_NAME);
