// SPDX-License-Identifier: GPL-2.0
/*
 * VM objects. A VM is one struct kvm, keyed by its pointer and validated
 * against the VMM's mm. vhv holds the VMM's mm (mmgrab: the struct, not the
 * address space) and its thread group leader; the address space is pinned
 * only for the instant of a read (mmget_not_zero ... mmput_async).
 */
#include <linux/cgroup.h>
#include <linux/dcache.h>
#include <linux/error-injection.h>
#include <linux/hashtable.h>
#include <linux/jiffies.h>
#include <linux/kvm_host.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/slab.h>

#include "compat.h"
#include "params.h"
#include "registry.h"
#include "sysfs.h"
#include "trace.h"
#include "vcpu.h"
#include "vm.h"

/* VM by struct kvm pointer, sized at load for max_vms (two per bucket
 * when full); protected by vhv_reg.hash_lock.
 */
static struct hlist_head *vm_hash;
static unsigned int vm_hash_bits;

static struct hlist_head *vm_bucket(const void *kvm)
{
	return &vm_hash[hash_ptr(kvm, vm_hash_bits)];
}

/* Injectable allocation of the probe path: see vhv_vcpu_kzalloc(). */
static noinline __noclone struct vhv_vm *vhv_vm_kzalloc(void)
{
	return kzalloc(sizeof(struct vhv_vm), GFP_NOWAIT | __GFP_NOWARN);
}
ALLOW_ERROR_INJECTION(vhv_vm_kzalloc, NULL);

/**
 * vhv_vm_alloc() - allocate an unpublished VM
 * @why: out, the reason of a failure
 *
 * Context: kvm_entry probe, IRQs off.
 * Return: the VM, or NULL (over the limit, or out of memory).
 */
struct vhv_vm *vhv_vm_alloc(enum vhv_nt_reason *why)
{
	unsigned int max = vhv_params_max_vms();
	struct vhv_vm *vm;

	*why = VHV_NT_VMS;
	if (atomic_read(&vhv_reg.nr_vms_alloc) >= max)
		return NULL;
	if (atomic_inc_return(&vhv_reg.nr_vms_alloc) > max)
		goto err;
	vm = vhv_vm_kzalloc();
	if (!vm) {
		*why = VHV_NT_NOMEM;
		goto err;
	}
	INIT_LIST_HEAD(&vm->vcpus);
	INIT_LIST_HEAD(&vm->hvcpus);
	INIT_LIST_HEAD(&vm->node);
	spin_lock_init(&vm->mem_lock);
	return vm;
err:
	atomic_dec(&vhv_reg.nr_vms_alloc);
	return NULL;
}

/* A VM that lost the race to be published holds nothing yet. */
void vhv_vm_free_unpublished(struct vhv_vm *vm)
{
	kfree(vm);
	atomic_dec(&vhv_reg.nr_vms_alloc);
}

/* Some vCPU thread of the VM still runs (and still runs its vCPU). */
static bool vm_alive_locked(struct vhv_vm *vm)
{
	struct vhv_vcpu *e;

	list_for_each_entry(e, &vm->hvcpus, vm_hnode) {
		if (!vhv_vcpu_gone(e))
			return true;
	}
	return false;
}

/*
 * KVM gives each vCPU of a VM its own vcpu_id: another live vCPU object of
 * the VM with @vcpu's id and another address means @vcpu belongs to a new
 * VM at the old one's address.
 */
static bool vm_id_taken_locked(struct vhv_vm *vm, const struct vhv_vcpu_new *n)
{
	struct vhv_vcpu *e;

	list_for_each_entry(e, &vm->hvcpus, vm_hnode) {
		if (e->vcpu_id == n->vcpu_id && e->key != n->key &&
		    !READ_ONCE(e->replaced))
			return true;
	}
	return false;
}

/**
 * vhv_vm_destroyed() - KVM destroyed the VM
 * @vm: the VM
 *
 * kvm_destroy_vm() removes the VM's debugfs directory before anything
 * else, which unhashes the dentry (d_invalidate()); vhv's reference keeps
 * the dentry itself. So an unhashed directory means that the struct kvm
 * is gone, or going, whatever threads still run; and since it is removed
 * before the struct kvm is freed, a new VM at the old address always
 * finds it so. False when unknown (no debugfs, or no look at the memory
 * slots yet).
 *
 * Context: any; a racy read.
 */
static bool vhv_vm_destroyed(const struct vhv_vm *vm)
{
	struct dentry *d = READ_ONCE(vm->kvm_dir);

	return d && d_unhashed(d);
}

/**
 * vhv_vm_find_locked() - the live VM of a vCPU being tracked
 * @n: its key, struct kvm, ids, thread and mm
 *
 * A VM whose vCPU threads have all exited is over, even if a new struct
 * kvm of the same process got its address (a VMM that creates VMs one
 * after another): the caller then starts a new VM. So is a VM KVM
 * destroyed (vhv_vm_destroyed()), and a VM seen to be renewed: a new
 * struct kvm at its address, told by a vCPU whose counters went back
 * (vhv_vcpu_find()) or by a second vCPU with one vcpu_id, for a VM whose
 * debugfs directory vhv does not hold.
 *
 * Return: the VM or NULL.
 */
struct vhv_vm *vhv_vm_find_locked(const struct vhv_vcpu_new *n)
{
	struct vhv_vm *vm;

	lockdep_assert_held(&vhv_reg.hash_lock);

	hlist_for_each_entry(vm, vm_bucket(n->kvm), hnode) {
		if (vm->kvm != n->kvm || vm->mm != n->mm || vm->dead ||
		    READ_ONCE(vm->renewed) || vhv_vm_destroyed(vm) ||
		    !vm_alive_locked(vm))
			continue;
		if (!vm_id_taken_locked(vm, n))
			return vm;
		WRITE_ONCE(vm->renewed, true);
	}
	return NULL;
}

/**
 * vhv_vm_publish_locked() - make a new VM findable
 * @vm: from vhv_vm_alloc()
 * @n: the first vCPU's key, struct kvm (an opaque key), thread and mm
 *
 * Takes references on the thread's mm and thread group leader and queues the
 * VM for listing.
 */
void vhv_vm_publish_locked(struct vhv_vm *vm, const struct vhv_vcpu_new *n)
{
	lockdep_assert_held(&vhv_reg.hash_lock);

	vm->kvm = n->kvm;
	vm->id = atomic_inc_return(&vhv_reg.next_vm_id);
	vm->pid = n->task->tgid;
	mmgrab(n->mm);
	vm->mm = n->mm;
	get_task_struct(n->task->group_leader);
	vm->leader = n->task->group_leader;
	vm->hb = jiffies;
	kobject_init(&vm->kobj, &vhv_sysfs_vm_ktype);
	hlist_add_head_rcu(&vm->hnode, vm_bucket(n->kvm));
	llist_add(&vm->pend, &vhv_reg.pending_vms);
	pr_debug("vm %u create\n", vm->id);
}

/**
 * vhv_vm_mem_stale() - did the VM's memory slots change since mem_bytes
 * @vm: the VM
 * @kvm: its struct kvm, alive
 *
 * No SRCU section: the memslots structures are embedded in struct kvm
 * (only the slots they point to are freed after a grace period), so their
 * generation is read as is, a racy sample.
 *
 * Context: any (a look from sched_switch or the worker's IPI).
 */
bool vhv_vm_mem_stale(struct vhv_vm *vm, struct kvm *kvm)
{
	struct kvm_memslots *slots = rcu_dereference_raw(kvm->memslots[0]);

	return !READ_ONCE(vm->mem_valid) ||
	       READ_ONCE(vm->mem_gen) != READ_ONCE(slots->generation);
}

/*
 * Hold KVM's debugfs directory of the VM (vhv_vm_destroyed()). KVM sets
 * it before the VM's file descriptor exists, so before any vCPU runs;
 * ERR_PTR when debugfs is not there. The dentry holds a pin of its own
 * while the VM lives: no put here can be the last, but dput() may sleep,
 * hence the check under the lock.
 */
static void vm_hold_kvm_dir(struct vhv_vm *vm, struct kvm *kvm)
{
	struct dentry *d = READ_ONCE(kvm->debugfs_dentry);

	if (IS_ERR_OR_NULL(d))
		return;
	spin_lock(&vhv_reg.hash_lock);
	if (!vm->kvm_dir && !vm->dead)
		WRITE_ONCE(vm->kvm_dir, dget(d));
	spin_unlock(&vhv_reg.hash_lock);
}

/**
 * vhv_vm_update_mem() - refresh mem_bytes if the memslots changed
 * @vm: the VM
 * @kvm: its struct kvm, alive (a vCPU of it is entering the guest)
 *
 * The walk runs once per memslots generation: the first vCPU that sees a
 * new generation does it, the others skip (trylock). The first one also
 * takes the VM's debugfs directory.
 *
 * Context: kvm_entry probe, IRQs off.
 */
void vhv_vm_update_mem(struct vhv_vm *vm, struct kvm *kvm)
{
	struct kvm_memory_slot *slot;
	struct kvm_memslots *slots;
	u64 bytes = 0;
	int idx, bkt;

	if (unlikely(!READ_ONCE(vm->kvm_dir)))
		vm_hold_kvm_dir(vm, kvm);
	idx = srcu_read_lock(&kvm->srcu);
	slots = kvm_memslots(kvm);
	if (READ_ONCE(vm->mem_valid) &&
	    READ_ONCE(vm->mem_gen) == slots->generation)
		goto out;
	if (!spin_trylock(&vm->mem_lock))
		goto out;
	/* kvm_for_each_memslot() without its WARN_ON_ONCE(!npages): vhv
	 * never warns, and an empty slot adds nothing anyway.
	 */
	hash_for_each(slots->id_hash, bkt, slot, id_node[slots->node_idx]) {
		if (slot->id < KVM_USER_MEM_SLOTS)
			bytes += (u64)slot->npages << PAGE_SHIFT;
	}
	WRITE_ONCE(vm->mem_bytes, bytes);
	WRITE_ONCE(vm->mem_gen, slots->generation);
	WRITE_ONCE(vm->mem_valid, true);
	spin_unlock(&vm->mem_lock);
out:
	srcu_read_unlock(&kvm->srcu, idx);
}

/**
 * vhv_vm_swap_bytes() - swapped-out anonymous memory of the VMM (VmSwap)
 * @vm: the VM
 *
 * On 6.2 and later this sums a per-CPU counter over every CPU: the
 * snapshot uses the worker's sample (vhv_vm_update_rate()) instead, so a
 * snapshot costs no such sum per VM. mmput_async(): the last reference of
 * an exiting VMM is not dropped (exit_mmap) under vhv_reg.lock.
 *
 * Context: process context.
 * Return: bytes, 0 once the process has exited.
 */
u64 vhv_vm_swap_bytes(struct vhv_vm *vm)
{
	u64 pages = 0;

	if (mmget_not_zero(vm->mm)) {
		pages = vhv_compat_mm_swapents(vm->mm);
		mmput_async(vm->mm);
	}
	return pages << PAGE_SHIFT;
}

/*
 * A thread that runs several vCPUs of the VM (one KVM_RUN after another)
 * has one run_delay and one maj_flt: the VM's sums of thread figures take
 * it once. Does another vCPU on the VM's list have @e's thread: one before
 * @e (@before_only: the sums count the thread at its first vCPU), or any
 * (a reaped vCPU folds the thread's figures only when it is the last).
 */
static bool task_shared(struct vhv_vm *vm, struct vhv_vcpu *e,
			bool before_only)
{
	struct vhv_vcpu *o;

	list_for_each_entry(o, &vm->vcpus, node) {
		if (o == e) {
			if (before_only)
				return false;
			continue;
		}
		if (o->task == e->task)
			return true;
	}
	return false;
}

/*
 * Major faults of the vCPU threads, reaped ones included: not only swap-ins
 * (file-backed faults and retries with FAULT_FLAG_TRIED count too), and not
 * the async page faults the kworkers take (those are in apf_faults).
 */
u64 vhv_vm_majflt(struct vhv_vm *vm)
{
	struct vhv_vcpu *e;
	u64 n = vm->gone_majflt;

	lockdep_assert_held(&vhv_reg.lock);

	list_for_each_entry(e, &vm->vcpus, node) {
		if (!task_shared(vm, e, true))
			n += vhv_vcpu_majflt(e);
	}
	return n;
}

u64 vhv_vm_ready_ns(struct vhv_vm *vm)
{
	struct vhv_vcpu *e;
	u64 n = vm->gone_ready_ns;

	lockdep_assert_held(&vhv_reg.lock);

	list_for_each_entry(e, &vm->vcpus, node) {
		if (!task_shared(vm, e, true))
			n += READ_ONCE(e->task->sched_info.run_delay);
	}
	return n;
}

u64 vhv_vm_swap_wait_ns(struct vhv_vm *vm)
{
	struct vhv_vcpu *e;
	u64 n = vm->gone_swap_wait_ns;

	lockdep_assert_held(&vhv_reg.lock);

	list_for_each_entry(e, &vm->vcpus, node)
		n += READ_ONCE(e->swap_wait_ns);
	return n;
}

static void apf_add(struct vhv_vm_apf *a, struct vhv_vcpu *e)
{
	u64 max = READ_ONCE(e->apf_max_ns);

	a->faults += READ_ONCE(e->apf_faults);
	a->done += READ_ONCE(e->apf_done);
	a->wait_ns += READ_ONCE(e->apf_wait_ns);
	if (max > a->max_ns)
		a->max_ns = max;
}

/* The VM's async page faults: its vCPUs', reaped ones included. */
void vhv_vm_apf(struct vhv_vm *vm, struct vhv_vm_apf *a)
{
	struct vhv_vcpu *e;

	lockdep_assert_held(&vhv_reg.lock);

	*a = vm->gone_apf;
	list_for_each_entry(e, &vm->vcpus, node)
		apf_add(a, e);
}

/*
 * The VM's heartbeat: the latest of its vCPUs' (each vCPU stamps its own,
 * so the vCPUs of a VM never write a shared line on the entry path).
 */
unsigned long vhv_vm_hb(struct vhv_vm *vm)
{
	unsigned long hb = vm->hb, h;
	struct vhv_vcpu *e;

	lockdep_assert_held(&vhv_reg.lock);

	list_for_each_entry(e, &vm->vcpus, node) {
		h = READ_ONCE(e->hb);
		if (time_after(h, hb))
			hb = h;
	}
	return hb;
}

/* Age of the heartbeat; jiffies are 64-bit here, so it never wraps. */
u64 vhv_vm_heartbeat_ms(struct vhv_vm *vm)
{
	return jiffies64_to_msecs(jiffies - vhv_vm_hb(vm));
}

/* Deepest cgroup that contains both. */
static struct cgroup *common_ancestor(struct cgroup *a, struct cgroup *b)
{
	int lvl = min(a->level, b->level);

	while (lvl > 0 && cgroup_ancestor(a, lvl) != cgroup_ancestor(b, lvl))
		lvl--;
	return cgroup_ancestor(a, lvl);
}

/*
 * The VMM's cgroup: the deepest v2 cgroup holding its leader and all its
 * vCPU threads (libvirt puts them in sibling cgroups under one parent).
 */
static struct cgroup *vm_cgroup_get(struct vhv_vm *vm)
{
	struct cgroup *cg;
	struct vhv_vcpu *e;

	lockdep_assert_held(&vhv_reg.lock);

	rcu_read_lock();
	cg = task_dfl_cgroup(vm->leader);
	list_for_each_entry(e, &vm->vcpus, node)
		cg = common_ancestor(cg, task_dfl_cgroup(e->task));
	if (!cgroup_tryget(cg))
		cg = NULL;
	rcu_read_unlock();
	return cg;
}

/**
 * vhv_vm_cgroup() - the VMM's cgroup v2 path and its memory pressure
 * @vm: the VM
 * @buf: out, the path
 * @len: size of @buf
 * @some_us: out, memory.pressure "some" total in us, -1 if not available
 * @full_us: out, memory.pressure "full" total in us, -1 if not available
 *
 * Pressure is reported for a non-root cgroup only: the root's is the whole
 * host's.
 *
 * Return: length of the path in @buf, 0 when unknown (or too long).
 */
size_t vhv_vm_cgroup(struct vhv_vm *vm, char *buf, size_t len, s64 *some_us,
		     s64 *full_us)
{
	struct psi_group *psi;
	struct cgroup *cg;
	int n;

	*some_us = -1;
	*full_us = -1;
	cg = vm_cgroup_get(vm);
	if (!cg)
		return 0;
	if (cgroup_parent(cg)) {
		psi = vhv_compat_cgroup_psi(cg);
		if (psi)
			vhv_compat_psi_mem_total_us(psi, some_us, full_us);
	}
	n = cgroup_path(cg, buf, len);
	cgroup_put(cg);
	if (n <= 0 || n >= len)
		return 0;
	return n;
}

/* Sample swap_bytes every period, the major-fault rate about once a second. */
void vhv_vm_update_rate(struct vhv_vm *vm)
{
	unsigned long now = jiffies;
	u64 majflt;

	lockdep_assert_held(&vhv_reg.lock);

	WRITE_ONCE(vm->swap_sample, vhv_vm_swap_bytes(vm));

	majflt = vhv_vm_majflt(vm);
	if (!vm->rate_at) {
		vm->rate_at = now ?: 1;
		vm->rate_majflt = majflt;
		return;
	}
	if (time_before(now, vm->rate_at + HZ))
		return;
	vm->majflt_rate = div64_u64((majflt - vm->rate_majflt) * HZ,
				    now - vm->rate_at);
	vm->rate_at = now ?: 1;
	vm->rate_majflt = majflt;
}

/*
 * The VMM process has exited (its address space is gone), KVM destroyed
 * the VM, or a new VM took the VM's address: its vCPUs that are left are
 * old ones, whatever their threads do now.
 */
bool vhv_vm_gone(struct vhv_vm *vm)
{
	return atomic_read(&vm->mm->mm_users) == 0 ||
	       READ_ONCE(vm->renewed) || vhv_vm_destroyed(vm);
}

/**
 * vhv_vm_fold() - keep a reaped vCPU's figures in the VM's totals
 * @vm: the VM
 * @e: its vCPU, being reaped, still on @vm's list
 *
 * The thread's own figures are kept only with its last vCPU on the list:
 * while another vCPU of the VM has the thread, the sums count it there.
 */
void vhv_vm_fold(struct vhv_vm *vm, struct vhv_vcpu *e)
{
	lockdep_assert_held(&vhv_reg.lock);

	if (!task_shared(vm, e, false)) {
		vm->gone_ready_ns += READ_ONCE(e->task->sched_info.run_delay);
		vm->gone_majflt += vhv_vcpu_majflt(e);
	}
	vm->gone_swap_wait_ns += READ_ONCE(e->swap_wait_ns);
	apf_add(&vm->gone_apf, e);
	vhv_steal_fold(vm, e);
	if (time_after(READ_ONCE(e->hb), vm->hb))
		vm->hb = READ_ONCE(e->hb);
}

void vhv_vm_unhash_locked(struct vhv_vm *vm)
{
	lockdep_assert_held(&vhv_reg.hash_lock);

	hlist_del_init_rcu(&vm->hnode);
	vm->dead = true;
}

/**
 * vhv_vm_retire() - drop an unhashed, unlisted VM
 * @vm: the VM; no probe can reach it any more
 *
 * Context: process context, vhv_reg.lock not held (kobject_del() waits
 * for sysfs readers, which take it).
 */
void vhv_vm_retire(struct vhv_vm *vm)
{
	trace_vhv_vm_remove(vm->id, vm->pid, vm->max_vcpus);
	if (vm->in_sysfs)
		vhv_sysfs_vm_del(vm);
	mmdrop(vm->mm);
	put_task_struct(vm->leader);
	dput(vm->kvm_dir);
	kobject_put(&vm->kobj);
}

/* kobject release: the last vCPU and the last sysfs reader are gone. */
void vhv_vm_release(struct kobject *kobj)
{
	struct vhv_vm *vm = container_of(kobj, struct vhv_vm, kobj);

	pr_debug("vm %u destroy\n", vm->id);
	kfree(vm);
	atomic_dec(&vhv_reg.nr_vms_alloc);
}

int vhv_vm_init(void)
{
	vm_hash_bits = clamp_t(unsigned int,
			       order_base_2(vhv_params_max_vms()) - 1, 4, 16);
	if (!vhv_params_fail_init())
		vm_hash = kvcalloc(1U << vm_hash_bits, sizeof(*vm_hash),
				   GFP_KERNEL);
	return vm_hash ? 0 : -ENOMEM;
}

/* Context: every VM is gone. */
void vhv_vm_exit(void)
{
	kvfree(vm_hash);
	vm_hash = NULL;
}
