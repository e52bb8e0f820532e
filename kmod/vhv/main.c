// SPDX-License-Identifier: GPL-2.0
/*
 * vhv: per-vCPU ready time, run/guest/halt time, per-VM swap pressure and
 * a stall detector for KVM hosts. Design: Documentation/vhv/design.rst.
 */
#include <linux/init.h>
#include <linux/module.h>

#include "probe.h"
#include "registry.h"
#include "snapshot.h"
#include "sysfs.h"

static int __init vhv_init(void)
{
	int ret;

	ret = vhv_sysfs_init();
	if (ret)
		return ret;
	ret = vhv_snapshot_init();
	if (ret)
		goto err_sysfs;
	ret = vhv_reg_init();
	if (ret)
		goto err_snap;
	ret = vhv_probe_init();
	if (ret)
		goto err_reg;
	return 0;

err_reg:
	vhv_reg_exit();
	vhv_probe_release();
err_snap:
	vhv_snapshot_exit();
err_sysfs:
	vhv_sysfs_exit();
	return ret;
}

static void __exit vhv_exit(void)
{
	vhv_probe_exit();
	vhv_snapshot_exit();
	vhv_reg_exit();
	vhv_probe_release();
	vhv_sysfs_exit();
}

module_init(vhv_init);
module_exit(vhv_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("vhv developers");
MODULE_DESCRIPTION("vCPU ready time, VM swap pressure and stall detection for KVM hosts");
