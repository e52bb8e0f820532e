// SPDX-License-Identifier: GPL-2.0
/*
 * Who held the CPU while a vCPU was ready (noisy-neighbour attribution).
 *
 * Each CPU keeps a ring of its last stints (who ran, for how long) while a
 * vCPU may be waiting on it: from a wakeup or a preemption of a vCPU
 * thread there until that many vCPU threads were switched in there and
 * the last one was switched out again (the look at that switch-out runs
 * before the record and needs the stint before its switch-in), or until
 * the CPU goes idle. When a look accounts a ready episode of
 * W ns that ended at the vCPU's switch-in here (vhv_vcpu_observe()), the
 * stints just before that switch-in are the ones it waited behind: walked
 * from the newest, they are charged to their owners' classes until W is
 * covered. The walk stops early at the CPU's idle task (the wait was the
 * wakeup of an idle CPU), at the vCPU's own previous stint (it was
 * preempted here), at the start of the record or after RING_STINTS
 * stints; what is left is "unattributed". A wait that began on another
 * CPU (the vCPU was migrated while runnable) is charged to what ran here
 * last, which is where the ready time ended.
 *
 * A stint's length is its thread's sum_exec_runtime growth: from the
 * switch-in recorded here, or, for a fair-class thread switched in before
 * the record began, from CFS's own mark of its switch-in
 * (prev_sum_exec_runtime, set by set_next_entity()). Debian's kernels do
 * not account IRQ time apart (!CONFIG_IRQ_TIME_ACCOUNTING), so run time
 * and the runqueue clock of run_delay agree.
 *
 * Cost: one per-CPU load on every context switch of an unarmed CPU, one
 * load of the woken thread's notifiers on every wakeup; an armed CPU
 * classifies and records each switch. The count of waiting vCPUs can
 * drift up (a vCPU migrated while it waited is counted where it was
 * woken): that CPU then records until it goes idle, which costs time but
 * never charges a wait wrongly. See Documentation/vhv/design.rst.
 */
#include <linux/minmax.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "compat.h"
#include "registry.h"
#include "steal.h"
#include "vcpu.h"
#include "vm.h"

const char *const vhv_steal_names[VHV_STEAL_NR] = {
	[VHV_STEAL_SAME_VM] = "same_vm",
	[VHV_STEAL_OTHER_VMS] = "other_vms",
	[VHV_STEAL_KSWAPD] = "kswapd",
	[VHV_STEAL_KSMD] = "ksmd",
	[VHV_STEAL_VHOST] = "vhost",
	[VHV_STEAL_KWORKER] = "kworker",
	[VHV_STEAL_KTHREAD] = "kthread",
	[VHV_STEAL_PROCESS] = "process",
	[VHV_STEAL_UNATTRIBUTED] = "unattributed",
};

/* What a stint was: a barrier and idle end a walk; the rest are owners. */
enum {
	K_BARRIER,
	K_IDLE,
	K_VCPU,
	K_CLASS,	/* + enum vhv_steal_class, for the host's threads */
};

#define RING_STINTS	32

/**
 * struct stint - a thread's run on a CPU
 * @ns: its length (sum_exec_runtime growth)
 * @task: the thread: a key, never dereferenced
 * @vm: for K_VCPU, its VM's id
 * @kind: K_* (K_CLASS + class for a host thread)
 */
struct stint {
	u64 ns;
	const void *task;
	u32 vm;
	u8 kind;
};

/**
 * struct steal_cpu - what ran on one CPU while a vCPU may wait there
 * @waiting: vCPU threads woken or preempted here not switched in since
 *	(from any CPU)
 * @recording: @ring holds every stint since its newest barrier
 * @seq: stints and barriers pushed
 * @own_task: the vCPU thread this switch's look found (vhv_steal_own())
 * @own_vm: its VM's id
 * @start_task: the thread switched in while recording: a key
 * @start_rt: its sum_exec_runtime then
 * @ring: @ring[(@seq - 1) % RING_STINTS] is the newest
 *
 * Only this CPU touches it but @waiting, in the sched_switch probe or a
 * look (IRQs off), so it has no lock.
 */
struct steal_cpu {
	atomic_t waiting;
	bool recording;
	unsigned int seq;
	const void *own_task;
	u32 own_vm;
	const void *start_task;
	u64 start_rt;
	struct stint ring[RING_STINTS];
};

DEFINE_PER_CPU(bool, vhv_steal_armed);
static DEFINE_PER_CPU(struct steal_cpu, steal_cpu);

/* The phase of vhv_vcpu_steal.by the looks add to (the worker flips it). */
static unsigned int steal_phase;
/* Some look added to a by[] slot since the worker's last flip. */
static int steal_used;

/**
 * vhv_steal_arm() - a vCPU thread waits on @cpu from now on
 * @cpu: the CPU whose runqueue it is queued on
 *
 * Context: a wakeup (the thread's runqueue lock held) or a switch-out.
 */
void vhv_steal_arm(int cpu)
{
	bool *armed = per_cpu_ptr(&vhv_steal_armed, cpu);

	atomic_inc(&per_cpu_ptr(&steal_cpu, cpu)->waiting);
	if (!READ_ONCE(*armed))
		WRITE_ONCE(*armed, true);
}

static void disarm(struct steal_cpu *c)
{
	__this_cpu_write(vhv_steal_armed, false);
	c->recording = false;
	c->start_task = NULL;
}

static void push(struct steal_cpu *c, u64 ns, const void *task, u32 vm,
		 u8 kind)
{
	struct stint *s = &c->ring[c->seq++ % RING_STINTS];

	s->ns = ns;
	s->task = task;
	s->vm = vm;
	s->kind = kind;
}

/* The host thread @t's class (not a vCPU inside a vCPU ioctl). */
static u8 classify(const struct task_struct *t)
{
	unsigned int f = READ_ONCE(t->flags);

	if (!(f & (PF_KTHREAD | VHV_PF_USER_WORKER)))
		return K_CLASS + VHV_STEAL_PROCESS;
	if (f & PF_KSWAPD)
		return K_CLASS + VHV_STEAL_KSWAPD;
	if (f & PF_WQ_WORKER)
		return K_CLASS + VHV_STEAL_KWORKER;
	if (!memcmp(t->comm, "ksmd", 5))
		return K_CLASS + VHV_STEAL_KSMD;
	if (!memcmp(t->comm, "vhost-", 6))
		return K_CLASS + VHV_STEAL_VHOST;
	if (f & PF_KTHREAD)
		return K_CLASS + VHV_STEAL_KTHREAD;
	return K_CLASS + VHV_STEAL_PROCESS;
}

static bool fair_policy(const struct task_struct *t)
{
	unsigned int p = READ_ONCE(t->policy);

	return p == SCHED_NORMAL || p == SCHED_BATCH || p == SCHED_IDLE;
}

/* How long @prev ran since its switch-in here; 0 when not known. */
static u64 stint_ns(const struct steal_cpu *c, const struct task_struct *prev)
{
	u64 rt = READ_ONCE(prev->se.sum_exec_runtime);

	if (c->start_task == prev)
		return rt - c->start_rt;
	if (fair_policy(prev))
		return rt - READ_ONCE(prev->se.prev_sum_exec_runtime);
	return 0;
}

/**
 * vhv_steal_switch() - record @prev's stint on this armed CPU
 * @prev: the thread switched out
 * @next: the thread switched in
 *
 * Context: the sched_switch probe, after the look at @prev if any.
 */
void vhv_steal_switch(struct task_struct *prev, struct task_struct *next)
{
	struct steal_cpu *c = this_cpu_ptr(&steal_cpu);

	if (!c->recording) {
		push(c, 0, NULL, 0, K_BARRIER);
		c->recording = true;
	}
	if (is_idle_task(prev))
		push(c, 0, prev, 0, K_IDLE);
	else if (c->own_task == prev)
		push(c, stint_ns(c, prev), prev, c->own_vm, K_VCPU);
	else
		push(c, stint_ns(c, prev), prev, 0, classify(prev));
	c->own_task = NULL;
	if (is_idle_task(next)) {
		/* Nothing waits on an idle CPU: stop until the next arming. */
		atomic_set(&c->waiting, 0);
		disarm(c);
		return;
	}
	/*
	 * A vCPU thread switched in stops waiting; the look at its next
	 * switch-out needs this switch in the record, so the record goes on
	 * at least until then.
	 */
	if (vhv_maybe_in_vcpu_ioctl(next))
		atomic_dec_if_positive(&c->waiting);
	else if (!atomic_read(&c->waiting)) {
		disarm(c);
		return;
	}
	c->start_task = next;
	c->start_rt = READ_ONCE(next->se.sum_exec_runtime);
}

/**
 * vhv_steal_own() - the thread being switched out runs vCPU @e
 * @e: the vCPU its look found
 * @t: the thread
 *
 * Context: the sched_switch probe (the look at @t, before the record).
 */
void vhv_steal_own(struct vhv_vcpu *e, struct task_struct *t)
{
	struct steal_cpu *c = this_cpu_ptr(&steal_cpu);

	c->own_task = t;
	c->own_vm = e->vm->id;
}

/* @id's slot among the first @n of @by, else the first free one, or NULL. */
static struct vhv_steal_slot *slot_find(struct vhv_steal_slot *by,
					unsigned int n, u32 id)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (by[i].id == id || !by[i].id)
			return &by[i];
	}
	return NULL;
}

/* A look adds @ns to @id's slot; readers may read the slots meanwhile. */
static void slot_add(struct vhv_steal_slot *by, unsigned int n, u32 id,
		     u64 ns)
{
	struct vhv_steal_slot *s = slot_find(by, n, id);

	if (!s)
		return;
	if (s->id == id) {
		WRITE_ONCE(s->ns, s->ns + ns);
		return;
	}
	WRITE_ONCE(s->ns, ns);
	WRITE_ONCE(s->id, id);
}

static void charge(struct vhv_vcpu *e, const struct stint *s, u64 ns)
{
	struct vhv_vcpu_steal *st = &e->steal;
	enum vhv_steal_class cl;

	if (s->kind == K_VCPU) {
		if (s->vm == e->vm->id) {
			cl = VHV_STEAL_SAME_VM;
		} else {
			cl = VHV_STEAL_OTHER_VMS;
			slot_add(st->by[READ_ONCE(steal_phase) & 1],
				 VHV_STEAL_SLOTS, s->vm, ns);
			if (!READ_ONCE(steal_used))
				WRITE_ONCE(steal_used, 1);
		}
	} else {
		cl = s->kind - K_CLASS;
	}
	WRITE_ONCE(st->ns[cl], st->ns[cl] + ns);
}

/**
 * vhv_steal_attribute() - charge a ready episode of @e to what ran
 * @e: the vCPU
 * @t: its thread, current or being switched out here: the episode ended
 *	at its switch-in on this CPU
 * @ns: the episode's length (Δrun_delay)
 *
 * Context: a look (IRQs off, on this CPU), before this switch's record.
 */
void vhv_steal_attribute(struct vhv_vcpu *e, const struct task_struct *t,
			 u64 ns)
{
	struct steal_cpu *c = this_cpu_ptr(&steal_cpu);
	unsigned int i;
	u64 take;

	/* The newest stint is the one before @t's switch-in. */
	if (!c->recording || c->start_task != t)
		i = RING_STINTS + 1;
	else
		i = 1;
	for (; ns && i <= RING_STINTS; i++) {
		const struct stint *s = &c->ring[(c->seq - i) % RING_STINTS];

		if (s->kind < K_VCPU || s->task == t)
			break;
		take = min(s->ns, ns);
		if (take)
			charge(e, s, take);
		ns -= take;
	}
	if (ns)
		WRITE_ONCE(e->steal.ns[VHV_STEAL_UNATTRIBUTED],
			   e->steal.ns[VHV_STEAL_UNATTRIBUTED] + ns);
}

/**
 * vcpu_sum() - add @e's figures per class to @ns
 * @e: a vCPU
 * @ns: VHV_STEAL_NR sums
 */
static void vcpu_sum(struct vhv_vcpu *e, u64 *ns)
{
	unsigned int i;

	for (i = 0; i < VHV_STEAL_NR; i++)
		ns[i] += READ_ONCE(e->steal.ns[i]);
}

static bool vm_listed(u32 id)
{
	struct vhv_vm *vm;

	list_for_each_entry(vm, &vhv_reg.vms, node) {
		if (vm->id == id)
			return true;
	}
	return false;
}

/*
 * Merge @ns of VM @id into @vm's list. A full list gives the slot of a VM
 * that is gone, else the smallest one if @ns is larger: its time stays in
 * other_vms, unlisted.
 */
static void vm_by_add(struct vhv_vm *vm, u32 id, u64 ns)
{
	struct vhv_steal_slot *by = vm->steal.by, *victim = NULL;
	struct vhv_steal_slot *s = slot_find(by, VHV_STEAL_BY_VM, id);
	unsigned int i;

	if (s) {
		if (s->id != id) {
			s->id = id;
			s->ns = 0;
		}
		s->ns += ns;
		return;
	}
	for (i = 0; i < VHV_STEAL_BY_VM; i++) {
		if (!vm_listed(by[i].id)) {
			victim = &by[i];
			break;
		}
		if (!victim || by[i].ns < victim->ns)
			victim = &by[i];
	}
	if (!vm_listed(victim->id) || ns > victim->ns) {
		victim->id = id;
		victim->ns = ns;
	}
}

static void vcpu_harvest(struct vhv_vm *vm, struct vhv_steal_slot *by)
{
	unsigned int i;

	for (i = 0; i < VHV_STEAL_SLOTS && by[i].id; i++) {
		vm_by_add(vm, by[i].id, by[i].ns);
		by[i].ns = 0;
		by[i].id = 0;
	}
}

/**
 * vhv_steal_flip() - start a new phase of the vCPUs' by[] slots
 *
 * Waits until no look can still add to the previous phase (the probes
 * run with preemption off). Does nothing while no look added to a slot.
 *
 * Context: the worker, no lock held.
 * Return: true if the previous phase is to be harvested.
 */
bool vhv_steal_flip(void)
{
	if (!READ_ONCE(steal_used))
		return false;
	WRITE_ONCE(steal_used, 0);
	WRITE_ONCE(steal_phase, steal_phase + 1);
	synchronize_rcu();
	return true;
}

/**
 * vhv_steal_harvest_locked() - merge the previous phase of @vm's vCPUs
 * @vm: a listed VM
 *
 * Context: the worker, vhv_reg.lock held, after vhv_steal_flip() said so.
 */
void vhv_steal_harvest_locked(struct vhv_vm *vm)
{
	unsigned int old = (READ_ONCE(steal_phase) + 1) & 1;
	struct vhv_vcpu *e;

	lockdep_assert_held(&vhv_reg.lock);

	list_for_each_entry(e, &vm->vcpus, node)
		vcpu_harvest(vm, e->steal.by[old]);
}

/**
 * vhv_steal_fold() - keep a reaped vCPU's figures in its VM's
 * @vm: the VM
 * @e: its vCPU, being reaped (no look runs on it any more)
 *
 * Context: vhv_reg.lock held.
 */
void vhv_steal_fold(struct vhv_vm *vm, struct vhv_vcpu *e)
{
	lockdep_assert_held(&vhv_reg.lock);

	vcpu_sum(e, vm->steal.gone);
	vcpu_harvest(vm, e->steal.by[0]);
	vcpu_harvest(vm, e->steal.by[1]);
}

/*
 * Add the slots a vCPU's looks fill now (not merged yet) to a reader's
 * copy of the VM's list; an id the copy has no room for stays unlisted.
 */
static void by_peek(struct vhv_steal_slot *by, struct vhv_steal_slot *from)
{
	struct vhv_steal_slot *s;
	unsigned int i;
	u32 id;

	for (i = 0; i < VHV_STEAL_SLOTS; i++) {
		id = READ_ONCE(from[i].id);
		if (!id)
			break;
		s = slot_find(by, VHV_STEAL_BY_VM, id);
		if (s) {
			s->id = id;
			s->ns += READ_ONCE(from[i].ns);
		}
	}
}

/**
 * vhv_steal_vm() - a VM's figures
 * @vm: the VM
 * @ns: out: VHV_STEAL_NR sums, reaped vCPUs included
 * @by: out: VHV_STEAL_BY_VM slots, the largest first, free ones last,
 *	with what the vCPUs recorded since the worker's last merge
 *
 * Context: vhv_reg.lock held.
 */
void vhv_steal_vm(struct vhv_vm *vm, u64 *ns, struct vhv_steal_slot *by)
{
	struct vhv_steal_slot tmp;
	struct vhv_vcpu *e;
	unsigned int i, j;

	lockdep_assert_held(&vhv_reg.lock);

	memcpy(ns, vm->steal.gone, sizeof(vm->steal.gone));
	memcpy(by, vm->steal.by, sizeof(vm->steal.by));
	list_for_each_entry(e, &vm->vcpus, node) {
		vcpu_sum(e, ns);
		by_peek(by, e->steal.by[0]);
		by_peek(by, e->steal.by[1]);
	}
	for (i = 1; i < VHV_STEAL_BY_VM; i++) {
		for (j = i; j > 0 && by[j].id &&
		     (!by[j - 1].id || by[j].ns > by[j - 1].ns); j--) {
			tmp = by[j];
			by[j] = by[j - 1];
			by[j - 1] = tmp;
		}
	}
}
