#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# attach.sh - vhv on a kernel with KVM built in (CONFIG_KVM=y: the 6.1-kvm
# debug line of make check-debug). kvm_entry and the other kvm tracepoints
# are vmlinux's there and no kvm.ko will ever load: vhv attaches to them
# at load or fails the load (kmod/vhv/probe.c). A vhv that loads without
# attaching sees no VM, and every check after B fails.
#
#   B  KVM is built in: /sys/module/kvm has no initstate; no kvm module
#   L  rmmod vhv, insmod vhv: it says it attached to the built-in kvm
#   V  a VM of 1 vCPU (HLT, woken by its LAPIC timer every 5 ms) appears
#      under tvmm's pid, its vCPU with tvmm's tid
#   E  its exits lie between KVM's own count (debugfs) read before and
#      after, once the vCPU entered the guest after a switch-in that came
#      after the first read (such an entry copies KVM's count), and grow
#   T  Δexits over a window = the thread's kvm:kvm_exit events, traced
#   R  2 spinning vCPUs share CPU 0: Δready_ns and Δrun_ns = the threads'
#      schedstat run_delay and sum_exec_runtime, within 1%
#   U  rmmod vhv with both VMs running, insmod: found again
#   K  the VMs end: nothing left, every VM and vCPU object created was
#      destroyed (debug build's lines); the kernel log is clean
#
# Ground truth: KVM's debugfs statistics and kvm:kvm_exit events (built
# in as well), the scheduler's schedstat, tvmm's pids and tids.

set -e
. "$(dirname "${BASH_SOURCE[0]}")/../vhv/vhv_lib.sh"
vhv_require

HPN=/sys/module/kvm/parameters/halt_poll_ns
HPN0=
MARK="vhv-builtin/attach.sh $$ begins"
declare -A S=()

cleanup() {
	set +e
	vmm_kill_all
	[ -z "$HPN0" ] || echo "$HPN0" > "$HPN"
	[ -d "$SYS" ] || insmod "$VHV_KO"
	vhv_cleanup
}
trap cleanup EXIT

# klog: the kernel log since this test began
klog() { dmesg | sed -n "\\|$MARK|,\$p"; }
# nattached: how many times vhv attached to the built-in kvm since then
nattached() { klog | grep -c 'vhv: attached to kvm (built into the kernel)$' || true; }

tap_plan 10
[ -r "$VHV_KO" ] || tap_bail "no $VHV_KO to reload"
echo "$MARK" > /dev/kmsg

# ---- B, L: the kernel, the load ---------------------------------------------
chk_builtin() {
	diag "/sys/module/kvm: $(cd /sys/module/kvm && echo *); modules: $(grep -oE '^kvm[a-z_]* ' /proc/modules | tr -d '\n')"
	kvm_builtin && ! grep -qE '^kvm(_amd)? ' /proc/modules
}
check "B: KVM is built in: /sys/module/kvm has no initstate, kvm and kvm_amd are no modules" chk_builtin

chk_load() {
	if ! rmmod vhv || ! insmod "$VHV_KO"; then diag "rmmod/insmod vhv failed"; return 1; fi
	diag "kernel log: $(klog | grep 'vhv: ' | tr '\n' ';')"
	[ "$(nattached)" = 1 ]
}
check "L: rmmod vhv, insmod vhv: it logs that it attached to kvm built into the kernel" chk_load

# ---- V, E, T: a halting vCPU, its exits ---------------------------------------
# A vCPU woken without a switch (halt polling) enters the guest without a
# copy of KVM's stats: no polling, every wake-up is a switch-in.
HPN0=$(rd "$HPN")
echo 0 > "$HPN"
vmm_start H -c 1 -w hlt -t 5000 -d 0
vmm_wait_started H
PIDH=${VMM_PID[H]}
TIDH=$(vmm_tids H | awk '{ print $2 }')
SST=/proc/$PIDH/task/$TIDH/schedstat
chk_vm() { vm_wait "$PIDH" 1 120 && vm_tids_ok H; }
check "V: a 1-vCPU VM appears under tvmm's pid $PIDH, its vCPU with tvmm's tid $TIDH" chk_vm
DH=$VMDIR
KDIR=$(kvm_debugfs "$PIDH") || KDIR=
diag "VM at ${DH:-nowhere}, KVM's debugfs at ${KDIR:-nowhere}"

trace_new exits
echo 4096 > "$TI/buffer_size_kb"
trace_pid_filter common_pid "$TIDH" > "$TI/events/kvm/kvm_exit/filter"
echo 1 > "$TI/events/kvm/kvm_exit/enable"

__at_least() { local v; read -r v < "$1"; WAIT_SEEN="$1: $v"; [ "$v" -ge "$2" ]; }
__switched_in() { local pc; read -r _ _ pc < "$SST"; WAIT_SEEN="pcount $pc"; [ "$pc" -gt "$1" ]; }

# esample TAG: between the markers "vhvtest TAG a" and "vhvtest TAG b":
# KVM's exits (TAG:k0); wait for a switch-in of the thread, then for two
# more exits (an entry between them, so after the switch-in: the first
# entry after it copied KVM's count, at least k0); vhv's exits (TAG:e);
# KVM's exits (TAG:k1).
esample() {
	local pc k
	echo "vhvtest $1 a" > "$TI/trace_marker"
	read -r "S[$1:k0]" < "$KDIR/exits"
	read -r _ _ pc < "$SST"
	wait_for "a switch-in of vCPU thread $TIDH" 60 __switched_in "$pc" || return 1
	read -r k < "$KDIR/exits"
	wait_for "two more exits" 60 __at_least "$KDIR/exits" $((k + 2)) || return 1
	read -r "S[$1:e]" < "$DH/vcpus/0/exits"
	read -r "S[$1:k1]" < "$KDIR/exits"
	echo "vhvtest $1 b" > "$TI/trace_marker"
	diag "$1: KVM's exits ${S[$1:k0]}, vhv's ${S[$1:e]}, KVM's ${S[$1:k1]}"
}

chk_exits() {
	local t
	[ -n "$DH" ] && [ -n "$KDIR" ] || return 1
	esample x0 || return 1
	# long enough that the exits inside the samples' waits (about 120
	# each, on 6.1 in TCG) are a small part of it (T)
	wait_for "1000 more exits" 300 __at_least "$KDIR/exits" $((${S[x0:k1]} + 1000)) || return 1
	esample x1 || return 1
	for t in x0 x1; do
		[ "${S[$t:k0]}" -le "${S[$t:e]}" ] && [ "${S[$t:e]}" -le "${S[$t:k1]}" ] || return 1
	done
	[ "${S[x1:e]}" -gt "${S[x0:e]}" ]
}
check "E: vhv's exits lie between KVM's debugfs count before and after, and grow" chk_exits

# nexits P Q: kvm_exit events between the markers P and Q ("x0 a").
nexits() {
	awk -v p="vhvtest $1" -v q="vhvtest $2" '
		index($0, "tracing_mark_write: " p) { on = 1; next }
		index($0, "tracing_mark_write: " q) { print n + 0; exit }
		on && / kvm_exit: / { n++ }' "$TMPD/exits.trace"
}
# KVM counts an exit (stat.exits) before it traces it (kvm_exit, in the
# exit handler): a count read after a marker holds at least the events
# before it, one read before a marker at most those and one in flight.
# So Δexits >= events(x0 b .. x1 a) - 1 and <= events(x0 a .. x1 b) + 1.
chk_traced() {
	local lost lo hi x
	[ -n "${S[x1:e]}" ] || { diag "no window (E failed)"; return 1; }
	echo 0 > "$TI/tracing_on"
	cat "$TI/trace" > "$TMPD/exits.trace"
	lost=$(trace_stats "$TI" 'overrun|dropped events')
	lo=$(nexits "x0 b" "x1 a") hi=$(nexits "x0 a" "x1 b")
	x=$((${S[x1:e]} - ${S[x0:e]}))
	diag "Δexits $x; kvm_exit events: $lo between the inner markers, $hi between the outer ones; $lost lost"
	[ "$lost" = 0 ] && [ -n "$lo" ] && [ -n "$hi" ] && [ "$lo" -gt 0 ] &&
		[ "$x" -ge $((lo - 1)) ] && [ "$x" -le $((hi + 1)) ]
}
check "T: Δexits = the vCPU thread's kvm:kvm_exit events over the same window" chk_traced
echo 0 > "$TI/events/kvm/kvm_exit/enable"

# ---- R: ready and run time of two vCPUs on one CPU ---------------------------
vmm_start P -c 2 -w spin -a 0 -d 0
vmm_wait_started P
PIDP=${VMM_PID[P]}
declare -A TIDP=()
while read -r idx tid; do [ -z "$idx" ] || TIDP[$idx]=$tid; done <<< "$(vmm_tids P)"
vm_wait "$PIDP" 2 120 || true
DP=$VMDIR

# rsample TAG: per vCPU, vhv's ready_ns and run_ns between two reads of
# the thread's schedstat (TAG:IDX:rd0/se0 before, rd/se after).
rsample() {
	local idx
	for idx in "${!TIDP[@]}"; do
		read -r "S[$1:$idx:se0]" "S[$1:$idx:rd0]" _ < "/proc/$PIDP/task/${TIDP[$idx]}/schedstat"
		read -r "S[$1:$idx:ready]" < "$DP/vcpus/$idx/ready_ns"
		read -r "S[$1:$idx:run]" < "$DP/vcpus/$idx/run_ns"
		read -r "S[$1:$idx:se]" "S[$1:$idx:rd]" _ < "/proc/$PIDP/task/${TIDP[$idx]}/schedstat"
	done
}
# __waited NS: each vCPU thread waited NS for CPU 0 since rsample w0
__waited() {
	local idx rd short=
	for idx in "${!TIDP[@]}"; do
		read -r _ rd _ < "/proc/$PIDP/task/${TIDP[$idx]}/schedstat"
		[ $((rd - ${S[w0:$idx:rd]})) -ge "$1" ] || short+="$idx "
	done
	WAIT_SEEN="vCPUs that waited less: $short"
	[ -z "$short" ]
}
# vs_schedstat FIELD TRUTH: each vCPU's Δ of FIELD over w0..w1 within 1%
# of the truth's Δ, which lies between its reads' inner and outer bounds.
vs_schedstat() {
	local idx x lo hi ok=0
	[ -n "$DP" ] && [ "${#TIDP[@]}" = 2 ] || return 1
	for idx in "${!TIDP[@]}"; do
		x=$((${S[w1:$idx:$1]} - ${S[w0:$idx:$1]}))
		lo=$((${S[w1:$idx:${2}0]} - ${S[w0:$idx:$2]}))
		hi=$((${S[w1:$idx:$2]} - ${S[w0:$idx:${2}0]}))
		diag "vcpu $idx: Δ${1}_ns $x, schedstat's between $lo and $hi"
		in_bracket "$x" "$lo" "$hi" 1 || ok=1
	done
	return $ok
}
# At least 3 s of waiting each: the episode or stint in progress at either
# end (one scheduler tick or two) stays well under 1%.
chk_window() {
	[ -n "$DP" ] || return 1
	rsample w0
	wait_for "3 s of ready time for each vCPU" 300 __waited 3000000000 || return 1
	rsample w1
}
if chk_window; then :; else diag "no measurement window"; fi
check "R: Δready_ns = Δschedstat run_delay within 1%, 2 vCPUs sharing CPU 0" vs_schedstat ready rd
check "R: Δrun_ns = Δschedstat sum_exec_runtime within 1%" vs_schedstat run se

# ---- U, K: unload and load with VMs running; the end --------------------------
chk_reload_running() {
	rmmod vhv || return 1
	[ ! -d "$SYS" ] || { diag "$SYS still there after rmmod"; return 1; }
	if ! kill -0 "$PIDH" || ! kill -0 "$PIDP"; then diag "a VMM died"; return 1; fi
	insmod "$VHV_KO" || { diag "insmod vhv failed"; return 1; }
	vm_wait "$PIDH" 1 120 && vm_tids_ok H && vm_wait "$PIDP" 2 120 && vm_tids_ok P || return 1
	diag "attached $(nattached) times since the test began"
	[ "$(nattached)" = 2 ]
}
check "U: rmmod vhv with 2 VMs running, insmod: it attaches again and finds both with tvmm's tids" chk_reload_running

vmm_kill_all
chk_end() {
	local n
	wait_for "every VM gone" 120 __nothing_left || return 1
	# "vm N create|destroy", "vcpu N/I create|destroy"
	n=$(klog | awk '/vhv: vm [0-9]+ create$/ { vc++ } /vhv: vm [0-9]+ destroy$/ { vd++ }
		/vhv: vcpu [0-9]+\/[0-9]+ create$/ { cc++ } /vhv: vcpu [0-9]+\/[0-9]+ destroy$/ { cd++ }
		END { print vc + 0, vd + 0, cc + 0, cd + 0 }')
	diag "$LAST; debug lines: vm create, destroy, vcpu create, destroy: $n"
	# 2 VMs and 3 vCPUs, made again after the reload (U)
	[ "$n" = "4 4 6 6" ]
}
check "K: the VMs ended: nothing left in vhv, every VM and vCPU object created was destroyed" chk_end

chk_log() {
	klog > "$TMPD/klog"
	"$VHV_ROOT/tools/testing/qemu/kernel-log-check" -n "kernel log of attach.sh" "$TMPD/klog"
}
check "K: the kernel log is clean (no WARN, BUG, lockdep, KASAN, vhv attach error)" chk_log

tap_done
