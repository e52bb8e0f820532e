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
#   G  so is one whose thread never switches out inside a KVM ioctl
#      (SCHED_FIFO, alone on CPU 1 with RT throttling, the fair server
#      and the soft-lockup detector off, CPUID exits that KVM handles): the worker looks at each CPU that ran guest time in
#      its period. Its switch-outs, traced with their stacks, show that no
#      switch-out inside KVM found it
#   C  with the probe detached, vhv's copies of KVM's counters keep up
#      with a busy VM (2 vCPUs of CPUID exits, which never return to the
#      VMM): the sum of its vCPUs' exits reaches the count KVM's debugfs
#      showed before, stays at most the count after, and no vCPU stalls
#
# Ground truth: tvmm's tids; the kernel's stacks of the vCPU thread's
# switch-outs; KVM's own debugfs count of the VM's exits.

set -e
. "$(dirname "${BASH_SOURCE[0]}")/vhv_lib.sh"
vhv_require

# G's knobs: what would switch its vCPU thread out on CPU 1 otherwise.
# RT throttling (6.1) and the fair server (6.12, in debugfs) give CFS tasks
# some of each second; the soft-lockup detector's stopper work preempts
# every CPU every few seconds.
# Unbound kworkers (vhv's worker) and this shell stay on CPU 0, as on a
# host whose CPU 1 is isolated: a task queued behind the FIFO thread would
# not run until it ends.
G_KNOBS=(/proc/sys/kernel/sched_rt_runtime_us=-1
	/proc/sys/kernel/soft_watchdog=0
	/sys/kernel/debug/sched/fair_server/cpu1/runtime=0
	/sys/devices/virtual/workqueue/cpumask=1)
declare -A G_SAVED
g_knobs_set() {
	local k f
	for k in "${G_KNOBS[@]}"; do
		f=${k%=*}
		[ -e "$f" ] || continue
		G_SAVED[$f]=$(cat "$f")
		echo "${k##*=}" > "$f"
	done
}
g_knobs_restore() {
	local f
	for f in "${!G_SAVED[@]}"; do echo "${G_SAVED[$f]}" > "$f" 2>/dev/null || true; done
	G_SAVED=()
}
g_cleanup() {
	g_knobs_restore
	vhv_cleanup
}
trap g_cleanup EXIT

tap_plan 7

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

# ---- G ---------------------------------------------------------------------
# With G_KNOBS set, the FIFO thread keeps CPU 1 from its per-CPU kworkers:
# the VM lives at most G_LIMIT seconds (the workqueue watchdog reports a
# lockup after 30).
G_LIMIT=20
wait_for "A and B gone" 120 __nothing_left || true
wait_for "entry_probe 0 before G" 120 __detached || true
ATT2=$(rd "$SYS/entry_probe_attaches")
G_PRE="$(nproc) CPUs online, $(rd "$SYS/nr_vcpus") vCPUs tracked, entry_probe $(rd "$SYS/entry_probe")"
# vhv's worker re-arms its timer on the CPU it runs on. One armed on CPU 1
# before the workqueue cpumask kept the worker on CPU 0 fires on CPU 1,
# where the FIFO thread starves the timer softirq once ksoftirqd/1 has been
# woken: the worker then never runs in G (seen once, 6.1 under load). So G
# starts once the worker's timer has fired on CPU 0 twice (its work queued
# there, traced).
trace_new Gwq
GWQ=$TI
echo 'workqueue == "vhv"' > "$GWQ/events/workqueue/workqueue_queue_work/filter"
echo 1 > "$GWQ/events/workqueue/workqueue_queue_work/enable"
__worker_on_cpu0() {
	local n all
	# one read of the trace, so that both counts are of the same events
	read -r all n <<< "$(awk '/function=reg_tick / { all++; if (/\[000\] /) n++ }
		END { print all + 0, n + 0 }' "$GWQ/trace")"
	WAIT_SEEN="vhv's periodic work queued $all times since the knobs were set, $n of them on CPU 0"
	[ "$n" -ge 2 ]
}
trace_new G
echo 'prev_comm == "tvmm"' > "$TI/events/sched/sched_switch/filter"
echo 'stacktrace if prev_comm == "tvmm"' > "$TI/events/sched/sched_switch/trigger"
echo 1 > "$TI/events/sched/sched_switch/enable"
echo 1 > "$TI/tracing_on"
g_knobs_set
G_AFF=$(taskset -pc $$ | sed 's/.*: //')
taskset -pc 0 $$ > /dev/null
: > "$GWQ/trace"
G_WQ=0
wait_for "vhv's worker timer to fire on CPU 0 twice" 60 __worker_on_cpu0 && G_WQ=1
G_WQ_SEEN=$WAIT_SEEN
echo 0 > "$GWQ/tracing_on"
chrt -f 10 "$TVMM" -c 1 -w cpuid -a 1 -d "$G_LIMIT" > "$TMPD/G.out" 2> "$TMPD/G.err" &
VMM_PID[G]=$!
VMM_ALL+=("$!")
G_FOUND=0 G_VHV_TID=
vmm_wait_started G 120 && vm_wait "${VMM_PID[G]}" 1 "$G_LIMIT" && G_FOUND=1
echo 0 > "$TI/tracing_on"
[ "$G_FOUND" = 0 ] || G_VHV_TID=$(rd "$VMDIR/vcpus/0/tid" 2>/dev/null) || true
G_ATT=$(rd "$SYS/entry_probe_attaches")
vmm_stop G
G_KNOBS_SEEN=$(for f in "${!G_SAVED[@]}"; do echo -n "${f#/*/*/} ${G_SAVED[$f]} -> $(cat "$f"); "; done)
g_knobs_restore
taskset -pc "$G_AFF" $$ > /dev/null
cat "$TI/trace" > "$TMPD/G.trace"
G_TID=$(vmm_tids G | awk '{ print $2 }')

# g_switches: the vCPU thread's switch-outs: "all inside-KVM" counts
g_switches() {
	awk -v me="-$G_TID " '
		/<stack trace>/ { cur = index($0, me) > 0; if (cur) n++; kvm = 0; next }
		/^ => / { if (cur && !kvm && $2 ~ /^kvm_(vcpu|vm)_ioctl$/) { kvm = 1; k++ } next }
		{ cur = 0 }
		END { print n + 0, k + 0 }' "$TMPD/G.trace"
}
chk_g_found() {
	diag "before G: $G_PRE; $G_WQ_SEEN; G's vCPU thread (tvmm): '$G_TID'; vhv's: '$G_VHV_TID'; attaches $ATT2 -> $G_ATT"
	[ "$G_WQ" = 1 ] && [ "$G_FOUND" = 1 ] && [ -n "$G_TID" ] && [ "$G_VHV_TID" = "$G_TID" ] &&
		[ "$G_ATT" -gt "$ATT2" ]
}
check "G: a vCPU that runs alone on CPU 1 (SCHED_FIFO) is tracked under tvmm's tid within ${G_LIMIT} s; the probe was attached for it" chk_g_found
chk_g_never_out() {
	local all kvm
	read -r all kvm <<< "$(g_switches)"
	diag "knobs (saved -> set): $G_KNOBS_SEEN"
	diag "G's vCPU thread switched out $all times while traced (until it was found or gone), $kvm of them inside a KVM ioctl"
	[ "$all" -gt 0 ] && [ "$kvm" = 0 ] ||
		grep -B2 -A20 -- "-$G_TID .*<stack trace>" "$TMPD/G.trace" | head -n 60 | sed 's/^/#   /'
	[ "$all" -gt 0 ] && [ "$kvm" = 0 ]
}
check "G: and no look at a switch-out found it: its thread never switched out inside a KVM ioctl (traced stacks)" chk_g_never_out

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
