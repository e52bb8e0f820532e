#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# churn.sh - 100 cycles of rmmod/insmod (30 on a debug kernel) while 4
# vCPUs spin pinned to one CPU and short-lived 2-vCPU VMs are created and
# destroyed in a loop.
#
#   C  every rmmod and insmod finishes (each within 300 s; a stuck one
#      has its stack and the kernel's blocked tasks printed)
#   C  after the last load the spinning VM is tracked again (4 vCPUs) and
#      the churning VMs keep coming and going (vhv_vm_add events)
#   C  once everything stops, nr_vms and nr_vcpus return to 0
#
# The kernel-log scan after the suite (run-guest.sh) catches a WARN, BUG,
# lockdep report or leak from any of the cycles.
#
# Reloads vhv; it is loaded with its defaults when the test ends.

set -e
. "$(dirname "${BASH_SOURCE[0]}")/../vhv/vhv_lib.sh"
vhv_require
[ -r "$VHV_KO" ] || tap_bail "no $VHV_KO to reload"

# a debug kernel (kmemleak, KASAN, lockdep) takes about 28 s a cycle in
# TCG, so 100 would outrun the test's limit: 30 cycles there
if [ -e /sys/kernel/debug/kmemleak ]; then
	CYCLES=${VHV_CHURN_CYCLES:-30}
else
	CYCLES=${VHV_CHURN_CYCLES:-100}
fi
LIMIT=300
CHURN=

# stop_churn: the loop, then the tvmm it runs (reparented once it is gone)
stop_churn() {
	[ -n "$CHURN" ] || return 0
	kill "$CHURN" 2>/dev/null || true
	wait "$CHURN" 2>/dev/null || true	# 143: killed, as asked
	pkill -KILL -f -- "-w hlt -t 1000 -d 0.2 -r 1000000" 2>/dev/null || true
	CHURN=
	return 0
}

cleanup() {
	set +e
	stop_churn
	vmm_kill_all
	[ -d "$SYS" ] || insmod "$VHV_KO"
	vhv_cleanup
}
trap cleanup EXIT

tap_plan 4

vmm_start spin -c 4 -w spin -a 1 -d 0
vmm_wait_started spin
# short-lived VMs, one after another, until killed
(
	while :; do
		"$TVMM" -q -c 2 -w hlt -t 1000 -d 0.2 -r 1000000 > /dev/null 2>> "$TMPD/churn.err" || sleep 0.1
	done
) &
CHURN=$!

# run_limited WHAT CMD...: CMD in the background, at most LIMIT seconds;
# on time-out print its kernel stack and the blocked tasks, return 1.
run_limited() {
	local what=$1 pid end
	shift
	"$@" 2> "$TMPD/cmd.err" &
	pid=$!
	end=$(( $(now_us) + LIMIT * 1000000 ))
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$(now_us)" -ge "$end" ]; then
			diag "$what still running after $LIMIT s; its stack:"
			sed 's/^/#   /' "/proc/$pid/stack" 2>/dev/null || true
			echo w > /proc/sysrq-trigger 2>/dev/null || true
			dmesg | tail -n 60 | sed 's/^/#   /'
			return 1
		fi
		sleep 0.05
	done
	wait "$pid" || { diag "$what failed: $(cat "$TMPD/cmd.err")"; return 1; }
}

chk_cycles() {
	local i t0 t1 worst=0 total0
	total0=$(now_us)
	for i in $(seq 1 "$CYCLES"); do
		t0=$(now_us)
		run_limited "rmmod vhv (cycle $i)" rmmod vhv || return 1
		run_limited "insmod vhv.ko (cycle $i)" insmod "$VHV_KO" || return 1
		t1=$(( ($(now_us) - t0) / 1000 ))
		[ "$t1" -le "$worst" ] || worst=$t1
		[ $((i % 20)) != 0 ] || diag "cycle $i: $(( ($(now_us) - total0) / 1000000 )) s so far, slowest cycle $worst ms; nr_vms $(rd "$SYS/nr_vms")"
	done
	diag "$CYCLES cycles in $(( ($(now_us) - total0) / 1000000 )) s, slowest $worst ms"
}
check "C: $CYCLES rmmod/insmod cycles with 4 pinned spinning vCPUs and VMs churning" chk_cycles

chk_after() {
	vm_wait "${VMM_PID[spin]}" 4 120
}
check "C: after the last load the spinning VM is tracked with its 4 vCPUs" chk_after

trace_new churn
echo 1 > "$TI/events/vhv/vhv_vm_add/enable"
sleep 3
echo 0 > "$TI/events/vhv/vhv_vm_add/enable"
chk_churning() {
	local n
	n=$(trace_events "$TI/trace" vhv_vm_add | wc -l)
	diag "$n vhv_vm_add events in 3 s; churn loop errors: $(sort "$TMPD/churn.err" 2>/dev/null | uniq -c | head -n 3 | tr '\n' ' ')"
	[ "$n" -gt 0 ]
}
check "C: the churning VMs keep being found (vhv_vm_add events)" chk_churning

stop_churn
vmm_kill_all
__nothing() {
	WAIT_SEEN="nr_vms $(rd "$SYS/nr_vms"), nr_vcpus $(rd "$SYS/nr_vcpus")"
	[ "$(rd "$SYS/nr_vms")" = 0 ] && [ "$(rd "$SYS/nr_vcpus")" = 0 ]
}
check "C: everything stopped: nr_vms and nr_vcpus back to 0" wait_for "every VM gone" 120 __nothing

tap_done
