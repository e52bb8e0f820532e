/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VHV_PROBE_H
#define _VHV_PROBE_H

int vhv_probe_init(void);
void vhv_probe_exit(void);

#endif /* _VHV_PROBE_H */
