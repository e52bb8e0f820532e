// SPDX-License-Identifier: GPL-2.0
/*
 * Module parameters. Both are plain unsigned ints read locklessly; a write
 * outside the documented range is refused with -EINVAL and changes nothing.
 * Kernels built with CONFIG_FAULT_INJECTION have a third, load-time only,
 * for the fault-injection selftests.
 */
#include <linux/moduleparam.h>
#include <linux/kernel.h>
#include <linux/time64.h>
#include <linux/sysfs.h>

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

static int range_set(const char *buf, const struct kernel_param *kp)
{
	struct vhv_param_range *p = kp->arg;
	unsigned int v;
	int ret;

	ret = kstrtouint(buf, 0, &v);
	if (ret)
		return -EINVAL;
	if (v < p->min || v > p->max)
		return -EINVAL;
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

unsigned int vhv_params_stall_ms(void)
{
	return READ_ONCE(stall_ms.val);
}

u64 vhv_params_ready_trace_ns(void)
{
	return (u64)READ_ONCE(ready_trace_us.val) * NSEC_PER_USEC;
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
