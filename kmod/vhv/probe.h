/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VHV_PROBE_H
#define _VHV_PROBE_H

#include <linux/types.h>

struct cpumask;

int vhv_probe_init(void);
void vhv_probe_exit(void);
void vhv_probe_release(void);
void vhv_probe_period(void);
void vhv_probe_refresh(const struct cpumask *cpus);
bool vhv_probe_entry_state(u64 *attaches);

#endif /* _VHV_PROBE_H */
