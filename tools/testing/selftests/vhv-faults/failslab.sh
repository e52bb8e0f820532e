#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# failslab.sh - the real slab allocator fails vhv's probe-path allocations.
#
# alloc.sh makes vhv's own functions fail; here failslab makes kzalloc()
# itself fail inside them, on the VMM's threads only: task-filter=Y and
# make-it-fail set on tvmm (inherited by its vCPU threads), and
# ignore-gfp-wait=Y so that only non-sleeping allocations can fail.
# vhv's vCPU and VM objects are GFP_ATOMIC (the kvm_entry probe runs with
# IRQs off); KVM's own allocations on those threads (KVM_CREATE_VM,
# KVM_CREATE_VCPU, the MMU caches) may sleep and are left alone, so the VM
# runs. Sleeping allocations (sysfs, snapshot) run in vhv's worker or the
# reader, never on the VMM's threads: alloc.sh covers them.
#
#   S  times=1: the first atomic allocation of tvmm's threads, the vCPU
#      object, fails: track_failures +1, "out of memory, thread N not
#      tracked" for a vCPU thread of tvmm; the VM runs and is tracked at
#      the retry
#   S  times=2 under a 2-vCPU VM: two vCPU objects fail (the VM object is
#      the second atomic allocation only once a vCPU object exists, so
#      failslab cannot single it out: alloc.sh fails it by fail_function)
#   S  kmemleak is still on (a failed kmemleak metadata allocation would
#      have turned it off); no VM left; debug build: objects balance

set -e
. "$(dirname "${BASH_SOURCE[0]}")/faults_lib.sh"
faults_require
[ -w "$FSLAB/task-filter" ] || bail "no $FSLAB: this suite needs CONFIG_FAILSLAB and CONFIG_FAULT_INJECTION_DEBUG_FS"

fs_disarm() {
	echo 0 > "$FSLAB/probability"
	echo N > "$FSLAB/task-filter"
}

cleanup() {
	set +e
	fs_disarm
	faults_cleanup
}
trap cleanup EXIT

# fs_arm TIMES: fail the next TIMES non-sleeping slab allocations of tasks
# that have make-it-fail set. verbose=1: a line, no stack dump.
fs_arm() {
	echo Y > "$FSLAB/task-filter"
	echo Y > "$FSLAB/ignore-gfp-wait"
	echo N > "$FSLAB/cache-filter" 2>/dev/null || true
	echo 1 > "$FSLAB/verbose"
	echo 1 > "$FSLAB/interval"
	echo 0 > "$FSLAB/space"
	echo "$1" > "$FSLAB/times"
	echo 100 > "$FSLAB/probability"
}

# start_failing NAME TVMM-ARGS...: tvmm with make-it-fail (its threads
# inherit it).
start_failing() {
	local name=$1
	shift
	(echo 1 > /proc/self/make-it-fail && exec "$TVMM" "$@") \
		> "$TMPD/$name.out" 2> "$TMPD/$name.err" &
	VMM_PID[$name]=$!
	VMM_ALL+=("$!")
}

tap_plan 5

poll 30 nothing_left || diag "before: $LAST (VMs left by another suite?)"

VCPU_MSG='vhv: out of memory, thread [0-9]+ not tracked'

# slab_fail NAME TIMES NVCPUS: TIMES failures while VMM NAME starts: each
# is a vCPU object (the first atomic allocation of a vCPU thread), so
# track_failures grows by TIMES and VCPU_MSG is logged TIMES times.
slab_fail() {
	local n=$1 times=$2 nv=$3 f0 f1 m0 m1
	m0=$(klog_count "$VCPU_MSG")
	f0=$(failures)
	fs_arm "$times"
	start_failing "$n" -c "$nv" -w spin -d 0
	vmm_wait_started "$n" 240 || return 1
	if ! tracked "$n" "$nv" 240; then
		diag "not tracked; failslab times left $(rd "$FSLAB/times"), track_failures $f0 -> $(failures)"
		return 1
	fi
	f1=$(failures)
	m1=$(klog_count "$VCPU_MSG")
	diag "failslab x$times: track_failures $f0 -> $f1, times left $(rd "$FSLAB/times"), '$VCPU_MSG' logged $((m1 - m0)) times"
	fs_disarm
	[ "$(rd "$FSLAB/times")" = 0 ] && [ $((f1 - f0)) = "$times" ] && [ $((m1 - m0)) = "$times" ]
}

# msg_tids_ok NAME COUNT: the last COUNT messages name vCPU threads of NAME.
msg_tids_ok() {
	local tids t
	tids=" $(vmm_tids "$1" | awk '{ printf "%s ", $2 }')"
	for t in $(dmesg | grep -E "$VCPU_MSG" | tail -n "$2" | sed -E 's/.*thread ([0-9]+) .*/\1/'); do
		[[ $tids == *" $t "* ]] || { diag "message names thread $t; tvmm's vCPU threads:$tids"; return 1; }
	done
}

check "S: failslab x1 on tvmm's threads: the vCPU object fails, track_failures +1, logged; the VM runs and is tracked at the retry" \
	slab_fail S1 1 1
check "S: the thread the message names is tvmm's vCPU thread" msg_tids_ok S1 1
vmm_stop S1
poll 60 nothing_left || true

check "S: failslab x2 under a 2-vCPU VM: track_failures +2, logged twice for tvmm's vCPU threads; both tracked at the retry" \
	eval 'slab_fail S2 2 2 && msg_tids_ok S2 2'
vmm_stop S2

check "S: no VM left" poll 60 nothing_left
kml_on() {
	[ -e "$KML" ] || return 0
	if dmesg | grep -qE 'kmemleak: (Cannot allocate|Kernel memory leak detector disabled)'; then
		diag "kmemleak turned itself off: $(dmesg | grep kmemleak: | tail -n2 | tr '\n' ' ')"
		return 1
	fi
}
check "S: kmemleak is still on; debug build: every object created here was destroyed" \
	eval 'kml_on && poll 60 debug_lines_balance'
diag "$DEBUG_LINES"

tap_done
