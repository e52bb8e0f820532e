#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# params.sh - load-time parameters: bad values, the limits, read_gid.
#
#   P  insmod with a bad parameter (out of range, hex, octal, garbage,
#      empty, negative) fails, says which parameter and its range, and
#      leaves vhv unloaded; good values load and read back; max_vms,
#      max_vcpus and read_gid are load-time only (a write is refused)
#   G  read_gid=4242: the snapshot and the VM and vCPU files are root:4242
#      0440: a user in group 4242 reads them, one outside does not
#   U  vhv loaded with max_vms=2 max_vcpus=4, three VMs of 3, 2 and 1 vCPUs
#      started one after another: the first 4 vCPUs (tvmm's own tids) of
#      the first 2 VMs are tracked, untracked_vcpus (sysfs and snapshot)
#      is 2, the worker reports max_vcpus; while nothing changes, no vCPU
#      is tried again (track_failures stays put: no retry storm); when the
#      first VM exits, the others are tracked and untracked_vcpus drops to
#      0; a third VM then (room for vCPUs, none for VMs) is untracked for
#      max_vms, and tracked once the others exit
#
# Reloads vhv; it is loaded with its defaults when the test ends.

set -e
. "$(dirname "${BASH_SOURCE[0]}")/vhv_lib.sh"
vhv_require
[ -r "$VHV_KO" ] || tap_bail "no $VHV_KO to reload"

reload() {
	[ ! -d "$SYS" ] || rmmod vhv || return 1
	insmod "$VHV_KO" "$@"
}

cleanup() {
	set +e
	vmm_kill_all
	vhv_restore
	vhv_cleanup
}
trap cleanup EXIT

tap_plan 15

# ---- P: load-time parameters ---------------------------------------------------

# refused PARAM=VALUE RANGE: insmod fails, the kernel log names the
# parameter, the value and RANGE, and vhv is not loaded.
refused() {
	local arg=$1 range=$2 p=${1%%=*} v=${1#*=} n0 msg
	n0=$(dmesg | wc -l)
	if insmod "$VHV_KO" "$arg" 2> "$TMPD/insmod.log"; then
		diag "insmod vhv.ko $arg loaded"
		rmmod vhv
		return 1
	fi
	msg=$(dmesg | tail -n +$((n0 + 1)) | grep -F "vhv: $p: \"$v\" refused: a decimal number in $range" || true)
	[ -n "$msg" ] || diag "insmod $arg: $(cat "$TMPD/insmod.log"); kernel log: $(dmesg | tail -n +$((n0 + 1)) | tail -n 3 | paste -sd'|')"
	[ -n "$msg" ] && [ ! -d "$SYS" ]
}

K0=$(dmesg | wc -l)
rmmod vhv
chk_refused() {
	local a ok=0
	for a in "stall_ms=0 100..3600000" "stall_ms=3600001 100..3600000" \
		"stall_ms=0x3e8 100..3600000" "stall_ms=01000 100..3600000" \
		"stall_ms=1e3 100..3600000" "stall_ms=-1 100..3600000" \
		"ready_trace_us=abc 1..60000000" "ready_trace_us= 1..60000000" \
		"swap_trace_us=0 1..60000000" "swap_trace_us=60000001 1..60000000" \
		"max_vms=0 1..65536" "max_vms=0x10 1..65536" \
		"max_vcpus=1048577 1..1048576" "max_vcpus=99999999999999999999 1..1048576" \
		"read_gid=-1 0..4294967294" "read_gid=4294967295 0..4294967294"; do
		refused ${a% *} "${a##* }" || { diag "not refused as it should be: ${a% *}"; ok=1; }
	done
	return $ok
}
check "P: insmod with a bad value (range, hex, octal, garbage, empty) fails, names the parameter and its range" chk_refused

chk_load() {
	insmod "$VHV_KO" max_vms=2 max_vcpus=4 stall_ms=400 read_gid=4242 || return 1
	diag "loaded with max_vms=$(rd "$PARAMS/max_vms") max_vcpus=$(rd "$PARAMS/max_vcpus") stall_ms=$(rd "$PARAMS/stall_ms") read_gid=$(rd "$PARAMS/read_gid")"
	[ "$(rd "$PARAMS/max_vms")" = 2 ] && [ "$(rd "$PARAMS/max_vcpus")" = 4 ] &&
		[ "$(rd "$PARAMS/stall_ms")" = 400 ] && [ "$(rd "$PARAMS/read_gid")" = 4242 ]
}
check "P: insmod max_vms=2 max_vcpus=4 stall_ms=400 read_gid=4242 loads; the values read back" chk_load

chk_ro() {
	local p
	for p in max_vms max_vcpus read_gid; do
		if (echo 8 > "$PARAMS/$p") 2> /dev/null; then
			diag "writing $p succeeded"
			return 1
		fi
	done
	diag "modes: $(stat -c '%n %a' "$PARAMS/max_vms" "$PARAMS/max_vcpus" "$PARAMS/read_gid" | paste -sd' ')"
	[ "$(rd "$PARAMS/max_vms")" = 2 ] && [ "$(rd "$PARAMS/max_vcpus")" = 4 ] &&
		[ "$(rd "$PARAMS/read_gid")" = 4242 ]
}
check "P: max_vms, max_vcpus and read_gid cannot be written once loaded" chk_ro

# ---- U: at the limits ----------------------------------------------------------

# tids NAME...: the vCPU tids tvmm printed for those VMMs, sorted
tids() { local n; for n in "$@"; do vmm_tids "$n" | cut -d' ' -f2; done | sort -n; }
# the tids vhv tracks, sorted
vhv_tids() { cat "$SYS"/vms/*/vcpus/*/tid 2> /dev/null | sort -n; }
host() { echo "nr_vms $(rd "$SYS/nr_vms"), nr_vcpus $(rd "$SYS/nr_vcpus"), untracked_vcpus $(rd "$SYS/untracked_vcpus"), track_failures $(rd "$SYS/track_failures")"; }
# settled VMS VCPUS UNTRACKED: vhv shows that many (and directories for them)
settled() {
	WAIT_SEEN=$(host)
	[ "$(rd "$SYS/nr_vms")" = "$1" ] && [ "$(rd "$SYS/nr_vcpus")" = "$2" ] &&
		[ "$(rd "$SYS/untracked_vcpus")" = "$3" ] && [ "$(vhv_tids | wc -l)" = "$2" ]
}

N0=$(dmesg | wc -l)
vmm_start A -c 3 -w spin -d 0
vmm_wait_started A 240
wait_for "VM A's 3 vCPUs tracked" 120 settled 1 3 0 || true
vmm_start B -c 2 -w spin -d 0
vmm_wait_started B 240
wait_for "VM B's first vCPU tracked, its second not" 120 settled 2 4 1 || true
vmm_start C -c 1 -w spin -d 0
vmm_wait_started C 240

chk_full() {
	wait_for "VM C untracked (max_vms)" 120 settled 2 4 2 || return 1
	diag "$(host)"
	# A's three vCPUs and one of B's: the tracked tids are tvmm's
	local a b t
	a=$(tids A | paste -sd' '); b=$(tids B | paste -sd' '); t=$(vhv_tids | paste -sd' ')
	diag "tvmm A: $a; B: $b; C: $(tids C); vhv: $t"
	[ "$(comm -12 <(tids A) <(vhv_tids) | wc -l)" = 3 ] &&
		[ "$(comm -12 <(tids B) <(vhv_tids) | wc -l)" = 1 ] &&
		[ "$(comm -12 <(tids C) <(vhv_tids) | wc -l)" = 0 ] &&
		! vm_of_pid "${VMM_PID[C]}" > /dev/null
}
check "U: max_vms=2 max_vcpus=4 with VMs of 3, 2, 1 vCPUs: A's 3 and 1 of B's tracked (tvmm's tids), untracked_vcpus 2" chk_full

chk_snap() {
	local l
	l=$(awk '$1 == "host"' "$SNAP")
	diag "snapshot: $l"
	[ "$(echo "$l" | kv untracked_vcpus)" = 2 ] && [ "$(echo "$l" | kv nr_vcpus)" = 4 ]
}
check "U: the snapshot's host line says untracked_vcpus=2 nr_vcpus=4" chk_snap

# as_user GROUPS FILE: uid 65534 with only GROUPS reads FILE
as_user() { setpriv --reuid=65534 --regid=65534 --groups="$1" cat "$2" > /dev/null 2>&1; }
chk_gid() {
	local f v ok=1
	v=$(ls -d "$SYS"/vms/*/vcpus/* | head -n1)
	for f in "$SNAP" "$SYS"/vms/*/pid "$SYS"/vms/*/cgroup "$v/tid"; do
		[ "$(stat -c '%a %u:%g' "$f")" = "440 0:4242" ] || { diag "$f: $(stat -c '%a %u:%g' "$f")"; ok=0; }
		as_user 4242 "$f" || { diag "group 4242 cannot read $f"; ok=0; }
		! as_user 4243 "$f" || { diag "group 4243 can read $f"; ok=0; }
	done
	[ $ok = 1 ]
}
check "G: read_gid=4242: snapshot, VM and vCPU files are 0440 root:4242; group 4242 reads them, group 4243 does not" chk_gid

# reported LIMIT TID: the worker logged LIMIT, last thread TID
reported() {
	local l
	l=$(dmesg | tail -n +$((N0 + 1)) | grep -E "vhv: $1 reached" || true)
	diag "kernel log: $(echo "$l" | paste -sd'|')"
	echo "$l" | grep -qE "vhv: $1 reached: [0-9]+ vCPU entries not tracked \(last thread $2\), [0-9]+ vCPUs untracked now"
}
check "U: the kernel log says max_vcpus was reached, with C's thread" reported max_vcpus "$(tids C)"

# The untracked vCPUs spin (they enter the guest every timer tick): each
# worker period (100 ms) makes them pass the probe's slow path. None of
# them may try again while nothing is freed.
chk_no_retry() {
	local f0 f1
	f0=$(rd "$SYS/track_failures")
	sleep 3
	f1=$(rd "$SYS/track_failures")
	diag "track_failures $f0, 3 s (30 worker periods) later $f1"
	[ "$f0" = "$f1" ] && [ "$f0" = 2 ]
}
check "U: no retry at the limit: track_failures is 2 (one per untracked vCPU) and does not move in 30 periods" chk_no_retry

vmm_stop A
chk_room() {
	wait_for "B's second vCPU and C tracked once A is gone" 120 settled 2 3 0 || return 1
	diag "$(host); tvmm B+C: $(tids B C | paste -sd' '); vhv: $(vhv_tids | paste -sd' ')"
	cmp -s <(tids B C) <(vhv_tids) && vm_of_pid "${VMM_PID[C]}" > /dev/null
}
check "U: A exits: B's second vCPU and C are tracked, untracked_vcpus 0" chk_room

N0=$(dmesg | wc -l)
vmm_start D -c 1 -w spin -d 0
vmm_wait_started D 240
chk_vms() {
	wait_for "D untracked (max_vms)" 120 settled 2 3 1 || return 1
	! vm_of_pid "${VMM_PID[D]}" > /dev/null && reported max_vms "$(tids D)"
}
check "U: a third VM with room for vCPUs but not for VMs: untracked, max_vms reported" chk_vms

vmm_stop B
vmm_stop C
chk_d() {
	wait_for "D tracked once B and C are gone" 120 settled 1 1 0 || return 1
	cmp -s <(tids D) <(vhv_tids)
}
check "U: B and C exit: D is tracked (its tid), untracked_vcpus 0" chk_d
vmm_stop D
check "U: every VM gone: nr_vms, nr_vcpus and untracked_vcpus 0" wait_for "nothing left" 120 settled 0 0 0

chk_untracked_exit() {
	# An untracked vCPU whose thread exits is no longer counted.
	vmm_start D -c 6 -w spin -d 0
	vmm_wait_started D 240
	wait_for "D: 4 tracked, 2 untracked" 120 settled 1 4 2 || return 1
	vmm_stop D
	wait_for "D gone" 120 settled 0 0 0
}
check "U: a VM of 6 vCPUs: 4 tracked, 2 untracked; after it exits, none counted" chk_untracked_exit

chk_defaults() {
	reload || return 1
	diag "defaults: max_vms $(rd "$PARAMS/max_vms"), max_vcpus $(rd "$PARAMS/max_vcpus"), stall_ms $(rd "$PARAMS/stall_ms")"
	[ "$(rd "$PARAMS/max_vms")" = 1024 ] && [ "$(rd "$PARAMS/max_vcpus")" = 65536 ] &&
		[ "$(rd "$PARAMS/stall_ms")" = 5000 ]
}
check "P: reloaded without parameters: max_vms 1024, max_vcpus 65536, stall_ms 5000" chk_defaults

klog_clean() {
	local bad
	bad=$(dmesg | tail -n +$((K0 + 1)) | grep -E 'WARNING:|BUG:|Oops|leaked' || true)
	[ -z "$bad" ] || diag "$bad"
	[ -z "$bad" ]
}
check "K: no WARN, BUG or leak message in the kernel log" klog_clean
tap_done
