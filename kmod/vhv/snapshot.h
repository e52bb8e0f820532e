/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VHV_SNAPSHOT_H
#define _VHV_SNAPSHOT_H

int vhv_snapshot_init(void);
void vhv_snapshot_exit(void);

#endif /* _VHV_SNAPSHOT_H */
