/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels vtpm builds against lives here.
 * Supported: 6.1.y (Debian 12) and 6.12.y (Debian 12 backports).
 */
#ifndef _VTPM_COMPAT_H
#define _VTPM_COMPAT_H

#include <linux/device.h>
#include <linux/version.h>
#include <net/genetlink.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "vtpm needs Linux 6.1 or later"
#endif

/*
 * struct device_type's devnode() takes a const device since 6.2 (and
 * struct class's since 6.3). VTPM_DEVNODE_DEV is the first parameter's
 * type.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define VTPM_DEVNODE_DEV	const struct device
#else
#define VTPM_DEVNODE_DEV	struct device
#endif

/*
 * Generic netlink operations. 6.2 split each command into a "do" and a
 * "dump" entry (struct genl_split_ops), each with its own policy; 6.1 has
 * struct genl_ops, one entry per command holding both handlers and one
 * policy. A command's do and dump share a policy here, so both forms
 * express the same table (as kmod/vswitch/compat.h does):
 *
 *   VTPM_OP_DO(cmd, doit, policy, flags)            do only
 *   VTPM_OP_DO_DUMP(cmd, doit, dumpit, policy, fl)  do and dump
 *   VTPM_FAMILY_OPS(table)                          in struct genl_family
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define vtpm_genl_ops		genl_split_ops
#define VTPM_OP_DO(_cmd, _doit, _pol, _flags)				\
	{ .cmd = (_cmd), .doit = (_doit), .policy = (_pol),		\
	  .maxattr = ARRAY_SIZE(_pol) - 1,				\
	  .flags = (_flags) | GENL_CMD_CAP_DO }
#define VTPM_OP_DO_DUMP(_cmd, _doit, _dumpit, _pol, _flags)		\
	VTPM_OP_DO(_cmd, _doit, _pol, _flags),				\
	{ .cmd = (_cmd), .dumpit = (_dumpit), .policy = (_pol),		\
	  .maxattr = ARRAY_SIZE(_pol) - 1,				\
	  .flags = (_flags) | GENL_CMD_CAP_DUMP }
#define VTPM_FAMILY_OPS(_ops)						\
	.split_ops = (_ops), .n_split_ops = ARRAY_SIZE(_ops)
#else
#define vtpm_genl_ops		genl_ops
#define VTPM_OP_DO(_cmd, _doit, _pol, _flags)				\
	{ .cmd = (_cmd), .doit = (_doit), .policy = (_pol),		\
	  .maxattr = ARRAY_SIZE(_pol) - 1, .flags = (_flags) }
#define VTPM_OP_DO_DUMP(_cmd, _doit, _dumpit, _pol, _flags)		\
	{ .cmd = (_cmd), .doit = (_doit), .dumpit = (_dumpit),		\
	  .policy = (_pol), .maxattr = ARRAY_SIZE(_pol) - 1,		\
	  .flags = (_flags) }
#define VTPM_FAMILY_OPS(_ops)	.ops = (_ops), .n_ops = ARRAY_SIZE(_ops)
#endif

#endif /* _VTPM_COMPAT_H */
