// SPDX-License-Identifier: GPL-2.0
/*
 * prom.c - Prometheus text exposition of one snapshot
 *
 * One table lists every metric family; a family is printed whole (HELP,
 * TYPE, then one sample per host, VM or vCPU) so samples of a family stay
 * together as the format requires. Times are printed in seconds with the
 * exact decimal digits of the nanosecond counter, not through a double.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prom.h"

enum scope { S_HOST, S_VM, S_VCPU };

enum unit {
	U_NUM,		/* uint64_t as is */
	U_NS,		/* uint64_t ns, printed as seconds */
	U_US,		/* uint64_t us, printed as seconds */
	U_MS,		/* uint64_t ms, printed as seconds */
	U_OPT_NS,	/* int64_t ns, no sample when -1 (VHV_NA) */
	U_OPT_US,	/* int64_t us, no sample when -1 */
	U_BOOL,		/* bool, 0 or 1 */
	U_DELAYACCT,	/* 1 if swapin_delay_ns != -1 */
	U_INFO,		/* constant 1, identity in the labels */
	U_PAUSED,	/* enum vhv_vm_status, 1 if VHV_VM_PAUSED */
	U_STATE,	/* constant 1, enum vhv_vcpu_state in a "state" label */
	U_HBTIME,	/* heartbeat_ms as the wall time of the heartbeat, */
			/* seconds since the epoch; only for a live snapshot */
	U_HIST,		/* the ready histogram (whole family below) */
	U_STOLEN,	/* struct vhv_stolen: a series per class, "by" label */
	U_STOLEN_BY_VM,	/* its by_vm: a series per culprit, PROM_CULPRITS at most */
};

/* Culprit VMs with a series of their own, per VM: the cardinality bound. */
#define PROM_CULPRITS	3

struct family {
	enum scope scope;
	const char *name;
	const char *type;
	enum unit unit;
	size_t off;
	const char *help;
};

#define HOST(n, t, u, f, h)	{ S_HOST, n, t, u, offsetof(struct vhv_host, f), h }
#define VM(n, t, u, f, h)	{ S_VM, n, t, u, offsetof(struct vhv_vm, f), h }
#define VCPU(n, t, u, f, h)	{ S_VCPU, n, t, u, offsetof(struct vhv_vcpu, f), h }

static const struct family families[] = {
	HOST("vhv_host_vms", "gauge", U_NUM, nr_vms, "VMs vhv tracks."),
	HOST("vhv_host_vcpus", "gauge", U_NUM, nr_vcpus, "vCPUs vhv tracks."),
	HOST("vhv_host_guest_memory_bytes", "gauge", U_NUM, guest_mem_bytes,
	     "Memory of all tracked VMs (their memory slots); the host's RAM is node_exporter's node_memory_MemTotal_bytes."),
	HOST("vhv_host_untracked_vcpus", "gauge", U_NUM, untracked_vcpus,
	     "vCPUs vhv does not track now (past max_vcpus or max_vms, or out of memory)."),
	HOST("vhv_host_track_failures_total", "counter", U_NUM, track_failures,
	     "Tries to track a vCPU that failed."),
	HOST("vhv_host_stall_threshold_seconds", "gauge", U_MS, stall_threshold_ms,
	     "Time without a guest entry that makes a vCPU that should run stalled (stall_ms)."),

	VM("vhv_vm_info", "gauge", U_INFO, id,
	   "VM identity: vhv's id, pid, Proxmox vmid, machine scope and cgroup; always 1."),
	VM("vhv_vm_vcpus", "gauge", U_NUM, nr_vcpus, "vCPUs of the VM (NVCPU)."),
	VM("vhv_vm_ready_wait_seconds", "histogram", U_HIST, id,
	   "Ready episodes of the VM's vCPUs by length; _sum is all their ready time."),
	VM("vhv_vm_ready_stolen_seconds_total", "counter", U_STOLEN, stolen,
	   "Ready time of the VM's vCPUs (exited ones included) by who held the CPU, in the by label: same_vm (another vCPU of the VM), other_vms, kswapd, ksmd, vhost, kworker, kthread, process (other host threads), unattributed; absent from a module without noisy-neighbour attribution."),
	VM("vhv_vm_ready_stolen_by_vm_seconds_total", "counter", U_STOLEN_BY_VM, stolen,
	   "Part of other_vms taken by each of the 3 other VMs that took the most (culprit_name, vm<id> for a VM gone or without a name; culprit_uuid; culprit_pid where name and uuid do not tell it apart); absent from a module without noisy-neighbour attribution."),
	VM("vhv_vm_memory_bytes", "gauge", U_NUM, mem_bytes,
	   "Guest memory of the VM, its user memory slots (MEMSZ)."),
	VM("vhv_vm_swap_bytes", "gauge", U_NUM, swap_bytes,
	   "Swapped-out anonymous memory of the VMM process (SWCUR, VmSwap)."),
	VM("vhv_vm_major_faults_total", "counter", U_NUM, majflt,
	   "Major faults of the VM's vCPU threads, exited ones included (MJF/s source): synchronous swap-ins, file-backed reads and faults retried with FAULT_FLAG_TRIED; not the async page faults KVM's kworkers take."),
	VM("vhv_vm_swap_wait_seconds_total", "counter", U_NS, swap_wait_ns,
	   "Time the VM's vCPUs were blocked in I/O wait inside KVM_RUN (%SWPWT source)."),
	VM("vhv_vm_heartbeat_age_seconds", "gauge", U_MS, heartbeat_ms,
	   "Age of the VM's last vCPU heartbeat."),
	VM("vhv_vm_last_heartbeat_timestamp_seconds", "gauge", U_HBTIME, heartbeat_ms,
	   "When a vCPU of the VM last entered the guest, seconds since the epoch (live snapshots only)."),
	VM("vhv_vm_async_page_faults_total", "counter", U_NUM, apf_faults,
	   "KVM's async page faults of the VM's vCPUs: pages a kworker swapped in while the vCPU waited or ran on."),
	VM("vhv_vm_async_page_fault_wait_seconds_total", "counter", U_NS, apf_wait_ns,
	   "Time from KVM's 'page not present' to 'page ready', summed over the VM's async page faults."),
	VM("vhv_vm_async_page_fault_max_seconds", "gauge", U_NS, apf_max_ns,
	   "Longest single async page fault of the VM."),
	VM("vhv_vm_stalled", "gauge", U_BOOL, stalled,
	   "1 while at least one vCPU of the VM is stalled (status degraded or stalled)."),
	VM("vhv_vm_stalled_vcpus", "gauge", U_NUM, stalled_vcpus,
	   "vCPUs of the VM stalled now."),
	VM("vhv_vm_stalls_total", "counter", U_NUM, stall_count,
	   "Episodes of the VM having a stalled vCPU."),
	VM("vhv_vm_paused", "gauge", U_PAUSED, status,
	   "1 while the VM is paused: every vCPU left KVM together and stays in the VMM."),
	VM("vhv_vm_memory_pressure_some_seconds_total", "counter", U_OPT_US,
	   mem_pressure_some_us,
	   "memory.pressure 'some' total of the VM's cgroup; absent in the root cgroup or without PSI."),
	VM("vhv_vm_memory_pressure_full_seconds_total", "counter", U_OPT_US,
	   mem_pressure_full_us,
	   "memory.pressure 'full' total of the VM's cgroup; absent in the root cgroup or without PSI."),

	VCPU("vhv_vcpu_info", "gauge", U_INFO, idx,
	     "vCPU identity (KVM vcpu_id, thread id); always 1."),
	VCPU("vhv_vcpu_state", "gauge", U_STATE, state,
	     "State of the vCPU thread in the state label (guest, kvm, ready, halted, swapwait, blocked, vmm, stopped); always 1."),
	VCPU("vhv_vcpu_stalled", "gauge", U_BOOL, stalled,
	     "1 while the vCPU is stalled: it should run and has not entered the guest for stall_ms."),
	VCPU("vhv_vcpu_ready_seconds_total", "counter", U_NS, ready_ns,
	     "Time the vCPU thread was runnable but waiting for a CPU (%RDY, run_delay, guest steal)."),
	VCPU("vhv_vcpu_run_seconds_total", "counter", U_NS, run_ns,
	     "CPU time of the vCPU thread (%RUN)."),
	VCPU("vhv_vcpu_guest_seconds_total", "counter", U_NS, guest_ns,
	     "Part of the CPU time spent in guest mode (%GST)."),
	VCPU("vhv_vcpu_halt_seconds_total", "counter", U_NS, halt_ns,
	     "Time the vCPU was halted waiting for a guest interrupt (%IDLE, KVM halt_wait_ns)."),
	VCPU("vhv_vcpu_swap_wait_seconds_total", "counter", U_NS, swap_wait_ns,
	     "Time blocked in I/O wait inside KVM_RUN, ready time excluded (%SWPWT)."),
	VCPU("vhv_vcpu_swapin_delay_seconds_total", "counter", U_OPT_NS, swapin_delay_ns,
	     "Delay accounting's swapin_delay; absent without kernel.task_delayacct=1 at VMM start."),
	VCPU("vhv_vcpu_delayacct", "gauge", U_DELAYACCT, swapin_delay_ns,
	     "1 if the vCPU thread has delay accounting."),
	VCPU("vhv_vcpu_ready_max_seconds", "gauge", U_NS, ready_max_ns,
	     "Longest single ready episode seen."),
	VCPU("vhv_vcpu_ready_wait_seconds", "histogram", U_HIST, ready_hist,
	     "Ready episodes of the vCPU by length; _sum is all its ready time (ready_ns)."),
	VCPU("vhv_vcpu_exits_total", "counter", U_NUM, exits, "VM exits (KVM exits stat)."),
	VCPU("vhv_vcpu_preemptions_total", "counter", U_NUM, preemptions,
	     "Preemptions while in guest (KVM preemption_reported + preemption_other)."),
	VCPU("vhv_vcpu_major_faults_total", "counter", U_NUM, majflt,
	     "Major faults of the vCPU thread (/proc stat field 12): synchronous swap-ins, file-backed reads and retried faults."),
};

static void label_value(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(out, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

/* Print the value of a sample whose name and labels are out already. */
static void value(FILE *out, const struct family *fm, const void *obj)
{
	const char *p = (const char *)obj + fm->off;
	uint64_t u = 0;
	int64_t d;
	bool b;

	switch (fm->unit) {
	case U_NUM:
	case U_NS:
	case U_US:
	case U_MS:
		memcpy(&u, p, sizeof(u));
		break;
	case U_OPT_NS:
	case U_OPT_US:
	case U_DELAYACCT:
		memcpy(&d, p, sizeof(d));
		if (fm->unit == U_DELAYACCT) {
			fprintf(out, " %d\n", d >= 0);
			return;
		}
		u = d < 0 ? 0 : (uint64_t)d;
		break;
	case U_BOOL:
		memcpy(&b, p, sizeof(b));
		fprintf(out, " %d\n", b);
		return;
	case U_PAUSED: {
		enum vhv_vm_status st;

		memcpy(&st, p, sizeof(st));
		fprintf(out, " %d\n", st == VHV_VM_PAUSED);
		return;
	}
	case U_INFO:
	case U_STATE:
		fputs(" 1\n", out);
		return;
	case U_HBTIME:
	case U_HIST:
	case U_STOLEN:
	case U_STOLEN_BY_VM:
		return;		/* sample() prints them */
	}
	switch (fm->unit) {
	case U_NS:
	case U_OPT_NS:
		fprintf(out, " %" PRIu64 ".%09" PRIu64 "\n", u / 1000000000, u % 1000000000);
		break;
	case U_US:
	case U_OPT_US:
		fprintf(out, " %" PRIu64 ".%06" PRIu64 "\n", u / 1000000, u % 1000000);
		break;
	case U_MS:
		fprintf(out, " %" PRIu64 ".%03" PRIu64 "\n", u / 1000, u % 1000);
		break;
	default:
		fprintf(out, " %" PRIu64 "\n", u);
	}
}

/*
 * Optional figures (-1: not available) have no sample at all, nor have a
 * VM's stolen-by figures when the module gave none.
 */
static bool present(const struct family *fm, const void *obj)
{
	int64_t d;

	if (fm->unit == U_STOLEN || fm->unit == U_STOLEN_BY_VM)
		return ((const struct vhv_vm *)obj)->has_stolen;
	if (fm->unit != U_OPT_NS && fm->unit != U_OPT_US)
		return true;
	memcpy(&d, (const char *)obj + fm->off, sizeof(d));
	return d >= 0;
}

/*
 * A VM's series are known by its name and uuid (ident.h), which outlive a
 * reload of the module, where vhv's own id does not. The pid is a label
 * too where they do not tell the VM apart: neither is known, or another
 * VM of the snapshot has the same pair.
 */
static void vm_labels(FILE *out, const struct vhv_vm *vm, bool pid)
{
	const char *sep = "";

	if (vm->name) {
		fputs("name=", out);
		label_value(out, vm->name);
		sep = ",";
	}
	if (vm->uuid) {
		fprintf(out, "%suuid=", sep);
		label_value(out, vm->uuid);
		sep = ",";
	}
	if (pid)
		fprintf(out, "%spid=\"%" PRIu64 "\"", sep, vm->pid);
}

static int strcmp_null(const char *a, const char *b)
{
	if (!a || !b)
		return !!a - !!b;
	return strcmp(a, b);
}

static const struct vhv_vm *sort_vms;

static int by_ident(const void *a, const void *b)
{
	const struct vhv_vm *x = &sort_vms[*(const size_t *)a];
	const struct vhv_vm *y = &sort_vms[*(const size_t *)b];
	int r = strcmp_null(x->name, y->name);

	return r ? r : strcmp_null(x->uuid, y->uuid);
}

/*
 * need_pid[i]: VM i needs its pid among its labels. Without memory for
 * the sort, every VM gets it (still unique).
 */
static bool *pid_labels(const struct vhv_snapshot *s)
{
	bool *need = calloc(s->n_vms ? s->n_vms : 1, sizeof(*need));
	size_t *order = malloc((s->n_vms ? s->n_vms : 1) * sizeof(*order));
	size_t i;

	if (!need || !order) {
		free(order);
		return need;
	}
	for (i = 0; i < s->n_vms; i++)
		order[i] = i;
	sort_vms = s->vms;
	qsort(order, s->n_vms, sizeof(*order), by_ident);
	for (i = 0; i < s->n_vms; i++) {
		const struct vhv_vm *vm = &s->vms[order[i]];

		if (!vm->name && !vm->uuid)
			need[order[i]] = true;
		if (i && !by_ident(&order[i - 1], &order[i]))
			need[order[i]] = need[order[i - 1]] = true;
	}
	free(order);
	return need;
}

/* vhv_vm_info: the rest of what tells the VM, empty where unknown. */
static void info_labels(FILE *out, const struct vhv_vm *vm)
{
	fprintf(out, ",id=\"%" PRIu64 "\",vmid=", vm->id);
	label_value(out, vm->vmid ? vm->vmid : "");
	fputs(",machine=", out);
	label_value(out, vm->machine ? vm->machine : "");
	fputs(",cgroup=", out);
	label_value(out, vm->cgroup ? vm->cgroup : "");
}

/*
 * The bucket bounds of the ready histograms, as exponents k of le = 2^k ns:
 * a subset of the module's log2 buckets (1 us to 8.6 s), finest where
 * scheduler slices are (1 to 17 ms), to keep 14 series per histogram.
 */
static const unsigned int hist_le[] = { 10, 13, 16, 18, 20, 21, 22, 23, 24, 26, 28, 30, 33 };

/* A time in ns as seconds, exact. */
static void secs(FILE *out, uint64_t ns)
{
	fprintf(out, "%" PRIu64 ".%09" PRIu64, ns / 1000000000, ns % 1000000000);
}

/*
 * @name_bucket, _sum and _count of one series: @labels (no braces) and the
 * module's counts; count 0 of the module is < 2^10 ns, count b is
 * [2^(b+9), 2^(b+10)), count 24 >= 2^33, so le = 2^k holds counts 0..k-10.
 */
static void histogram(FILE *out, const char *name, const char *labels,
		      const uint64_t *h, uint64_t sum_ns)
{
	uint64_t cum = 0;
	unsigned int b = 0, i;

	for (i = 0; i < sizeof(hist_le) / sizeof(hist_le[0]); i++) {
		for (; b <= hist_le[i] - 10; b++)
			cum += h[b];
		fprintf(out, "%s_bucket{%s,le=\"", name, labels);
		secs(out, 1ULL << hist_le[i]);
		fprintf(out, "\"} %" PRIu64 "\n", cum);
	}
	for (; b < VHV_HIST_BUCKETS; b++)
		cum += h[b];
	fprintf(out, "%s_bucket{%s,le=\"+Inf\"} %" PRIu64 "\n", name, labels, cum);
	fprintf(out, "%s_sum{%s} ", name, labels);
	secs(out, sum_ns);
	fprintf(out, "\n%s_count{%s} %" PRIu64 "\n", name, labels, cum);
}

/*
 * The by_vm series of @vm: its first PROM_CULPRITS entries (the most ns).
 * A culprit in the snapshot is labelled as its own series are: its name
 * and uuid, and its pid where @need_pid says they do not tell it apart; a
 * culprit that is gone, or has no name, is culprit_name="vm<id>". Labels
 * equal to an earlier culprit's (a VM named "vm7" and the gone VM 7) would
 * repeat a series: that culprit is left out.
 */
static void culprits(FILE *out, const struct family *fm, const struct vhv_snapshot *s,
		     const struct vhv_vm *vm, const char *labels, const bool *need_pid)
{
	const struct vhv_culprits *l = &vm->stolen.by_vm;
	char *cl[PROM_CULPRITS] = { NULL }, id[32];
	size_t i, j, n = 0, len;

	for (i = 0; i < l->n && n < PROM_CULPRITS; i++) {
		const struct vhv_vm *c = vhv_snapshot_find_vm(s, l->e[i].vm);
		FILE *m = open_memstream(&cl[n], &len);

		if (!m)
			break;
		snprintf(id, sizeof(id), "vm%" PRIu64, l->e[i].vm);
		fputs("culprit_name=", m);
		label_value(m, c && c->name ? c->name : id);
		fputs(",culprit_uuid=", m);
		label_value(m, c && c->uuid ? c->uuid : "");
		if (c && (!need_pid || need_pid[c - s->vms]))
			fprintf(m, ",culprit_pid=\"%" PRIu64 "\"", c->pid);
		fclose(m);
		for (j = 0; j < n && strcmp(cl[j], cl[n]); j++)
			;
		if (j < n) {
			free(cl[n]);
			cl[n] = NULL;
			continue;
		}
		fprintf(out, "%s{%s,%s} ", fm->name, labels, cl[n]);
		secs(out, l->e[i].ns);
		fputc('\n', out);
		n++;
	}
	for (j = 0; j < n; j++)
		free(cl[j]);
}

/* One sample (a histogram: its series) of @fm for @obj, with @labels. */
static void sample(FILE *out, const struct family *fm, const struct vhv_snapshot *s,
		   const struct vhv_vm *vm, const void *obj, const char *labels,
		   const bool *need_pid)
{
	size_t i;

	if (fm->unit == U_STOLEN) {
		for (i = 0; i < VHV_STOLEN_MAX; i++) {
			fprintf(out, "%s{%s,by=\"%s\"} ", fm->name, labels,
				vhv_stolen_names[i]);
			secs(out, vm->stolen.ns[i]);
			fputc('\n', out);
		}
		return;
	}
	if (fm->unit == U_STOLEN_BY_VM) {
		culprits(out, fm, s, vm, labels, need_pid);
		return;
	}
	if (fm->unit == U_HIST) {
		uint64_t h[VHV_HIST_BUCKETS] = { 0 }, sum = 0;
		size_t j, b;

		if (fm->scope == S_VCPU) {
			const struct vhv_vcpu *v = obj;

			histogram(out, fm->name, labels, v->ready_hist, v->ready_ns);
			return;
		}
		/* a VM's: its vCPUs' */
		for (j = 0; j < vm->n_vcpus; j++) {
			for (b = 0; b < VHV_HIST_BUCKETS; b++)
				h[b] += vm->vcpus[j].ready_hist[b];
			sum += vm->vcpus[j].ready_ns;
		}
		histogram(out, fm->name, labels, h, sum);
		return;
	}
	fprintf(out, "%s{%s}", fm->name, labels);
	if (fm->unit == U_HBTIME) {
		fputc(' ', out);
		secs(out, s->wall_ns - vm->heartbeat_ms * 1000000);
		fputc('\n', out);
		return;
	}
	value(out, fm, obj);
}

static void family(FILE *out, const struct family *fm,
		   const struct vhv_snapshot *s, const bool *need_pid)
{
	char *labels = NULL;
	size_t i, j, len = 0;
	FILE *l;

	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", fm->name, fm->help,
		fm->name, fm->type);
	if (fm->scope == S_HOST) {
		fputs(fm->name, out);
		value(out, fm, &s->host);
		return;
	}
	/* the wall time of a heartbeat is known for a live snapshot only */
	if (fm->unit == U_HBTIME && !s->wall_ns)
		return;
	for (i = 0; i < s->n_vms; i++) {
		const struct vhv_vm *vm = &s->vms[i];

		if (fm->scope == S_VM) {
			if (!present(fm, vm))
				continue;
			l = open_memstream(&labels, &len);
			if (!l)
				return;
			vm_labels(l, vm, fm->unit == U_INFO || !need_pid || need_pid[i]);
			if (fm->unit == U_INFO)
				info_labels(l, vm);
			fclose(l);
			sample(out, fm, s, vm, vm, labels, need_pid);
			free(labels);
			labels = NULL;
			continue;
		}
		for (j = 0; j < vm->n_vcpus; j++) {
			const struct vhv_vcpu *v = &vm->vcpus[j];

			if (!present(fm, v))
				continue;
			l = open_memstream(&labels, &len);
			if (!l)
				return;
			vm_labels(l, vm, !need_pid || need_pid[i]);
			fprintf(l, ",vcpu=\"%" PRIu64 "\"", v->idx);
			if (fm->unit == U_INFO)
				fprintf(l, ",vcpu_id=\"%" PRIu64 "\",tid=\"%" PRIu64 "\"",
					v->vcpu_id, v->tid);
			/* one series per vCPU: its state is a label, not a value */
			if (fm->unit == U_STATE)
				fprintf(l, ",state=\"%s\"", vhv_vcpu_state_names[v->state]);
			fclose(l);
			sample(out, fm, s, vm, v, labels, need_pid);
			free(labels);
			labels = NULL;
		}
	}
}

void vhv_prom_print(FILE *out, const struct vhv_snapshot *s)
{
	bool *need_pid;
	size_t i;

	fprintf(out, "# HELP vhv_up 1 if vhvstat read vhv's snapshot, 0 if it could not (module not loaded, no permission).\n"
		"# TYPE vhv_up gauge\nvhv_up %d\n", s != NULL);
	if (!s) {
		fflush(out);
		return;
	}
	need_pid = pid_labels(s);
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		family(out, &families[i], s, need_pid);
	free(need_pid);
	fflush(out);
}
