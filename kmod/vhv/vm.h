/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VHV_VM_H
#define _VHV_VM_H

#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "stall.h"
#include "steal.h"
#include "untracked.h"

struct dentry;
struct kvm;
struct kvm_vcpu;
struct mm_struct;

/**
 * struct vhv_vm_apf - a VM's async page faults (KVM faulted a page in
 * through a kworker while the vCPU waited or ran other guest work)
 * @faults: KVM's "page not present"
 * @done: "page ready" seen and timed
 * @wait_ns: total not-present to ready time of those
 * @max_ns: the longest
 */
struct vhv_vm_apf {
	u64 faults;
	u64 done;
	u64 wait_ns;
	u64 max_ns;
};

struct task_struct;
struct vhv_vcpu;

/**
 * struct vhv_vm - a VM (one struct kvm) seen through its vCPUs
 * @kobj: sysfs directory vms/<id>; its release frees the object
 * @vcpus_kobj: sysfs directory vms/<id>/vcpus
 * @hnode: in the VM hash, keyed by @kvm (RCU; vhv_reg.hash_lock)
 * @node: in vhv_reg.vms (vhv_reg.lock)
 * @pend: in vhv_reg.pending_vms until listed
 * @vcpus: listed vCPUs (vhv_reg.lock)
 * @hvcpus: hashed vCPUs (vhv_reg.hash_lock), listed or not
 * @kvm: the struct kvm pointer: an opaque key, never dereferenced here
 * @mm: the VMM's mm; mmgrab()ed, so the struct stays; mm_users tells
 *	whether the process still runs
 * @leader: the VMM's thread group leader (reference held), for the cgroup
 * @kvm_dir: KVM's debugfs directory of the VM (reference held), taken at
 *	the first look at the memory slots (@kvm alive); KVM removes it when
 *	it destroys the VM, so an unhashed one means the VM is over. NULL
 *	without debugfs (vhv_reg.hash_lock to set; read racily)
 * @id: vhv's number for the VM, unique while the module is loaded
 * @pid: the VMM's tgid
 * @nr_alive: vCPU objects that point here and are still hashed
 *	(vhv_reg.hash_lock)
 * @dead: unhashed (vhv_reg.hash_lock)
 * @renewed: a new struct kvm took @kvm's address: the VM is over and no
 *	vCPU joins it any more (set by the probe, read under hash_lock)
 * @listed: on vhv_reg.vms (vhv_reg.lock)
 * @in_sysfs: @kobj is in sysfs (vhv_reg.lock)
 * @nr_vcpus: listed vCPUs (vhv_reg.lock)
 * @max_vcpus: most vCPUs listed at once (vhv_reg.lock)
 * @hb: jiffies when the VM was found, or of the last heartbeat of a
 *	reaped vCPU (vhv_reg.lock); the VM's heartbeat is the latest of this
 *	and its vCPUs' (vhv_vm_hb())
 * @mem_epoch: vhv_reg_epoch when a vCPU last looked at the memory slots
 * @mem_lock: serialises the memory slot walk (only ever trylocked)
 * @mem_valid: @mem_gen and @mem_bytes are set
 * @mem_gen: memslots generation @mem_bytes was computed from
 * @mem_bytes: size of the user memory slots of address space 0
 * @gone_ready_ns: ready_ns of reaped vCPUs (vhv_reg.lock)
 * @gone_swap_wait_ns: swap_wait_ns of reaped vCPUs (vhv_reg.lock)
 * @gone_majflt: major faults of reaped vCPUs (vhv_reg.lock)
 * @gone_apf: async page fault figures of reaped vCPUs (vhv_reg.lock)
 * @rate_at: jiffies of the last major-fault rate sample (vhv_reg.lock)
 * @rate_majflt: vhv_vm_majflt() at @rate_at (vhv_reg.lock)
 * @majflt_rate: major faults per second over the last sample (vhv_reg.lock)
 * @swap_sample: vhv_vm_swap_bytes() at the worker's last run, for the
 *	snapshot (vhv_reg.lock)
 * @stall: stall detector state (vhv_reg.lock)
 * @steal: ready time by culprit, of reaped vCPUs and by other VM
 *	(vhv_reg.lock)
 */
struct vhv_vm {
	struct kobject kobj;
	struct kobject *vcpus_kobj;
	struct hlist_node hnode;
	struct list_head node;
	struct llist_node pend;
	struct list_head vcpus;
	struct list_head hvcpus;
	const void *kvm;
	struct mm_struct *mm;
	struct task_struct *leader;
	struct dentry *kvm_dir;
	u32 id;
	pid_t pid;
	unsigned int nr_alive;
	bool dead;
	bool renewed;
	bool listed;
	bool in_sysfs;
	unsigned int nr_vcpus;
	unsigned int max_vcpus;

	unsigned long hb;
	unsigned long mem_epoch;
	spinlock_t mem_lock;
	bool mem_valid;
	u64 mem_gen;
	u64 mem_bytes;

	u64 gone_ready_ns;
	u64 gone_swap_wait_ns;
	u64 gone_majflt;
	struct vhv_vm_apf gone_apf;
	unsigned long rate_at;
	u64 rate_majflt;
	u64 majflt_rate;
	u64 swap_sample;
	struct vhv_stall stall;
	struct vhv_vm_steal steal;
};

/* Probe context. */
struct vhv_vm *vhv_vm_alloc(enum vhv_nt_reason *why);
void vhv_vm_free_unpublished(struct vhv_vm *vm);
struct vhv_vcpu_new;
struct vhv_vm *vhv_vm_find_locked(const struct vhv_vcpu_new *n);
void vhv_vm_publish_locked(struct vhv_vm *vm, const struct vhv_vcpu_new *n);
void vhv_vm_update_mem(struct vhv_vm *vm, struct kvm *kvm);
bool vhv_vm_mem_stale(struct vhv_vm *vm, struct kvm *kvm);

/* Process context, vhv_reg.lock held. */
u64 vhv_vm_swap_bytes(struct vhv_vm *vm);
u64 vhv_vm_majflt(struct vhv_vm *vm);
u64 vhv_vm_ready_ns(struct vhv_vm *vm);
u64 vhv_vm_swap_wait_ns(struct vhv_vm *vm);
void vhv_vm_apf(struct vhv_vm *vm, struct vhv_vm_apf *a);
unsigned long vhv_vm_hb(struct vhv_vm *vm);
u64 vhv_vm_heartbeat_ms(struct vhv_vm *vm);
size_t vhv_vm_cgroup(struct vhv_vm *vm, char *buf, size_t len, s64 *some_us,
		     s64 *full_us);
void vhv_vm_update_rate(struct vhv_vm *vm);
bool vhv_vm_gone(struct vhv_vm *vm);
void vhv_vm_fold(struct vhv_vm *vm, struct vhv_vcpu *e);
void vhv_vm_unhash_locked(struct vhv_vm *vm);

/* Process context, no lock. */
void vhv_vm_retire(struct vhv_vm *vm);
void vhv_vm_release(struct kobject *kobj);
int vhv_vm_init(void);
void vhv_vm_exit(void);

#endif /* _VHV_VM_H */
