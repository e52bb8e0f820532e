#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# identity.sh - a VMM whose one thread runs several vCPUs (onethread.py:
# 3 vCPUs, KVM_RUN on each in turn), sharing CPU 0 with a busy loop.
#
#   T  vhv tracks the 3 vCPUs, each under that one thread
#   S  the VM's ready_ns counts the thread once: it equals the thread's
#      run_delay (schedstat), not three times it
#   R  a VMM that destroys its VM and makes another on the same thread
#      (onethread.py 2 ... 2): vhv lists the second VM under a new id,
#      with 2 vCPUs of that thread, and the first VM is gone
#   D  the same, but the VMM makes the second VM before it destroys the
#      first (onethread.py 2 ... 2 before), so the second cannot take the
#      first's address: the first VM is gone while its thread runs on
#      (vhv holds KVM's debugfs directory of each VM, which KVM removes
#      when it destroys the VM)
#
# Ground truth: /proc/PID/task/TID/schedstat, read while the VMM is
# SIGSTOPped, when neither side moves; onethread.py's own "vm=K" lines.

set -e
. "$(dirname "${BASH_SOURCE[0]}")/vhv_lib.sh"
vhv_require

BUSY='' OT='' RT=''
cleanup() {
	set +e
	[ -n "$RT" ] && kill "$RT" 2>/dev/null && wait "$RT" 2>/dev/null
	[ -n "$OT" ] && kill -CONT "$OT" 2>/dev/null && kill "$OT" 2>/dev/null && wait "$OT" 2>/dev/null
	[ -n "$BUSY" ] && kill "$BUSY" 2>/dev/null && wait "$BUSY" 2>/dev/null
	vhv_cleanup
}
trap cleanup EXIT

tap_plan 5

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

kill "$OT" "$BUSY" 2>/dev/null || :
wait "$OT" "$BUSY" 2>/dev/null || :
OT='' BUSY=''

# The first VM runs until both its vCPUs exited 500 times (KVM's counters
# are then well above those of a new vCPU), then SIGUSR1 has the thread
# destroy it and make the second.
__vm_seen() {
	kill -0 "$RT" 2>/dev/null || WAIT_ABORT="onethread.py exited"
	grep -q "^vm=$1\$" "$TMPD/rt.out"
}
__ran() {
	local d
	for d in "$VMDIR"/vcpus/*; do
		WAIT_SEEN="vCPU $(basename "$d"): exits $(rd "$d/exits")"
		[ "$(rd "$d/exits")" -ge 500 ] || return 1
	done
}
__second_vm() {
	local d
	d=$(vm_of_pid "$RT") || { WAIT_SEEN="no VM of pid $RT"; return 1; }
	WAIT_SEEN="VM $(basename "$d") with $(ls "$d/vcpus" | wc -l) vCPUs; first VM $ID1 listed: $([ -e "$SYS/vms/$ID1" ] && echo yes || echo no)"
	[ "$(basename "$d")" != "$ID1" ] && [ ! -e "$SYS/vms/$ID1" ] &&
		[ "$(ls "$d/vcpus" | wc -l)" -eq 2 ] || return 1
	VMDIR=$d
}
# chk_renew [before]: onethread.py 2 600 2 [before]
chk_renew() {
	local tid d tids=
	[ -z "$RT" ] || { kill "$RT" 2>/dev/null; wait "$RT" 2>/dev/null; }
	taskset -c 0 "$PY" "$VHV_SELF/onethread.py" 2 600 2 "$@" > "$TMPD/rt.out" 2> "$TMPD/rt.err" &
	RT=$!
	if ! wait_for "onethread.py's first VM" 60 __vm_seen 1; then
		diag "$(cat "$TMPD/rt.err")"
		return 1
	fi
	tid=$(sed -n 's/^tid=//p' "$TMPD/rt.out")
	vm_wait "$RT" 2 60 || return 1
	ID1=$(basename "$VMDIR")
	wait_for "the first VM's vCPUs to exit 500 times" 300 __ran || return 1
	kill -USR1 "$RT"
	if ! wait_for "onethread.py's second VM" 60 __vm_seen 2; then
		diag "$(cat "$TMPD/rt.err")"
		return 1
	fi
	wait_for "vhv to list the second VM alone" 60 __second_vm || return 1
	for d in "$VMDIR"/vcpus/*; do tids+="$(rd "$d/tid") "; done
	diag "first VM $ID1, second VM $(basename "$VMDIR"); its vCPU tids $tids(the thread: $tid)"
	kill "$RT" 2>/dev/null || :
	wait "$RT" 2>/dev/null || :
	RT=''
	[ "$tids" = "$tid $tid " ]
}
check "R: a VM destroyed and made again on the same thread is a new VM" chk_renew
check "D: a VM destroyed while its thread runs a VM made before is gone" chk_renew before

tap_done
