#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lifecycle.sh - VMs and vCPUs come and go; vhv and kvm come and go.
#
#   L  120 VM lifetimes (100 processes + one tvmm -r 20): every one is
#      announced once (vhv_vm_add) with its own id and removed again, the
#      vCPU tids are tvmm's, and the counts return to zero. vhv finds a new
#      VM within about two worker periods of its vCPU entering KVM_RUN
#      (kvm_entry is attached only to find new vCPUs: design.rst), and a VM
#      that ends sooner may go unseen: here the period is 100 ms (stall_ms
#      400), each single run (an HLT guest, so that 4 at a time leave the
#      test a CPU) lives until vhv shows it, and each of the 20 VMs in a
#      row lives 2 s
#   M  rmmod vhv with VMs running (busy, halted, stopped), insmod again:
#      the running VMs are found again
#   O  load orders: vhv before kvm, kvm unloaded and reloaded under vhv
#      (skipped where KVM is built in: nothing to unload)
#   K  the kernel log is clean; kmemleak (when the kernel has it) is clean
#
# Run last: it unloads and reloads vhv and kvm (both loaded when it ends).

set -e
. "$(dirname "${BASH_SOURCE[0]}")/vhv_lib.sh"
vhv_require

RUNS=100
PAR=4
STALL0=
REPEAT=20
KVM_VENDOR=kvm_amd
[ -d /sys/module/kvm_amd ] || [ ! -d /sys/module/kvm_intel ] || KVM_VENDOR=kvm_intel
[ -r "$VHV_KO" ] || tap_bail "no $VHV_KO to reload (make modules)"

cleanup() {
	set +e
	vmm_kill_all
	[ -c /dev/kvm ] || modprobe "$KVM_VENDOR"
	[ -d "$SYS" ] || insmod "$VHV_KO"
	[ -z "$STALL0" ] || echo "$STALL0" > "$PARAMS/stall_ms"
	vhv_cleanup
}
trap cleanup EXIT

tap_plan 14

wait_for "no VM left from earlier tests" 120 __nothing_left || diag "before: $LAST (VMs left by another test?)"

trace_new life
echo 4096 > "$TI/buffer_size_kb"
TPS=0
for e in vhv_vm_add vhv_vm_remove vhv_vcpu_add vhv_vcpu_remove; do
	if [ -d "$TI/events/vhv/$e" ]; then
		echo 1 > "$TI/events/vhv/$e/enable"
		TPS=$((TPS + 1))
	fi
done
: > "$TI/trace"

# ---- L: 120 VM lifetimes -----------------------------------------------------
STALL0=$(rd "$PARAMS/stall_ms")
echo 400 > "$PARAMS/stall_ms"
fails=0
for ((i = 0; i < RUNS; i += PAR)); do
	for ((j = i; j < i + PAR && j < RUNS; j++)); do
		vmm_start "run$j" -c 1 -w hlt -d 0
	done
	for ((j = i; j < i + PAR && j < RUNS; j++)); do
		vmm_wait_started "run$j" && vm_wait "${VMM_PID[run$j]}" 1 120 ||
			{ fails=$((fails + 1)); diag "run $j (pid ${VMM_PID[run$j]}): not shown by vhv within 120 s"; }
	done
	for ((j = i; j < i + PAR && j < RUNS; j++)); do
		kill -TERM "${VMM_PID[run$j]}" 2>/dev/null || true
	done
	for ((j = i; j < i + PAR && j < RUNS; j++)); do
		wait "${VMM_PID[run$j]}" || { fails=$((fails + 1)); diag "run $j: $(cat "$TMPD/run$j.err")"; }
	done
done
diag "$RUNS runs of tvmm, each stopped once vhv showed it ($PAR at a time): $fails failed"
check "L: $RUNS VM lifetimes, each shown by vhv, then stopped: tvmm exited 0" [ "$fails" = 0 ]

vmm_start REP -c 2 -w hlt -d 2 -r "$REPEAT"
rc=0; wait "${VMM_PID[REP]}" || rc=$?
nrep=$(grep -c '^started$' "$TMPD/REP.out" || true)
diag "tvmm -r $REPEAT: exit $rc, $nrep VMs started"
check "L: one tvmm -r $REPEAT ran $REPEAT VM lifetimes and exited 0" eval '[ "$rc" = 0 ] && [ "$nrep" = "$REPEAT" ]'
echo "$STALL0" > "$PARAMS/stall_ms"

if wait_for "every VM gone" 120 __nothing_left; then tap_ok "L: nr_vms and nr_vcpus return to 0 and vms/ is empty"; else tap_notok "L: nr_vms and nr_vcpus return to 0 and vms/ is empty"; fi
diag "$LAST"

# What tvmm says: pid per run, tids per run.
: > "$TMPD/pids"; : > "$TMPD/tids"
for f in "$TMPD"/run*.out "$TMPD/REP.out"; do
	awk '$1 == "vm" { sub("pid=", "", $2); print $2 }' "$f" >> "$TMPD/pids"
	awk '$1 == "vcpu" && $3 ~ /^tid=/ { sub("tid=", "", $3); print $3 }' "$f" >> "$TMPD/tids"
done
NVM=$(wc -l < "$TMPD/pids")
NVCPU=$(wc -l < "$TMPD/tids")
REPPID=${VMM_PID[REP]}

if [ "$TPS" = 4 ]; then
	for e in vhv_vm_add vhv_vm_remove vhv_vcpu_add vhv_vcpu_remove; do
		trace_events "$TI/trace" "$e" > "$TMPD/$e"
	done
	# our VMs: those whose pid is one of tvmm's
	awk 'NR == FNR { p[$1] = 1; next } { for (i = 1; i <= NF; i++) if ($i ~ /^pid=/) { v = $i; sub("pid=", "", v); if (v in p) print } }' \
		"$TMPD/pids" "$TMPD/vhv_vm_add" > "$TMPD/adds"
	kv id < "$TMPD/adds" | sort -n > "$TMPD/add_ids"
	chk_adds() {
		local n u r
		n=$(wc -l < "$TMPD/add_ids"); u=$(sort -u "$TMPD/add_ids" | wc -l)
		r=$(kv pid < "$TMPD/adds" | grep -cx "$REPPID" || true)
		diag "vhv_vm_add for our pids: $n ($u distinct ids), $r for the -r $REPEAT process; $NVM VM lifetimes"
		# each single run: exactly one add for its pid
		dup=$(kv pid < "$TMPD/adds" | grep -vx "$REPPID" | sort | uniq -d | head -n3)
		[ -z "$dup" ] || diag "pids added more than once: $dup"
		[ "$n" = "$NVM" ] && [ "$u" = "$NVM" ] && [ "$r" = "$REPEAT" ] && [ -z "$dup" ]
	}
	check "L: one vhv_vm_add per VM lifetime ($((RUNS + REPEAT))), each with its own id" chk_adds
	chk_removes() {
		local missing va vr
		missing=$(kv id < "$TMPD/vhv_vm_remove" | sort -n | comm -23 "$TMPD/add_ids" - | head -n5)
		# vCPUs of our VMs
		va=$(awk 'NR == FNR { id[$1] = 1; next } { for (i = 1; i <= NF; i++) if ($i ~ /^vm=/) { v = $i; sub("vm=", "", v); if (v in id) print } }' \
			"$TMPD/add_ids" "$TMPD/vhv_vcpu_add" | wc -l)
		vr=$(awk 'NR == FNR { id[$1] = 1; next } { for (i = 1; i <= NF; i++) if ($i ~ /^vm=/) { v = $i; sub("vm=", "", v); if (v in id) print } }' \
			"$TMPD/add_ids" "$TMPD/vhv_vcpu_remove" | wc -l)
		diag "ids added but not removed: '${missing//$'\n'/ }'; vhv_vcpu_add $va, vhv_vcpu_remove $vr, tvmm vCPUs $NVCPU"
		[ -z "$missing" ] && [ "$va" = "$NVCPU" ] && [ "$vr" = "$NVCPU" ]
	}
	check "L: every added VM removed; vCPU add/remove events balance ($NVCPU)" chk_removes
	chk_tids() {
		awk 'NR == FNR { id[$1] = 1; next } { delete f; for (i = 1; i <= NF; i++) { k = index($i, "="); f[substr($i, 1, k - 1)] = substr($i, k + 1) }
			if (f["vm"] in id) print f["tid"] }' "$TMPD/add_ids" "$TMPD/vhv_vcpu_add" | sort -n > "$TMPD/ev_tids"
		sort -n "$TMPD/tids" > "$TMPD/tvmm_tids"
		if ! cmp -s "$TMPD/ev_tids" "$TMPD/tvmm_tids"; then
			diag "tids differ (< events, > tvmm): $(diff "$TMPD/ev_tids" "$TMPD/tvmm_tids" | grep '^[<>]' | head -n6 | tr '\n' ' ')"
			return 1
		fi
	}
	check "L: the vhv_vcpu_add tids are exactly tvmm's vCPU tids" chk_tids
else
	tap_notok "L: one vhv_vm_add per VM lifetime: vhv's add/remove tracepoints are missing"
	tap_notok "L: every added VM removed: vhv's add/remove tracepoints are missing"
	tap_notok "L: the vhv_vcpu_add tids: vhv's add/remove tracepoints are missing"
fi
echo 0 > "$TI/events/enable"

# ---- M: rmmod/insmod with VMs running ------------------------------------------
vmm_start X -c 2 -w spin -d 0
vmm_start Y -c 1 -w hlt -t 10000 -d 0
vmm_start Z -c 1 -w spin -d 0
for v in X:2 Y:1 Z:1; do
	vmm_wait_started "${v%:*}"
	vm_wait "${VMM_PID[${v%:*}]}" "${v#*:}"
done
kill -STOP "${VMM_PID[Z]}"
chk_rmmod() {
	local v
	rmmod vhv || return 1
	[ ! -d "$SYS" ] && [ ! -d /sys/module/vhv ] || { diag "vhv still there after rmmod"; return 1; }
	for v in X Y Z; do
		kill -0 "${VMM_PID[$v]}" || { diag "VMM $v died"; return 1; }
	done
	sleep 1
	for v in X Y; do
		grep -q . "$TMPD/$v.err" && { diag "VMM $v: $(cat "$TMPD/$v.err")"; return 1; }
	done
	return 0
}
check "M: rmmod vhv with 3 VMs running (busy, halted, stopped); the VMs live on" chk_rmmod

chk_rediscover() {
	[ -d "$SYS" ] || insmod "$VHV_KO" || return 1
	vm_wait "${VMM_PID[X]}" 2 120 && vm_tids_ok X || return 1
	vm_wait "${VMM_PID[Y]}" 1 120 && vm_tids_ok Y || return 1
	kill -CONT "${VMM_PID[Z]}"
	vm_wait "${VMM_PID[Z]}" 1 120 && vm_tids_ok Z || return 1
	diag "after insmod: $(rd "$SYS/nr_vms") VMs, $(rd "$SYS/nr_vcpus") vCPUs"
	[ "$(rd "$SYS/nr_vms")" = 3 ] && [ "$(rd "$SYS/nr_vcpus")" = 4 ]
}
check "M: insmod again finds the running VMs (the stopped one once continued), with tvmm's tids" chk_rediscover
vmm_kill_all
if wait_for "every VM gone" 120 __nothing_left; then tap_ok "M: the VMs ended: nr_vms and nr_vcpus back to 0"; else tap_notok "M: the VMs ended: nr_vms and nr_vcpus back to 0"; fi
diag "$LAST"

# ---- O: load orders -----------------------------------------------------------------
# new_vm_seen NAME: start a VM and see vhv find it with tvmm's tids.
new_vm_seen() {
	vmm_start "$1" -c 2 -w spin -d 0 && vmm_wait_started "$1" &&
		vm_wait "${VMM_PID[$1]}" 2 120 && vm_tids_ok "$1"
	local rc=$?
	vmm_stop "$1"
	return $rc
}
chk_vhv_first() {
	rmmod vhv || return 1
	rmmod "$KVM_VENDOR" kvm || { diag "rmmod $KVM_VENDOR kvm failed: $(lsmod | grep -w kvm)"; modprobe "$KVM_VENDOR"; insmod "$VHV_KO"; return 1; }
	insmod "$VHV_KO" || { diag "insmod vhv without kvm failed"; modprobe "$KVM_VENDOR"; return 1; }
	[ "$(rd "$SYS/nr_vms")" = 0 ] || return 1
	modprobe "$KVM_VENDOR" || return 1
	wait_for "/dev/kvm after modprobe $KVM_VENDOR" 60 test -c /dev/kvm || return 1
	new_vm_seen V1
}
chk_kvm_reload() {
	wait_for "every VM gone" 120 __nothing_left || return 1
	if ! rmmod "$KVM_VENDOR" kvm; then
		diag "with vhv loaded, rmmod $KVM_VENDOR kvm failed: $(lsmod | grep -w '^kvm')"
		return 1
	fi
	[ -d "$SYS" ] || return 1
	modprobe "$KVM_VENDOR" || return 1
	wait_for "/dev/kvm after modprobe $KVM_VENDOR" 60 test -c /dev/kvm || return 1
	new_vm_seen V2
}
# With KVM built in (the 6.1-kvm debug line) there is no kvm.ko to unload:
# vhv's attach at load is tested there by vhv-builtin/attach.sh.
O1="O: rmmod vhv, rmmod $KVM_VENDOR kvm, insmod vhv, modprobe $KVM_VENDOR: a new VM is found"
O2="O: with vhv loaded, $KVM_VENDOR and kvm unload and reload: a new VM is found"
if kvm_builtin; then
	tap_skip "$O1" "KVM is built into this kernel"
	tap_skip "$O2" "KVM is built into this kernel"
else
	check "$O1" chk_vhv_first
	[ -d "$SYS" ] || insmod "$VHV_KO"
	check "$O2" chk_kvm_reload
	[ -c /dev/kvm ] || modprobe "$KVM_VENDOR"
fi

# ---- K: the kernel's own verdict -------------------------------------------------
# A debug build (make debug) logs "vm N create/destroy" and "vcpu N/I
# create/destroy": with no VM left, every object created has been destroyed.
wait_for "every VM gone" 120 __nothing_left || true
chk_debug_lines() {
	local vc vd cc cd
	vc=$(dmesg | grep -cE 'vhv: vm [0-9]+ create$' || true)
	vd=$(dmesg | grep -cE 'vhv: vm [0-9]+ destroy$' || true)
	cc=$(dmesg | grep -cE 'vhv: vcpu [0-9]+/[0-9]+ create$' || true)
	cd=$(dmesg | grep -cE 'vhv: vcpu [0-9]+/[0-9]+ destroy$' || true)
	diag "debug lines: vm create $vc destroy $vd, vcpu create $cc destroy $cd"
	[ "$vc" = "$vd" ] && [ "$cc" = "$cd" ] && [ "$vc" -ge $((RUNS + REPEAT)) ]
}
if dmesg | grep -qE 'vhv: vm [0-9]+ create$'; then
	check "K: debug build: every VM and vCPU object created was destroyed" chk_debug_lines
else
	tap_skip "K: debug build: every VM and vCPU object created was destroyed" "not a debug build (no create/destroy lines)"
fi
# the harness's one scanner and pattern list (tools/testing/qemu)
chk_log_clean() {
	dmesg > "$TMPD/dmesg"
	"$VHV_ROOT/tools/testing/qemu/kernel-log-check" -n "dmesg after the lifecycles" "$TMPD/dmesg"
}
check "K: the kernel log has no WARN, BUG, Oops or similar" chk_log_clean

KML=/sys/kernel/debug/kmemleak
if [ -w "$KML" ]; then
	echo scan > "$KML"; sleep 6; echo scan > "$KML"
	leaks=$(grep -c 'unreferenced object' "$KML" || true)
	vhvleaks=$(grep -A30 'unreferenced object' "$KML" | grep -c '\[vhv\]' || true)
	diag "kmemleak: $leaks unreferenced objects, $vhvleaks backtrace lines in vhv"
	[ "$vhvleaks" = 0 ] || grep -B2 -A30 'unreferenced object' "$KML" | head -n 60 | sed 's/^/#   /'
	check "K: kmemleak finds no leak from vhv" [ "$vhvleaks" = 0 ]
else
	diag "this kernel has no kmemleak ($KML)"
	tap_skip "K: kmemleak finds no leak from vhv" "no kmemleak in this kernel"
fi

tap_done
