// SPDX-License-Identifier: GPL-2.0
/*
 * Tracepoint probes: kvm.ko's kvm_entry (and kvm_async_pf_not_present/ready
 * where KVM has async page faults), vmlinux's sched_switch and
 * sched_wakeup.
 *
 * kvm.ko is neither pinned nor linked against: its tracepoints are found by
 * name when the tracepoint core reports the module (at once if it is
 * already loaded, MODULE_STATE_COMING), and released when it goes
 * (MODULE_STATE_GOING), so "rmmod kvm_amd kvm" works with vhv loaded and
 * vhv attaches again when kvm comes back. A kernel with KVM built in
 * (CONFIG_KVM=y) has them in vmlinux: vhv attaches there at load.
 *
 * Hot path: nothing runs on a VM entry in the steady state. The
 * sched_switch probe does the per-stint work: a switch-out inside a vCPU
 * ioctl (KVM's preempt notifier is on the thread) looks at the vCPU
 * (vhv_vcpu_observe(): the ready episode that ended at the last switch-in,
 * KVM's counters, the heartbeat). Once a period the worker sends an IPI to
 * the CPUs that run a vCPU no switch-out looked at in the period, and the
 * handler looks at it there. The vCPU is alive in both: its thread is
 * inside one of its ioctls and is current or being switched out.
 *
 * kvm_entry is attached only to find new vCPUs (objects are created on
 * the vCPU thread, outside the runqueue lock): at attach, and when a
 * switch-out or the IPI meets a thread inside a vCPU ioctl whose vCPU is
 * not tracked, which sets a flag the worker reads. The worker detaches it
 * after two periods without such a thread. While attached it compares the
 * entering vcpu and the epoch with what this CPU saw last and returns if
 * nothing changed; the slow path (first entry of a stint, one a period)
 * finds or creates the vCPU and looks at it.
 * The per-CPU state has no lock: only probes running on that CPU, with
 * preemption off, touch it, and none of them can interrupt another.
 */
#include <linux/error-injection.h>
#include <linux/hash.h>
#include <linux/kvm_host.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "compat.h"
#include "params.h"
#include "probe.h"
#include "registry.h"
#include "steal.h"
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

/* KVM's preempt notifier ops, learned from an entering vCPU (or NULL). */
static struct preempt_ops *kvm_pn_ops;

/* A thread inside a vCPU ioctl whose vCPU is not tracked was seen. */
static int entry_wanted;

/*
 * Those threads (referenced), until their vCPU is tracked, they leave
 * their vCPU ioctl or they exit, with what the look saw of their vCPU
 * (key, VM, ids). kvm_entry stays attached while any is here, and the
 * worker creates the vCPU's object from these values: a vCPU that
 * entered while kvm_entry was detached and then sleeps in KVM for good
 * (a userfaultfd nobody serves) is tracked all the same. Filled without
 * lock by the looks (cmpxchg on a free slot of the thread's window; the
 * thread's own CPU then writes the values), emptied only by the worker.
 * A thread that finds no free slot still sets entry_wanted.
 */
#define SEEK_BITS	8
#define SEEK_SLOTS	(1U << SEEK_BITS)
#define SEEK_PROBE	8

/**
 * struct seek_slot - a thread inside an untracked vCPU's ioctl
 * @task: the thread (referenced), NULL when the slot is free
 * @ready: the fields below are set (release/acquire)
 * @key: its struct kvm_vcpu pointer
 * @kvm: the vCPU's struct kvm pointer
 * @vcpu_id: KVM's vcpu_id
 * @idx: KVM's vcpu_idx
 * @halted: the vCPU was halted at the last look (vhv_vcpu_block()'s rule)
 * @asleep: worker scans in a row that found the thread asleep in that
 *	vCPU's ioctl (the worker's own; reset with a new @key)
 */
struct seek_slot {
	struct task_struct *task;
	int ready;
	const void *key;
	const void *kvm;
	u32 vcpu_id;
	u32 idx;
	bool halted;
	unsigned int asleep;
};

static struct seek_slot seek[SEEK_SLOTS];

static void seek_fill(struct seek_slot *s, const struct kvm_vcpu *vcpu)
{
	WRITE_ONCE(s->halted, !READ_ONCE(vcpu->arch.apf.halted) &&
			      READ_ONCE(vcpu->arch.mp_state) !=
			      KVM_MP_STATE_RUNNABLE);
	if (s->key == vcpu && READ_ONCE(s->ready))
		return;
	WRITE_ONCE(s->ready, 0);
	smp_wmb();
	s->asleep = 0;
	WRITE_ONCE(s->key, vcpu);
	s->kvm = vcpu->kvm;
	s->vcpu_id = vcpu->vcpu_id;
	s->idx = vcpu->vcpu_idx;
	smp_store_release(&s->ready, 1);
}

/*
 * Remember @t (current or being switched out, so alive) and @vcpu (whose
 * ioctl @t is in, so alive) in seek[].
 */
static void seek_note(struct task_struct *t, const struct kvm_vcpu *vcpu)
{
	unsigned int h = hash_ptr(t, SEEK_BITS), i;
	struct seek_slot *s;

	for (i = 0; i < SEEK_PROBE; i++) {
		s = &seek[(h + i) & (SEEK_SLOTS - 1)];
		if (READ_ONCE(s->task) == t) {
			seek_fill(s, vcpu);
			return;
		}
	}
	/* Not the last reference: @t holds its own while it runs. */
	get_task_struct(t);
	for (i = 0; i < SEEK_PROBE; i++) {
		s = &seek[(h + i) & (SEEK_SLOTS - 1)];
		if (!READ_ONCE(s->task) && !cmpxchg(&s->task, NULL, t)) {
			seek_fill(s, vcpu);
			return;
		}
	}
	put_task_struct(t);
}

/*
 * The worker: track the vCPU a slot describes if its thread has been
 * asleep inside that vCPU's ioctl at two scans in a row: the thread's
 * first preempt notifier is the one embedded in it (an address compare,
 * nothing is dereferenced). A thread that runs will enter the guest, and
 * kvm_entry finds it; one that stays asleep (on a userfaultfd nobody
 * serves) would not be found otherwise. Two scans keep out a VMM thread
 * that makes a short setup ioctl on a vCPU it does not run.
 */
static void seek_track(struct seek_slot *s, struct task_struct *t)
{
	struct vhv_vcpu_new n = { .task = t };
	struct kvm_vcpu *vcpu;

	if (!smp_load_acquire(&s->ready))
		return;
	n.key = s->key;
	n.kvm = s->kvm;
	n.vcpu_id = s->vcpu_id;
	n.idx = s->idx;
	n.halted = READ_ONCE(s->halted);
	/*
	 * A look on the thread's CPU may refill the slot while this reads it
	 * (the thread is off the runqueue before its switch-out's look):
	 * values of one fill only, as in a seqcount read.
	 */
	smp_rmb();
	if (!READ_ONCE(s->ready) || READ_ONCE(s->key) != n.key)
		return;
	vcpu = (struct kvm_vcpu *)n.key;
	if (READ_ONCE(t->preempt_notifiers.first) !=
	    &vcpu->preempt_notifier.link || READ_ONCE(t->on_rq)) {
		s->asleep = 0;
		return;
	}
	if (++s->asleep < 2)
		return;
	task_lock(t);
	n.mm = t->mm;
	if (n.mm)
		mmgrab(n.mm);
	task_unlock(t);
	if (!n.mm)
		return;
	vhv_vcpu_create_new(&n);
	mmdrop(n.mm);
}

/*
 * The worker: forget the threads whose vCPU got tracked, that left their
 * vCPU ioctls or that exited (all = every one, at unload); track the
 * others' vCPUs from what the looks saw.
 * Return: some remain.
 */
static bool seek_scan(bool all)
{
	struct task_struct *t;
	bool left = false;
	unsigned int i;

	for (i = 0; i < SEEK_SLOTS; i++) {
		t = READ_ONCE(seek[i].task);
		if (!t)
			continue;
		if (!all && !vhv_vcpu_task_tracked(t) &&
		    vhv_maybe_in_vcpu_ioctl(t) && pid_alive(t)) {
			seek_track(&seek[i], t);
			left = true;
			continue;
		}
		WRITE_ONCE(seek[i].ready, 0);
		if (cmpxchg(&seek[i].task, t, NULL) == t)
			put_task_struct(t);
	}
	return left;
}

static noinline void probe_entry_slow(struct vhv_pcpu *c,
				      struct kvm_vcpu *vcpu)
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
		vhv_vcpu_observe(e, vcpu, current, epoch, true);
	if (READ_ONCE(kvm_pn_ops) != vcpu->preempt_notifier.ops)
		WRITE_ONCE(kvm_pn_ops, vcpu->preempt_notifier.ops);

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
	probe_entry_slow(this_cpu_ptr(&vhv_pcpu), vcpu);
}

/*
 * The vCPU whose KVM preempt notifier @t carries (not another user's), or
 * NULL; ERR_PTR(-EAGAIN) while KVM's ops are not known yet.
 */
static struct kvm_vcpu *kvm_notifier_on(struct task_struct *t)
{
	struct preempt_ops *ops = READ_ONCE(kvm_pn_ops);
	struct preempt_notifier *pn;

	if (!ops)
		return ERR_PTR(-EAGAIN);
	hlist_for_each_entry(pn, &t->preempt_notifiers, link) {
		if (pn->ops == ops)
			return container_of(pn, struct kvm_vcpu,
					    preempt_notifier);
	}
	return NULL;
}

/*
 * Look at the vCPU whose ioctl @t (current, or being switched out) is in;
 * if it is not tracked, or its VM's memory slots changed, have the worker
 * attach kvm_entry (to find it, or to walk the slots at an entry).
 */
static struct vhv_vcpu *probe_look(struct task_struct *t)
{
	struct vhv_vcpu *e;
	bool mem = false;

	e = vhv_vcpu_observe_task(t, READ_ONCE(vhv_reg_epoch), &mem);
	if (mem && !READ_ONCE(entry_wanted))
		WRITE_ONCE(entry_wanted, 1);
	if (!e) {
		struct kvm_vcpu *vcpu = kvm_notifier_on(t);

		if (!vcpu)
			return NULL;
		if (!READ_ONCE(entry_wanted))
			WRITE_ONCE(entry_wanted, 1);
		/* Not while KVM_CREATE_VCPU holds it loaded (x86 does), before
		 * its vcpu_idx is set and it is in the VM's array.
		 */
		if (!IS_ERR(vcpu) &&
		    kvm_get_vcpu(vcpu->kvm, vcpu->vcpu_idx) == vcpu)
			seek_note(t, vcpu);
	}
	return e;
}

/* @prev is switched out inside a vCPU ioctl: look at its vCPU. */
static void probe_switch_vcpu(bool preempt, struct task_struct *prev,
			      unsigned int prev_state)
{
	struct vhv_vcpu *e = probe_look(prev);

	if (e)
		vhv_steal_own(e, prev);
	if (!preempt &&
	    (prev_state & (TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE))) {
		if (e)
			vhv_vcpu_block(e, prev, prev_state);
	} else if (preempt || prev_state == TASK_RUNNING) {
		/*
		 * Still queued here: it waits from now on. Counted tracked or
		 * not, as its switch-in is (vhv_steal_switch()).
		 */
		vhv_steal_arm(smp_processor_id());
	}
}

/*
 * A switch that concerns a vCPU thread: @next ends a swap wait, @prev is
 * switched out inside a vCPU ioctl, or a vCPU may wait on this CPU (its
 * switches are recorded, after the look at @prev).
 */
static noinline void probe_switch_slow(bool preempt, struct task_struct *prev,
				       struct task_struct *next,
				       unsigned int prev_state)
{
	/* A swap wait ends when its thread gets a CPU again. */
	if (vhv_vcpu_swait_open() && vhv_maybe_in_vcpu_ioctl(next))
		vhv_vcpu_wake_task(next);
	if (vhv_maybe_in_vcpu_ioctl(prev))
		probe_switch_vcpu(preempt, prev, prev_state);
	if (vhv_steal_on())
		vhv_steal_switch(prev, next);
}

/* The worker's IPI: look at the vCPU this CPU runs, if any. */
static void probe_refresh_ipi(void *info)
{
	if (vhv_maybe_in_vcpu_ioctl(current))
		probe_look(current);
}

/**
 * vhv_probe_refresh() - look at the vCPUs running on some CPUs
 * @cpus: the CPUs, each running (at the worker's last look) a vCPU that no
 *	switch-out looked at in this period
 *
 * Context: the worker (process context); waits for the handlers.
 */
void vhv_probe_refresh(const struct cpumask *cpus)
{
	on_each_cpu_mask(cpus, probe_refresh_ipi, NULL, true);
}

/* Same prototype in 6.1 and 6.12. */
static notrace void probe_switch(void *data, bool preempt,
				 struct task_struct *prev,
				 struct task_struct *next,
				 unsigned int prev_state)
{
	/* The next VM entry here (kvm_entry attached) is the first of a
	 * stint: the slow path.
	 */
	__this_cpu_write(vhv_pcpu.vcpu, NULL);
	if (unlikely(vhv_vcpu_swait_open() || vhv_maybe_in_vcpu_ioctl(prev) ||
		     vhv_steal_on()))
		probe_switch_slow(preempt, prev, next, prev_state);
}

/*
 * A wakeup of a thread inside a vCPU ioctl ends its swap wait, if any
 * (vhv_vcpu_wakeup()), and starts a ready wait on the CPU it is queued
 * on, whose switches are then recorded (steal.c); one load of the woken
 * thread's notifiers on every wakeup. Same prototype in 6.1 and 6.12.
 */
static notrace void probe_wakeup(void *data, struct task_struct *p)
{
	if (likely(!vhv_maybe_in_vcpu_ioctl(p)))
		return;
	if (vhv_vcpu_swait_open())
		vhv_vcpu_wakeup(p);
	/* A wakeup of a running thread queues nothing. */
	if (!vhv_compat_on_cpu(p))
		vhv_steal_arm(task_cpu(p));
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
 * @tp: the tracepoint, NULL when kvm is not attached
 * @on: @fn is registered on @tp
 */
struct probe_tp {
	const char *name;
	void *fn;
	bool optional;
	struct tracepoint *tp;
	bool on;
};

/* protects kvm_tps[].tp, kvm_mod and kvm_builtin */
static DEFINE_MUTEX(probe_lock);
static struct module *kvm_mod;
/* KVM is part of vmlinux (CONFIG_KVM=y): attached at load, for good */
static bool kvm_builtin;
/* periods kvm_entry stayed attached without being wanted */
static unsigned int entry_quiet;
/* times kvm_entry was attached */
static u64 entry_attaches;
/* kvm_tps[0]: attached only while new vCPUs are to be found */
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

static struct probe_tp wakeup_tp = {
	.name = "sched_wakeup", .fn = probe_wakeup,
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

static int kvm_tp_register(struct probe_tp *p)
{
	int ret = vhv_probe_kvm_register(p);

	p->on = !ret;
	if (!ret && p == &kvm_tps[0]) {
		entry_quiet = 0;
		entry_attaches++;
	}
	return ret;
}

/* An optional tracepoint kvm.ko lacks was never registered. */
static void kvm_tp_unregister(struct probe_tp *p)
{
	if (p->on)
		tracepoint_probe_unregister(p->tp, p->fn, NULL);
	p->on = false;
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
			ret = kvm_tp_register(&kvm_tps[i]);
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
	/* A kvm.ko loaded again has its notifier ops elsewhere. */
	WRITE_ONCE(kvm_pn_ops, NULL);
	pr_info("detached from kvm\n");
}

/**
 * vhv_probe_period() - attach or detach kvm_entry, once a period
 *
 * Attached while some thread inside a vCPU ioctl has a vCPU vhv does not
 * track (a new vCPU, or one over a limit: its retries are then paced by
 * the untracked table): one seen in the last period, or one of seek[]
 * still there. Detached after two periods without one. A failure to
 * attach is tried again the next period.
 *
 * Context: the worker.
 */
void vhv_probe_period(void)
{
	struct probe_tp *p = &kvm_tps[0];
	bool want = xchg(&entry_wanted, 0);

	/* After the xchg: a thread noted since is seen now or next period. */
	if (seek_scan(false))
		want = true;
	mutex_lock(&probe_lock);
	if (!kvm_mod && !kvm_builtin)
		goto out;
	if (want) {
		entry_quiet = 0;
		if (!p->on)
			kvm_tp_register(p);
	} else if (p->on && ++entry_quiet >= 2) {
		kvm_tp_unregister(p);
	}
out:
	mutex_unlock(&probe_lock);
}

/**
 * vhv_probe_entry_state() - is kvm_entry attached, and how often it was
 * @attaches: out: times it was attached since load
 *
 * Return: true if it is attached now.
 */
bool vhv_probe_entry_state(u64 *attaches)
{
	bool on;

	mutex_lock(&probe_lock);
	on = kvm_tps[0].on;
	*attaches = entry_attaches;
	mutex_unlock(&probe_lock);
	return on;
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
 * vhv_probe_init() - attach to the scheduler, and to kvm now or when loaded
 *
 * sched_wakeup first: a swap wait that sched_switch opens is then always
 * closed by a wakeup that vhv sees.
 *
 * Return: 0 or a negative error.
 */
int vhv_probe_init(void)
{
	int ret;

	for_each_kernel_tracepoint(sched_find, &sched_tp);
	for_each_kernel_tracepoint(sched_find, &wakeup_tp);
	if (!sched_tp.tp || !wakeup_tp.tp) {
		pr_err("no %s tracepoint\n",
		       sched_tp.tp ? wakeup_tp.name : sched_tp.name);
		return -ENOENT;
	}
	if (vhv_params_fail_init())
		return -ENOMEM;
	ret = tracepoint_probe_register(wakeup_tp.tp, wakeup_tp.fn, NULL);
	if (ret)
		return ret;
	ret = tracepoint_probe_register(sched_tp.tp, sched_tp.fn, NULL);
	if (ret)
		goto err_wakeup;
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
err_wakeup:
	tracepoint_probe_unregister(wakeup_tp.tp, wakeup_tp.fn, NULL);
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
	tracepoint_probe_unregister(wakeup_tp.tp, wakeup_tp.fn, NULL);
	tracepoint_synchronize_unregister();
}

/**
 * vhv_probe_release() - drop the threads the looks noted
 *
 * After vhv_probe_exit() (or a failed vhv_probe_init()) and once the
 * worker is stopped: no probe and no IPI can note a thread any more.
 */
void vhv_probe_release(void)
{
	seek_scan(true);
}
