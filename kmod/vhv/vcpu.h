/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VHV_VCPU_H
#define _VHV_VCPU_H

#include <linux/atomic.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/sched.h>
#include <linux/types.h>

#include "steal.h"

struct kvm_vcpu;
struct task_struct;
struct vhv_vm;

/* Bucket b > 0 counts ready episodes in [2^(b+9), 2^(b+10)) ns. */
#define VHV_HIST_BUCKETS	25

/* Async page faults of a vCPU timed at once (more: the oldest is dropped). */
#define VHV_APF_SLOTS	8
/*
 * The token of KVM's "wake all" page ready: x86 keeps tokens in a u32
 * (struct kvm_arch_async_pf) and sets it to ~0, so the tracepoint's u64
 * carries 0xffffffff, not ~0ULL.
 */
#define VHV_APF_WAKE_ALL	((u64)U32_MAX)

/**
 * enum vhv_vcpu_state - what a vCPU thread is doing (Documentation/vhv)
 * @VHV_ST_GUEST: on a CPU in guest mode
 * @VHV_ST_KVM: on a CPU inside a vCPU ioctl, not in guest mode (handling
 *	an exit, polling a halt, or stuck in KVM)
 * @VHV_ST_READY: runnable inside a vCPU ioctl, waiting for a CPU
 * @VHV_ST_HALTED: waiting in KVM for a guest interrupt
 * @VHV_ST_SWAPWAIT: waiting for guest memory: I/O wait inside KVM_RUN or
 *	KVM's artificial halt for an async page fault
 * @VHV_ST_BLOCKED: sleeping inside a vCPU ioctl for another reason
 * @VHV_ST_VMM: outside KVM: the VMM's own code, running or not
 * @VHV_ST_STOPPED: stopped by a signal or by a ptrace stop
 */
enum vhv_vcpu_state {
	VHV_ST_GUEST,
	VHV_ST_KVM,
	VHV_ST_READY,
	VHV_ST_HALTED,
	VHV_ST_SWAPWAIT,
	VHV_ST_BLOCKED,
	VHV_ST_VMM,
	VHV_ST_STOPPED,
	VHV_ST_MAX,
};

extern const char *const vhv_vcpu_state_names[VHV_ST_MAX];

/**
 * struct vhv_vcpu - a vCPU thread seen entering the guest
 * @kobj: sysfs directory vms/<vm>/vcpus/<idx>; its release frees the object
 * @hnode: in the vCPU hash, keyed by @key (RCU; vhv_reg.hash_lock)
 * @tnode: in the task hash, keyed by @task (RCU; vhv_reg.hash_lock)
 * @node: in @vm's vCPU list (vhv_reg.lock)
 * @vm_hnode: in @vm->hvcpus while hashed (vhv_reg.hash_lock)
 * @pend: in vhv_reg.pending_vcpus until listed
 * @vm: owning VM; holds a reference on its kobject
 * @key: the struct kvm_vcpu pointer: an opaque key, never dereferenced
 * @kvm: the struct kvm pointer: an opaque key, never dereferenced
 * @task: the vCPU thread; a reference is held, so while this object exists
 *	no other thread can have the same task_struct address
 * @vcpu_id: KVM's vcpu_id (the APIC id on x86)
 * @idx: KVM's vcpu_idx (creation order), the sysfs directory name
 * @tid: @task's pid
 * @dead: unhashed; set under vhv_reg.hash_lock
 * @replaced: @key was seen with another thread, VM or vcpu_id
 * @listed: on @vm's list (vhv_reg.lock)
 * @in_sysfs: @kobj is in sysfs (vhv_reg.lock)
 * @last_pc: sched_info.pcount at the previous look (vhv_vcpu_observe())
 * @last_rd: sched_info.run_delay then
 * @ready_max_ns: longest ready episode
 * @hist: log2 histogram of ready episodes
 * @halt_ns: KVM's halt_wait_ns stat
 * @exits: KVM's exits stat
 * @preemptions: KVM's preemption_reported + preemption_other stats
 * @halted: the vCPU's last sleep inside a vCPU ioctl was a halt (KVM's
 *	mp_state was not RUNNABLE: HLT, or waiting for INIT/SIPI)
 * @sw_start: local_clock() at the switch-out that began a swap wait, 0 if
 *	none is open
 * @sw_end: local_clock() at the wakeup that ended it, 0 until then
 * @swap_wait_ns: completed swap waits (I/O wait inside a vCPU ioctl, KVM's
 *	artificial halt), ready time excluded
 * @hb: jiffies of the last look (vhv_vcpu_observe()) that found the vCPU
 *	had entered the guest since the one before (its heartbeat), or of
 *	the worker's last sample that found it in guest mode
 * @obs_epoch: vhv_reg_epoch at the last look
 * @apf_token: KVM's tokens of the async page faults in flight
 * @apf_start: ktime_get_ns() of their "page not present", 0: free slot
 * @apf_faults: async page faults (KVM's "page not present")
 * @apf_done: of them, "page ready" seen and timed
 * @apf_wait_ns: total not-present to ready time of those
 * @apf_max_ns: the longest
 * @steal: its ready time by who held the CPU (steal.c)
 * @st: the state the worker saw last (vhv_reg.lock)
 * @st_since: jiffies when the worker first saw @st (vhv_reg.lock)
 * @fine_at: jiffies when the worker last saw the vCPU in a state that
 *	cannot stall (guest, halted, swap wait) (vhv_reg.lock)
 * @stalled: the vCPU is stalled now (vhv_reg.lock)
 * @stall_since: jiffies the current stall counts from (vhv_reg.lock)
 * @stall_count: stalls of this vCPU (vhv_reg.lock)
 *
 * The fields from @last_pc to @steal are written only on @task's CPU
 * with IRQs off, while @task is current or being switched out (probes,
 * the worker's IPI), so they have a single writer at a time (but for the
 * worker's @hb stamp); readers use READ_ONCE() and accept values from
 * different instants.
 */
struct vhv_vcpu {
	struct kobject kobj;
	struct hlist_node hnode;
	struct hlist_node tnode;
	struct list_head node;
	struct list_head vm_hnode;
	struct llist_node pend;
	struct vhv_vm *vm;
	const void *key;
	const void *kvm;
	struct task_struct *task;
	u32 vcpu_id;
	u32 idx;
	pid_t tid;
	bool dead;
	bool replaced;
	bool listed;
	bool in_sysfs;

	unsigned long last_pc;
	u64 last_rd;
	u64 ready_max_ns;
	u64 hist[VHV_HIST_BUCKETS];
	u64 halt_ns;
	u64 exits;
	u64 preemptions;
	bool halted;
	u64 sw_start;
	u64 sw_end;
	u64 swap_wait_ns;
	unsigned long hb;
	unsigned long obs_epoch;
	u64 apf_token[VHV_APF_SLOTS];
	u64 apf_start[VHV_APF_SLOTS];
	u64 apf_faults;
	u64 apf_done;
	u64 apf_wait_ns;
	u64 apf_max_ns;
	struct vhv_vcpu_steal steal;

	u8 st;
	bool stalled;
	unsigned long st_since;
	unsigned long fine_at;
	unsigned long stall_since;
	u64 stall_count;
};

/**
 * struct vhv_vcpu_stats - what a reader sees of a vCPU
 * @ready_ns: run_delay of the thread
 * @run_ns: sum_exec_runtime of the thread
 * @guest_ns: gtime of the thread
 * @halt_ns: KVM's halt_wait_ns
 * @exits: KVM's exits
 * @preemptions: KVM's preemption_reported + preemption_other
 * @ready_max_ns: longest ready episode
 * @swap_wait_ns: I/O wait inside KVM_RUN
 * @swapin_delay_ns: delay accounting's swapin_delay, -1 without delayacct
 * @majflt: major faults of the thread
 * @state: what the thread does now (vhv_vcpu_state())
 * @state_ms: for how long (vhv_vcpu_state_now())
 */
struct vhv_vcpu_stats {
	u64 ready_ns;
	u64 run_ns;
	u64 guest_ns;
	u64 halt_ns;
	u64 exits;
	u64 preemptions;
	u64 ready_max_ns;
	u64 swap_wait_ns;
	s64 swapin_delay_ns;
	u64 majflt;
	enum vhv_vcpu_state state;
	u64 state_ms;
};

extern atomic_t vhv_vcpu_nr_swait;

/* Is some vCPU in a swap wait now (one load per context switch and wakeup) */
static inline bool vhv_vcpu_swait_open(void)
{
	return atomic_read(&vhv_vcpu_nr_swait);
}

/*
 * KVM registers a preempt notifier on a thread for the duration of each
 * vcpu_load() section (KVM_RUN and the other vCPU ioctls), so a thread
 * without one is not in a vCPU ioctl: a one-load filter on every context
 * switch that, unlike a per-CPU cache, still holds after the thread
 * migrated. The notifier may be another user's (kvm_notifier_on() in
 * probe.c tells), hence "maybe".
 */
static inline bool vhv_maybe_in_vcpu_ioctl(struct task_struct *p)
{
	return !hlist_empty(&p->preempt_notifiers);
}

/**
 * struct vhv_vcpu_new - what creating a vCPU object needs
 * @key: the struct kvm_vcpu pointer
 * @kvm: its struct kvm pointer
 * @vcpu_id: KVM's vcpu_id
 * @idx: KVM's vcpu_idx
 * @task: the thread inside the vCPU's ioctl
 * @mm: @task's mm
 * @halted: the vCPU was halted when the look saw it
 */
struct vhv_vcpu_new {
	const void *key;
	const void *kvm;
	u32 vcpu_id;
	u32 idx;
	bool halted;
	struct task_struct *task;
	struct mm_struct *mm;
};

/* Probe context (preemption off, which makes an RCU read-side section). */
struct vhv_vcpu *vhv_vcpu_find(struct kvm_vcpu *vcpu);
struct vhv_vcpu *vhv_vcpu_create(struct kvm_vcpu *vcpu, unsigned long room,
				 unsigned long epoch);
bool vhv_vcpu_observe(struct vhv_vcpu *e, struct kvm_vcpu *vcpu,
		      struct task_struct *t, unsigned long epoch, bool entry);
struct vhv_vcpu *vhv_vcpu_observe_task(struct task_struct *t,
				       unsigned long epoch, bool *mem);
/* Probe context, current == e->task. */
void vhv_vcpu_block(struct vhv_vcpu *e, struct task_struct *prev,
		    unsigned int prev_state);
void vhv_vcpu_wakeup(struct task_struct *p);
void vhv_vcpu_wake_task(struct task_struct *next);
bool vhv_vcpu_loaded(const struct vhv_vcpu *e, const struct task_struct *t);
struct vhv_vcpu *vhv_vcpu_current(void);
void vhv_vcpu_apf_start(struct vhv_vcpu *e, u64 token);
void vhv_vcpu_apf_ready(struct vhv_vcpu *e, u64 token);

/* Process context. */
void vhv_vcpu_read(struct vhv_vcpu *e, struct vhv_vcpu_stats *s);
void vhv_vcpu_read_hist(struct vhv_vcpu *e, u64 *hist);
enum vhv_vcpu_state vhv_vcpu_state(struct vhv_vcpu *e);
void vhv_vcpu_state_now(struct vhv_vcpu *e, enum vhv_vcpu_state *st,
			u64 *ms);
u64 vhv_vcpu_majflt(struct vhv_vcpu *e);
bool vhv_vcpu_gone(struct vhv_vcpu *e);
bool vhv_vcpu_task_tracked(struct task_struct *t);
struct vhv_vcpu *vhv_vcpu_create_new(const struct vhv_vcpu_new *n);
void vhv_vcpu_unhash_locked(struct vhv_vcpu *e);
void vhv_vcpu_retire(struct vhv_vcpu *e);
void vhv_vcpu_release(struct kobject *kobj);
bool vhv_vcpu_tracked(const void *key, struct task_struct *t);
int vhv_vcpu_init(void);
void vhv_vcpu_exit(void);

#endif /* _VHV_VCPU_H */
