/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels vhv builds against lives here.
 * Supported: 6.1.y (Debian 12) and 6.12.y (Debian 12 backports).
 */
#ifndef _VHV_COMPAT_H
#define _VHV_COMPAT_H

#include <linux/version.h>
#include <linux/kobject.h>
#include <linux/mm.h>
#include <linux/cgroup.h>
#include <linux/psi.h>
#include <linux/sched.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "vhv needs Linux 6.1 or later"
#endif

/*
 * vhv reads 64-bit figures of other threads (run_delay, sum_exec_runtime)
 * with single loads, and keeps jiffies deltas in unsigned long.
 */
#ifndef CONFIG_64BIT
#error "vhv needs a 64-bit kernel"
#endif

/*
 * kvm_entry's prototype. Upstream 6.9 added "bool force_immediate_exit"; the
 * change was backported to 6.1.149 (Debian 6.1.153-1 and later carry it).
 * A probe must match the prototype exactly: with kCFI a mismatch traps.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0) || \
	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 149) && \
	 LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0))
#define VHV_KVM_ENTRY_PROTO	struct kvm_vcpu *vcpu, bool force_immediate_exit
#else
#define VHV_KVM_ENTRY_PROTO	struct kvm_vcpu *vcpu
#endif

/*
 * struct kset_uevent_ops callbacks and kobj_type.get_ownership take a const
 * kobject since 6.2.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define VHV_CONST_KOBJ		const struct kobject
#else
#define VHV_CONST_KOBJ		struct kobject
#endif

/**
 * vhv_compat_mm_swapents() - swap entries of an mm, exactly
 * @mm: an mm whose address space is pinned (mmget)
 *
 * Since 6.2 the RSS counters are per-CPU and get_mm_counter() reads only
 * the folded part (off by up to a batch per CPU); sum them, as
 * /proc/PID/status does for VmSwap where get_mm_counter_sum() exists. 6.1
 * keeps one atomic per counter.
 *
 * Return: number of swap entries.
 */
static inline unsigned long vhv_compat_mm_swapents(struct mm_struct *mm)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	return percpu_counter_sum_positive(&mm->rss_stat[MM_SWAPENTS]);
#else
	return get_mm_counter(mm, MM_SWAPENTS);
#endif
}

/**
 * vhv_compat_cgroup_psi() - PSI group of a non-root cgroup
 * @cgrp: cgroup (not the root)
 *
 * Since 6.1 (and in 6.12) struct cgroup holds a pointer, allocated only when
 * PSI is enabled for cgroups; before, it embedded the group. The root
 * cgroup's figures live in psi_system, which vhv does not report.
 *
 * Return: the group, or NULL when cgroup PSI is off.
 */
static inline struct psi_group *vhv_compat_cgroup_psi(struct cgroup *cgrp)
{
#ifdef CONFIG_PSI
	return READ_ONCE(cgrp->psi);
#else
	return NULL;
#endif
}

/**
 * vhv_compat_psi_mem_total_us() - memory pressure totals of a PSI group
 * @psi: the group
 * @some: out, "some" total in microseconds
 * @full: out, "full" total in microseconds
 *
 * total[PSI_AVGS][] is what memory.pressure prints as total=; the PSI
 * aggregator refreshes it every 2 s while the group is active and on every
 * read of a pressure file, so the value can lag by up to 2 s.
 */
static inline void vhv_compat_psi_mem_total_us(struct psi_group *psi,
					       s64 *some, s64 *full)
{
#ifdef CONFIG_PSI
	*some = div_u64(READ_ONCE(psi->total[PSI_AVGS][PSI_MEM_SOME]),
			NSEC_PER_USEC);
	*full = div_u64(READ_ONCE(psi->total[PSI_AVGS][PSI_MEM_FULL]),
			NSEC_PER_USEC);
#else
	*some = -1;
	*full = -1;
#endif
}

/* __assign_str() lost its source argument in 6.10 (it is __string()'s). */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define VHV_ASSIGN_STR(dst, src)	__assign_str(dst)
#else
#define VHV_ASSIGN_STR(dst, src)	__assign_str(dst, src)
#endif

/*
 * KVM selects PREEMPT_NOTIFIERS; vhv finds a thread's vCPU ioctl through
 * the notifier KVM registers on it.
 */
#ifndef CONFIG_PREEMPT_NOTIFIERS
#error "vhv needs CONFIG_PREEMPT_NOTIFIERS (selected by CONFIG_KVM)"
#endif

/**
 * vhv_compat_on_cpu() - is a thread on a CPU now (a racy sample)
 * @t: the thread
 */
static inline bool vhv_compat_on_cpu(const struct task_struct *t)
{
#ifdef CONFIG_SMP
	return READ_ONCE(t->on_cpu);
#else
	return t == current;
#endif
}

/*
 * Kernel threads cloned from a user thread (io_uring workers, 6.4+'s
 * vhost workers) carry PF_USER_WORKER from 6.4 on; 6.1's vhost workers
 * are plain kernel threads.
 */
#ifdef PF_USER_WORKER
#define VHV_PF_USER_WORKER	PF_USER_WORKER
#else
#define VHV_PF_USER_WORKER	0
#endif

#endif /* _VHV_COMPAT_H */
