# SPDX-License-Identifier: GPL-2.0
# Helpers shared by the vhv selftests (sourced by each test; not a test).
#
# A test sources this file, calls vhv_require, sets "trap cleanup EXIT" with
# a cleanup() that ends with vhv_cleanup, and starts its VMs with vmm_start.
# Every VMM started here is killed by vhv_cleanup; every trace instance made
# with trace_new is removed.

: "${VHV_ROOT:=$PWD}"
: "${VHV_KVER:=$(uname -r)}"
: "${VHV_BUILD:=$VHV_ROOT/build/$VHV_KVER}"
. "$VHV_ROOT/tools/testing/selftests/lib.sh"

VHV_SELF=$VHV_ROOT/tools/testing/selftests/vhv
SYS=/sys/kernel/vhv
SNAP=/proc/vhv/snapshot
PARAMS=/sys/module/vhv/parameters
TRACEFS=/sys/kernel/tracing
VHV_KO=$VHV_BUILD/kmod/vhv/vhv.ko
PY=$(command -v python3 || echo /usr/bin/python3)

TMPD=
declare -A VMM_PID=()
VMM_ALL=()
TRACE_INSTANCES=()

# find_tvmm: the test VMM, from $TVMM, $VHV_BIN or the source tree.
find_tvmm() {
	local c
	for c in "${TVMM:-}" "${VHV_BIN:+$VHV_BIN/tvmm}" \
		 "$VHV_ROOT/tools/testing/vmm/tvmm" "$VHV_BUILD/tvmm"; do
		if [ -n "$c" ] && [ -x "$c" ]; then
			echo "$c"
			return 0
		fi
	done
	return 1
}

# vhvstat_require: VHVSTAT, the built vhvstat ($VHV_BIN is the folder of
# the userspace tools' folders), or the test fails.
vhvstat_require() {
	local c
	VHVSTAT=
	for c in "${VHV_BIN:+$VHV_BIN/vhvstat/vhvstat}" "$VHV_ROOT/userspace/vhvstat/vhvstat"; do
		if [ -n "$c" ] && [ -f "$c" ] && [ -x "$c" ]; then
			VHVSTAT=$c
			return 0
		fi
	done
	tap_bail "vhvstat is not built (make userspace)"
}

# vhv_require: root, vhv loaded, /dev/kvm and tvmm present; make TMPD.
# The harness guarantees each (nested KVM in the guest, tvmm built by
# make check): a missing one fails the test, it never skips.
vhv_require() {
	[ "$(id -u)" = 0 ] || tap_bail "must run as root"
	[ -d "$SYS" ] || tap_bail "vhv is not loaded ($SYS missing)"
	[ -c /dev/kvm ] || modprobe -q kvm_amd 2>/dev/null || modprobe -q kvm_intel 2>/dev/null || true
	[ -c /dev/kvm ] || tap_bail "no /dev/kvm (kvm_amd/kvm_intel did not load)"
	TVMM=$(find_tvmm) || tap_bail "tvmm is not built (make -C tools/testing/vmm)"
	TMPD=$(mktemp -d "/tmp/vhv-$(basename "$0" .sh).XXXXXX")
}

# vhv_cleanup: kill our VMMs, remove our trace instances and files.
vhv_cleanup() {
	local i f
	vmm_kill_all
	for f in "$TMPD"/*.err; do
		[ -s "$f" ] || continue
		diag "stderr of tvmm $(basename "$f" .err):"
		head -n5 "$f" | sed 's/^/#   /'
	done
	for i in "${TRACE_INSTANCES[@]}"; do
		[ -d "$i" ] || continue
		echo 0 > "$i/tracing_on" 2>/dev/null
		echo 0 > "$i/events/enable" 2>/dev/null
		rmdir "$i" 2>/dev/null
	done
	[ -n "$TMPD" ] && rm -rf "$TMPD"
}

# check NAME CMD...: one TAP line from CMD's status.  Unlike lib.sh's
# tap_check (which pipes CMD's output), CMD runs in this shell, so what it
# sets survives and its diag lines are printed as they are.
check() {
	local name=$1
	shift
	if "$@"; then tap_ok "$name"; else tap_notok "$name"; fi
}

# now_us: wall clock in microseconds, without a fork.
now_us() { local t=${EPOCHREALTIME//[!0-9]/}; echo "${t#0}"; }

# fcheck EXPR: awk arithmetic truth test, e.g. fcheck "1.5 < 2".
fcheck() { awk "BEGIN { exit !($1) }"; }
# fcalc EXPR: print an awk arithmetic result.
fcalc() { awk "BEGIN { printf \"%.4f\", $1 }"; }

# ---- VMMs -------------------------------------------------------------

# vmm_start NAME TVMM-ARGS...: start tvmm in the background; its output goes
# to $TMPD/NAME.out and .err, its pid to VMM_PID[NAME].
vmm_start() {
	local name=$1
	shift
	"$TVMM" "$@" > "$TMPD/$name.out" 2> "$TMPD/$name.err" &
	VMM_PID[$name]=$!
	VMM_ALL+=("$!")
}

# vmm_start_in CGROUP_DIR NAME TVMM-ARGS...: the same, inside a cgroup.
vmm_start_in() {
	local cg=$1 name=$2
	shift 2
	(echo "$BASHPID" > "$cg/cgroup.procs" && exec "$TVMM" "$@") \
		> "$TMPD/$name.out" 2> "$TMPD/$name.err" &
	VMM_PID[$name]=$!
	VMM_ALL+=("$!")
}

__vmm_started_or_dead() {
	grep -qx started "$TMPD/$1.out" 2>/dev/null || ! kill -0 "${VMM_PID[$1]}" 2>/dev/null
}

# vmm_wait_started NAME [TIMEOUT_S]: wait for its "started" line.
vmm_wait_started() {
	poll "${2:-120}" __vmm_started_or_dead "$1" || true
	if ! grep -qx started "$TMPD/$1.out"; then
		diag "tvmm $1 did not start; stderr:"
		sed 's/^/#   /' "$TMPD/$1.err"
		return 1
	fi
}

# vmm_field NAME RECORD KEY: KEY of the first RECORD line of its output.
vmm_field() {
	awk -v r="$2" -v k="$3" '$1 == r {
		for (i = 2; i <= NF; i++) { n = index($i, "=");
			if (substr($i, 1, n - 1) == k) { print substr($i, n + 1); exit } } }' \
		"$TMPD/$1.out"
}

# vmm_tids NAME: "idx tid" per vCPU, from the start records.
vmm_tids() {
	awk '$1 == "vcpu" && $3 ~ /^tid=/ { sub("idx=", "", $2); sub("tid=", "", $3); print $2, $3 }' \
		"$TMPD/$1.out"
}

# vmm_stop NAME: kill one VMM and reap it.
vmm_stop() {
	local p=${VMM_PID[$1]}
	kill -CONT "$p" 2>/dev/null || true
	kill -KILL "$p" 2>/dev/null || true
	wait "$p" 2>/dev/null || true
}

vmm_kill_all() {
	local p
	for p in "${VMM_ALL[@]}"; do
		kill -CONT "$p" 2>/dev/null || true
		kill -KILL "$p" 2>/dev/null || true
	done
	for p in "${VMM_ALL[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	VMM_ALL=()
	return 0
}

# uevent_listen: start uevent.py (vhv's VHV_EVENT uevents into
# $TMPD/uevents) and wait until it listens; its pid in UPID.
uevent_listen() {
	"$PY" -u "$VHV_SELF/uevent.py" VHV_EVENT > "$TMPD/uevents" 2> "$TMPD/uevent.err" &
	UPID=$!
	__uevent_ready() { grep -qx ready "$TMPD/uevents"; }
	WAIT_FILES=("$TMPD/uevents" "$TMPD/uevent.err")
	wait_for "the uevent listener (uevent.py) to be ready" 120 __uevent_ready
	WAIT_FILES=()
}

# vhv_restore: at the end of a test that reloads vhv: loaded again, with
# its defaults (max_vcpus tells a reload with other parameters).
vhv_restore() {
	[ ! -d "$SYS" ] || [ "$(rd "$PARAMS/max_vcpus" 2>/dev/null)" = 65536 ] || rmmod vhv
	[ -d "$SYS" ] || insmod "$VHV_KO"
}

# vmm_start_tracked NAME NR_VCPUS TVMM-ARGS...: start a VMM with NR_VCPUS
# vCPUs and wait until it runs guest code and vhv shows its VM (VMDIR)
vmm_start_tracked() {
	local name=$1 n=$2
	shift 2
	vmm_start "$name" -c "$n" "$@"
	vmm_wait_started "$name"
	vm_wait "${VMM_PID[$name]}" "$n"
}

# ---- the VM as vhv shows it ------------------------------------------

# vm_of_pid PID: print the sysfs directory of the VM of that process.
vm_of_pid() {
	local d p
	for d in "$SYS"/vms/*; do
		read -r p 2>/dev/null < "$d/pid" || continue
		if [ "$p" = "$1" ]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

__vm_ready() {
	local n
	VMDIR=$(vm_of_pid "$1") || return 1
	read -r n 2>/dev/null < "$VMDIR/nr_vcpus" || return 1
	[ "$n" = "$2" ]
}

# vm_wait PID NR_VCPUS [TIMEOUT_S]: wait until vhv shows the VM of PID with
# NR_VCPUS vCPUs; its directory is then in VMDIR.
vm_wait() {
	VMDIR=
	if ! poll "${3:-60}" __vm_ready "$1" "$2"; then
		diag "no VM with pid $1 and $2 vCPUs in $SYS/vms (VMDIR='$VMDIR')"
		return 1
	fi
}

# vm_tids_ok NAME: vhv shows tvmm's tids for every vCPU of VMM NAME (the
# VM in VMDIR)
vm_tids_ok() {
	local idx tid t
	while read -r idx tid; do
		[ -n "$idx" ] || continue
		t=$(rd "$VMDIR/vcpus/$idx/tid" 2>/dev/null) || t=
		[ "$t" = "$tid" ] || { diag "VM $1 vcpu $idx: tid '$t', tvmm says $tid"; return 1; }
	done <<< "$(vmm_tids "$1")"
}

# __nothing_left: no VM and no vCPU left in vhv (a wait_for CMD: VMs go
# away when their processes are reaped and KVM destroys them); what it saw
# in LAST.
__nothing_left() {
	LAST="nr_vms $(rd "$SYS/nr_vms"), nr_vcpus $(rd "$SYS/nr_vcpus"), $(vm_count) dirs in vms/"
	WAIT_SEEN=$LAST
	[ "$(rd "$SYS/nr_vms")" = 0 ] && [ "$(rd "$SYS/nr_vcpus")" = 0 ] && [ "$(vm_count)" = 0 ]
}

# rd FILE: print a one-line file (no fork for the read itself).
rd() { local v; read -r v < "$1"; echo "$v"; }

# vm_count: number of VM directories.
vm_count() { local n=0 d; for d in "$SYS"/vms/*; do [ -e "$d" ] && n=$((n + 1)); done; echo $n; }

# kvm_debugfs PID: KVM's debugfs directory of the (single) VM of PID.
kvm_debugfs() {
	local d
	for d in /sys/kernel/debug/kvm/"$1"-*; do
		[ -d "$d" ] && { echo "$d"; return 0; }
	done
	return 1
}

# kvm_builtin: KVM is part of vmlinux (CONFIG_KVM=y): its module folder
# (there for its parameters) has no initstate, which a loaded module has.
kvm_builtin() { [ -d /sys/module/kvm ] && [ ! -e /sys/module/kvm/initstate ]; }

# in_bracket X LO HI PCT [ABS]: LO <= X <= HI, the bracket widened by PCT%
# of each end (or ABS, if larger).
in_bracket() {
	awk -v x="$1" -v lo="$2" -v hi="$3" -v p="$4" -v a="${5:-0}" 'BEGIN {
		wl = lo * p / 100; if (wl < a) wl = a
		wh = hi * p / 100; if (wh < a) wh = a
		exit !(x >= lo - wl && x <= hi + wh) }'
}

# ---- tracefs ----------------------------------------------------------

# trace_new NAME: a private trace instance (own buffer, events and clock)
# in TI; removed by vhv_cleanup.
trace_new() {
	[ -d "$TRACEFS/instances" ] || mount -t tracefs nodev "$TRACEFS" 2>/dev/null || true
	[ -d "$TRACEFS/instances" ] || return 1
	TI=$TRACEFS/instances/vhvtest-$$-$1
	mkdir "$TI"
	TRACE_INSTANCES+=("$TI")
	echo mono > "$TI/trace_clock" 2>/dev/null || true
}

# trace_pid_filter FIELD PID...: a tracefs event filter that matches an
# event whose FIELD is any of the PIDs (common_pid: the task it fired in).
trace_pid_filter() {
	local f=$1 p out=
	shift
	for p in "$@"; do out+="${out:+ || }$f == $p"; done
	echo "$out"
}

# trace_stats INSTANCE KEYS: the sum over the instance's CPUs of the
# per-CPU stats lines whose key matches the regex KEYS ("overrun": events
# lost; "entries": events in the buffer). Readable while it records,
# unlike "trace", whose opening pauses the recording.
trace_stats() {
	awk -v re="^($2):" '$0 ~ re { s += $NF } END { print s + 0 }' \
		"$1"/per_cpu/cpu*/stats 2>/dev/null
}

# trace_events FILE EVENT: the key=value payloads of EVENT in a trace dump,
# one event per line, prefixed by "ts=<seconds>".
trace_events() {
	awk -v ev="$2:" '{
		for (i = 1; i <= NF; i++) if ($i == ev) break
		if (i > NF) next
		ts = $(i - 1); sub(":$", "", ts)
		out = "ts=" ts
		for (j = i + 1; j <= NF; j++) out = out " " $j
		print out }' "$1"
}

# kv KEY: from "key=value ..." lines on stdin, print KEY's value per line.
kv() {
	awk -v k="$1" '{ for (i = 1; i <= NF; i++) { n = index($i, "=");
		if (n && substr($i, 1, n - 1) == k) { print substr($i, n + 1); break } } }'
}

# ---- polled checks and traced ground truth (swap.sh, apf.sh) ----------

# LAST: what the last polled check saw, printed once it settles.
# tap_poll NAME TIMEOUT_S CMD...: one TAP line from a wait_for (lib.sh): on
# a timeout it says what it waited for, how long, and the kernel log tail.
# Deadlines are generous: a check that holds passes at once; the deadline
# only bounds how long a slow machine may take to get there.
LAST=
tap_poll() {
	local name=$1 t=$2
	shift 2
	if wait_for "$name" "$t" "$@"; then tap_ok "$name"; else tap_notok "$name"; fi
	[ -z "$LAST" ] || diag "$LAST (after ${WAIT_ELAPSED}s)"
	LAST=
}

# close_ns A B PCT ABS: |A-B| <= PCT% of max(A,B) + ABS
close_ns() { awk -v a="$1" -v b="$2" -v p="$3" -v x="$4" 'BEGIN { d = a - b; if (d < 0) d = -d; m = (a > b) ? a : b; exit !(d <= m * p / 100 + x) }'; }

# stop_vmm PID TID: SIGSTOP the VMM and wait until its vCPU thread TID is
# stopped (a block in progress at the stop ends, its I/O done, before the
# thread takes the stop: wait for the state, not for a time)
stop_vmm() {
	kill -STOP "$1"
	__thread_stopped() {
		local st
		read -ra st < "/proc/$1/task/$2/stat"
		LAST="vCPU thread $2 in state ${st[2]}"
		[ "${st[2]}" = T ] || [ "${st[2]}" = t ]
	}
	wait_for "the vCPU thread to stop (SIGSTOP)" 60 __thread_stopped "$1" "$2"
	LAST=
}

# traced_sleep TID STATES [RUN [IO]]: "NS N": the time thread TID slept,
# traced in $TI from sched_switch (prev_state one of STATES, e.g. D or SD)
# to its sched_wakeup, and the number of such sleeps. With RUN, only sleeps
# that began inside a KVM_RUN ioctl (traced syscalls sys_enter_ioctl,
# filtered on KVM_RUN, to the thread's next sys_exit_ioctl): what vhv
# counts. With IO, only those in I/O wait: the stack a stacktrace trigger
# on sched_switch recorded for the thread holds io_schedule().
#
# The wakeup is traced on the waker's CPU. Events of two CPUs may carry
# one timestamp (seen in guests booted with tsc=unstable, where the clock
# advanced in steps): a wakeup and the thread's next switch-out can then
# be listed in either order in the merged trace. A sleep's switch-out seen
# while the previous sleep waits for its wakeup is therefore held until
# the next wakeup: one with the same timestamp (or earlier) ended the
# previous sleep; a later one means the previous sleep's wakeup was not
# traced.
traced_sleep() {
	awk -v tid="$1" -v re=" prev_state=[$2]" -v run="${3:-}" -v io="${4:-}" '
		function ts(name,   k) { for (k = 1; k <= NF; k++) if ($k == name) { t = $(k - 1); sub(":$", "", t); return t + 0 } }
		function done(tw) { if (io == "" || isio) { s += tw - t0; n++ } t0 = "" }
		/ sys_ioctl\(/ && $1 ~ ("-" tid "$") { inrun = 1; next }
		/ sys_ioctl -> / && $1 ~ ("-" tid "$") { inrun = 0; next }
		/ <stack trace>/ { stk = ($1 ~ ("-" tid "$")); next }
		/^ => / { if (stk && $2 ~ /^io_schedule/) { if (pend) pio = 1; else isio = 1 } next }
		{ stk = 0 }
		/ sched_switch: / && (" " $0 " ") ~ (" prev_pid=" tid " ") && $0 ~ re && (run == "" || inrun) {
			if (t0 != "") { pend = 1; pt = ts("sched_switch:"); pio = 0 }
			else { t0 = ts("sched_switch:"); isio = 0 }
			next }
		/ sched_wakeup: / && (" " $0 " ") ~ (" pid=" tid " ") && t0 != "" {
			w = ts("sched_wakeup:")
			if (pend) {
				pend = 0
				if (w <= pt) { done(w); t0 = pt; isio = pio; next }
				t0 = pt; isio = pio
			}
			done(w) }
		END { printf "%.0f %d\n", s * 1e9, n }' "$TI/trace"
}

# traced_apf TID FILE: "N M NS DN DNS" from KVM's async page fault events
# of thread TID in a trace dump, matched by token: N "page not present",
# M of them with their own "page ready", NS the not-present to ready time
# of those; DN of the others ended by a "wake all" (token 0xffffffff: the
# protocol was enabled again and KVM dropped them), DNS their
# not-present to wake-all time.
traced_apf() {
	awk -v tid="$1" '
		function ts(name,   k) { for (k = 1; k <= NF; k++) if ($k == name) { t = $(k - 1); sub(":$", "", t); return t } }
		$1 !~ ("-" tid "$") { next }
		/ kvm_async_pf_not_present: / { st[$(NF - 2)] = ts("kvm_async_pf_not_present:"); n++ }
		/ kvm_async_pf_ready: / && $(NF - 2) == "0xffffffff" {
			t = ts("kvm_async_pf_ready:")
			for (k in st) { ds += t - st[k]; dn++ }
			delete st
			next }
		/ kvm_async_pf_ready: / && ($(NF - 2) in st) { s += ts("kvm_async_pf_ready:") - st[$(NF - 2)]; m++; delete st[$(NF - 2)] }
		END { printf "%d %d %.0f %d %.0f\n", n, m, s * 1e9, dn, ds * 1e9 }' "$2"
}

# ---- swap devices and memory cgroups (swap.sh, apf.sh) ----------------

ZNUM='' ZADDED='' ZMOD='' SWAPON='' DMMOD='' DMNAME='' DMDEV=''

# swap_require: what a swapping guest needs, which Debian's kernels and the
# harness provide: cgroup2's memory controller, and zram (loaded if it is
# not). Without either the test fails; it does not skip.
swap_require() {
	[ -f /sys/fs/cgroup/cgroup.controllers ] &&
		grep -qw memory /sys/fs/cgroup/cgroup.controllers ||
		tap_bail "no cgroup2 memory controller at /sys/fs/cgroup"
	if [ ! -d /sys/module/zram ]; then
		modprobe -q zram num_devices=1 2>/dev/null || tap_bail "cannot load zram"
		ZMOD=1
	fi
}

# zram_new: a free zram device of 1 GiB, its number in ZNUM.
zram_new() {
	if [ -e /sys/block/zram0 ] && [ "$(rd /sys/block/zram0/disksize)" = 0 ]; then
		ZNUM=0
	else
		ZNUM=$(cat /sys/class/zram-control/hot_add)
		ZADDED=1
	fi
	echo $((1024 * 1024 * 1024)) > "/sys/block/zram$ZNUM/disksize"
}

# delayed_swap_on MS: swap on a dm-delay device (DMDEV) over zram$ZNUM
# (made by zram_new; given its size again after a reset), reads delayed by
# MS ms, writes not; at the highest priority. Fails without dm-delay.
delayed_swap_on() {
	local b
	[ "$(rd "/sys/block/zram$ZNUM/disksize")" != 0 ] ||
		echo $((1024 * 1024 * 1024)) > "/sys/block/zram$ZNUM/disksize"
	if [ ! -d /sys/module/dm_delay ]; then
		modprobe -q dm_delay 2>/dev/null && DMMOD=1
	fi
	DMNAME=vhv-delay-$$
	[ -d /sys/module/dm_delay ] || return 1
	dmsetup create --noudevsync "$DMNAME" --table \
		"0 $(rd "/sys/block/zram$ZNUM/size") delay /dev/zram$ZNUM 0 $1 /dev/zram$ZNUM 0 0" ||
		return 1
	for b in /sys/block/dm-*; do
		[ "$(cat "$b/dm/name" 2>/dev/null)" = "$DMNAME" ] && DMDEV=/dev/${b##*/}
	done
	[ -n "$DMDEV" ] && mkswap "$DMDEV" > /dev/null && swapon -p 32767 "$DMDEV"
}

# delayed_swap_ms MS: the same device, reads now delayed by MS ms.
delayed_swap_ms() {
	dmsetup reload --noudevsync "$DMNAME" --table \
		"0 $(rd "/sys/block/zram$ZNUM/size") delay /dev/zram$ZNUM 0 $1 /dev/zram$ZNUM 0 0"
	dmsetup resume --noudevsync "$DMNAME"
	diag "dm-delay: $(dmsetup table "$DMNAME")"
}

# memcg_new DIR MAX_MB: a memory cgroup with memory.max = MAX_MB MiB.
memcg_new() {
	grep -qw memory /sys/fs/cgroup/cgroup.subtree_control ||
		echo +memory > /sys/fs/cgroup/cgroup.subtree_control
	mkdir "$1"
	echo "${2}M" > "$1/memory.max"
	[ ! -e "$1/memory.swap.max" ] || echo max > "$1/memory.swap.max"
}

# swap_cleanup: undo the above; CG is the test's cgroup. For cleanup().
swap_cleanup() {
	[ -n "$DMDEV" ] && grep -q "^$DMDEV " /proc/swaps && swapoff "$DMDEV"
	[ -n "$DMNAME" ] && dmsetup remove --noudevsync "$DMNAME"
	[ -n "$DMMOD" ] && rmmod dm_delay
	[ -n "$SWAPON" ] && swapoff "/dev/zram$ZNUM"
	if [ -n "$ZNUM" ]; then
		echo 1 > "/sys/block/zram$ZNUM/reset"
		[ -n "$ZADDED" ] && echo "$ZNUM" > /sys/class/zram-control/hot_remove
	fi
	[ -n "$ZMOD" ] && rmmod zram
	[ -d "$CG" ] && wait_for "rmdir $CG (its processes gone)" 60 rmdir "$CG"
	return 0
}

# trace_sleeps: in the trace instance TI, what traced_sleep reads: tvmm's
# context switches (both ways) and wakeups, and the bounds of its KVM_RUN
# ioctls. In the scheduler's own clock (trace clock "global" is
# sched_clock_cpu, kept monotonic across CPUs), the clock of vhv's figures
# and of schedstat: in CLOCK_MONOTONIC, under heavy load, the traced D time
# once came out 3% below both vhv's swap_wait_ns and schedstat's own
# iowait_sum.
trace_sleeps() {
	echo global > "$TI/trace_clock"
	echo 8192 > "$TI/buffer_size_kb"
	echo 'prev_comm == "tvmm" || next_comm == "tvmm"' > "$TI/events/sched/sched_switch/filter"
	echo 'comm == "tvmm"' > "$TI/events/sched/sched_wakeup/filter"
	echo 1 > "$TI/events/sched/sched_switch/enable"
	echo 1 > "$TI/events/sched/sched_wakeup/enable"
	# KVM_RUN's bounds: vhv counts the blocks inside it only, and the
	# VMM's own code and stack are in the same cgroup: when they were
	# swapped out, the thread blocks for them in userspace too (seen: 7%
	# of the D time in one run under load)
	echo "cmd == $((0xae80))" > "$TI/events/syscalls/sys_enter_ioctl/filter"
	echo 1 > "$TI/events/syscalls/sys_enter_ioctl/enable"
	echo 1 > "$TI/events/syscalls/sys_exit_ioctl/enable"
}
