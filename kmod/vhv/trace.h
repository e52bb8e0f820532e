/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vhv's own tracepoints (events/vhv/ in tracefs).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vhv

#if !defined(_VHV_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _VHV_TRACE_H

#include <linux/tracepoint.h>

#include "compat.h"

DECLARE_EVENT_CLASS(vhv_vm_class,
	TP_PROTO(u32 id, pid_t pid, u32 nr_vcpus),
	TP_ARGS(id, pid, nr_vcpus),
	TP_STRUCT__entry(
		__field(u32, id)
		__field(pid_t, pid)
		__field(u32, nr_vcpus)
	),
	TP_fast_assign(
		__entry->id = id;
		__entry->pid = pid;
		__entry->nr_vcpus = nr_vcpus;
	),
	TP_printk("id=%u pid=%d nr_vcpus=%u",
		  __entry->id, __entry->pid, __entry->nr_vcpus)
);

DEFINE_EVENT(vhv_vm_class, vhv_vm_add,
	TP_PROTO(u32 id, pid_t pid, u32 nr_vcpus),
	TP_ARGS(id, pid, nr_vcpus));

DEFINE_EVENT(vhv_vm_class, vhv_vm_remove,
	TP_PROTO(u32 id, pid_t pid, u32 nr_vcpus),
	TP_ARGS(id, pid, nr_vcpus));

DECLARE_EVENT_CLASS(vhv_vcpu_class,
	TP_PROTO(u32 vm, u32 idx, pid_t tid),
	TP_ARGS(vm, idx, tid),
	TP_STRUCT__entry(
		__field(u32, vm)
		__field(u32, idx)
		__field(pid_t, tid)
	),
	TP_fast_assign(
		__entry->vm = vm;
		__entry->idx = idx;
		__entry->tid = tid;
	),
	TP_printk("vm=%u idx=%u tid=%d", __entry->vm, __entry->idx, __entry->tid)
);

DEFINE_EVENT(vhv_vcpu_class, vhv_vcpu_add,
	TP_PROTO(u32 vm, u32 idx, pid_t tid),
	TP_ARGS(vm, idx, tid));

DEFINE_EVENT(vhv_vcpu_class, vhv_vcpu_remove,
	TP_PROTO(u32 vm, u32 idx, pid_t tid),
	TP_ARGS(vm, idx, tid));

/* A wait of a vCPU: ready (for a CPU), swap (for guest memory). */
DECLARE_EVENT_CLASS(vhv_wait_class,
	TP_PROTO(u32 vm, u32 idx, pid_t tid, u64 wait_ns),
	TP_ARGS(vm, idx, tid, wait_ns),
	TP_STRUCT__entry(
		__field(u32, vm)
		__field(u32, idx)
		__field(pid_t, tid)
		__field(u64, wait_ns)
	),
	TP_fast_assign(
		__entry->vm = vm;
		__entry->idx = idx;
		__entry->tid = tid;
		__entry->wait_ns = wait_ns;
	),
	TP_printk("vm=%u idx=%u tid=%d wait_ns=%llu",
		  __entry->vm, __entry->idx, __entry->tid, __entry->wait_ns)
);

DEFINE_EVENT(vhv_wait_class, vhv_ready_wait,
	TP_PROTO(u32 vm, u32 idx, pid_t tid, u64 wait_ns),
	TP_ARGS(vm, idx, tid, wait_ns));

DEFINE_EVENT(vhv_wait_class, vhv_swap_wait,
	TP_PROTO(u32 vm, u32 idx, pid_t tid, u64 wait_ns),
	TP_ARGS(vm, idx, tid, wait_ns));

TRACE_EVENT(vhv_vm_stall,
	TP_PROTO(u32 id, pid_t pid, u64 idle_ms, u32 stalled_vcpus,
		 u32 nr_vcpus),
	TP_ARGS(id, pid, idle_ms, stalled_vcpus, nr_vcpus),
	TP_STRUCT__entry(
		__field(u32, id)
		__field(pid_t, pid)
		__field(u64, idle_ms)
		__field(u32, stalled_vcpus)
		__field(u32, nr_vcpus)
	),
	TP_fast_assign(
		__entry->id = id;
		__entry->pid = pid;
		__entry->idle_ms = idle_ms;
		__entry->stalled_vcpus = stalled_vcpus;
		__entry->nr_vcpus = nr_vcpus;
	),
	TP_printk("id=%u pid=%d idle_ms=%llu stalled_vcpus=%u nr_vcpus=%u",
		  __entry->id, __entry->pid, __entry->idle_ms,
		  __entry->stalled_vcpus, __entry->nr_vcpus)
);

TRACE_EVENT(vhv_vm_recover,
	TP_PROTO(u32 id, pid_t pid, u64 stalled_ms),
	TP_ARGS(id, pid, stalled_ms),
	TP_STRUCT__entry(
		__field(u32, id)
		__field(pid_t, pid)
		__field(u64, stalled_ms)
	),
	TP_fast_assign(
		__entry->id = id;
		__entry->pid = pid;
		__entry->stalled_ms = stalled_ms;
	),
	TP_printk("id=%u pid=%d stalled_ms=%llu",
		  __entry->id, __entry->pid, __entry->stalled_ms)
);

DEFINE_EVENT(vhv_vm_class, vhv_vm_pause,
	TP_PROTO(u32 id, pid_t pid, u32 nr_vcpus),
	TP_ARGS(id, pid, nr_vcpus));

TRACE_EVENT(vhv_vm_resume,
	TP_PROTO(u32 id, pid_t pid, u64 paused_ms),
	TP_ARGS(id, pid, paused_ms),
	TP_STRUCT__entry(
		__field(u32, id)
		__field(pid_t, pid)
		__field(u64, paused_ms)
	),
	TP_fast_assign(
		__entry->id = id;
		__entry->pid = pid;
		__entry->paused_ms = paused_ms;
	),
	TP_printk("id=%u pid=%d paused_ms=%llu",
		  __entry->id, __entry->pid, __entry->paused_ms)
);

TRACE_EVENT(vhv_vcpu_stall,
	TP_PROTO(u32 vm, u32 idx, pid_t tid, const char *state,
		 const char *reason, u64 idle_ms),
	TP_ARGS(vm, idx, tid, state, reason, idle_ms),
	TP_STRUCT__entry(
		__field(u32, vm)
		__field(u32, idx)
		__field(pid_t, tid)
		__string(state, state)
		__string(reason, reason)
		__field(u64, idle_ms)
	),
	TP_fast_assign(
		__entry->vm = vm;
		__entry->idx = idx;
		__entry->tid = tid;
		VHV_ASSIGN_STR(state, state);
		VHV_ASSIGN_STR(reason, reason);
		__entry->idle_ms = idle_ms;
	),
	TP_printk("vm=%u idx=%u tid=%d state=%s idle_ms=%llu reason=\"%s\"",
		  __entry->vm, __entry->idx, __entry->tid, __get_str(state),
		  __entry->idle_ms, __get_str(reason))
);

TRACE_EVENT(vhv_vcpu_recover,
	TP_PROTO(u32 vm, u32 idx, pid_t tid, const char *state,
		 u64 stalled_ms),
	TP_ARGS(vm, idx, tid, state, stalled_ms),
	TP_STRUCT__entry(
		__field(u32, vm)
		__field(u32, idx)
		__field(pid_t, tid)
		__string(state, state)
		__field(u64, stalled_ms)
	),
	TP_fast_assign(
		__entry->vm = vm;
		__entry->idx = idx;
		__entry->tid = tid;
		VHV_ASSIGN_STR(state, state);
		__entry->stalled_ms = stalled_ms;
	),
	TP_printk("vm=%u idx=%u tid=%d state=%s stalled_ms=%llu",
		  __entry->vm, __entry->idx, __entry->tid, __get_str(state),
		  __entry->stalled_ms)
);

#endif /* _VHV_TRACE_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
