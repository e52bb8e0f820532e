#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# alloc.sh - every allocation vhv makes after init fails once (or for a
# while), through fail_function on vhv's own injection points; what a user
# sees is what Documentation/vhv/admin-guide.rst ("When memory runs out")
# says, and vhv works again once memory is back.
#
#   T  vhv_vcpu_kzalloc, vhv_vm_kzalloc (the probe path): track_failures
#      grows by exactly the number of failures, "out of memory ... not
#      tracked" is logged, the VM is tracked at the retry with tvmm's tids
#   D  vhv_sysfs_vm_dir_add, vhv_sysfs_vcpus_dir_add, vhv_sysfs_vcpu_add
#      failing until disarmed: the VM/vCPUs are counted and in the snapshot
#      but have no directory, "cannot create the sysfs directory" is
#      logged; after disarming the directories appear
#   R  vhv_sysfs_path_alloc (cgroup, mem_pressure_*), vhv_snapshot_path_alloc,
#      vhv_snapshot_text_alloc (first buffer, and growing it for a VM in a
#      cgroup whose path needs more than the first guess),
#      vhv_snapshot_slot_alloc: the read fails with ENOMEM, the next one
#      is complete
#   U  vhv_sysfs_uevent_send: a stall whose uevent is lost is still in
#      stalled and stall_count, and the loss is logged
#   K  afterwards: a new VM is tracked with correct figures; no VM left;
#      debug builds: every object created was destroyed (kmemleak: init.sh,
#      the suite's last test, and the harness after unloading)
#
# Fails (never skips) without fail_function: run on the debug kernels.

set -e
. "$(dirname "${BASH_SOURCE[0]}")/faults_lib.sh"
faults_require

STALL0=$(rd "$PARAMS/stall_ms")
CGBASE=

cleanup() {
	set +e
	ff_disarm
	echo "$STALL0" > "$PARAMS/stall_ms"
	vmm_kill_all
	[ -z "$CGBASE" ] || poll 10 cg_remove || diag "cannot remove $CGBASE"
	faults_cleanup
}
# cg_remove: remove the cgroups made here (once their processes are gone).
cg_remove() {
	[ -d "$CGBASE" ] || return 0
	find "$CGBASE" -depth -type d -exec rmdir {} + 2>/dev/null
	[ ! -d "$CGBASE" ]
}
trap cleanup EXIT

tap_plan 16

poll 30 nothing_left || diag "before: $LAST (VMs left by another suite?)"

# start NAME ARGS...: start tvmm and wait for its "started" line.
start() {
	local n=$1
	shift
	vmm_start "$n" "$@"
	vmm_wait_started "$n" 240
}

# stop NAME: stop the VMM and wait until vhv has forgotten every VM.
stop() {
	vmm_stop "$1"
	poll 60 nothing_left || { diag "after stopping $1: $LAST"; return 1; }
}

# ---- T: the probe path ----------------------------------------------------

# probe_fail NAME FN TIMES NVCPUS MSG: FN fails TIMES times while VMM NAME
# starts; exactly TIMES failures counted, MSG logged by the worker (it
# sums the failures of a period in one line), then the VM is tracked.
probe_fail() {
	local n=$1 fn=$2 times=$3 nv=$4 msg=$5 f0 f1 m0 m1
	f0=$(failures)
	m0=$(klog_count "$msg")
	ff_arm "$fn" "$times"
	start "$n" -c "$nv" -w spin -d 0 || return 1
	if ! tracked "$n" "$nv" 240; then
		diag "$fn: the VM was not tracked after $times failures (fail_function times left $(ff_left))"
		return 1
	fi
	f1=$(failures)
	m1=$(klog_count "$msg")
	diag "$fn x$times: track_failures $f0 -> $f1, '$msg' logged $((m1 - m0)) times, times left $(ff_left)"
	ff_disarm
	[ "$(ff_left)" = 0 ] && [ $((f1 - f0)) = "$times" ] && [ $((m1 - m0)) -ge 1 ] &&
		[ $((m1 - m0)) -le "$times" ]
}
check "T: vhv_vcpu_kzalloc fails 2x under a 2-vCPU VM: track_failures +2, logged, both vCPUs tracked at the retry" \
	probe_fail T1 vhv_vcpu_kzalloc 2 2 'vhv: out of memory: [0-9]+ vCPU entries not tracked \(last thread [0-9]+\)'
check "T: vhv_vcpu_kzalloc: no vCPU of the failed tries is in the snapshot twice" \
	eval '[ "$(snap_vcpus "$(snap_has_vm "${VMM_PID[T1]}")" | sort | uniq -d)" = "" ]'
stop T1 || true

check "T: vhv_vm_kzalloc fails 1x: track_failures +1, logged, the VM tracked at the retry" \
	probe_fail T2 vhv_vm_kzalloc 1 1 'vhv: out of memory: [0-9]+ vCPU entries not tracked \(last thread [0-9]+\)'
stop T2 || true

# ---- D: sysfs directories ------------------------------------------------

# dir_fail NAME FN NVCPUS MSG WHAT: FN fails until disarmed. While it does,
# the VM is listed (snapshot, nr_vms/nr_vcpus) and WHAT is missing; MSG is
# logged; after disarming the directories appear.
vm_dir_missing() { ! vm_of_pid "${VMM_PID[$1]}" > /dev/null; }
vcpus_dir_missing() { VMDIR=$(vm_of_pid "${VMM_PID[$1]}") && [ ! -d "$VMDIR/vcpus" ]; }
vcpu_dirs_missing() {
	VMDIR=$(vm_of_pid "${VMM_PID[$1]}") && [ -d "$VMDIR/vcpus" ] &&
		[ -z "$(ls "$VMDIR/vcpus")" ] && [ "$(rd "$VMDIR/nr_vcpus")" = "$2" ]
}
__listed() {
	local id
	id=$(snap_has_vm "${VMM_PID[$1]}") && [ "$(snap_vcpus "$id" | wc -l)" = "$2" ]
}
dir_fail() {
	local n=$1 fn=$2 nv=$3 msg=$4 what=$5 m0 m1 id
	m0=$(klog_count "$msg")
	ff_arm "$fn" -1
	start "$n" -c "$nv" -w spin -d 0 || return 1
	if ! poll 240 __listed "$n" "$nv"; then
		diag "$fn: the snapshot does not list VM pid ${VMM_PID[$n]} with $nv vCPUs"
		return 1
	fi
	id=$(snap_has_vm "${VMM_PID[$n]}")
	# wait for a second worker run, so a retry failed too
	poll 240 eval '[ $(( $(klog_count "$msg") - m0 )) -ge 2 ]' || true
	m1=$(klog_count "$msg")
	if ! "$what" "$n" "$nv"; then
		diag "$fn failing: VM $id has what should be missing ($(ls -R "$SYS/vms" | tr '\n' ' '))"
		return 1
	fi
	diag "$fn failing: VM $id listed with $nv vCPUs, nr_vms $(rd "$SYS/nr_vms") nr_vcpus $(rd "$SYS/nr_vcpus"); '$msg' logged $((m1 - m0)) times"
	[ "$(rd "$SYS/nr_vms")" = 1 ] && [ "$(rd "$SYS/nr_vcpus")" = "$nv" ] && [ $((m1 - m0)) -ge 1 ] || return 1
	ff_disarm
	tracked "$n" "$nv" 240 && [ "$(basename "$VMDIR")" = "$id" ]
}
check "D: vhv_sysfs_vm_dir_add failing: the VM is counted and in the snapshot, no vms/<id>, logged; disarmed: the directory appears" \
	dir_fail D1 vhv_sysfs_vm_dir_add 1 'vhv: cannot create the sysfs directory of VM [0-9]+ \(-12\), will retry' vm_dir_missing
stop D1 || true
check "D: vhv_sysfs_vcpus_dir_add failing: vms/<id> without vcpus/, logged; disarmed: vcpus/ and its vCPUs appear" \
	dir_fail D2 vhv_sysfs_vcpus_dir_add 2 'vhv: cannot create the sysfs directory of VM [0-9]+ \(-12\), will retry' vcpus_dir_missing
stop D2 || true
check "D: vhv_sysfs_vcpu_add failing: nr_vcpus 2 with an empty vcpus/, logged; disarmed: both vCPU directories appear" \
	dir_fail D3 vhv_sysfs_vcpu_add 2 'vhv: cannot create the sysfs directory of vCPU [0-9]+/[0-9]+ \(-12\), will retry' vcpu_dirs_missing

# ---- R: reads --------------------------------------------------------------

# read_fail FN TIMES SPACE FILE...: with FN armed, each FILE read fails
# with ENOMEM; disarmed, each reads.
read_fail() {
	local fn=$1 times=$2 space=$3 f e ok=0
	shift 3
	ff_arm "$fn" "$times" "$space"
	for f in "$@"; do
		e=$(read_err "$f")
		diag "$fn armed: read of ${f#"$SYS"/}: '${e:-no error}'"
		[[ $e == *"Cannot allocate memory"* ]] || ok=1
	done
	diag "$fn: times left $(ff_left)"
	[ "$(ff_left)" = 0 ] || ok=1
	ff_disarm
	for f in "$@"; do
		e=$(read_err "$f")
		[ -z "$e" ] || { diag "disarmed: read of $f: '$e'"; ok=1; }
	done
	return $ok
}
snap_complete() { tail -n1 "$SNAP" | grep -qx end && snap_has_vm "${VMM_PID[$1]}" > /dev/null; }

vm_wait "${VMM_PID[D3]}" 2 || true
check "R: vhv_sysfs_path_alloc: cgroup and mem_pressure_some_us fail with ENOMEM, then read" \
	read_fail vhv_sysfs_path_alloc 2 0 "$VMDIR/cgroup" "$VMDIR/mem_pressure_some_us"
check "R: cgroup reads as /proc/PID/cgroup says after the failure" \
	eval '[ "$(rd "$VMDIR/cgroup")" = "$(awk -F: '\''$1 == "0" { print $3 }'\'' "/proc/${VMM_PID[D3]}/cgroup")" ]'
check "R: vhv_snapshot_path_alloc: the snapshot read fails with ENOMEM; the next is complete" \
	eval 'read_fail vhv_snapshot_path_alloc 1 0 "$SNAP" && snap_complete D3'
check "R: vhv_snapshot_text_alloc (first buffer): ENOMEM; the next is complete" \
	eval 'read_fail vhv_snapshot_text_alloc 1 0 "$SNAP" && snap_complete D3'
check "R: vhv_snapshot_slot_alloc: ENOMEM; the next is complete" \
	eval 'read_fail vhv_snapshot_slot_alloc 1 0 "$SNAP" && snap_complete D3'
stop D3 || true

# A VM whose cgroup path, escaped (%25 per "%"), is longer than the
# snapshot's first guess (512 bytes per VM): the buffer must grow, and the
# second allocation (space=2) fails.
grow_fail() {
	local leaf name p
	name=$(printf '%%%.0s' $(seq 200))
	CGBASE=/sys/fs/cgroup/vhvf-$$
	leaf=$CGBASE/$name/$name/$name
	mkdir -p "$leaf" || return 1
	vmm_start_in "$leaf" G -c 1 -w spin -d 0
	vmm_wait_started G 240 && vm_wait "${VMM_PID[G]}" 1 240 || return 1
	p=$(rd "$VMDIR/cgroup")
	diag "VM in a cgroup path of ${#p} bytes"
	read_fail vhv_snapshot_text_alloc 1 2 "$SNAP" || return 1
	snap_complete G && grep -q "cgroup=/vhvf-$$/%25%25%25" "$SNAP"
}
check "R: vhv_snapshot_text_alloc (growing the buffer): ENOMEM; the next is complete, the long path escaped" grow_fail
stop G || true

# ---- U: uevent -------------------------------------------------------------

stall_lost_uevent() {
	local msg='vhv: cannot send the stall uevent of VM [0-9]+ \(-12\)' m0 m1
	echo 2000 > "$PARAMS/stall_ms"
	start U -c 1 -w spin -d 0 || return 1
	tracked U 1 240 || return 1
	m0=$(klog_count "$msg")
	ff_arm vhv_sysfs_uevent_send 1
	kill -STOP "${VMM_PID[U]}"
	if ! poll 120 eval '[ "$(rd "$VMDIR/stalled")" = 1 ]'; then
		diag "VM not stalled 120 s after SIGSTOP: heartbeat_ms $(rd "$VMDIR/heartbeat_ms")"
		return 1
	fi
	m1=$(klog_count "$msg")
	diag "stalled; stall_count $(rd "$VMDIR/stall_count"), '$msg' logged $((m1 - m0)) times, times left $(ff_left)"
	kill -CONT "${VMM_PID[U]}"
	ff_disarm
	[ "$(rd "$VMDIR/stall_count")" = 1 ] && [ $((m1 - m0)) = 1 ] &&
		poll 120 eval '[ "$(rd "$VMDIR/stalled")" = 0 ]'
}
check "U: vhv_sysfs_uevent_send: a stall whose uevent is lost is in stalled and stall_count, and logged; the VM recovers" \
	stall_lost_uevent
echo "$STALL0" > "$PARAMS/stall_ms"
stop U || true

# ---- K: vhv works on; nothing left -----------------------------------------

check "K: with nothing armed, a new 3-vCPU VM is tracked with tvmm's tids and its threads' figures" \
	eval 'f0=$(failures); start K -c 3 -w hlt -t 10000 -d 0 && tracked K 3 240 && [ "$(failures)" = "$f0" ]'
stop K || true
check "K: no VM left: nr_vms, nr_vcpus 0 and vms/ empty" nothing_left
# kobject releases may come late (CONFIG_DEBUG_KOBJECT_RELEASE): poll.
check "K: debug build: every VM and vCPU object created in this test was destroyed" \
	poll 60 debug_lines_balance
diag "$DEBUG_LINES"

tap_done
