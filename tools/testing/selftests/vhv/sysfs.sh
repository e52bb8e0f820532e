#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sysfs.sh - the files of /sys/kernel/vhv, the snapshot and the parameters,
# with two VMs (1 busy vCPU and 1.5 GiB; 20 vCPUs halting, woken every 2 s,
# and 1 GiB: more
# guest RAM than the 2 GiB machine has, never touched; enough vCPUs that
# the snapshot spans more than a page).
#
# Ground truth: what tvmm reports (pids, tids, RAM), nproc, /proc/meminfo,
# /proc/PID/cgroup, the threads' schedstat; the snapshot is compared with
# the per-file values read right after it.

set -e
. "$(dirname "${BASH_SOURCE[0]}")/vhv_lib.sh"
vhv_require

RT0=

cleanup() {
	set +e
	[ -n "$RT0" ] && echo "$RT0" > "$PARAMS/ready_trace_us"
	vhv_cleanup
}
trap cleanup EXIT

HOST_FILES="nr_vms nr_vcpus nr_cpus vcpu_ratio guest_mem_bytes ram_bytes mem_overcommit track_failures untracked_vcpus entry_probe entry_probe_attaches"
VM_FILES="id pid nr_vcpus mem_bytes swap_bytes majflt majflt_rate swap_wait_ns ready_ns
	heartbeat_ms stalled stall_count stalled_vcpus status pause_count apf_faults apf_wait_ns apf_max_ns
	cgroup mem_pressure_some_us
	mem_pressure_full_us"
VCPU_FILES="idx vcpu_id tid ready_ns run_ns guest_ns halt_ns exits preemptions ready_max_ns
	ready_hist swap_wait_ns swapin_delay_ns majflt state state_ms stalled stall_count"

# Ratios: "%.2f" of the quotient, rounded or truncated (either is accepted).
wr() { printf '%s' "$2" 2>/dev/null > "$1"; }

tap_plan 20

chk_host_files() {
	local f ok=1
	for f in $HOST_FILES; do [ -f "$SYS/$f" ] || { diag "missing $SYS/$f"; ok=0; }; done
	[ -d "$SYS/vms" ] || { diag "missing $SYS/vms"; ok=0; }
	[ $ok = 1 ]
}
check "host files: $HOST_FILES, vms/" chk_host_files

# vhv's vCPU stall events, to say which vCPU stalled and why if one does
trace_new sysfs && echo 1 > "$TI/events/vhv/vhv_vcpu_stall/enable" || TI=
N0=$(vm_count)
DACCT=$(sysctl -n kernel.task_delayacct 2> /dev/null || echo 0)
vmm_start V1 -c 1 -w spin -m 1536 -d 0
vmm_start V2 -c 20 -w hlt -t 2000000 -m 1024 -d 0
vmm_wait_started V1
vmm_wait_started V2
vm_wait "${VMM_PID[V1]}" 1
D1=$VMDIR
vm_wait "${VMM_PID[V2]}" 20 240
D2=$VMDIR
diag "V1 pid ${VMM_PID[V1]} at $D1; V2 pid ${VMM_PID[V2]} at $D2; $N0 VMs before"

chk_vm_files() {
	local d f i ok=1
	for d in "$D1" "$D2"; do
		for f in $VM_FILES; do [ -f "$d/$f" ] || { diag "missing $d/$f"; ok=0; }; done
		for i in "$d"/vcpus/*; do
			for f in $VCPU_FILES; do [ -f "$i/$f" ] || { diag "missing $i/$f"; ok=0; }; done
		done
	done
	[ $ok = 1 ]
}
check "every VM and vCPU file of the contract exists" chk_vm_files

chk_counts() {
	local nv nc sv=0 sd=0 d
	nv=$(rd "$SYS/nr_vms"); nc=$(rd "$SYS/nr_vcpus")
	for d in "$SYS"/vms/*; do
		sv=$((sv + $(rd "$d/nr_vcpus")))
		sd=$((sd + $(ls "$d/vcpus" | wc -l)))
	done
	diag "nr_vms $nv, $(vm_count) dirs; nr_vcpus $nc, VMs' nr_vcpus sum $sv, $sd vcpu dirs"
	[ "$nv" = "$(vm_count)" ] && [ "$nv" = $((N0 + 2)) ] && [ "$nc" = "$sv" ] && [ "$nc" = "$sd" ]
}
check "nr_vms = VM directories; nr_vcpus = sum of nr_vcpus = vCPU directories" chk_counts

n=$(rd "$SYS/nr_cpus")
diag "nr_cpus $n, nproc $(nproc), online $(getconf _NPROCESSORS_ONLN)"
check "nr_cpus = nproc" eval '[ "$n" = "$(nproc)" ] && [ "$n" = "$(getconf _NPROCESSORS_ONLN)" ]'

chk_ratio() {
	local nc n r want
	read -r nc < "$SYS/nr_vcpus"; read -r n < "$SYS/nr_cpus"; read -r r < "$SYS/vcpu_ratio"
	want=$(awk -v nc="$nc" -v n="$n" 'BEGIN { x = nc / n; printf "%.2f %.2f", x, int(x * 100 + 1e-9) / 100 }')
	diag "vcpu_ratio '$r', nr_vcpus $nc / nr_cpus $n = $want"
	[[ " $want " == *" $r "* ]]
}
check "vcpu_ratio = nr_vcpus / nr_cpus with two decimals" chk_ratio

chk_ram() {
	local r m
	r=$(rd "$SYS/ram_bytes"); m=$(awk '/^MemTotal:/ { print $2 * 1024 }' /proc/meminfo)
	diag "ram_bytes $r, MemTotal $m bytes"
	within_pct "$r" "$m" 1
}
check "ram_bytes = MemTotal within 1%" chk_ram

chk_overcommit() {
	local g s=0 d r o want
	read -r g < "$SYS/guest_mem_bytes"; read -r r < "$SYS/ram_bytes"; read -r o < "$SYS/mem_overcommit"
	for d in "$SYS"/vms/*; do s=$((s + $(rd "$d/mem_bytes"))); done
	want=$(awk -v g="$g" -v r="$r" 'BEGIN { x = g / r; printf "%.2f %.2f", x, int(x * 100 + 1e-9) / 100 }')
	diag "guest_mem_bytes $g, sum of mem_bytes $s; mem_overcommit '$o', guest_mem_bytes / ram_bytes = $want"
	[ "$g" = "$s" ] && [[ " $want " == *" $o "* ]] && fcheck "$g > $r"
}
check "guest_mem_bytes = sum of mem_bytes; mem_overcommit = guest_mem_bytes / ram_bytes (> 1 here)" chk_overcommit

# dir_of_tid TID: the VM directory that has a vCPU with that thread id:
# found without the pid, so the pid file can be checked against tvmm's.
dir_of_tid() {
	local f
	for f in "$SYS"/vms/*/vcpus/*/tid; do
		[ "$(rd "$f")" = "$1" ] && { echo "${f%/vcpus/*}"; return 0; }
	done
	return 1
}

chk_vms() {
	local v d ok=1 c pc m t
	for v in V1 V2; do
		d=$(dir_of_tid "$(vmm_tids "$v" | head -n1 | cut -d' ' -f2)") || { diag "$v: no VM has its first vCPU's tid"; ok=0; continue; }
		c=$(rd "$d/cgroup"); pc=$(awk -F: '$1 == "0" { print $3 }' "/proc/${VMM_PID[$v]}/cgroup")
		m=$(rd "$d/mem_bytes"); t=$(vmm_field "$v" vm mem_bytes)
		diag "$v: id $(rd "$d/id") in $(basename "$d"), pid $(rd "$d/pid") (tvmm ${VMM_PID[$v]}), nr_vcpus $(rd "$d/nr_vcpus") (tvmm $(vmm_field "$v" vm vcpus)), mem_bytes $m (tvmm's one memory slot $t), cgroup '$c' (/proc: '$pc')"
		[ "$(rd "$d/id")" = "$(basename "$d")" ] && [ "$(rd "$d/pid")" = "${VMM_PID[$v]}" ] &&
			[ "$(rd "$d/nr_vcpus")" = "$(vmm_field "$v" vm vcpus)" ] && [ "$m" = "$t" ] &&
			[ "$c" = "$pc" ] || ok=0
	done
	[ $ok = 1 ]
}
check "each VM (found by a vCPU's tid): id = its directory, pid, nr_vcpus and mem_bytes as tvmm says, cgroup as /proc says" chk_vms

# swapin_delay_ns is -1 exactly when the threads have no delay accounting
# (DACCT: kernel.task_delayacct when the VMMs were forked)
chk_vcpus() {
	local v d idx tid ok=1 ids s
	for v in V1 V2; do
		d=$(vm_of_pid "${VMM_PID[$v]}")
		ids=
		while read -r idx tid; do
			[ -n "$idx" ] || continue
			[ "$(rd "$d/vcpus/$idx/idx")" = "$idx" ] && [ "$(rd "$d/vcpus/$idx/tid")" = "$tid" ] ||
				{ diag "$v vcpu $idx: idx file $(rd "$d/vcpus/$idx/idx"), tid $(rd "$d/vcpus/$idx/tid"), tvmm tid $tid"; ok=0; }
			ids+="$(rd "$d/vcpus/$idx/vcpu_id") "
			s=$(rd "$d/vcpus/$idx/swapin_delay_ns")
			if [ "$DACCT" = 1 ]; then
				[ "$s" -ge 0 ] || { diag "$v vcpu $idx: swapin_delay_ns $s with delay accounting on"; ok=0; }
			else
				[ "$s" = -1 ] || { diag "$v vcpu $idx: swapin_delay_ns $s with delay accounting off"; ok=0; }
			fi
		done <<< "$(vmm_tids "$v")"
		diag "$v: vcpu_ids $ids; kernel.task_delayacct $DACCT, swapin_delay_ns of vCPU 0: $(rd "$d/vcpus/0/swapin_delay_ns")"
		[ "$(echo $ids | tr ' ' '\n' | sort -u | wc -l)" = "$(rd "$d/nr_vcpus")" ] || ok=0
	done
	[ $ok = 1 ]
}
check "each vCPU: idx = its directory, tid as tvmm says, distinct vcpu_ids, swapin_delay_ns -1 exactly without delay accounting" chk_vcpus

chk_fresh() {
	local d ok=1 sm
	sm=$(rd "$PARAMS/stall_ms")
	for d in "$D1" "$D2"; do
		diag "$(basename "$d"): stalled $(rd "$d/stalled"), stall_count $(rd "$d/stall_count"), heartbeat_ms $(rd "$d/heartbeat_ms") (stall_ms $sm)"
		[ "$(rd "$d/stalled")" = 0 ] && [ "$(rd "$d/stall_count")" = 0 ] &&
			[ "$(rd "$d/heartbeat_ms")" -lt "$sm" ] || ok=0
	done
	[ $ok = 1 ] || [ -z "$TI" ] || trace_events "$TI/trace" vhv_vcpu_stall | sed "s/^/# stall event: /"
	[ $ok = 1 ]
}
check "running VMs: stalled = 0, stall_count = 0, heartbeat_ms < stall_ms" chk_fresh

chk_snap_size() {
	local n
	n=$(wc -c < "$SNAP")
	diag "snapshot: $n bytes, $(grep -c '^vcpu ' "$SNAP") vcpu lines"
	[ "$n" -gt 4096 ]
}
check "snapshot: more than a page with 21 vCPUs (the reads below cross a page boundary)" chk_snap_size
check "snapshot: well formed, consistent, time_ns now, a new one per read from offset 0" \
	"$PY" "$VHV_SELF/snapshot.py" format
check "snapshot: equals the per-file values read right after (growing counters: >=)" \
	"$PY" "$VHV_SELF/snapshot.py" sysfs
check "snapshot: ready_ns and run_ns lie between schedstat read before and after" \
	"$PY" "$VHV_SELF/snapshot.py" schedstat
check "snapshot: per open file: EINVAL at an offset before a read at 0; a reader's picture survives 40 others" \
	"$PY" "$VHV_SELF/snapshot.py" readers

# Host totals are world-readable; per-VM and per-vCPU files and the
# snapshot (tenant data) are 0440 root:root unless read_gid says otherwise.
chk_readonly() {
	local f ok=1 before after mode owner want n=0 m=0
	# every file's mode and owner, in one find
	while read -r mode owner f; do
		n=$((n + 1))
		case $f in
		"$SYS"/vms/*) want="440 root:root" ;;
		*) want="444 root:root" ;;
		esac
		[ "$mode $owner" = "$want" ] || { diag "$f: mode $mode $owner (want $want)"; ok=0; }
	done <<< "$(find "$SYS" -type f -printf '%m %u:%g %p\n')"
	# writes: the host files, V1's, and V2's with its first vCPU (its other
	# vCPUs have the same files)
	while read -r f; do
		case $f in "$D2"/vcpus/[1-9]*) continue ;; esac
		m=$((m + 1))
		before=$(cat "$f")
		if wr "$f" 1; then diag "write to $f succeeded"; ok=0; fi
		if wr "$f" $'\n'; then diag "writing a newline to $f succeeded"; ok=0; fi
		case ${f##*/} in
		id|pid|nr_vcpus|mem_bytes|nr_cpus|ram_bytes|idx|vcpu_id|tid|cgroup|guest_mem_bytes|nr_vms)
			after=$(cat "$f")
			[ "$after" = "$before" ] || { diag "$f changed: '$before' -> '$after'"; ok=0; } ;;
		esac
	done <<< "$(find "$SYS" -type f)"
	mode=$(stat -c '%a %U:%G' "$SNAP")
	[ "$mode" = "440 root:root" ] || { diag "$SNAP: mode $mode (want 440 root:root)"; ok=0; }
	if wr "$SNAP" 1; then diag "write to $SNAP succeeded"; ok=0; fi
	diag "$n files' modes checked, writes tried on $m, $SNAP: $mode"
	[ $ok = 1 ] && [ "$m" -gt 20 ]
}
check "every file under $SYS and $SNAP is read-only (host 0444; VMs, vCPUs, snapshot 0440 root:root) and refuses writes" chk_readonly

# as NOBODY (uid and gid 65534, no other group): the file reads or not
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups cat "$1" > /dev/null 2>&1; }
chk_tenant() {
	local f v1 ok=1
	v1=$(ls -d "$D1"/vcpus/* | head -n1)
	for f in "$SYS/nr_vms" "$SYS/nr_vcpus" "$SYS/vcpu_ratio" "$SYS/mem_overcommit"; do
		as_nobody "$f" || { diag "nobody cannot read $f"; ok=0; }
	done
	for f in "$SNAP" "$D1/pid" "$D1/cgroup" "$D1/mem_bytes" "$v1/tid" "$v1/ready_ns"; do
		! as_nobody "$f" || { diag "nobody can read $f"; ok=0; }
		[ -n "$(cat "$f")" ] || { diag "root cannot read $f"; ok=0; }
	done
	[ $ok = 1 ]
}
check "tenant data: nobody reads the host totals, not the snapshot nor any VM or vCPU file; root does" chk_tenant

RT0=$(rd "$PARAMS/ready_trace_us")
chk_rt_param() {
	local v ok=1
	for v in 0 60000001 -1 abc $'\n' 12x 99999999999999999999; do
		wr "$PARAMS/ready_trace_us" "$v" && { diag "ready_trace_us accepted $(printf %q "$v")"; ok=0; }
		[ "$(rd "$PARAMS/ready_trace_us")" = "$RT0" ] || { diag "ready_trace_us now $(rd "$PARAMS/ready_trace_us") after $(printf %q "$v")"; ok=0; wr "$PARAMS/ready_trace_us" "$RT0"; }
	done
	for v in 1 60000000 "$RT0"; do
		wr "$PARAMS/ready_trace_us" "$v" && [ "$(rd "$PARAMS/ready_trace_us")" = "$v" ] ||
			{ diag "ready_trace_us refused '$v'"; ok=0; }
	done
	[ $ok = 1 ]
}
check "ready_trace_us: out-of-range/malformed writes fail and keep the value; 1 and 60000000 accepted" chk_rt_param

chk_param_modes() {
	local p ok=1
	for p in stall_ms ready_trace_us swap_trace_us; do
		diag "$p: mode $(stat -c %a "$PARAMS/$p"), value $(rd "$PARAMS/$p")"
		[ "$(stat -c %a "$PARAMS/$p")" = 644 ] || ok=0
	done
	[ "$(rd "$PARAMS/stall_ms")" = 5000 ] || diag "note: stall_ms is not the default 5000"
	[ $ok = 1 ]
}
check "parameters stall_ms, ready_trace_us and swap_trace_us exist, writable by root only (0644)" chk_param_modes

vmm_stop V1
vmm_stop V2
__back() {
	WAIT_SEEN="nr_vms $(rd "$SYS/nr_vms"), $(vm_count) dirs (were $N0)"
	LAST="nr_vms $(rd "$SYS/nr_vms"), $(vm_count) dirs, nr_vcpus $(rd "$SYS/nr_vcpus"), vcpu_ratio $(rd "$SYS/vcpu_ratio"), guest_mem_bytes $(rd "$SYS/guest_mem_bytes"), mem_overcommit $(rd "$SYS/mem_overcommit")"
	[ "$(vm_count)" = "$N0" ] && [ "$(rd "$SYS/nr_vms")" = "$N0" ] || return 1
	[ "$N0" != 0 ] || { [ "$(rd "$SYS/vcpu_ratio")" = 0.00 ] && [ "$(rd "$SYS/mem_overcommit")" = 0.00 ] &&
		[ "$(rd "$SYS/nr_vcpus")" = 0 ] && [ "$(rd "$SYS/guest_mem_bytes")" = 0 ]; }
}
if wait_for "the counts back after the VMs exit" 120 __back; then tap_ok "after the VMs exit: counts back (0.00 ratios with no VM)"; else tap_notok "after the VMs exit: counts back (0.00 ratios with no VM)"; fi
diag "$LAST"

tap_done
