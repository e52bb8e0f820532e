#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# identity.sh - a VMM whose one thread runs several vCPUs (onethread.py:
# 3 vCPUs, KVM_RUN on each in turn), sharing CPU 0 with a busy loop.
#
#   T  vhv tracks the 3 vCPUs, each under that one thread
#   S  the VM's ready_ns counts the thread once: it equals the thread's
#      run_delay (schedstat), not three times it
#
# Ground truth: /proc/PID/task/TID/schedstat, read while the VMM is
# SIGSTOPped, when neither side moves.

set -e
. "$(dirname "${BASH_SOURCE[0]}")/vhv_lib.sh"
vhv_require

BUSY='' OT=''
cleanup() {
	set +e
	[ -n "$OT" ] && kill -CONT "$OT" 2>/dev/null && kill "$OT" 2>/dev/null && wait "$OT" 2>/dev/null
	[ -n "$BUSY" ] && kill "$BUSY" 2>/dev/null && wait "$BUSY" 2>/dev/null
	vhv_cleanup
}
trap cleanup EXIT

tap_plan 3

taskset -c 0 sh -c 'while :; do :; done' &
BUSY=$!
taskset -c 0 "$PY" "$VHV_SELF/onethread.py" 3 600 > "$TMPD/ot.out" 2> "$TMPD/ot.err" &
OT=$!

__started() {
	kill -0 "$OT" 2>/dev/null || WAIT_ABORT="onethread.py exited"
	grep -q '^tid=' "$TMPD/ot.out"
}
if wait_for "onethread.py to run its 3 vCPUs once" 60 __started; then
	TID=$(sed -n 's/^tid=//p' "$TMPD/ot.out")
	tap_ok "onethread.py runs 3 vCPUs from thread $TID"
else
	diag "$(cat "$TMPD/ot.err")"
	tap_notok "onethread.py runs 3 vCPUs from one thread"
	TID=
fi

chk_tracked() {
	local d tids=
	vm_wait "$OT" 3 60 || return 1
	for d in "$VMDIR"/vcpus/*; do tids+="$(rd "$d/tid") "; done
	diag "VM $VMDIR: vCPU tids $tids(the thread: $TID)"
	[ "$tids" = "$TID $TID $TID " ]
}
check "T: vhv tracks the 3 vCPUs, each under the one thread" chk_tracked

# The thread waits for CPU 0 behind the busy loop: 100 ms of run_delay is
# enough to tell once from three times.
__delayed() {
	local rd
	rd=$(schedstat_field "$TID" 2)
	WAIT_SEEN="run_delay $rd ns"
	[ "$rd" -ge 100000000 ]
}
chk_sum() {
	local rd vm v sum=0 d
	[ -n "$TID" ] && [ -n "$VMDIR" ] || return 1
	wait_for "the thread's run_delay to pass 100 ms" 300 __delayed || return 1
	kill -STOP "$OT"
	poll 10 grep -q '^State:.*T' "/proc/$OT/status"
	# The worker copies nothing here: ready_ns is read from the thread.
	rd=$(schedstat_field "$TID" 2)
	vm=$(rd "$VMDIR/ready_ns")
	for d in "$VMDIR"/vcpus/*; do
		v=$(rd "$d/ready_ns")
		sum=$((sum + v))
	done
	kill -CONT "$OT"
	diag "thread run_delay $rd ns; VM ready_ns $vm; the vCPUs' ready_ns add up to $sum"
	[ "$vm" -eq "$rd" ]
}
check "S: the VM's ready_ns counts the thread once (= its run_delay)" chk_sum

tap_done
