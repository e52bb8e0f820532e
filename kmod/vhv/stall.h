/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VHV_STALL_H
#define _VHV_STALL_H

#include <linux/types.h>

struct vhv_vm;

/**
 * struct vhv_stall - stall detector state of one VM (vhv_reg.lock)
 * @stalled: the VM is stalled now
 * @count: number of stalls seen
 * @since: jiffies of the last heartbeat before the current stall
 */
struct vhv_stall {
	bool stalled;
	u64 count;
	unsigned long since;
};

void vhv_stall_check(struct vhv_vm *vm, bool resync);

#endif /* _VHV_STALL_H */
