#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# entry.sh - vhv attaches its kvm_entry probe only to find new vCPUs and
# looks at the vCPUs it tracks from sched_switch and the worker's IPI
# (Documentation/vhv/design.rst, "Sources of each figure"):
#
#   D  once every vCPU of a running VM is tracked, the probe is detached:
#      entry_probe 0 in sysfs and in the snapshot's host line
#   N  a VM started while it is detached is found all the same (its vCPUs
#      under tvmm's tids): the probe was attached for it
#      (entry_probe_attaches grew) and is detached again
#   C  with the probe detached, vhv's copies of KVM's counters keep up
#      with a busy VM (2 vCPUs of CPUID exits, which never return to the
#      VMM): the sum of its vCPUs' exits reaches the count KVM's debugfs
#      showed before, stays at most the count after, and no vCPU stalls
#
# Ground truth: tvmm's tids; KVM's own debugfs count of the VM's exits.

set -e
. "$(dirname "${BASH_SOURCE[0]}")/vhv_lib.sh"
vhv_require

trap vhv_cleanup EXIT

tap_plan 5

__detached() {
	WAIT_SEEN="entry_probe $(rd "$SYS/entry_probe"), attached $(rd "$SYS/entry_probe_attaches") times"
	[ "$(rd "$SYS/entry_probe")" = 0 ]
}

# ---- D ---------------------------------------------------------------------
vmm_start_tracked A 2 -w spin -d 0
DA=$VMDIR
check "D: A tracked, then vhv's kvm_entry probe detached (entry_probe 0)" \
	wait_for "entry_probe 0" 120 __detached
chk_snap_detached() {
	local l
	l=$(grep '^host ' "$SNAP")
	diag "$l"
	[ "$(echo "$l" | kv entry_probe)" = 0 ] &&
		[ "$(echo "$l" | kv entry_probe_attaches)" = "$(rd "$SYS/entry_probe_attaches")" ]
}
check "D: the snapshot's host line says entry_probe=0 and the same entry_probe_attaches" chk_snap_detached

# ---- N ---------------------------------------------------------------------
ATT0=$(rd "$SYS/entry_probe_attaches")
vmm_start B -c 3 -w spin -d 0
vmm_wait_started B
chk_found() {
	local idx tid t bad=
	vm_wait "${VMM_PID[B]}" 3 120 || return 1
	while read -r idx tid; do
		t=$(rd "$VMDIR/vcpus/$idx/tid")
		[ "$t" = "$tid" ] || bad+=" vcpu $idx: tid $t, tvmm $tid"
	done < <(vmm_tids B)
	diag "attaches $ATT0 -> $(rd "$SYS/entry_probe_attaches")${bad:+;$bad}"
	[ -z "$bad" ] && [ "$(rd "$SYS/entry_probe_attaches")" -gt "$ATT0" ]
}
check "N: B started while detached: its 3 vCPUs tracked under tvmm's tids; the probe was attached for it" chk_found
check "N: and detached again" wait_for "entry_probe 0 after B" 120 __detached
vmm_stop A
vmm_stop B

# ---- C ---------------------------------------------------------------------
vmm_start_tracked C 2 -w cpuid -d 0
DC=$VMDIR
wait_for "entry_probe 0 with C running" 120 __detached || true
ATT1=$(rd "$SYS/entry_probe_attaches")
KD=$(kvm_debugfs "${VMM_PID[C]}") || true
vhv_exits() {
	local s=0 f v
	for f in "$DC"/vcpus/*/exits; do read -r v < "$f"; s=$((s + v)); done
	echo $s
}
__caught_up() {
	local v
	v=$(vhv_exits)
	WAIT_SEEN="vhv's exits of C: $v; KVM's before: $K0"
	[ "$v" -ge "$K0" ]
}
chk_copies() {
	local v k1 st
	[ -n "$KD" ] && [ -r "$KD/exits" ] || { diag "no KVM debugfs exits for pid ${VMM_PID[C]}"; return 1; }
	K0=$(rd "$KD/exits")
	wait_for "vhv's copies of C's exits to reach KVM's count" 120 __caught_up || return 1
	v=$(vhv_exits)
	k1=$(rd "$KD/exits")
	st=$(cat "$DC"/vcpus/*/stall_count | tr '\n' ' ')
	diag "KVM's exits $K0 then $k1, vhv's $v; stall_count: $st; entry_probe $(rd "$SYS/entry_probe"), attaches $ATT1 -> $(rd "$SYS/entry_probe_attaches")"
	[ "$K0" -gt 0 ] && [ "$v" -le "$k1" ] &&
		[ "$(rd "$SYS/entry_probe")" = 0 ] && [ "$(rd "$SYS/entry_probe_attaches")" = "$ATT1" ] &&
		[ "$st" = "0 0 " ]
}
check "C: probe detached: C's vCPUs' exits reach KVM's count (debugfs) from before, stay below its count after; no stall" chk_copies
