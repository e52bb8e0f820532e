/* SPDX-License-Identifier: GPL-2.0 */
/*
 * snapshot.h - parse the text of /proc/vhv/snapshot
 *
 * The format is specified in Documentation/vhv/design.rst ("Snapshot
 * format"): one "vhv-snapshot" header line, one "host" line, "vm" lines each
 * followed by its "vcpu" lines and, from modules with noisy-neighbour
 * attribution, one "stolen" line, and an "end" line. Every word after the
 * first is key=value. Keys this reader does not know are ignored (the module
 * may append new ones); anything else that does not fit is an error.
 */
#ifndef VHVSTAT_SNAPSHOT_H
#define VHVSTAT_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VHV_SNAPSHOT_VERSION	1
#define VHV_SNAPSHOT_PATH	"/proc/vhv/snapshot"

/*
 * Value of a signed figure the module cannot give: swapin_delay_ns of a
 * thread without delay accounting, memory pressure of a VM in the root
 * cgroup or without PSI.
 */
#define VHV_NA			(-1)

/*
 * The ready histogram (ready_hist): count 0 is episodes shorter than
 * 1024 ns, count b (1..23) episodes in [2^(b+9), 2^(b+10)) ns, count 24
 * episodes of 2^33 ns or more.
 */
#define VHV_HIST_BUCKETS	25
#define VHV_NO_DELAYACCT	VHV_NA

/*
 * What a vCPU thread is doing, the snapshot's "state" word (the module's
 * enum vhv_vcpu_state): on a CPU in guest mode; on a CPU in
 * KVM, not in guest mode; runnable, waiting for a CPU; halted; waiting for
 * a swap-in; asleep in KVM for another reason; outside KVM_RUN, in the
 * VMM's own code; stopped by a signal or a ptrace stop.
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

/*
 * A VM as the module's stall detector sees it, the "status" word: no vCPU
 * stalled; some vCPUs stalled, not all; every vCPU stalled; every vCPU
 * left KVM together and stays in the VMM (QEMU "stop").
 */
enum vhv_vm_status {
	VHV_VM_OK,
	VHV_VM_DEGRADED,
	VHV_VM_STALLED,
	VHV_VM_PAUSED,
	VHV_VM_STATUS_MAX,
};

/* The words of the snapshot, indexed by the enums above. */
extern const char *const vhv_vcpu_state_names[VHV_ST_MAX];
extern const char *const vhv_vm_status_names[VHV_VM_STATUS_MAX];

struct vhv_host {
	uint64_t nr_vms;
	uint64_t nr_vcpus;
	uint64_t nr_cpus;
	uint64_t guest_mem_bytes;
	uint64_t ram_bytes;
	uint64_t stall_threshold_ms;
	uint64_t track_failures;	/* tries to track a vCPU that failed */
	uint64_t untracked_vcpus;	/* vCPUs not tracked now */
};

struct vhv_vcpu {
	uint64_t vm;		/* id of the VM it belongs to */
	uint64_t idx;		/* KVM's vcpu_idx: 0..n-1 in creation order */
	uint64_t vcpu_id;	/* KVM's vcpu_id (the APIC id on x86) */
	uint64_t tid;
	uint64_t ready_ns;
	uint64_t run_ns;
	uint64_t guest_ns;
	uint64_t halt_ns;
	uint64_t exits;
	uint64_t preemptions;
	uint64_t ready_max_ns;
	uint64_t swap_wait_ns;
	int64_t swapin_delay_ns;	/* VHV_NO_DELAYACCT when unavailable */
	uint64_t majflt;
	enum vhv_vcpu_state state;
	uint64_t state_ms;	/* time in @state; 0: newer than the worker's last look */
	bool stalled;
	uint64_t stall_count;	/* stall episodes of this vCPU */
	uint64_t ready_hist[VHV_HIST_BUCKETS];
};

/*
 * Who held the CPU while a VM's vCPUs were ready (runnable, waiting for
 * it), the "stolen" line: the classes of its *_ns keys, in their order.
 * The nine add up to the VM's ready time vhv accounted since it started
 * tracking the VM, exited vCPUs included.
 */
enum vhv_stolen_class {
	VHV_STOLEN_SAME_VM,	/* another vCPU of the same VM */
	VHV_STOLEN_OTHER_VMS,	/* a vCPU of another VM (by_vm: the top ones) */
	VHV_STOLEN_KSWAPD,
	VHV_STOLEN_KSMD,
	VHV_STOLEN_VHOST,	/* vhost-<pid> workers */
	VHV_STOLEN_KWORKER,	/* workqueue workers */
	VHV_STOLEN_KTHREAD,	/* other kernel threads */
	VHV_STOLEN_PROCESS,	/* other host threads, a VMM's own included */
	VHV_STOLEN_UNATTRIBUTED,	/* migrated waits, too many switches */
	VHV_STOLEN_MAX,
};

/* "same_vm", "other_vms", ...: the keys without "_ns" */
extern const char *const vhv_stolen_names[VHV_STOLEN_MAX];

/* by_vm holds at most this many other VMs. */
#define VHV_STOLEN_BY_VM	8

/* Another VM that held the CPU while this one waited, and for how long. */
struct vhv_culprit {
	uint64_t vm;		/* its vhv id; it may be gone from the snapshot */
	uint64_t ns;
};

struct vhv_culprits {
	size_t n;
	struct vhv_culprit e[VHV_STOLEN_BY_VM];	/* ns descending, then id */
};

struct vhv_stolen {
	uint64_t vm;		/* id of the VM it belongs to */
	uint64_t ns[VHV_STOLEN_MAX];	/* cumulative, by enum vhv_stolen_class */
	struct vhv_culprits by_vm;	/* their sum is at most */
					/* ns[VHV_STOLEN_OTHER_VMS] */
};

struct vhv_vm {
	uint64_t id;
	uint64_t pid;
	uint64_t nr_vcpus;
	uint64_t mem_bytes;
	uint64_t swap_bytes;
	uint64_t majflt;	/* vCPU threads' major faults, exited ones too */
	uint64_t swap_wait_ns;
	uint64_t heartbeat_ms;
	bool stalled;		/* at least one vCPU stalled */
	enum vhv_vm_status status;
	uint64_t stalled_vcpus;
	uint64_t stall_count;	/* episodes of @stalled */
	uint64_t pause_count;	/* episodes of VHV_VM_PAUSED */
	char *cgroup;		/* %XX escapes decoded; NULL for "-" */
	int64_t mem_pressure_some_us;	/* VHV_NA when unavailable */
	int64_t mem_pressure_full_us;
	uint64_t apf_faults;	/* KVM's async page faults of its vCPUs */
	uint64_t apf_wait_ns;	/* their "not present" to "ready" time */
	uint64_t apf_max_ns;
	struct vhv_vcpu *vcpus;
	size_t n_vcpus;		/* vcpu lines that followed the vm line */
	bool has_stolen;	/* a stolen line followed; false from older */
				/* modules: @stolen is then not known */
	struct vhv_stolen stolen;
	/* not in the snapshot: filled by vhv_ident_vm() (ident.h), or NULL */
	char *name;
	char *uuid;
	char *vmid;
	char *machine;
};

struct vhv_snapshot {
	uint64_t version;
	uint64_t time_ns;	/* CLOCK_MONOTONIC */
	uint64_t wall_ns;	/* not in the snapshot: CLOCK_REALTIME when */
				/* vhvstat read it live; 0 from files */
	uint64_t hz;		/* USER_HZ */
	struct vhv_host host;
	struct vhv_vm *vms;
	size_t n_vms;
};

/*
 * A cursor over a buffer holding zero or more snapshots one after the
 * other (the text of one read of the sysfs file, or a fixture file with
 * several). @name and the line numbers go into error messages.
 */
struct vhv_parser {
	const char *name;
	const char *buf;
	size_t len;
	size_t pos;
	unsigned int line;
};

void vhv_parser_init(struct vhv_parser *p, const char *name,
		     const char *buf, size_t len);

/*
 * vhv_snapshot_next() - parse the next snapshot of the buffer into @s.
 *
 * Blank lines and lines starting with '#' are skipped (the module prints
 * neither; fixtures use them). Return: 1 and a filled @s, 0 when only such
 * lines remain, -1 on malformed input with a message "NAME:LINE: ..." in
 * @err. On 0 and -1, @s holds nothing that needs freeing.
 */
int vhv_snapshot_next(struct vhv_parser *p, struct vhv_snapshot *s,
		      char *err, size_t errlen);

/* Parse a buffer that must hold exactly one snapshot. Return 0 or -1. */
int vhv_snapshot_parse(const char *name, const char *buf, size_t len,
		       struct vhv_snapshot *s, char *err, size_t errlen);

void vhv_snapshot_free(struct vhv_snapshot *s);

const struct vhv_vm *vhv_snapshot_find_vm(const struct vhv_snapshot *s,
					  uint64_t id);
const struct vhv_vcpu *vhv_vm_find_vcpu(const struct vhv_vm *vm, uint64_t idx);

#endif /* VHVSTAT_SNAPSHOT_H */
