// SPDX-License-Identifier: GPL-2.0
/*
 * test_vhvstat.c - host-side unit tests of vhvstat (TAP 13)
 *
 *   test_vhvstat FIXTURE_DIR
 *
 * Parses the fixtures, feeds malformed snapshots that must be rejected,
 * checks the rate math against deltas chosen by hand (see
 * fixtures/two.snap), and checks what the text, JSON and Prometheus
 * printers produce, the vCPU states and VM statuses from
 * fixtures/states.snap among them. Exit status 0 when every test passed.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "figures.h"
#include "ident.h"
#include "print.h"
#include "prom.h"
#include "show.h"
#include "snapshot.h"
#include "source.h"

static int n_test, n_fail;

static void ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++n_test);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		n_fail++;
}

static int near(double a, double b)
{
	return fabs(a - b) < 1e-6;
}

static char *slurp(const char *dir, const char *name, size_t *len)
{
	char path[4096];
	char *buf;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (vhv_read_file(path, &buf, len)) {
		perror(path);
		exit(2);
	}
	return buf;
}

/* ------------------------------------------------------------- parsing */

/* Two snapshots from one fixture file, named from their cgroups (ident.h). */
static void parse_two(const char *dir, const char *file, struct vhv_snapshot s[2])
{
	struct vhv_parser p;
	char err[256] = "";
	size_t len;
	char *buf = slurp(dir, file, &len);

	vhv_parser_init(&p, file, buf, len);
	if (vhv_snapshot_next(&p, &s[0], err, sizeof(err)) != 1 ||
	    vhv_snapshot_next(&p, &s[1], err, sizeof(err)) != 1 ||
	    vhv_ident_snapshot(&s[0], NULL) || vhv_ident_snapshot(&s[1], NULL)) {
		fprintf(stderr, "%s: %s\n", file, err);
		exit(1);
	}
	free(buf);
}

/* fixtures/stolen.snap: the stolen lines as the module writes them. */
static void test_parse_stolen(const struct vhv_snapshot s[2])
{
	const struct vhv_vm *vm = vhv_snapshot_find_vm(&s[0], 1);
	const struct vhv_stolen *st = vm ? &vm->stolen : NULL;
	uint64_t sum = 0;
	size_t i;

	ok(vm && vm->has_stolen && st->vm == 1 && vm->n_vcpus == 2,
	   "stolen: parse: VM 1's stolen line after its vcpu lines");
	for (i = 0; st && i < VHV_STOLEN_MAX; i++)
		sum += st->ns[i];
	ok(st && st->ns[VHV_STOLEN_SAME_VM] == 1000000000 &&
	   st->ns[VHV_STOLEN_OTHER_VMS] == 20000000000ULL &&
	   st->ns[VHV_STOLEN_KSMD] == 500000000 && st->ns[VHV_STOLEN_PROCESS] == 3000000000ULL &&
	   st->ns[VHV_STOLEN_UNATTRIBUTED] == 1000000000 && sum == 30000000000ULL,
	   "stolen: parse: the nine classes, which add up to the 30 s of ready time");
	ok(st && st->by_vm.n == 2 && st->by_vm.e[0].vm == 2 &&
	   st->by_vm.e[0].ns == 15000000000ULL && st->by_vm.e[1].vm == 5,
	   "stolen: parse: by_vm, VM 2 first, VM 5 (not in the snapshot) second");
	vm = vhv_snapshot_find_vm(&s[1], 3);
	ok(vm && vm->has_stolen && vm->stolen.by_vm.n == 8 &&
	   vm->stolen.by_vm.e[2].vm == 8 && vm->stolen.by_vm.e[3].vm == 9,
	   "stolen: parse: by_vm of 8 entries, equal ns in id order");
	vm = vhv_snapshot_find_vm(&s[1], 6);
	ok(vm && vm->has_stolen && !vm->name && s[1].n_vms == 4,
	   "stolen: parse: VM 6, new and without a name, has its stolen line");
	ok(!strcmp(vhv_stolen_names[VHV_STOLEN_SAME_VM], "same_vm") &&
	   !strcmp(vhv_stolen_names[VHV_STOLEN_UNATTRIBUTED], "unattributed"),
	   "stolen: the class names");
}

static void test_parse(const char *dir, struct vhv_snapshot s[2])
{
	struct vhv_parser p;
	struct vhv_snapshot extra;
	char err[256] = "";
	size_t len;
	char *buf = slurp(dir, "two.snap", &len);
	const struct vhv_vm *vm;
	const struct vhv_vcpu *v;
	int r0, r1, r2;

	vhv_parser_init(&p, "two.snap", buf, len);
	r0 = vhv_snapshot_next(&p, &s[0], err, sizeof(err));
	ok(r0 == 1, "parse: first snapshot of two.snap (%s)", err);
	r1 = vhv_snapshot_next(&p, &s[1], err, sizeof(err));
	ok(r1 == 1, "parse: second snapshot of two.snap (%s)", err);
	r2 = vhv_snapshot_next(&p, &extra, err, sizeof(err));
	ok(r2 == 0, "parse: end of input after two snapshots");
	free(buf);
	if (r0 != 1 || r1 != 1) {
		fprintf(stderr, "cannot go on without the fixtures\n");
		exit(1);
	}

	ok(s[0].version == 1 && s[0].time_ns == 1000000000000ULL && s[0].hz == 100,
	   "parse: header version, time_ns, hz");
	ok(s[1].host.nr_vms == 3 && s[1].host.nr_cpus == 4 &&
	   s[1].host.ram_bytes == 8589934592ULL && s[1].host.stall_threshold_ms == 5000,
	   "parse: host line (unknown key future=1 ignored)");
	ok(s[0].n_vms == 3 && s[1].n_vms == 3, "parse: three vm records each");
	vm = vhv_snapshot_find_vm(&s[1], 1);
	ok(vm && vm->pid == 1000 && vm->nr_vcpus == 2 && vm->n_vcpus == 2 &&
	   vm->majflt == 1512 && vm->heartbeat_ms == 12 && !vm->stalled &&
	   vm->cgroup && !strcmp(vm->cgroup, "/machine.slice/vm1.scope"),
	   "parse: vm line, unknown key future_key=42 ignored");
	v = vm ? vhv_vm_find_vcpu(vm, 0) : NULL;
	ok(v && v->tid == 1001 && v->ready_ns == 10200000000ULL &&
	   v->swapin_delay_ns == 1050000000LL && v->majflt == 1112,
	   "parse: vcpu line, unknown key extra=7 ignored");
	v = vm ? vhv_vm_find_vcpu(vm, 1) : NULL;
	ok(v && v->swapin_delay_ns == VHV_NO_DELAYACCT, "parse: swapin_delay_ns=-1");
	vm = vhv_snapshot_find_vm(&s[1], 2);
	ok(vm && vm->stalled && !vm->cgroup, "parse: stalled=1, cgroup=- is none");
	ok(vm && vm->mem_pressure_some_us == VHV_NA && vm->mem_pressure_full_us == VHV_NA,
	   "parse: mem_pressure_*_us=-1 is not available");
	vm = vhv_snapshot_find_vm(&s[1], 3);
	ok(vm && vm->cgroup && !strcmp(vm->cgroup, "/machine.slice/a\\b\"c d=%.scope"),
	   "parse: %%20 %%3D %%25 in the cgroup path decoded");
	ok(vhv_snapshot_find_vm(&s[1], 3) && !vhv_snapshot_find_vm(&s[1], 4),
	   "parse: the unknown 'numa' record is skipped, VMs 3 present, 4 gone");
	ok(!s[0].vms[0].has_stolen && !s[1].vms[0].has_stolen && !s[1].vms[2].has_stolen,
	   "parse: no stolen line (an older module): no stolen figures");

	vm = vhv_snapshot_find_vm(&s[0], 2);
	ok(vm && vm->status == VHV_VM_DEGRADED && vm->stalled_vcpus == 1 &&
	   vm->stall_count == 1 && vm->pause_count == 0,
	   "parse: vm status=degraded stalled_vcpus=1 stall_count=1 pause_count=0");
	vm = vhv_snapshot_find_vm(&s[1], 2);
	ok(vm && vm->status == VHV_VM_STALLED && vm->stalled_vcpus == 2,
	   "parse: vm status=stalled stalled_vcpus=2");
	v = vm ? vhv_vm_find_vcpu(vm, 0) : NULL;
	ok(v && v->state == VHV_ST_KVM && v->state_ms == 7500 && v->stalled &&
	   v->stall_count == 1,
	   "parse: vcpu state=kvm state_ms=7500 stalled=1 stall_count=1");
	vm = vhv_snapshot_find_vm(&s[1], 1);
	v = vm ? vhv_vm_find_vcpu(vm, 0) : NULL;
	ok(v && v->state == VHV_ST_GUEST && v->state_ms == 0 && !v->stalled &&
	   v->stall_count == 0,
	   "parse: vcpu state=guest state_ms=0 stalled=0, unknown key after them ignored");
}

static const struct {
	const char *name, *text, *msg;
} bad[] = {
#define HDR "vhv-snapshot version=1 time_ns=1 hz=100\n"
#define HOST "host nr_vms=1 nr_vcpus=1 nr_cpus=1 guest_mem_bytes=0 ram_bytes=0 stall_threshold_ms=5000 track_failures=0 untracked_vcpus=0\n"
#define APF "apf_faults=0 apf_wait_ns=0 apf_max_ns=0"
#define HIST24 "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0"
#define HIST24_TAIL "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0"
#define HIST0 "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0"
#define VM_ST "status=ok stalled_vcpus=0 stall_count=0 pause_count=0"
#define VMREST_ST(st) " pid=10 nr_vcpus=1 mem_bytes=0 swap_bytes=0 majflt=0 swap_wait_ns=0 heartbeat_ms=0 stalled=0 " st " cgroup=- mem_pressure_some_us=0 mem_pressure_full_us=0 " APF "\n"
#define VMREST VMREST_ST(VM_ST)
#define VM1 "vm id=1" VMREST
#define VC_ST "state=halted state_ms=1234 stalled=0 stall_count=0"
#define VCX(rest, st) "vcpu vm=1 idx=0 vcpu_id=0 tid=11 ready_ns=0 run_ns=0 guest_ns=0 halt_ns=0 exits=0 preemptions=0 ready_max_ns=0 swap_wait_ns=0 " rest " " st " ready_hist=" HIST0 "\n"
#define VC(rest) VCX(rest, VC_ST)
#define VCH(h) "vcpu vm=1 idx=0 vcpu_id=0 tid=11 ready_ns=0 run_ns=0 guest_ns=0 halt_ns=0 exits=0 preemptions=0 ready_max_ns=0 swap_wait_ns=0 swapin_delay_ns=-1 majflt=0 " VC_ST " ready_hist=" h "\n"
#define VC_OK VC("swapin_delay_ns=-1 majflt=0")
#define ST_NS(vm, same) "stolen vm=" vm " same_vm_ns=" same " other_vms_ns=10 kswapd_ns=0 ksmd_ns=0 vhost_ns=0 kworker_ns=0 kthread_ns=0 process_ns=0 unattributed_ns=0"
#define ST(vm, by) ST_NS(vm, "1") " by_vm=" by "\n"
#define ST_BAD(by) { "by_vm=" by, HDR HOST VM1 VC_OK ST("1", by) "end\n", \
		     "by_vm: '" by "' is neither - nor comma-separated <vmid>:<ns> pairs" }
	{ "no header", HOST "end\n", "expected a vhv-snapshot header" },
	{ "version 2", "vhv-snapshot version=2 time_ns=1 hz=100\n" HOST "end\n",
	  "unsupported snapshot version 2" },
	{ "header without time_ns", "vhv-snapshot version=1 hz=100\n" HOST "end\n",
	  "missing key 'time_ns'" },
	{ "no host line", HDR VM1 "end\n", "expected a host line" },
	{ "two host lines", HDR HOST HOST "end\n", "unexpected 'host' line" },
	{ "header inside a snapshot", HDR HOST HDR "end\n", "unexpected 'vhv-snapshot' line" },
	{ "missing vm key", HDR HOST "vm id=1 pid=10\nend\n", "missing key 'nr_vcpus'" },
	{ "word without =", HDR HOST "vm id=1 pid" VMREST "end\n", "expected key=value" },
	{ "empty value", HDR HOST "vm id=1 pid=" VMREST "end\n", "empty value" },
	{ "bad key", HDR HOST "vm id=1 Pid=3" VMREST "end\n", "bad key" },
	{ "key twice", HDR HOST "vm id=1 id=2" VMREST "end\n", "key given twice" },
	{ "not a number", HDR HOST "vm id=x" VMREST "end\n", "not an unsigned decimal" },
	{ "sign", HDR HOST "vm id=+1" VMREST "end\n", "not an unsigned decimal" },
	{ "overflow", HDR HOST "vm id=18446744073709551616" VMREST "end\n",
	  "not an unsigned decimal" },
	{ "negative counter", HDR HOST VM1 VC("swapin_delay_ns=-1 majflt=-1") "end\n",
	  "majflt" },
	{ "swapin_delay -2", HDR HOST VM1 VC("swapin_delay_ns=-2 majflt=0") "end\n",
	  "neither -1 nor" },
	{ "bad escape %2", HDR HOST "vm id=1 pid=10 nr_vcpus=1 mem_bytes=0 swap_bytes=0 majflt=0 swap_wait_ns=0 heartbeat_ms=0 stalled=0 " VM_ST " cgroup=/a%2 mem_pressure_some_us=0 mem_pressure_full_us=0 " APF "\nend\n",
	  "bad %-escape" },
	{ "bad escape %zz", HDR HOST "vm id=1 pid=10 nr_vcpus=1 mem_bytes=0 swap_bytes=0 majflt=0 swap_wait_ns=0 heartbeat_ms=0 stalled=0 " VM_ST " cgroup=/a%zzb mem_pressure_some_us=0 mem_pressure_full_us=0 " APF "\nend\n",
	  "bad %-escape" },
	{ "escape %00", HDR HOST "vm id=1 pid=10 nr_vcpus=1 mem_bytes=0 swap_bytes=0 majflt=0 swap_wait_ns=0 heartbeat_ms=0 stalled=0 " VM_ST " cgroup=/a%00 mem_pressure_some_us=0 mem_pressure_full_us=0 " APF "\nend\n",
	  "bad %-escape" },
	{ "pressure -2", HDR HOST "vm id=1 pid=10 nr_vcpus=1 mem_bytes=0 swap_bytes=0 majflt=0 swap_wait_ns=0 heartbeat_ms=0 stalled=0 " VM_ST " cgroup=- mem_pressure_some_us=-2 mem_pressure_full_us=0 " APF "\nend\n",
	  "neither -1 nor" },
	{ "stalled=2", HDR HOST "vm id=1 pid=1 nr_vcpus=1 mem_bytes=0 swap_bytes=0 majflt=0 swap_wait_ns=0 heartbeat_ms=0 stalled=2 " VM_ST " cgroup=- mem_pressure_some_us=0 mem_pressure_full_us=0 " APF "\nend\n",
	  "not 0 or 1" },
	{ "unknown status", HDR HOST "vm id=1" VMREST_ST("status=hung stalled_vcpus=0 stall_count=0 pause_count=0") "end\n",
	  "status: 'hung' is not one of ok|degraded|stalled|paused" },
	{ "missing status", HDR HOST "vm id=1" VMREST_ST("stalled_vcpus=0 stall_count=0 pause_count=0") "end\n",
	  "vm: missing key 'status'" },
	{ "unknown state", HDR HOST VM1 VCX("swapin_delay_ns=-1 majflt=0", "state=running state_ms=0 stalled=0 stall_count=0") "end\n",
	  "state: 'running' is not one of guest|kvm|ready|halted|swapwait|blocked|vmm|stopped" },
	{ "state in capitals", HDR HOST VM1 VCX("swapin_delay_ns=-1 majflt=0", "state=HALTED state_ms=0 stalled=0 stall_count=0") "end\n",
	  "state: 'HALTED' is not one of" },
	{ "missing state", HDR HOST VM1 VCX("swapin_delay_ns=-1 majflt=0", "state_ms=0 stalled=0 stall_count=0") "end\n",
	  "vcpu: missing key 'state'" },
	{ "vcpu stalled=2", HDR HOST VM1 VCX("swapin_delay_ns=-1 majflt=0", "state=ready state_ms=0 stalled=2 stall_count=0") "end\n",
	  "stalled: '2' is not 0 or 1" },
	{ "hist of 24", HDR HOST VM1 VCH(HIST24) "end\n", "ready_hist: '" HIST24 "' is not 25 comma-separated" },
	{ "hist of 26", HDR HOST VM1 VCH(HIST0 ",0") "end\n", "is not 25 comma-separated" },
	{ "hist negative", HDR HOST VM1 VCH("-1," HIST24) "end\n", "is not 25 comma-separated" },
	{ "hist empty count", HDR HOST VM1 VCH("0,," HIST24_TAIL) "end\n", "is not 25 comma-separated" },
	{ "hist trailing comma", HDR HOST VM1 VCH(HIST0 ",") "end\n", "is not 25 comma-separated" },
	{ "hist overflow", HDR HOST VM1 VCH("18446744073709551616," HIST24) "end\n", "is not 25 comma-separated" },
	{ "vcpu before vm", HDR HOST VC_OK "end\n", "vcpu line before any vm" },
	{ "vcpu of another vm", HDR HOST "vm id=2" VMREST VC_OK "end\n", "follows vm id=2" },
	{ "vm twice", HDR HOST VM1 VM1 "end\n", "listed twice" },
	{ "vcpu twice", HDR HOST VM1 VC_OK VC_OK "end\n", "listed twice" },
	{ "stolen before vm", HDR HOST ST("1", "-") "end\n", "stolen line before any vm line" },
	{ "stolen of another vm", HDR HOST VM1 VC_OK ST("2", "-") "end\n",
	  "stolen vm=2 follows vm id=1" },
	{ "stolen twice", HDR HOST VM1 VC_OK ST("1", "-") ST("1", "-") "end\n",
	  "stolen vm=1 listed twice" },
	{ "vcpu after stolen", HDR HOST VM1 ST("1", "-") VC_OK "end\n",
	  "vcpu vm=1 after the stolen line of its vm" },
	{ "stolen without kthread_ns", HDR HOST VM1 "stolen vm=1 same_vm_ns=0 other_vms_ns=0 kswapd_ns=0 ksmd_ns=0 vhost_ns=0 kworker_ns=0 process_ns=0 unattributed_ns=0 by_vm=-\n" "end\n",
	  "stolen: missing key 'kthread_ns'" },
	{ "stolen without by_vm", HDR HOST VM1 ST_NS("1", "1") "\nend\n", "stolen: missing key 'by_vm'" },
	{ "stolen negative", HDR HOST VM1 ST_NS("1", "-1") " by_vm=-\nend\n",
	  "same_vm_ns: '-1' is not an unsigned decimal number" },
	{ "by_vm empty", HDR HOST VM1 ST("1", "") "end\n", "'by_vm=': empty value" },
	ST_BAD("x"), ST_BAD("1"), ST_BAD("1:"), ST_BAD(":5"), ST_BAD("1:2:3"),
	ST_BAD("1:5,"), ST_BAD(",1:5"), ST_BAD("1:5,,2:3"), ST_BAD("1:-5"),
	ST_BAD("-,1:5"), ST_BAD("1:18446744073709551616"), ST_BAD("1:5;2:3"),
	{ "by_vm of 9", HDR HOST VM1 ST("1", "1:9,2:8,3:7,4:6,5:5,6:4,7:3,8:2,9:1") "end\n",
	  "by_vm: more than 8 entries" },
	{ "by_vm id twice", HDR HOST VM1 ST("1", "3:5,4:4,3:1") "end\n",
	  "by_vm: vm 3 listed twice" },
	{ "no end line", HDR HOST VM1 VC_OK, "no end line" },
	{ "only a header", HDR, "no host line" },
	{ "NUL byte", HDR HOST "vm id=1\0" VMREST "end\n", "NUL byte" },
	{ "empty input", "", "no snapshot" },
	{ "two snapshots", HDR HOST "end\n" HDR HOST "end\n", "more than one snapshot" },
};

static void test_malformed(void)
{
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct vhv_snapshot s;
		char err[256] = "";
		size_t len = strlen(bad[i].text);
		int r;

		if (!strcmp(bad[i].name, "NUL byte"))
			len = sizeof(HDR HOST "vm id=1\0" VMREST "end\n") - 1;
		r = vhv_snapshot_parse("t", bad[i].text, len, &s, err, sizeof(err));
		ok(r == -1 && strstr(err, bad[i].msg),
		   "malformed: %s rejected (%s)", bad[i].name, err);
		if (!r)
			vhv_snapshot_free(&s);
	}
}

static void test_wellformed_edges(void)
{
	static const char stolen_no_vcpu[] = HDR HOST VM1 ST("1", "4:1,2:3,9:3,3:2,5:0,6:1,7:0,8:2") "end\n";
	static const char last_no_nl[] = HDR HOST VM1 VC_OK "end";
	static const char tabs[] = "\n# comment\nvhv-snapshot\tversion=1  time_ns=5 hz=100\n"
				   HOST "end\n\n";
	struct vhv_snapshot s;
	char err[256] = "";
	int r;

	r = vhv_snapshot_parse("t", last_no_nl, strlen(last_no_nl), &s, err, sizeof(err));
	ok(r == 0 && s.n_vms == 1 && s.vms[0].n_vcpus == 1,
	   "parse: last line without a newline (%s)", err);
	if (!r)
		vhv_snapshot_free(&s);
	r = vhv_snapshot_parse("t", tabs, strlen(tabs), &s, err, sizeof(err));
	ok(r == 0 && s.time_ns == 5 && s.n_vms == 0,
	   "parse: blank and comment lines, tabs and runs of blanks (%s)", err);
	if (!r)
		vhv_snapshot_free(&s);
	r = vhv_snapshot_parse("t", stolen_no_vcpu, strlen(stolen_no_vcpu), &s, err, sizeof(err));
	if (!r) {
		const struct vhv_culprits *l = &s.vms[0].stolen.by_vm;
		static const uint64_t id[] = { 2, 9, 3, 8, 4, 6, 5, 7 };
		size_t i;
		int sorted = l->n == 8;

		for (i = 0; sorted && i < l->n; i++)
			sorted = l->e[i].vm == id[i];
		ok(s.vms[0].has_stolen && s.vms[0].n_vcpus == 0 && sorted &&
		   l->e[0].ns == 3 && l->e[7].ns == 0,
		   "parse: a stolen line right after its vm line, by_vm of 8 sorted by ns, then id");
		vhv_snapshot_free(&s);
	} else {
		ok(0, "parse: a stolen line right after its vm line (%s)", err);
	}
}

/* --------------------------------------------------- states and statuses */

static char *render_one(const struct vhv_snapshot *s, bool json)
{
	struct vhv_view view = { .obj = VHV_OBJ_VCPU, .counters = true };
	struct vhv_figures f;
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	vhv_figures_compute(&f, NULL, s);
	pr_init(m, json, false);
	vhv_show(&f, &view);
	fclose(m);
	vhv_figures_free(&f);
	return text;
}

/* The text row whose first column is @id, as a string of its own. */
static const char *text_row(const char *t, const char *id, char *buf, size_t size)
{
	const char *p = t;

	while (p && *p) {
		const char *nl = strchr(p, '\n'), *w = p;
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		while (*w == ' ')
			w++;
		if (!strncmp(w, id, strlen(id)) && w[strlen(id)] == ' ') {
			snprintf(buf, size, "%.*s", (int)n, p);
			return buf;
		}
		p = nl ? nl + 1 : NULL;
	}
	snprintf(buf, size, "(no row %s)", id);
	return buf;
}

/* The last column of the row of @id starts where the heading STATE does. */
static int state_is(const char *t, const char *id, const char *want)
{
	const char *head = strstr(t, " STATE\n");
	const char *line;
	char row[512];
	size_t col;

	if (!head)
		return 0;
	for (line = head; line > t && line[-1] != '\n'; line--)
		;
	col = (size_t)(head - line) + 1;
	text_row(t, id, row, sizeof(row));
	return strlen(row) > col && !strcmp(row + col, want) && row[col - 1] == ' ';
}

static void test_states(const char *dir)
{
	static const struct {
		const char *id, *state;
	} rows[] = {
		{ "1", "ok" }, { "1.0", "guest" }, { "1.1", "kvm" }, { "1.2", "halted" },
		{ "2", "degraded" }, { "2.0", "guest" }, { "2.1", "BLOCKED" },
		{ "2.2", "swapwait" }, { "2.3", "READY" },
		{ "3", "STALL" }, { "3.0", "STOPPED" }, { "3.1", "STOPPED" },
		{ "4", "paused" }, { "4.0", "vmm" }, { "4.1", "vmm" },
	};
	struct vhv_snapshot s;
	const struct vhv_vm *vm;
	char err[256] = "", row[512];
	size_t len, i;
	char *buf = slurp(dir, "states.snap", &len), *t;
	int r, all;

	r = vhv_snapshot_parse("states.snap", buf, len, &s, err, sizeof(err));
	free(buf);
	ok(r == 0 && s.n_vms == 4, "states: states.snap parses (%s)", err);
	if (r)
		return;
	all = 1;
	for (i = 0; i < s.n_vms; i++)
		all &= s.vms[i].status == (enum vhv_vm_status)i;
	ok(all, "states: the four statuses, ok degraded stalled paused");
	vm = vhv_snapshot_find_vm(&s, 2);
	ok(vm && vm->n_vcpus == 4 && vm->vcpus[1].state == VHV_ST_BLOCKED &&
	   vm->vcpus[1].state_ms == 6200 && vm->vcpus[1].stalled &&
	   vm->vcpus[1].stall_count == 2 && vm->vcpus[2].state == VHV_ST_SWAPWAIT &&
	   vm->vcpus[3].state == VHV_ST_READY && vm->vcpus[3].state_ms == 0,
	   "states: VM 2's vCPUs blocked (stalled), swapwait, ready (stalled)");
	vm = vhv_snapshot_find_vm(&s, 4);
	ok(vm && vm->pause_count == 1 && vm->vcpus[0].state == VHV_ST_VMM &&
	   !vm->vcpus[0].stalled, "states: VM 4 paused, pause_count=1, vCPUs in the VMM");

	t = render_one(&s, false);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int good = state_is(t, rows[i].id, rows[i].state);

		ok(good, "text: STATE of %s is %s, under the heading", rows[i].id,
		   rows[i].state);
		if (!good)
			printf("# row: '%s'\n", text_row(t, rows[i].id, row, sizeof(row)));
	}
	ok(strstr(t, "\nnote: VM 2 (pid 2000) degraded: 2 of 4 vCPUs stalled (should run, no guest entry for stall_ms 5000): 2.1 blocked for 6.2 s, 2.3 ready\n") != NULL,
	   "text: the degraded note names the stalled vCPUs, their state and time in it");
	ok(strstr(t, "\nnote: VM 3 (pid 3000) stalled: all 2 vCPUs stalled (") &&
	   strstr(t, "): 3.0 stopped for 9.0 s, 3.1 stopped for 9.0 s\n"),
	   "text: the stalled note says all vCPUs");
	ok(strstr(t, "\nnote: VM 4 (pid 4000) paused: ") && !strstr(t, "VM 1 (pid"),
	   "text: a note for the paused VM, none for the VM that is ok");
	ok(!strstr(t, " \n"), "text: no trailing blanks");
	free(t);

	t = render_one(&s, true);
	ok(strstr(t, "\"status\":\"degraded\",\"stalled\":true,\"stalled_vcpus\":2,\"stall_count\":3,\"pause_count\":0") &&
	   strstr(t, "\"status\":\"paused\",\"stalled\":false,\"stalled_vcpus\":0,\"stall_count\":0,\"pause_count\":1"),
	   "json: VM status, stalled, stalled_vcpus, stall_count, pause_count");
	ok(strstr(t, "\"state\":\"blocked\",\"state_ms\":6200,\"stalled\":true,\"stall_count\":2}") &&
	   strstr(t, "\"state\":\"swapwait\",\"state_ms\":8000,\"stalled\":false,\"stall_count\":0}"),
	   "json: vCPU state (lower case even when stalled), state_ms, stalled, stall_count");
	free(t);
	vhv_snapshot_free(&s);
}

/* A note names NOTE_VCPUS (8) stalled vCPUs and counts the others. */
static void test_note_bound(void)
{
	char text[8192], line[512];
	struct vhv_snapshot s;
	char err[256] = "", *t;
	int i, r;

	snprintf(text, sizeof(text), HDR HOST "vm id=1" VMREST_ST("status=stalled stalled_vcpus=11 stall_count=1 pause_count=0"));
	for (i = 0; i < 11; i++) {
		snprintf(line, sizeof(line), "vcpu vm=1 idx=%d vcpu_id=%d tid=%d ready_ns=0 run_ns=0 guest_ns=0 halt_ns=0 exits=0 preemptions=0 ready_max_ns=0 swap_wait_ns=0 swapin_delay_ns=0 majflt=0 state=ready state_ms=5000 stalled=1 stall_count=1 ready_hist=" HIST0 "\n",
			 i, i, 100 + i);
		strncat(text, line, sizeof(text) - strlen(text) - 1);
	}
	strncat(text, "end\n", sizeof(text) - strlen(text) - 1);
	r = vhv_snapshot_parse("t", text, strlen(text), &s, err, sizeof(err));
	ok(r == 0 && s.vms[0].n_vcpus == 11, "parse: a VM with 11 stalled vCPUs (%s)", err);
	if (r)
		return;
	t = render_one(&s, false);
	ok(strstr(t, "1.7 ready for 5.0 s and 3 more\n") && !strstr(t, "1.8 ready"),
	   "text: a stall note names 8 vCPUs and counts the rest");
	free(t);
	vhv_snapshot_free(&s);
}

/* ---------------------------------------------------------------- rates */

static void test_rates(const struct vhv_snapshot s[2])
{
	struct vhv_figures f;
	const struct vhv_vm_fig *m1, *m2, *m3;
	const struct vhv_vcpu_fig *a, *b, *c;

	if (vhv_figures_compute(&f, &s[0], &s[1])) {
		ok(0, "rates: compute");
		return;
	}
	ok(f.rates && near(f.dt_s, 2.0), "rates: interval from time_ns is 2 s");
	m1 = &f.vms[0];
	m2 = &f.vms[1];
	m3 = &f.vms[2];
	a = &m1->vcpus[0];
	b = &m1->vcpus[1];
	c = &m2->vcpus[0];

	ok(a->rates && near(a->run, 50) && near(a->rdy, 10) && near(a->wait, 40),
	   "rates: vCPU 1.0 %%RUN 50 %%RDY 10 %%WAIT 40 (got %.3f %.3f %.3f)",
	   a->run, a->rdy, a->wait);
	ok(near(a->idle, 30) && near(a->swpwt, 5) && near(a->gst, 40),
	   "rates: vCPU 1.0 %%IDLE 30 %%SWPWT 5 %%GST 40 (got %.3f %.3f %.3f)",
	   a->idle, a->swpwt, a->gst);
	ok(a->delayacct && near(a->swpda, 2.5) && near(a->exits_ps, 1000) &&
	   near(a->preempt_ps, 2) && near(a->majflt_ps, 256),
	   "rates: vCPU 1.0 swapin_delay 2.5 %%, 1000 exits/s, 2 preemptions/s, 256 majflt/s");
	ok(b->rates && near(b->run, 25) && near(b->rdy, 5) && near(b->wait, 70) &&
	   near(b->idle, 70),
	   "rates: vCPU 1.1 %%IDLE (80 %% of halt) clamped to %%WAIT 70 (got %.3f)", b->idle);
	ok(!b->delayacct && isnan(b->swpda), "rates: vCPU 1.1 without delayacct has no swapin_delay rate");
	ok(m1->rates && m1->n_rated == 2 && near(m1->run, 75) && near(m1->rdy, 15) &&
	   near(m1->wait, 110) && near(m1->idle, 100) && near(m1->swpwt, 5) &&
	   near(m1->gst, 60),
	   "rates: VM 1 is the sum of its vCPUs (%%RUN 75 %%RDY 15 %%WAIT 110 %%IDLE 100)");
	ok(near(m1->majflt_ps, 256), "rates: VM 1 MJF/s = 512 major faults / 2 s = 256/s (got %.3f)",
	   m1->majflt_ps);
	ok(near(m1->mps_some, 10) && near(m1->mps_full, 0),
	   "rates: VM 1 memory pressure some 10 %%, full 0 %%");
	ok(m1->ready_max_ns == 4500000, "rates: VM 1 RDYMAX is the max over its vCPUs");
	ok(isnan(m2->mps_some) && isnan(m2->mps_full),
	   "rates: VM 2 without memory pressure figures has no pressure rate");
	ok(c->rates && near(c->run, 100) && near(c->rdy, 25) && near(c->wait, 0) &&
	   near(c->idle, 0),
	   "rates: vCPU 2.0 %%RUN+%%RDY > 100 gives %%WAIT 0 and %%IDLE 0");
	ok(!m2->vcpus[1].rates && m2->n_rated == 1 && near(m2->rdy, 25),
	   "rates: vCPU 2.1 with a new tid has no rates and is not in the VM sum");
	ok(!m3->rates && !m3->vcpus[0].rates, "rates: VM 3, new in the second snapshot, has no rates");
	ok(f.n_stalled == 1 && f.n_nodelayacct == 4, "rates: 1 stalled VM, 4 vCPUs without delayacct");
	ok(near(f.rdy_avg, (10 + 5 + 25) / 3.0) && near(f.rdy_max, 25),
	   "rates: host %%RDY mean and max over rated vCPUs");
	vhv_figures_free(&f);

	vhv_figures_compute(&f, &s[1], &s[0]);
	ok(!f.rates && !f.vms[0].rates, "rates: snapshots in the wrong order give no rates");
	vhv_figures_free(&f);
}

/* ------------------------------------------------------------- printing */

static char *render(const struct vhv_snapshot s[2], bool json, enum vhv_object obj,
		    bool counters)
{
	struct vhv_view view = { .obj = obj, .counters = counters };
	struct vhv_figures f;
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	vhv_figures_compute(&f, counters ? NULL : &s[0], &s[1]);
	pr_init(m, json, false);
	vhv_show(&f, &view);
	fclose(m);
	vhv_figures_free(&f);
	return text;
}

/* Interval quantiles from the histogram deltas of two.snap (its header). */
static void test_quantiles(const struct vhv_snapshot s[2])
{
	uint64_t none[VHV_HIST_BUCKETS] = { 0 }, one[VHV_HIST_BUCKETS] = { 0 };
	const struct vhv_vm_fig *fm;
	struct vhv_ready_q q;
	struct vhv_figures f;

	if (vhv_figures_compute(&f, &s[0], &s[1])) {
		ok(0, "quantiles: figures");
		return;
	}
	fm = &f.vms[0];
	ok(fm->vm->id == 1 && fm->q.episodes == 126 && near(fm->q.p50_ms, 0.001024) &&
	   near(fm->q.p99_ms, 16.777216) && near(fm->q.top_ms, 8589.934592),
	   "quantiles: VM 1: 126 episodes, p50 <= 1.024 us, p99 <= 16.8 ms, the longest 8.6 s or more (%g %g %g)",
	   fm->q.p50_ms, fm->q.p99_ms, fm->q.top_ms);
	ok(fm->vcpus[0].q.episodes == 26 && near(fm->vcpus[0].q.p50_ms, 2.097152) &&
	   near(fm->vcpus[0].q.p99_ms, 8589.934592) &&
	   fm->vcpus[1].q.episodes == 100 && near(fm->vcpus[1].q.top_ms, 0.001024),
	   "quantiles: vCPU 1.0 p50 in [1, 2) ms, p99 the open bucket; vCPU 1.1 all under 1 us");
	ok(near(fm->rdy_worst, 10) && near(fm->rdy_avg, 7.5) && isnan(f.vms[2].rdy_worst),
	   "quantiles: VM 1's worst vCPU %%RDY 10, average 7.5; VM 3 (new) none");
	vhv_figures_free(&f);

	vhv_ready_quantiles(none, &q);
	ok(q.episodes == 0 && isnan(q.p50_ms) && isnan(q.top_ms), "quantiles: no episode: NaN");
	one[24] = 1;
	vhv_ready_quantiles(one, &q);
	ok(q.episodes == 1 && near(q.p50_ms, 8589.934592) && near(q.p99_ms, q.top_ms),
	   "quantiles: one episode: every quantile is its bucket");
}

static void test_text(const struct vhv_snapshot s[2])
{
	char *t = render(s, false, VHV_OBJ_VCPU, false);
	const char *cols[] = { "%RUN", "%RDY", "%WAIT", "%IDLE", "%SWPWT", "%GST",
			       "MEMSZ", "SWCUR", "MJF/s", "NVCPU" };
	size_t i;
	int all = 1;

	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		all &= strstr(t, cols[i]) != NULL;
	ok(all, "text: esxtop column names in the header");
	ok(strstr(t, "\n      1 -                    1000     2   75.0   15.0  110.0  100.0    5.0   60.0    0.00   16.78 8589.93    2048   100.0   256.0 ") != NULL,
	   "text: VM 1 row, MJF/s 256.0 major faults per second");
	ok(strstr(t, "\n    1.1                      1002         25.0    5.0   70.0   70.0    0.0   20.0") != NULL,
	   "text: vCPU 1.1 row under its VM");
	ok(strstr(t, "STALL") && strstr(t, "kernel.task_delayacct=1"),
	   "text: stall flag and the delayacct note");
	ok(!strstr(t, " \n"), "text: no trailing blanks");
	ok(state_is(t, "2", "STALL") && state_is(t, "1.1", "halted") &&
	   state_is(t, "2.0", "KVM") && state_is(t, "2.1", "VMM"),
	   "text: STATE of VM 2 and of the vCPUs, stalled ones in capitals");
	free(t);

	t = render(s, false, VHV_OBJ_VM, true);
	ok(strstr(t, "READY") && strstr(t, "\n      1 -                    1000     2     30.300    301.500") != NULL,
	   "text: -s prints counters (VM 1 READY 30.3 s RUN 301.5 s)");
	free(t);
}

static void test_json(const struct vhv_snapshot s[2])
{
	char *t = render(s, true, VHV_OBJ_VCPU, false);

	ok(t[0] == '{' && t[strlen(t) - 1] == '\n' && !strchr(t, '\n') [1],
	   "json: one document on one line");
	ok(strstr(t, "\"ready_pct\":15.000") && strstr(t, "\"vcpus\":[{\"idx\":0,"),
	   "json: VM 1 ready_pct and its vcpus array");
	ok(strstr(t, "\"cgroup\":\"/machine.slice/a\\\\b\\\"c d=%.scope\"") != NULL,
	   "json: backslash and quote escaped");
	ok(strstr(t, "\"mem_pressure_some_us\":-1,\"mem_pressure_full_us\":-1,\"mem_pressure_some_pct\":null") != NULL,
	   "json: pressure not available: -1 and null");
	ok(strstr(t, "\"run_pct\":null") != NULL, "json: no rates print as null");
	ok(strstr(t, "\"majflt_per_s\":256.000,") && strstr(t, "\"majflt\":1512,"),
	   "json: VM 1 majflt 1512 and majflt_per_s 256");
	free(t);
}

/* ---------------------------------------------------------- stolen by */

static int near_all(const double *got, const double *want, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!near(got[i], want[i]))
			return 0;
	return 1;
}

/* The interval's split and culprits from fixtures/stolen.snap (its header). */
static void test_stolen_figures(const struct vhv_snapshot st[2], const struct vhv_snapshot two[2])
{
	static const double web1[VHV_STOLEN_MAX] = { 5, 40, 3, 0, 2, 1, 1, 5, 3 };
	static const double web2[VHV_STOLEN_MAX] = { 0, 20, 0, 0, 0, 0, 0, 5, 0 };
	static const double zero[VHV_STOLEN_MAX] = { 0 };
	const struct vhv_vm_fig *m1, *m2, *m3, *m6;
	struct vhv_figures f;
	double sum = 0;
	size_t i;

	if (vhv_figures_compute(&f, &st[0], &st[1])) {
		ok(0, "stolen: figures");
		return;
	}
	m1 = &f.vms[0];
	m2 = &f.vms[1];
	m3 = &f.vms[2];
	m6 = &f.vms[3];
	for (i = 0; i < VHV_STOLEN_MAX; i++)
		sum += m1->stolen[i];
	ok(m1->stolen_rates && near_all(m1->stolen, web1, VHV_STOLEN_MAX) &&
	   near(m1->rdy, 60) && near(sum, 60),
	   "stolen: VM 1 %%RDY 60 splits 5 40 3 0 2 1 1 5 3 (same_vm .. unattributed)");
	ok(near(m1->by_vm_pct[0], 30) && near(m1->by_vm_pct[1], 2) && near(m1->by_vm_pct[2], 5) &&
	   m1->n_culprits == 3 && m1->culprits[0] == 0 && m1->culprits[1] == 2 &&
	   m1->culprits[2] == 1,
	   "stolen: VM 1's culprits web2 30, db1 5 (new in the list: from 0), VM 5 (gone) 2");
	ok(m2->stolen_rates && near_all(m2->stolen, web2, VHV_STOLEN_MAX) && near(m2->rdy, 25) &&
	   m2->n_culprits == 2 && near(m2->by_vm_pct[0], 15) && near(m2->by_vm_pct[1], 0) &&
	   m2->culprits[1] == 2 && near(m2->by_vm_pct[2], 5),
	   "stolen: VM 2 %%RDY 25: other VMs 20 (web1 15, VM 6 5, db1 0 is no culprit), process 5");
	ok(m3->stolen_rates && near_all(m3->stolen, zero, VHV_STOLEN_MAX) && !m3->n_culprits &&
	   near(m3->by_vm_pct[7], 0),
	   "stolen: VM 3, nothing grew: 0 everywhere, no culprit");
	ok(!m6->stolen_rates && isnan(m6->stolen[VHV_STOLEN_OTHER_VMS]) &&
	   isnan(m6->by_vm_pct[0]) && !m6->n_culprits,
	   "stolen: VM 6, new in the second snapshot: no rate (NaN), no culprit");
	ok(f.n_nostolen == 0, "stolen: every VM has a stolen line");
	vhv_figures_free(&f);

	vhv_figures_compute(&f, &two[0], &two[1]);
	ok(f.n_nostolen == 3 && f.vms[0].rates && !f.vms[0].stolen_rates &&
	   isnan(f.vms[0].stolen[0]),
	   "stolen: an older module's snapshots: no stolen figures, not zeros");
	vhv_figures_free(&f);
}

/*
 * Made-up snapshots 2 s apart: VM 3 is new in VM 1's by_vm with 1.2 s but
 * other_vms grew by 0.5 s only; VM 4 grew by 8 ms (0.4 %). VM 2's older
 * snapshot has no stolen line.
 */
static void test_stolen_edges(void)
{
	struct vhv_vm old[2] = {
		{ .id = 1, .pid = 10, .has_stolen = true, .stolen = {
			.vm = 1, .ns[VHV_STOLEN_OTHER_VMS] = 1000000000,
			.by_vm = { 2, { { 2, 1000000000 }, { 4, 0 } } } } },
		{ .id = 2, .pid = 20 },
	};
	struct vhv_vm new[2] = {
		{ .id = 1, .pid = 10, .has_stolen = true, .stolen = {
			.vm = 1, .ns[VHV_STOLEN_OTHER_VMS] = 1500000000,
			.by_vm = { 3, { { 3, 1200000000 }, { 2, 1100000000 },
					{ 4, 8000000 } } } } },
		{ .id = 2, .pid = 20, .has_stolen = true, .stolen = { .vm = 2 } },
	};
	struct vhv_snapshot a = { .time_ns = 1000000000, .vms = old, .n_vms = 2 };
	struct vhv_snapshot b = { .time_ns = 3000000000, .vms = new, .n_vms = 2 };
	struct vhv_view view = { .obj = VHV_OBJ_STOLEN };
	struct vhv_figures f;
	char *t = NULL;
	size_t len = 0;
	FILE *m;

	if (vhv_figures_compute(&f, &a, &b)) {
		ok(0, "stolen: figures");
		return;
	}
	ok(near(f.vms[0].stolen[VHV_STOLEN_OTHER_VMS], 25) && near(f.vms[0].by_vm_pct[0], 25) &&
	   near(f.vms[0].by_vm_pct[1], 5) && near(f.vms[0].by_vm_pct[2], 0.4),
	   "stolen: a culprit's share is at most other_vms' (25, not 60)");
	ok(f.vms[1].rates && !f.vms[1].stolen_rates && isnan(f.vms[1].stolen[0]),
	   "stolen: no stolen line in the older snapshot: no rates");
	m = open_memstream(&t, &len);
	pr_init(m, false, false);
	vhv_show(&f, &view);
	fclose(m);
	ok(strstr(t, " CULPRITS\n") && strstr(t, " vm3 25%,vm2 5%,vm4 0.4%\n"),
	   "stolen: text: culprits without a name are vm<id>, under 1 %% with a decimal");
	free(t);
	vhv_figures_free(&f);
}

static char *render_stolen(const struct vhv_snapshot s[2], bool json, bool counters)
{
	return render(s, json, VHV_OBJ_STOLEN, counters);
}

static void test_stolen_text(const struct vhv_snapshot st[2], const struct vhv_snapshot two[2])
{
	char *t = render_stolen(st, false, false);

	ok(strstr(t, "\n     ID NAME               %RDY   SAME    VMS KSWAPD   KSMD  VHOST KWORKER KTHREAD   PROC UNATTR CULPRITS\n") != NULL,
	   "stolen: text: the heading");
	ok(strstr(t, "\n      1 web1               60.0    5.0   40.0    3.0    0.0    2.0    1.0    1.0    5.0    3.0 web2 30%,db1 5%,vm5 2%\n") != NULL,
	   "stolen: text: VM 1's %%RDY, its split and its culprits by name, vm5 gone");
	ok(strstr(t, "\n      2 web2               25.0    0.0   20.0    0.0    0.0    0.0    0.0    0.0    5.0    0.0 web1 15%,vm6 5%\n") &&
	   strstr(t, "\n      3 db1                 0.0    0.0    0.0    0.0    0.0    0.0    0.0    0.0    0.0    0.0 -\n") &&
	   strstr(t, "\n      6 -                     -      -      -      -      -      -      -      -      -      - -\n"),
	   "stolen: text: VM 2 (VM 6 unnamed), VM 3 nothing, VM 6 new: -");
	ok(!strstr(t, "delayacct") && !strstr(t, "without stolen-by") && !strstr(t, " \n"),
	   "stolen: text: no delay-accounting note, no trailing blanks");
	free(t);

	t = render_stolen(st, false, true);
	ok(strstr(t, "\n     ID NAME                  READY       SAME        VMS     KSWAPD       KSMD      VHOST    KWORKER    KTHREAD       PROC     UNATTR CULPRITS\n") &&
	   strstr(t, "\n      1 web1                 31.200      1.100     20.800      1.060      0.500      2.040      1.020      0.520      3.100      1.060 web2 15.60s,vm5 4.04s,db1 0.10s\n"),
	   "stolen: text -s: seconds since tracking, culprits in by_vm's order");
	free(t);

	t = render_stolen(two, false, false);
	ok(strstr(t, "\n      1 -                  15.0      -      -      -      -      -      -      -      -      - -\n") &&
	   strstr(t, "\nnote: 3 VM(s) without stolen-by figures: "),
	   "stolen: text: an older module: %%RDY, the rest -, and a note");
	free(t);
}

static void test_stolen_json(const struct vhv_snapshot st[2], const struct vhv_snapshot two[2])
{
	char *t = render(st, true, VHV_OBJ_VM, false);

	ok(strstr(t, "\"stolen\":{\"same_vm_ns\":1100000000,\"other_vms_ns\":20800000000,") &&
	   strstr(t, ",\"same_vm_pct\":5.000,\"other_vms_pct\":40.000,\"kswapd_pct\":3.000,") &&
	   strstr(t, ",\"by_vm\":[{\"id\":2,\"name\":\"web2\",\"uuid\":null,\"ns\":15600000000,\"pct\":30.000},"
		  "{\"id\":5,\"name\":null,\"uuid\":null,\"ns\":4040000000,\"pct\":2.000},"
		  "{\"id\":3,\"name\":\"db1\",\"uuid\":null,\"ns\":100000000,\"pct\":5.000}]}"),
	   "stolen: json: the vm report's stolen object, counters, %% and by_vm with names");
	ok(strstr(t, "\"id\":6,") && strstr(t, "\"unattributed_pct\":null,\"by_vm\":[{\"id\":1,\"name\":\"web1\",\"uuid\":null,\"ns\":200000000,\"pct\":null}]}"),
	   "stolen: json: VM 6 without a baseline: null rates");
	free(t);

	t = render(st, true, VHV_OBJ_STOLEN, true);
	ok(strstr(t, "\"object\":\"stolen\"") &&
	   strstr(t, "\"ready_pct\":null,\"ready_ns\":31200000000,\"stolen\":{\"same_vm_ns\":1100000000,") &&
	   strstr(t, "\"same_vm_pct\":null,") && !strstr(t, "_pct\":0"),
	   "stolen: json -s: the stolen report, rates null");
	free(t);

	t = render(two, true, VHV_OBJ_VCPU, false);
	ok(strstr(t, "\"mem_pressure_full_pct\":0.000,\"stolen\":null,\"vcpus\":[") != NULL,
	   "stolen: json: an older module: \"stolen\":null");
	free(t);
}

static void test_prom(const struct vhv_snapshot s[2])
{
	char *t = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&t, &len);
	int ready = 0, delay = 0, bad_lines = 0;

	vhv_prom_print(m, &s[1]);
	fclose(m);
	ok(strstr(t, "\nvhv_vcpu_ready_seconds_total{pid=\"1000\",vcpu=\"0\"} 10.200000000\n") != NULL,
	   "prometheus: ready counter of vCPU 1.0 in seconds, exact");
	ok(strstr(t, "# TYPE vhv_vcpu_ready_seconds_total counter\n") &&
	   strstr(t, "# TYPE vhv_vm_swap_bytes gauge\n"), "prometheus: TYPE lines");
	ok(strstr(t, "cgroup=\"/machine.slice/a\\\\b\\\"c d=%.scope\"") != NULL,
	   "prometheus: label value escaped");
	ok(strstr(t, "memory_pressure_some_seconds_total{pid=\"1000\"} 1.200000\n") &&
	   !strstr(t, "memory_pressure_some_seconds_total{pid=\"2000\""),
	   "prometheus: pressure counter in seconds, absent when not available");
	ok(!strstr(t, "# EOF"), "prometheus: text format 0.0.4, no # EOF");
	ok(strstr(t, "# TYPE vhv_vm_major_faults_total counter\n") &&
	   strstr(t, "\nvhv_vm_major_faults_total{pid=\"1000\"} 1512\n"),
	   "prometheus: VM major faults counter (majflt)");
	for (line = strtok_r(t, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "vhv_vcpu_ready_seconds_total{", 29))
			ready++;
		if (!strncmp(line, "vhv_vcpu_swapin_delay_seconds_total{", 36))
			delay++;
		if (line[0] != '#' && strncmp(line, "vhv_", 4))
			bad_lines++;
	}
	ok(ready == 5, "prometheus: one ready series per vCPU (%d)", ready);
	ok(delay == 1, "prometheus: swapin_delay only for the vCPU with delayacct (%d)", delay);
	ok(!bad_lines, "prometheus: every line is a comment or a vhv_ sample");
	free(t);
}

static int count_lines(const char *t, const char *prefix)
{
	const char *p = t;
	int n = 0;

	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		n += !strncmp(p, prefix, strlen(prefix));
	return n;
}

static char *prom_text(const struct vhv_snapshot *s)
{
	char *t = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&t, &len);

	vhv_prom_print(m, s);
	fclose(m);
	return t;
}

static void test_prom_stolen(const struct vhv_snapshot st[2], const struct vhv_snapshot two[2])
{
	char *t = prom_text(&st[1]);

	ok(strstr(t, "# TYPE vhv_vm_ready_stolen_seconds_total counter\n") &&
	   strstr(t, "\nvhv_vm_ready_stolen_seconds_total{name=\"web1\",by=\"same_vm\"} 1.100000000\n") &&
	   strstr(t, "\nvhv_vm_ready_stolen_seconds_total{name=\"web1\",by=\"unattributed\"} 1.060000000\n") &&
	   strstr(t, "\nvhv_vm_ready_stolen_seconds_total{pid=\"6000\",by=\"other_vms\"} 0.200000000\n"),
	   "stolen: prometheus: a counter per class in the by label, seconds, exact");
	ok(count_lines(t, "vhv_vm_ready_stolen_seconds_total{") == 4 * VHV_STOLEN_MAX,
	   "stolen: prometheus: 9 series per VM");
	ok(strstr(t, "# TYPE vhv_vm_ready_stolen_by_vm_seconds_total counter\n") &&
	   strstr(t, "\nvhv_vm_ready_stolen_by_vm_seconds_total{name=\"web1\",culprit_name=\"web2\",culprit_uuid=\"\"} 15.600000000\n") &&
	   strstr(t, "\nvhv_vm_ready_stolen_by_vm_seconds_total{name=\"web1\",culprit_name=\"vm5\",culprit_uuid=\"\"} 4.040000000\n") &&
	   strstr(t, "\nvhv_vm_ready_stolen_by_vm_seconds_total{name=\"web2\",culprit_name=\"vm6\",culprit_uuid=\"\",culprit_pid=\"6000\"} 0.100000000\n"),
	   "stolen: prometheus: culprits by name, vm<id> when gone (no pid) or unnamed (its pid)");
	ok(count_lines(t, "vhv_vm_ready_stolen_by_vm_seconds_total{name=\"db1\",") == 3 &&
	   count_lines(t, "vhv_vm_ready_stolen_by_vm_seconds_total{") == 10 &&
	   strstr(t, "{name=\"db1\",culprit_name=\"vm8\",culprit_uuid=\"\"} 0.100000000\n") &&
	   !strstr(t, "culprit_name=\"vm9\""),
	   "stolen: prometheus: at most 3 culprits per VM (db1 lists 8)");
	free(t);

	t = prom_text(&two[1]);
	ok(strstr(t, "# TYPE vhv_vm_ready_stolen_seconds_total counter\n") &&
	   !strstr(t, "vhv_vm_ready_stolen_seconds_total{") &&
	   !strstr(t, "vhv_vm_ready_stolen_by_vm_seconds_total{"),
	   "stolen: prometheus: an older module: no stolen series");
	free(t);
}

/*
 * Culprit labels: escaped like every label; two VMs of one name get their
 * pids; the VM named "vm7" and the gone VM 7 would be one series: the
 * second is left out, and the next one taken.
 */
static void test_prom_culprit_labels(void)
{
	struct vhv_vm vms[4] = {
		{ .id = 1, .pid = 100, .name = "a\"b\\c", .uuid = "u1", .has_stolen = true,
		  .stolen = { .vm = 1, .ns[VHV_STOLEN_OTHER_VMS] = 9,
			      .by_vm = { 4, { { 4, 3 }, { 7, 2 }, { 2, 1 }, { 3, 0 } } } } },
		{ .id = 2, .pid = 200, .name = "same" },
		{ .id = 3, .pid = 300, .name = "same" },
		{ .id = 4, .pid = 400, .name = "vm7", .has_stolen = true,
		  .stolen = { .vm = 4, .ns[VHV_STOLEN_OTHER_VMS] = 9,
			      .by_vm = { 4, { { 1, 4 }, { 5, 3 }, { 8, 1 }, { 9, 0 } } } } },
	};
	struct vhv_snapshot s = { .vms = vms, .n_vms = 4 };
	char *t = prom_text(&s);

#define BY_VM1 "vhv_vm_ready_stolen_by_vm_seconds_total{name=\"a\\\"b\\\\c\",uuid=\"u1\","
	ok(strstr(t, "\nvhv_vm_ready_stolen_by_vm_seconds_total{name=\"vm7\",culprit_name=\"a\\\"b\\\\c\",culprit_uuid=\"u1\"} 0.000000004\n") &&
	   strstr(t, "\n" BY_VM1 "culprit_name=\"same\",culprit_uuid=\"\",culprit_pid=\"200\"} 0.000000001\n") &&
	   strstr(t, "\n" BY_VM1 "culprit_name=\"same\",culprit_uuid=\"\",culprit_pid=\"300\"} 0.000000000\n"),
	   "stolen: prometheus: culprit labels escaped, pids where names repeat");
	ok(count_lines(t, BY_VM1) == 3 &&
	   strstr(t, "\n" BY_VM1 "culprit_name=\"vm7\",culprit_uuid=\"\"} 0.000000003\n") &&
	   !strstr(t, "culprit_uuid=\"\"} 0.000000002\n"),
	   "stolen: prometheus: the gone VM 7 and the VM named vm7: one series, not two");
	ok(count_lines(t, "vhv_vm_ready_stolen_by_vm_seconds_total{name=\"vm7\",") == 3 &&
	   strstr(t, "{name=\"vm7\",culprit_name=\"vm5\",culprit_uuid=\"\"} 0.000000003\n") &&
	   strstr(t, "{name=\"vm7\",culprit_name=\"vm8\",culprit_uuid=\"\"} 0.000000001\n") &&
	   !strstr(t, "culprit_name=\"vm9\""),
	   "stolen: prometheus: culprits gone from the snapshot are vm<id>, uuid empty, 3 at most");
#undef BY_VM1
	free(t);
}

static void test_prom_states(const char *dir)
{
	struct vhv_snapshot s;
	char err[256] = "", *t = NULL, *line, *save = NULL;
	size_t len = 0;
	char *buf = slurp(dir, "states.snap", &len);
	FILE *m;
	int r, states = 0, stalled = 0;

	r = vhv_snapshot_parse("states.snap", buf, len, &s, err, sizeof(err));
	free(buf);
	if (r) {
		ok(0, "prometheus: states.snap (%s)", err);
		return;
	}
	m = open_memstream(&t, &len);
	vhv_prom_print(m, &s);
	fclose(m);
	ok(strstr(t, "# TYPE vhv_vm_stalls_total counter\n") &&
	   strstr(t, "\nvhv_vm_stalls_total{pid=\"2000\"} 3\n"),
	   "prometheus: vhv_vm_stalls_total, a counter from stall_count");
	ok(strstr(t, "# TYPE vhv_vm_stalled_vcpus gauge\n") &&
	   strstr(t, "\nvhv_vm_stalled_vcpus{pid=\"2000\"} 2\n"),
	   "prometheus: vhv_vm_stalled_vcpus gauge");
	ok(strstr(t, "# TYPE vhv_vm_paused gauge\n") &&
	   strstr(t, "\nvhv_vm_paused{pid=\"4000\"} 1\n") &&
	   strstr(t, "\nvhv_vm_paused{pid=\"3000\"} 0\n"),
	   "prometheus: vhv_vm_paused 1 for the paused VM only");
	ok(strstr(t, "\nvhv_vcpu_stalled{pid=\"2000\",vcpu=\"3\"} 1\n") &&
	   strstr(t, "\nvhv_vcpu_stalled{pid=\"2000\",vcpu=\"2\"} 0\n"),
	   "prometheus: vhv_vcpu_stalled per vCPU, with the vCPU labels");
	ok(strstr(t, "# TYPE vhv_vcpu_state gauge\n") &&
	   strstr(t, "\nvhv_vcpu_state{pid=\"2000\",vcpu=\"1\",state=\"blocked\"} 1\n") &&
	   strstr(t, "\nvhv_vcpu_state{pid=\"4000\",vcpu=\"0\",state=\"vmm\"} 1\n"),
	   "prometheus: vhv_vcpu_state, the state as a label, value 1");
	for (line = strtok_r(t, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "vhv_vcpu_state{", 15))
			states++;
		if (!strncmp(line, "vhv_vcpu_stalled{", 17))
			stalled++;
	}
	ok(states == 11 && stalled == 11,
	   "prometheus: one state and one stalled series per vCPU (%d, %d)", states, stalled);
	free(t);
	vhv_snapshot_free(&s);
}

/* Parse a command line written with '|' for its NUL bytes into a VM. */
static void cmdline(struct vhv_vm *vm, const char *bars)
{
	char buf[1024];
	size_t i, n = strlen(bars);

	for (i = 0; i < n; i++)
		buf[i] = bars[i] == '|' ? '\0' : bars[i];
	memset(vm, 0, sizeof(*vm));
	if (vhv_ident_cmdline(vm, buf, n))
		ok(0, "ident: out of memory");
}

static int streq(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

static void free_ident(struct vhv_vm *vm)
{
	free(vm->name);
	free(vm->uuid);
	free(vm->vmid);
	free(vm->machine);
	memset(vm, 0, sizeof(*vm));
}

static void test_ident(void)
{
	static const struct {
		const char *cmd, *name, *uuid, *vmid;
	} cases[] = {
		{ "qemu|-name|guest=web,debug-threads=on|-uuid|4F5B1C2D-0000-4000-8000-00000000000A|",
		  "web", "4f5b1c2d-0000-4000-8000-00000000000a", NULL },
		{ "kvm|-id|100|-name|db,debug-threads=on|", "db", NULL, "100" },
		{ "qemu|--name|a,,b,,,process=p|", "a,b,", NULL, NULL },
		{ "qemu|-name|process=p,guest=g|", "g", NULL, NULL },
		{ "qemu|-name|process=p|", NULL, NULL, NULL },
		{ "qemu|-name|one|-name|two|", "two", NULL, NULL },
		{ "qemu|-uuid|4f5b1c2d00004000800000000000000a|-id|10x|", NULL, NULL, NULL },
		{ "qemu|-uuid|4f5b1c2d-0000-4000-8000-00000000000g|-id|12345678901|", NULL, NULL, NULL },
		{ "qemu|-name|", NULL, NULL, NULL },
		{ "qemu|-name|-uuid|", "-uuid", NULL, NULL },
		{ "qemu|x-name|n|-namex|n|name|n|", NULL, NULL, NULL },
		{ "qemu|-name|tab\there\x7f|", "tab?here?", NULL, NULL },
		{ "qemu|-name|caf\xc3\xa9 \xe2\x82\xac|", "caf\xc3\xa9 \xe2\x82\xac", NULL, NULL },
		{ "qemu|-name|bad\xc3(\xe0\x80\x80\xed\xa0\x80|", "bad?(??????", NULL, NULL },
	};
	static const struct {
		const char *cgroup, *machine;
	} cgroups[] = {
		{ "/machine.slice/machine-qemu\\x2d3\\x2dweb.scope/libvirt/emulator", "qemu-3-web" },
		{ "/machine.slice/machine-qemu\\x2d3\\x2dweb.scope/libvirt/vcpu0", "qemu-3-web" },
		{ "/qemu.slice/100.scope", "100" },
		{ "/machine.slice/vm1.scope", "vm1" },
		{ "/machine.slice/machine-x\\x5cy\\x2.scope", "x\\y\\x2" },
		{ "/user.slice/user-0.slice/session-3.scope", NULL },
		{ "/system.slice/libvirtd.service", NULL },
		{ "/", NULL },
		{ "/machine.slice/.scope", NULL },
		{ "/machine.slice/machine-.scope", NULL },
	};
	struct vhv_vm vm;
	char buf[VHV_IDENT_MAX], big[600];
	size_t i;
	int good = 1, r;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cmdline(&vm, cases[i].cmd);
		if (!streq(vm.name, cases[i].name) || !streq(vm.uuid, cases[i].uuid) ||
		    !streq(vm.vmid, cases[i].vmid)) {
			printf("# case %zu: name %s uuid %s vmid %s\n", i, vm.name ? vm.name : "-",
			       vm.uuid ? vm.uuid : "-", vm.vmid ? vm.vmid : "-");
			good = 0;
		}
		free_ident(&vm);
	}
	ok(good, "ident: -name (guest=, implied, ,, and last wins), -uuid, -id; malformed ones ignored; control bytes and bad UTF-8 replaced");

	memset(big, 'n', sizeof(big));
	memcpy(big, "q|-name|", 8);
	big[sizeof(big) - 2] = '|';
	big[sizeof(big) - 1] = '\0';
	cmdline(&vm, big);
	ok(vm.name && strlen(vm.name) == VHV_IDENT_MAX - 1 && vm.name[0] == 'n',
	   "ident: a long name is cut to %d bytes", VHV_IDENT_MAX - 1);
	free_ident(&vm);

	good = 1;
	for (i = 0; i < sizeof(cgroups) / sizeof(cgroups[0]); i++) {
		r = vhv_ident_machine(cgroups[i].cgroup, buf, sizeof(buf));
		if (r ? !streq(buf, cgroups[i].machine) : cgroups[i].machine != NULL) {
			printf("# cgroup %s: %d %s\n", cgroups[i].cgroup, r, r ? buf : "");
			good = 0;
		}
	}
	ok(good, "ident: machine name of libvirt's and Proxmox's scopes, systemd's \\x escapes; none elsewhere");
}

/* Two VMs of one name (no uuid) both get their pid; a unique one does not. */
static void test_prom_names(void)
{
	struct vhv_vm vms[3] = {
		{ .id = 1, .pid = 100, .name = "same" },
		{ .id = 2, .pid = 200, .name = "same" },
		{ .id = 3, .pid = 300, .name = "same", .uuid = "u" },
	};
	struct vhv_snapshot s = { .vms = vms, .n_vms = 3 };
	char *t = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&t, &len);

	vhv_prom_print(m, &s);
	fclose(m);
	ok(strstr(t, "\nvhv_vm_vcpus{name=\"same\",pid=\"100\"} 0\n") &&
	   strstr(t, "\nvhv_vm_vcpus{name=\"same\",pid=\"200\"} 0\n") &&
	   strstr(t, "\nvhv_vm_vcpus{name=\"same\",uuid=\"u\"} 0\n"),
	   "prometheus: a name two VMs share gets their pids; name and uuid alone tell the third");
	free(t);
}

/* vhvstat events: trace_pipe lines parsed, and printed as JSON or text */
static void test_events(void)
{
	static const char stall[] = "            tvmm-1423    [001] d..2.  1385.701600: vhv_vcpu_stall: vm=19 idx=0 tid=1423 state=stopped idle_ms=1144 reason=\"stopped by a signal\"";
	struct vhv_ev_vm vm = { .id = 19, .pid = 1420, .name = "we\"b", .uuid = NULL };
	struct vhv_event ev;
	char *t = NULL;
	size_t len = 0;
	FILE *m;
	int r;

	r = vhv_event_parse(stall, &ev);
	ok(r == 1 && !strcmp(ev.name, "vcpu_stall") && near(ev.ts, 1385.7016) && ev.n == 6 &&
	   !strcmp(ev.key[5], "reason") && !strcmp(ev.val[5], "stopped by a signal") &&
	   ev.quoted[3] && !ev.quoted[4] && !strcmp(ev.val[4], "1144"),
	   "events: a vcpu_stall line: name, time, 6 fields, the quoted reason");
	ok(vhv_event_parse("CPU:1 [LOST 42 EVENTS]", &ev) == 1 && ev.lost == 42 &&
	   !strcmp(ev.name, "lost"), "events: a lost-events line");
	ok(vhv_event_parse("   kworker/0:1-23 [000] ..... 12.5: sched_switch: prev_comm=x", &ev) == 0 &&
	   vhv_event_parse("", &ev) == 0 &&
	   vhv_event_parse("  x-1 [000] ..... 12.5: other: text ': vhv_vm_add: id=1'", &ev) == 0,
	   "events: other events and text that quotes a vhv event are not vhv events");
	ok(vhv_event_parse("  a b-1 [000] ..... 12.500000: vhv_vm_add: id=3 pid=44 nr_vcpus=2", &ev) == 1 &&
	   !strcmp(ev.name, "vm_add") && ev.n == 3 && !strcmp(ev.val[1], "44"),
	   "events: a command name with a blank");
	ok(vhv_event_parse("  x-1 [000] ..... 1.0: vhv_vm_add: =3", &ev) == -1 &&
	   vhv_event_parse("  x-1 [000] ..... 1.0: vhv_vcpu_stall: reason=\"open", &ev) == -1,
	   "events: malformed fields are refused");

	vhv_event_parse(stall, &ev);
	m = open_memstream(&t, &len);
	vhv_event_print(m, &ev, 1796500000123456789ULL, &vm, "host1", true);
	fclose(m);
	ok(!strcmp(t, "{\"schema\":1,\"timestamp\":\"2026-12-05T19:46:40.123456Z\",\"hostname\":\"host1\","
		   "\"event\":\"vcpu_stall\",\"vm\":19,\"pid\":1420,\"name\":\"we\\\"b\",\"uuid\":null,"
		   "\"vcpu\":0,\"tid\":1423,\"state\":\"stopped\",\"idle_ms\":1144,"
		   "\"reason\":\"stopped by a signal\"}\n"),
	   "events: JSON: time, host, the VM's pid and names, the fields (vcpu for idx)");
	if (n_fail)
		printf("# %s", t);
	free(t);
	t = NULL;
	m = open_memstream(&t, &len);
	vhv_event_print(m, &ev, 1796500000123456789ULL, &vm, "host1", false);
	fclose(m);
	ok(!strcmp(t, "2026-12-05T19:46:40.123456Z vcpu_stall vm 19 \"we\"b\" vcpu=0 tid=1423 state=stopped idle_ms=1144 reason=\"stopped by a signal\"\n"),
	   "events: text: one line");
	free(t);
}

int main(int argc, char **argv)
{
	struct vhv_snapshot s[2], st[2];

	if (argc != 2) {
		fprintf(stderr, "usage: %s FIXTURE_DIR\n", argv[0]);
		return 2;
	}
	printf("TAP version 13\n");
	test_parse(argv[1], s);
	parse_two(argv[1], "stolen.snap", st);
	test_parse_stolen(st);
	test_stolen_figures(st, s);
	test_stolen_edges();
	test_stolen_text(st, s);
	test_stolen_json(st, s);
	test_malformed();
	test_wellformed_edges();
	test_rates(s);
	test_quantiles(s);
	test_text(s);
	test_json(s);
	test_prom(s);
	test_states(argv[1]);
	test_note_bound();
	test_prom_states(argv[1]);
	test_ident();
	test_prom_names();
	test_prom_stolen(st, s);
	test_prom_culprit_labels();
	test_events();
	vhv_snapshot_free(&s[0]);
	vhv_snapshot_free(&s[1]);
	vhv_snapshot_free(&st[0]);
	vhv_snapshot_free(&st[1]);
	printf("1..%d\n", n_test);
	printf("# %d passed, %d failed\n", n_test - n_fail, n_fail);
	return n_fail ? 1 : 0;
}
