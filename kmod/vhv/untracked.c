// SPDX-License-Identifier: GPL-2.0
/*
 * vCPUs vhv could not track (over max_vms/max_vcpus, or out of memory):
 * counted, so an operator sees how many are missing, and reported from the
 * worker, never from the probe.
 *
 * A fixed table, allocated at load, remembers each such vCPU once: its
 * struct kvm_vcpu pointer (a key, never dereferenced), its thread (a
 * reference is held, so the address cannot be reused while the slot
 * lives) and when it may be tried again. The probe inserts (cmpxchg on an
 * empty slot, no lock, no allocation) and updates its own slot (one
 * thread runs a vCPU); the worker alone empties slots: when the thread
 * exits, or when the vCPU got tracked after all. untracked_vcpus is the
 * number of full slots; a vCPU that finds no free slot in its probe window
 * is counted in nt_lost instead (then untracked_vcpus reads low, and the
 * worker says so).
 *
 * Over a limit, a vCPU is tried again only once the worker bumped
 * vhv_reg_room (there is room now); out of memory, once per epoch. So at
 * the limits an untracked vCPU costs two hash lookups per schedule-in
 * (loads only), not an atomic, an allocation and a lock per entry.
 */
#include <linux/atomic.h>
#include <linux/hash.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>

#include "params.h"
#include "untracked.h"

#define NT_BITS		12
#define NT_SLOTS	(1U << NT_BITS)
#define NT_PROBE	16

/**
 * struct nt_slot - one untracked vCPU
 * @key: its struct kvm_vcpu pointer, NULL when the slot is free
 * @task: its thread (referenced), NULL while the probe fills the slot
 * @room: vhv_reg_room before its last try
 * @epoch: vhv_reg_epoch of its last try
 * @nomem: the last try failed for memory, not for a limit
 */
struct nt_slot {
	const void *key;
	struct task_struct *task;
	unsigned long room;
	unsigned long epoch;
	bool nomem;
};

static struct nt_slot *nt_slots;
static atomic_t nt_used = ATOMIC_INIT(0);
static atomic_long_t nt_lost = ATOMIC_LONG_INIT(0);
/* failures per reason, and the last thread of each, for the worker */
static atomic_long_t nt_fail[VHV_NT_NR];
static atomic_t nt_last_tid[VHV_NT_NR];
static long nt_reported[VHV_NT_NR];
static long nt_lost_reported;

/* The slot of @key for current, or NULL. */
static struct nt_slot *nt_find(const void *key)
{
	unsigned int h = hash_ptr(key, NT_BITS), i;
	struct nt_slot *s;

	for (i = 0; i < NT_PROBE; i++) {
		s = &nt_slots[(h + i) & (NT_SLOTS - 1)];
		/* Pairs with smp_store_release() in vhv_nt_note(). */
		if (READ_ONCE(s->key) == key && smp_load_acquire(&s->task) == current)
			return s;
	}
	return NULL;
}

/**
 * vhv_nt_retry() - may the probe try to track this vCPU now
 * @key: its struct kvm_vcpu pointer (current enters it)
 * @room: vhv_reg_room now
 * @epoch: vhv_reg_epoch now
 *
 * Context: kvm_entry probe (IRQs off).
 * Return: false while nothing changed since it last failed.
 */
bool vhv_nt_retry(const void *key, unsigned long room, unsigned long epoch)
{
	struct nt_slot *s = nt_find(key);

	if (!s)
		return true;
	if (READ_ONCE(s->nomem))
		return READ_ONCE(s->epoch) != epoch;
	return READ_ONCE(s->room) != room;
}

/**
 * vhv_nt_note() - current could not track the vCPU it enters
 * @key: its struct kvm_vcpu pointer
 * @why: the reason
 * @room: vhv_reg_room before the try
 * @epoch: vhv_reg_epoch of the try
 *
 * Context: kvm_entry probe (IRQs off). No lock, no allocation.
 */
void vhv_nt_note(const void *key, enum vhv_nt_reason why, unsigned long room,
		 unsigned long epoch)
{
	unsigned int h = hash_ptr(key, NT_BITS), i;
	struct nt_slot *s = nt_find(key);

	atomic_long_inc(&nt_fail[why]);
	atomic_set(&nt_last_tid[why], current->pid);
	if (s)
		goto set;
	for (i = 0; i < NT_PROBE; i++) {
		s = &nt_slots[(h + i) & (NT_SLOTS - 1)];
		if (!READ_ONCE(s->key) && !cmpxchg(&s->key, NULL, key))
			goto fill;
	}
	atomic_long_inc(&nt_lost);
	return;
fill:
	s->room = room;
	s->epoch = epoch;
	s->nomem = why == VHV_NT_NOMEM;
	get_task_struct(current);
	/* Publishes the fields above with the thread. */
	smp_store_release(&s->task, current);
	atomic_inc(&nt_used);
	return;
set:
	WRITE_ONCE(s->room, room);
	WRITE_ONCE(s->epoch, epoch);
	WRITE_ONCE(s->nomem, why == VHV_NT_NOMEM);
}

/**
 * vhv_nt_scan() - forget untracked vCPUs that are gone or now tracked
 * @tracked: tells whether @key is tracked for thread @t now
 *
 * Context: the worker only (the one writer that empties slots).
 */
void vhv_nt_scan(bool (*tracked)(const void *key, struct task_struct *t))
{
	struct task_struct *t;
	struct nt_slot *s;
	unsigned int i;

	if (!atomic_read(&nt_used))
		return;
	for (i = 0; i < NT_SLOTS; i++) {
		s = &nt_slots[i];
		t = smp_load_acquire(&s->task);
		if (!t)
			continue;	/* free, or being filled */
		if (!(READ_ONCE(t->flags) & PF_EXITING) &&
		    !READ_ONCE(t->exit_state) && !tracked(s->key, t))
			continue;
		WRITE_ONCE(s->task, NULL);
		/* The key goes last: a probe seeing it still counts as noted. */
		smp_store_release(&s->key, NULL);
		atomic_dec(&nt_used);
		put_task_struct(t);
	}
}

/* The messages the probe may not print: at most one per reason per run. */
void vhv_nt_report(void)
{
	static const char *const what[VHV_NT_NR] = {
		[VHV_NT_VCPUS] = "max_vcpus reached",
		[VHV_NT_VMS] = "max_vms reached",
		[VHV_NT_NOMEM] = "out of memory",
	};
	long n, lost;
	int i;

	for (i = 0; i < VHV_NT_NR; i++) {
		n = atomic_long_read(&nt_fail[i]);
		if (n == nt_reported[i])
			continue;
		pr_warn_ratelimited("%s: %ld vCPU entries not tracked (last thread %d), %u vCPUs untracked now\n",
				    what[i], n - nt_reported[i],
				    atomic_read(&nt_last_tid[i]), vhv_nt_count());
		nt_reported[i] = n;
	}
	lost = atomic_long_read(&nt_lost);
	if (lost != nt_lost_reported) {
		pr_warn_ratelimited("more than %u vCPUs untracked: untracked_vcpus reads low\n",
				    NT_SLOTS);
		nt_lost_reported = lost;
	}
}

/* Untracked vCPUs whose thread still runs (as of the last scan). */
unsigned int vhv_nt_count(void)
{
	return atomic_read(&nt_used);
}

/* Entries that found no object and could not get one, since load. */
u64 vhv_nt_failures(void)
{
	u64 n = 0;
	int i;

	for (i = 0; i < VHV_NT_NR; i++)
		n += atomic_long_read(&nt_fail[i]);
	return n;
}

int vhv_nt_init(void)
{
	if (!vhv_params_fail_init())
		nt_slots = kcalloc(NT_SLOTS, sizeof(*nt_slots), GFP_KERNEL);
	return nt_slots ? 0 : -ENOMEM;
}

/* Context: the probes are detached and quiescent. */
void vhv_nt_exit(void)
{
	unsigned int i;

	if (!nt_slots)
		return;
	for (i = 0; i < NT_SLOTS; i++) {
		if (nt_slots[i].task)
			put_task_struct(nt_slots[i].task);
	}
	kfree(nt_slots);
	nt_slots = NULL;
}
