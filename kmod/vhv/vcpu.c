// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU objects: created by the kvm_entry probe, fed by looks at the vCPU
 * (vhv_vcpu_observe()) from the probes and the worker's IPI, read by sysfs
 * and the snapshot, reaped by the registry.
 *
 * A vCPU is keyed by its struct kvm_vcpu pointer and validated against the
 * thread, the struct kvm pointer and vcpu_id at every look, so a reused
 * pointer or a vCPU moved to another thread never inherits old figures.
 * Those pointers are dereferenced only where the vCPU is alive: in a probe
 * or IPI on its thread while the thread is inside one of its ioctls.
 */
#include <linux/error-injection.h>
#include <linux/hashtable.h>
#include <linux/kvm_host.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#ifdef CONFIG_TASK_DELAY_ACCT
#include <linux/delayacct.h>
#endif

#include "compat.h"
#include "registry.h"
#include "params.h"
#include "sysfs.h"
#include "trace.h"
#include "untracked.h"
#include "vcpu.h"
#include "vm.h"

/*
 * vCPU by struct kvm_vcpu pointer and vCPU by thread: both sized at load
 * for max_vcpus (four per bucket when full), protected by
 * vhv_reg.hash_lock, read under RCU.
 */
static struct hlist_head *vcpu_hash;
static struct hlist_head *task_hash;
static unsigned int hash_bits;

static struct hlist_head *vcpu_bucket(const void *key)
{
	return &vcpu_hash[hash_ptr(key, hash_bits)];
}

static struct hlist_head *task_bucket(const struct task_struct *t)
{
	return &task_hash[hash_ptr(t, hash_bits)];
}

/*
 * KVM's counters only grow while a struct kvm_vcpu lives (but for a clear
 * through KVM's debugfs statistics): lower ones than vhv copied mean a new
 * vCPU at the address of an old one, in a VM a VMM made on the same threads
 * after destroying the old one, whose struct kvm got the old address too.
 */
static bool vcpu_renewed(const struct vhv_vcpu *e,
			 const struct kvm_vcpu *vcpu)
{
	return vcpu->stat.exits < READ_ONCE(e->exits) ||
	       vcpu->stat.generic.halt_wait_ns < READ_ONCE(e->halt_ns);
}

/*
 * Is @e (keyed by @vcpu, run by the thread entering or switching) still
 * the object of @vcpu? A reused pointer (another VM or vcpu_id), or a VM
 * made again at the old VM's address (vcpu_renewed()), is not: mark it so
 * that no probe uses it again.
 */
static bool vcpu_valid(struct vhv_vcpu *e, const struct kvm_vcpu *vcpu)
{
	if (READ_ONCE(e->replaced))
		return false;
	if (e->kvm == vcpu->kvm && e->vcpu_id == (u32)vcpu->vcpu_id) {
		if (!READ_ONCE(e->vm->renewed) && !vcpu_renewed(e, vcpu))
			return true;
		/* Its VM is a new one at the old VM's address. */
		WRITE_ONCE(e->vm->renewed, true);
	}
	WRITE_ONCE(e->replaced, true);
	return false;
}

/**
 * vhv_vcpu_find() - the live object for the vCPU current is entering
 * @vcpu: KVM's vCPU, alive (kvm_entry probe)
 *
 * Context: kvm_entry probe, IRQs off (RCU read side).
 * Return: the object, or NULL when there is none (or it is stale).
 */
struct vhv_vcpu *vhv_vcpu_find(struct kvm_vcpu *vcpu)
{
	struct vhv_vcpu *e;

	hlist_for_each_entry_rcu(e, vcpu_bucket(vcpu), hnode) {
		if (e->key != vcpu || READ_ONCE(e->dead) ||
		    READ_ONCE(e->replaced))
			continue;
		if (e->task == current) {
			if (vcpu_valid(e, vcpu))
				return e;
			continue;
		}
		/* Another thread runs this vCPU. */
		WRITE_ONCE(e->replaced, true);
	}
	return NULL;
}

/*
 * The probe's allocation, in a function of its own that fail_function can
 * make fail (ALLOW_ERROR_INJECTION; nothing on kernels without
 * CONFIG_FUNCTION_ERROR_INJECTION). fail_function finds it by name, hence
 * the prefix of a global symbol; noinline and __noclone keep that symbol
 * the one the caller calls. Only the slow path that creates objects gets
 * here.
 */
static noinline __noclone struct vhv_vcpu *vhv_vcpu_kzalloc(void)
{
	return kzalloc(sizeof(struct vhv_vcpu), GFP_NOWAIT | __GFP_NOWARN);
}
ALLOW_ERROR_INJECTION(vhv_vcpu_kzalloc, NULL);

/* At the limit this costs one load: no atomic, no allocation. */
static struct vhv_vcpu *vcpu_alloc(const struct vhv_vcpu_new *n,
				   enum vhv_nt_reason *why)
{
	unsigned int max = vhv_params_max_vcpus();
	struct vhv_vcpu *e;

	*why = VHV_NT_VCPUS;
	if (atomic_read(&vhv_reg.nr_vcpus_alloc) >= max)
		return NULL;
	if (atomic_inc_return(&vhv_reg.nr_vcpus_alloc) > max)
		goto err;
	e = vhv_vcpu_kzalloc();
	if (!e) {
		*why = VHV_NT_NOMEM;
		goto err;
	}
	e->key = n->key;
	e->kvm = n->kvm;
	e->vcpu_id = n->vcpu_id;
	e->idx = n->idx;
	e->tid = n->task->pid;
	e->halted = n->halted;
	e->last_pc = READ_ONCE(n->task->sched_info.pcount);
	e->last_rd = READ_ONCE(n->task->sched_info.run_delay);
	e->hb = jiffies;
	e->st = VHV_ST_GUEST;
	e->st_since = e->hb;
	e->fine_at = e->hb;
	return e;
err:
	atomic_dec(&vhv_reg.nr_vcpus_alloc);
	return NULL;
}

/* A vCPU that was never published holds nothing yet. */
static void vcpu_free_unpublished(struct vhv_vcpu *e)
{
	kfree(e);
	atomic_dec(&vhv_reg.nr_vcpus_alloc);
}

static void vcpu_publish_locked(struct vhv_vcpu *e, struct vhv_vm *vm,
				struct task_struct *task)
{
	lockdep_assert_held(&vhv_reg.hash_lock);

	kobject_init(&e->kobj, &vhv_sysfs_vcpu_ktype);
	kobject_get(&vm->kobj);
	e->vm = vm;
	vm->nr_alive++;
	get_task_struct(task);
	e->task = task;
	hlist_add_head_rcu(&e->hnode, vcpu_bucket(e->key));
	hlist_add_head_rcu(&e->tnode, task_bucket(e->task));
	list_add_tail(&e->vm_hnode, &vm->hvcpus);
	pr_debug("vcpu %u/%u create\n", vm->id, e->idx);
}

/* The live object of @n's vCPU and thread, if one was made meanwhile. */
static struct vhv_vcpu *vcpu_lookup_locked(const struct vhv_vcpu_new *n)
{
	struct vhv_vcpu *e;

	lockdep_assert_held(&vhv_reg.hash_lock);

	hlist_for_each_entry(e, vcpu_bucket(n->key), hnode) {
		if (e->key == n->key && e->task == n->task && !e->dead &&
		    !READ_ONCE(e->replaced))
			return e;
	}
	return NULL;
}

/*
 * Find or create the VM, publish the object in the hashes and queue it
 * for listing and sysfs (which need process context). NULL and *why when
 * over a limit or out of memory.
 */
static struct vhv_vcpu *vcpu_create(const struct vhv_vcpu_new *n,
				    enum vhv_nt_reason *why)
{
	struct vhv_vm *vm, *nvm = NULL;
	struct vhv_vcpu *e, *old;

	e = vcpu_alloc(n, why);
	if (!e)
		return NULL;

	spin_lock(&vhv_reg.hash_lock);
	old = vcpu_lookup_locked(n);
	if (old) {
		spin_unlock(&vhv_reg.hash_lock);
		vcpu_free_unpublished(e);
		return old;
	}
	vm = vhv_vm_find_locked(n);
	if (!vm) {
		spin_unlock(&vhv_reg.hash_lock);
		nvm = vhv_vm_alloc(why);
		if (!nvm) {
			vcpu_free_unpublished(e);
			return NULL;
		}
		spin_lock(&vhv_reg.hash_lock);
		vm = vhv_vm_find_locked(n);
		if (!vm) {
			vm = nvm;
			nvm = NULL;
			vhv_vm_publish_locked(vm, n);
		}
	}
	vcpu_publish_locked(e, vm, n->task);
	spin_unlock(&vhv_reg.hash_lock);

	if (nvm)
		vhv_vm_free_unpublished(nvm);
	llist_add(&e->pend, &vhv_reg.pending_vcpus);
	return e;
}

/**
 * vhv_vcpu_create() - track the vCPU current is entering
 * @vcpu: KVM's vCPU, alive (kvm_entry probe)
 * @room: vhv_reg_room before the try
 * @epoch: vhv_reg_epoch
 *
 * A failure (over a limit, out of memory) is noted for the worker
 * (vhv_nt_note()), which counts and reports it.
 *
 * Context: kvm_entry probe: RCU read side, IRQs off.
 * Return: the object, or NULL.
 */
struct vhv_vcpu *vhv_vcpu_create(struct kvm_vcpu *vcpu, unsigned long room,
				 unsigned long epoch)
{
	struct vhv_vcpu_new n = {
		.key = vcpu, .kvm = vcpu->kvm, .vcpu_id = vcpu->vcpu_id,
		.idx = vcpu->vcpu_idx, .task = current, .mm = current->mm,
	};
	enum vhv_nt_reason why;
	struct vhv_vcpu *e;

	e = vcpu_create(&n, &why);
	if (e) {
		vhv_reg_kick();
		return e;
	}
	vhv_nt_note(vcpu, why, room, epoch);
	return NULL;
}

/**
 * vhv_vcpu_create_new() - track a vCPU from what a look recorded
 * @n: the vCPU's key, VM, ids and thread; @n->mm is grabbed by the caller
 *
 * For a vCPU that entered the guest while kvm_entry was detached and may
 * never enter again (asleep in KVM for good): the worker creates its
 * object; the next look validates it against the live vCPU. A failure
 * leaves it to the kvm_entry probe, which stays attached.
 *
 * Context: the worker (process context).
 * Return: the object, or NULL.
 */
struct vhv_vcpu *vhv_vcpu_create_new(const struct vhv_vcpu_new *n)
{
	enum vhv_nt_reason why;

	return vcpu_create(n, &why);
}

static void ready_episode(struct vhv_vcpu *e, struct task_struct *t, u64 ns)
{
	unsigned int b = 0;

	if (ns >= 1024)
		b = min_t(unsigned int, fls64(ns) - 10, VHV_HIST_BUCKETS - 1);
	WRITE_ONCE(e->hist[b], e->hist[b] + 1);
	if (ns > e->ready_max_ns)
		WRITE_ONCE(e->ready_max_ns, ns);
	if (ns >= vhv_params_ready_trace_ns())
		trace_vhv_ready_wait(e->vm->id, e->idx, e->tid, ns);
	vhv_steal_attribute(e, t, ns);
}

/* Swap waits in progress, all vCPUs: the sched_switch probe's filter. */
atomic_t vhv_vcpu_nr_swait = ATOMIC_INIT(0);

/*
 * Close the swap wait of @e, whose thread blocked inside a vCPU ioctl and
 * is now being switched in for the first time since. The wait lasted from
 * that switch-out to the wakeup (vhv_vcpu_wakeup()), both timed with
 * local_clock() where they happen: the clock of the trace events
 * sched_switch and sched_wakeup. Not with the runqueue clock of
 * sched_info and schedstat: a schedule that follows a wakeup which
 * preempts the running task does not update it (rq_clock_skip_update()),
 * so a block right after such a wakeup starts at the time of that wakeup,
 * ms early (seen under load: up to 25 ms, 4% of a test's swap wait); and
 * 6.12 enqueues a blocked task whose dequeue it delayed when it migrates
 * it, which sets sched_info.last_queued before the wakeup.
 */
static void close_swap_wait(struct vhv_vcpu *e)
{
	u64 end = READ_ONCE(e->sw_end), ns;

	if (end && (s64)(end - e->sw_start) > 0) {
		ns = end - e->sw_start;
		WRITE_ONCE(e->swap_wait_ns, e->swap_wait_ns + ns);
		if (ns >= vhv_params_swap_trace_ns())
			trace_vhv_swap_wait(e->vm->id, e->idx, e->tid, ns);
	}
	WRITE_ONCE(e->sw_start, 0);
	WRITE_ONCE(e->sw_end, 0);
	atomic_dec(&vhv_vcpu_nr_swait);
}

/**
 * vhv_vcpu_observe() - account what the vCPU did since the last look
 * @e: the vCPU
 * @vcpu: KVM's vCPU, alive: @t is inside one of its ioctls
 * @t: @e's thread: current, or the thread being switched out
 * @epoch: vhv_reg_epoch
 * @entry: @t is entering the guest (kvm_entry probe)
 *
 * Accounts the ready episode that ended at the last switch-in (Δrun_delay
 * when exactly one switch-in happened since the previous look), copies
 * KVM's own stats and stamps the heartbeat if the vCPU entered the guest
 * since (KVM's exit count grew, or it is entering now): stores to the
 * vCPU's own object only. The VM's memory slots are walked (an SRCU
 * section) once per epoch, by the first of its vCPUs to enter in it; a
 * look elsewhere only tells whether they changed since.
 *
 * The looks: each switch-out of @t inside a vCPU ioctl (sched_switch),
 * the worker's once-a-period IPI to a CPU running @t without such a
 * switch-out in the period, and, while the kvm_entry probe is attached
 * (finding new vCPUs), the first entry of each scheduling stint and one
 * entry a period. All run on @t's CPU with IRQs off, so they never run
 * at once for one vCPU.
 *
 * Context: IRQs off, on @t's CPU (a probe or the worker's IPI).
 * Return: false if the VM's memory slots changed and only an entry can
 * walk them (the caller asks for kvm_entry).
 */
bool vhv_vcpu_observe(struct vhv_vcpu *e, struct kvm_vcpu *vcpu,
		      struct task_struct *t, unsigned long epoch, bool entry)
{
	unsigned long pcount = READ_ONCE(t->sched_info.pcount);
	u64 rd = READ_ONCE(t->sched_info.run_delay);
	u64 exits = vcpu->stat.exits;
	struct vhv_vm *vm = e->vm;

	if (pcount - e->last_pc == 1)
		ready_episode(e, t, rd - e->last_rd);
	WRITE_ONCE(e->last_pc, pcount);
	WRITE_ONCE(e->last_rd, rd);
	if (entry || exits != e->exits)
		WRITE_ONCE(e->hb, jiffies);
	WRITE_ONCE(e->halt_ns, vcpu->stat.generic.halt_wait_ns);
	WRITE_ONCE(e->exits, exits);
	WRITE_ONCE(e->preemptions, vcpu->stat.preemption_reported +
				   vcpu->stat.preemption_other);
	WRITE_ONCE(e->obs_epoch, epoch);
	if (READ_ONCE(vm->mem_epoch) == epoch)
		return true;
	/* The walk takes KVM's SRCU: on the vCPU thread at an entry only,
	 * never under the runqueue lock nor in an IPI.
	 */
	if (entry) {
		WRITE_ONCE(vm->mem_epoch, epoch);
		vhv_vm_update_mem(vm, vcpu->kvm);
		return true;
	}
	return !vhv_vm_mem_stale(vm, vcpu->kvm);
}

/**
 * vhv_vcpu_loaded() - is @t inside a vCPU ioctl of @e's vCPU
 * @e: a vCPU of @t
 * @t: current, or a thread being switched out (its notifier list is then
 *	stable: only the thread itself changes it)
 *
 * KVM registers the vCPU's preempt notifier, embedded in struct kvm_vcpu,
 * on the thread for each vcpu_load() section. Finding it there proves the
 * vCPU is alive (its ioctl holds the VM), so e->key may be dereferenced.
 * The address is computed from the key, never loaded through it.
 *
 * Context: probe context (preemption off).
 */
bool vhv_vcpu_loaded(const struct vhv_vcpu *e, const struct task_struct *t)
{
	struct kvm_vcpu *vcpu = (struct kvm_vcpu *)e->key;
	struct preempt_notifier *pn;

	hlist_for_each_entry(pn, &t->preempt_notifiers, link) {
		if (pn == &vcpu->preempt_notifier)
			return true;
	}
	return false;
}

/* The vCPU whose ioctl @t is in (its notifier is on @t), or NULL. */
static struct vhv_vcpu *find_loaded(struct task_struct *t)
{
	struct vhv_vcpu *e;

	hlist_for_each_entry_rcu(e, task_bucket(t), tnode) {
		if (e->task == t && !READ_ONCE(e->dead) &&
		    vhv_vcpu_loaded(e, t))
			return e;
	}
	return NULL;
}

/**
 * vhv_vcpu_observe_task() - look at the vCPU whose ioctl @t is in
 * @t: current, or a thread being switched out (its notifier list is then
 *	stable)
 * @epoch: vhv_reg_epoch
 * @mem: set if the VM's memory slots changed (kvm_entry must walk them)
 *
 * Context: IRQs off, on @t's CPU (RCU read side).
 * Return: the vCPU, or NULL if @t's vCPU is not tracked (or its object is
 * stale: a reused pointer, a VM made again): the kvm_entry probe is then
 * needed to find it.
 */
struct vhv_vcpu *vhv_vcpu_observe_task(struct task_struct *t,
				       unsigned long epoch, bool *mem)
{
	struct vhv_vcpu *e = find_loaded(t);
	struct kvm_vcpu *vcpu;

	if (!e)
		return NULL;
	vcpu = (struct kvm_vcpu *)e->key;
	if (!vcpu_valid(e, vcpu))
		return NULL;
	if (!vhv_vcpu_observe(e, vcpu, t, epoch, false))
		*mem = true;
	return e;
}

/**
 * vhv_vcpu_block() - the vCPU thread sleeps inside a vCPU ioctl
 * @e: the vCPU; vhv_vcpu_loaded(@e, @prev) is true
 * @prev: its thread, being switched out
 * @prev_state: @prev's state
 *
 * KVM's own state tells why: a vCPU whose mp_state is not RUNNABLE waits
 * for a guest interrupt (HLT) or for INIT/SIPI: halted. A vCPU in KVM's
 * artificial halt for an async page fault (apf.halted) waits for a page a
 * kworker swaps in; a vCPU in I/O wait faults guest memory in itself:
 * both are swap waits, timed from here to the wakeup
 * (vhv_vcpu_wakeup()). Any other sleep is "blocked".
 *
 * Context: sched_switch probe: runqueue lock held, IRQs off. Takes no lock.
 */
void vhv_vcpu_block(struct vhv_vcpu *e, struct task_struct *prev,
		    unsigned int prev_state)
{
	struct kvm_vcpu *vcpu = (struct kvm_vcpu *)e->key;
	bool apf = READ_ONCE(vcpu->arch.apf.halted);

	WRITE_ONCE(e->halted, !apf && READ_ONCE(vcpu->arch.mp_state) !=
				     KVM_MP_STATE_RUNNABLE);
	if (e->sw_start)
		return;
	/* apf.halted is set inside KVM_RUN only; I/O wait counts in any vCPU
	 * ioctl that faults guest memory in.
	 */
	if (!apf && !((prev_state & TASK_UNINTERRUPTIBLE) && prev->in_iowait))
		return;
	/* Here, not the runqueue clock: see close_swap_wait(). */
	WRITE_ONCE(e->sw_start, local_clock() ?: 1);
	atomic_inc(&vhv_vcpu_nr_swait);
}

/**
 * vhv_vcpu_wakeup() - a thread is woken: the end of its swap wait, if any
 * @p: the thread, queued by this wakeup
 *
 * Called only while some swap wait is open (vhv_vcpu_swait_open()). The
 * object with an open wait is the one loaded when the thread blocked; no
 * other object of the thread has one, so @p's notifier list is not read.
 * The wait was opened before this wakeup: the switch-out that opened it
 * ran under the runqueue lock that the wakeup takes after it (or on the
 * CPU that runs the wakeup queued to it).
 *
 * Context: sched_wakeup probe: @p's runqueue lock held, IRQs off (RCU read
 * side). Takes no lock.
 */
void vhv_vcpu_wakeup(struct task_struct *p)
{
	struct vhv_vcpu *e;

	hlist_for_each_entry_rcu(e, task_bucket(p), tnode) {
		if (e->task == p && READ_ONCE(e->sw_start) &&
		    !READ_ONCE(e->sw_end)) {
			WRITE_ONCE(e->sw_end, local_clock() ?: 1);
			return;
		}
	}
}

/**
 * vhv_vcpu_wake_task() - a thread inside a vCPU ioctl gets a CPU
 * @next: the thread being switched in; it is not running, so its notifier
 *	list is stable
 *
 * Called only while some swap wait is open (vhv_vcpu_swait_open()): the
 * first switch-in after the block ends it, whatever the thread does next
 * (enter the guest, or return to userspace).
 *
 * Context: sched_switch probe: runqueue lock held, IRQs off (RCU read
 * side). Takes no lock.
 */
void vhv_vcpu_wake_task(struct task_struct *next)
{
	struct vhv_vcpu *e = find_loaded(next);

	if (e && e->sw_start)
		close_swap_wait(e);
}

/**
 * vhv_vcpu_current() - the vCPU whose ioctl current is in
 *
 * Context: a kvm.ko tracepoint on the vCPU thread (preemption off: RCU
 * read side).
 * Return: the object, or NULL.
 */
struct vhv_vcpu *vhv_vcpu_current(void)
{
	return find_loaded(current);
}

/**
 * vhv_vcpu_apf_start() - KVM starts an async page fault for the vCPU
 * @e: the vCPU (current is its thread)
 * @token: KVM's token for it, unique per vCPU
 *
 * A kworker now faults the page in; the vCPU waits in KVM's artificial
 * halt (a guest without the paravirtual protocol) or runs on (a guest
 * with it, told "page not present"). Remembered until "page ready".
 *
 * Context: kvm_async_pf_not_present probe, on the vCPU thread.
 */
void vhv_vcpu_apf_start(struct vhv_vcpu *e, u64 token)
{
	unsigned int i, slot = 0;
	u64 oldest = U64_MAX;

	WRITE_ONCE(e->apf_faults, e->apf_faults + 1);
	for (i = 0; i < VHV_APF_SLOTS; i++) {
		if (!e->apf_start[i]) {
			slot = i;
			break;
		}
		if (e->apf_start[i] < oldest) {
			oldest = e->apf_start[i];
			slot = i;
		}
	}
	e->apf_token[slot] = token;
	e->apf_start[slot] = local_clock() ?: 1;
}

/**
 * vhv_vcpu_apf_ready() - KVM completed an async page fault of the vCPU
 * @e: the vCPU (current is its thread)
 * @token: KVM's token; VHV_APF_WAKE_ALL when KVM wakes all of them up
 *	(protocol enable or reset)
 *
 * Context: kvm_async_pf_ready probe, on the vCPU thread.
 */
void vhv_vcpu_apf_ready(struct vhv_vcpu *e, u64 token)
{
	unsigned int i;
	u64 ns;

	for (i = 0; i < VHV_APF_SLOTS; i++) {
		if (!e->apf_start[i])
			continue;
		if (token == VHV_APF_WAKE_ALL) {
			e->apf_start[i] = 0;
			continue;
		}
		if (e->apf_token[i] != token)
			continue;
		ns = local_clock() - e->apf_start[i];
		e->apf_start[i] = 0;
		WRITE_ONCE(e->apf_done, e->apf_done + 1);
		WRITE_ONCE(e->apf_wait_ns, e->apf_wait_ns + ns);
		if (ns > e->apf_max_ns)
			WRITE_ONCE(e->apf_max_ns, ns);
		return;
	}
}

const char *const vhv_vcpu_state_names[VHV_ST_MAX] = {
	[VHV_ST_GUEST] = "guest",
	[VHV_ST_KVM] = "kvm",
	[VHV_ST_READY] = "ready",
	[VHV_ST_HALTED] = "halted",
	[VHV_ST_SWAPWAIT] = "swapwait",
	[VHV_ST_BLOCKED] = "blocked",
	[VHV_ST_VMM] = "vmm",
	[VHV_ST_STOPPED] = "stopped",
};

/**
 * vhv_vcpu_state() - what the vCPU's thread is doing now
 * @e: the vCPU, alive
 *
 * A sample of the thread's scheduler state (stopped, on a CPU, queued),
 * of the thread's preempt notifiers (inside a vCPU ioctl or not), of
 * PF_VCPU (guest mode) and of what the probes noted at its last sleep.
 * Each load is a plain racy read: the answer is right at some instant
 * close to the call, which is all a sampler needs.
 *
 * Context: process context.
 */
enum vhv_vcpu_state vhv_vcpu_state(struct vhv_vcpu *e)
{
	struct task_struct *t = e->task;

	if (READ_ONCE(t->__state) & (__TASK_STOPPED | __TASK_TRACED))
		return VHV_ST_STOPPED;
	if (!vhv_maybe_in_vcpu_ioctl(t))
		return VHV_ST_VMM;
	if (vhv_compat_on_cpu(t))
		return READ_ONCE(t->flags) & PF_VCPU ? VHV_ST_GUEST :
						       VHV_ST_KVM;
	if (READ_ONCE(t->on_rq))
		return VHV_ST_READY;
	if (READ_ONCE(e->sw_start))
		return VHV_ST_SWAPWAIT;
	if (READ_ONCE(e->halted))
		return VHV_ST_HALTED;
	return VHV_ST_BLOCKED;
}

/**
 * vhv_vcpu_state_now() - the state and how long it has lasted
 * @e: the vCPU, alive
 * @st: out, the state now
 * @ms: out, time since the worker first saw it; 0 if it is newer than the
 *	worker's last look
 */
void vhv_vcpu_state_now(struct vhv_vcpu *e, enum vhv_vcpu_state *st, u64 *ms)
{
	*st = vhv_vcpu_state(e);
	*ms = 0;
	if (*st == READ_ONCE(e->st))
		*ms = jiffies64_to_msecs(jiffies - READ_ONCE(e->st_since));
}

/**
 * vhv_vcpu_read() - a vCPU's figures
 * @e: the vCPU, alive (in sysfs, or listed under vhv_reg.lock)
 * @s: out
 *
 * Thread figures come from the held task, so they are exact and survive
 * the thread's exit.
 */
void vhv_vcpu_read(struct vhv_vcpu *e, struct vhv_vcpu_stats *s)
{
	struct task_struct *t = e->task;

	s->ready_ns = READ_ONCE(t->sched_info.run_delay);
	s->run_ns = READ_ONCE(t->se.sum_exec_runtime);
	s->guest_ns = READ_ONCE(t->gtime);
	s->halt_ns = READ_ONCE(e->halt_ns);
	s->exits = READ_ONCE(e->exits);
	s->preemptions = READ_ONCE(e->preemptions);
	s->ready_max_ns = READ_ONCE(e->ready_max_ns);
	s->swap_wait_ns = READ_ONCE(e->swap_wait_ns);
	s->swapin_delay_ns = -1;
#ifdef CONFIG_TASK_DELAY_ACCT
	if (t->delays)
		s->swapin_delay_ns = READ_ONCE(t->delays->swapin_delay);
#endif
	s->majflt = READ_ONCE(t->maj_flt);
	vhv_vcpu_state_now(e, &s->state, &s->state_ms);
}

/**
 * vhv_vcpu_read_hist() - copy a vCPU's ready histogram
 * @e: the vCPU, alive
 * @hist: out, %VHV_HIST_BUCKETS counters
 */
void vhv_vcpu_read_hist(struct vhv_vcpu *e, u64 *hist)
{
	unsigned int i;

	for (i = 0; i < VHV_HIST_BUCKETS; i++)
		hist[i] = READ_ONCE(e->hist[i]);
}

u64 vhv_vcpu_majflt(struct vhv_vcpu *e)
{
	return READ_ONCE(e->task->maj_flt);
}

/**
 * vhv_vcpu_gone() - should the vCPU be reaped
 * @e: the vCPU
 *
 * Return: true when its thread is exiting or another thread took it over.
 */
bool vhv_vcpu_gone(struct vhv_vcpu *e)
{
	struct task_struct *t = e->task;

	return READ_ONCE(e->replaced) || (READ_ONCE(t->flags) & PF_EXITING) ||
	       READ_ONCE(t->exit_state);
}

/**
 * vhv_vcpu_unhash_locked() - make the vCPU unreachable for the probes
 * @e: the vCPU
 *
 * The caller bumps vhv_reg_gen and waits for a grace period before it
 * drops what the probes might still use.
 */
void vhv_vcpu_unhash_locked(struct vhv_vcpu *e)
{
	lockdep_assert_held(&vhv_reg.hash_lock);

	hlist_del_init_rcu(&e->hnode);
	hlist_del_init_rcu(&e->tnode);
	list_del(&e->vm_hnode);
	WRITE_ONCE(e->dead, true);
	e->vm->nr_alive--;
}

/**
 * vhv_vcpu_retire() - drop an unhashed, unlisted vCPU
 * @e: the vCPU; no probe can reach it any more
 *
 * Context: process context, vhv_reg.lock not held (kobject_del() waits
 * for sysfs readers).
 */
void vhv_vcpu_retire(struct vhv_vcpu *e)
{
	/* A swap wait its thread never came back from. */
	if (e->sw_start)
		atomic_dec(&vhv_vcpu_nr_swait);
	trace_vhv_vcpu_remove(e->vm->id, e->idx, e->tid);
	if (e->in_sysfs)
		vhv_sysfs_vcpu_del(e);
	kobject_put(&e->kobj);
}

/* kobject release: the last sysfs reader is gone. */
void vhv_vcpu_release(struct kobject *kobj)
{
	struct vhv_vcpu *e = container_of(kobj, struct vhv_vcpu, kobj);

	pr_debug("vcpu %u/%u destroy\n", e->vm->id, e->idx);
	put_task_struct(e->task);
	kobject_put(&e->vm->kobj);
	kfree(e);
	atomic_dec(&vhv_reg.nr_vcpus_alloc);
}

/**
 * vhv_vcpu_tracked() - is a vCPU tracked for a thread now
 * @key: its struct kvm_vcpu pointer
 * @t: the thread
 *
 * Context: process context (the worker).
 */
bool vhv_vcpu_tracked(const void *key, struct task_struct *t)
{
	struct vhv_vcpu *e;
	bool ret = false;

	rcu_read_lock();
	hlist_for_each_entry_rcu(e, vcpu_bucket(key), hnode) {
		if (e->key == key && e->task == t && !READ_ONCE(e->dead)) {
			ret = true;
			break;
		}
	}
	rcu_read_unlock();
	return ret;
}

/**
 * vhv_vcpu_task_tracked() - does @t run a vCPU vhv tracks
 * @t: a thread (referenced by the caller)
 *
 * Context: process context.
 */
bool vhv_vcpu_task_tracked(struct task_struct *t)
{
	struct vhv_vcpu *e;
	bool ret = false;

	rcu_read_lock();
	hlist_for_each_entry_rcu(e, task_bucket(t), tnode) {
		if (e->task == t && !READ_ONCE(e->dead) &&
		    !READ_ONCE(e->replaced)) {
			ret = true;
			break;
		}
	}
	rcu_read_unlock();
	return ret;
}

/* The hashes, for max_vcpus: four vCPUs per bucket when full. */
int vhv_vcpu_init(void)
{
	unsigned int n;

	hash_bits = clamp_t(unsigned int,
			    order_base_2(vhv_params_max_vcpus()) - 2, 6, 18);
	n = 1U << hash_bits;
	if (!vhv_params_fail_init())
		vcpu_hash = kvcalloc(n, sizeof(*vcpu_hash), GFP_KERNEL);
	if (!vhv_params_fail_init())
		task_hash = kvcalloc(n, sizeof(*task_hash), GFP_KERNEL);
	if (!vcpu_hash || !task_hash) {
		vhv_vcpu_exit();
		return -ENOMEM;
	}
	return 0;
}

/* Context: every vCPU is gone. */
void vhv_vcpu_exit(void)
{
	kvfree(vcpu_hash);
	kvfree(task_hash);
	vcpu_hash = NULL;
	task_hash = NULL;
}
