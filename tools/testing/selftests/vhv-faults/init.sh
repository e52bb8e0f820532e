#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# init.sh - module init fails at each of its allocation steps, then loads.
#
# fail_function cannot reach init (a function is armed only once its module
# is loaded), so vhv has a load-time parameter on CONFIG_FAULT_INJECTION
# kernels: fail_init=N fails the Nth step (the vhv kobject, the host
# files, the vms kset, /proc/vhv and its snapshot, the workqueue, the
# sched_switch probe).
#
#   I  for N = 1, 2, ...: insmod vhv.ko fail_init=N fails with ENOMEM and
#      leaves nothing (no /sys/kernel/vhv, no module), until the first N
#      past the last step, which loads; at least the 5 steps above fail
#   I  vhv loaded normally again tracks a new VM with correct figures
#   K  kmemleak (run last in the suite: covers every test of it) finds no
#      object allocated by vhv unreferenced
#
# Run last: it unloads and reloads vhv (loaded when it ends).

set -e
. "$(dirname "${BASH_SOURCE[0]}")/faults_lib.sh"
faults_require
[ -r "$VHV_KO" ] || bail "no $VHV_KO to reload"
modinfo -p "$VHV_KO" | grep -q '^fail_init:' ||
	bail "$VHV_KO has no fail_init parameter: not built for a CONFIG_FAULT_INJECTION kernel"

cleanup() {
	set +e
	vmm_kill_all
	[ -d "$SYS" ] || insmod "$VHV_KO"
	faults_cleanup
}
trap cleanup EXIT

tap_plan 4

poll 30 nothing_left || diag "before: $LAST (VMs left by another suite?)"

# gone: nothing of vhv is left.
gone() { [ ! -d "$SYS" ] && [ ! -e /proc/vhv ] && [ ! -d /sys/module/vhv ] && ! grep -qw '^vhv' /proc/modules; }

NFAIL=0
init_steps() {
	local n out
	ff_disarm
	rmmod vhv || return 1
	gone || { diag "vhv still there after rmmod"; return 1; }
	for ((n = 1; n <= 30; n++)); do
		if out=$(insmod "$VHV_KO" fail_init=$n 2>&1); then
			diag "fail_init=$n: loaded (init has $((n - 1)) steps)"
			break
		fi
		if [[ $out != *"Cannot allocate memory"* ]]; then
			diag "fail_init=$n: insmod said '$out', not ENOMEM"
			return 1
		fi
		gone || { diag "fail_init=$n: vhv left behind ($(ls -d "$SYS" /sys/module/vhv 2>&1 | tr '\n' ' '))"; return 1; }
		NFAIL=$n
	done
	[ -d "$SYS" ] && [ "$NFAIL" -ge 5 ]
}
check "I: insmod fail_init=N fails with ENOMEM and leaves nothing, for each init step; past the last one vhv loads" init_steps

reload() { rmmod vhv && insmod "$VHV_KO" && [ -d "$SYS" ]; }
check "I: vhv reloads without fail_init" reload

check "I: a new 2-vCPU VM is tracked with tvmm's tids and its threads' figures" \
	eval 'vmm_start N -c 2 -w spin -d 0 && vmm_wait_started N 240 && tracked N 2 240'
vmm_kill_all
poll 60 nothing_left || true

# kmemleak reports an object unreferenced for 5 s or more: scan, wait, scan.
kml_clean() {
	local leaks vhvleaks
	echo scan > "$KML"
	sleep 6
	echo scan > "$KML"
	leaks=$(grep -c 'unreferenced object' "$KML" || true)
	vhvleaks=$(grep -A40 'unreferenced object' "$KML" | grep -c '\[vhv\]' || true)
	diag "kmemleak: $leaks unreferenced objects, $vhvleaks backtrace lines in vhv"
	[ "$vhvleaks" = 0 ] || grep -B2 -A30 'unreferenced object' "$KML" | head -n 60 | sed 's/^/#   /'
	[ "$vhvleaks" = 0 ]
}
if [ -w "$KML" ]; then
	check "K: kmemleak finds no unreferenced object allocated by vhv (whole suite)" kml_clean
else
	tap_notok "K: kmemleak finds no unreferenced object allocated by vhv (no $KML on this kernel)"
fi

tap_done
