#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make check`: one VM boot per target kernel that runs every selftest
# (run-guest.sh), and meanwhile the host unit tests (with the harness
# self-tests).
#
# Every level's TAP stream is judged by tap-verdict: its plan, the exit
# status of its runner (any status but success fails, and is printed), and
# its skips against the allow-list SKIPS. Then a breakdown per level (host
# unit tests, each kernel), the skips with their reasons, the failures and
# the time of each suite, and last the line "N passed, N failed".
#
# Environment: KVERS (kernels to boot), VHV_VM_TIMEOUT; for make
# check-debug: VHV_KROOT (vm-run -r: kernels from a cache), VHV_SUITES (the
# suites, default SUITES), VHV_KSUITES ("KVER=SUITE,SUITE ..." words: a
# kernel that runs its own suites instead), VHV_VM_ARGS (more vm-run
# options), VHV_GUEST_ENV
# (VAR=VAL words for the guest); for the harness self-tests: VHV_VM_RUN (the
# vm-run to call), VHV_RUN_UNIT (the unit runner), VHV_CHECK_LOG (where the
# logs go, default build/check).
set -u
SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SELF/../../.." && pwd)
KVERS=${KVERS:-$(ls /lib/modules)}
VM_RUN=${VHV_VM_RUN:-$ROOT/tools/testing/qemu/vm-run}
# VHV_RUN_UNIT set and empty: no host level (make check-debug: the host
# unit tests do not depend on the kernel, make check runs them).
RUN_UNIT=${VHV_RUN_UNIT-$SELF/run-unit.sh}
LOG=${VHV_CHECK_LOG:-$ROOT/build/check}
mkdir -p "$LOG"
pass=0 fail=0 skip=0
BREAKDOWN=() FAILURES=() SKIPLIST=()

# judge LEVEL LOGFILE STATUS SECONDS: tap-verdict on one level's stream;
# add up its counts, note its skips, failures and times for the summary.
judge() {
	local level=$1 log=$2 rc=$3 secs=$4 v p f s line times
	v=$("$SELF/tap-verdict" -n "$level" -e "$rc" "$log")
	grep -v '^# verdict' <<< "$v"
	read -r p f <<< "$(sed -n 's/^# verdict: .*: \([0-9]*\) passed, \([0-9]*\) failed, [0-9]* skipped$/\1 \2/p' <<< "$v")"
	# Skips judged inside the guest (run-guest.sh) and here, once each.
	while IFS= read -r line; do
		case $line in
		'') ;;
		*"[allowed: "*) SKIPLIST+=("$level: ${line#\# skip: }") ;;
		*) FAILURES+=("$level: ${line#\# }") ;;
		esac
	done <<< "$(cat "$log" - <<< "$v" | grep '^# skip: ' | awk '!seen[$0]++')"
	s=$(cat "$log" - <<< "$v" | grep '^# skip: .*\[allowed: ' | sort -u | wc -l)
	while IFS= read -r line; do
		[ -n "$line" ] && FAILURES+=("$level: $line")
	done <<< "$(grep '^not ok' "$log"; sed -n 's/^# \(problem: \)/\1/p' <<< "$v")"
	times=$(sed -n 's/^# time: suite \(.*\)$/\1/p' "$log" | paste -sd, - | sed 's/,/, /g')
	BREAKDOWN+=("$level: $p passed, $f failed, $s skipped (allowed); ${secs}s${times:+ (suites: $times)}")
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
}

# One boot per kernel, in parallel: each guest runs on one host thread
# (see vm-run). The host unit tests run meanwhile (they take a fraction of
# a boot); the logs are printed one after the other.
declare -A vmpid
t0=$(date +%s)
vmargs=()
[ -n "${VHV_KROOT:-}" ] && vmargs+=(-r "$VHV_KROOT")
# shellcheck disable=SC2206 # VHV_VM_ARGS: options, one per word
vmargs+=(${VHV_VM_ARGS:-})
for e in ${VHV_GUEST_ENV:-}; do vmargs+=(-e "$e"); done
declare -A ksuites=()
for w in ${VHV_KSUITES:-}; do ksuites[${w%%=*}]=${w#*=}; done
# The whole boot's limit (each test has its own in run-guest.sh): about 3
# times an idle machine's run, which a 2-core machine loaded twice over
# (a kernel build and a fuzzer beside make check) took 1500 s and more of
# before the vhv-stress suite (about 15 minutes more under load).
for k in $KVERS; do
	suites=${ksuites[$k]-${VHV_SUITES:-}}
	# shellcheck disable=SC2086 # one suite per word
	"$VM_RUN" -k "$k" -t "${VHV_VM_TIMEOUT:-5400}" -C "$ROOT" "${vmargs[@]}" \
		-- "$SELF/run-guest.sh" ${suites//,/ } > "$LOG/$k.log" 2>&1 &
	vmpid[$k]=$!
done

if [ -n "$RUN_UNIT" ]; then
	echo "== host unit tests"
	"$RUN_UNIT" > "$LOG/unit.log" 2>&1
	rc=$?
	cat "$LOG/unit.log"
	judge "host unit tests" "$LOG/unit.log" "$rc" $(( $(date +%s) - t0 ))
fi

for k in $KVERS; do
	wait "${vmpid[$k]}"
	rc=$?
	echo "== $k"
	cat "$LOG/$k.log"
	# vm-run's own time: the guests end at different times.
	secs=$(sed -n 's/^vm-run: .* boot+run \([0-9]*\)[0-9.]*s .*/\1/p' "$LOG/$k.log" | tail -n1)
	judge "$k" "$LOG/$k.log" "$rc" "${secs:-$(( $(date +%s) - t0 ))}"
done

echo "== summary"
for line in "${BREAKDOWN[@]}"; do echo "# $line"; done
if [ ${#SKIPLIST[@]} -gt 0 ]; then
	echo "# skips on the allow-list (tools/testing/selftests/SKIPS):"
	for line in "${SKIPLIST[@]}"; do echo "#   $line"; done
fi
if [ ${#FAILURES[@]} -gt 0 ]; then
	echo "# failures:"
	for line in "${FAILURES[@]}"; do echo "#   $line"; done
fi
echo "# total time $(( $(date +%s) - t0 ))s"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
