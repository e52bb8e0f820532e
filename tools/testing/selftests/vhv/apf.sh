#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# apf.sh - vhv's figures for a guest that speaks KVM's paravirtual async
# page fault protocol (tvmm -w memapf: MSR_KVM_ASYNC_PF_EN, "page ready" by
# interrupt), as Linux guests do. A 128 MiB guest writes its memory over
# and over in a cgroup with memory.max = 96M, swap on zram behind dm-delay
# (20 ms a read), its vCPU sharing CPU 0 with a busy loop. KVM tells the
# guest "page not present" (#PF) and a kworker reads the page; the guest
# halts until "page ready": the vCPU thread sleeps in HLT (S), not in
# KVM's artificial halt, and blocks in I/O wait (D) only for the faults
# KVM takes synchronously (the guest's interrupts off).
#
# halt_ns is KVM's halt_wait_ns as vhv copied it at the vCPU's last entry:
# a halt that the SIGSTOP ended is not in it yet. A ground truth that
# counted that halt came out up to 10% above halt_ns in an earlier version
# of this test, when the stop fell in a long wait for a page.
#
#   P  until KVM took 64 async page faults: every one reached the guest as
#      a #PF (the guest counts them) and none faulted again; the VM's
#      apf_faults and apf_wait_ns match KVM's events (count, and the
#      not-present to ready time matched by token); halt_ns is the
#      thread's S sleeps in KVM_RUN, swap_wait_ns only its D sleeps (the
#      guest's HLT that waits for a page is a halt, not a swap wait)
#   R  the same guest switching the protocol off and on at every 2nd
#      fault while it is open (tvmm -A 2): KVM drops the fault, which
#      never gets its "page ready", and sends a "wake all" (token
#      0xffffffff) after the enable; vhv must not count the dropped faults
#      as done (apf_wait_ns still matches the faults that had their own
#      ready). Whether vhv leaves them open cannot be seen in its files:
#      nothing it shows depends on an open fault, and the slot of a
#      dropped one would only be reused as the oldest.
#
# Ground truth: KVM's kvm_async_pf_* tracepoints, the scheduler's
# sched_switch / sched_wakeup of the vCPU thread inside KVM_RUN (traced
# syscalls), kvm_entry, and the guest's own count of async #PFs and
# wake-alls (tvmm's vcpu record).

set -e
. "$(dirname "${BASH_SOURCE[0]}")/vhv_lib.sh"
vhv_require

MEM_MB=128
MAX_MB=96
NAPF=64
CG=/sys/fs/cgroup/vhv-apf-$$

cleanup() {
	set +e
	vmm_kill_all
	swap_cleanup
	vhv_cleanup
}
trap cleanup EXIT

swap_require

tap_plan 9

zram_new
delayed_swap_on 20 || tap_bail "no swap on dm-delay over zram (dm_delay, dmsetup)"
memcg_new "$CG" "$MAX_MB"
diag "swap: $(dmsetup table "$DMNAME"); cgroup $CG, memory.max ${MAX_MB}M"
taskset -c 0 sh -c 'while :; do :; done' &
VMM_ALL+=("$!")

# traced_halt TID: "NS N PNS PN" from $TI: the thread's S sleeps inside
# KVM_RUN, each from its sched_switch out to its sched_switch back in (KVM's
# halt_wait_ns also covers the wait for a CPU after the wakeup), counted
# once a VM entry (kvm_entry) of the thread follows: vhv copies KVM's
# halt_wait_ns at the vCPU's first entry of a scheduling stint
# (Documentation/vhv/design.rst), so a halt that the SIGSTOP ended is not
# in halt_ns yet. PNS and PN: those not followed by an entry.
traced_halt() {
	awk -v tid="$1" '
		function ts(name,   k) { for (k = 1; k <= NF; k++) if ($k == name) { t = $(k - 1); sub(":$", "", t); return t } }
		/ sys_ioctl\(/ && $1 ~ ("-" tid "$") { inrun = 1; next }
		/ sys_ioctl -> / && $1 ~ ("-" tid "$") { inrun = 0; next }
		/ sched_switch: / && (" " $0 " ") ~ (" prev_pid=" tid " ") && / prev_state=S / && inrun { t0 = ts("sched_switch:"); next }
		/ sched_switch: / && (" " $0 " ") ~ (" next_pid=" tid " ") && t0 != "" { p += ts("sched_switch:") - t0; pn++; t0 = ""; next }
		/ kvm_entry: / && $1 ~ ("-" tid "$") { s += p; n += pn; p = 0; pn = 0 }
		END { printf "%.0f %d %.0f %d\n", s * 1e9, n, p * 1e9, pn }' "$TI/trace"
}

# ci_count REGEX: the lines of the counting instance's dump that match.
ci_count() { grep -c -- "$1" "$TMPD/ci.trace" || true; }

# start_phase NAME TVMM-ARGS...: the traces, then the memapf VM in the
# cgroup: PID, TID, D (its vCPU's directory); TI the ground truth, CI
# KVM's async page fault events over the VM's whole life.
start_phase() {
	local e name=$1
	shift
	trace_new "$name-count"
	CI=$TI
	echo 1024 > "$CI/buffer_size_kb"
	for e in kvm_async_pf_not_present kvm_async_pf_ready kvm_async_pf_repeated_fault; do
		echo 'comm == "tvmm"' > "$CI/events/kvm/$e/filter"
		echo 1 > "$CI/events/kvm/$e/enable"
	done
	trace_new "$name"
	trace_sleeps
	# which D sleeps are I/O waits (io_schedule(): in_iowait)
	echo 'stacktrace if prev_comm == "tvmm" && prev_state == 2' > "$TI/events/sched/sched_switch/trigger"
	for e in kvm_async_pf_not_present kvm_async_pf_ready kvm_async_pf_repeated_fault kvm_entry; do
		echo 'comm == "tvmm"' > "$TI/events/kvm/$e/filter"
		echo 1 > "$TI/events/kvm/$e/enable"
	done
	vmm_start_in "$CG" "$name" -c 1 -w memapf -m "$MEM_MB" -a 0 -d 0 "$@"
	vmm_wait_started "$name"
	PID=${VMM_PID[$name]}
	vm_wait "$PID" 1
	TID=$(vmm_tids "$name" | awk '{ print $2 }')
	D=$VMDIR/vcpus/0
	diag "$name: tvmm -w memapf $*: VM pid $PID, $(basename "$VMDIR"), vCPU tid $TID"
}

# KVM's events so far: every async page fault has a not present and a
# ready, so this is about twice their number.
# The vCPU's state is sampled meanwhile: a guest that waits for a page
# halts, and the vCPU must read halted (not swapwait) then.
SEEN_HALT=0 SEEN_SW=0
__state() {
	local st
	st=$(rd "$D/state")
	[ "$st" != halted ] || SEEN_HALT=$((SEEN_HALT + 1))
	[ -z "${HALT_SEEN:-}" ] || [ ! -e "$HALT_SEEN" ] || { SEEN_HALT=$((SEEN_HALT + 1)); rm -f "$HALT_SEEN"; }
	[ "$st" != swapwait ] || SEEN_SW=$((SEEN_SW + 1))
	LAST="state $st, read halted $SEEN_HALT times, swapwait $SEEN_SW times"
	[ "$SEEN_HALT" -gt 0 ]
}
__faults() {
	local n
	n=$(trace_stats "$CI" 'entries|overrun')
	__state || true
	LAST="$n async page fault events (traced), apf_faults $(rd "$VMDIR/apf_faults"), halt_ns $(rd "$D/halt_ns"), swap_wait_ns $(rd "$D/swap_wait_ns"), $LAST"
	[ "$n" -ge $((2 * NAPF)) ]
}

# stop_phase NAME: SIGSTOP the VMM, stop TI; vhv's and the traced apf
# figures in AF AW AM and TN TM TW DN DW.
stop_phase() {
	stop_vmm "$PID" "$TID"
	echo 0 > "$TI/events/enable"
	LOST=$(trace_stats "$TI" overrun)
	AF=$(rd "$VMDIR/apf_faults"); AW=$(rd "$VMDIR/apf_wait_ns"); AM=$(rd "$VMDIR/apf_max_ns")
	read -r TN TM TW DN DW <<< "$(traced_apf "$TID" "$TI/trace")"
	diag "$1 stopped: VM apf_faults $AF, apf_wait_ns $AW, apf_max_ns $AM; traced: $TN not present, $TM with their own ready ($TW ns), $DN ended by a wake all ($DW ns); $LOST events lost"
}

# end_phase NAME: SIGCONT and SIGTERM; the VMM's exit status in RC, its
# vCPU record's apf/wakeall/rearms/overflows in GAPF GWAKE GREARM GOVF
# (overflows: page readys the guest had no free slot for), KVM's events of
# the VM's whole life in $TMPD/ci.trace.
end_phase() {
	RC=0
	kill -CONT "$PID"
	kill -TERM "$PID"
	wait "$PID" || RC=$?
	echo 0 > "$CI/events/enable"
	cat "$CI/trace" > "$TMPD/ci.trace"
	GAPF=$(vmm_field "$1" vcpu apf); GWAKE=$(vmm_field "$1" vcpu wakeall); GREARM=$(vmm_field "$1" vcpu rearms)
	GOVF=$(vmm_field "$1" vcpu overflows)
	diag "$1: tvmm status $RC: $(grep '^vcpu .*apf=' "$TMPD/$1.out"); KVM, whole life: $(ci_count 'kvm_async_pf_not_present:') not present, $(ci_count 'kvm_async_pf_ready:') ready ($(ci_count 'kvm_async_pf_ready: token 0xffffffff ') wake all), $(ci_count 'kvm_async_pf_repeated_fault:') repeated faults; $(trace_stats "$CI" overrun) events lost"
}

# ---- P: the protocol under swap --------------------------------------------
start_phase P
# The vCPU is halted for a few ms at a time: the polls, slow with their
# trace reads, read it 0 times in 120 s on the 6.1 debug kernel beside
# other guests. A sampler of its own reads the state every 10 ms (no
# fork) until it sees halted once.
HALT_SEEN=$TMPD/halt-seen
(
	s=
	until [ "$s" = halted ]; do nap 0.01; read -r s < "$D/state" || exit; done
	: > "$HALT_SEEN"
) &
HALT_SAMPLER=$!
tap_poll "P: memapf: KVM took $NAPF async page faults (traced; within 900 s)" 900 __faults
tap_poll "P: the vCPU reads halted while its guest waits for a page (within 120 s more)" 120 __state
kill "$HALT_SAMPLER" 2>/dev/null || true
wait "$HALT_SAMPLER" 2>/dev/null || true
HALT_SEEN=
stop_phase P
check "P: the VM's apf_faults = KVM's async page faults of its vCPU; apf_wait_ns = their traced not-present to ready time within 5% (+1 ms)" \
	eval '[ "$LOST" = 0 ] && [ "$TN" -ge "$NAPF" ] && [ "$AF" = "$TN" ] && close_ns "$AW" "$TW" 5 1000000 && [ "$AM" -gt 0 ] && [ "$AM" -le "$AW" ]'

h=$(rd "$D/halt_ns"); w=$(rd "$D/swap_wait_ns")
read -r th thn tp tpn <<< "$(traced_halt "$TID")"
read -r ts tsn <<< "$(traced_sleep "$TID" S run)"
read -r td tdn <<< "$(traced_sleep "$TID" D run io)"
read -r ta tan <<< "$(traced_sleep "$TID" D run)"
diag "halt_ns $h; traced S sleeps in KVM_RUN to the switch back in: $th ns in $thn sleeps with a VM entry after them, $tp ns in $tpn without (the one the SIGSTOP ended); S sleeps to the wakeup $ts ns ($tsn)"
# KVM's halt_wait_ns also covers its own way into and out of each sleep
# (kvm_vcpu_block() from before the schedule to after the wakeup's check):
# 0.2 ms a halt on 6.1, 0.6 ms on 6.12 in the TCG guest. So halt_ns may
# exceed the traced sleeps by up to 1 ms a sleep. Both ways 5%, as for
# apf_wait_ns: KVM times in CLOCK_MONOTONIC, the trace in sched_clock; on
# a 54 s run (2428 halts) under a load of 12 they parted by 1.7%.
check "P: halt_ns = the vCPU thread's S sleeps in KVM_RUN (sched_switch out to in, each followed by a VM entry; >= 100 ms), 5% (+5 ms) below to 5% (+5 ms, +1 ms a sleep) above" \
	eval '[ "$LOST" = 0 ] && [ "$th" -ge 100000000 ] && fcheck "$h >= 0.95 * $th - 5000000 && $h <= 1.05 * $th + 5000000 + $thn * 1000000"'
# KVM's other D sleeps in KVM_RUN are no swap wait: mostly flush_work() in
# kvm_check_async_pf_completion(), waiting for the kworker to finish
diag "swap_wait_ns $w; traced D sleeps in KVM_RUN in I/O wait (sched_switch to sched_wakeup) $td ns ($tdn); all D sleeps there $ta ns ($tan)"
check "P: swap_wait_ns = the vCPU thread's D sleeps in I/O wait in KVM_RUN only, within 2.5% (+10 ms)" \
	eval '[ "$LOST" = 0 ] && close_ns "$w" "$td" 2.5 10000000'

# pf_reached: the guest's #PF count is KVM's not-present count, or one less:
# the fault KVM injected as the VMM stopped its vCPU may not have reached
# the guest's handler (6.12 once: 114 against 115)
pf_reached() {
	local k
	k=$(ci_count "kvm_async_pf_not_present:")
	[ -n "$GAPF" ] && { [ "$GAPF" = "$k" ] || [ "$GAPF" = $((k - 1)) ]; }
}

end_phase P
check "P: every async page fault reached the guest as a #PF (the guest's count = KVM's not present, but for one in flight at the stop), none faulted again, and tvmm ended with status 0" \
	eval '[ "$RC" = 0 ] && pf_reached && [ "$(ci_count "kvm_async_pf_repeated_fault:")" = 0 ] && [ "$(trace_stats "$CI" overrun)" = 0 ]'

# ---- R: the protocol off and on with a fault open ------------------------
start_phase R -A 2
tap_poll "R: memapf -A 2: KVM took $NAPF async page faults (traced; within 900 s)" 900 __faults
stop_phase R
# A module that counted the dropped faults as done at the wake all would
# add DW: the check can tell only if that is well outside its 5%. tvmm
# keeps the protocol off 10 ms for that, each time it drops a fault: DW
# was 124 to 149% of TW in four runs on the two kernels. Without the
# wait a dropped fault lasted about 1 ms, and DW came to 3 to 8% of TW;
# with the wait before the switch off, the 6.12 debug kernel's pages came
# in during it, and no fault was dropped.
check "R: apf_faults = KVM's not present; apf_wait_ns = the traced time of the faults with their own ready within 5% (+1 ms), without the dropped ones' (>= 10% more)" \
	eval '[ "$LOST" = 0 ] && [ "$AF" = "$TN" ] && [ "$DN" -gt 0 ] && close_ns "$AW" "$TW" 5 1000000 && fcheck "$DW >= 0.1 * $TW"'
end_phase R
# The guest's wake-all count is its "page ready" interrupts with token ~0
# only (before tvmm emptied its token slots at a wake all, the readys that
# came for a dropped fault piled up there, and once they were full every
# ready counted as a wake all: 60 against KVM's 44 once).
check "R: the guest switched the protocol off and on, and got every wake all KVM sent (its count = KVM's), every page ready had a slot, and every async page fault came as a #PF (but for one in flight at the stop)" \
	eval '[ "$RC" = 0 ] && [ "${GREARM:-0}" -gt 0 ] && [ "$GWAKE" = "$(ci_count "kvm_async_pf_ready: token 0xffffffff ")" ] && [ "$GOVF" = 0 ] && pf_reached && [ "$(ci_count "kvm_async_pf_repeated_fault:")" = 0 ] && [ "$(trace_stats "$CI" overrun)" = 0 ]'

tap_done
