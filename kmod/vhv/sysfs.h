/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VHV_SYSFS_H
#define _VHV_SYSFS_H

#include <linux/kobject.h>

struct vhv_vm;
struct vhv_vcpu;

extern const struct kobj_type vhv_sysfs_vm_ktype;
extern const struct kobj_type vhv_sysfs_vcpu_ktype;

int vhv_sysfs_vm_add(struct vhv_vm *vm);
void vhv_sysfs_vm_del(struct vhv_vm *vm);
int vhv_sysfs_vcpu_add(struct vhv_vcpu *e);
void vhv_sysfs_vcpu_del(struct vhv_vcpu *e);
void vhv_sysfs_vm_uevent(struct vhv_vm *vm, const char *event);
int vhv_sysfs_init(void);
void vhv_sysfs_exit(void);

#endif /* _VHV_SYSFS_H */
