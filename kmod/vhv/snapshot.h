/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VHV_SNAPSHOT_H
#define _VHV_SNAPSHOT_H

#include <linux/types.h>

struct file;
struct kobject;
struct bin_attribute;

ssize_t vhv_snapshot_read(struct file *file, struct kobject *kobj,
			  struct bin_attribute *attr, char *buf, loff_t off,
			  size_t count);
void vhv_snapshot_expire(void);
void vhv_snapshot_exit(void);

#endif /* _VHV_SNAPSHOT_H */
