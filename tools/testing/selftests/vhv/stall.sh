#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# stall.sh - the stall detector, as a user sees it: the stalled and
# stall_count files, the vhv_vm_stall/vhv_vm_recover tracepoints and the
# KOBJ_CHANGE uevents, with stall_ms = 1000.
#
#   P  stall_ms rejects out-of-range and malformed values (hex, octal and
#      signed ones too: decimal only), keeps the old one
#   R  a busy VM never stalls
#   S  SIGSTOP of the VMM: stall reported, not before the threshold
#   C  SIGCONT: recovery reported, once
#   H  a VM idling in HLT for 3 s at a time never stalls, although its
#      heartbeat ages past the threshold
#
# The ground truth for "when" is in the same trace buffer (and clock) as
# vhv's events: the SIGSTOP and SIGCONT as trace_marker lines, and the VM's
# first guest entry after the SIGCONT as KVM's own kvm:kvm_entry event.
# Latencies are judged on those timestamps, not on this script's polling,
# which a loaded machine can delay by seconds.

set -e
. "$(dirname "${BASH_SOURCE[0]}")/vhv_lib.sh"
vhv_require

STALL_MS=1000
# The heartbeat period (design.rst): stall_ms / 4, clamped to 20 ms .. 1 s.
PERIOD_MS=$((STALL_MS / 4))
SLACK_MS=50
STALL0=
UPID=

cleanup() {
	set +e
	[ -n "$UPID" ] && kill "$UPID" 2>/dev/null && wait "$UPID" 2>/dev/null
	[ -n "$STALL0" ] && echo "$STALL0" > "$PARAMS/stall_ms"
	vhv_cleanup
}
trap cleanup EXIT

# wr FILE VALUE: write VALUE with a single write(2); status is its success.
wr() { printf '%s' "$2" 2>/dev/null > "$1"; }

tap_plan 16

# ---- P: the parameter ---------------------------------------------------
STALL0=$(rd "$PARAMS/stall_ms")
diag "stall_ms was $STALL0"
chk_bad_writes() {
	local v ok=1 now
	for v in 0 99 3600001 -1 abc $'\n' 1000x 99999999999999999999 " " 0x3e8 01000 +1000; do
		if wr "$PARAMS/stall_ms" "$v"; then
			diag "write $(printf %q "$v") to stall_ms succeeded"
			ok=0
		fi
		now=$(rd "$PARAMS/stall_ms")
		if [ "$now" != "$STALL0" ]; then
			diag "after writing $(printf %q "$v"), stall_ms reads $now (was $STALL0)"
			ok=0
			wr "$PARAMS/stall_ms" "$STALL0" || true
		fi
	done
	[ $ok = 1 ]
}
check "P: out-of-range or malformed stall_ms writes (hex, octal, signed too) fail and keep the value" chk_bad_writes

chk_bounds() {
	wr "$PARAMS/stall_ms" 100 && [ "$(rd "$PARAMS/stall_ms")" = 100 ] &&
	wr "$PARAMS/stall_ms" 3600000 && [ "$(rd "$PARAMS/stall_ms")" = 3600000 ]
}
check "P: stall_ms accepts its bounds 100 and 3600000" chk_bounds

echo "$STALL_MS" > "$PARAMS/stall_ms"
chk_snap_threshold() {
	local t
	t=$(awk '$1 == "host"' "$SNAP" | kv stall_threshold_ms)
	diag "snapshot stall_threshold_ms=$t"
	[ "$t" = "$STALL_MS" ] && [ "$(rd "$PARAMS/stall_ms")" = "$STALL_MS" ]
}
check "P: stall_ms=$STALL_MS reads back and is the snapshot's stall_threshold_ms" chk_snap_threshold

# ---- listeners: uevents and tracepoints ------------------------------------
uevent_listen

trace_new stall
HAVE_TP=1
for e in vhv_vm_stall vhv_vm_recover; do
	if [ -d "$TI/events/vhv/$e" ]; then
		echo 1 > "$TI/events/vhv/$e/enable"
	else
		diag "no tracepoint vhv:$e"
		HAVE_TP=0
	fi
done
# the vCPUs' own events, to tell which vCPU stalled when, and why
for e in vhv_vcpu_stall vhv_vcpu_recover; do
	[ ! -d "$TI/events/vhv/$e" ] || echo 1 > "$TI/events/vhv/$e/enable"
done
: > "$TI/trace"
mark() { echo "vhvtest $1" > "$TI/trace_marker"; }

# ---- R: a busy VM -----------------------------------------------------------
vmm_start R -c 2 -w spin -d 0
vmm_wait_started R
PID=${VMM_PID[R]}
vm_wait "$PID" 2
ID=$(rd "$VMDIR/id")
diag "busy VM: pid $PID, id $ID"

# watch_vm SECONDS [HB_MS]: sample stalled and heartbeat_ms every 50 ms
# (nap: no fork, which costs a loaded debug kernel a tenth of a second) for
# SECONDS, and with HB_MS on until heartbeat_ms reached HB_MS (60 s more at
# most): a loaded host samples less often and may miss the peak. Sets
# W_STALLED (times stalled=1 was seen), W_HBMAX and W_N (samples).
watch_vm() {
	local start end last s hb
	start=$(now_us)
	end=$((start + $1 * 1000000)) last=$((start + ($1 + 60) * 1000000))
	W_STALLED=0 W_HBMAX=0 W_N=0
	while [ "$(now_us)" -lt "$end" ] ||
	      { [ -n "${2:-}" ] && [ "$W_HBMAX" -lt "$2" ] && [ "$(now_us)" -lt "$last" ]; }; do
		read -r s < "$VMDIR/stalled"
		read -r hb < "$VMDIR/heartbeat_ms"
		[ "$s" = 0 ] || W_STALLED=$((W_STALLED + 1))
		[ "$hb" -le "$W_HBMAX" ] || W_HBMAX=$hb
		W_N=$((W_N + 1))
		nap 0.05
	done
	W_SECS=$(( ($(now_us) - start) / 1000000 ))
}
watch_vm $((2 * STALL_MS / 1000 + 1))
chk_busy() {
	local c n
	c=$(rd "$VMDIR/stall_count")
	n=$(trace_events "$TI/trace" vhv_vm_stall | wc -l)
	diag "busy VM over $((2 * STALL_MS / 1000 + 1)) s: stalled seen $W_STALLED times, max heartbeat_ms $W_HBMAX, stall_count $c, stall events $n"
	[ "$W_STALLED" = 0 ] && [ "$c" = 0 ] && [ "$n" = 0 ] && [ "$W_HBMAX" -lt "$STALL_MS" ]
}
check "R: a busy VM is never stalled (stalled=0, stall_count=0, no event, heartbeat young)" chk_busy

# ---- S: SIGSTOP -------------------------------------------------------------
C0=$(rd "$VMDIR/stall_count")
mark stop
T_STOP=$(now_us)
kill -STOP "$PID"
# Wait generously (a slow machine must not end the wait before vhv can
# answer); the latency is judged on the trace below.
T_SEEN=
end=$((T_STOP + 60000000))
while [ "$(now_us)" -lt "$end" ]; do
	read -r s < "$VMDIR/stalled"
	if [ "$s" = 1 ]; then T_SEEN=$(now_us); break; fi
	sleep 0.02
done
if [ -n "$T_SEEN" ]; then
	diag "stalled=1 seen $(( (T_SEEN - T_STOP) / 1000 )) ms after SIGSTOP"
else
	diag "stalled still 0 60 s after SIGSTOP: stall_count $(rd "$VMDIR/stall_count"), heartbeat_ms $(rd "$VMDIR/heartbeat_ms")"
	dmesg | tail -n 10 | sed 's/^/#   /'
fi
check "S: SIGSTOP of the VMM: stalled=1" eval '[ -n "$T_SEEN" ]'

# Trace timestamps: the stop marker and the stall event, same clock.
trace_events "$TI/trace" tracing_mark_write > "$TMPD/marks"
trace_events "$TI/trace" vhv_vm_stall > "$TMPD/stalls"
TS_STOP=$(awk '/ vhvtest stop$/ { print $1; exit }' "$TMPD/marks" | kv ts)
TS_STALL=$(grep -m1 " id=$ID " "$TMPD/stalls" | kv ts || true)
chk_stall_time() {
	local min=$((STALL_MS - PERIOD_MS - SLACK_MS)) max=$((3 * STALL_MS)) ok=1 dt
	[ -n "$T_SEEN" ] || return 1
	diag "stalled=1 seen $(( (T_SEEN - T_STOP) / 1000 )) ms after SIGSTOP (minimum $min ms)"
	[ $(( (T_SEEN - T_STOP) / 1000 )) -ge "$min" ] || ok=0
	[ "$HAVE_TP" = 1 ] || return 1
	[ -n "$TS_STALL" ] || { diag "no vhv_vm_stall event for id $ID"; return 1; }
	dt=$(fcalc "($TS_STALL - $TS_STOP) * 1000")
	diag "vhv_vm_stall traced $dt ms after the stop marker (expected $min .. $max)"
	fcheck "$dt >= $min && $dt <= $max" || ok=0
	[ $ok = 1 ]
}
check "S: the stall is reported after stall_ms - one heartbeat period, within 3 x stall_ms" chk_stall_time

chk_stall_event() {
	local line idle up
	[ "$HAVE_TP" = 1 ] || return 1
	line=$(grep -m1 " id=$ID " "$TMPD/stalls") || { diag "no vhv_vm_stall for id $ID: $(cat "$TMPD/stalls")"; return 1; }
	diag "vhv_vm_stall: $line"
	idle=$(echo "$line" | kv idle_ms)
	up=$(fcalc "($TS_STALL - $TS_STOP) * 1000 + $PERIOD_MS + $SLACK_MS")
	[ "$(echo "$line" | kv pid)" = "$PID" ] && [ "$idle" -ge "$STALL_MS" ] && fcheck "$idle <= $up"
}
check "S: vhv_vm_stall has the VM's id and pid, stall_ms <= idle_ms <= time since the stop + a period" chk_stall_event

__uevent_seen() {
	WAIT_SEEN="$(grep -c uevent "$TMPD/uevents") uevents seen, none '$1' for VM $ID"
	grep -q " VHV_EVENT=$1 .*VHV_VM=$ID\( \|$\)" "$TMPD/uevents"
}
chk_uevent() {
	local line
	# the kernel sent it when it set stalled; the listener (python) may be slow
	WAIT_FILES=("$TMPD/uevents" "$TMPD/uevent.err")
	if ! wait_for "uevent VHV_EVENT=$1 for VM $ID" 60 __uevent_seen "$1"; then
		WAIT_FILES=()
		return 1
	fi
	WAIT_FILES=()
	line=$(grep -m1 " VHV_EVENT=$1 .*VHV_VM=$ID\( \|$\)" "$TMPD/uevents")
	diag "$line"
	echo "$line" | grep -q " ACTION=change " && echo "$line" | grep -q " VHV_PID=$PID\( \|$\)" &&
		echo "$line" | grep -q " DEVPATH=[^ ]*/vms/$ID\( \|$\)"
}
check "S: uevent ACTION=change VHV_EVENT=stall VHV_VM=id VHV_PID=pid from .../vms/<id>" chk_uevent stall

chk_count() {
	local c s
	c=$(rd "$VMDIR/stall_count")
	s=$(awk -v id="$ID" '$1 == "vm" && (" " $0 " ") ~ (" id=" id " ")' "$SNAP" | kv stalled)
	diag "stall_count $C0 -> $c, snapshot stalled=$s"
	[ "$c" = $((C0 + 1)) ] && [ "$s" = 1 ]
}
check "S: stall_count grew by one and the snapshot says stalled=1" chk_count

# ---- C: SIGCONT -------------------------------------------------------------
# KVM's kvm_entry, from this VM's vCPU threads only, from the SIGCONT on.
HAVE_ENTRY=0
if [ -d "$TI/events/kvm/kvm_entry" ]; then
	filt=
	for d in "$VMDIR"/vcpus/*/; do
		filt="${filt:+$filt || }common_pid == $(rd "$d/tid")"
	done
	echo "$filt" > "$TI/events/kvm/kvm_entry/filter" &&
		echo 1 > "$TI/events/kvm/kvm_entry/enable" && HAVE_ENTRY=1
fi
[ "$HAVE_ENTRY" = 1 ] || diag "cannot trace kvm:kvm_entry"
mark cont
T_CONT=$(now_us)
kill -CONT "$PID"
__not_stalled() { WAIT_SEEN="stalled $(rd "$VMDIR/stalled"), heartbeat_ms $(rd "$VMDIR/heartbeat_ms")"; [ "$(rd "$VMDIR/stalled")" = 0 ]; }
# as for the stall: wait generously, judge the latency on the trace
T_REC=
wait_for "stalled=0 after SIGCONT" 60 __not_stalled && T_REC=$(now_us)
[ -z "$T_REC" ] || diag "stalled=0 seen $(( (T_REC - T_CONT) / 1000 )) ms after SIGCONT"
check "C: SIGCONT: stalled=0" eval '[ -n "$T_REC" ]'
sleep $((2 * STALL_MS / 1000))	# time for duplicate events, if any
echo 0 > "$TI/events/kvm/kvm_entry/enable" 2>/dev/null || true

trace_events "$TI/trace" tracing_mark_write > "$TMPD/marks"
trace_events "$TI/trace" vhv_vm_stall > "$TMPD/stalls"
trace_events "$TI/trace" vhv_vm_recover > "$TMPD/recovers"
TS_CONT=$(awk '/ vhvtest cont$/ { print $1; exit }' "$TMPD/marks" | kv ts)
chk_recover_event() {
	local line st ts lo up
	[ "$HAVE_TP" = 1 ] || return 1
	line=$(grep -m1 " id=$ID " "$TMPD/recovers") || { diag "no vhv_vm_recover for id $ID"; return 1; }
	diag "vhv_vm_recover: $line"
	st=$(echo "$line" | kv stalled_ms)
	ts=$(echo "$line" | kv ts)
	# At least from the stall report to the SIGCONT; at most from the
	# last heartbeat before the stop to the recovery report.
	lo=$(fcalc "($TS_CONT - $TS_STALL) * 1000 - $SLACK_MS")
	up=$(fcalc "($ts - $TS_STOP) * 1000 + $PERIOD_MS + $SLACK_MS")
	diag "stalled_ms $st, expected within [$lo, $up]"
	[ "$(echo "$line" | kv pid)" = "$PID" ] && fcheck "$st >= $lo && $st <= $up"
}
check "C: vhv_vm_recover has the VM's id and pid and a stalled_ms that fits the stop" chk_recover_event
# The VM runs again at its first guest entry (KVM's event): the recovery is
# reported after it, within 3 x stall_ms (nominally within two periods).
chk_recover_time() {
	local ts te dt max=$((3 * STALL_MS))
	[ "$HAVE_TP" = 1 ] && [ "$HAVE_ENTRY" = 1 ] || return 1
	ts=$(grep -m1 " id=$ID " "$TMPD/recovers" | kv ts) || true
	te=$(trace_events "$TI/trace" kvm_entry | awk -v c="$TS_CONT" '{ t = $1; sub("ts=", "", t); if (t + 0 >= c + 0) { print t; exit } }')
	diag "SIGCONT marker $TS_CONT, first kvm_entry ${te:-none}, vhv_vm_recover ${ts:-none}"
	[ -n "$ts" ] && [ -n "$te" ] || return 1
	dt=$(fcalc "($ts - $te) * 1000")
	diag "recovery traced $dt ms after the VM's first guest entry (expected 0 .. $max)"
	fcheck "$dt >= 0 && $dt <= $max"
}
check "C: the recovery is reported after the VM's first guest entry, within 3 x stall_ms" chk_recover_time
check "C: uevent ACTION=change VHV_EVENT=recover VHV_VM=id VHV_PID=pid" chk_uevent recover

chk_once() {
	local s r us ur c
	s=$(grep -c " id=$ID " "$TMPD/stalls" || true)
	r=$(grep -c " id=$ID " "$TMPD/recovers" || true)
	us=$(grep -c " VHV_EVENT=stall .*VHV_VM=$ID\( \|$\)" "$TMPD/uevents" || true)
	ur=$(grep -c " VHV_EVENT=recover .*VHV_VM=$ID\( \|$\)" "$TMPD/uevents" || true)
	c=$(rd "$VMDIR/stall_count")
	diag "one stop/cont: $s stall and $r recover events, $us/$ur uevents, stall_count $c"
	[ "$s" = 1 ] && [ "$r" = 1 ] && [ "$us" = 1 ] && [ "$ur" = 1 ] && [ "$c" = $((C0 + 1)) ] && return
	grep -E ' (vhv_[a-z_]*|tracing_mark_write): ' "$TI/trace" | sed 's/^ */# event: /'
	return 1
}
check "C: one stop/continue gives exactly one stall and one recover (trace, uevent, stall_count)" chk_once
vmm_stop R

# ---- H: a VM idling in HLT, 3 s at a time -----------------------------------
vmm_start H -c 1 -w hlt -t 3000000 -d 0
vmm_wait_started H
PID=${VMM_PID[H]}
vm_wait "$PID" 1
ID=$(rd "$VMDIR/id")
: > "$TI/trace"
h0=$(rd "$VMDIR/vcpus/0/halt_ns")
WATCH_S=$((2 * STALL_MS / 1000 + 2))
watch_vm "$WATCH_S" "$STALL_MS"
h1=$(rd "$VMDIR/vcpus/0/halt_ns")
chk_hlt() {
	local c n u
	c=$(rd "$VMDIR/stall_count")
	n=$(trace_events "$TI/trace" vhv_vm_stall | grep -c " id=$ID " || true)
	u=$(grep -c "VHV_VM=$ID\( \|$\)" "$TMPD/uevents" || true)
	diag "HLT VM (id $ID) over $W_SECS s ($W_N samples): stalled seen $W_STALLED times, stall_count $c, $n stall events, $u uevents"
	[ "$W_STALLED" = 0 ] && [ "$c" = 0 ] && [ "$n" = 0 ] && [ "$u" = 0 ]
}
check "H: a VM halted 3 s at a time for > 2 x stall_ms (and until its heartbeat aged past stall_ms) raises no stall" chk_hlt
chk_hlt_aged() {
	diag "max heartbeat_ms $W_HBMAX in $W_N samples (stall_ms $STALL_MS), Δhalt_ns $((h1 - h0))"
	[ "$W_HBMAX" -ge "$STALL_MS" ] && [ $((h1 - h0)) -ge $((STALL_MS * 1000000)) ]
}
check "H: ... although its heartbeat aged past stall_ms while it halted (halt_ns grew)" chk_hlt_aged

tap_done
