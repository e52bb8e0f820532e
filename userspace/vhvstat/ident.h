/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ident.h - which VM is which: the names the VMM and the host give a VM
 *
 * The module knows a VM by its process; the names an operator knows it by
 * are in userspace (Documentation/vhv/admin-guide.rst, "Which VM is
 * which"):
 *   name     QEMU's -name (guest=NAME or the implied first value), else
 *            the machine name of the cgroup's scope
 *   uuid     QEMU's -uuid
 *   vmid     Proxmox's -id
 *   machine  the systemd scope of the VM's cgroup, unescaped, without
 *            "machine-" and ".scope": libvirt's machine-qemu\x2d3\x2dweb.scope
 *            is "qemu-3-web", Proxmox's qemu.slice/100.scope is "100"
 * The command line is read from PROC/PID/cmdline, and only if the process
 * still has the VM's first vCPU thread (PROC/PID/task/TID): a pid the
 * kernel gave to another process since the snapshot gets no name.
 */
#ifndef VHVSTAT_IDENT_H
#define VHVSTAT_IDENT_H

#include <stddef.h>

#include "snapshot.h"

#define VHV_IDENT_MAX	256	/* bytes of a name kept, NUL included */

/*
 * Fill @vm's name, uuid, vmid and machine (NULL where the VMM and the
 * cgroup give none) from the process's command line under @proc (NULL:
 * none read) and from vm->cgroup. Return 0, or -1 with errno ENOMEM.
 */
int vhv_ident_vm(struct vhv_vm *vm, const char *proc);

/* The same for every VM of @s. */
int vhv_ident_snapshot(struct vhv_snapshot *s, const char *proc);

/*
 * Parse a command line (@len bytes of NUL-terminated arguments, as in
 * /proc/PID/cmdline) into @vm's name, uuid and vmid. Return 0 or -1
 * (ENOMEM).
 */
int vhv_ident_cmdline(struct vhv_vm *vm, const char *cmd, size_t len);

/*
 * The machine name of a cgroup path ("%XX" escapes already decoded), in
 * @buf; false when no component is a VM's scope.
 */
int vhv_ident_machine(const char *cgroup, char *buf, size_t size);

#endif /* VHVSTAT_IDENT_H */
