// SPDX-License-Identifier: GPL-2.0
/*
 * Stall detector. A VM's heartbeat is the last VM entry of any of its
 * vCPUs that took the probe's slow path; the worker forces one such entry
 * per period on every vCPU that keeps entering the guest. A VM is stalled
 * when the heartbeat is older than stall_ms and none of its vCPUs is
 * halted (waiting for a guest interrupt, the one good reason not to enter
 * the guest). Both edges are reported by a tracepoint and a uevent.
 */
#include <linux/jiffies.h>
#include <linux/list.h>

#include "params.h"
#include "registry.h"
#include "stall.h"
#include "sysfs.h"
#include "trace.h"
#include "vcpu.h"
#include "vm.h"

static bool any_halted(struct vhv_vm *vm)
{
	struct vhv_vcpu *e;

	list_for_each_entry(e, &vm->vcpus, node) {
		if (READ_ONCE(e->halted))
			return true;
	}
	return false;
}

/**
 * vhv_stall_check() - update a VM's stall state
 * @vm: the VM
 * @resync: the worker ran late: the heartbeat's age says nothing, so do
 *	not report a new stall now (a recovery still is)
 *
 * Context: the worker, vhv_reg.lock held.
 */
void vhv_stall_check(struct vhv_vm *vm, bool resync)
{
	struct vhv_stall *st = &vm->stall;
	unsigned long now = jiffies, hb = vhv_vm_hb(vm), end;
	unsigned long limit = msecs_to_jiffies(vhv_params_stall_ms());
	bool stalled;

	lockdep_assert_held(&vhv_reg.lock);

	stalled = vm->nr_vcpus && time_after_eq(now, hb + limit) &&
		  !any_halted(vm);
	if (stalled == st->stalled || (stalled && resync))
		return;

	st->stalled = stalled;
	if (stalled) {
		st->count++;
		st->since = hb;
		trace_vhv_vm_stall(vm->id, vm->pid,
				   jiffies64_to_msecs(now - hb));
		vhv_sysfs_vm_uevent(vm, "stall");
		return;
	}
	/* Ended by a new heartbeat, or by a vCPU that halted. */
	end = time_after(hb, st->since) ? hb : now;
	trace_vhv_vm_recover(vm->id, vm->pid,
			     jiffies64_to_msecs(end - st->since));
	vhv_sysfs_vm_uevent(vm, "recover");
}
