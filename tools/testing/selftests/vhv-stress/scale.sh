#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scale.sh - 256 VMs and 1024 vCPUs alive at once (tiny tvmm guests: 4
# vCPUs each, 1 MiB, halted between LAPIC timer ticks 2 s apart), then the
# same past vhv's limits.
#
#   S  every VM appears (a directory whose pid is a tvmm's, with its 4
#      vCPUs and exactly tvmm's vCPU tids), nr_vms = 256, nr_vcpus = 1024
#   S  the snapshot reads consistently (one picture, many readers) with
#      1024 vCPUs; its size and read time are reported
#   S  the worker's period holds: a spinning VM's heartbeat never ages past
#      two periods while the 1024 vCPUs are tracked
#   L  vhv reloaded with max_vms=64 max_vcpus=256 while they run: 64 VMs
#      and 256 vCPUs tracked, untracked_vcpus = 768 (sysfs, snapshot)
#   U  unload with 1024 vCPUs tracked is clean (kernel log) and leaves
#      nothing; vhv loaded again tracks them all
#
# Reloads vhv; it is loaded with its defaults when the test ends.

set -e
. "$(dirname "${BASH_SOURCE[0]}")/../vhv/vhv_lib.sh"
vhv_require
[ -r "$VHV_KO" ] || tap_bail "no $VHV_KO to reload"

NVM=256
NVC=4
TOTAL=$((NVM * NVC))
SETTLE=900	# seconds for all of them to start under TCG

cleanup() {
	set +e
	vmm_kill_all
	vhv_restore
	vhv_cleanup
}
trap cleanup EXIT

tap_plan 9

# ---- S: start them ------------------------------------------------------------
t0=$(now_us)
for i in $(seq 1 $NVM); do
	vmm_start "s$i" -q -c $NVC -m 1 -w hlt -t 2000000 -d 0
	# 32 at a time: each waits for its vCPUs to run guest code
	if [ $((i % 32)) = 0 ]; then
		for j in $(seq $((i - 31)) "$i"); do
			vmm_wait_started "s$j" "$SETTLE" || true
		done
		diag "$i VMs started ($(( ($(now_us) - t0) / 1000000 )) s); vhv: nr_vms $(rd "$SYS/nr_vms"), nr_vcpus $(rd "$SYS/nr_vcpus")"
	fi
done
__all_tracked() {
	WAIT_SEEN="nr_vms $(rd "$SYS/nr_vms"), nr_vcpus $(rd "$SYS/nr_vcpus"), untracked_vcpus $(rd "$SYS/untracked_vcpus")"
	[ "$(rd "$SYS/nr_vms")" = "$1" ] && [ "$(rd "$SYS/nr_vcpus")" = "$2" ]
}
chk_counts() {
	local n
	n=$(grep -lx started "$TMPD"/s*.out | wc -l)
	diag "$n of $NVM tvmm started, in $(( ($(now_us) - t0) / 1000000 )) s"
	[ "$n" = $NVM ] && wait_for "$NVM VMs, $TOTAL vCPUs in vhv" "$SETTLE" __all_tracked $NVM $TOTAL
}
check "S: $NVM VMs of $NVC vCPUs started: nr_vms = $NVM, nr_vcpus = $TOTAL" chk_counts

# Every VM's directory against its tvmm's vCPU threads in /proc (tvmm -q
# prints no vcpu records): its threads named tvmm but the main one. KVM's
# own threads in the process (6.12's kvm-nx-lpage-recovery is a thread of
# the VMM) have other names. No fork per VM: with 1024 vCPUs on a debug
# kernel under load, a fork takes seconds (1,500 of them outlived the
# test's 2400 s).
chk_every_vm() {
	local i pid d t c tid n p got want ok miss=0 bad=0
	local -A dir_of=() mine=()
	for d in "$SYS"/vms/*; do
		read -r p < "$d/pid" || continue
		dir_of[$p]=$d
	done
	for ((i = 1; i <= NVM; i++)); do
		pid=${VMM_PID[s$i]}
		d=${dir_of[$pid]:-}
		if [ -z "$d" ]; then
			miss=$((miss + 1))
			[ $miss -gt 3 ] || diag "no VM directory for tvmm pid $pid"
			continue
		fi
		mine=() want=0 got=0 ok=1
		for t in /proc/"$pid"/task/*; do
			tid=${t##*/}
			[ "$tid" != "$pid" ] || continue
			read -r c < "$t/comm" || continue
			[ "$c" = tvmm ] || continue
			mine[$tid]=1
			want=$((want + 1))
		done
		for t in "$d"/vcpus/*/tid; do
			read -r tid < "$t" || { ok=0; continue; }
			got=$((got + 1))
			[ -n "${mine[$tid]:-}" ] || ok=0
		done
		read -r n < "$d/nr_vcpus" || n=
		if [ $ok = 0 ] || [ $got != $want ] || [ "$n" != $NVC ]; then
			bad=$((bad + 1))
			[ $bad -gt 3 ] || diag "pid $pid: $got vCPU directories (all of its threads: $ok), $want tvmm threads, nr_vcpus $n"
		fi
	done
	diag "$NVM tvmm: $miss without a directory, $bad with other vCPU threads"
	[ $miss = 0 ] && [ $bad = 0 ]
}
check "S: every VM appears, under its tvmm's pid, with exactly its $NVC vCPU threads" chk_every_vm

chk_snapshot() {
	local a b bytes ms
	a=$(now_us)
	bytes=$(wc -c < "$SNAP")
	b=$(now_us)
	ms=$(( (b - a) / 1000 ))
	diag "snapshot with $TOTAL vCPUs: $bytes bytes, read in $ms ms (cat | wc, TCG guest)"
	[ "$(grep -c '^vcpu ' "$SNAP")" = $TOTAL ] && [ "$(grep -c '^vm ' "$SNAP")" = $NVM ] &&
		"$PY" "$VHV_SELF/snapshot.py" format && "$PY" "$VHV_SELF/snapshot.py" readers
}
check "S: the snapshot lists $NVM vm and $TOTAL vcpu lines, consistent for every reader" chk_snapshot

# The worker's period (stall_ms / 4, clamped to 20 ms .. 1 s) with $TOTAL
# vCPUs: a spinning VM's heartbeat is renewed every period.
PERIOD_MS=$(( $(rd "$PARAMS/stall_ms") / 4 ))
[ "$PERIOD_MS" -le 1000 ] || PERIOD_MS=1000
vmm_start spin -c 1 -w spin -d 0
vmm_wait_started spin "$SETTLE" || true
vm_wait "${VMM_PID[spin]}" 1 "$SETTLE" || true
chk_period() {
	local end hb max=0 n=0
	[ -n "$VMDIR" ] || return 1
	end=$(( $(now_us) + 10000000 ))
	while [ "$(now_us)" -lt "$end" ]; do
		read -r hb < "$VMDIR/heartbeat_ms"
		[ "$hb" -le "$max" ] || max=$hb
		n=$((n + 1))
		nap 0.1
	done
	diag "spinning VM over 10 s with $((TOTAL + 1)) vCPUs tracked: max heartbeat_ms $max in $n samples (period $PERIOD_MS ms)"
	[ "$max" -le $((2 * PERIOD_MS + 200)) ]
}
check "S: the worker's period holds: a spinning VM's heartbeat stays under two periods" chk_period
vmm_stop spin

# ---- L: past the limits ------------------------------------------------------
n0=$(dmesg | wc -l)
rmmod vhv
chk_unload() {
	local log
	log=$(dmesg | tail -n +$((n0 + 1)))
	diag "rmmod with $TOTAL vCPUs tracked: $(echo "$log" | grep -c . ) kernel log lines"
	[ ! -e "$SYS" ] && [ ! -e /proc/vhv ] && ! echo "$log" | grep -qE "WARNING|BUG|leaked|Oops"
}
check "U: rmmod with $NVM VMs and $TOTAL vCPUs tracked: clean, nothing left" chk_unload
insmod "$VHV_KO" max_vms=64 max_vcpus=256
__limited() {
	WAIT_SEEN="nr_vms $(rd "$SYS/nr_vms"), nr_vcpus $(rd "$SYS/nr_vcpus"), untracked_vcpus $(rd "$SYS/untracked_vcpus")"
	[ "$(rd "$SYS/nr_vms")" = 64 ] && [ "$(rd "$SYS/nr_vcpus")" = 256 ] &&
		[ "$(rd "$SYS/untracked_vcpus")" = $((TOTAL - 256)) ]
}
check "L: max_vms=64 max_vcpus=256: 64 VMs, 256 vCPUs tracked, untracked_vcpus = $((TOTAL - 256))" \
	wait_for "the limits to fill" "$SETTLE" __limited
chk_snap_limits() {
	local l
	l=$(awk '$1 == "host"' "$SNAP")
	diag "snapshot: $l"
	[ "$(echo "$l" | kv untracked_vcpus)" = $((TOTAL - 256)) ] && [ "$(echo "$l" | kv nr_vcpus)" = 256 ] &&
		[ "$(grep -c '^vcpu ' "$SNAP")" = 256 ]
}
check "L: the snapshot says so (untracked_vcpus, nr_vcpus, 256 vcpu lines)" chk_snap_limits
rmmod vhv
insmod "$VHV_KO"
check "U: loaded again with the defaults: all $NVM VMs and $TOTAL vCPUs tracked" \
	wait_for "$NVM VMs, $TOTAL vCPUs in vhv" "$SETTLE" __all_tracked $NVM $TOTAL
vmm_kill_all
__nothing() { [ "$(rd "$SYS/nr_vms")" = 0 ] && [ "$(rd "$SYS/nr_vcpus")" = 0 ]; }
check "U: all VMs gone: nr_vms and nr_vcpus back to 0" wait_for "every VM gone" "$SETTLE" __nothing

tap_done
