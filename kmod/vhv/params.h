/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VHV_PARAMS_H
#define _VHV_PARAMS_H

#include <linux/types.h>

unsigned int vhv_params_stall_ms(void);
u64 vhv_params_ready_trace_ns(void);

#endif /* _VHV_PARAMS_H */
