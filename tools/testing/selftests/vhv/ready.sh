#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ready.sh - per-vCPU ready, run, guest and halt time against the ground
# truth: the scheduler's schedstat and stat files of each vCPU thread, and
# KVM's own statistics in debugfs.
#
#   A  4 busy vCPUs pinned to CPU 0: each is ready most of the time
#   T  the vhv_ready_wait tracepoint on that VM
#   B  1 busy vCPU on the otherwise idle machine: hardly ever ready (< 10%)
#   C  2 vCPUs idling in HLT with a 10 ms timer: halted most of the time
#
# Each window reads vhv's files between two reads of the ground truth at
# its start and end and compares the differences.

set -e
. "$(dirname "${BASH_SOURCE[0]}")/vhv_lib.sh"
vhv_require

WIN=${VHV_TEST_WINDOW:-4}	# seconds per measurement window
RT0=

cleanup() {
	set +e
	[ -n "$RT0" ] && echo "$RT0" > "$PARAMS/ready_trace_us"
	vhv_cleanup
}
trap cleanup EXIT

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
KSTATS="halt_wait_ns exits preemption_reported preemption_other"
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

# ksum KEY STAT...: sum of KVM statistics read under KEY (fails if missing)
ksum() {
	local key=$1 f v s=0
	shift
	for f in "$@"; do
		v=${S[$key:$f]}
		[ -n "$v" ] || return 1
		s=$((s + v))
	done
	echo "$s"
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

# in_bracket X LO HI PCT [ABS]: LO <= X <= HI, the bracket widened by PCT%
# of each end (or ABS, if larger).
in_bracket() {
	awk -v x="$1" -v lo="$2" -v hi="$3" -v p="$4" -v a="${5:-0}" 'BEGIN {
		wl = lo * p / 100; if (wl < a) wl = a
		wh = hi * p / 100; if (wh < a) wh = a
		exit !(x >= lo - wl && x <= hi + wh) }'
}

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

# kvm_bracket NAME TAG FIELD LAG STAT...: vhv copies KVM's counters at VM
# entries, so at sample TAG the sum of vhv's FIELD over the vCPUs lies
# between KVM's value read just before (less up to LAG per vCPU that has
# not re-entered the guest since) and KVM's value read just after.
kvm_bracket() {
	local name=$1 tag=$2 field=$3 lag=$4 v=0 idx kb ka
	shift 4
	for idx in "${!TID[@]}"; do v=$((v + ${S[$tag:$idx:$field]})); done
	if ! kb=$(ksum "$tag:kb" "$@") || ! ka=$(ksum "$tag:ka" "$@"); then
		tap_notok "$name: no KVM debugfs statistics $* for pid $PID"
		return
	fi
	diag "$field: vhv's sum $v; KVM's $* read before $kb, after $ka"
	if [ "$v" -ge $((kb - lag * ${#TID[@]})) ] && [ "$v" -le "$ka" ]; then
		tap_ok "$name"
	else
		tap_notok "$name"
	fi
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

chk_share_min() {
	local a w
	a=$(d w0 w1 "$IDX" ready); w=$(wall_ns w0 w1 "$IDX")
	diag "vcpu $IDX: ready $(fcalc "100 * $a / $w")% of ${w}ns wall"
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

chk_hist() {
	local h pc f=$VMDIR/vcpus/$IDX/ready_hist
	h=$(hist_sum "$f")
	read -r _ _ pc < "/proc/$PID/task/${TID[$IDX]}/schedstat"
	diag "vcpu $IDX: ready_hist counts sum to $h, pcount $pc: $(tr '\n' ' ' < "$f" | cut -c1-200)"
	[ "$h" -gt 0 ] && [ "$h" -le "$pc" ]
}
per_vcpu "A: ready_hist counts sum > 0 and <= the thread's pcount" chk_hist

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

kvm_bracket "A: sum of preemptions between KVM's preemption_reported+other read before and after" \
	w1 preempt 2 preemption_reported preemption_other
kvm_bracket "A: sum of exits between KVM's exits read before and after" w1 exits 10 exits

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
		n=$(cat "$TI"/per_cpu/cpu*/stats | awk '/^entries:/ { s += $2 } END { print s + 0 }')
		WAIT_SEEN="$n events in the buffer"
		[ "$n" -ge $((10 * ${#TID[@]})) ]
	}
	t0=$SECONDS
	sleep 2
	wait_for "$((10 * ${#TID[@]})) vhv_ready_wait events" 60 __traced_enough || true
	echo 0 > "$EV/enable"
	sample t1
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
	chk_ev_sum() {
		local tid s r
		tid=${TID[$IDX]}
		s=$(awk -v tid="$tid" '{ delete f; for (i = 1; i <= NF; i++) { k = index($i, "="); f[substr($i, 1, k - 1)] = substr($i, k + 1) } }
			f["tid"] == tid { s += f["wait_ns"] } END { printf "%.0f", s }' "$TMPD/ready.ev")
		r=$(d t0 t1 "$IDX" rd)
		diag "vcpu $IDX: traced waits sum to $s ns, Δrun_delay $r ns"
		[ "$s" -le "$r" ] && fcheck "$s >= 0.5 * $r"
	}
	per_vcpu "T: traced wait_ns sum to between 50% and 100% of Δrun_delay" chk_ev_sum
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

chk_halt() {
	local h r w
	h=$(d w0 w1 "$IDX" halt); r=$(d w0 w1 "$IDX" ready); w=$(wall_ns w0 w1 "$IDX")
	diag "vcpu $IDX: Δhalt_ns $h ($(fcalc "100 * $h / $w")% of wall), Δready_ns $r ($(fcalc "100 * $r / $w")%)"
	[ "$h" -gt "$r" ] && fcheck "$h > 0.5 * $w"
}
per_vcpu "C: halt_ns grows > 50% of the wall time and more than ready_ns" chk_halt
# An idle vCPU waits for a CPU each time its 10 ms timer wakes it; on a
# loaded host the emulated CPUs serve those wakeups late: on the 6.12
# debug kernel beside three other guests it was ready 12-14% of the time
# (halted 71%, schedstat agreeing). 25% still tells it from A's > 40%;
# that halted time is not counted as ready is the check above.
per_vcpu "C: an idle vCPU is ready < 25% of the wall time" chk_share_max 25
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
kvm_bracket "C: sum of exits between KVM's exits read before and after" w1 exits 10 exits

tap_done
