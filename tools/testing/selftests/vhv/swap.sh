#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swap.sh - per-VM swap figures under real swap pressure: a 256 MiB guest
# whose memory the guest writes over and over, in a cgroup with
# memory.max = 96M.
#
#   Z  swap on zram (synchronous swap-in): swap_bytes, the VM's majflt
#      and majflt_rate, the vCPUs' majflt, mem_bytes, cgroup, memory
#      pressure, delay accounting
#   W  swap on zram behind dm-delay (2 ms per read: the vCPU thread waits
#      for the I/O), the vCPU sharing its CPU with a busy loop:
#      swap_wait_ns against the thread's blocked time traced from
#      sched_switch (prev_state=D) to sched_wakeup, once the thread has
#      blocked 64 times; the vhv_swap_wait events (swap_trace_us=1) add
#      up to swap_wait_ns, one per wait
#   A  the same (20 ms per read) with a guest that has interrupts on and a
#      LAPIC timer (tvmm -w memirq), until KVM took 32 async page faults:
#      KVM faults pages in asynchronously (kworker) and
#      parks the vCPU in its artificial halt; KVM's kvm_async_pf_* events
#      show it, halt_ns stays 0, swap_wait_ns matches the thread's sleep
#      time in KVM (S and D), and the vCPU reads swapwait; the VM's
#      apf_faults and apf_wait_ns match those events (count, and the
#      not-present to ready time matched by token)
#
# Ground truth: the VMM's VmSwap (/proc/PID/status), the vCPU threads'
# majflt (/proc/PID/task/TID/stat field 12) and scheduler events, the
# cgroup's memory.stat pgmajfault and memory.pressure, /proc/PID/cgroup,
# and delay accounting read through taskstats (genetlink: taskstats.py).
#
# Figures are compared while the VMM is SIGSTOPped, when none of them moves;
# while it runs, only read between two reads of the other side.
#
# W and A run until enough events happened (blocks, async page faults,
# counted by a trace of their own), not for a volume of wait time: a debug
# kernel (KASAN, lockdep) under load blocked 132 times in 600 s (0.63 s of
# swap wait); a stock kernel blocked 130 to 220 times to reach 1 s.

set -e
. "$(dirname "${BASH_SOURCE[0]}")/vhv_lib.sh"
vhv_require

MEM_MB=256
MAX_MB=96
# W: a 128 MiB guest is enough (each pass swaps >= 32 MiB back in at 2 ms a
# read) and starts swapping in after half the first-touch work: with 256 MiB
# the debug kernel had not swapped in a page after 600 s.
W_MEM_MB=128
PAGE=$(getconf PAGESIZE)
CG=/sys/fs/cgroup/vhv-swap-$$
DACCT0='' SCHED0='' ST0=''
KPROBE='' TRIED_TI='' CI=''

cleanup() {
	set +e
	vmm_kill_all
	swap_cleanup
	[ -n "$DACCT0" ] && sysctl -qw kernel.task_delayacct="$DACCT0"
	[ -n "$SCHED0" ] && sysctl -qw kernel.sched_schedstats="$SCHED0"
	[ -n "$ST0" ] && echo "$ST0" > "$PARAMS/swap_trace_us"
	vhv_cleanup
	[ -z "$KPROBE" ] || echo "-:$KPROBE" >> "$TRACEFS/kprobe_events"
}
trap cleanup EXIT

vmswap_bytes() { echo $(( $(awk '/^VmSwap:/ { print $2 }' "/proc/$1/status") * 1024 )); }
memstat() { awk -v k="$2" '$1 == k { print $2 }' "$1/memory.stat"; }
psi_total() { awk -v k="$2" '$1 == k { for (i = 2; i <= NF; i++) if ($i ~ /^total=/) { sub("total=", "", $i); print $i } }' "$1/memory.pressure"; }
majflt() { local st; read -ra st < "/proc/$1/task/$2/stat"; echo "${st[11]}"; }
# where a swapping VM is, for a wait that failed: first touch (minflt
# grows), swapping out (VmSwap grows) or swapping in (majflt grows)
faults_of() {
	local st
	read -ra st < "/proc/$1/task/$2/stat" || return 0
	echo "vCPU thread minflt ${st[9]} majflt ${st[11]}, VmSwap $(vmswap_bytes "$1") bytes, memory.current $(rd "$CG/memory.current")"
}
# counted: how many events the counting instance CI recorded, read while
# it records (opening an instance's "trace" would pause its recording, and
# TI's, the ground truth, must not miss an event).
counted() { trace_stats "$CI" 'entries|overrun'; }

swap_require

tap_plan 21

# ---- a VMM without delay accounting -------------------------------------
DACCT0=$(sysctl -n kernel.task_delayacct)
sysctl -qw kernel.task_delayacct=0
vmm_start OFF -c 1 -w spin -d 0
vmm_wait_started OFF
vm_wait "${VMM_PID[OFF]}" 1
OFFDIR=$VMDIR
sysctl -qw kernel.task_delayacct=1
d=$(rd "$OFFDIR/vcpus/0/swapin_delay_ns")
diag "VMM started with kernel.task_delayacct=0: swapin_delay_ns $d"
check "swapin_delay_ns = -1 for a vCPU thread forked without delay accounting" [ "$d" = -1 ]
vmm_stop OFF

# ---- swap: zram ------------------------------------------------------------------
zram_new
mkswap "/dev/zram$ZNUM" > /dev/null
swapon -p 32767 "/dev/zram$ZNUM"
SWAPON=1
diag "swap on /dev/zram$ZNUM: $(awk 'NR > 1 { printf "%s %s kB; ", $1, $3 }' /proc/swaps)"

# ---- the cgroup and the VM ---------------------------------------------------
memcg_new "$CG" "$MAX_MB"

# Retried faults, traced over the VM's whole life (see check 8): a kprobe
# on handle_mm_fault(vma, address, flags, regs), flags in %dx on x86-64,
# recording the calls of tvmm threads with FAULT_FLAG_TRIED (1 << 5 in 6.1
# and 6.12) in a private trace instance.
if trace_new tried &&
   echo "p:vhvswap$$/tried handle_mm_fault flags=%dx:u32" >> "$TRACEFS/kprobe_events"; then
	KPROBE=vhvswap$$/tried
	TRIED_TI=$TI
	echo 4096 > "$TI/buffer_size_kb"
	echo 'flags & 32 && comm == "tvmm"' > "$TI/events/$KPROBE/filter"
	echo 1 > "$TI/events/$KPROBE/enable"
else
	diag "no kprobe on handle_mm_fault (CONFIG_KPROBE_EVENTS): check 8 will fail"
fi
vmm_start_in "$CG" MEM -c 2 -w mem -m "$MEM_MB" -d 0
vmm_wait_started MEM
PID=${VMM_PID[MEM]}
vm_wait "$PID" 2
declare -A TID=()
while read -r idx tid; do [ -z "$idx" ] || TID[$idx]=$tid; done <<< "$(vmm_tids MEM)"
diag "VM: pid $PID, $(basename "$VMDIR"), vCPU tids ${TID[*]}, cgroup $CG"

__swapping() { LAST="VmSwap $(vmswap_bytes "$PID") bytes, memory.current $(rd "$CG/memory.current")"; [ "$(vmswap_bytes "$PID")" -ge $((32 << 20)) ]; }
tap_poll "the VM swaps (VmSwap >= 32 MiB within 600 s)" 600 __swapping

# ---- while it runs --------------------------------------------------------------
S0=$(rd "$VMDIR/majflt")
P0=$(memstat "$CG" pgmajfault)
__vm_majflt_grows() {
	local s p
	s=$(rd "$VMDIR/majflt"); p=$(memstat "$CG" pgmajfault)
	LAST="VM majflt $S0 -> $s, cgroup pgmajfault $P0 -> $p"
	[ "$s" -ge $((S0 + 256)) ] && [ "$p" -gt "$P0" ]
}
tap_poll "the VM's majflt grows while the VM runs (by 256 faults), as the cgroup's pgmajfault does" 300 __vm_majflt_grows

# majflt_rate's unit does not matter here: non-zero means a digit 1-9.
__rate_pos() { local r; r=$(rd "$VMDIR/majflt_rate"); LAST="majflt_rate $r while swapping"; [ "$r" != "${r//[1-9]/}" ]; }
RATE_OK=0; wait_for "majflt_rate > 0 while swapping" 60 __rate_pos && RATE_OK=1; RATE_LAST=$LAST; LAST=

__swap_eq_running() {
	local a v b lo hi tol
	read -r a < "$VMDIR/swap_bytes"; v=$(vmswap_bytes "$PID"); read -r b < "$VMDIR/swap_bytes"
	tol=$((64 * PAGE))
	lo=$((a < b ? a : b)); hi=$((a > b ? a : b))
	LAST="running: swap_bytes $a, VmSwap $v bytes, swap_bytes $b (tolerance $tol)"
	[ "$v" -ge $((lo - tol)) ] && [ "$v" -le $((hi + tol)) ]
}
tap_poll "running: swap_bytes = VmSwap read between two of its reads, within 64 pages (retried)" 60 __swap_eq_running

# ---- stopped: nothing moves ---------------------------------------------------------
kill -STOP "$PID"
diag "VMM stopped"

__swap_eq() {
	local a v
	read -r a < "$VMDIR/swap_bytes"; v=$(vmswap_bytes "$PID")
	LAST="stopped: swap_bytes $a, VmSwap $v bytes"
	[ "$a" -gt 0 ] && [ $((a > v ? a - v : v - a)) -le $((4 * PAGE)) ]
}
tap_poll "stopped: swap_bytes = VmSwap within 4 pages, and > 0" 60 __swap_eq

__majflt_eq() {
	local idx m t ok=0
	LAST=
	for idx in "${!TID[@]}"; do
		m=$(rd "$VMDIR/vcpus/$idx/majflt"); t=$(majflt "$PID" "${TID[$idx]}")
		LAST+="vcpu $idx: majflt $m, thread majflt $t; "
		[ $((m > t ? m - t : t - m)) -le 2 ] || ok=1
	done
	return $ok
}
tap_poll "stopped: each vCPU's majflt = its thread's majflt (/proc stat field 12)" 60 __majflt_eq

__vm_majflt_sum() {
	local idx s t=0
	s=$(rd "$VMDIR/majflt")
	for idx in "${!TID[@]}"; do t=$((t + $(majflt "$PID" "${TID[$idx]}"))); done
	LAST="stopped: VM majflt $s, sum of the vCPU threads' majflt $t"
	[ $((s > t ? s - t : t - s)) -le 4 ]
}
tap_poll "stopped: the VM's majflt = sum of the vCPU threads' majflt" 60 __vm_majflt_sum

# The VM's majflt against the cgroup's major faults.  The vCPU threads'
# majflt (the VM's majflt) and the memcg's pgmajfault count different things
# (mm/memory.c, 6.1 and 6.12):
#  - mm_account_fault() counts a completed fault as major when it returned
#    VM_FAULT_MAJOR *or* had been retried (FAULT_FLAG_TRIED).  A vCPU that
#    faults on a page another vCPU is reclaiming finds it in the swap
#    cache, locked: folio_lock_or_retry() waits and returns VM_FAULT_RETRY,
#    GUP retries with FAULT_FLAG_TRIED, and the retry - a swap-cache hit,
#    nothing read - is a major fault of the thread;
#  - PGMAJFAULT (vmstat, and the memcg of the mm's owner) is counted exactly
#    where VM_FAULT_MAJOR is set: do_swap_page() when it read the page
#    (6.1 mm/memory.c:3906-3908, 6.12 :4344-4346), filemap_fault, shmem.
# So the old "VM majflt <= pgmajfault" fails whenever reclaim races with
# the faults (a loaded make check on 6.12: 3544 > 2525), and holds in runs
# without such races.  What holds in every run, for the vCPU threads:
#   majflt <= pgmajfault + their faults retried with FAULT_FLAG_TRIED
# (each major fault is either a PGMAJFAULT or a retry; the retries traced
# above by a kprobe, an independent count), and
#   majflt >= pgmajfault - the VMM's other threads' majflt
# (on zram the read is synchronous and the fault that read completes, so
# each PGMAJFAULT of the cgroup is a major fault of some VMM thread).
# (delay accounting's swapin_count is no exact count of reads: delayacct_end
# counts only intervals with local_clock() moving forward; 6.1 under TCG
# missed 16% of them.)
__majflt_bounds() {
	local s p idx other=0 t=0 st lost tids=" ${TID[*]} "
	s=$(rd "$VMDIR/majflt"); p=$(memstat "$CG" pgmajfault)
	for st in /proc/"$PID"/task/*; do
		st=${st##*/}
		[[ "$tids" == *" $st "* ]] || other=$((other + $(majflt "$PID" "$st")))
	done
	[ -n "$TRIED_TI" ] || { LAST="no trace of retried faults"; return 1; }
	for idx in "${!TID[@]}"; do
		t=$((t + $(grep -c -- "-${TID[$idx]} *\[" "$TRIED_TI/trace" || true)))
	done
	lost=$(trace_stats "$TRIED_TI" overrun)
	LAST="stopped: VM majflt $s; cgroup pgmajfault $p; the VMM's other threads' majflt $other; vCPU faults retried with FAULT_FLAG_TRIED (traced) $t, $lost events lost"
	[ "$lost" = 0 ] && [ "$s" -ge $((p - other)) ] && [ "$s" -le $((p + t)) ]
}
tap_poll "stopped: cgroup pgmajfault - other threads' majflt <= the VM's majflt <= pgmajfault + the vCPUs' retried faults (traced)" 60 __majflt_bounds

__rate_zero() { local r; r=$(rd "$VMDIR/majflt_rate"); LAST="$RATE_LAST; majflt_rate $r when stopped"; [ "$r" = "${r//[1-9]/}" ]; }
if wait_for "majflt_rate 0 with the VMM stopped" 60 __rate_zero && [ $RATE_OK = 1 ]; then tap_ok "majflt_rate > 0 while swapping, 0 when stopped"; else tap_notok "majflt_rate > 0 while swapping, 0 when stopped"; fi
diag "$LAST"; LAST=

m=$(rd "$VMDIR/mem_bytes"); t=$(vmm_field MEM vm mem_bytes)
diag "mem_bytes $m, tvmm mem_bytes $t"
check "mem_bytes >= the VMM's guest RAM" [ "$m" -ge "$t" ]

c=$(rd "$VMDIR/cgroup"); pc=$(awk -F: '$1 == "0" { print $3 }' "/proc/$PID/cgroup")
diag "cgroup file '$c', /proc/$PID/cgroup '$pc', made ${CG#/sys/fs/cgroup}"
check "cgroup names the VMM's cgroup" eval '[ "$c" = "$pc" ] && [ "$c" = "${CG#/sys/fs/cgroup}" ]'

__psi_eq() {
	local s f ps pf
	ps=$(psi_total "$CG" some); pf=$(psi_total "$CG" full)
	s=$(rd "$VMDIR/mem_pressure_some_us"); f=$(rd "$VMDIR/mem_pressure_full_us")
	LAST="mem_pressure_some_us $s full_us $f; memory.pressure some total=$ps full total=$pf"
	[ "$s" -gt 0 ] && within_pct "$s" "$ps" 1 && within_pct "$f" "$pf" 1
}
tap_poll "mem_pressure_some/full_us = the cgroup's memory.pressure totals within 1%, some > 0" 60 __psi_eq

__delay_eq() {
	local idx v ts ok=0 sum=0
	LAST=
	for idx in "${!TID[@]}"; do
		v=$(rd "$VMDIR/vcpus/$idx/swapin_delay_ns")
		ts=$("$PY" "$VHV_SELF/taskstats.py" "${TID[$idx]}" | kv swapin_delay_total) || ts=x
		LAST+="vcpu $idx: swapin_delay_ns $v, taskstats swapin_delay_total $ts; "
		# a vCPU that swapped nothing in has a delay of 0
		[ "$v" != -1 ] && [ "$ts" != x ] && within_pct "$v" "$ts" 1 || ok=1
		[ "$(rd "$VMDIR/vcpus/$idx/majflt")" = 0 ] || [ "$v" -gt 0 ] || ok=1
		sum=$((sum + v))
	done
	[ "$sum" -gt 0 ] && return $ok
}
tap_poll "with delay accounting: swapin_delay_ns = taskstats' swapin_delay_total within 1%, > 0 where majflt > 0" 60 __delay_eq

for idx in "${!TID[@]}"; do
	diag "vcpu $idx: swap_wait_ns $(rd "$VMDIR/vcpus/$idx/swap_wait_ns") (zram swaps in synchronously: no I/O wait)"
done

# ---- W: swap-in that waits for I/O -------------------------------------------
vmm_stop MEM
swapoff "/dev/zram$ZNUM"
SWAPON=
echo 1 > "/sys/block/zram$ZNUM/reset"
# 2 ms per read, writes undelayed
if delayed_swap_on 2; then
	SCHED0=$(sysctl -n kernel.sched_schedstats)
	sysctl -qw kernel.sched_schedstats=1
	# W's blocks and A's async page faults, counted as they happen
	trace_new swapcount
	CI=$TI
	echo 64 > "$CI/buffer_size_kb"
	# Ground truth: the vCPU thread's blocked (D) time from the scheduler's
	# own events, over the VM's whole life, the first swap-outs included
	# (the thread does nothing but KVM_RUN: its D time is the swap-in path).
	trace_new swapwait
	trace_sleeps
	# every swap wait as an event, from before the VM's first one
	ST0=$(rd "$PARAMS/swap_trace_us")
	echo 1 > "$PARAMS/swap_trace_us"
	echo 1 > "$TI/events/vhv/vhv_swap_wait/enable"
	# CPU 0 shared with a busy loop, as on an overcommitted host: the vCPU
	# thread is often preempted between a VM exit and its I/O wait.
	taskset -c 0 sh -c 'while :; do :; done' &
	VMM_ALL+=("$!")
	vmm_start_in "$CG" W -c 1 -w mem -m "$W_MEM_MB" -a 0 -d 0
	vmm_wait_started W
	PID=${VMM_PID[W]}
	vm_wait "$PID" 1
	WTID=$(vmm_tids W | awk '{ print $2 }')
	diag "swap on $DMDEV (dm-delay over zram$ZNUM); VM pid $PID, $(basename "$VMDIR"), vCPU tid $WTID"
	echo "prev_pid == $WTID && prev_state == 2" > "$CI/events/sched/sched_switch/filter"
	echo 1 > "$CI/events/sched/sched_switch/enable"
	# schedstat iowait_sum (ms, 6 decimals): for reference only; on 6.12
	# EEVDF's delayed dequeue makes it miss part of some blocks.
	iowait_ns() { awk '/iowait_sum/ { split($NF, a, "."); printf "%.0f\n", a[1] * 1000000 + a[2] }' "/proc/$PID/task/$WTID/sched"; }
	# Each block waits for a read of 2 ms or for one already under way:
	# 4.7 ms on average on the debug kernel, 6 to 15 ms on stock ones. 64
	# blocks with less than 100 ms counted, or none, are a wrong figure.
	__waits() {
		local w n
		w=$(rd "$VMDIR/vcpus/0/swap_wait_ns"); n=$(counted)
		LAST="$n D sleeps of the vCPU thread (traced), swap_wait_ns $w, iowait_sum $(iowait_ns) ns, majflt $(rd "$VMDIR/vcpus/0/majflt")"
		[ "$n" -ge 64 ] && [ "$w" -ge 100000000 ]
	}
	tap_poll "W: with swap-in waiting for I/O, swap_wait_ns grows: past 100 ms by the vCPU thread's 64th block (traced; within 900 s)" 900 __waits
	stop_vmm "$PID" "$WTID"
	echo 0 > "$TI/events/enable"
	w=$(rd "$VMDIR/vcpus/0/swap_wait_ns"); i=$(iowait_ns)
	blocked=$(traced_sleep "$WTID" D run)
	nblk=${blocked#* }; blocked=${blocked% *}
	all=$(traced_sleep "$WTID" D)
	lost=$(trace_stats "$TI" overrun)
	diag "whole life: swap_wait_ns $w; traced D time in KVM_RUN $blocked ns in $nblk blocks ($(fcalc "100 * $w / ($blocked + 1)")%); all D time (blocks) ${all% *} (${all#* }); iowait_sum $i ns; $lost events lost"
	check "W: swap_wait_ns = the vCPU thread's blocked time in KVM_RUN (sched_switch D to sched_wakeup, >= 100 ms) within 2.5% (+10 ms)" \
		eval '[ "$lost" = 0 ] && [ "$blocked" -ge 100000000 ] && close_ns "$w" "$blocked" 2.5 10000000'
	__wait_vm() {
		LAST="VM swap_wait_ns $(rd "$VMDIR/swap_wait_ns"), its vCPU's $(rd "$VMDIR/vcpus/0/swap_wait_ns")"
		[ "$(rd "$VMDIR/swap_wait_ns")" = "$(rd "$VMDIR/vcpus/0/swap_wait_ns")" ]
	}
	tap_poll "W: VM swap_wait_ns = the sum of its vCPUs'" 60 __wait_vm
	vm=$(basename "$VMDIR")
	read -r ew en < <(trace_events "$TI/trace" vhv_swap_wait |
		awk -v vm="vm=$vm" '$2 == vm && $3 == "idx=0" { split($5, a, "="); s += a[2]; n++ }
			END { printf "%.0f %d\n", s, n }')
	diag "vhv_swap_wait: $en events of VM $vm, $ew ns in all; swap_wait_ns $w; $nblk traced blocks"
	check "W: vhv_swap_wait events (swap_trace_us=1) add up to swap_wait_ns, one per traced block or fewer, > 0" \
		eval '[ "$lost" = 0 ] && [ "$en" -gt 0 ] && [ "$en" -le "$nblk" ] && [ "$ew" = "$w" ]'

	# ---- A: the same with interrupts on: async page faults --------------
	# A guest with interrupts enabled (and no paravirtual async-PF
	# protocol) that touches a page KVM must read from swap waits in KVM's
	# artificial halt while a kworker reads the page: asleep (S), not in
	# I/O wait. That is swap wait too, never halt.
	vmm_stop W
	: > "$TI/trace"
	# 20 ms a read: an async page fault parks the vCPU only if the read is
	# still under way when KVM gets there, and with 2 ms reads the debug
	# kernel's vCPU thread mostly got there too late (15 sleeps for 182
	# async page faults in 600 s; the swapwait state never read)
	delayed_swap_ms 20
	echo 0 > "$CI/events/enable"
	: > "$CI/trace"
	APF=1
	for e in kvm_async_pf_not_present kvm_async_pf_ready; do
		echo 1 > "$TI/events/kvm/$e/enable" 2>/dev/null || { diag "cannot trace kvm:$e"; APF=0; }
	done
	echo 1 > "$TI/events/sched/sched_switch/enable"
	echo 1 > "$TI/events/sched/sched_wakeup/enable"
	echo 1 > "$TI/events/syscalls/sys_enter_ioctl/enable"	# KVM_RUN only (W's filter)
	echo 1 > "$TI/events/syscalls/sys_exit_ioctl/enable"
	vmm_start_in "$CG" A -c 1 -w memirq -m "$W_MEM_MB" -a 0 -d 0
	vmm_wait_started A
	PID=${VMM_PID[A]}
	vm_wait "$PID" 1
	ATID=$(vmm_tids A | awk '{ print $2 }')
	D=$VMDIR/vcpus/0
	diag "memirq VM pid $PID, $(basename "$VMDIR"), vCPU tid $ATID"
	if [ "$APF" = 1 ]; then
		echo "common_pid == $ATID" > "$CI/events/kvm/kvm_async_pf_not_present/filter"
		echo 1 > "$CI/events/kvm/kvm_async_pf_not_present/enable"
	fi
	SEEN_SW=0
	# The vCPU is in swapwait for a few ms at a time, about 1% of the
	# run: the poll below, slow with its trace greps on a loaded debug
	# kernel, read it 0 times in 900 s (6.12 debug, 2521 async page
	# faults, 7.2 s of swap wait). A sampler of its own reads the state
	# every 10 ms (no fork) until it sees swapwait once.
	SW_SEEN=$TMPD/swapwait-seen
	(
		s=
		until [ "$s" = swapwait ]; do nap 0.01; read -r s < "$D/state" || exit; done
		: > "$SW_SEEN"
	) &
	SW_SAMPLER=$!
	__apf_waits() {
		local w n
		w=$(rd "$D/swap_wait_ns"); n=$(counted)
		[ "$(rd "$D/state")" != swapwait ] || SEEN_SW=$((SEEN_SW + 1))
		[ ! -e "$SW_SEEN" ] || { SEEN_SW=$((SEEN_SW + 1)); rm -f "$SW_SEEN"; }
		LAST="$n async page faults (traced), swap_wait_ns $w, halt_ns $(rd "$D/halt_ns"), state read swapwait $SEEN_SW times; $(faults_of "$PID" "$ATID")"
		[ "$APF" = 1 ] || WAIT_ABORT="no trace of KVM's async page faults"
		[ "$n" -ge 32 ] && [ "$w" -ge 100000000 ] && [ "$SEEN_SW" -gt 0 ]
	}
	tap_poll "A: interrupts on: swap_wait_ns grows past 100 ms by KVM's 32nd async page fault (traced; within 900 s), and the vCPU reads swapwait" 900 __apf_waits
	kill "$SW_SAMPLER" 2>/dev/null || true
	wait "$SW_SAMPLER" 2>/dev/null || true
	rm -f "$SW_SEEN"
	stop_vmm "$PID" "$ATID"
	echo 0 > "$TI/events/enable"
	w=$(rd "$D/swap_wait_ns"); h=$(rd "$D/halt_ns")
	# every sleep of the thread inside KVM_RUN (S: the artificial halt, D:
	# a synchronous read); the guest never executes HLT
	blocked=$(traced_sleep "$ATID" SD run)
	nblk=${blocked#* }; blocked=${blocked% *}
	napf=$(grep -c "kvm_async_pf_not_present:" "$TI/trace" || true)
	nrdy=$(grep -c "kvm_async_pf_ready:" "$TI/trace" || true)
	lost=$(trace_stats "$TI" overrun)
	diag "whole life: swap_wait_ns $w, halt_ns $h; traced S+D time in KVM_RUN $blocked ns in $nblk blocks ($(fcalc "100 * $w / ($blocked + 1)")%); KVM: $napf async page faults, $nrdy ready; $lost events lost"
	check "A: KVM took async page faults, and halt_ns stayed 0 (the guest never halts)" \
		eval '[ "$APF" = 1 ] && [ "$napf" -gt 0 ] && [ "$h" = 0 ]'
	check "A: swap_wait_ns = the vCPU thread's sleep time in KVM_RUN (artificial halt and I/O wait, >= 100 ms) within 5% (+20 ms)" \
		eval '[ "$lost" = 0 ] && [ "$blocked" -ge 100000000 ] && close_ns "$w" "$blocked" 5 20000000'
	# KVM's own events of this vCPU thread, matched by token: the count of
	# "page not present", and the not-present to ready time of each
	read -r tn tm tw _ <<< "$(traced_apf "$ATID" "$TI/trace")"
	af=$(rd "$VMDIR/apf_faults"); aw=$(rd "$VMDIR/apf_wait_ns"); am=$(rd "$VMDIR/apf_max_ns")
	diag "VM apf_faults $af, apf_wait_ns $aw, apf_max_ns $am; traced: $tn not present, $tm matched ready, $tw ns in all"
	check "A: the VM's apf_faults = KVM's async page faults of its vCPU; apf_wait_ns = their traced not-present to ready time within 5% (+1 ms)" \
		eval '[ "$lost" = 0 ] && [ "$tn" -gt 0 ] && [ "$af" = "$tn" ] && close_ns "$aw" "$tw" 5 1000000 && [ "$am" -gt 0 ] && [ "$am" -le "$aw" ]'
else
	for n in "W: swap_wait_ns grows" "W: Δswap_wait_ns = blocked time" "W: VM swap_wait_ns = sum of its vCPUs'" \
		 "W: vhv_swap_wait events = swap_wait_ns" \
		 "A: swap_wait_ns grows" "A: async page faults, halt_ns 0" "A: swap_wait_ns = sleep time" \
		 "A: apf_faults and apf_wait_ns"; do
		tap_notok "$n: no dm-delay device over zram"
	done
fi

tap_done
