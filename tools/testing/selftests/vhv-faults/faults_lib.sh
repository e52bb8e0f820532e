# SPDX-License-Identifier: GPL-2.0
# Helpers of the vhv-faults suite (sourced by each test; not a test).
#
# The suite runs on the debug kernels only (make check-debug): it needs
# fail_function (CONFIG_FAIL_FUNCTION) and vhv's fail_init parameter
# (CONFIG_FAULT_INJECTION), and fails when one is missing. failslab is not
# used: its task filter cannot single out vhv's allocations from KVM's and
# the kernel's on the same thread, so a run failed whichever came first;
# vhv's own injection points wrap each of its allocations instead. A test sources this file, calls faults_require, and sets
# "trap cleanup EXIT" with a cleanup() that calls faults_cleanup.

. "$(dirname "${BASH_SOURCE[0]}")/../vhv/vhv_lib.sh"

DBG=/sys/kernel/debug
FF=$DBG/fail_function
KML=$DBG/kmemleak

# bail REASON: the whole test fails (not a skip: this suite exists to run).
bail() {
	echo "TAP version 13"
	echo "Bail out! $*"
	exit $KSFT_FAIL
}

# faults_require: vhv_require, plus debugfs and fail_function with vhv's
# injection points.
faults_require() {
	vhv_require
	[ -d "$DBG/fail_function" ] || mount -t debugfs none "$DBG" 2>/dev/null || true
	[ -w "$FF/inject" ] || bail "no $FF: this suite needs a kernel with CONFIG_FAIL_FUNCTION (a debug kernel)"
	grep -qw vhv_vcpu_kzalloc "$FF/injectable" ||
		bail "$FF/injectable lists no vhv function: vhv.ko not built for this kernel?"
	ff_disarm
}

# ---- fail_function ----------------------------------------------------

# ff_arm FN TIMES [SPACE]: make the next TIMES calls of FN fail (-1: every
# call until ff_disarm), after SPACE - 1 calls that pass (see space in
# Documentation/fault-injection/fault-injection.rst). An ERRNO point
# returns -ENOMEM, a NULL point NULL. verbose=1: one line per failure and
# no stack dump (the log check would take "Call Trace:" for a bug).
ff_arm() {
	local fn=$1 times=$2 space=${3:-0}
	echo > "$FF/inject"
	echo "$fn" > "$FF/inject" || { diag "cannot arm $fn"; return 1; }
	if grep -qE "^$fn([[:space:]].*)?[[:space:]]ERRNO" "$FF/injectable"; then
		printf '%#x' -12 > "$FF/$fn/retval"
	fi
	echo N > "$FF/task-filter"
	echo 1 > "$FF/verbose"
	echo 1 > "$FF/interval"
	echo "$space" > "$FF/space"
	echo "$times" > "$FF/times"
	echo 100 > "$FF/probability"
}

# ff_disarm: no injection point, probability 0.
ff_disarm() {
	[ -w "$FF/inject" ] || return 0
	echo 0 > "$FF/probability"
	echo > "$FF/inject"
	echo 0 > "$FF/space"
}

# ff_left: failures still to inject (0 once TIMES were injected).
ff_left() { rd "$FF/times"; }

# ---- figures ----------------------------------------------------------

# failures: /sys/kernel/vhv/track_failures
failures() { rd "$SYS/track_failures"; }

# snap_has_vm PID: the snapshot lists the VM of PID (its id is printed).
snap_has_vm() {
	awk -v p="pid=$1" '$1 == "vm" { for (i = 2; i <= NF; i++) if ($i == p) { f = 1; sub("id=", "", $2); print $2 } }
		END { exit !f }' "$SNAP"
}

# snap_vcpus ID: the vcpu lines of VM ID in the snapshot, as "idx tid".
snap_vcpus() {
	awk -v v="vm=$1" '$1 == "vcpu" && $2 == v { sub("idx=", "", $3); sub("tid=", "", $5); print $3, $5 }' \
		"$SNAP"
}

# klog_count ERE: kernel log lines that match (since the suite began).
klog_count() { dmesg | grep -cE "$1" || true; }

# read_err FILE: read FILE; print the error text of a failed read (empty
# when the read worked). cat reports "Cannot allocate memory" for ENOMEM.
read_err() {
	local out
	if out=$(cat "$1" 2>&1 > /dev/null); then
		echo ""
	else
		echo "${out:-failed}"
	fi
}

# tracked NAME NVCPUS: vhv shows VMM NAME with NVCPUS vCPUs, each with
# tvmm's tid and plausible figures (run_ns > 0; ready_ns no more than the
# thread's run_delay read right after).
tracked() {
	local idx tid t run rdy rd2
	vm_wait "${VMM_PID[$1]}" "$2" "${3:-120}" || return 1
	while read -r idx tid; do
		[ -n "$idx" ] || continue
		t=$(rd "$VMDIR/vcpus/$idx/tid" 2>/dev/null) || t=
		[ "$t" = "$tid" ] || { diag "$1 vCPU $idx: tid '$t', tvmm says $tid"; return 1; }
		run=$(rd "$VMDIR/vcpus/$idx/run_ns")
		rdy=$(rd "$VMDIR/vcpus/$idx/ready_ns")
		rd2=$(schedstat_field "$tid" 2)
		if [ "$run" -le 0 ] || [ "$rdy" -gt "$rd2" ]; then
			diag "$1 vCPU $idx: run_ns $run, ready_ns $rdy, schedstat run_delay after $rd2"
			return 1
		fi
	done <<< "$(vmm_tids "$1")"
}

# nothing_left: no VM, no vCPU, no directory (LAST says what was seen).
nothing_left() {
	LAST="nr_vms $(rd "$SYS/nr_vms"), nr_vcpus $(rd "$SYS/nr_vcpus"), $(vm_count) dirs in vms/"
	[ "$(rd "$SYS/nr_vms")" = 0 ] && [ "$(rd "$SYS/nr_vcpus")" = 0 ] && [ "$(vm_count)" = 0 ]
}

# debug_lines_balance: in a debug build (VHV_DEBUG=y), every VM and vCPU
# object whose creation the kernel log shows was destroyed again. 0 when
# balanced or not a debug build (DEBUG_LINES says which).
debug_lines_balance() {
	local unmatched
	if ! dmesg | grep -qE 'vhv: (vm|vcpu) [0-9/]+ create$'; then
		DEBUG_LINES="not a debug build (no create/destroy lines)"
		return 0
	fi
	unmatched=$(dmesg | awk '/vhv: (vm|vcpu) [0-9\/]+ (create|destroy)$/ {
			k = $(NF - 2) " " $(NF - 1); n[k] += ($NF == "create") ? 1 : -1; if ($NF == "create") c++ }
		END { for (k in n) if (n[k] > 0) printf "%s ", k; printf "\n%d\n", c }')
	DEBUG_LINES="$(tail -n1 <<< "$unmatched") objects created, not destroyed: '$(head -n1 <<< "$unmatched")'"
	[ -z "$(head -n1 <<< "$unmatched" | tr -d ' ')" ]
}

faults_cleanup() {
	ff_disarm
	vhv_cleanup
}
