// SPDX-License-Identifier: GPL-2.0
/*
 * Tracepoint probes: kvm.ko's kvm_entry (and kvm_async_pf_not_present/ready
 * where KVM has async page faults), vmlinux's sched_switch.
 *
 * kvm.ko is neither pinned nor linked against: its tracepoints are found by
 * name when the tracepoint core reports the module (at once if it is
 * already loaded, MODULE_STATE_COMING), and released when it goes
 * (MODULE_STATE_GOING), so "rmmod kvm_amd kvm" works with vhv loaded and
 * vhv attaches again when kvm comes back. A kernel with KVM built in
 * (CONFIG_KVM=y) has them in vmlinux: vhv attaches there at load.
 *
 * Hot path: kvm_entry runs on every VM entry (IRQs and preemption off),
 * after an in-kernel exit as after a return from userspace. It compares
 * the entering vcpu and the epoch with what this CPU saw last and returns
 * if nothing changed: two loads, no store, and no probe on the way out to
 * userspace. The sched_switch probe forgets the vcpu on every context
 * switch, so a match also means the same thread in the same stint. The
 * slow path (the first entry of a scheduling stint, and one per period
 * when the worker bumps the epoch) finds or creates the vCPU and accounts.
 * The per-CPU state has no lock: only probes running on that CPU, with
 * preemption off, touch it, and none of them can interrupt another.
 */
#include <linux/error-injection.h>
#include <linux/kvm_host.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "compat.h"
#include "params.h"
#include "probe.h"
#include "registry.h"
#include "untracked.h"
#include "vcpu.h"

/**
 * struct vhv_pcpu - what the probes remember on one CPU
 * @vcpu: the kvm_vcpu that last took the slow path here (a key), NULL
 *	after a context switch here: set means same thread, same stint
 * @task: its thread (a key)
 * @epoch: vhv_reg_epoch then
 * @gen: vhv_reg_gen then; @ent may be dereferenced only while it is current
 * @ent: the vCPU object, or NULL if it is not tracked
 */
struct vhv_pcpu {
	const struct kvm_vcpu *vcpu;
	const struct task_struct *task;
	unsigned long epoch;
	unsigned long gen;
	struct vhv_vcpu *ent;
};

static DEFINE_PER_CPU(struct vhv_pcpu, vhv_pcpu);

static noinline void probe_entry_slow(struct vhv_pcpu *c,
				      struct kvm_vcpu *vcpu, unsigned long pc)
{
	unsigned long epoch, gen, room;
	struct vhv_vcpu *e;

	/* Pairs with reg_bump(): a new value implies the unhashing is seen. */
	epoch = READ_ONCE(vhv_reg_epoch);
	smp_rmb();
	gen = READ_ONCE(vhv_reg_gen);
	smp_rmb();

	/* The probe runs with preemption off: an RCU read-side section. */
	e = vhv_vcpu_find(vcpu);
	if (!e) {
		/* Not again while nothing changed (vhv_nt_retry()). */
		room = READ_ONCE(vhv_reg_room);
		if (vhv_nt_retry(vcpu, room, epoch))
			e = vhv_vcpu_create(vcpu, room, epoch);
	}
	if (e)
		vhv_vcpu_enter(e, vcpu, pc, epoch);

	c->vcpu = vcpu;
	c->task = current;
	c->epoch = epoch;
	c->gen = gen;
	c->ent = e;
}

static notrace void probe_entry(void *data, VHV_KVM_ENTRY_PROTO)
{
	if (likely(__this_cpu_read(vhv_pcpu.vcpu) == vcpu &&
		   __this_cpu_read(vhv_pcpu.epoch) == READ_ONCE(vhv_reg_epoch)))
		return;
	probe_entry_slow(this_cpu_ptr(&vhv_pcpu), vcpu,
			 READ_ONCE(current->sched_info.pcount));
}

/*
 * KVM registers a preempt notifier on a thread for the duration of each
 * vcpu_load() section (KVM_RUN and the other vCPU ioctls), so a thread
 * without one is not in a vCPU ioctl: a one-load filter on every context
 * switch that, unlike a per-CPU cache, still holds after the thread
 * migrated.
 */
static inline bool maybe_in_vcpu_ioctl(struct task_struct *p)
{
	return !hlist_empty(&p->preempt_notifiers);
}

/*
 * A switch that concerns a vCPU thread: @next ends a swap wait, or @prev
 * sleeps inside a vCPU ioctl.
 */
static noinline void probe_switch_slow(bool preempt, struct task_struct *prev,
				       struct task_struct *next,
				       unsigned int prev_state)
{
	struct vhv_pcpu *c;

	/* A swap wait ends when its thread gets a CPU again. */
	if (vhv_vcpu_swait_open() && maybe_in_vcpu_ioctl(next))
		vhv_vcpu_wake_task(next);
	if (!maybe_in_vcpu_ioctl(prev) || preempt ||
	    !(prev_state & (TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE)))
		return;
	c = this_cpu_ptr(&vhv_pcpu);
	if (prev == c->task && c->ent && c->gen == READ_ONCE(vhv_reg_gen) &&
	    vhv_vcpu_loaded(c->ent, prev))
		vhv_vcpu_block(c->ent, prev, prev_state);
	else
		vhv_vcpu_block_task(prev, prev_state);
}

/* Same prototype in 6.1 and 6.12. */
static notrace void probe_switch(void *data, bool preempt,
				 struct task_struct *prev,
				 struct task_struct *next,
				 unsigned int prev_state)
{
	/* The next VM entry here is the first of a stint: the slow path. */
	__this_cpu_write(vhv_pcpu.vcpu, NULL);
	if (unlikely(vhv_vcpu_swait_open() || maybe_in_vcpu_ioctl(prev)))
		probe_switch_slow(preempt, prev, next, prev_state);
}

/* Same prototype for both events (class kvm_async_pf_nopresent_ready). */
static void probe_apf_not_present(void *data, u64 token, u64 gva)
{
	struct vhv_vcpu *e = vhv_vcpu_current();

	if (e)
		vhv_vcpu_apf_start(e, token);
}

static void probe_apf_ready(void *data, u64 token, u64 gva)
{
	struct vhv_vcpu *e = vhv_vcpu_current();

	if (e)
		vhv_vcpu_apf_ready(e, token);
}

/**
 * struct probe_tp - a tracepoint vhv attaches to
 * @name: its name
 * @fn: vhv's probe
 * @optional: missing from kvm.ko is not an error (a kernel without
 *	CONFIG_KVM_ASYNC_PF); its figures then stay 0
 * @tp: the tracepoint, NULL when not attached
 */
struct probe_tp {
	const char *name;
	void *fn;
	bool optional;
	struct tracepoint *tp;
};

/* protects kvm_tps[].tp, kvm_mod and kvm_builtin */
static DEFINE_MUTEX(probe_lock);
static struct module *kvm_mod;
/* KVM is part of vmlinux (CONFIG_KVM=y): attached at load, for good */
static bool kvm_builtin;
static struct probe_tp kvm_tps[] = {
	{ .name = "kvm_entry", .fn = probe_entry },
	{ .name = "kvm_async_pf_not_present", .fn = probe_apf_not_present,
	  .optional = true },
	{ .name = "kvm_async_pf_ready", .fn = probe_apf_ready,
	  .optional = true },
};

static struct probe_tp sched_tp = {
	.name = "sched_switch", .fn = probe_switch,
};

/* @tp is one of kvm_tps[] if its name says so (kvm.ko's or vmlinux's). */
static void kvm_match(struct tracepoint *tp, void *priv)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kvm_tps); i++) {
		if (!strcmp(tp->name, kvm_tps[i].name))
			kvm_tps[i].tp = tp;
	}
}

static void kvm_find(struct module *mod)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kvm_tps); i++)
		kvm_tps[i].tp = NULL;
	for (i = 0; i < mod->num_tracepoints; i++)
		kvm_match(tracepoint_ptr_deref(&mod->tracepoints_ptrs[i]), NULL);
}

/*
 * Registering a probe allocates the tracepoint's new probe array. In a
 * function of its own that fail_function can make fail (see
 * vhv_sysfs_path_alloc()): vhv then stays loaded, attached to nothing in
 * kvm, until kvm.ko is loaded again.
 */
static noinline __noclone int vhv_probe_kvm_register(struct probe_tp *p)
{
	return tracepoint_probe_register(p->tp, p->fn, NULL);
}
ALLOW_ERROR_INJECTION(vhv_probe_kvm_register, ERRNO);

/* An optional tracepoint kvm.ko lacks was never registered. */
static void kvm_tp_unregister(struct probe_tp *p)
{
	if (p->tp)
		tracepoint_probe_unregister(p->tp, p->fn, NULL);
}

/* Attach to the kvm tracepoints kvm_match() found; all or none. */
static int kvm_register(void)
{
	unsigned int i;
	int ret = 0;

	lockdep_assert_held(&probe_lock);

	for (i = 0; i < ARRAY_SIZE(kvm_tps); i++) {
		if (!kvm_tps[i].tp && kvm_tps[i].optional)
			continue;
		if (!kvm_tps[i].tp)
			ret = -ENOENT;
		else
			ret = vhv_probe_kvm_register(&kvm_tps[i]);
		if (ret) {
			pr_warn("cannot attach to kvm:%s (%d)\n",
				kvm_tps[i].name, ret);
			goto undo;
		}
	}
	return 0;
undo:
	while (i--)
		kvm_tp_unregister(&kvm_tps[i]);
	return ret;
}

/* Detach from every kvm tracepoint kvm_register() attached to. */
static void kvm_unregister(void)
{
	unsigned int i;

	lockdep_assert_held(&probe_lock);

	for (i = 0; i < ARRAY_SIZE(kvm_tps); i++) {
		kvm_tp_unregister(&kvm_tps[i]);
		kvm_tps[i].tp = NULL;
	}
}

static void kvm_attach(struct module *mod)
{
	lockdep_assert_held(&probe_lock);

	if (kvm_mod || kvm_builtin || strcmp(mod->name, "kvm"))
		return;
	kvm_find(mod);
	if (kvm_register())
		return;
	kvm_mod = mod;
	pr_info("attached to kvm\n");
}

static void kvm_detach(struct module *mod)
{
	lockdep_assert_held(&probe_lock);

	if (mod != kvm_mod)
		return;
	kvm_unregister();
	kvm_mod = NULL;
	pr_info("detached from kvm\n");
}

/* Called with the tracepoint core's module list mutex held. */
static int probe_tp_module_notify(struct notifier_block *nb,
				  unsigned long val, void *data)
{
	struct tp_module *tp_mod = data;

	mutex_lock(&probe_lock);
	if (val == MODULE_STATE_COMING)
		kvm_attach(tp_mod->mod);
	else if (val == MODULE_STATE_GOING)
		kvm_detach(tp_mod->mod);
	mutex_unlock(&probe_lock);
	return NOTIFY_OK;
}

static struct notifier_block probe_nb = {
	.notifier_call = probe_tp_module_notify,
};

static void sched_find(struct tracepoint *tp, void *priv)
{
	struct probe_tp *p = priv;

	if (!strcmp(tp->name, p->name))
		p->tp = tp;
}

/*
 * With KVM built into vmlinux (CONFIG_KVM=y) its tracepoints are vmlinux's
 * and no module will ever come: attach now, or fail the load rather than
 * report nothing.
 */
static int kvm_attach_builtin(void)
{
	int ret;

	for_each_kernel_tracepoint(kvm_match, NULL);
	if (!kvm_tps[0].tp)
		return 0;
	mutex_lock(&probe_lock);
	ret = kvm_register();
	if (!ret) {
		kvm_builtin = true;
		pr_info("attached to kvm (built into the kernel)\n");
	}
	mutex_unlock(&probe_lock);
	return ret;
}

static void kvm_detach_builtin(void)
{
	mutex_lock(&probe_lock);
	if (kvm_builtin) {
		kvm_unregister();
		kvm_builtin = false;
	}
	mutex_unlock(&probe_lock);
}

/**
 * vhv_probe_init() - attach to sched_switch, and to kvm now or when loaded
 *
 * Return: 0 or a negative error.
 */
int vhv_probe_init(void)
{
	int ret;

	for_each_kernel_tracepoint(sched_find, &sched_tp);
	if (!sched_tp.tp) {
		pr_err("no sched_switch tracepoint\n");
		return -ENOENT;
	}
	if (vhv_params_fail_init())
		return -ENOMEM;
	ret = tracepoint_probe_register(sched_tp.tp, sched_tp.fn, NULL);
	if (ret)
		return ret;
	ret = kvm_attach_builtin();
	if (ret)
		goto err_sched;
	ret = register_tracepoint_module_notifier(&probe_nb);
	if (ret)
		goto err_kvm;
	return 0;

err_kvm:
	kvm_detach_builtin();
err_sched:
	tracepoint_probe_unregister(sched_tp.tp, sched_tp.fn, NULL);
	tracepoint_synchronize_unregister();
	return ret;
}

/**
 * vhv_probe_exit() - detach everything and wait for running probes
 *
 * Unregistering the notifier reports every module as going, which detaches
 * from kvm.
 */
void vhv_probe_exit(void)
{
	unregister_tracepoint_module_notifier(&probe_nb);
	kvm_detach_builtin();
	tracepoint_probe_unregister(sched_tp.tp, sched_tp.fn, NULL);
	tracepoint_synchronize_unregister();
}
