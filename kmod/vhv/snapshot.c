// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/vhv/snapshot: every figure, taken under vhv_reg.lock, as
 * key=value lines (format in Documentation/vhv/design.rst).
 *
 * kernfs hands a binary attribute at most PAGE_SIZE per read, so a
 * snapshot is kept per open file, keyed by the struct file the read
 * callback receives: a read at offset 0 takes a new one, later offsets are
 * served from it, the read at EOF frees it. Buffers of files closed before
 * EOF are freed after SNAP_MAX_IDLE; at most SNAP_MAX_BUFS exist (the
 * least recently used one is dropped for a new reader; its owner then gets
 * a fresh snapshot from its current offset on).
 */
#include <linux/error-injection.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/limits.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "params.h"
#include "registry.h"
#include "snapshot.h"
#include "vcpu.h"
#include "vm.h"

#define SNAP_MAX_BUFS	16
#define SNAP_MAX_IDLE	(60 * HZ)

/**
 * struct snap_buf - one open file's snapshot
 * @node: in snap_bufs
 * @file: the open file, used only as a key
 * @used: jiffies of the last read
 * @data: the text
 * @len: length of @data
 */
struct snap_buf {
	struct list_head node;
	const struct file *file;
	unsigned long used;
	char *data;
	size_t len;
};

/* protects snap_bufs and snap_nr; taken before vhv_reg.lock */
static DEFINE_MUTEX(snap_lock);
static LIST_HEAD(snap_bufs);
static unsigned int snap_nr;

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
	return kvmalloc(size, GFP_KERNEL);
}
ALLOW_ERROR_INJECTION(vhv_snapshot_text_alloc, NULL);

static noinline __noclone char *vhv_snapshot_path_alloc(void)
{
	return kmalloc(PATH_MAX, GFP_KERNEL);
}
ALLOW_ERROR_INJECTION(vhv_snapshot_path_alloc, NULL);

static noinline __noclone struct snap_buf *vhv_snapshot_slot_alloc(void)
{
	return kzalloc(sizeof(struct snap_buf), GFP_KERNEL);
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
	struct vhv_vcpu_stats s;

	vhv_vcpu_read(e, &s);
	out_printf(o, "vcpu vm=%u idx=%u vcpu_id=%u tid=%d ready_ns=%llu run_ns=%llu guest_ns=%llu halt_ns=%llu exits=%llu preemptions=%llu ready_max_ns=%llu swap_wait_ns=%llu swapin_delay_ns=%lld majflt=%llu state=%s state_ms=%llu stalled=%d stall_count=%llu\n",
		   vm->id, e->idx, e->vcpu_id, e->tid, s.ready_ns, s.run_ns,
		   s.guest_ns, s.halt_ns, s.exits, s.preemptions,
		   s.ready_max_ns, s.swap_wait_ns, s.swapin_delay_ns, s.majflt,
		   vhv_vcpu_state_names[s.state], s.state_ms, e->stalled,
		   e->stall_count);
}

static void snap_vm(struct snap_out *o, struct vhv_vm *vm, char *path)
{
	struct vhv_vcpu *e;
	s64 some, full;
	size_t plen;

	plen = vhv_vm_cgroup(vm, path, PATH_MAX, &some, &full);
	out_printf(o, "vm id=%u pid=%d nr_vcpus=%u mem_bytes=%llu swap_bytes=%llu swapin_pages=%llu swap_wait_ns=%llu heartbeat_ms=%llu stalled=%d status=%s stalled_vcpus=%u stall_count=%llu pause_count=%llu cgroup=",
		   vm->id, vm->pid, vm->nr_vcpus, READ_ONCE(vm->mem_bytes),
		   vm->swap_sample, vhv_vm_swapin_pages(vm),
		   vhv_vm_swap_wait_ns(vm), vhv_vm_heartbeat_ms(vm),
		   vm->stall.stalled, vhv_vm_status_names[vm->stall.status],
		   vm->stall.nr_stalled, vm->stall.count,
		   vm->stall.pause_count);
	out_path(o, path, plen);
	out_printf(o, " mem_pressure_some_us=%lld mem_pressure_full_us=%lld\n",
		   some, full);
	list_for_each_entry(e, &vm->vcpus, node)
		snap_vcpu(o, vm, e);
}

static void snap_fill(struct snap_out *o, char *path)
{
	struct vhv_reg_host h;
	struct vhv_vm *vm;

	lockdep_assert_held(&vhv_reg.lock);

	vhv_reg_host_locked(&h);
	out_printf(o, "vhv-snapshot version=1 time_ns=%llu hz=%u\n",
		   ktime_get_ns(), USER_HZ);
	out_printf(o, "host nr_vms=%u nr_vcpus=%u nr_cpus=%u guest_mem_bytes=%llu ram_bytes=%llu stall_threshold_ms=%u track_failures=%llu untracked_vcpus=%u\n",
		   h.nr_vms, h.nr_vcpus, h.nr_cpus, h.guest_mem_bytes,
		   h.ram_bytes, vhv_params_stall_ms(), h.track_failures,
		   h.untracked_vcpus);
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

static void snap_free(struct snap_buf *b)
{
	lockdep_assert_held(&snap_lock);

	list_del(&b->node);
	snap_nr--;
	kvfree(b->data);
	kfree(b);
}

static struct snap_buf *snap_find(const struct file *file)
{
	struct snap_buf *b;

	lockdep_assert_held(&snap_lock);

	list_for_each_entry(b, &snap_bufs, node) {
		if (b->file == file)
			return b;
	}
	return NULL;
}

/* A buffer slot for @file, dropping the least recently used at the cap. */
static struct snap_buf *snap_slot(const struct file *file)
{
	struct snap_buf *b, *lru = NULL;

	lockdep_assert_held(&snap_lock);

	b = snap_find(file);
	if (b)
		return b;
	if (snap_nr >= SNAP_MAX_BUFS) {
		list_for_each_entry(b, &snap_bufs, node) {
			if (!lru || time_before(b->used, lru->used))
				lru = b;
		}
		snap_free(lru);
	}
	b = vhv_snapshot_slot_alloc();
	if (!b)
		return NULL;
	b->file = file;
	list_add(&b->node, &snap_bufs);
	snap_nr++;
	return b;
}

static struct snap_buf *snap_refresh(const struct file *file)
{
	struct snap_out o = {};
	struct snap_buf *b;

	if (snap_take(&o))
		return NULL;
	b = snap_slot(file);
	if (!b) {
		kvfree(o.buf);
		return NULL;
	}
	kvfree(b->data);
	b->data = o.buf;
	b->len = o.len;
	return b;
}

/**
 * vhv_snapshot_read() - read callback of the snapshot binary attribute
 * @file: the open file (the key of its snapshot)
 * @kobj: /sys/kernel/vhv
 * @attr: the attribute
 * @buf: out
 * @off: offset
 * @count: at most PAGE_SIZE
 *
 * Return: bytes copied, 0 at EOF, -ENOMEM.
 */
ssize_t vhv_snapshot_read(struct file *file, struct kobject *kobj,
			  struct bin_attribute *attr, char *buf, loff_t off,
			  size_t count)
{
	struct snap_buf *b;
	ssize_t ret;

	mutex_lock(&snap_lock);
	b = snap_find(file);
	if (!b || off == 0) {
		b = snap_refresh(file);
		if (!b) {
			ret = -ENOMEM;
			goto out;
		}
	}
	b->used = jiffies;
	if (off >= b->len) {
		snap_free(b);
		ret = 0;
		goto out;
	}
	ret = min_t(size_t, count, b->len - off);
	memcpy(buf, b->data + off, ret);
out:
	mutex_unlock(&snap_lock);
	return ret;
}

/* Drop the snapshots of readers that went away before EOF. */
void vhv_snapshot_expire(void)
{
	struct snap_buf *b, *tmp;

	mutex_lock(&snap_lock);
	list_for_each_entry_safe(b, tmp, &snap_bufs, node) {
		if (time_after(jiffies, b->used + SNAP_MAX_IDLE))
			snap_free(b);
	}
	mutex_unlock(&snap_lock);
}

/* Context: the snapshot file is gone (no reader can come back). */
void vhv_snapshot_exit(void)
{
	struct snap_buf *b, *tmp;

	mutex_lock(&snap_lock);
	list_for_each_entry_safe(b, tmp, &snap_bufs, node)
		snap_free(b);
	mutex_unlock(&snap_lock);
}
