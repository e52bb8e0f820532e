// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs: /sys/kernel/vhv/ (host files), vms/<id>/ and
 * vms/<id>/vcpus/<idx>/. Files are documented in
 * Documentation/ABI/testing/sysfs-kernel-vhv.
 *
 * Who may read: host totals are world-readable (0444). Per-VM and per-vCPU
 * files hold tenant data (pids, cgroup paths, memory): 0440, owned by root
 * and the read_gid group (root's by default), as /proc/vhv/snapshot is.
 *
 * VM files are shown under vhv_reg.lock (they sum over the VM's vCPUs).
 * vCPU files need no lock: a vCPU in sysfs holds its thread, and removal
 * (kobject_del) waits for readers before the references are dropped.
 */
#include <linux/error-injection.h>
#include <linux/kobject.h>
#include <linux/limits.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "compat.h"
#include "params.h"
#include "registry.h"
#include "sysfs.h"
#include "vcpu.h"
#include "vm.h"

static struct kobject *vhv_kobj;
static struct kset *vms_kset;

/* "a.bc": @num / @den rounded to two decimals; 0.00 when @den is 0. */
static ssize_t emit_ratio(char *buf, u64 num, u64 den)
{
	u64 x = den ? div64_u64(num * 100 + den / 2, den) : 0;
	u32 frac = do_div(x, 100);

	return sysfs_emit(buf, "%llu.%02u\n", x, frac);
}

/* ---- /sys/kernel/vhv --------------------------------------------------- */

enum host_field {
	HOST_NR_VMS, HOST_NR_VCPUS, HOST_NR_CPUS, HOST_VCPU_RATIO,
	HOST_GUEST_MEM, HOST_RAM, HOST_OVERCOMMIT, HOST_TRACK_FAILURES,
	HOST_UNTRACKED, HOST_ENTRY_PROBE, HOST_ENTRY_ATTACHES,
};

static ssize_t host_show(enum host_field f, char *buf)
{
	struct vhv_reg_host h;

	mutex_lock(&vhv_reg.lock);
	vhv_reg_host_locked(&h);
	mutex_unlock(&vhv_reg.lock);

	switch (f) {
	case HOST_NR_VMS:
		return sysfs_emit(buf, "%u\n", h.nr_vms);
	case HOST_NR_VCPUS:
		return sysfs_emit(buf, "%u\n", h.nr_vcpus);
	case HOST_NR_CPUS:
		return sysfs_emit(buf, "%u\n", h.nr_cpus);
	case HOST_VCPU_RATIO:
		return emit_ratio(buf, h.nr_vcpus, h.nr_cpus);
	case HOST_GUEST_MEM:
		return sysfs_emit(buf, "%llu\n", h.guest_mem_bytes);
	case HOST_RAM:
		return sysfs_emit(buf, "%llu\n", h.ram_bytes);
	case HOST_OVERCOMMIT:
		return emit_ratio(buf, h.guest_mem_bytes, h.ram_bytes);
	case HOST_TRACK_FAILURES:
		return sysfs_emit(buf, "%llu\n", h.track_failures);
	case HOST_UNTRACKED:
		return sysfs_emit(buf, "%u\n", h.untracked_vcpus);
	case HOST_ENTRY_PROBE:
		return sysfs_emit(buf, "%u\n", h.entry_probe);
	case HOST_ENTRY_ATTACHES:
		return sysfs_emit(buf, "%llu\n", h.entry_probe_attaches);
	}
	return -EINVAL;
}

#define HOST_ATTR(_name, _field)					\
static ssize_t _name##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	return host_show(_field, buf);					\
}									\
static struct kobj_attribute host_##_name = __ATTR_RO(_name)

HOST_ATTR(nr_vms, HOST_NR_VMS);
HOST_ATTR(nr_vcpus, HOST_NR_VCPUS);
HOST_ATTR(nr_cpus, HOST_NR_CPUS);
HOST_ATTR(vcpu_ratio, HOST_VCPU_RATIO);
HOST_ATTR(guest_mem_bytes, HOST_GUEST_MEM);
HOST_ATTR(ram_bytes, HOST_RAM);
HOST_ATTR(mem_overcommit, HOST_OVERCOMMIT);
HOST_ATTR(track_failures, HOST_TRACK_FAILURES);
HOST_ATTR(untracked_vcpus, HOST_UNTRACKED);
HOST_ATTR(entry_probe, HOST_ENTRY_PROBE);
HOST_ATTR(entry_probe_attaches, HOST_ENTRY_ATTACHES);

static struct attribute *host_attrs[] = {
	&host_nr_vms.attr,
	&host_nr_vcpus.attr,
	&host_nr_cpus.attr,
	&host_vcpu_ratio.attr,
	&host_guest_mem_bytes.attr,
	&host_ram_bytes.attr,
	&host_mem_overcommit.attr,
	&host_track_failures.attr,
	&host_untracked_vcpus.attr,
	&host_entry_probe.attr,
	&host_entry_probe_attaches.attr,
	NULL,
};

static const struct attribute_group host_group = {
	.attrs = host_attrs,
};

/* ---- vms/<id> ---------------------------------------------------------- */

/**
 * struct vm_attr - a VM file
 * @attr: the sysfs attribute
 * @show: prints the value; called with vhv_reg.lock held
 */
struct vm_attr {
	struct attribute attr;
	ssize_t (*show)(struct vhv_vm *vm, char *buf);
};

static ssize_t vm_attr_show(struct kobject *kobj, struct attribute *attr,
			    char *buf)
{
	struct vhv_vm *vm = container_of(kobj, struct vhv_vm, kobj);
	struct vm_attr *a = container_of(attr, struct vm_attr, attr);
	ssize_t ret;

	mutex_lock(&vhv_reg.lock);
	ret = a->show(vm, buf);
	mutex_unlock(&vhv_reg.lock);
	return ret;
}

static const struct sysfs_ops vm_sysfs_ops = {
	.show = vm_attr_show,
};

#define VM_ATTR(_name, _fmt, _expr)					\
static ssize_t vm_##_name##_show(struct vhv_vm *vm, char *buf)		\
{									\
	return sysfs_emit(buf, _fmt "\n", _expr);			\
}									\
static struct vm_attr vm_attr_##_name = {				\
	.attr = { .name = __stringify(_name), .mode = 0440 },		\
	.show = vm_##_name##_show,					\
}

VM_ATTR(id, "%u", vm->id);
VM_ATTR(pid, "%d", vm->pid);
VM_ATTR(nr_vcpus, "%u", vm->nr_vcpus);
VM_ATTR(mem_bytes, "%llu", READ_ONCE(vm->mem_bytes));
VM_ATTR(swap_bytes, "%llu", vhv_vm_swap_bytes(vm));
VM_ATTR(majflt, "%llu", vhv_vm_majflt(vm));
VM_ATTR(majflt_rate, "%llu", vm->majflt_rate);
VM_ATTR(swap_wait_ns, "%llu", vhv_vm_swap_wait_ns(vm));
VM_ATTR(ready_ns, "%llu", vhv_vm_ready_ns(vm));
VM_ATTR(heartbeat_ms, "%llu", vhv_vm_heartbeat_ms(vm));
VM_ATTR(stalled, "%d", vm->stall.stalled);
VM_ATTR(stall_count, "%llu", vm->stall.count);
VM_ATTR(stalled_vcpus, "%u", vm->stall.nr_stalled);
VM_ATTR(status, "%s", vhv_vm_status_names[vm->stall.status]);
VM_ATTR(pause_count, "%llu", vm->stall.pause_count);

/* apf_faults, apf_wait_ns, apf_max_ns */
enum vm_apf_field { VM_APF_FAULTS, VM_APF_WAIT, VM_APF_MAX };

static ssize_t vm_apf_show(struct vhv_vm *vm, char *buf, enum vm_apf_field f)
{
	struct vhv_vm_apf a;

	vhv_vm_apf(vm, &a);
	return sysfs_emit(buf, "%llu\n", f == VM_APF_FAULTS ? a.faults :
				       f == VM_APF_WAIT ? a.wait_ns : a.max_ns);
}

#define VM_APF_ATTR(_name, _field)					\
static ssize_t vm_##_name##_show(struct vhv_vm *vm, char *buf)		\
{									\
	return vm_apf_show(vm, buf, _field);				\
}									\
static struct vm_attr vm_attr_##_name = {				\
	.attr = { .name = __stringify(_name), .mode = 0440 },		\
	.show = vm_##_name##_show,					\
}

VM_APF_ATTR(apf_faults, VM_APF_FAULTS);
VM_APF_ATTR(apf_wait_ns, VM_APF_WAIT);
VM_APF_ATTR(apf_max_ns, VM_APF_MAX);

/*
 * Every allocation vhv makes after init is made in a function of its own
 * that fail_function can make fail (ALLOW_ERROR_INJECTION; nothing on
 * kernels without CONFIG_FUNCTION_ERROR_INJECTION), for the selftests in
 * tools/testing/selftests/vhv-faults. fail_function finds them by name,
 * hence the prefix; noinline and __noclone keep that symbol the one the
 * caller calls.
 */
static noinline __noclone char *vhv_sysfs_path_alloc(void)
{
	return kmalloc(PATH_MAX, GFP_KERNEL);
}
ALLOW_ERROR_INJECTION(vhv_sysfs_path_alloc, NULL);

/* cgroup, mem_pressure_some_us, mem_pressure_full_us */
enum vm_cg_field { VM_CG_PATH, VM_CG_SOME, VM_CG_FULL };

/* Return: the length, or -ENOMEM (the reader's read(2) fails). */
static ssize_t vm_cg_show(struct vhv_vm *vm, char *buf, enum vm_cg_field f)
{
	s64 some, full;
	size_t len;
	char *path;

	path = vhv_sysfs_path_alloc();
	if (!path)
		return -ENOMEM;
	len = vhv_vm_cgroup(vm, path, PATH_MAX, &some, &full);
	if (f == VM_CG_PATH)
		len = sysfs_emit(buf, "%s\n", len ? path : "-");
	else
		len = sysfs_emit(buf, "%lld\n", f == VM_CG_SOME ? some : full);
	kfree(path);
	return len;
}

#define VM_CG_ATTR(_name, _field)					\
static ssize_t vm_##_name##_show(struct vhv_vm *vm, char *buf)		\
{									\
	return vm_cg_show(vm, buf, _field);				\
}									\
static struct vm_attr vm_attr_##_name = {				\
	.attr = { .name = __stringify(_name), .mode = 0440 },		\
	.show = vm_##_name##_show,					\
}

VM_CG_ATTR(cgroup, VM_CG_PATH);
VM_CG_ATTR(mem_pressure_some_us, VM_CG_SOME);
VM_CG_ATTR(mem_pressure_full_us, VM_CG_FULL);

static struct attribute *vm_attrs[] = {
	&vm_attr_id.attr,
	&vm_attr_pid.attr,
	&vm_attr_nr_vcpus.attr,
	&vm_attr_mem_bytes.attr,
	&vm_attr_swap_bytes.attr,
	&vm_attr_majflt.attr,
	&vm_attr_majflt_rate.attr,
	&vm_attr_swap_wait_ns.attr,
	&vm_attr_ready_ns.attr,
	&vm_attr_heartbeat_ms.attr,
	&vm_attr_stalled.attr,
	&vm_attr_stall_count.attr,
	&vm_attr_stalled_vcpus.attr,
	&vm_attr_status.attr,
	&vm_attr_pause_count.attr,
	&vm_attr_apf_faults.attr,
	&vm_attr_apf_wait_ns.attr,
	&vm_attr_apf_max_ns.attr,
	&vm_attr_cgroup.attr,
	&vm_attr_mem_pressure_some_us.attr,
	&vm_attr_mem_pressure_full_us.attr,
	NULL,
};
ATTRIBUTE_GROUPS(vm);

/* Tenant data: root and the read_gid group. */
static void tenant_ownership(VHV_CONST_KOBJ *kobj, kuid_t *uid, kgid_t *gid)
{
	*uid = GLOBAL_ROOT_UID;
	*gid = vhv_params_read_gid();
}

const struct kobj_type vhv_sysfs_vm_ktype = {
	.release = vhv_vm_release,
	.sysfs_ops = &vm_sysfs_ops,
	.default_groups = vm_groups,
	.get_ownership = tenant_ownership,
};

/* ---- vms/<id>/vcpus/<idx> ---------------------------------------------- */

/**
 * struct vcpu_attr - a vCPU file
 * @attr: the sysfs attribute
 * @show: prints the value from a fresh read of the vCPU
 */
struct vcpu_attr {
	struct attribute attr;
	ssize_t (*show)(struct vhv_vcpu *e, struct vhv_vcpu_stats *s,
			char *buf);
};

static ssize_t vcpu_attr_show(struct kobject *kobj, struct attribute *attr,
			      char *buf)
{
	struct vhv_vcpu *e = container_of(kobj, struct vhv_vcpu, kobj);
	struct vcpu_attr *a = container_of(attr, struct vcpu_attr, attr);
	struct vhv_vcpu_stats s;

	vhv_vcpu_read(e, &s);
	return a->show(e, &s, buf);
}

static const struct sysfs_ops vcpu_sysfs_ops = {
	.show = vcpu_attr_show,
};

#define VCPU_ATTR(_name, _fmt, _expr)					\
static ssize_t vcpu_##_name##_show(struct vhv_vcpu *e,			\
				   struct vhv_vcpu_stats *s, char *buf)	\
{									\
	return sysfs_emit(buf, _fmt "\n", _expr);			\
}									\
static struct vcpu_attr vcpu_attr_##_name = {				\
	.attr = { .name = __stringify(_name), .mode = 0440 },		\
	.show = vcpu_##_name##_show,					\
}

VCPU_ATTR(idx, "%u", e->idx);
VCPU_ATTR(vcpu_id, "%u", e->vcpu_id);
VCPU_ATTR(tid, "%d", e->tid);
VCPU_ATTR(ready_ns, "%llu", s->ready_ns);
VCPU_ATTR(run_ns, "%llu", s->run_ns);
VCPU_ATTR(guest_ns, "%llu", s->guest_ns);
VCPU_ATTR(halt_ns, "%llu", s->halt_ns);
VCPU_ATTR(exits, "%llu", s->exits);
VCPU_ATTR(preemptions, "%llu", s->preemptions);
VCPU_ATTR(ready_max_ns, "%llu", s->ready_max_ns);
VCPU_ATTR(swap_wait_ns, "%llu", s->swap_wait_ns);
VCPU_ATTR(swapin_delay_ns, "%lld", s->swapin_delay_ns);
VCPU_ATTR(majflt, "%llu", s->majflt);
VCPU_ATTR(stalled, "%d", READ_ONCE(e->stalled));
VCPU_ATTR(stall_count, "%llu", READ_ONCE(e->stall_count));

/* state: the state now; state_ms: how long the worker has seen it. */
static ssize_t vcpu_state_show(struct vhv_vcpu *e, struct vhv_vcpu_stats *s,
			       char *buf)
{
	return sysfs_emit(buf, "%s\n", vhv_vcpu_state_names[s->state]);
}

static struct vcpu_attr vcpu_attr_state = {
	.attr = { .name = "state", .mode = 0440 },
	.show = vcpu_state_show,
};

VCPU_ATTR(state_ms, "%llu", s->state_ms);

static ssize_t vcpu_ready_hist_show(struct vhv_vcpu *e,
				    struct vhv_vcpu_stats *s, char *buf)
{
	u64 hist[VHV_HIST_BUCKETS];
	ssize_t len = 0;
	unsigned int i;

	vhv_vcpu_read_hist(e, hist);
	for (i = 0; i < VHV_HIST_BUCKETS; i++)
		len += sysfs_emit_at(buf, len, "%s%llu", i ? " " : "", hist[i]);
	len += sysfs_emit_at(buf, len, "\n");
	return len;
}

static struct vcpu_attr vcpu_attr_ready_hist = {
	.attr = { .name = "ready_hist", .mode = 0440 },
	.show = vcpu_ready_hist_show,
};

static struct attribute *vcpu_attrs[] = {
	&vcpu_attr_idx.attr,
	&vcpu_attr_vcpu_id.attr,
	&vcpu_attr_tid.attr,
	&vcpu_attr_ready_ns.attr,
	&vcpu_attr_run_ns.attr,
	&vcpu_attr_guest_ns.attr,
	&vcpu_attr_halt_ns.attr,
	&vcpu_attr_exits.attr,
	&vcpu_attr_preemptions.attr,
	&vcpu_attr_ready_max_ns.attr,
	&vcpu_attr_ready_hist.attr,
	&vcpu_attr_swap_wait_ns.attr,
	&vcpu_attr_swapin_delay_ns.attr,
	&vcpu_attr_majflt.attr,
	&vcpu_attr_state.attr,
	&vcpu_attr_state_ms.attr,
	&vcpu_attr_stalled.attr,
	&vcpu_attr_stall_count.attr,
	NULL,
};
ATTRIBUTE_GROUPS(vcpu);

const struct kobj_type vhv_sysfs_vcpu_ktype = {
	.release = vhv_vcpu_release,
	.sysfs_ops = &vcpu_sysfs_ops,
	.default_groups = vcpu_groups,
	.get_ownership = tenant_ownership,
};

/* ---- adding and removing ----------------------------------------------- */

static noinline __noclone int vhv_sysfs_vm_dir_add(struct vhv_vm *vm)
{
	vm->kobj.kset = vms_kset;
	return kobject_add(&vm->kobj, NULL, "%u", vm->id);
}
ALLOW_ERROR_INJECTION(vhv_sysfs_vm_dir_add, ERRNO);

static noinline __noclone struct kobject *
vhv_sysfs_vcpus_dir_add(struct vhv_vm *vm)
{
	return kobject_create_and_add("vcpus", &vm->kobj);
}
ALLOW_ERROR_INJECTION(vhv_sysfs_vcpus_dir_add, NULL);

/**
 * vhv_sysfs_vm_add() - create vms/<id> (unless it exists) and vms/<id>/vcpus
 * @vm: a listed VM without a vcpus directory
 *
 * Sets vm->in_sysfs once vms/<id> exists. If only the vcpus directory
 * fails, vm->vcpus_kobj stays NULL and the caller retries later: removing
 * the VM directory here could wait for a reader blocked on vhv_reg.lock.
 *
 * Context: the worker, vhv_reg.lock held.
 * Return: 0 when both exist, or a negative error.
 */
int vhv_sysfs_vm_add(struct vhv_vm *vm)
{
	int ret;

	lockdep_assert_held(&vhv_reg.lock);

	if (!vm->in_sysfs) {
		ret = vhv_sysfs_vm_dir_add(vm);
		if (ret)
			return ret;
		vm->in_sysfs = true;
	}
	vm->vcpus_kobj = vhv_sysfs_vcpus_dir_add(vm);
	return vm->vcpus_kobj ? 0 : -ENOMEM;
}

/* Context: the worker, vhv_reg.lock not held. */
void vhv_sysfs_vm_del(struct vhv_vm *vm)
{
	if (vm->vcpus_kobj) {
		kobject_del(vm->vcpus_kobj);
		kobject_put(vm->vcpus_kobj);
		vm->vcpus_kobj = NULL;
	}
	kobject_del(&vm->kobj);
}

/* Context: the worker, vhv_reg.lock held; the VM has its vcpus directory. */
noinline int vhv_sysfs_vcpu_add(struct vhv_vcpu *e)
{
	lockdep_assert_held(&vhv_reg.lock);

	return kobject_add(&e->kobj, e->vm->vcpus_kobj, "%u", e->idx);
}
ALLOW_ERROR_INJECTION(vhv_sysfs_vcpu_add, ERRNO);

/* Context: the worker, vhv_reg.lock not held. */
void vhv_sysfs_vcpu_del(struct vhv_vcpu *e)
{
	kobject_del(&e->kobj);
}

static noinline __noclone int vhv_sysfs_uevent_send(struct kobject *kobj,
						    char *envp[])
{
	return kobject_uevent_env(kobj, KOBJ_CHANGE, envp);
}
ALLOW_ERROR_INJECTION(vhv_sysfs_uevent_send, ERRNO);

/**
 * vhv_sysfs_vm_uevent() - KOBJ_CHANGE from vms/<id>
 * @vm: the VM
 * @event: value of VHV_EVENT
 *
 * A uevent that cannot be sent (out of memory) is lost, with a kernel
 * message; the files and tracepoints still tell.
 */
void vhv_sysfs_vm_uevent(struct vhv_vm *vm, const char *event)
{
	char ev[32], id[24], pid[24], status[32];
	char *envp[] = { ev, id, pid, status, NULL };
	int ret;

	if (!vm->in_sysfs)
		return;
	snprintf(ev, sizeof(ev), "VHV_EVENT=%s", event);
	snprintf(id, sizeof(id), "VHV_VM=%u", vm->id);
	snprintf(pid, sizeof(pid), "VHV_PID=%d", vm->pid);
	snprintf(status, sizeof(status), "VHV_STATUS=%s",
		 vhv_vm_status_names[vm->stall.status]);
	ret = vhv_sysfs_uevent_send(&vm->kobj, envp);
	if (ret)
		pr_warn_ratelimited("cannot send the %s uevent of VM %u (%d)\n",
				    event, vm->id, ret);
}

static const char *vms_uevent_name(VHV_CONST_KOBJ *kobj)
{
	return "vhv";
}

static const struct kset_uevent_ops vms_uevent_ops = {
	.name = vms_uevent_name,
};

/* Each step may be made to fail by the fail_init parameter (debug kernels). */
int vhv_sysfs_init(void)
{
	int ret = -ENOMEM;

	if (vhv_params_fail_init())
		return -ENOMEM;
	vhv_kobj = kobject_create_and_add("vhv", kernel_kobj);
	if (!vhv_kobj)
		return -ENOMEM;
	if (!vhv_params_fail_init())
		ret = sysfs_create_group(vhv_kobj, &host_group);
	if (ret)
		goto err_put;
	if (!vhv_params_fail_init())
		vms_kset = kset_create_and_add("vms", &vms_uevent_ops, vhv_kobj);
	if (!vms_kset) {
		ret = -ENOMEM;
		goto err_group;
	}
	return 0;

err_group:
	sysfs_remove_group(vhv_kobj, &host_group);
err_put:
	kobject_put(vhv_kobj);
	return ret;
}

/* Context: every VM directory is gone. */
void vhv_sysfs_exit(void)
{
	kset_unregister(vms_kset);
	sysfs_remove_group(vhv_kobj, &host_group);
	kobject_put(vhv_kobj);
}
