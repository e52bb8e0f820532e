/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VHV_UNTRACKED_H
#define _VHV_UNTRACKED_H

#include <linux/types.h>

struct task_struct;

/* Why a vCPU could not be tracked. */
enum vhv_nt_reason {
	VHV_NT_VCPUS,	/* max_vcpus objects exist */
	VHV_NT_VMS,	/* its VM is new and max_vms objects exist */
	VHV_NT_NOMEM,	/* an allocation failed */
	VHV_NT_NR,
};

/* Probe context (IRQs off). */
bool vhv_nt_retry(const void *key, unsigned long room, unsigned long epoch);
void vhv_nt_note(const void *key, enum vhv_nt_reason why, unsigned long room,
		 unsigned long epoch);

/* The worker. */
void vhv_nt_scan(bool (*tracked)(const void *key, struct task_struct *t));
void vhv_nt_report(void);
unsigned int vhv_nt_count(void);
u64 vhv_nt_failures(void);

int vhv_nt_init(void);
void vhv_nt_exit(void);

#endif /* _VHV_UNTRACKED_H */
