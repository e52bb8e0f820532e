/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VHV_STEAL_H
#define _VHV_STEAL_H

#include <linux/percpu.h>
#include <linux/types.h>

struct task_struct;
struct vhv_vcpu;
struct vhv_vm;

/**
 * enum vhv_steal_class - who held the CPU while a vCPU was ready
 * @VHV_STEAL_SAME_VM: another vCPU of the same VM
 * @VHV_STEAL_OTHER_VMS: a vCPU of another VM
 * @VHV_STEAL_KSWAPD: kswapd
 * @VHV_STEAL_KSMD: ksmd
 * @VHV_STEAL_VHOST: a vhost worker (vhost-<pid>)
 * @VHV_STEAL_KWORKER: a workqueue worker
 * @VHV_STEAL_KTHREAD: another kernel thread
 * @VHV_STEAL_PROCESS: any other thread (a VMM's own threads included)
 * @VHV_STEAL_UNATTRIBUTED: not known: the wait began on another CPU or
 *	before the CPU's record starts, or ended an idle CPU's wakeup
 */
enum vhv_steal_class {
	VHV_STEAL_SAME_VM,
	VHV_STEAL_OTHER_VMS,
	VHV_STEAL_KSWAPD,
	VHV_STEAL_KSMD,
	VHV_STEAL_VHOST,
	VHV_STEAL_KWORKER,
	VHV_STEAL_KTHREAD,
	VHV_STEAL_PROCESS,
	VHV_STEAL_UNATTRIBUTED,
	VHV_STEAL_NR,
};

extern const char *const vhv_steal_names[VHV_STEAL_NR];

/* Other VMs a vCPU records by id in one worker period (more: unlisted). */
#define VHV_STEAL_SLOTS		4
/* Other VMs a VM lists by id (by_vm in the snapshot). */
#define VHV_STEAL_BY_VM		8

/**
 * struct vhv_steal_slot - time taken by one other VM
 * @id: its vhv id, 0 for a free slot
 * @ns: nanoseconds
 */
struct vhv_steal_slot {
	u32 id;
	u64 ns;
};

/**
 * struct vhv_vcpu_steal - a vCPU's ready time by culprit
 * @ns: per class, cumulative (written by the looks only)
 * @by: other VMs, per worker period phase: the looks add to
 *	@by[vhv_steal_phase], the worker empties the other one
 */
struct vhv_vcpu_steal {
	u64 ns[VHV_STEAL_NR];
	struct vhv_steal_slot by[2][VHV_STEAL_SLOTS];
};

/**
 * struct vhv_vm_steal - a VM's ready time by culprit (vhv_reg.lock)
 * @gone: per class, of its reaped vCPUs
 * @by: the other VMs that took the most, merged by the worker
 */
struct vhv_vm_steal {
	u64 gone[VHV_STEAL_NR];
	struct vhv_steal_slot by[VHV_STEAL_BY_VM];
};

/* A vCPU may be waiting on this CPU: record its switches (steal.c). */
DECLARE_PER_CPU(bool, vhv_steal_armed);

/* Probe context: the sched_switch probe, on every switch. */
static inline bool vhv_steal_on(void)
{
	return __this_cpu_read(vhv_steal_armed);
}

/* Probe context (IRQs off, on the CPU that switches or looks). */
void vhv_steal_switch(struct task_struct *prev, struct task_struct *next);
void vhv_steal_own(struct vhv_vcpu *e, struct task_struct *t);
void vhv_steal_arm(int cpu);
void vhv_steal_attribute(struct vhv_vcpu *e, const struct task_struct *t,
			 u64 ns);

/* Process context. */
void vhv_steal_fold(struct vhv_vm *vm, struct vhv_vcpu *e);
void vhv_steal_vm(struct vhv_vm *vm, u64 *ns, struct vhv_steal_slot *by);
bool vhv_steal_flip(void);
void vhv_steal_harvest_locked(struct vhv_vm *vm);

#endif /* _VHV_STEAL_H */
