/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VHV_PARAMS_H
#define _VHV_PARAMS_H

#include <linux/types.h>
#include <linux/uidgid.h>

unsigned int vhv_params_stall_ms(void);
u64 vhv_params_ready_trace_ns(void);
u64 vhv_params_swap_trace_ns(void);
/* Load-time only: constant while the module is loaded. */
unsigned int vhv_params_max_vms(void);
unsigned int vhv_params_max_vcpus(void);
kgid_t vhv_params_read_gid(void);

#ifdef CONFIG_FAULT_INJECTION
bool vhv_params_fail_init(void);
#else
/* Only kernels built for fault injection have the fail_init parameter. */
static inline bool vhv_params_fail_init(void)
{
	return false;
}
#endif

#endif /* _VHV_PARAMS_H */
