// SPDX-License-Identifier: GPL-2.0
/*
 * Stall detector, per vCPU. At each run the worker samples every vCPU's
 * state (vhv_vcpu_state()). A vCPU is stalled when it has not entered the
 * guest for stall_ms while it should have: its last sign of life (its
 * heartbeat, the last look that found KVM's exit count grown, which the
 * worker's IPI forces once per period for a vCPU that keeps running; or
 * the worker's last sample that found it in guest mode, halted or waiting
 * for a swap-in) is older than stall_ms
 * and it is now ready, blocked in KVM, running in KVM outside guest mode,
 * in the VMM or stopped. A halted or swap-waiting vCPU never stalls, nor
 * does one on a CPU in guest mode.
 *
 * A VM whose vCPUs all left KVM within two worker periods of each other
 * and stay in the VMM (for a period, at least) is paused (QEMU's "stop",
 * a migration's last phase), not stalled. A VM with stalled vCPUs is
 * degraded, or stalled when all of them are. Every edge is reported: per
 * vCPU by a tracepoint, per VM by a tracepoint and a uevent.
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

const char *const vhv_vm_status_names[VHV_VM_STATUS_MAX] = {
	[VHV_VM_OK] = "ok",
	[VHV_VM_DEGRADED] = "degraded",
	[VHV_VM_STALLED] = "stalled",
	[VHV_VM_PAUSED] = "paused",
};

/* States in which a vCPU should be entering the guest and is not. */
static bool can_stall(enum vhv_vcpu_state st)
{
	switch (st) {
	case VHV_ST_KVM:
	case VHV_ST_READY:
	case VHV_ST_BLOCKED:
	case VHV_ST_VMM:
	case VHV_ST_STOPPED:
		return true;
	default:
		return false;
	}
}

/* Why a vCPU in @st is not in the guest, for the stall event. */
static const char *stall_reason(struct vhv_vcpu *e, enum vhv_vcpu_state st)
{
	switch (st) {
	case VHV_ST_KVM:
		return "running in KVM without entering the guest";
	case VHV_ST_READY:
		return "runnable, waiting for a CPU";
	case VHV_ST_BLOCKED:
		return "sleeping in KVM (not a halt, not a swap-in)";
	case VHV_ST_VMM:
		return "outside KVM_RUN, in the VMM";
	case VHV_ST_STOPPED:
		return READ_ONCE(e->task->__state) & __TASK_TRACED ?
		       "ptrace stop" : "stopped by a signal";
	default:
		return "";
	}
}

/* Sample the state. */
static void vcpu_sample(struct vhv_vcpu *e, unsigned long now)
{
	enum vhv_vcpu_state st = vhv_vcpu_state(e);

	if (st != e->st) {
		WRITE_ONCE(e->st, st);
		WRITE_ONCE(e->st_since, now);
	}
	/* In guest mode without exits (exits disabled, nohz_full): alive. */
	if (st == VHV_ST_GUEST)
		WRITE_ONCE(e->hb, now);
	if (!can_stall(st))
		e->fine_at = now;
}

/*
 * Every vCPU is in the VMM (not stopped, not halted there), the worker saw
 * them all get there within two periods, and they have all stayed there
 * for a period since (a VMM that is exiting does not count as a pause).
 */
static bool vm_paused(struct vhv_vm *vm, unsigned long now,
		      unsigned long period)
{
	unsigned long lo = 0, hi = 0;
	struct vhv_vcpu *e;
	bool first = true;

	list_for_each_entry(e, &vm->vcpus, node) {
		if (e->st != VHV_ST_VMM)
			return false;
		if (first || time_before(e->st_since, lo))
			lo = e->st_since;
		if (first || time_after(e->st_since, hi))
			hi = e->st_since;
		first = false;
	}
	return !first && time_before_eq(hi, lo + 2 * period) &&
	       time_after_eq(now, hi + period);
}

static void vcpu_check(struct vhv_vm *vm, struct vhv_vcpu *e,
		       unsigned long now, unsigned long alive,
		       unsigned long limit, bool paused, bool resync)
{
	bool stalled = !paused && can_stall(e->st) &&
		       time_after_eq(now, alive + limit);
	unsigned long hb, end;

	if (stalled == e->stalled || (stalled && resync))
		return;
	WRITE_ONCE(e->stalled, stalled);
	if (stalled) {
		WRITE_ONCE(e->stall_count, e->stall_count + 1);
		e->stall_since = alive;
		trace_vhv_vcpu_stall(vm->id, e->idx, e->tid,
				     vhv_vcpu_state_names[e->st],
				     stall_reason(e, e->st),
				     jiffies64_to_msecs(now - alive));
		return;
	}
	/* Ended by a VM entry, by a state that cannot stall, or a pause. */
	hb = READ_ONCE(e->hb);
	end = time_after(hb, e->stall_since) ? hb : now;
	trace_vhv_vcpu_recover(vm->id, e->idx, e->tid,
			       vhv_vcpu_state_names[e->st],
			       jiffies64_to_msecs(end - e->stall_since));
}

/**
 * vhv_stall_check() - sample a VM's vCPUs and update its stall state
 * @vm: the VM
 * @resync: the worker ran late: the heartbeats' ages say nothing, so do
 *	not report a new stall now (a recovery still is)
 *
 * Context: the worker, vhv_reg.lock held.
 */
void vhv_stall_check(struct vhv_vm *vm, bool resync)
{
	unsigned long period = msecs_to_jiffies(vhv_reg_period_ms());
	unsigned long limit = msecs_to_jiffies(vhv_params_stall_ms());
	struct vhv_stall *st = &vm->stall;
	unsigned long now = jiffies, oldest = now, end;
	unsigned int nr = 0, nr_stalled = 0;
	enum vhv_vm_status status;
	struct vhv_vcpu *e;
	bool paused;

	lockdep_assert_held(&vhv_reg.lock);

	list_for_each_entry(e, &vm->vcpus, node)
		vcpu_sample(e, now);
	paused = vm_paused(vm, now, period);
	list_for_each_entry(e, &vm->vcpus, node) {
		unsigned long hb = READ_ONCE(e->hb);
		unsigned long alive = time_after(hb, e->fine_at) ? hb :
						 e->fine_at;

		vcpu_check(vm, e, now, alive, limit, paused, resync);
		nr++;
		if (e->stalled) {
			nr_stalled++;
			if (time_before(e->stall_since, oldest))
				oldest = e->stall_since;
		}
	}

	if (paused)
		status = VHV_VM_PAUSED;
	else if (!nr_stalled)
		status = VHV_VM_OK;
	else
		status = nr_stalled == nr ? VHV_VM_STALLED : VHV_VM_DEGRADED;
	WRITE_ONCE(st->status, status);
	WRITE_ONCE(st->nr_stalled, nr_stalled);

	if (paused != st->paused) {
		st->paused = paused;
		if (paused) {
			st->pause_count++;
			st->paused_since = now;
			trace_vhv_vm_pause(vm->id, vm->pid, nr);
			vhv_sysfs_vm_uevent(vm, "pause");
		} else {
			trace_vhv_vm_resume(vm->id, vm->pid,
				jiffies64_to_msecs(now - st->paused_since));
			vhv_sysfs_vm_uevent(vm, "resume");
		}
	}

	if (!!nr_stalled == st->stalled)
		return;
	st->stalled = nr_stalled;
	if (nr_stalled) {
		st->count++;
		st->since = oldest;
		trace_vhv_vm_stall(vm->id, vm->pid,
				   jiffies64_to_msecs(now - oldest),
				   nr_stalled, nr);
		vhv_sysfs_vm_uevent(vm, "stall");
		return;
	}
	/* Ended by a new heartbeat, or by vCPUs that halted or went away. */
	end = vhv_vm_hb(vm);
	end = time_after(end, st->since) ? end : now;
	trace_vhv_vm_recover(vm->id, vm->pid,
			     jiffies64_to_msecs(end - st->since));
	vhv_sysfs_vm_uevent(vm, "recover");
}
