#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# stolen.sh - who held the CPU while a vCPU was ready (the snapshot's
# "stolen" line), against the run time of the culprits themselves, read
# from their schedstat.
#
#   VM A (2 busy vCPUs), VM B (1 busy vCPU) and a host busy loop (nice 5,
#   so it runs less than a vCPU) all pinned to CPU 1. Each thread waits
#   exactly while another one runs, so over a window:
#   - A's time stolen by its own VM  = run(a0) + run(a1) (each vCPU waits
#     while the other runs);
#   - A's time stolen by VM B        = 2 run(b0), listed under B's id;
#   - B's time stolen by VM A        = run(a0) + run(a1), under A's id;
#   - stolen by host processes       = n run(loop) (n vCPUs waiting), a
#     little more (other host threads that ran on CPU 1);
#   - the classes add up to the VM's ready time, little unattributed;
#   - vhvstat's stolen view shows it: VM B first among A's culprits, with
#     the figure of the snapshots read just before and after it.

set -e
SELFDIR=$(dirname "${BASH_SOURCE[0]}")
. "$SELFDIR/vhv_lib.sh"
vhv_require
vhvstat_require

WIN=${VHV_TEST_WINDOW:-8}	# seconds of the measured window
LOOP=

cleanup() {
	set +e
	[ -n "$LOOP" ] && kill -KILL "$LOOP" 2>/dev/null && wait "$LOOP" 2>/dev/null
	vhv_cleanup
}
trap cleanup EXIT

tap_plan 11

# A busy loop on CPU 1, niced: a host process with its own schedstat.
taskset -c 1 nice -n 5 bash -c 'while :; do :; done' &
LOOP=$!

vmm_start A -c 2 -w spin -a 1 -d 0
vmm_start B -c 1 -w spin -a 1 -d 0
vmm_wait_started A
vmm_wait_started B
vm_wait "${VMM_PID[A]}" 2
VMA=$(basename "$VMDIR")
vm_wait "${VMM_PID[B]}" 1
VMB=$(basename "$VMDIR")
declare -A TID=()
while read -r idx tid; do [ -z "$idx" ] || TID[a$idx]=$tid; done <<< "$(vmm_tids A)"
while read -r idx tid; do [ -z "$idx" ] || TID[b$idx]=$tid; done <<< "$(vmm_tids B)"
diag "VM A: vhv id $VMA, tids ${TID[a0]} ${TID[a1]}; VM B: vhv id $VMB, tid ${TID[b0]}; loop pid $LOOP"

# run_ns TID: the thread's run time (schedstat field 1).
run_ns() {
	local r rest p
	for p in "/proc/$1/schedstat" /proc/*/task/"$1"/schedstat; do
		if read -r r rest 2>/dev/null < "$p"; then echo "$r"; return; fi
	done
	echo 0
}

declare -A S=()
# sample TAG: the culprits' run time, the snapshot, and their run time
# again; a culprit's figure is the mean of its two reads.
sample() {
	local tag=$1 k a b snap
	for k in a0 a1 b0; do S[$tag:$k:0]=$(run_ns "${TID[$k]}"); done
	S[$tag:loop:0]=$(run_ns "$LOOP")
	snap=$(cat "$SNAP")
	for k in a0 a1 b0; do
		a=${S[$tag:$k:0]} b=$(run_ns "${TID[$k]}")
		S[$tag:$k]=$(( (a + b) / 2 ))
	done
	a=${S[$tag:loop:0]} b=$(run_ns "$LOOP")
	S[$tag:loop]=$(( (a + b) / 2 ))
	S[$tag:A]=$(grep "^stolen vm=$VMA " <<< "$snap" || true)
	S[$tag:B]=$(grep "^stolen vm=$VMB " <<< "$snap" || true)
	S[$tag:A:ready]=$(grep "^vm id=$VMA " <<< "$snap" | kv ready_ns)
	S[$tag:B:ready]=$(grep "^vm id=$VMB " <<< "$snap" | kv ready_ns)
}

# st TAG VM KEY: a figure of the VM's stolen line (by_vm: the ns of VM id
# KEY in its list, 0 if not listed).
st() {
	local line=${S[$1:$2]}
	case $3 in
	by:*)	kv by_vm <<< "$line" | tr ',' '\n' | awk -F: -v id="${3#by:}" '$1 == id { print $2; f = 1 } END { if (!f) print 0 }' ;;
	*)	kv "$3" <<< "$line" ;;
	esac
}
# dst VM KEY: its growth over the window
dst() { echo $(( $(st t1 "$1" "$2") - $(st t0 "$1" "$2") )); }
# drun K: a culprit's run time over the window
drun() { echo $(( ${S[t1:$1]} - ${S[t0:$1]} )); }

# Let the VMs settle: every vCPU tracked and waited at least once, and the
# worker merged a period of by_vm.
sleep 3
sample t0
sleep "$WIN"
sample t1
diag "A at t0: ${S[t0:A]}"
diag "A at t1: ${S[t1:A]}"
diag "B at t1: ${S[t1:B]}"

chk_lines() { [ -n "${S[t0:A]}" ] && [ -n "${S[t1:B]}" ]; }
check "each VM has a stolen line in the snapshot" chk_lines

RA0=$(drun a0) RA1=$(drun a1) RB0=$(drun b0) RL=$(drun loop)
diag "run over the window: a0 $RA0 a1 $RA1 b0 $RB0 loop $RL ns"

# near NAME VHV TRUTH PCT [ABS]
near() {
	diag "$1: vhv $2 ns, ground truth $3 ns"
	close_ns "$2" "$3" "$4" "${5:-0}"
}

chk_same() { near "A same_vm" "$(dst A same_vm_ns)" $((RA0 + RA1)) 10; }
check "A: stolen by its own VM = run(a0) + run(a1) within 10%" chk_same

chk_a_by_b() { near "A by_vm[B]" "$(dst A "by:$VMB")" $((2 * RB0)) 10; }
check "A: stolen by VM B (listed by id) = 2 run(b0) within 10%" chk_a_by_b

chk_a_other() {
	local o b
	o=$(dst A other_vms_ns) b=$(dst A "by:$VMB")
	diag "A other_vms $o ns, by B $b ns"
	close_ns "$o" "$b" 2 0
}
check "A: other_vms is VM B's share (no other VM ran there)" chk_a_other

chk_b_by_a() { near "B by_vm[A]" "$(dst B "by:$VMA")" $((RA0 + RA1)) 10; }
check "B: stolen by VM A = run(a0) + run(a1) within 10%" chk_b_by_a

chk_b_same() { local s; s=$(dst B same_vm_ns); diag "B same_vm $s ns"; [ "$s" -eq 0 ]; }
check "B: nothing stolen by its own VM (one vCPU)" chk_b_same

# Host processes: the loop, and a little of whatever else ran on CPU 1.
chk_proc() {
	local pa pb
	pa=$(dst A process_ns) pb=$(dst B process_ns)
	diag "process: A $pa ns (2 run(loop) $((2 * RL))), B $pb ns (run(loop) $RL)"
	close_ns "$pa" $((2 * RL)) 15 0 && close_ns "$pb" "$RL" 15 0
}
check "stolen by host processes = n run(loop) within 15% (A: n=2, B: n=1)" chk_proc

# In proportion: the culprits' shares of A's ready time as their run times.
chk_ratio() {
	local b p r t
	b=$(dst A "by:$VMB") p=$(dst A process_ns)
	r=$(fcalc "$b / $p") t=$(fcalc "$RB0 / $RL")
	diag "A: by B / by processes = $r, run(b0) / run(loop) = $t"
	fcheck "$r >= $t * 0.85 && $r <= $t * 1.15"
}
check "A: VM B's and the loop's shares are in proportion to their run times (15%)" chk_ratio

# sum_classes VM: the growth of all nine classes
sum_classes() {
	local k s=0
	for k in same_vm other_vms kswapd ksmd vhost kworker kthread process unattributed; do
		s=$((s + $(dst "$1" "${k}_ns")))
	done
	echo $s
}
chk_sum() {
	local v r s
	for v in A B; do
		s=$(sum_classes $v) r=$(( ${S[t1:$v:ready]} - ${S[t0:$v:ready]} ))
		near "$v: classes added up vs Δready_ns" "$s" "$r" 5 || return 1
	done
}
check "the classes add up to the VM's ready time within 5%" chk_sum

chk_unattr() {
	local v u r
	for v in A B; do
		u=$(dst $v unattributed_ns) r=$(( ${S[t1:$v:ready]} - ${S[t0:$v:ready]} ))
		diag "$v: unattributed $u of $r ns"
		[ $((u * 20)) -le "$r" ] || return 1
	done
}
check "less than 5% of the ready time is unattributed" chk_unattr

# vhvstat -s -j stolen between two snapshots: A's first culprit is VM B,
# with a figure between the two snapshots' (both VMs run on).
chk_vhvstat() {
	local lo hi got
	sample v0
	"$VHVSTAT" -s -j stolen > "$TMPD/stolen.json" 2> "$TMPD/stolen.err" || { diag "vhvstat: $(cat "$TMPD/stolen.err")"; return 1; }
	sample v1
	lo=$(st v0 A "by:$VMB") hi=$(st v1 A "by:$VMB")
	got=$("$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
vm = [v for v in d["vms"] if v["id"] == int(sys.argv[2])][0]
by = vm["stolen"]["by_vm"]
print(by[0]["ns"] if by and by[0]["id"] == int(sys.argv[3]) else -1)' "$TMPD/stolen.json" "$VMA" "$VMB") || return 1
	diag "vhvstat: A's first culprit VM $VMB with $got ns; snapshots before/after: $lo / $hi"
	[ "$got" -ge "$lo" ] && [ "$got" -le "$hi" ]
}
check "vhvstat -s -j stolen: VM B is A's first culprit, with the snapshot's figure" chk_vhvstat

tap_done
