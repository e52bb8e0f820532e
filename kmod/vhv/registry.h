/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VHV_REGISTRY_H
#define _VHV_REGISTRY_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

/**
 * struct vhv_reg - every VM and vCPU vhv knows about
 * @lock: protects @vms, @nr_vms, @nr_vcpus, each VM's vCPU list, the
 *	per-VM figures kept for readers (totals of reaped vCPUs, majflt rate,
 *	stall state) and the listed/in_sysfs flags. A mutex: readers (sysfs,
 *	snapshot) and the worker sleep under it. Lock order: snapshot lock,
 *	then @lock, then @hash_lock. Never held across kobject_del(): removal
 *	waits for sysfs readers, which take @lock.
 * @hash_lock: protects the lookup hashes (vCPU by kvm_vcpu pointer, vCPU by
 *	task, VM by kvm pointer) and each VM's @nr_alive/@dead. Taken from the
 *	kvm_entry probe (IRQs off) and from process context with IRQs off.
 *	Never taken from the sched_switch probe (it runs under the runqueue
 *	lock).
 * @vms: listed VMs (struct vhv_vm.node)
 * @nr_vms: number of listed VMs
 * @nr_vcpus: number of listed vCPUs
 * @nr_vms_alloc: VM objects in existence (for max_vms)
 * @nr_vcpus_alloc: vCPU objects in existence (for max_vcpus)
 * @next_vm_id: last VM id handed out; ids are never reused while loaded
 * @pending_vms: VMs created by the probe, not yet listed (lockless)
 * @pending_vcpus: vCPUs created by the probe, not yet listed (lockless)
 * @wq: unbound workqueue running @sync_work and @tick_work
 * @work_lock: held across each run of @sync_work and @tick_work: they run
 *	one at a time, as on an ordered workqueue. @wq is not one: 6.1 does
 *	not move ordered workqueues when the workqueue cpumask changes, so
 *	the worker would keep running (and re-arming its timer) on CPUs an
 *	operator isolated for vCPUs
 * @sync_work: lists pending objects and gives them sysfs directories
 * @tick_work: the periodic worker (heartbeat epoch, reaping, stall check)
 * @last_tick: jiffies of the previous periodic run (worker only)
 * @resynced: the previous periodic run raised no stall because it ran late
 *	(worker only)
 */
struct vhv_reg {
	struct mutex lock;
	spinlock_t hash_lock;
	struct list_head vms;
	unsigned int nr_vms;
	unsigned int nr_vcpus;
	atomic_t nr_vms_alloc;
	atomic_t nr_vcpus_alloc;
	atomic_t next_vm_id;
	struct llist_head pending_vms;
	struct llist_head pending_vcpus;
	struct workqueue_struct *wq;
	struct mutex work_lock;
	struct work_struct sync_work;
	struct delayed_work tick_work;
	unsigned long last_tick;
	bool resynced;
};

extern struct vhv_reg vhv_reg;

/*
 * Per-CPU caches in the probes are valid only while their copy of
 * vhv_reg_epoch is current. The worker bumps it every period (so every
 * running vCPU passes the slow path once per period: the heartbeat) and
 * after unhashing objects. vhv_reg_gen is bumped only after unhashing; a
 * cache whose gen is current may dereference its cached vCPU pointer.
 */
extern unsigned long vhv_reg_epoch;
extern unsigned long vhv_reg_gen;

/*
 * Bumped by the worker when a vCPU that could not be tracked over a limit
 * may be tracked now: until then the probe does not try again.
 */
extern unsigned long vhv_reg_room;

/**
 * struct vhv_reg_host - host-wide figures
 * @nr_vms: listed VMs
 * @nr_vcpus: listed vCPUs
 * @nr_cpus: online CPUs
 * @guest_mem_bytes: sum of the listed VMs' mem_bytes
 * @ram_bytes: total RAM of the host
 * @track_failures: vCPU entries that found no object and could not get one
 * @untracked_vcpus: vCPUs whose thread runs and that vhv could not track
 * @entry_probe: the kvm_entry probe is attached now (finding new vCPUs)
 * @entry_probe_attaches: times it was attached since load
 */
struct vhv_reg_host {
	unsigned int nr_vms;
	unsigned int nr_vcpus;
	unsigned int nr_cpus;
	u64 guest_mem_bytes;
	u64 ram_bytes;
	u64 track_failures;
	unsigned int untracked_vcpus;
	bool entry_probe;
	u64 entry_probe_attaches;
};

void vhv_reg_host_locked(struct vhv_reg_host *h);
void vhv_reg_kick(void);
unsigned int vhv_reg_period_ms(void);
int vhv_reg_init(void);
void vhv_reg_exit(void);

#endif /* _VHV_REGISTRY_H */
