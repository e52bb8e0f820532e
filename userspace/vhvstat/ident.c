// SPDX-License-Identifier: GPL-2.0
/*
 * ident.c - names of a VM from its VMM's command line and its cgroup
 *
 * What QEMU, libvirt and Proxmox put there (QEMU's qemu-options.hx,
 * libvirt's qemu_command.c, systemd.unit(5) for the escapes):
 *   libvirt   qemu-system-x86_64 -name guest=web,debug-threads=on
 *             -uuid 4f5b...; cgroup /machine.slice/
 *             machine-qemu\x2d3\x2dweb.scope/libvirt/emulator
 *   Proxmox   /usr/bin/kvm -id 100 -name web,debug-threads=on
 *             -uuid ...; cgroup /qemu.slice/100.scope
 *   QEMU      -name web (or "web,process=qemu-web"); commas in a value
 *             are doubled
 * Names are cut to VHV_IDENT_MAX - 1 bytes, and control characters and
 * bytes that are not UTF-8 become '?': they go into terminal columns, JSON
 * strings and Prometheus labels.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ident.h"

#define CMDLINE_MAX	(1 << 20)

/* Length of the UTF-8 sequence at @s (at most @n bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t c;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, c = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	/* overlong, surrogates, past U+10FFFF */
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	return len;
}

/* Replace *@dst by @len bytes of @src, made printable UTF-8 and cut. */
static int set_clean(char **dst, const char *src, size_t len)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, o = 0, n;
	char *out;

	out = malloc(VHV_IDENT_MAX);
	if (!out)
		return -1;
	while (i < len && o + 1 < VHV_IDENT_MAX) {
		n = utf8_len(s + i, len - i);
		if (n == 1 && (s[i] < 0x20 || s[i] == 0x7f))
			n = 0;
		if (!n) {
			out[o++] = '?';
			i++;
			continue;
		}
		if (o + n >= VHV_IDENT_MAX)
			break;
		memcpy(out + o, s + i, n);
		o += n;
		i += n;
	}
	out[o] = '\0';
	free(*dst);
	*dst = out;
	return 0;
}

/*
 * QEMU's -name: options split at single commas (",," is a comma of the
 * value); "guest=NAME", or a first option without '=', which is the
 * implied guest= key.
 */
static int parse_name(struct vhv_vm *vm, const char *arg)
{
	char buf[VHV_IDENT_MAX * 2];
	const char *p = arg;
	bool first = true;
	size_t n;

	while (*p) {
		for (n = 0; *p; p++) {
			if (*p == ',' && p[1] != ',')
				break;
			if (*p == ',')
				p++;
			if (n + 1 < sizeof(buf))
				buf[n++] = *p;
		}
		buf[n] = '\0';
		if (*p == ',')
			p++;
		if (!strncmp(buf, "guest=", 6))
			return set_clean(&vm->name, buf + 6, n - 6);
		if (first && !strchr(buf, '='))
			return set_clean(&vm->name, buf, n);
		first = false;
	}
	return 0;
}

/* 8-4-4-4-12 hexadecimal digits, kept in lower case. */
static int parse_uuid(struct vhv_vm *vm, const char *arg)
{
	char u[37];
	int i;

	if (strlen(arg) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		char c = arg[i];

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return 0;
		} else if (c >= 'A' && c <= 'F') {
			c = (char)(c - 'A' + 'a');
		} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
			return 0;
		}
		u[i] = c;
	}
	u[36] = '\0';
	return set_clean(&vm->uuid, u, 36);
}

/* Proxmox's VMID: 1 to 10 decimal digits. */
static int parse_vmid(struct vhv_vm *vm, const char *arg)
{
	size_t n = strspn(arg, "0123456789");

	if (!n || n > 10 || arg[n])
		return 0;
	return set_clean(&vm->vmid, arg, n);
}

static bool is_opt(const char *arg, const char *name)
{
	/* QEMU takes -opt and --opt alike */
	if (arg[0] != '-')
		return false;
	if (arg[1] == '-')
		arg++;
	return !strcmp(arg + 1, name);
}

int vhv_ident_cmdline(struct vhv_vm *vm, const char *cmd, size_t len)
{
	const char *end = cmd + len, *a, *next;
	int r = 0;

	/* each option's value is the next argument; the last one counts */
	for (a = cmd; a < end && !r; a = next) {
		const char *v = memchr(a, '\0', (size_t)(end - a));

		if (!v)
			break;
		next = v + 1;
		if (next >= end || !memchr(next, '\0', (size_t)(end - next)))
			break;
		if (is_opt(a, "name"))
			r = parse_name(vm, next);
		else if (is_opt(a, "uuid"))
			r = parse_uuid(vm, next);
		else if (is_opt(a, "id"))
			r = parse_vmid(vm, next);
		else
			continue;
		next += strlen(next) + 1;
	}
	return r;
}

/* systemd's unit name escapes: "\xNN" is the byte NN. */
static size_t unescape(const char *s, size_t len, char *buf, size_t size)
{
	size_t i, o = 0;
	unsigned int b;

	for (i = 0; i < len && o + 1 < size; i++) {
		if (s[i] == '\\' && i + 3 < len && s[i + 1] == 'x' &&
		    sscanf(s + i + 2, "%2x", &b) == 1 &&
		    strspn(s + i + 2, "0123456789abcdefABCDEF") >= 2 && b) {
			buf[o++] = (char)b;
			i += 3;
		} else {
			buf[o++] = s[i];
		}
	}
	buf[o] = '\0';
	return o;
}

static bool ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && !memcmp(s + len - n, suffix, n);
}

/*
 * A VM's scope: "machine-*.scope" (systemd-machined, libvirt), or any
 * "*.scope" in machine.slice or qemu.slice (Proxmox). The last one wins.
 */
int vhv_ident_machine(const char *cg, char *buf, size_t size)
{
	const char *c = cg, *parent = NULL, *found = NULL;
	size_t plen = 0, flen = 0, len;
	bool machine_prefix = false;

	while (*c) {
		while (*c == '/')
			c++;
		len = strcspn(c, "/");
		if (!len)
			break;
		if (ends_with(c, len, ".scope") && len > 6) {
			bool pre = len >= 8 + 6 && !strncmp(c, "machine-", 8);
			bool in_slice = parent &&
				((plen == 13 && !strncmp(parent, "machine.slice", 13)) ||
				 (plen == 10 && !strncmp(parent, "qemu.slice", 10)));

			if (pre || in_slice) {
				found = c;
				flen = len;
				machine_prefix = pre;
			}
		}
		parent = c;
		plen = len;
		c += len;
	}
	if (!found || size < 2)
		return 0;
	if (machine_prefix) {
		found += 8;
		flen -= 8;
	}
	return unescape(found, flen - 6, buf, size) > 0;
}

/* The process still runs the VM's first vCPU (or has none to check). */
static bool same_process(const char *proc, const struct vhv_vm *vm)
{
	char path[PATH_MAX];
	struct stat st;

	if (!vm->n_vcpus)
		return true;
	snprintf(path, sizeof(path), "%s/%" PRIu64 "/task/%" PRIu64, proc,
		 vm->pid, vm->vcpus[0].tid);
	return !stat(path, &st);
}

/* Read PROC/PID/cmdline; NULL when it cannot be read or is empty. */
static char *read_cmdline(const char *proc, uint64_t pid, size_t *len)
{
	char path[PATH_MAX], *buf = NULL, *nb;
	size_t size = 0, n = 0;
	ssize_t r;
	int fd;

	snprintf(path, sizeof(path), "%s/%" PRIu64 "/cmdline", proc, pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	for (;;) {
		if (n == size) {
			if (size == CMDLINE_MAX)
				break;
			size = size ? size * 2 : 4096;
			nb = realloc(buf, size + 1);
			if (!nb) {
				free(buf);
				close(fd);
				return NULL;
			}
			buf = nb;
		}
		r = read(fd, buf + n, size - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (!n) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';	/* a cut last argument is terminated too */
	*len = n + (buf[n - 1] != '\0');
	return buf;
}

int vhv_ident_vm(struct vhv_vm *vm, const char *proc)
{
	char m[VHV_IDENT_MAX];
	size_t len;
	char *cmd;
	int r;

	if (vm->cgroup && vhv_ident_machine(vm->cgroup, m, sizeof(m)) &&
	    set_clean(&vm->machine, m, strlen(m)))
		return -1;
	if (proc && same_process(proc, vm)) {
		cmd = read_cmdline(proc, vm->pid, &len);
		if (cmd) {
			r = vhv_ident_cmdline(vm, cmd, len);
			free(cmd);
			if (r)
				return -1;
		}
	}
	if (!vm->name && vm->machine)
		return set_clean(&vm->name, vm->machine, strlen(vm->machine));
	return 0;
}

int vhv_ident_snapshot(struct vhv_snapshot *s, const char *proc)
{
	size_t i;

	for (i = 0; i < s->n_vms; i++)
		if (vhv_ident_vm(&s->vms[i], proc))
			return -1;
	return 0;
}
