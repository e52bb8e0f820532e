// SPDX-License-Identifier: GPL-2.0
/*
 * vtpm: per-VM TPM 2.0 instances in the kernel. Each instance is a TPM
 * chip registered with the kernel's TPM core (/dev/tpmN, /dev/tpmrmN, for
 * QEMU's "-tpmdev passthrough"), backed by the in-kernel engine
 * (engine/), and managed over the generic netlink family "vtpm"
 * (include/uapi/linux/vtpm.h).
 */
#include <linux/init.h>
#include <linux/module.h>

#include "instance.h"
#include "netlink.h"
#include "plat.h"

static int __init vtpm_init(void)
{
	int ret;

	ret = vtpm_instance_init();
	if (ret)
		return ret;
	ret = vtpm_plat_init();
	if (ret)
		return ret;
	ret = vtpm_nl_init();
	if (ret)
		goto err_plat;
	return 0;

err_plat:
	vtpm_plat_exit();
	return ret;
}

/*
 * Configuration stops first; then every instance is unregistered (a last
 * TPM2_Shutdown each) and freed; the hash transforms go last.
 */
static void __exit vtpm_exit(void)
{
	vtpm_nl_exit();
	vtpm_instance_exit();
	vtpm_plat_exit();
}

module_init(vtpm_init);
module_exit(vtpm_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("vhv developers");
MODULE_DESCRIPTION("Per-VM TPM 2.0 instances backed by an in-kernel engine");
MODULE_ALIAS_GENL_FAMILY(VTPM_FAMILY_NAME);
