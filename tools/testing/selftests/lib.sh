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

# ksft_skip REASON: skip the whole test.
ksft_skip() { echo "TAP version 13"; echo "1..0 # SKIP $*"; exit $KSFT_SKIP; }

# poll TIMEOUT_S CMD...: run CMD every 50 ms until it succeeds or time runs out.
poll() {
	local deadline=$(( $(date +%s%N) + $1 * 1000000000 )); shift
	while ! "$@"; do
		[ "$(date +%s%N)" -lt "$deadline" ] || return 1
		sleep 0.05
	done
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
