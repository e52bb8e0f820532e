#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# state.sh - per-vCPU states and per-vCPU stalls, as a user sees them:
# vcpus/<idx>/state, state_ms, stalled, stall_count; the VM's status and
# stalled_vcpus; the snapshot; the vhv_vcpu_stall/recover and
# vhv_vm_pause/resume tracepoints; stall_ms = 1000.
#
# Each state is reached by a test VM and read back, and checked against
# what the kernel itself shows of the thread: /proc/TID/stat's state
# letter, /proc/TID/stack (kvm_vcpu_halt, handle_userfault, no KVM frame),
# /proc/TID/schedstat's run delay.
#
#   G  guest:    a spinning vCPU
#   K  kvm, vmm: a vCPU that exits to the VMM all the time, sampled
#   Y  ready:    two spinning vCPUs pinned to one CPU
#   H  halted:   a vCPU in HLT for 20 s; it never stalls; SIGSTOP of its
#                VMM stalls it (state stopped), SIGCONT ends the stall
#   B  blocked:  a vCPU asleep in KVM on a userfaultfd nobody serves:
#                it stalls, state blocked, the VM (1 vCPU) is stalled
#   V  vmm:      vCPU 0 of 2 parked in the VMM: it stalls, the VM is
#                degraded, vCPU 1 does not stall; unparked, it recovers
#   P  paused:   both vCPUs parked together: paused, no stall, pause and
#                resume events
#   T  stopped:  one vCPU of four in a ptrace stop: that vCPU stalls
#                (reason "ptrace stop"), the VM is degraded, the others
#                do not stall

set -e
. "$(dirname "${BASH_SOURCE[0]}")/vhv_lib.sh"
vhv_require

STALL_MS=1000
STALL0=
UPID=
PTPID=

cleanup() {
	set +e
	[ -n "$PTPID" ] && kill "$PTPID" 2>/dev/null && wait "$PTPID" 2>/dev/null
	[ -n "$UPID" ] && kill "$UPID" 2>/dev/null && wait "$UPID" 2>/dev/null
	[ -n "$STALL0" ] && echo "$STALL0" > "$PARAMS/stall_ms"
	vhv_cleanup
}
trap cleanup EXIT

tap_plan 27

STALL0=$(rd "$PARAMS/stall_ms")
echo "$STALL_MS" > "$PARAMS/stall_ms"

uevent_listen

trace_new state
TP_OK=1
for e in vhv_vcpu_stall vhv_vcpu_recover vhv_vm_stall vhv_vm_recover \
	 vhv_vm_pause vhv_vm_resume; do
	if [ -d "$TI/events/vhv/$e" ]; then
		echo 1 > "$TI/events/vhv/$e/enable"
	else
		diag "no tracepoint vhv:$e"
		TP_OK=0
	fi
done
check "the vhv_vcpu_stall/recover and vhv_vm_pause/resume tracepoints exist" eval '[ $TP_OK = 1 ]'
: > "$TI/trace"

# what the kernel shows of a thread
proc_state() { awk '{ sub(/^.*\) /, ""); print $1 }' "/proc/$1/stat"; }
run_delay() { awk '{ print $2 }' "/proc/$1/schedstat"; }
stack_has() { grep -q "$2" "/proc/$1/stack"; }

# events of this run for a VM id: vcpu_events EVENT ID
vcpu_events() { trace_events "$TI/trace" "$1" | grep " vm=$2 " || true; }
vm_events() { trace_events "$TI/trace" "$1" | grep " id=$2 " || true; }
snap_vcpu() {	# snap_vcpu ID IDX KEY
	awk -v id="$1" -v idx="$2" '$1 == "vcpu" && (" " $0 " ") ~ (" vm=" id " ") &&
		(" " $0 " ") ~ (" idx=" idx " ")' "$SNAP" | kv "$3"
}
snap_vm() {	# snap_vm ID KEY
	awk -v id="$1" '$1 == "vm" && (" " $0 " ") ~ (" id=" id " ")' "$SNAP" | kv "$2"
}

__state_is() {
	WAIT_SEEN="state $(rd "$1/state") state_ms $(rd "$1/state_ms")"
	[ "$(rd "$1/state")" = "$2" ]
}
# wait_state VCPUDIR STATE: wait (generously) until the vCPU reads STATE
wait_state() { wait_for "state $2 in $1" 120 __state_is "$1" "$2"; }
__field_is() { WAIT_SEEN="$1 = $(rd "$1")"; [ "$(rd "$1")" = "$2" ]; }
wait_field() { wait_for "$1 = $2" 120 __field_is "$1" "$2"; }

# start_vm NAME NVCPUS TVMM-ARGS...: start, wait for vhv's VM; sets VMDIR, ID
start_vm() {
	local name=$1
	vmm_start_tracked "$@"
	shift 2
	ID=$(rd "$VMDIR/id")
	diag "VM $name: pid ${VMM_PID[$name]}, id $ID, tvmm $*"
}

# ---- G: guest ---------------------------------------------------------------
start_vm G 1 -w spin -d 0
D=$VMDIR/vcpus/0
TID=$(rd "$D/tid")
chk_guest() {
	wait_state "$D" guest || return 1
	local p
	p=$(proc_state "$TID")
	diag "vCPU thread $TID: state guest, /proc stat state $p, snapshot state $(snap_vcpu "$ID" 0 state)"
	[ "$p" = R ]
}
check "G: a spinning vCPU reads state guest, and its thread is running (R)" chk_guest
vmm_stop G

# ---- K: kvm and vmm, sampled ---------------------------------------------------
# A vCPU that exits to the VMM on every guest instruction (tvmm io) is
# mostly in KVM's exit handling or in the VMM: both states show up in samples.
start_vm K 1 -w io -d 0
D=$VMDIR/vcpus/0
chk_kvm_vmm() {
	local i s
	declare -A n=()
	for i in $(seq 1 400); do
		read -r s < "$D/state"
		n[$s]=$(( ${n[$s]:-0} + 1 ))
		[ "${n[kvm]:-0}" -gt 0 ] && [ "${n[vmm]:-0}" -gt 0 ] && break
	done
	diag "io vCPU over $i samples: $(for s in "${!n[@]}"; do printf '%s %s, ' "$s" "${n[$s]}"; done)"
	[ "${n[kvm]:-0}" -gt 0 ] && [ "${n[vmm]:-0}" -gt 0 ]
}
check "K: a vCPU exiting to its VMM all the time is sampled in states kvm and vmm" chk_kvm_vmm
vmm_stop K

# ---- Y: ready ---------------------------------------------------------------
start_vm Y 2 -w spin -a 1,1 -d 0
chk_ready() {
	local end=$(( $(now_us) + 120000000 )) i d t s p r0 r1
	while [ "$(now_us)" -lt "$end" ]; do
		for i in 0 1; do
			d=$VMDIR/vcpus/$i
			s=$(rd "$d/state")
			[ "$s" = ready ] || continue
			t=$(rd "$d/tid")
			p=$(proc_state "$t")
			r0=$(run_delay "$t")
			sleep 0.2
			r1=$(run_delay "$t")
			diag "vCPU $i (thread $t) read ready; /proc stat state $p; run delay grew $(( (r1 - r0) / 1000 )) us in 0.2 s"
			[ "$p" = R ] && [ "$r1" -gt "$r0" ]
			return
		done
		sleep 0.01
	done
	diag "neither vCPU read ready in 120 s: $(rd "$VMDIR/vcpus/0/state") $(rd "$VMDIR/vcpus/1/state")"
	return 1
}
check "Y: one of two vCPUs pinned to one CPU reads ready; runnable (R), its run delay grows" chk_ready
vmm_stop Y

# ---- H: halted, then SIGSTOP --------------------------------------------------
start_vm H 1 -w hlt -t 20000000 -d 0
D=$VMDIR/vcpus/0
TID=$(rd "$D/tid")
chk_halted() {
	wait_state "$D" halted || return 1
	diag "vCPU thread $TID: /proc stat state $(proc_state "$TID"); stack: $(grep -o 'kvm_vcpu_[a-z_]*' "/proc/$TID/stack" | tr '\n' ' ')"
	stack_has "$TID" kvm_vcpu_halt
}
check "H: a vCPU in HLT reads halted; its kernel stack is in kvm_vcpu_halt" chk_halted
chk_state_ms() {
	local a b t0 t1 dt
	t0=$(now_us); a=$(rd "$D/state_ms")
	sleep 1.5
	t1=$(now_us); b=$(rd "$D/state_ms")
	dt=$(( (t1 - t0) / 1000 ))
	diag "state_ms $a -> $b over $dt ms, state $(rd "$D/state")"
	[ "$(rd "$D/state")" = halted ] && [ $((b - a)) -ge $((dt - 600)) ] && [ $((b - a)) -le $((dt + 600)) ]
}
check "H: state_ms grows with the time spent halted" chk_state_ms
sleep 1
chk_no_stall() {
	local st sc vs hb ev
	# each figure read once: the one printed is the one checked
	st=$(rd "$D/stalled"); sc=$(rd "$D/stall_count"); vs=$(rd "$VMDIR/status")
	hb=$(rd "$VMDIR/heartbeat_ms"); ev=$(vcpu_events vhv_vcpu_stall "$ID")
	diag "halted $(rd "$D/state_ms") ms: vCPU stalled $st, stall_count $sc; VM status $vs, heartbeat_ms $hb (stall_ms $STALL_MS); stall events of VM $ID: ${ev:-none}"
	[ "$st" = 0 ] && [ "$sc" = 0 ] && [ "$vs" = ok ] && [ -z "$ev" ] && [ "$hb" -ge "$STALL_MS" ]
}
check "H: halted longer than stall_ms (old heartbeat): no stall, status ok" chk_no_stall

kill -STOP "${VMM_PID[H]}"
chk_stopped() {
	wait_state "$D" stopped || return 1
	diag "after SIGSTOP: /proc stat state $(proc_state "$TID")"
	[ "$(proc_state "$TID")" = T ]
}
check "H: SIGSTOP: the halted vCPU reads stopped (/proc state T)" chk_stopped
chk_stop_stall() {
	local ev
	wait_field "$D/stalled" 1 || return 1
	wait_field "$VMDIR/status" stalled || return 1
	ev=$(vcpu_events vhv_vcpu_stall "$ID")
	diag "vhv_vcpu_stall: $ev"
	echo "$ev" | grep -q " idx=0 tid=$TID state=stopped " &&
		echo "$ev" | grep -q 'reason="stopped by a signal"' &&
		[ "$(rd "$D/stall_count")" = 1 ] && [ "$(rd "$VMDIR/stalled_vcpus")" = 1 ]
}
check "H: SIGSTOP of a halted VM stalls its vCPU (event: state stopped, signal), VM stalled" chk_stop_stall
kill -CONT "${VMM_PID[H]}"
chk_cont() {
	local ev
	wait_field "$D/stalled" 0 || return 1
	wait_state "$D" halted || return 1
	ev=$(vcpu_events vhv_vcpu_recover "$ID")
	diag "vhv_vcpu_recover: $ev; VM status $(rd "$VMDIR/status")"
	echo "$ev" | grep -q " idx=0 tid=$TID " && [ "$(rd "$VMDIR/status")" = ok ]
}
check "H: SIGCONT: halted again, the stall ends (vhv_vcpu_recover), VM ok" chk_cont
vmm_stop H

# ---- B: blocked in KVM ----------------------------------------------------------
start_vm B 1 -w mem -U -d 0
D=$VMDIR/vcpus/0
TID=$(rd "$D/tid")
chk_blocked() {
	wait_state "$D" blocked || return 1
	diag "vCPU thread $TID: /proc stat state $(proc_state "$TID"); stack: $(grep -o 'handle_userfault\|kvm_[a-z_]*' "/proc/$TID/stack" | head -n 4 | tr '\n' ' ')"
	stack_has "$TID" handle_userfault && stack_has "$TID" kvm_
}
check "B: a vCPU asleep in KVM on a userfaultfd reads blocked (stack: handle_userfault under KVM)" chk_blocked
chk_blocked_stall() {
	local ev
	wait_field "$D/stalled" 1 || return 1
	ev=$(vcpu_events vhv_vcpu_stall "$ID")
	diag "vhv_vcpu_stall: $ev; VM status $(rd "$VMDIR/status")"
	echo "$ev" | grep -q " idx=0 tid=$TID state=blocked " &&
		[ "$(echo "$ev" | kv idle_ms)" -ge "$STALL_MS" ] &&
		[ "$(rd "$VMDIR/status")" = stalled ]
}
check "B: it stalls (event: state blocked, idle_ms >= stall_ms); the 1-vCPU VM is stalled" chk_blocked_stall
chk_blocked_snap() {
	local s c st
	s=$(snap_vcpu "$ID" 0 state); c=$(snap_vcpu "$ID" 0 stall_count)
	st=$(snap_vm "$ID" status)
	diag "snapshot: vcpu state=$s stall_count=$c stalled=$(snap_vcpu "$ID" 0 stalled); vm status=$st stall_count=$(snap_vm "$ID" stall_count)"
	[ "$s" = blocked ] && [ "$c" = 1 ] && [ "$st" = stalled ] && [ "$(snap_vm "$ID" stall_count)" = 1 ]
}
check "B: the snapshot says the same (state, stall_count, VM status and stall_count)" chk_blocked_snap
vmm_stop B

# ---- V and P: parked in the VMM ----------------------------------------------------
start_vm V 2 -w spin -d 0
D0=$VMDIR/vcpus/0 D1=$VMDIR/vcpus/1
T0=$(rd "$D0/tid")
__parked() { grep -q "^parked vcpus=$1\$" "$TMPD/V.out"; }
kill -s RTMIN+2 "${VMM_PID[V]}"
wait_for "tvmm to park vCPU 0" 120 __parked 1
chk_vmm() {
	wait_state "$D0" vmm || return 1
	diag "vCPU 0 (thread $T0): /proc stat state $(proc_state "$T0"); KVM frames on its stack: $(grep -c kvm_ "/proc/$T0/stack" || true)"
	! stack_has "$T0" kvm_
}
check "V: a vCPU parked by its VMM reads vmm (no KVM frame on its stack)" chk_vmm
chk_vmm_stall() {
	local ev
	wait_field "$D0/stalled" 1 || return 1
	wait_field "$VMDIR/status" degraded || return 1
	ev=$(vcpu_events vhv_vcpu_stall "$ID")
	diag "vhv_vcpu_stall: $ev; vCPU 1: state $(rd "$D1/state") stalled $(rd "$D1/stalled"); stalled_vcpus $(rd "$VMDIR/stalled_vcpus")"
	echo "$ev" | grep -q " idx=0 tid=$T0 state=vmm " &&
		echo "$ev" | grep -q 'reason="outside KVM_RUN, in the VMM"' &&
		! echo "$ev" | grep -q " idx=1 " &&
		[ "$(rd "$D1/stalled")" = 0 ] && [ "$(rd "$VMDIR/stalled_vcpus")" = 1 ]
}
check "V: vCPU 0 stalls in the VMM (event names it, state vmm), vCPU 1 does not: VM degraded" chk_vmm_stall
chk_vm_stall_ev() {
	local ev
	ev=$(vm_events vhv_vm_stall "$ID")
	diag "vhv_vm_stall: $ev"
	[ "$(echo "$ev" | wc -l)" = 1 ] && echo "$ev" | grep -q " stalled_vcpus=1 nr_vcpus=2"
}
check "V: one vhv_vm_stall for the VM: stalled_vcpus=1 nr_vcpus=2" chk_vm_stall_ev
chk_uevent_degraded() {
	local line
	__ue() { grep -q " VHV_EVENT=stall .*VHV_VM=$ID\( \|$\)" "$TMPD/uevents"; }
	wait_for "uevent VHV_EVENT=stall for VM $ID" 60 __ue || return 1
	line=$(grep -m1 " VHV_EVENT=stall .*VHV_VM=$ID\( \|$\)" "$TMPD/uevents")
	diag "$line"
	echo "$line" | grep -q " VHV_STATUS=degraded\( \|$\)"
}
check "V: the stall uevent says VHV_STATUS=degraded" chk_uevent_degraded
kill -s RTMIN+1 "${VMM_PID[V]}"
chk_unpark() {
	local ev
	wait_field "$D0/stalled" 0 || return 1
	wait_field "$VMDIR/status" ok || return 1
	ev=$(vcpu_events vhv_vcpu_recover "$ID")
	diag "vhv_vcpu_recover: $ev; vCPU 0 state $(rd "$D0/state")"
	echo "$ev" | grep -q " idx=0 tid=$T0 " && [ -n "$(vm_events vhv_vm_recover "$ID")" ]
}
check "V: unparked, vCPU 0 recovers (vhv_vcpu_recover, vhv_vm_recover), VM ok" chk_unpark

: > "$TI/trace"
P0=$(rd "$VMDIR/pause_count")
kill -s RTMIN "${VMM_PID[V]}"
wait_for "tvmm to park both vCPUs" 120 __parked 2
chk_paused() {
	wait_field "$VMDIR/status" paused || return 1
	diag "paused: vCPU states $(rd "$D0/state") $(rd "$D1/state"); pause_count $P0 -> $(rd "$VMDIR/pause_count"); snapshot status $(snap_vm "$ID" status)"
	[ "$(rd "$D0/state")" = vmm ] && [ "$(rd "$D1/state")" = vmm ] &&
		[ "$(rd "$VMDIR/pause_count")" = $((P0 + 1)) ] && [ "$(snap_vm "$ID" status)" = paused ]
}
check "P: both vCPUs parked together: VM status paused (sysfs, snapshot), pause_count + 1" chk_paused
sleep $((2 * STALL_MS / 1000 + 1))
chk_pause_no_stall() {
	diag "after $((2 * STALL_MS / 1000 + 1)) s paused: status $(rd "$VMDIR/status"), stalled $(rd "$D0/stalled") $(rd "$D1/stalled"), stall events $(vcpu_events vhv_vcpu_stall "$ID" | wc -l)"
	[ "$(rd "$VMDIR/status")" = paused ] && [ "$(rd "$D0/stalled")" = 0 ] &&
		[ "$(rd "$D1/stalled")" = 0 ] && [ -z "$(vcpu_events vhv_vcpu_stall "$ID")" ] &&
		[ -z "$(vm_events vhv_vm_stall "$ID")" ] && [ "$(rd "$VMDIR/stalled")" = 0 ]
}
check "P: paused for more than 2 x stall_ms: no stall (files, events)" chk_pause_no_stall
chk_pause_ev() {
	local ev
	ev=$(vm_events vhv_vm_pause "$ID")
	diag "vhv_vm_pause: $ev"
	__ue() { grep -q " VHV_EVENT=pause .*VHV_VM=$ID\( \|$\)" "$TMPD/uevents"; }
	[ "$(echo "$ev" | wc -l)" = 1 ] && echo "$ev" | grep -q " nr_vcpus=2" &&
		wait_for "uevent VHV_EVENT=pause for VM $ID" 60 __ue
}
check "P: one vhv_vm_pause event (nr_vcpus=2) and a pause uevent" chk_pause_ev
kill -s RTMIN+1 "${VMM_PID[V]}"
chk_resume() {
	local ev
	wait_field "$VMDIR/status" ok || return 1
	ev=$(vm_events vhv_vm_resume "$ID")
	diag "vhv_vm_resume: $ev"
	[ -n "$ev" ] && [ "$(echo "$ev" | kv paused_ms)" -ge $((2 * STALL_MS)) ]
}
check "P: unparked: status ok, vhv_vm_resume with paused_ms >= 2 x stall_ms" chk_resume
vmm_stop V

# ---- T: one vCPU of four in a ptrace stop --------------------------------------------
: > "$TI/trace"
start_vm T 4 -w spin -d 0
D2=$VMDIR/vcpus/2
T2=$(rd "$D2/tid")
"$PY" -u "$VHV_SELF/ptstop.py" "$T2" > "$TMPD/ptstop.out" 2> "$TMPD/ptstop.err" &
PTPID=$!
__ptstopped() { grep -q "^stopped $T2\$" "$TMPD/ptstop.out" || ! kill -0 "$PTPID" 2>/dev/null; }
WAIT_FILES=("$TMPD/ptstop.out" "$TMPD/ptstop.err")
wait_for "ptstop.py to stop thread $T2" 120 __ptstopped
WAIT_FILES=()
chk_ptstop() {
	grep -q "^stopped $T2\$" "$TMPD/ptstop.out" || { diag "ptstop.py: $(cat "$TMPD/ptstop.err")"; return 1; }
	wait_state "$D2" stopped || return 1
	diag "thread $T2: /proc stat state $(proc_state "$T2"); the process: $(proc_state "${VMM_PID[T]}")"
	[ "$(proc_state "$T2")" = t ]
}
check "T: vCPU 2 in a ptrace stop reads stopped (/proc state t)" chk_ptstop
chk_pt_stall() {
	local ev i ok=1
	wait_field "$D2/stalled" 1 || return 1
	wait_field "$VMDIR/status" degraded || return 1
	ev=$(vcpu_events vhv_vcpu_stall "$ID")
	diag "vhv_vcpu_stall: $ev"
	echo "$ev" | grep -q " idx=2 tid=$T2 state=stopped " || ok=0
	echo "$ev" | grep -q 'reason="ptrace stop"' || ok=0
	for i in 0 1 3; do
		diag "vCPU $i: state $(rd "$VMDIR/vcpus/$i/state"), stalled $(rd "$VMDIR/vcpus/$i/stalled"), stall_count $(rd "$VMDIR/vcpus/$i/stall_count")"
		[ "$(rd "$VMDIR/vcpus/$i/stall_count")" = 0 ] || ok=0
	done
	[ "$(echo "$ev" | wc -l)" = 1 ] && [ "$(rd "$VMDIR/stalled_vcpus")" = 1 ] && [ $ok = 1 ]
}
check "T: vCPU 2 stalls (reason ptrace stop), the other three never do: VM degraded" chk_pt_stall
chk_pt_snap() {
	diag "snapshot: vm status=$(snap_vm "$ID" status) stalled_vcpus=$(snap_vm "$ID" stalled_vcpus); vcpu 2 state=$(snap_vcpu "$ID" 2 state) stalled=$(snap_vcpu "$ID" 2 stalled)"
	[ "$(snap_vm "$ID" status)" = degraded ] && [ "$(snap_vm "$ID" stalled_vcpus)" = 1 ] &&
		[ "$(snap_vcpu "$ID" 2 state)" = stopped ] && [ "$(snap_vcpu "$ID" 2 stalled)" = 1 ] &&
		[ "$(snap_vcpu "$ID" 1 stalled)" = 0 ]
}
check "T: the snapshot shows VM degraded, vCPU 2 stopped and stalled, vCPU 1 not" chk_pt_snap
kill "$PTPID"; wait "$PTPID" 2>/dev/null || true; PTPID=
chk_pt_recover() {
	wait_field "$D2/stalled" 0 || return 1
	wait_field "$VMDIR/status" ok || return 1
	diag "detached: vCPU 2 state $(rd "$D2/state"); recover events: $(vcpu_events vhv_vcpu_recover "$ID")"
	vcpu_events vhv_vcpu_recover "$ID" | grep -q " idx=2 tid=$T2 "
}
check "T: detached, vCPU 2 runs again: recovered, VM ok" chk_pt_recover
vmm_stop T

# ---- the files -----------------------------------------------------------------
chk_files() {
	local f ok=1
	start_vm F 1 -w spin -d 0
	for f in state state_ms stalled stall_count; do
		[ -r "$VMDIR/vcpus/0/$f" ] || { diag "no vcpus/0/$f"; ok=0; }
	done
	for f in status stalled_vcpus pause_count stall_count stalled; do
		[ -r "$VMDIR/$f" ] || { diag "no $f"; ok=0; }
	done
	vmm_stop F
	[ $ok = 1 ]
}
check "the files: vcpus/N/{state,state_ms,stalled,stall_count}, {status,stalled_vcpus,pause_count}" chk_files

tap_done
