// SPDX-License-Identifier: GPL-2.0
/*
 * Module parameters: unsigned ints with bounds, read locklessly. A value
 * that is not a plain decimal number in its range is refused with -EINVAL
 * and a message that names the parameter and its range, and changes
 * nothing: at load time (insmod vhv.ko stall_ms=0 fails) as at run time.
 * "0x10" and "010" are refused, not read as hex or octal.
 *
 * stall_ms, ready_trace_us and swap_trace_us may be written at any time; max_vms and
 * max_vcpus size the lookup tables and read_gid sets the owner of files,
 * so they are given at load time only.
 * Kernels built with CONFIG_FAULT_INJECTION have a fifth, load-time only,
 * for the fault-injection selftests.
 */
#include <linux/moduleparam.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <linux/sysfs.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>

#include "params.h"

/**
 * struct vhv_param_range - an unsigned int parameter with bounds
 * @val: the value
 * @min: smallest accepted value
 * @max: largest accepted value
 */
struct vhv_param_range {
	unsigned int val;
	unsigned int min;
	unsigned int max;
};

static struct vhv_param_range stall_ms = {
	.val = 5000, .min = 100, .max = 3600000,
};

static struct vhv_param_range ready_trace_us = {
	.val = 10000, .min = 1, .max = 60000000,
};

static struct vhv_param_range swap_trace_us = {
	.val = 10000, .min = 1, .max = 60000000,
};

/* 1,000 VMs of 64 vCPUs fit the defaults. */
static struct vhv_param_range max_vms = {
	.val = 1024, .min = 1, .max = 65536,
};

static struct vhv_param_range max_vcpus = {
	.val = 65536, .min = 1, .max = 1048576,
};

/* The group that may read tenant data (0: root's, so root only). */
static struct vhv_param_range read_gid = {
	.val = 0, .min = 0, .max = 4294967294U,
};

/* Plain decimal: digits only (a trailing newline allowed), no leading 0. */
static int parse_decimal(const char *buf, unsigned int *v)
{
	size_t n = strcspn(buf, "\n");

	if (!n || n != strspn(buf, "0123456789") ||
	    (buf[0] == '0' && n > 1) || (buf[n] && strcmp(buf + n, "\n")))
		return -EINVAL;
	return kstrtouint(buf, 10, v);
}

static int range_set(const char *buf, const struct kernel_param *kp)
{
	struct vhv_param_range *p = kp->arg;
	unsigned int v;

	if (parse_decimal(buf, &v) || v < p->min || v > p->max) {
		pr_err_ratelimited("%s: \"%*pE\" refused: a decimal number in %u..%u (kept %u)\n",
				   kp->name, (int)min_t(size_t, strcspn(buf, "\n"), 32),
				   buf, p->min, p->max, READ_ONCE(p->val));
		return -EINVAL;
	}
	WRITE_ONCE(p->val, v);
	return 0;
}

static int range_get(char *buf, const struct kernel_param *kp)
{
	const struct vhv_param_range *p = kp->arg;

	return sysfs_emit(buf, "%u\n", READ_ONCE(p->val));
}

static const struct kernel_param_ops range_ops = {
	.set = range_set,
	.get = range_get,
};

module_param_cb(stall_ms, &range_ops, &stall_ms, 0644);
MODULE_PARM_DESC(stall_ms,
		 "heartbeat age in ms that makes a VM with no halted vCPU stalled (100..3600000, default 5000)");

module_param_cb(ready_trace_us, &range_ops, &ready_trace_us, 0644);
MODULE_PARM_DESC(ready_trace_us,
		 "shortest ready episode in us reported by vhv:vhv_ready_wait (1..60000000, default 10000)");

module_param_cb(swap_trace_us, &range_ops, &swap_trace_us, 0644);
MODULE_PARM_DESC(swap_trace_us,
		 "shortest swap wait in us reported by vhv:vhv_swap_wait (1..60000000, default 10000)");

module_param_cb(max_vms, &range_ops, &max_vms, 0444);
MODULE_PARM_DESC(max_vms,
		 "most VMs tracked at once, load time only (1..65536, default 1024)");

module_param_cb(max_vcpus, &range_ops, &max_vcpus, 0444);
MODULE_PARM_DESC(max_vcpus,
		 "most vCPUs tracked at once, load time only (1..1048576, default 65536)");

module_param_cb(read_gid, &range_ops, &read_gid, 0444);
MODULE_PARM_DESC(read_gid,
		 "group that may read per-VM and per-vCPU files and the snapshot, load time only (default 0: root only)");

unsigned int vhv_params_stall_ms(void)
{
	return READ_ONCE(stall_ms.val);
}

u64 vhv_params_ready_trace_ns(void)
{
	return (u64)READ_ONCE(ready_trace_us.val) * NSEC_PER_USEC;
}

u64 vhv_params_swap_trace_ns(void)
{
	return (u64)READ_ONCE(swap_trace_us.val) * NSEC_PER_USEC;
}

unsigned int vhv_params_max_vms(void)
{
	return max_vms.val;
}

unsigned int vhv_params_max_vcpus(void)
{
	return max_vcpus.val;
}

/* The group of the tenant-data files: root's unless read_gid names one. */
kgid_t vhv_params_read_gid(void)
{
	kgid_t gid = make_kgid(&init_user_ns, read_gid.val);

	return gid_valid(gid) ? gid : GLOBAL_ROOT_GID;
}

#ifdef CONFIG_FAULT_INJECTION
/*
 * fail_function cannot reach module init: a function can be armed only once
 * its module is loaded. So init's allocation steps ask this parameter
 * instead (the way the kernel's fault-injection guide suggests for one
 * module): fail_init=N makes the Nth step fail with -ENOMEM.
 */
static unsigned int fail_init;
module_param(fail_init, uint, 0);
MODULE_PARM_DESC(fail_init,
		 "tests only: make the Nth allocation step of module init fail (0: none)");

/**
 * vhv_params_fail_init() - should this allocation step of init fail
 *
 * Context: module init only (one thread).
 * Return: true for the step fail_init names.
 */
bool vhv_params_fail_init(void)
{
	static unsigned int step;

	return fail_init && ++step == fail_init;
}
#endif
