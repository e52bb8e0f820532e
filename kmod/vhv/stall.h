/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VHV_STALL_H
#define _VHV_STALL_H

#include <linux/types.h>

struct vhv_vm;

/**
 * enum vhv_vm_status - a VM as the stall detector sees it
 * @VHV_VM_OK: no vCPU stalled
 * @VHV_VM_DEGRADED: some vCPUs stalled, not all
 * @VHV_VM_STALLED: every vCPU stalled
 * @VHV_VM_PAUSED: every vCPU left KVM together and stays in the VMM
 */
enum vhv_vm_status {
	VHV_VM_OK,
	VHV_VM_DEGRADED,
	VHV_VM_STALLED,
	VHV_VM_PAUSED,
	VHV_VM_STATUS_MAX,
};

extern const char *const vhv_vm_status_names[VHV_VM_STATUS_MAX];

/**
 * struct vhv_stall - stall detector state of one VM (vhv_reg.lock)
 * @status: the VM's status now
 * @stalled: at least one vCPU is stalled now
 * @paused: the VM is paused now
 * @nr_stalled: stalled vCPUs now
 * @count: episodes of @stalled
 * @pause_count: episodes of @paused
 * @since: jiffies the current stall counts from (the oldest stalled vCPU's
 *	last sign of life)
 * @paused_since: jiffies the worker first saw the pause
 */
struct vhv_stall {
	enum vhv_vm_status status;
	bool stalled;
	bool paused;
	unsigned int nr_stalled;
	u64 count;
	u64 pause_count;
	unsigned long since;
	unsigned long paused_since;
};

void vhv_stall_check(struct vhv_vm *vm, bool resync);

#endif /* _VHV_STALL_H */
