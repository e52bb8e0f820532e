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
