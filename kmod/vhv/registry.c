// SPDX-License-Identifier: GPL-2.0
/*
 * The registry: lists of VMs and vCPUs, and the worker that maintains them.
 *
 * Objects are born in the kvm_entry probe (IRQs off): hashed for the probes
 * and pushed on a lockless pending list. The worker (process context)
 * lists them under vhv_reg.lock and gives them sysfs directories. The
 * periodic run of the worker also reaps vCPUs whose thread exited and VMs
 * whose process exited or whose vCPUs are all gone, bumps the epoch (the
 * heartbeat) and runs the stall detector.
 *
 * Reaping: unhash (hash_lock), bump vhv_reg_gen and vhv_reg_epoch, wait a
 * grace period (the probes run with preemption off, so synchronize_rcu()
 * waits for them), then remove from sysfs and drop references, outside
 * vhv_reg.lock.
 */
#include <linux/cpumask.h>
#include <linux/kernel_stat.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "params.h"
#include "probe.h"
#include "registry.h"
#include "stall.h"
#include "steal.h"
#include "sysfs.h"
#include "trace.h"
#include "untracked.h"
#include "vcpu.h"
#include "vm.h"

struct vhv_reg vhv_reg = {
	.lock = __MUTEX_INITIALIZER(vhv_reg.lock),
	.work_lock = __MUTEX_INITIALIZER(vhv_reg.work_lock),
	.hash_lock = __SPIN_LOCK_UNLOCKED(vhv_reg.hash_lock),
	.vms = LIST_HEAD_INIT(vhv_reg.vms),
};

/* Written by the worker only; never 0 (0 marks an invalid per-CPU cache). */
unsigned long vhv_reg_epoch __read_mostly = 1;
unsigned long vhv_reg_gen __read_mostly = 1;
unsigned long vhv_reg_room __read_mostly = 1;

/* Worker period: a quarter of the stall threshold, 20 ms .. 1 s. */
unsigned int vhv_reg_period_ms(void)
{
	return clamp(vhv_params_stall_ms() / 4, 20U, 1000U);
}

/**
 * vhv_reg_kick() - have the worker list new objects soon
 *
 * Context: any, but not under a runqueue lock (queue_work() may wake a
 * worker thread).
 */
void vhv_reg_kick(void)
{
	queue_work(vhv_reg.wq, &vhv_reg.sync_work);
}

static void reg_bump(bool gen)
{
	/* Order the unhashing before the new values: a probe that reads them
	 * (with smp_rmb() before its lookup) cannot find what was removed.
	 */
	smp_wmb();
	if (gen)
		WRITE_ONCE(vhv_reg_gen, vhv_reg_gen + 1);
	smp_wmb();
	WRITE_ONCE(vhv_reg_epoch, vhv_reg_epoch + 1);
}

/* Keep a VM's vCPU list in idx order, for readers. */
static void list_add_sorted(struct vhv_vcpu *e)
{
	struct vhv_vcpu *o;

	list_for_each_entry_reverse(o, &e->vm->vcpus, node) {
		if (o->idx <= e->idx) {
			list_add(&e->node, &o->node);
			return;
		}
	}
	list_add(&e->node, &e->vm->vcpus);
}

/*
 * List what the probes created and announce it. Both lists are taken
 * vCPUs first: the probe pushes a new VM before its first vCPU, so every
 * vCPU taken here has its VM listed by the end of this function. Every
 * object is listed before it can be reaped, so add and remove events pair.
 */
static void reg_drain(void)
{
	struct llist_node *vcpus, *vms;
	struct vhv_vcpu *e;
	struct vhv_vm *vm;

	lockdep_assert_held(&vhv_reg.lock);

	vcpus = llist_reverse_order(llist_del_all(&vhv_reg.pending_vcpus));
	vms = llist_reverse_order(llist_del_all(&vhv_reg.pending_vms));
	llist_for_each_entry(vm, vms, pend) {
		list_add_tail(&vm->node, &vhv_reg.vms);
		vm->listed = true;
		vhv_reg.nr_vms++;
	}
	llist_for_each_entry(e, vcpus, pend) {
		list_add_sorted(e);
		e->listed = true;
		e->vm->nr_vcpus++;
		e->vm->max_vcpus = max(e->vm->max_vcpus, e->vm->nr_vcpus);
		vhv_reg.nr_vcpus++;
	}
	llist_for_each_entry(vm, vms, pend)
		trace_vhv_vm_add(vm->id, vm->pid, vm->nr_vcpus);
	llist_for_each_entry(e, vcpus, pend)
		trace_vhv_vcpu_add(e->vm->id, e->idx, e->tid);
}

/* Another vCPU of the VM still has the sysfs directory named e->idx. */
static bool idx_busy(struct vhv_vm *vm, struct vhv_vcpu *e)
{
	struct vhv_vcpu *o;

	list_for_each_entry(o, &vm->vcpus, node) {
		if (o != e && o->in_sysfs && o->idx == e->idx)
			return true;
	}
	return false;
}

/*
 * A directory that cannot be made (out of memory) is tried again on the
 * next run of the worker; the object is listed, counted and in the
 * snapshot meanwhile.
 */
static void reg_publish_vm(struct vhv_vm *vm)
{
	struct vhv_vcpu *e;
	int ret;

	if (!vm->vcpus_kobj) {
		ret = vhv_sysfs_vm_add(vm);
		if (ret) {
			pr_warn_ratelimited("cannot create the sysfs directory of VM %u (%d), will retry\n",
					    vm->id, ret);
			return;
		}
	}
	list_for_each_entry(e, &vm->vcpus, node) {
		if (e->in_sysfs || idx_busy(vm, e))
			continue;
		ret = vhv_sysfs_vcpu_add(e);
		if (ret) {
			pr_warn_ratelimited("cannot create the sysfs directory of vCPU %u/%u (%d), will retry\n",
					    vm->id, e->idx, ret);
			continue;
		}
		e->in_sysfs = true;
	}
}

/* Give listed objects their sysfs directories; failures retry later. */
static void reg_publish(void)
{
	struct vhv_vm *vm;

	lockdep_assert_held(&vhv_reg.lock);

	list_for_each_entry(vm, &vhv_reg.vms, node)
		reg_publish_vm(vm);
}

static void reg_collect_vcpus(struct vhv_vm *vm, bool all,
			      struct list_head *dead)
{
	struct vhv_vcpu *e, *tmp;

	all = all || vhv_vm_gone(vm);
	list_for_each_entry_safe(e, tmp, &vm->vcpus, node) {
		if (!all && !vhv_vcpu_gone(e))
			continue;
		vhv_vm_fold(vm, e);
		list_move_tail(&e->node, dead);
		e->listed = false;
		vm->nr_vcpus--;
		vhv_reg.nr_vcpus--;
	}
}

/*
 * Unlist and unhash reapable vCPUs, then the VMs left without any hashed
 * vCPU (a vCPU the probe created since the drain keeps its VM alive: both
 * are decided under hash_lock).
 *
 * Return: true if anything was collected.
 */
static bool reg_collect(bool all, struct list_head *dead_vcpus,
			struct list_head *dead_vms)
{
	struct vhv_vm *vm, *tmp;
	struct vhv_vcpu *e;

	lockdep_assert_held(&vhv_reg.lock);

	list_for_each_entry(vm, &vhv_reg.vms, node)
		reg_collect_vcpus(vm, all, dead_vcpus);
	if (list_empty(dead_vcpus))
		return false;

	spin_lock_irq(&vhv_reg.hash_lock);
	list_for_each_entry(e, dead_vcpus, node)
		vhv_vcpu_unhash_locked(e);
	list_for_each_entry_safe(vm, tmp, &vhv_reg.vms, node) {
		if (vm->nr_alive)
			continue;
		vhv_vm_unhash_locked(vm);
		list_move_tail(&vm->node, dead_vms);
		vm->listed = false;
		vhv_reg.nr_vms--;
	}
	spin_unlock_irq(&vhv_reg.hash_lock);
	return true;
}

/* Reap what is gone (@all: everything, at module exit). */
static void reg_reap(bool all)
{
	LIST_HEAD(dead_vcpus);
	LIST_HEAD(dead_vms);
	struct vhv_vcpu *e, *etmp;
	struct vhv_vm *vm, *vtmp;
	bool found;

	mutex_lock(&vhv_reg.lock);
	reg_drain();
	found = reg_collect(all, &dead_vcpus, &dead_vms);
	mutex_unlock(&vhv_reg.lock);
	if (!found)
		return;

	reg_bump(true);
	synchronize_rcu();

	list_for_each_entry_safe(e, etmp, &dead_vcpus, node) {
		list_del(&e->node);
		vhv_vcpu_retire(e);
	}
	list_for_each_entry_safe(vm, vtmp, &dead_vms, node) {
		list_del(&vm->node);
		vhv_vm_retire(vm);
	}
}

static void reg_sync(struct work_struct *work)
{
	mutex_lock(&vhv_reg.work_lock);
	mutex_lock(&vhv_reg.lock);
	reg_drain();
	reg_publish();
	mutex_unlock(&vhv_reg.lock);
	mutex_unlock(&vhv_reg.work_lock);
}

/*
 * A stall check more than two periods after the previous one means this
 * kernel itself did not run for a while (host overload, a frozen virtual
 * machine) or the worker was held up (a grace period, a text patch, the
 * IPIs): the states were not sampled in between, so do not raise stalls
 * from this check, only from the next one (never from two late checks in
 * a row, so a host that is always late still sees stalls).
 */
static bool reg_resync(unsigned long period)
{
	unsigned long now = jiffies;
	bool late = vhv_reg.last_tick &&
		    time_after(now, vhv_reg.last_tick + 2 * period);

	vhv_reg.last_tick = now ?: 1;
	vhv_reg.resynced = late && !vhv_reg.resynced;
	return vhv_reg.resynced;
}

/*
 * Forget untracked vCPUs that exited or got tracked, report the failures
 * the probe could not print, and let the probes try again when there is
 * room under both limits (a vCPU over max_vms needs a VM and a vCPU).
 */
static void reg_untracked(void)
{
	vhv_nt_scan(vhv_vcpu_tracked);
	vhv_nt_report();
	if (vhv_nt_count() &&
	    atomic_read(&vhv_reg.nr_vcpus_alloc) < vhv_params_max_vcpus() &&
	    atomic_read(&vhv_reg.nr_vms_alloc) < vhv_params_max_vms())
		WRITE_ONCE(vhv_reg_room, vhv_reg_room + 1);
}

/* CPUs to look at (reg_refresh()); the worker's only, under vhv_reg.lock */
static struct cpumask reg_refresh_cpus;

/* Each CPU's guest time at the last period (reg_refresh()), same lock */
static DEFINE_PER_CPU(u64, reg_guest_ns);

/*
 * Did some vCPU run in guest mode on @cpu since the last period? The
 * kernel's own CPU time accounting says so (guest time, as /proc/stat
 * shows it; vtime-exact on nohz_full CPUs).
 */
static bool reg_cpu_ran_guest(int cpu)
{
	struct kernel_cpustat *kcs = &kcpustat_cpu(cpu);
	u64 ns = kcpustat_field(kcs, CPUTIME_GUEST, cpu) +
		 kcpustat_field(kcs, CPUTIME_GUEST_NICE, cpu);
	u64 *last = per_cpu_ptr(&reg_guest_ns, cpu);
	bool ran = ns != *last;

	*last = ns;
	return ran;
}

/*
 * A vCPU that runs inside a vCPU ioctl without a switch-out in this period
 * (a busy vCPU alone on its CPU) has had no look: have its CPU look at it
 * now (vhv_probe_refresh()), so that its copy of KVM's counters and its
 * heartbeat are at most a period old when the stall detector runs.
 *
 * A new vCPU in the same case is not tracked yet, and only a look can
 * find it while kvm_entry is detached: every CPU on which the kernel
 * accounted guest time in the period is looked at too. A CPU that ran no
 * guest (idle, or host work only) gets no IPI.
 */
static void reg_refresh(void)
{
	unsigned long epoch = READ_ONCE(vhv_reg_epoch);
	struct task_struct *t;
	struct vhv_vcpu *e;
	struct vhv_vm *vm;
	int cpu;

	lockdep_assert_held(&vhv_reg.lock);

	cpumask_clear(&reg_refresh_cpus);
	for_each_online_cpu(cpu) {
		if (reg_cpu_ran_guest(cpu))
			cpumask_set_cpu(cpu, &reg_refresh_cpus);
	}
	list_for_each_entry(vm, &vhv_reg.vms, node) {
		list_for_each_entry(e, &vm->vcpus, node) {
			t = e->task;
			if (READ_ONCE(e->obs_epoch) != epoch &&
			    READ_ONCE(t->on_cpu) &&
			    vhv_maybe_in_vcpu_ioctl(t))
				cpumask_set_cpu(task_cpu(t), &reg_refresh_cpus);
		}
	}
	if (!cpumask_empty(&reg_refresh_cpus))
		vhv_probe_refresh(&reg_refresh_cpus);
}

static void reg_tick(struct work_struct *work)
{
	unsigned long period = msecs_to_jiffies(vhv_reg_period_ms());
	struct vhv_vm *vm;
	bool resync, harvest;

	mutex_lock(&vhv_reg.work_lock);
	reg_reap(false);
	reg_untracked();
	vhv_probe_period();
	harvest = vhv_steal_flip();

	mutex_lock(&vhv_reg.lock);
	reg_drain();
	reg_publish();
	reg_refresh();
	/* Late is measured here, after whatever held this run up. */
	resync = reg_resync(period);
	list_for_each_entry(vm, &vhv_reg.vms, node) {
		if (harvest)
			vhv_steal_harvest_locked(vm);
		vhv_vm_update_rate(vm);
		vhv_stall_check(vm, resync);
	}
	mutex_unlock(&vhv_reg.lock);

	/* A new period: reg_refresh() looks at the vCPUs nothing looked at
	 * in it (and, while kvm_entry is attached, each running vCPU takes
	 * its slow path once).
	 */
	reg_bump(false);
	queue_delayed_work(vhv_reg.wq, &vhv_reg.tick_work, period);
	mutex_unlock(&vhv_reg.work_lock);
}

/**
 * vhv_reg_host_locked() - host-wide figures
 * @h: out
 */
void vhv_reg_host_locked(struct vhv_reg_host *h)
{
	struct vhv_vm *vm;

	lockdep_assert_held(&vhv_reg.lock);

	h->nr_vms = vhv_reg.nr_vms;
	h->nr_vcpus = vhv_reg.nr_vcpus;
	h->nr_cpus = num_online_cpus();
	h->ram_bytes = (u64)totalram_pages() << PAGE_SHIFT;
	h->track_failures = vhv_nt_failures();
	h->untracked_vcpus = vhv_nt_count();
	h->entry_probe = vhv_probe_entry_state(&h->entry_probe_attaches);
	h->guest_mem_bytes = 0;
	list_for_each_entry(vm, &vhv_reg.vms, node)
		h->guest_mem_bytes += READ_ONCE(vm->mem_bytes);
}

int vhv_reg_init(void)
{
	int ret;

	if (vhv_params_fail_init())
		return -ENOMEM;
	ret = vhv_nt_init();
	if (ret)
		return ret;
	ret = vhv_vm_init();
	if (ret)
		goto err_nt;
	ret = vhv_vcpu_init();
	if (ret)
		goto err_vm;
	if (!vhv_params_fail_init())
		vhv_reg.wq = alloc_workqueue("vhv", WQ_UNBOUND, 2);
	if (!vhv_reg.wq) {
		ret = -ENOMEM;
		goto err_vcpu;
	}
	INIT_WORK(&vhv_reg.sync_work, reg_sync);
	INIT_DELAYED_WORK(&vhv_reg.tick_work, reg_tick);
	queue_delayed_work(vhv_reg.wq, &vhv_reg.tick_work,
			   msecs_to_jiffies(vhv_reg_period_ms()));
	return 0;

err_vcpu:
	vhv_vcpu_exit();
err_vm:
	vhv_vm_exit();
err_nt:
	vhv_nt_exit();
	return ret;
}

/**
 * vhv_reg_exit() - stop the worker and drop every object
 *
 * Context: the probes are detached and quiescent.
 */
void vhv_reg_exit(void)
{
	cancel_delayed_work_sync(&vhv_reg.tick_work);
	cancel_work_sync(&vhv_reg.sync_work);
	reg_reap(true);
	destroy_workqueue(vhv_reg.wq);
	vhv_nt_report();
	vhv_nt_exit();
	vhv_vcpu_exit();
	vhv_vm_exit();
	if (atomic_read(&vhv_reg.nr_vms_alloc) ||
	    atomic_read(&vhv_reg.nr_vcpus_alloc))
		pr_err("leaked %d VMs and %d vCPUs\n",
		       atomic_read(&vhv_reg.nr_vms_alloc),
		       atomic_read(&vhv_reg.nr_vcpus_alloc));
}
