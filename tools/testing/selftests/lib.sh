# SPDX-License-Identifier: GPL-2.0
# Shared helpers for vhv selftests (sourced, not run).
#
# Contract with the runner (tools/testing/selftests/run-guest.sh):
#  - a test is an executable listed in its folder's TESTS file;
#  - it runs as root in the guest, cwd = repository root, with
#    VHV_ROOT (repo), VHV_KVER (kernel release), VHV_BUILD (build/<kver>),
#    VHV_BIN (directory of the userspace binaries) in the environment;
#  - the project's modules are loaded before the first test; a test that
#    unloads one loads it again before it ends;
#  - it prints TAP 13 on stdout and exits 0 (pass), 4 (skip) or else (fail).

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

__tap_n=0
__tap_fail=0
__tap_plan=0

# tap_plan N: print the TAP header and the plan.
tap_plan() {
	__tap_plan=$1
	echo "TAP version 13"
	echo "1..$1"
}

# tap_ok NAME / tap_notok NAME / tap_skip NAME REASON
tap_ok() { __tap_n=$((__tap_n + 1)); echo "ok $__tap_n - $*"; }
tap_notok() { __tap_n=$((__tap_n + 1)); __tap_fail=$((__tap_fail + 1)); echo "not ok $__tap_n - $*"; }
tap_skip() { __tap_n=$((__tap_n + 1)); echo "ok $__tap_n - $1 # SKIP ${2:-}"; }

# tap_check NAME CMD...: one TAP line from a command's status; the
# command's own output becomes TAP comments. The command runs in a pipeline
# (a subshell): variables it sets do not reach the caller.
tap_check() {
	local name=$1 rc; shift
	"$@" 2>&1 | sed 's/^/# /'
	rc=${PIPESTATUS[0]}
	if [ "$rc" -eq 0 ]; then tap_ok "$name"; else tap_notok "$name"; fi
}

# tap_done: exit with the kselftest status that matches what was printed.
tap_done() {
	if [ "$__tap_n" -ne "$__tap_plan" ]; then
		echo "# planned $__tap_plan, ran $__tap_n"
		exit $KSFT_FAIL
	fi
	[ "$__tap_fail" -eq 0 ] && exit $KSFT_PASS
	exit $KSFT_FAIL
}

# diag MSG: a TAP comment.
diag() { echo "# $*"; }

# ksft_skip REASON: skip the whole test. make check fails on a skip that is
# not on the allow-list (tools/testing/selftests/SKIPS): use it only for what
# a target kernel cannot do, never for what the harness provides.
ksft_skip() { echo "TAP version 13"; echo "1..0 # SKIP $*"; exit $KSFT_SKIP; }

# tap_bail REASON: the test cannot run (a missing prerequisite the harness
# guarantees, such as /dev/kvm or a built binary): fail the whole test.
tap_bail() { echo "TAP version 13"; echo "Bail out! $*"; exit $KSFT_FAIL; }

# poll TIMEOUT_S CMD...: run CMD every 50 ms until it succeeds or time runs out.
poll() {
	local deadline=$(( ${EPOCHREALTIME/./} + $1 * 1000000 )); shift
	while ! "$@"; do
		[ "${EPOCHREALTIME/./}" -lt "$deadline" ] || return 1
		nap 0.05
	done
}

# nap SECONDS: sleep without a fork (read with a time-out on a FIFO that
# nobody writes). On a debug kernel under TCG a fork and exec costs about
# a tenth of a second of a vCPU: a wait loop that forks "sleep" ten times a
# second takes a CPU from the process it waits for (swtpm answering the
# kernel's TPM commands within their fixed time-outs, for one).
nap() {
	local f
	if [ -z "${__NAP_FD:-}" ]; then
		f=${TMPDIR:-/tmp}/vhv-nap.$$.$RANDOM
		mkfifo "$f" && exec {__NAP_FD}<>"$f"
		rm -f "$f"
	fi
	read -rt "$1" -u "$__NAP_FD" _ 2> /dev/null || true
}

# load_module KO: insmod KO after modprobe of the modules it links against
# (vswitch: nf_conntrack, nf_defrag_ipv6, nf_reject_ipv4/6), as the runner
# loads the harness's modules (run-guest.sh).
load_module() {
	local deps
	deps=$(modinfo -F depends "$1" | tr , ' ') || return
	[ -z "$deps" ] || modprobe -a $deps || return
	insmod "$1"
}

# within_pct A B PCT: |A-B| <= PCT% of max(A,B)   (integers)
within_pct() {
	awk -v a="$1" -v b="$2" -v p="$3" 'BEGIN {
		d = a - b; if (d < 0) d = -d; m = (a > b) ? a : b;
		exit !(d <= m * p / 100.0) }'
}

# schedstat_field TID N: field N (1=run 2=run_delay 3=pcount) of a thread's schedstat.
schedstat_field() {
	local pid
	pid=$(awk '/^Tgid:/ {print $2}' "/proc/$1/status")
	awk -v n="$2" '{print $n}' "/proc/$pid/task/$1/schedstat"
}

# ---- waits that scale, and reference daemons ------------------------------
#
# Tests run on loaded 2-CPU machines under TCG, where everything may be ten
# times slower than on a workstation. A wait polls for its condition with a
# generous deadline (never a fixed sleep), and a wait that fails says what it
# waited for, for how long, and what it saw.

# tap_bail REASON: fail the whole test (a prerequisite the harness provides
# is missing).  Defined here too in case lib.sh's own definition is absent.
declare -F tap_bail > /dev/null ||
	tap_bail() { echo "TAP version 13"; echo "Bail out! $*"; exit $KSFT_FAIL; }

# VHV_TIMEOUT_SCALE: multiplies every wait_for deadline (default 1), for
# machines slower still.
# wait_scaled SECONDS: SECONDS times VHV_TIMEOUT_SCALE, rounded up.
wait_scaled() {
	awk -v t="$1" -v s="${VHV_TIMEOUT_SCALE:-1}" \
		'BEGIN { x = t * s; printf "%d\n", (x == int(x)) ? x : int(x) + 1 }'
}

# dump_state [FILE...]: what a failed wait saw, as TAP comments: the tail of
# each FILE (a daemon's log, its output) and of the kernel log.
dump_state() {
	local f
	for f in "$@"; do
		if [ -s "$f" ]; then
			diag "--- $f (last 20 lines):"
			tail -n 20 "$f" | sed 's/^/#   /'
		elif [ -e "$f" ]; then
			diag "--- $f: empty"
		else
			diag "--- $f: missing"
		fi
	done
	diag "--- dmesg (last 15 lines):"
	dmesg 2>/dev/null | tail -n 15 | sed 's/^/#   /'
}

# wait_for DESC TIMEOUT_S CMD...: run CMD in this shell (what it sets stays
# set) every 0.1 s until it succeeds; fail after TIMEOUT_S (scaled by
# VHV_TIMEOUT_SCALE). CMD's output is kept, not shown, while it fails.
# CMD may set WAIT_SEEN to describe what it saw, and WAIT_ABORT to a reason
# to stop waiting at once (the daemon died, the kernel gave up).
# On failure wait_for prints DESC, the time waited, WAIT_SEEN, CMD's last
# output, then dump_state of the files in the array WAIT_FILES, and returns 1.
# WAIT_ELAPSED holds the seconds waited (success or not).
WAIT_FILES=()
wait_for() {
	local desc=$1 t out start end now rc=1
	t=$(wait_scaled "$2")
	shift 2
	out=$(mktemp)
	start=${EPOCHREALTIME/./}
	end=$((start + t * 1000000))
	WAIT_SEEN= WAIT_ABORT=
	while :; do
		if "$@" > "$out" 2>&1; then
			rc=0
			break
		fi
		now=${EPOCHREALTIME/./}
		[ -z "$WAIT_ABORT" ] && [ "$now" -lt "$end" ] || break
		nap "${WAIT_NAP:-0.1}"
	done
	now=${EPOCHREALTIME/./}
	WAIT_ELAPSED=$(awk -v us=$((now - start)) 'BEGIN { printf "%.1f", us / 1e6 }')
	if [ "$rc" != 0 ]; then
		if [ -n "$WAIT_ABORT" ]; then
			diag "gave up waiting for $desc after ${WAIT_ELAPSED}s (limit ${t}s): $WAIT_ABORT"
		else
			diag "timed out waiting for $desc: ${WAIT_ELAPSED}s (limit ${t}s)"
		fi
		[ -z "$WAIT_SEEN" ] || diag "last seen: $WAIT_SEEN"
		if [ -s "$out" ]; then
			diag "--- last output of '$*':"
			tail -n 10 "$out" | sed 's/^/#   /'
		fi
		dump_state "${WAIT_FILES[@]}"
	fi
	rm -f "$out"
	return $rc
}

# start_reference NAME TRIES TIMEOUT_S START READY STOP: start a reference
# daemon - one the tests rely on but do not test (swtpm, ovs-vswitchd) -
# and retry a failed start, up to TRIES times, saying so each time.  Code
# under test is never retried this way.
#   START  launches it (in this shell: it may set a pid variable), from a
#          fresh state;
#   READY  succeeds once it is usable (a wait_for CMD: may set WAIT_SEEN,
#          WAIT_ABORT, and WAIT_FILES for the logs to show);
#   STOP   kills it and waits until what it made is gone (e.g. its
#          device), so that the next try starts clean.
# Each failed try prints what was awaited, the time waited, the daemon's
# logs and the kernel log (wait_for), then STOP runs.  Returns 0 once READY
# succeeds; 1 after TRIES failed tries.  REF_PAUSE (seconds, default 0):
# the pause before the second try, doubled before each next one, for a
# daemon that fails fast when the machine is busy: a burst of load passes.
start_reference() {
	local name=$1 tries=$2 t=$3 start=$4 ready=$5 stop=$6 i
	local pause=${REF_PAUSE:-0}
	for ((i = 1; i <= tries; i++)); do
		if [ "$i" != 1 ]; then
			if [ "$pause" -gt 0 ]; then
				diag "$name: pausing ${pause}s before the next start"
				sleep "$pause"
				pause=$((pause * 2))
			fi
			diag "$name: start $i of $tries (restarting the reference daemon after a failed start)"
		fi
		if ! "$start"; then
			diag "$name: start $i of $tries: '$start' failed"
		elif wait_for "$name to be ready ($ready)" "$t" "$ready"; then
			[ "$i" = 1 ] || diag "$name: ready at try $i of $tries, after ${WAIT_ELAPSED}s"
			return 0
		fi
		"$stop" || diag "$name: '$stop' failed"
	done
	diag "$name: no good start in $tries tries"
	return 1
}
