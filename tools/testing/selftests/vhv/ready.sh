#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ready.sh - per-vCPU ready, run, guest and halt time, exits, preemptions
# and the ready histogram against the ground truth: the scheduler's
# schedstat and stat files of each vCPU thread, and the scheduler's and
# KVM's own tracepoints on those threads (vcpu_trace.awk replays them).
#
#   A  4 busy vCPUs pinned to CPU 0: each is ready most of the time
#   X  a traced window on A: exits, preemptions and ready_hist buckets
#   T  the vhv_ready_wait tracepoint on that VM
#   B  1 busy vCPU on the otherwise idle machine: hardly ever ready (< 10%)
#   C  2 vCPUs idling in HLT with a 10 ms timer: halted most of the time,
#      ready less than half as much as A's; a traced window for exits
#
# Each window reads vhv's files between two reads of the ground truth at
# its start and end (or between two trace markers) and compares the
# differences.

set -e
SELFDIR=$(dirname "${BASH_SOURCE[0]}")
. "$SELFDIR/vhv_lib.sh"
vhv_require

WIN=${VHV_TEST_WINDOW:-4}	# seconds per measurement window
RT0=
SCHEDSTATS=/proc/sys/kernel/sched_schedstats
SS0=

cleanup() {
	set +e
	[ -n "$RT0" ] && echo "$RT0" > "$PARAMS/ready_trace_us"
	[ -n "$SS0" ] && echo "$SS0" > "$SCHEDSTATS"
	vhv_cleanup
}
trap cleanup EXIT

# sched:sched_stat_wait fires only with schedstats on; on from here, so
# that every wait the traced windows see began with them on.
if [ -w "$SCHEDSTATS" ]; then
	SS0=$(rd "$SCHEDSTATS")
	echo 1 > "$SCHEDSTATS"
fi

declare -A S=()		# samples: S[tag:idx:field]
declare -A TID=()	# idx -> tid of the VM under test
PID=

# load_vm NAME NR_VCPUS: wait for the VM of VMM NAME; fill PID, VMDIR, TID
# and KDIR (KVM's debugfs directory of that VM; empty if there is none).
load_vm() {
	local idx tid
	vmm_wait_started "$1"
	PID=${VMM_PID[$1]}
	vm_wait "$PID" "$2"
	TID=()
	while read -r idx tid; do [ -z "$idx" ] || TID[$idx]=$tid; done <<< "$(vmm_tids "$1")"
	KDIR=$(kvm_debugfs "$PID") || KDIR=
	diag "VM $1: pid $PID, $(basename "$VMDIR"), vCPU tids ${TID[*]}, KVM debugfs ${KDIR:-none}"
}

# KVM's own VM-wide statistics (sums over the VM's vCPUs) in debugfs.
KSTATS="halt_wait_ns"
# kvm_read KEY: read them into S[KEY:stat] (empty when missing)
kvm_read() {
	local f
	for f in $KSTATS; do
		S[$1:$f]=
		if [ -n "$KDIR" ] && [ -r "$KDIR/$f" ]; then
			read -r "S[$1:$f]" < "$KDIR/$f"
		fi
	done
}

# sample TAG: per vCPU, vhv's files between two reads of the thread's
# schedstat (TAG:IDX:rd0/se0 before, rd/se after), so that the ground truth
# at the moment of vhv's read is bracketed however slow the reads are;
# KVM's statistics just before (TAG:kb) and just after (TAG:ka) all that.
sample() {
	local tag=$1 idx tid d r run a b c a0 b0 st
	kvm_read "$tag:kb"
	read -r "S[$tag:vmready0]" < "$VMDIR/ready_ns"
	for idx in "${!TID[@]}"; do
		tid=${TID[$idx]}
		d=$VMDIR/vcpus/$idx
		S[$tag:$idx:t]=${EPOCHREALTIME//[!0-9]/}
		read -r a0 b0 c < "/proc/$PID/task/$tid/schedstat"
		read -r r < "$d/ready_ns"
		read -r run < "$d/run_ns"
		read -r a b c < "/proc/$PID/task/$tid/schedstat"
		S[$tag:$idx:ready]=$r S[$tag:$idx:rd]=$b S[$tag:$idx:pc]=$c
		S[$tag:$idx:run]=$run S[$tag:$idx:se]=$a
		S[$tag:$idx:rd0]=$b0 S[$tag:$idx:se0]=$a0
		read -r "S[$tag:$idx:guest]" < "$d/guest_ns"
		read -ra st < "/proc/$PID/task/$tid/stat"
		S[$tag:$idx:gt]=${st[42]}
		read -r "S[$tag:$idx:halt]" < "$d/halt_ns"
		read -r "S[$tag:$idx:exits]" < "$d/exits"
		read -r "S[$tag:$idx:preempt]" < "$d/preemptions"
	done
	read -r "S[$tag:vmready]" < "$VMDIR/ready_ns"
	kvm_read "$tag:ka"
}

# d TAG0 TAG1 IDX FIELD: difference of a sampled field.
d() { local a=${S[$1:$3:$4]} b=${S[$2:$3:$4]}; echo $((b - a)); }
# wall_ns TAG0 TAG1 IDX
wall_ns() { local a=${S[$1:$3:t]} b=${S[$2:$3:t]}; echo $(((b - a) * 1000)); }
# sum_d TAG0 TAG1 FIELD: sum over vCPUs of the differences
sum_d() {
	local idx s=0
	for idx in "${!TID[@]}"; do s=$((s + ${S[$2:$idx:$3]} - ${S[$1:$idx:$3]})); done
	echo $s
}

# close A B PCT [ABS]: |A-B| <= PCT% of max(A,B), or <= ABS
close() { within_pct "$1" "$2" "$3" || [ $(( $1 > $2 ? $1 - $2 : $2 - $1 )) -le "${4:-0}" ]; }

# bracketed IDX FIELD TRUTH PCT [ABS]: vhv's Δ of FIELD over the window
# w0..w1 against the ground truth's Δ, known to lie between LO (truth read
# after vhv at w0, before it at w1) and HI (the other way round): pass when
# Δ is within [LO, HI] widened by PCT% (or ABS ns, if larger).
bracketed() {
	local x lo hi n=sum_exec_runtime
	[ "$3" = se ] || n=run_delay
	x=$(d w0 w1 "$1" "$2")
	lo=$(( ${S[w1:$1:${3}0]} - ${S[w0:$1:$3]} ))
	hi=$(( ${S[w1:$1:$3]} - ${S[w0:$1:${3}0]} ))
	diag "vcpu $1: Δ${2}_ns $x, schedstat Δ$n between $lo and $hi"
	in_bracket "$x" "$lo" "$hi" "$4" "${5:-0}"
}

# per_vcpu NAME CMD...: run CMD with IDX set for each vCPU; all must pass.
per_vcpu() {
	local name=$1 ok=1 IDX
	shift
	for IDX in "${!TID[@]}"; do
		"$@" || ok=0
	done
	if [ $ok = 1 ]; then tap_ok "$name"; else tap_notok "$name"; fi
}

# __entered: every vCPU of the VM under test has entered the guest and
# exited again (its start-up is behind it).
__entered() {
	local idx e r ok=0
	WAIT_SEEN=
	for idx in "${!TID[@]}"; do
		read -r e < "$VMDIR/vcpus/$idx/exits"
		read -r r < "$VMDIR/vcpus/$idx/run_ns"
		WAIT_SEEN+="vcpu $idx: exits $e, run_ns $r; "
		[ "$e" -gt 0 ] && [ "$r" -gt 0 ] || ok=1
	done
	return $ok
}
# settle: wait (condition, not time) until every vCPU runs guest code.
settle() { wait_for "every vCPU of $1 to enter the guest and exit" 120 __entered; }

# measure [MIN_PCOUNT [MIN_RD_NS]]: sample w0, sleep a window, sample w1.
# The window is WIN seconds, longer if need be (up to 120 s) until every
# vCPU has been scheduled in MIN_PCOUNT times and has waited for a CPU at
# least MIN_RD_NS (schedstat's run_delay): a ratio needs enough episodes,
# a comparison of ready times one that 0 cannot pass for, and a slow
# machine gives fewer per second.
measure() {
	local min=${1:-0} mrd=${2:-0} idx short t0=$SECONDS
	sample w0
	sleep "$WIN"
	sample w1
	while :; do
		short=
		for idx in "${!TID[@]}"; do
			[ $(( ${S[w1:$idx:pc]} - ${S[w0:$idx:pc]} )) -ge "$min" ] &&
				[ $(( ${S[w1:$idx:rd0]} - ${S[w0:$idx:rd]} )) -ge "$mrd" ] ||
				short+="$idx "
		done
		[ -n "$short" ] || break
		if [ $((SECONDS - t0)) -ge 120 ]; then
			diag "window of $((SECONDS - t0)) s: vCPUs $short scheduled in fewer than $min times or ready less than $mrd ns"
			break
		fi
		sleep 1
		sample w1
	done
	diag "measurement window $((SECONDS - t0)) s"
}

# ---- traced windows -------------------------------------------------------
#
# A trace instance records, for the vCPU threads of the VM under test
# only, the scheduler's switches and CFS waits and KVM's guest entries,
# exits and returns to userspace. The test writes a marker into it just
# before and just after it reads a vCPU's exits, preemptions and
# ready_hist, at the window's start (x0) and end (x1). vcpu_trace.awk
# replays the trace the way vhv accounts and gives, at each marker, the
# counts vhv's copy lies between: TR[TAG:a|b:IDX:KEY]. The bounds are
# exact (no tolerance): the markers take the window's edges into account,
# and vhv's own sched_switch probe, attached before the trace event, runs
# before the event is recorded. vhv's kvm_entry probe must stay detached
# in the window (its looks follow another rule): the window starts once
# /sys/kernel/vhv/entry_probe is 0 and is void if it was attached since.
TRACE_EVENTS="sched/sched_switch sched/sched_stat_wait kvm/kvm_entry kvm/kvm_exit kvm/kvm_userspace_exit"
declare -A TR=()
TR_BAD=		# why the last traced window cannot be judged, or empty

# pcsample TAG: each vCPU thread's pcount (schedules in) into S[TAG:IDX:pc]
pcsample() {
	local idx
	for idx in "${!TID[@]}"; do
		read -r _ _ "S[$1:$idx:pc]" < "/proc/$PID/task/${TID[$idx]}/schedstat"
	done
}

# tsample TAG: per vCPU, vhv's exits, preemptions and ready_hist between
# the markers "vhvtest TAG a IDX" and "vhvtest TAG b IDX"; pcount too.
tsample() {
	local idx d
	pcsample "$1"
	for idx in "${!TID[@]}"; do
		d=$VMDIR/vcpus/$idx
		echo "vhvtest $1 a $idx" > "$TI/trace_marker"
		read -r "S[$1:$idx:exits]" < "$d/exits"
		read -r "S[$1:$idx:preempt]" < "$d/preemptions"
		read -r "S[$1:$idx:hist]" < "$d/ready_hist"
		echo "vhvtest $1 b $idx" > "$TI/trace_marker"
	done
}

# __switched TAG MIN: every vCPU scheduled in MIN times since pcsample TAG
__switched() {
	local idx pc short=
	for idx in "${!TID[@]}"; do
		read -r _ _ pc < "/proc/$PID/task/${TID[$idx]}/schedstat"
		[ $((pc - ${S[$1:$idx:pc]})) -ge "$2" ] || short+="$idx "
	done
	WAIT_SEEN="vCPUs scheduled in fewer than $2 times: $short"
	[ -z "$short" ]
}

# trace_setup NAME: the instance, its filters and buffer; TR_BAD if not.
trace_setup() {
	local e tids=()
	for e in "${!TID[@]}"; do tids+=("${TID[$e]}"); done
	trace_new "$1" || { TR_BAD="no tracefs instances"; return 1; }
	for e in $TRACE_EVENTS; do
		[ -d "$TI/events/$e" ] || { TR_BAD="no $e event in tracefs"; return 1; }
	done
	[ -n "$SS0" ] || { TR_BAD="no $SCHEDSTATS: sched_stat_wait cannot fire"; return 1; }
	# A and C record under 2000 events (100 KB) a second: 8 MB a CPU
	# hold a window of 120 s; the window's end checks that none was lost
	echo 8192 > "$TI/buffer_size_kb"
	echo "$(trace_pid_filter prev_pid "${tids[@]}") || $(trace_pid_filter next_pid "${tids[@]}")" \
		> "$TI/events/sched/sched_switch/filter"
	trace_pid_filter pid "${tids[@]}" > "$TI/events/sched/sched_stat_wait/filter"
	for e in kvm_entry kvm_exit kvm_userspace_exit; do
		trace_pid_filter common_pid "${tids[@]}" > "$TI/events/kvm/$e/filter"
	done
}

# traced_window NAME MIN_PCOUNT: a traced window of at least WIN seconds,
# longer (up to 120 s) until every vCPU was scheduled in MIN_PCOUNT times;
# fills S[x0:...], S[x1:...], TR and TR_BAD.
traced_window() {
	local name=$1 min=$2 e t0 lost kind a b c rest kv map= attaches
	TR=() TR_BAD=
	trace_setup "$name" || return 0
	wait_for "vhv's kvm_entry probe detached (all vCPUs found)" 120 __entry_probe_off ||
		{ TR_BAD="vhv's kvm_entry probe stayed attached"; return 0; }
	attaches=$(rd "$SYS/entry_probe_attaches")
	pcsample p0
	for e in $TRACE_EVENTS; do echo 1 > "$TI/events/$e/enable"; done
	# vhv's history of each vCPU before the trace is unknown to the
	# replay: it starts at the first guest entry after a switch-in.
	wait_for "every vCPU scheduled in 3 times with the trace on" 120 __switched p0 3 || true
	tsample x0
	t0=$SECONDS
	sleep "$WIN"
	wait_for "every vCPU scheduled in $min times in the traced window" 120 __switched x0 "$min" || true
	tsample x1
	echo 0 > "$TI/tracing_on"
	cat "$TI/trace" > "$TMPD/$name.trace"
	for e in $TRACE_EVENTS; do echo 0 > "$TI/events/$e/enable"; done
	lost=$(trace_stats "$TI" 'overrun|dropped events')
	for e in "${!TID[@]}"; do map+="$e:${TID[$e]} "; done
	awk -v tids="$map" -f "$SELFDIR/vcpu_trace.awk" "$TMPD/$name.trace" > "$TMPD/$name.replay"
	while read -r kind a b c rest; do
		case $kind in
		mark) for kv in $rest; do TR[$a:$b:$c:${kv%%=*}]=${kv#*=}; done ;;
		vcpu) TR[sum:$a]="$b $c $rest" ;;
		lost) lost=$((lost + a)) ;;
		esac
	done < "$TMPD/$name.replay"
	diag "traced window $name: $((SECONDS - t0)) s, $(wc -l < "$TMPD/$name.trace") lines, $lost events lost"
	[ "$lost" = 0 ] || TR_BAD="the trace buffer lost $lost events"
	[ "$(rd "$SYS/entry_probe_attaches")" = "$attaches" ] && [ "$(rd "$SYS/entry_probe")" = 0 ] ||
		TR_BAD+="${TR_BAD:+; }vhv's kvm_entry probe was attached in the window"
	for e in "${!TID[@]}"; do
		for kv in x0:a x0:b x1:a x1:b; do
			[ -n "${TR[$kv:$e:ks]}" ] || TR_BAD+="${TR_BAD:+; }no marker $kv of vcpu $e in the trace"
		done
		[ "${TR[x0:a:$e:ks]}" = 1 ] ||
			TR_BAD+="${TR_BAD:+; }vcpu $e: no switch-out inside KVM_RUN traced before the window"
	done
	return 0
}

# __entry_probe_off: vhv's kvm_entry probe is detached
__entry_probe_off() {
	WAIT_SEEN="entry_probe $(rd "$SYS/entry_probe"), attached $(rd "$SYS/entry_probe_attaches") times"
	[ "$(rd "$SYS/entry_probe")" = 0 ]
}

# tr_ok: the traced window can be judged (else say why)
tr_ok() { [ -z "$TR_BAD" ] || { diag "traced window: $TR_BAD"; return 1; }; }

# tr_range KS ANY [KS_HI ANY_HI]: the bounds of vCPU IDX's Δ over x0..x1
# of a count the replay gives at vhv's last sure copy (KS) and at the
# last entry (ANY) before a marker: at least KS at x1's first marker less
# ANY at x0's second; at most ANY at x1's second less KS at x0's first
# (KS_HI and ANY_HI, if given, for a wider count in the upper bound).
tr_range() {
	local kh=${3:-$1} ah=${4:-$2}
	echo $(( ${TR[x1:a:$IDX:$1]} - ${TR[x0:b:$IDX:$2]} )) \
	     $(( ${TR[x1:b:$IDX:$ah]} - ${TR[x0:a:$IDX:$kh]} ))
}

tap_plan 22

# ---- A: 4 busy vCPUs sharing CPU 0 ------------------------------------
vmm_start A -c 4 -w spin -a 0 -d 0
load_vm A 4
settle A
measure 50

check "A: nr_vcpus = 4" [ "$(rd "$VMDIR/nr_vcpus")" = 4 ]

chk_tid() {
	local t
	t=$(rd "$VMDIR/vcpus/$IDX/tid")
	[ "$t" = "${TID[$IDX]}" ] || { diag "vcpu $IDX: sysfs tid $t, tvmm tid ${TID[$IDX]}"; return 1; }
}
per_vcpu "A: sysfs tid = tvmm's tid for each vCPU" chk_tid

chk_ready_rd() { bracketed "$IDX" ready rd 1; }
per_vcpu "A: Δready_ns = Δschedstat run_delay within 1%" chk_ready_rd

# RD_FLOOR: the least Δrun_delay (ns) of a vCPU in the windows of B and C,
# which measure waits for. With it, chk_ready_floor cannot pass a module
# that reports 0, or stopped counting: 1% of the value is less than the
# value. (B's lone vCPU waited 2 to 24 ms in 4 s windows, from the guest's
# own kworkers and this test; C's idle ones 4 to 35 ms.)
RD_FLOOR=1000000
chk_ready_floor() {
	local lo=$(( ${S[w1:$IDX:rd0]} - ${S[w0:$IDX:rd]} ))
	bracketed "$IDX" ready rd 1 || return 1
	[ "$lo" -ge "$RD_FLOOR" ] ||
		{ diag "vcpu $IDX: Δrun_delay at least $lo ns, under $RD_FLOOR ns: too little to tell from 0"; return 1; }
}

# A_LEAST: the least share of A's vCPUs, in percent (for C's bound)
A_LEAST=100
chk_share_min() {
	local a w p
	a=$(d w0 w1 "$IDX" ready); w=$(wall_ns w0 w1 "$IDX")
	p=$(fcalc "100 * $a / $w")
	diag "vcpu $IDX: ready $p% of ${w}ns wall"
	fcheck "$p < $A_LEAST" && A_LEAST=$p
	fcheck "$a > 0.40 * $w"
}
per_vcpu "A: each vCPU ready > 40% of the wall time" chk_share_min

chk_run() { bracketed "$IDX" run se 1 "${1:-0}"; }
per_vcpu "A: Δrun_ns = Δschedstat sum_exec_runtime within 1%" chk_run

chk_max() {
	local m r mean
	m=$(rd "$VMDIR/vcpus/$IDX/ready_max_ns")
	r=$(rd "$VMDIR/vcpus/$IDX/ready_ns")
	mean=$(( $(d w0 w1 "$IDX" rd) / ( $(d w0 w1 "$IDX" pc) > 0 ? $(d w0 w1 "$IDX" pc) : 1 ) ))
	diag "vcpu $IDX: ready_max_ns $m, mean episode in the window ${mean}ns, ready_ns $r"
	[ "$m" -gt 0 ] && [ "$m" -le "$r" ] && [ "$m" -ge $((mean / 2)) ]
}
per_vcpu "A: 0 < ready_max_ns <= ready_ns, and >= half the mean episode" chk_max

# The VM's file is read before and after the vCPUs' (vmready0, vmready):
# at the vCPUs' reads it held a value in between.
chk_vm_sum() {
	local a lo hi
	a=$(sum_d w0 w1 ready)
	lo=$((${S[w1:vmready0]} - ${S[w0:vmready]})) hi=$((${S[w1:vmready]} - ${S[w0:vmready0]}))
	diag "sum of vCPUs' Δready_ns $a; VM Δready_ns between $lo and $hi"
	in_bracket "$a" "$lo" "$hi" 1
}
check "A: VM ready_ns grows as the sum of its vCPUs' within 1%" chk_vm_sum

# ---- X: a traced window on A ----------------------------------------------
traced_window X 50

# chk_traced FIELD EVENTS KEY...: vhv's Δ of a vCPU's FIELD over the traced
# window lies in the range tr_range KEY... gives for the thread's EVENTS
# (what the diag names); a window with none of them compares nothing.
chk_traced() {
	local f=$1 what=$2 x lo hi
	shift 2
	tr_ok || return 1
	x=$(( ${S[x1:$IDX:$f]} - ${S[x0:$IDX:$f]} ))
	read -r lo hi <<< "$(tr_range "$@")"
	diag "vcpu $IDX: Δ$f $x; the thread's $what: between $lo and $hi (${TR[sum:$IDX]})"
	[ "$lo" -gt 0 ] || { diag "vcpu $IDX: none traced in the window: nothing to compare"; return 1; }
	[ "$x" -ge "$lo" ] && [ "$x" -le "$hi" ]
}

# exits: KVM counts every VM exit, and kvm:kvm_exit fires for each.
per_vcpu "X: Δexits = the thread's kvm:kvm_exit events over the same window" \
	chk_traced exits "kvm_exit events" eks eany

# preemptions: KVM counts a switch-out of a runnable vCPU thread inside a
# vCPU ioctl; at least those inside KVM_RUN, at most every R switch-out.
# A's spin vCPUs share CPU 0: each is preempted tens of times a second.
per_vcpu "X: Δpreemptions between the thread's traced runnable switch-outs inside KVM_RUN and all of them" \
	chk_traced preempt "runnable switch-outs (inside KVM_RUN .. in all)" psks psany paks paany

# ready_hist: per bucket, the episodes the replay of sched_stat_wait and
# the switches counts the way vhv does (the one wait between two looks,
# switch-outs inside KVM_RUN, with exactly one switch-in between). A
# bucket holds [lo, hi]: lo = episodes surely counted inside the window,
# hi = those possibly counted (an IPI look may count one before its
# switch-out) plus the unknown ones (after a sleep), which may fall into
# any bucket.
chk_hist_traced() {
	local b x lo hi u n=0 bad='' seen='' h0 h1 c0a c0b c1a c1b
	tr_ok || return 1
	read -ra h0 <<< "${S[x0:$IDX:hist]}"
	read -ra h1 <<< "${S[x1:$IDX:hist]}"
	IFS=, read -ra c0a <<< "${TR[x0:a:$IDX:h]}"
	IFS=, read -ra c0b <<< "${TR[x0:b:$IDX:hp]}"
	IFS=, read -ra c1a <<< "${TR[x1:a:$IDX:h]}"
	IFS=, read -ra c1b <<< "${TR[x1:b:$IDX:hp]}"
	u=$(( ${TR[x1:b:$IDX:up]} - ${TR[x0:a:$IDX:u]} ))
	for ((b = 0; b < 25; b++)); do
		x=$(( h1[b] - h0[b] ))
		lo=$(( c1a[b] - c0b[b] ))
		hi=$(( c1b[b] - c0a[b] + u ))
		n=$((n + lo))
		[ "$x" = 0 ] && [ "$hi" = 0 ] || seen+=" $b:${x}[$lo,$hi]"
		[ "$x" -ge "$lo" ] && [ "$x" -le "$hi" ] || bad+=" $b"
	done
	diag "vcpu $IDX: Δready_hist bucket:vhv[traced lo,hi]:$seen; $u unknown (${TR[sum:$IDX]})"
	[ -z "$bad" ] || diag "vcpu $IDX: buckets$bad outside the traced bounds"
	[ "$n" -ge 10 ] || { diag "vcpu $IDX: $n episodes traced for sure: too few to compare"; return 1; }
	[ -z "$bad" ]
}
per_vcpu "X: Δready_hist per bucket = the thread's traced sched_stat_wait episodes" chk_hist_traced

# ---- T: the vhv_ready_wait tracepoint ----------------------------------
RT0=$(rd "$PARAMS/ready_trace_us")
trace_new ready
EV=$TI/events/vhv/vhv_ready_wait
if [ -d "$EV" ]; then
	echo 60000000 > "$PARAMS/ready_trace_us"
	: > "$TI/trace"
	echo 1 > "$EV/enable"
	sleep 2
	echo 0 > "$EV/enable"
	n=$(trace_events "$TI/trace" vhv_ready_wait | wc -l)
	diag "ready_trace_us=60000000: $n events in 2 s"
	check "T: no vhv_ready_wait events with ready_trace_us = 60 s" [ "$n" = 0 ]

	echo 1000 > "$PARAMS/ready_trace_us"
	: > "$TI/trace"
	sample t0
	echo 1 > "$EV/enable"
	# at least 2 s, and until there are 10 events per vCPU (a slow machine
	# gives fewer per second).  Counted from the buffer's statistics, not
	# by reading "trace", which would pause the recording.
	__traced_enough() {
		local n
		n=$(trace_stats "$TI" entries)
		WAIT_SEEN="$n events in the buffer"
		[ "$n" -ge $((10 * ${#TID[@]})) ]
	}
	t0=$SECONDS
	sleep 2
	wait_for "$((10 * ${#TID[@]})) vhv_ready_wait events" 60 __traced_enough || true
	sample t1
	# vhv traces a wait at its vCPU's next look, the switch-out that ends
	# the stint after it: keep tracing until every vCPU was switched in
	# twice since t1, so every wait that ended by t1 has been looked at.
	__looked_at() {
		local idx pc short=
		for idx in "${!TID[@]}"; do
			read -r _ _ pc < "/proc/$PID/task/${TID[$idx]}/schedstat"
			[ $((pc - ${S[t1:$idx:pc]})) -ge 2 ] || short+="$idx "
		done
		WAIT_SEEN="vCPUs switched in fewer than 2 times since t1: $short"
		[ -z "$short" ]
	}
	wait_for "every vCPU switched in twice after t1" 120 __looked_at || true
	echo 0 > "$EV/enable"
	sample t2
	trace_events "$TI/trace" vhv_ready_wait > "$TMPD/ready.ev"
	diag "ready_trace_us=1000: $(wc -l < "$TMPD/ready.ev") events in $((SECONDS - t0)) s; first: $(head -n1 "$TMPD/ready.ev")"
	vmid=$(rd "$VMDIR/id")
	chk_events() {
		local ok=1 idx tid n bad
		[ -s "$TMPD/ready.ev" ] || { diag "no events"; return 1; }
		# every event: its VM, a consistent (idx, tid), wait >= 1 ms
		bad=$(awk -v vm="$vmid" -v map="$(for i in "${!TID[@]}"; do printf '%s:%s ' "$i" "${TID[$i]}"; done)" '
			BEGIN { n = split(map, m, " "); for (i = 1; i <= n; i++) { split(m[i], p, ":"); t[p[1]] = p[2] } }
			{ delete f; for (i = 1; i <= NF; i++) { k = index($i, "="); f[substr($i, 1, k - 1)] = substr($i, k + 1) } }
			f["vm"] != vm || t[f["idx"]] != f["tid"] || f["wait_ns"] + 0 < 1000000 { print; exit }' \
			"$TMPD/ready.ev")
		[ -z "$bad" ] || { diag "bad event: $bad"; ok=0; }
		for idx in "${!TID[@]}"; do
			tid=${TID[$idx]}
			n=$(kv tid < "$TMPD/ready.ev" | grep -cx "$tid" || true)
			diag "vcpu $idx (tid $tid): $n events"
			[ "$n" -gt 0 ] || ok=0
		done
		[ $ok = 1 ]
	}
	check "T: events for every vCPU, with its vm, idx, tid and wait_ns >= ready_trace_us" chk_events
	# Lower bound: the waits that ended between t0 and t1 (all looked at
	# before the event was disabled). Upper bound: the waits that ended
	# between t0 and t2, plus the first traced one, which may have ended
	# before t0 (it was looked at after the enable): every later one was
	# looked at after a look that came after t0.
	chk_ev_sum() {
		local tid s first r1 r2
		tid=${TID[$IDX]}
		read -r s first <<< "$(awk -v tid="$tid" '{ delete f; for (i = 1; i <= NF; i++) { k = index($i, "="); f[substr($i, 1, k - 1)] = substr($i, k + 1) } }
			f["tid"] == tid { if (!n++) first = f["wait_ns"]; s += f["wait_ns"] } END { printf "%.0f %.0f\n", s, first }' "$TMPD/ready.ev")"
		r1=$(d t0 t1 "$IDX" rd)
		r2=$(d t0 t2 "$IDX" rd)
		diag "vcpu $IDX: traced waits sum to $s ns (the first $first ns); Δrun_delay $r1 ns to t1, $r2 ns to t2"
		[ $((s - first)) -le "$r2" ] && fcheck "$s >= 0.5 * $r1"
	}
	per_vcpu "T: traced wait_ns sum to at least 50% of Δrun_delay to t1 and, but for the first, at most Δrun_delay to t2" chk_ev_sum
else
	tap_notok "T: no vhv_ready_wait events with ready_trace_us = 60 s: no vhv_ready_wait event in tracefs"
	tap_notok "T: events for every vCPU: no vhv_ready_wait event in tracefs"
	tap_notok "T: traced wait_ns vs Δrun_delay: no vhv_ready_wait event in tracefs"
fi
echo "$RT0" > "$PARAMS/ready_trace_us"
vmm_stop A

# ---- B: 1 busy vCPU, 2 CPUs ---------------------------------------------
vmm_start B -c 1 -w spin -d 0
load_vm B 1
settle B
measure 0 "$RD_FLOOR"

chk_share_max() {
	local a w
	a=$(d w0 w1 "$IDX" ready); w=$(wall_ns w0 w1 "$IDX")
	diag "vcpu $IDX: ready $(fcalc "100 * $a / $w")% of ${w}ns wall"
	fcheck "$a < $1 / 100 * $w"
}
# The bound tells "hardly ever ready" from A's "> 40%". Other guest work
# shares the two CPUs with the lone vCPU: on the 6.12 debug kernel under a
# loaded host (kmemleak's scans, KASAN's slower kworkers) it was ready
# 3.3% of the time, with schedstat agreeing (the next check); 2% was too
# tight there.
per_vcpu "B: a lone busy vCPU is ready < 10% of the wall time" chk_share_max 10
per_vcpu "B: Δready_ns = Δrun_delay within 1%, and Δrun_delay >= 1 ms" chk_ready_floor
per_vcpu "B: Δrun_ns = Δsum_exec_runtime within 1%" chk_run

HZ=$(getconf CLK_TCK)
chk_guest() {
	local g t
	g=$(d w0 w1 "$IDX" guest)
	t=$(( $(d w0 w1 "$IDX" gt) * 1000000000 / HZ ))
	diag "vcpu $IDX: Δguest_ns $g, Δguest_time from /proc stat ${t}ns (1/$HZ s units)"
	close "$g" "$t" 2 $((3 * 1000000000 / HZ))
}
per_vcpu "B: Δguest_ns = Δ/proc/<tid>/stat guest_time within 2% (+3 ticks)" chk_guest
vmm_stop B

# ---- C: 2 vCPUs idling in HLT, 10 ms timer --------------------------------
vmm_start C -c 2 -w hlt -t 10000 -d 0
load_vm C 2
settle C
measure 50 "$RD_FLOOR"

# The thread of an idle vCPU is on a CPU, waiting for one, or asleep in
# its halt: KVM's halt_wait_ns covers the sleep (and the wait for a CPU
# after the wakeup). The sleep is the wall time less the thread's schedstat
# run time and run delay; on an idle host that is about 70% of the wall
# time, on the 6.12 debug kernel beside three other guests 43%.
chk_halt() {
	local h r w asleep
	h=$(d w0 w1 "$IDX" halt); r=$(d w0 w1 "$IDX" ready); w=$(wall_ns w0 w1 "$IDX")
	asleep=$(( w - $(d w0 w1 "$IDX" se) - $(d w0 w1 "$IDX" rd) ))
	diag "vcpu $IDX: Δhalt_ns $h ($(fcalc "100 * $h / $w")% of wall), Δready_ns $r ($(fcalc "100 * $r / $w")%); asleep (wall - schedstat run and delay) $asleep ns ($(fcalc "100 * $asleep / $w")%)"
	[ "$h" -gt "$r" ] && [ "$asleep" -gt 0 ] && fcheck "$h >= 0.9 * $asleep"
}
per_vcpu "C: halt_ns grows by >= 90% of the time the thread slept (wall - schedstat run time and run delay), and more than ready_ns" chk_halt
# An idle vCPU waits for a CPU each time its 10 ms timer wakes it; on a
# loaded host the emulated CPUs serve those wakeups late: on the 6.12
# debug kernel beside three other guests it was ready 12-14% of the time
# (halted 71%, schedstat agreeing), beside five 27%. A's vCPUs, four on
# one CPU, are ready about 75% of the time however loaded the host is:
# half the least of A's shares tells an idle vCPU from a contended one
# (that halted time is not counted as ready is the check above).
chk_share_idle() {
	diag "A's vCPUs were ready at least $A_LEAST% of the time"
	chk_share_max "$(fcalc "$A_LEAST / 2")"
}
per_vcpu "C: an idle vCPU is ready less than half the share of A's contended ones" chk_share_idle
per_vcpu "C: Δready_ns = Δrun_delay within 1%, and Δrun_delay >= 1 ms" chk_ready_floor

# vhv's halt_ns is KVM's halt_wait_ns as of the vCPU's last entry: behind
# by at most the halt in progress (10 ms here; 20 ms allowed per vCPU).
chk_halt_kvm() {
	local h inner outer tol=$((20000000 * ${#TID[@]}))
	h=$(sum_d w0 w1 halt)
	inner=$(( ${S[w1:kb:halt_wait_ns]} - ${S[w0:ka:halt_wait_ns]} ))
	outer=$(( ${S[w1:ka:halt_wait_ns]} - ${S[w0:kb:halt_wait_ns]} ))
	diag "sum of Δhalt_ns $h; KVM's Δhalt_wait_ns over the inner window $inner, the outer $outer"
	[ "$h" -ge $((inner - tol)) ] && [ "$h" -le $((outer + tol)) ]
}
if [ -n "${S[w0:kb:halt_wait_ns]}" ]; then
	check "C: sum of Δhalt_ns = KVM's Δhalt_wait_ns over the same window" chk_halt_kvm
else
	tap_notok "C: sum of Δhalt_ns = KVM's Δhalt_wait_ns: no KVM debugfs halt_wait_ns"
fi

traced_window CX 50
per_vcpu "C: Δexits = the thread's kvm:kvm_exit events over the same window" \
	chk_traced exits "kvm_exit events" eks eany

tap_done
