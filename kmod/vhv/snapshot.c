// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/vhv/snapshot: every figure, taken under vhv_reg.lock, as key=value
 * lines (format in Documentation/vhv/design.rst).
 *
 * The snapshot belongs to the open file, by construction: open allocates
 * the file's own holder, a read at offset 0 takes a new snapshot into it,
 * reads at other offsets are served from it, release frees it. No reader
 * can see, drop or replace another reader's snapshot, and a read at a
 * non-zero offset before any read at 0 fails with EINVAL instead of
 * returning a picture the reader did not start. (sysfs cannot do this: a
 * binary attribute is read PAGE_SIZE at a time and has no release.)
 */
#include <linux/error-injection.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "params.h"
#include "registry.h"
#include "snapshot.h"
#include "steal.h"
#include "vcpu.h"
#include "vm.h"

/**
 * struct snap_file - the snapshot of one open file
 * @lock: serialises the reads of this open file
 * @data: the text; NULL until the first read at offset 0
 * @len: its length
 */
struct snap_file {
	struct mutex lock;
	char *data;
	size_t len;
};

static struct proc_dir_entry *snap_dir;

/**
 * struct snap_out - a growing text buffer
 * @buf: the text
 * @len: bytes used
 * @cap: bytes allocated
 * @err: an allocation failed; the text is incomplete
 */
struct snap_out {
	char *buf;
	size_t len;
	size_t cap;
	bool err;
};

/*
 * The snapshot's allocations, each in a function of its own that
 * fail_function can make fail: see vhv_sysfs_path_alloc(). A failure
 * fails the read with -ENOMEM; the next read from offset 0 tries again.
 */
static noinline __noclone char *vhv_snapshot_text_alloc(size_t size)
{
	return kvmalloc(size, GFP_KERNEL_ACCOUNT);
}
ALLOW_ERROR_INJECTION(vhv_snapshot_text_alloc, NULL);

static noinline __noclone char *vhv_snapshot_path_alloc(void)
{
	return kmalloc(PATH_MAX, GFP_KERNEL);
}
ALLOW_ERROR_INJECTION(vhv_snapshot_path_alloc, NULL);

/* An open file's holder; a failure fails the open. */
static noinline __noclone struct snap_file *vhv_snapshot_slot_alloc(void)
{
	return kzalloc(sizeof(struct snap_file), GFP_KERNEL_ACCOUNT);
}
ALLOW_ERROR_INJECTION(vhv_snapshot_slot_alloc, NULL);

static bool out_reserve(struct snap_out *o, size_t need)
{
	size_t cap;
	char *n;

	if (o->err)
		return false;
	if (o->len + need < o->cap)
		return true;
	cap = max(o->cap * 2, o->len + need + 1);
	n = vhv_snapshot_text_alloc(cap);
	if (!n) {
		o->err = true;
		return false;
	}
	memcpy(n, o->buf, o->len);
	kvfree(o->buf);
	o->buf = n;
	o->cap = cap;
	return true;
}

static __printf(2, 3) void out_printf(struct snap_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (!out_reserve(o, n + 1))
		return;
	va_start(ap, fmt);
	vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	o->len += n;
}

/* A path as one word: bytes that would break the format are %XX-escaped. */
static void out_path(struct snap_out *o, const char *path, size_t len)
{
	size_t i;

	if (!len) {
		out_printf(o, "-");
		return;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = path[i];

		if (c > ' ' && c < 0x7f && c != '%' && c != '=')
			out_printf(o, "%c", c);
		else
			out_printf(o, "%%%02X", c);
	}
}

static void snap_vcpu(struct snap_out *o, struct vhv_vm *vm,
		      struct vhv_vcpu *e)
{
	u64 hist[VHV_HIST_BUCKETS];
	struct vhv_vcpu_stats s;
	unsigned int i;

	vhv_vcpu_read(e, &s);
	out_printf(o, "vcpu vm=%u idx=%u vcpu_id=%u tid=%d ready_ns=%llu run_ns=%llu guest_ns=%llu halt_ns=%llu exits=%llu preemptions=%llu ready_max_ns=%llu swap_wait_ns=%llu swapin_delay_ns=%lld majflt=%llu state=%s state_ms=%llu stalled=%d stall_count=%llu ready_hist=",
		   vm->id, e->idx, e->vcpu_id, e->tid, s.ready_ns, s.run_ns,
		   s.guest_ns, s.halt_ns, s.exits, s.preemptions,
		   s.ready_max_ns, s.swap_wait_ns, s.swapin_delay_ns, s.majflt,
		   vhv_vcpu_state_names[s.state], s.state_ms, e->stalled,
		   e->stall_count);
	vhv_vcpu_read_hist(e, hist);
	for (i = 0; i < VHV_HIST_BUCKETS; i++)
		out_printf(o, "%s%llu", i ? "," : "", hist[i]);
	out_printf(o, "\n");
}

/* The VM's ready time by who held the CPU (steal.c). */
static void snap_steal(struct snap_out *o, struct vhv_vm *vm)
{
	struct vhv_steal_slot by[VHV_STEAL_BY_VM];
	u64 ns[VHV_STEAL_NR];
	unsigned int i;

	vhv_steal_vm(vm, ns, by);
	out_printf(o, "stolen vm=%u", vm->id);
	for (i = 0; i < VHV_STEAL_NR; i++)
		out_printf(o, " %s_ns=%llu", vhv_steal_names[i], ns[i]);
	out_printf(o, " by_vm=");
	if (!by[0].id)
		out_printf(o, "-");
	for (i = 0; i < VHV_STEAL_BY_VM && by[i].id; i++)
		out_printf(o, "%s%u:%llu", i ? "," : "", by[i].id, by[i].ns);
	out_printf(o, "\n");
}

static void snap_vm(struct snap_out *o, struct vhv_vm *vm, char *path)
{
	struct vhv_vm_apf apf;
	struct vhv_vcpu *e;
	s64 some, full;
	size_t plen;

	plen = vhv_vm_cgroup(vm, path, PATH_MAX, &some, &full);
	vhv_vm_apf(vm, &apf);
	out_printf(o, "vm id=%u pid=%d nr_vcpus=%u mem_bytes=%llu swap_bytes=%llu majflt=%llu swap_wait_ns=%llu heartbeat_ms=%llu ready_ns=%llu majflt_rate=%llu stalled=%d status=%s stalled_vcpus=%u stall_count=%llu pause_count=%llu apf_faults=%llu apf_wait_ns=%llu apf_max_ns=%llu cgroup=",
		   vm->id, vm->pid, vm->nr_vcpus, READ_ONCE(vm->mem_bytes),
		   vm->swap_sample, vhv_vm_majflt(vm),
		   vhv_vm_swap_wait_ns(vm), vhv_vm_heartbeat_ms(vm),
		   vhv_vm_ready_ns(vm), vm->majflt_rate, vm->stall.stalled, vhv_vm_status_names[vm->stall.status],
		   vm->stall.nr_stalled, vm->stall.count,
		   vm->stall.pause_count, apf.faults, apf.wait_ns, apf.max_ns);
	out_path(o, path, plen);
	out_printf(o, " mem_pressure_some_us=%lld mem_pressure_full_us=%lld\n",
		   some, full);
	list_for_each_entry(e, &vm->vcpus, node)
		snap_vcpu(o, vm, e);
	snap_steal(o, vm);
}

static void snap_fill(struct snap_out *o, char *path)
{
	struct vhv_reg_host h;
	struct vhv_vm *vm;

	lockdep_assert_held(&vhv_reg.lock);

	vhv_reg_host_locked(&h);
	out_printf(o, "vhv-snapshot version=1 time_ns=%llu hz=%u\n",
		   ktime_get_ns(), USER_HZ);
	out_printf(o, "host nr_vms=%u nr_vcpus=%u nr_cpus=%u guest_mem_bytes=%llu ram_bytes=%llu stall_threshold_ms=%u track_failures=%llu untracked_vcpus=%u entry_probe=%u entry_probe_attaches=%llu\n",
		   h.nr_vms, h.nr_vcpus, h.nr_cpus, h.guest_mem_bytes,
		   h.ram_bytes, vhv_params_stall_ms(), h.track_failures,
		   h.untracked_vcpus, h.entry_probe, h.entry_probe_attaches);
	list_for_each_entry(vm, &vhv_reg.vms, node)
		snap_vm(o, vm, path);
	out_printf(o, "end\n");
}

/* Take a snapshot. Return: 0 or -ENOMEM; on success @o owns the text. */
static int snap_take(struct snap_out *o)
{
	char *path;

	path = vhv_snapshot_path_alloc();
	if (!path)
		return -ENOMEM;
	mutex_lock(&vhv_reg.lock);
	if (out_reserve(o, 1024 + vhv_reg.nr_vms * 512 +
			   vhv_reg.nr_vcpus * 320))
		snap_fill(o, path);
	mutex_unlock(&vhv_reg.lock);
	kfree(path);
	if (o->err) {
		kvfree(o->buf);
		return -ENOMEM;
	}
	return 0;
}

static int snap_open(struct inode *inode, struct file *file)
{
	struct snap_file *sf = vhv_snapshot_slot_alloc();

	if (!sf)
		return -ENOMEM;
	mutex_init(&sf->lock);
	file->private_data = sf;
	return 0;
}

static int snap_release(struct inode *inode, struct file *file)
{
	struct snap_file *sf = file->private_data;

	kvfree(sf->data);
	mutex_destroy(&sf->lock);
	kfree(sf);
	return 0;
}

/*
 * A read at offset 0 takes a new snapshot for this open file; a read at
 * another offset continues the file's current one (EINVAL if it has none).
 */
static ssize_t snap_read(struct file *file, char __user *ubuf, size_t count,
			 loff_t *ppos)
{
	struct snap_file *sf = file->private_data;
	loff_t pos = *ppos;
	struct snap_out o = {};
	ssize_t ret;
	size_t n;

	if (pos < 0)
		return -EINVAL;
	mutex_lock(&sf->lock);
	if (!pos) {
		ret = snap_take(&o);
		if (ret)
			goto out;
		kvfree(sf->data);
		sf->data = o.buf;
		sf->len = o.len;
	} else if (!sf->data) {
		ret = -EINVAL;
		goto out;
	}
	ret = 0;
	if (pos >= sf->len)
		goto out;
	n = min_t(size_t, count, sf->len - pos);
	if (copy_to_user(ubuf, sf->data + pos, n)) {
		ret = -EFAULT;
		goto out;
	}
	*ppos = pos + n;
	ret = n;
out:
	mutex_unlock(&sf->lock);
	return ret;
}

static const struct proc_ops snap_ops = {
	.proc_open = snap_open,
	.proc_read = snap_read,
	.proc_lseek = default_llseek,
	.proc_release = snap_release,
};

/**
 * vhv_snapshot_init() - create /proc/vhv/snapshot
 *
 * Mode 0440, owner root, group read_gid: tenant data, like the VM files.
 * Each step may be made to fail by the fail_init parameter.
 *
 * Return: 0 or -ENOMEM.
 */
int vhv_snapshot_init(void)
{
	struct proc_dir_entry *pde = NULL;

	if (!vhv_params_fail_init())
		snap_dir = proc_mkdir("vhv", NULL);
	if (!snap_dir)
		return -ENOMEM;
	if (!vhv_params_fail_init())
		pde = proc_create("snapshot", 0440, snap_dir, &snap_ops);
	if (!pde) {
		proc_remove(snap_dir);
		snap_dir = NULL;
		return -ENOMEM;
	}
	proc_set_user(pde, GLOBAL_ROOT_UID, vhv_params_read_gid());
	return 0;
}

/*
 * Remove /proc/vhv; proc_remove() waits for the reads in progress, and
 * files still open then only get EIO (their release still runs).
 */
void vhv_snapshot_exit(void)
{
	proc_remove(snap_dir);
	snap_dir = NULL;
}
