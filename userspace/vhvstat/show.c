// SPDX-License-Identifier: GPL-2.0
/*
 * show.c - the vm / vcpu / host / stolen reports
 *
 * Every field goes through the print layer once: text columns (with their
 * headings, printed by a header pass over the same row functions) and JSON
 * members come from the same lines below.
 */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ident.h"
#include "print.h"
#include "show.h"

#define PCT_W	6	/* %RUN %RDY ... */
#define SEC_W	10	/* counters in seconds (-s) */
#define MJF_W	7	/* MJF/s: major faults per second, 99999.9 */
#define STATE_W	(-8)	/* the longest words: degraded, swapwait */
#define NOTE_VCPUS	8	/* stalled vCPUs a note names; the rest are counted */
#define NAME_W	(-16)	/* NAME: longer names are cut, and end in '+' */
#define CULPRITS_SHOWN	3	/* other VMs the stolen report names */

/* Fields a VM row and a vCPU row have in common, both sides filled. */
struct row {
	bool rates;
	double run, rdy, wait, idle, swpwt, gst;
	const struct vhv_ready_q *q;	/* the interval's ready episodes */
	uint64_t ready_max_ns;
	/* counters (-s) */
	uint64_t ready_ns, run_ns, guest_ns, halt_ns, swap_wait_ns, exits, majflt;
};

static double nan_unless(bool ok, double v)
{
	return ok ? v : NAN;
}

static void cpu_columns(const struct row *r, const struct vhv_view *view)
{
	bool ok = r->rates;

	if (view->counters) {
		/* the same JSON keys as with rates, null */
		pr_float(PR_JSON, "run_pct", NULL, NAN);
		pr_float(PR_JSON, "ready_pct", NULL, NAN);
		pr_float(PR_JSON, "wait_pct", NULL, NAN);
		pr_float(PR_JSON, "idle_pct", NULL, NAN);
		pr_float(PR_JSON, "swpwt_pct", NULL, NAN);
		pr_float(PR_JSON, "guest_pct", NULL, NAN);
		pr_col_float(PR_TEXT, NULL, "READY", SEC_W, 3, r->ready_ns / 1e9);
		pr_col_float(PR_TEXT, NULL, "RUN", SEC_W, 3, r->run_ns / 1e9);
		pr_col_float(PR_TEXT, NULL, "GUEST", SEC_W, 3, r->guest_ns / 1e9);
		pr_col_float(PR_TEXT, NULL, "HALT", SEC_W, 3, r->halt_ns / 1e9);
		pr_col_float(PR_TEXT, NULL, "SWPWT", SEC_W, 3, r->swap_wait_ns / 1e9);
		pr_col_u64(PR_TEXT, NULL, "EXITS", 11, r->exits);
		pr_col_u64(PR_TEXT, NULL, "MAJFLT", 8, r->majflt);
	} else {
		pr_col_float(PR_ANY, "run_pct", "%RUN", PCT_W, 1, nan_unless(ok, r->run));
		pr_col_float(PR_ANY, "ready_pct", "%RDY", PCT_W, 1, nan_unless(ok, r->rdy));
		pr_col_float(PR_ANY, "wait_pct", "%WAIT", PCT_W, 1, nan_unless(ok, r->wait));
		pr_col_float(PR_ANY, "idle_pct", "%IDLE", PCT_W, 1, nan_unless(ok, r->idle));
		pr_col_float(PR_ANY, "swpwt_pct", "%SWPWT", PCT_W, 1, nan_unless(ok, r->swpwt));
		pr_col_float(PR_ANY, "guest_pct", "%GST", PCT_W, 1, nan_unless(ok, r->gst));
	}
	if (view->counters) {
		/* the lifetime high-water mark: a counter */
		pr_col_float(PR_ANY, "ready_max_ms", "RDYMAX", 7, 1, r->ready_max_ns / 1e6);
		pr_str(PR_JSON, "ready_episodes", NULL, NULL);
		pr_float(PR_JSON, "ready_p50_ms", NULL, NAN);
		pr_float(PR_JSON, "ready_p99_ms", NULL, NAN);
		pr_float(PR_JSON, "ready_top_ms", NULL, NAN);
	} else {
		/* the interval's, from the histogram: bucket bounds, ms */
		bool q = ok && r->q && r->q->episodes;

		pr_col_float(PR_TEXT, NULL, "RDY50", 7, 2, nan_unless(q, q ? r->q->p50_ms : 0));
		pr_col_float(PR_TEXT, NULL, "RDY99", 7, 2, nan_unless(q, q ? r->q->p99_ms : 0));
		pr_col_float(PR_TEXT, NULL, "RDYMX", 7, 2, nan_unless(q, q ? r->q->top_ms : 0));
		pr_float(PR_JSON, "ready_max_ms", NULL, r->ready_max_ns / 1e6);
		if (ok && r->q)
			pr_u64(PR_JSON, "ready_episodes", NULL, r->q->episodes);
		else
			pr_str(PR_JSON, "ready_episodes", NULL, NULL);
		pr_float(PR_JSON, "ready_p50_ms", NULL, nan_unless(q, q ? r->q->p50_ms : 0));
		pr_float(PR_JSON, "ready_p99_ms", NULL, nan_unless(q, q ? r->q->p99_ms : 0));
		pr_float(PR_JSON, "ready_top_ms", NULL, nan_unless(q, q ? r->q->top_ms : 0));
	}
}

static void sum_counters(struct row *r, const struct vhv_vcpu *v)
{
	r->ready_ns += v->ready_ns;
	r->run_ns += v->run_ns;
	r->guest_ns += v->guest_ns;
	r->halt_ns += v->halt_ns;
	r->swap_wait_ns += v->swap_wait_ns;
	r->exits += v->exits;
	r->majflt += v->majflt;
}

/*
 * STATE of a VM row: the module's status, but a VM whose every vCPU is
 * stalled reads STALL, in capitals like a stalled vCPU's state, so that
 * the worst case stands out in a column of lower-case words.
 */
static const char *vm_state_text(enum vhv_vm_status st)
{
	static const char *const text[VHV_VM_STATUS_MAX] = {
		[VHV_VM_OK] = "ok",
		[VHV_VM_DEGRADED] = "degraded",
		[VHV_VM_STALLED] = "STALL",
		[VHV_VM_PAUSED] = "paused",
	};

	return st < VHV_VM_STATUS_MAX ? text[st] : "?";
}

/* STATE of a vCPU row: its state, in capitals while it is stalled. */
static void vcpu_state_text(const struct vhv_vcpu *v, char *buf, size_t len)
{
	const char *name = v->state < VHV_ST_MAX ? vhv_vcpu_state_names[v->state] : "?";
	size_t i;

	for (i = 0; name[i] && i + 1 < len; i++)
		buf[i] = v->stalled ? (char)toupper((unsigned char)name[i]) : name[i];
	buf[i] = '\0';
}

static void vcpu_row(const struct vhv_vcpu_fig *fv, const struct vhv_view *view)
{
	const struct vhv_vcpu *v = fv->v;
	struct row r = {
		.rates = fv->rates, .run = fv->run, .rdy = fv->rdy,
		.wait = fv->wait, .idle = fv->idle, .swpwt = fv->swpwt,
		.gst = fv->gst, .ready_max_ns = v->ready_max_ns, .q = &fv->q,
	};
	char id[48], state[16];

	sum_counters(&r, v);
	vcpu_state_text(v, state, sizeof(state));
	snprintf(id, sizeof(id), "%" PRIu64 ".%" PRIu64, v->vm, v->idx);
	pr_col_str(PR_TEXT, NULL, "ID", 7, id);
	pr_u64(PR_JSON, "idx", NULL, v->idx);
	pr_u64(PR_JSON, "vcpu_id", NULL, v->vcpu_id);
	pr_col_str(PR_TEXT, NULL, "NAME", NAME_W, "");
	pr_col_u64(PR_ANY, "tid", "PID", 8, v->tid);
	pr_col_str(PR_TEXT, NULL, "NVCPU", 5, "");
	cpu_columns(&r, view);
	pr_col_str(PR_TEXT, NULL, "MEMSZ", 7, "");
	pr_col_str(PR_TEXT, NULL, "SWCUR", 7, "");
	if (!view->counters)
		pr_col_str(PR_TEXT, NULL, "MJF/s", MJF_W, "");
	pr_col_str(PR_TEXT, NULL, "HBEAT", 6, "");
	pr_col_str(PR_TEXT, NULL, "STATE", STATE_W, state);
	pr_eol();

	{
		bool ok = fv->rates && !view->counters;

		pr_float(PR_JSON, "exits_per_s", NULL, nan_unless(ok, fv->exits_ps));
		pr_float(PR_JSON, "preemptions_per_s", NULL,
			 nan_unless(ok, fv->preempt_ps));
		pr_float(PR_JSON, "majflt_per_s", NULL, nan_unless(ok, fv->majflt_ps));
		pr_float(PR_JSON, "swapin_delay_pct", NULL, nan_unless(ok, fv->swpda));
	}
	pr_bool(PR_JSON, "delayacct", NULL, fv->delayacct);
	pr_u64(PR_JSON, "ready_ns", NULL, v->ready_ns);
	pr_u64(PR_JSON, "run_ns", NULL, v->run_ns);
	pr_u64(PR_JSON, "guest_ns", NULL, v->guest_ns);
	pr_u64(PR_JSON, "halt_ns", NULL, v->halt_ns);
	pr_u64(PR_JSON, "exits", NULL, v->exits);
	pr_u64(PR_JSON, "preemptions", NULL, v->preemptions);
	pr_u64(PR_JSON, "ready_max_ns", NULL, v->ready_max_ns);
	pr_u64(PR_JSON, "swap_wait_ns", NULL, v->swap_wait_ns);
	pr_i64(PR_JSON, "swapin_delay_ns", NULL, v->swapin_delay_ns);
	pr_u64(PR_JSON, "majflt", NULL, v->majflt);
	pr_str(PR_JSON, "state", NULL, vhv_vcpu_state_names[v->state]);
	pr_u64(PR_JSON, "state_ms", NULL, v->state_ms);
	pr_bool(PR_JSON, "stalled", NULL, v->stalled);
	pr_u64(PR_JSON, "stall_count", NULL, v->stall_count);
}

static void append(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Append to the string in @buf, cut at @size like snprintf(). */
static void append(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

/*
 * A VM's "stolen" object: the classes' cumulative ns, their growth as % of
 * the interval (null without a baseline, and with -s), and by_vm with the
 * names of the VMs still in the snapshot; null when the module gave no
 * stolen line, never zeros.
 */
static void stolen_json(const struct vhv_figures *f, const struct vhv_vm_fig *fm,
			const struct vhv_view *view)
{
	const struct vhv_vm *vm = fm->vm;
	bool ok = fm->stolen_rates && !view->counters;
	char key[32];
	size_t i;

	if (!vm->has_stolen) {
		pr_str(PR_JSON, "stolen", NULL, NULL);
		return;
	}
	pr_open_object("stolen");
	for (i = 0; i < VHV_STOLEN_MAX; i++) {
		snprintf(key, sizeof(key), "%s_ns", vhv_stolen_names[i]);
		pr_u64(PR_JSON, key, NULL, vm->stolen.ns[i]);
	}
	for (i = 0; i < VHV_STOLEN_MAX; i++) {
		snprintf(key, sizeof(key), "%s_pct", vhv_stolen_names[i]);
		pr_float(PR_JSON, key, NULL, nan_unless(ok, fm->stolen[i]));
	}
	pr_open_array("by_vm");
	for (i = 0; i < vm->stolen.by_vm.n; i++) {
		const struct vhv_culprit *e = &vm->stolen.by_vm.e[i];
		const struct vhv_vm *c = vhv_snapshot_find_vm(f->cur, e->vm);

		pr_open_object(NULL);
		pr_u64(PR_JSON, "id", NULL, e->vm);
		pr_str(PR_JSON, "name", NULL, c ? c->name : NULL);
		pr_str(PR_JSON, "uuid", NULL, c ? c->uuid : NULL);
		pr_u64(PR_JSON, "ns", NULL, e->ns);
		pr_float(PR_JSON, "pct", NULL, nan_unless(ok, fm->by_vm_pct[i]));
		pr_close_object();
	}
	pr_close_array();
	pr_close_object();
}

/* A VM's id, its NAME column, and its names in JSON. */
static void vm_ident_columns(const struct vhv_vm *vm)
{
	char name[VHV_IDENT_MAX];

	pr_col_u64(PR_ANY, "id", "ID", 7, vm->id);
	pr_col_str(PR_TEXT, NULL, "NAME", NAME_W, pr_cut_name(vm->name, -NAME_W, name, sizeof(name)));
	pr_str(PR_JSON, "name", NULL, vm->name);
	pr_str(PR_JSON, "uuid", NULL, vm->uuid);
	pr_str(PR_JSON, "vmid", NULL, vm->vmid);
	pr_str(PR_JSON, "machine", NULL, vm->machine);
}

static void vm_row(const struct vhv_figures *f, const struct vhv_vm_fig *fm,
		   const struct vhv_view *view)
{
	const struct vhv_vm *vm = fm->vm;
	struct row r = {
		.rates = fm->rates, .run = fm->run, .rdy = fm->rdy,
		.wait = fm->wait, .idle = fm->idle, .swpwt = fm->swpwt,
		.gst = fm->gst, .ready_max_ns = fm->ready_max_ns, .q = &fm->q,
	};
	size_t i;

	for (i = 0; i < vm->n_vcpus; i++)
		sum_counters(&r, &vm->vcpus[i]);
	vm_ident_columns(vm);
	pr_col_u64(PR_ANY, "pid", "PID", 8, vm->pid);
	pr_col_u64(PR_ANY, "nr_vcpus", "NVCPU", 5, vm->nr_vcpus);
	cpu_columns(&r, view);
	pr_col_float(PR_ANY, "memsz_mib", "MEMSZ", 7, 0, vm->mem_bytes / MIB);
	pr_col_float(PR_ANY, "swcur_mib", "SWCUR", 7, 1, vm->swap_bytes / MIB);
	if (!view->counters)
		pr_col_float(PR_ANY, "majflt_per_s", "MJF/s", MJF_W, 1,
			     nan_unless(fm->rates, fm->majflt_ps));
	else
		pr_float(PR_JSON, "majflt_per_s", NULL, NAN);
	pr_col_float(PR_TEXT, NULL, "HBEAT", 6, 1, vm->heartbeat_ms / 1e3);
	pr_col_str(PR_TEXT, NULL, "STATE", STATE_W, vm_state_text(vm->status));
	pr_eol();

	pr_float(PR_JSON, "ready_pct_worst", NULL, nan_unless(!view->counters, fm->rdy_worst));
	pr_float(PR_JSON, "ready_pct_avg", NULL, nan_unless(!view->counters, fm->rdy_avg));
	pr_str(PR_JSON, "status", NULL, vhv_vm_status_names[vm->status]);
	pr_bool(PR_JSON, "stalled", NULL, vm->stalled);
	pr_u64(PR_JSON, "stalled_vcpus", NULL, vm->stalled_vcpus);
	pr_u64(PR_JSON, "stall_count", NULL, vm->stall_count);
	pr_u64(PR_JSON, "pause_count", NULL, vm->pause_count);
	pr_u64(PR_JSON, "heartbeat_ms", NULL, vm->heartbeat_ms);
	pr_str(PR_JSON, "cgroup", NULL, vm->cgroup);
	pr_u64(PR_JSON, "mem_bytes", NULL, vm->mem_bytes);
	pr_u64(PR_JSON, "swap_bytes", NULL, vm->swap_bytes);
	pr_u64(PR_JSON, "majflt", NULL, vm->majflt);
	pr_u64(PR_JSON, "swap_wait_ns", NULL, vm->swap_wait_ns);
	pr_i64(PR_JSON, "mem_pressure_some_us", NULL, vm->mem_pressure_some_us);
	pr_i64(PR_JSON, "mem_pressure_full_us", NULL, vm->mem_pressure_full_us);
	pr_float(PR_JSON, "mem_pressure_some_pct", NULL,
		 nan_unless(fm->rates && !view->counters, fm->mps_some));
	pr_float(PR_JSON, "mem_pressure_full_pct", NULL,
		 nan_unless(fm->rates && !view->counters, fm->mps_full));
	stolen_json(f, fm, view);
}

/* A culprit's name for a text column: its NAME, else vm<id>. */
static const char *culprit_name(const struct vhv_figures *f, uint64_t id,
				char *buf, size_t size)
{
	const struct vhv_vm *c = vhv_snapshot_find_vm(f->cur, id);

	if (c && c->name)
		return pr_cut_name(c->name, -NAME_W, buf, size);
	snprintf(buf, size, "vm%" PRIu64, id);
	return buf;
}

/*
 * CULPRITS: the other VMs that took the most, "web2 61%,db1 9%,vm7 0.4%":
 * their share of the interval (a decimal under 1 %, so none reads 0 %),
 * with -s their seconds; NULL ("-") when there is none.
 */
static const char *culprits_text(const struct vhv_figures *f,
				 const struct vhv_vm_fig *fm,
				 const struct vhv_view *view, char *buf, size_t size)
{
	const struct vhv_culprits *l = &fm->vm->stolen.by_vm;
	char name[VHV_IDENT_MAX];
	size_t i, n;

	buf[0] = '\0';
	n = view->counters ? l->n : fm->n_culprits;
	for (i = 0; i < n && i < CULPRITS_SHOWN; i++) {
		unsigned int k = view->counters ? (unsigned int)i : fm->culprits[i];
		const char *sep = i ? "," : "";
		double pct = fm->by_vm_pct[k];
		const char *who = culprit_name(f, l->e[k].vm, name, sizeof(name));

		if (view->counters)
			append(buf, size, "%s%s %.2fs", sep, who, l->e[k].ns / 1e9);
		else
			append(buf, size, pct >= 0.95 ? "%s%s %.0f%%" : "%s%s %.1f%%",
			       sep, who, pct);
	}
	return buf[0] ? buf : NULL;
}

/*
 * A row of the stolen report: the VM's %RDY (as in the vm report) and how
 * it splits by who held the CPU, in % of the interval (-s: seconds).
 */
static void stolen_row(const struct vhv_figures *f, const struct vhv_vm_fig *fm,
		       const struct vhv_view *view)
{
	static const char *const head[VHV_STOLEN_MAX] = {
		[VHV_STOLEN_SAME_VM] = "SAME",
		[VHV_STOLEN_OTHER_VMS] = "VMS",
		[VHV_STOLEN_KSWAPD] = "KSWAPD",
		[VHV_STOLEN_KSMD] = "KSMD",
		[VHV_STOLEN_VHOST] = "VHOST",
		[VHV_STOLEN_KWORKER] = "KWORKER",
		[VHV_STOLEN_KTHREAD] = "KTHREAD",
		[VHV_STOLEN_PROCESS] = "PROC",
		[VHV_STOLEN_UNATTRIBUTED] = "UNATTR",
	};
	const struct vhv_vm *vm = fm->vm;
	char list[CULPRITS_SHOWN * (VHV_IDENT_MAX + 16)];
	uint64_t ready_ns = 0;
	size_t i;

	for (i = 0; i < vm->n_vcpus; i++)
		ready_ns += vm->vcpus[i].ready_ns;
	vm_ident_columns(vm);
	pr_u64(PR_JSON, "pid", NULL, vm->pid);
	pr_u64(PR_JSON, "nr_vcpus", NULL, vm->nr_vcpus);
	if (view->counters) {
		pr_float(PR_JSON, "ready_pct", NULL, NAN);
		pr_col_float(PR_TEXT, NULL, "READY", SEC_W, 3, ready_ns / 1e9);
		for (i = 0; i < VHV_STOLEN_MAX; i++)
			pr_col_float(PR_TEXT, NULL, head[i], SEC_W, 3,
				     nan_unless(vm->has_stolen, vm->stolen.ns[i] / 1e9));
	} else {
		pr_col_float(PR_ANY, "ready_pct", "%RDY", PCT_W, 1, nan_unless(fm->rates, fm->rdy));
		for (i = 0; i < VHV_STOLEN_MAX; i++)
			pr_col_float(PR_TEXT, NULL, head[i], PCT_W, 1, fm->stolen[i]);
	}
	pr_u64(PR_JSON, "ready_ns", NULL, ready_ns);
	pr_col_str(PR_TEXT, NULL, "CULPRITS", -8,
		   culprits_text(f, fm, view, list, sizeof(list)));
	pr_eol();
	stolen_json(f, fm, view);
}

static void host_line(const struct vhv_figures *f, const struct vhv_view *view)
{
	const struct vhv_host *h = &f->cur->host;
	double vr = h->nr_cpus ? (double)h->nr_vcpus / h->nr_cpus : NAN;
	double oc = h->ram_bytes ? (double)h->guest_mem_bytes / h->ram_bytes : NAN;

	pr_open_object("host");
	pr_u64(PR_ANY, "nr_vms", "host: VMs %" PRIu64, h->nr_vms);
	pr_u64(PR_ANY, "nr_vcpus", ", vCPUs %" PRIu64, h->nr_vcpus);
	pr_u64(PR_ANY, "nr_cpus", " on %" PRIu64 " CPUs", h->nr_cpus);
	pr_float(PR_ANY, "vcpu_ratio", " (%.2f/CPU)", vr);
	pr_float(PR_ANY, "guest_mem_mib", ", guest memory %.0f", h->guest_mem_bytes / MIB);
	pr_float(PR_ANY, "ram_mib", " of %.0f MiB RAM", h->ram_bytes / MIB);
	pr_float(PR_ANY, "mem_overcommit", " (%.2f)", oc);
	pr_eol();
	pr_u64(PR_JSON, "guest_mem_bytes", NULL, h->guest_mem_bytes);
	pr_u64(PR_JSON, "ram_bytes", NULL, h->ram_bytes);
	pr_u64(PR_ANY, "nr_stalled", "      stalled VMs %" PRIu64, f->n_stalled);
	if (!view->counters && f->rates) {
		pr_float(PR_ANY, "ready_pct_avg", ", %%RDY per vCPU avg %.1f", f->rdy_avg);
		pr_float(PR_ANY, "ready_pct_max", " max %.1f", f->rdy_max);
	} else {
		pr_float(PR_JSON, "ready_pct_avg", NULL, NAN);
		pr_float(PR_JSON, "ready_pct_max", NULL, NAN);
	}
	if (f->rates)
		pr_float(PR_TEXT, NULL, ", interval %.2f s", f->dt_s);
	pr_u64(PR_JSON, "stall_threshold_ms", NULL, h->stall_threshold_ms);
	pr_eol();
	pr_close_object();
}

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void note(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pr_str(PR_ANY, NULL, "note: %s\n", buf);
}

/*
 * "1.0 ready for 6.2 s, 1.3 vmm, ..." for the stalled vCPUs of @vm: which
 * ones, and what holds them. A state_ms of 0 is a state newer than the
 * module's last look, without a time yet.
 */
static void stalled_list(const struct vhv_vm *vm, char *buf, size_t size)
{
	size_t i, named = 0, more = 0;

	buf[0] = '\0';
	for (i = 0; i < vm->n_vcpus; i++) {
		const struct vhv_vcpu *v = &vm->vcpus[i];

		if (!v->stalled)
			continue;
		if (named == NOTE_VCPUS) {
			more++;
			continue;
		}
		append(buf, size, "%s%" PRIu64 ".%" PRIu64 " %s", named ? ", " : "",
		       vm->id, v->idx, vhv_vcpu_state_names[v->state]);
		if (v->state_ms)
			append(buf, size, " for %.1f s", v->state_ms / 1e3);
		named++;
	}
	if (more)
		append(buf, size, " and %zu more", more);
}

static void vm_note(const struct vhv_vm *vm, uint64_t stall_ms)
{
	char list[320], count[48];

	switch (vm->status) {
	case VHV_VM_DEGRADED:
	case VHV_VM_STALLED:
		if (vm->status == VHV_VM_STALLED)
			snprintf(count, sizeof(count), "all %" PRIu64, vm->nr_vcpus);
		else
			snprintf(count, sizeof(count), "%" PRIu64 " of %" PRIu64,
				 vm->stalled_vcpus, vm->nr_vcpus);
		stalled_list(vm, list, sizeof(list));
		note("VM %" PRIu64 "%s%s (pid %" PRIu64 ") %s: %s vCPUs stalled (should run, no guest entry for stall_ms %" PRIu64 "): %s",
		     vm->id, vm->name ? " " : "", vm->name ? vm->name : "",
		     vm->pid, vhv_vm_status_names[vm->status], count,
		     stall_ms, list[0] ? list : "-");
		break;
	case VHV_VM_PAUSED:
		note("VM %" PRIu64 "%s%s (pid %" PRIu64 ") paused: all its vCPUs left KVM together and stay in the VMM (QEMU stop, virsh suspend, end of a migration); heartbeat %.1f s old",
		     vm->id, vm->name ? " " : "", vm->name ? vm->name : "",
		     vm->pid, vm->heartbeat_ms / 1e3);
		break;
	default:
		break;
	}
}

static void notes(const struct vhv_figures *f, const struct vhv_view *view)
{
	const struct vhv_snapshot *s = f->cur;
	size_t i;

	pr_open_array("notes");
	for (i = 0; i < s->n_vms; i++)
		vm_note(&s->vms[i], s->host.stall_threshold_ms);
	if (f->n_nodelayacct && view->obj != VHV_OBJ_HOST && view->obj != VHV_OBJ_STOLEN)
		note("%zu vCPU(s) have no delay accounting (swapin_delay_ns=-1): %%SWPWT is vhv's own swap_wait; for the delay-accounting figure set 'sysctl kernel.task_delayacct=1' before the VMM starts",
		     f->n_nodelayacct);
	if (f->n_nostolen && view->obj == VHV_OBJ_STOLEN)
		note("%zu VM(s) without stolen-by figures: the vhv module does not attribute their ready time (older than noisy-neighbour attribution), so their columns show -",
		     f->n_nostolen);
	if (!view->counters && !f->rates)
		note("one snapshot only: no rates");
	pr_close_array();
}

static const struct vhv_figures *sort_figs;

static int by_ready(const void *a, const void *b)
{
	const struct vhv_vm_fig *x = &sort_figs->vms[*(const size_t *)a];
	const struct vhv_vm_fig *y = &sort_figs->vms[*(const size_t *)b];

	if (x->rdy != y->rdy)
		return x->rdy < y->rdy ? 1 : -1;
	return x->vm->id < y->vm->id ? -1 : x->vm->id > y->vm->id;
}

static void vm_table(const struct vhv_figures *f, const struct vhv_view *view)
{
	const struct vhv_vm_fig none = { .vm = &(struct vhv_vm){ 0 } };
	size_t n = f->cur->n_vms, i, j, *order;

	order = malloc((n ? n : 1) * sizeof(*order));
	for (i = 0; order && i < n; i++)
		order[i] = i;
	if (order && view->sort_ready) {
		sort_figs = f;
		qsort(order, n, sizeof(*order), by_ready);
	}

	pr_header(true);
	vm_row(f, &none, view);
	pr_header(false);

	pr_open_array("vms");
	for (i = 0; i < n; i++) {
		const struct vhv_vm_fig *fm = &f->vms[order ? order[i] : i];

		pr_open_object(NULL);
		vm_row(f, fm, view);
		if (view->obj == VHV_OBJ_VCPU) {
			pr_open_array("vcpus");
			for (j = 0; j < fm->vm->n_vcpus; j++) {
				pr_open_object(NULL);
				vcpu_row(&fm->vcpus[j], view);
				pr_close_object();
			}
			pr_close_array();
		}
		pr_close_object();
	}
	pr_close_array();
	free(order);
}

static void stolen_table(const struct vhv_figures *f, const struct vhv_view *view)
{
	const struct vhv_vm_fig none = { .vm = &(struct vhv_vm){ 0 } };
	size_t i;

	pr_header(true);
	stolen_row(f, &none, view);
	pr_header(false);

	pr_open_array("vms");
	for (i = 0; i < f->cur->n_vms; i++) {
		pr_open_object(NULL);
		stolen_row(f, &f->vms[i], view);
		pr_close_object();
	}
	pr_close_array();
}

static const char *object_name(enum vhv_object obj)
{
	static const char *const names[] = {
		[VHV_OBJ_HOST] = "host",
		[VHV_OBJ_VM] = "vm",
		[VHV_OBJ_VCPU] = "vcpu",
		[VHV_OBJ_STOLEN] = "stolen",
	};

	return names[obj];
}

void vhv_show(const struct vhv_figures *f, const struct vhv_view *view)
{
	char stamp[48];

	pr_open_object(NULL);
	pr_u64(PR_JSON, "schema", NULL, VHVSTAT_JSON_SCHEMA);
	pr_str(PR_JSON, "timestamp", NULL, pr_rfc3339(f->cur->wall_ns, stamp, sizeof(stamp)));
	pr_str(PR_JSON, "hostname", NULL, view->hostname);
	pr_str(PR_JSON, "object", NULL, object_name(view->obj));
	pr_bool(PR_JSON, "counters", NULL, view->counters);
	pr_u64(PR_JSON, "time_ns", NULL, f->cur->time_ns);
	pr_float(PR_JSON, "interval_s", NULL, f->rates ? f->dt_s : NAN);
	host_line(f, view);
	if (view->obj == VHV_OBJ_STOLEN)
		stolen_table(f, view);
	else if (view->obj != VHV_OBJ_HOST)
		vm_table(f, view);
	notes(f, view);
	pr_close_object();
	pr_flush();
}
