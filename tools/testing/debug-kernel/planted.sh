#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check-debug-planted`: a test of the debug harness itself. For each
# deliberate bug of planted/vhv_planted.c, run `make check-debug`'s guest
# run (check-debug.sh with VHV_PLANT) on every debug kernel and require that
# the run is red AND that each kernel's log names the right report. A green
# run, or a red one for another reason, fails this test. VHV_PLANTS picks
# bugs, VHV_DEBUG_LINES kernel lines (default both).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
LOG=$ROOT/build/check-debug-planted
mkdir -p "$LOG"

declare -A want=(
	[lockorder]='possible circular locking dependency'
	[sleep]='sleeping function called from invalid context'
	[uaf]='KASAN: [a-z-]*use-after-free'
	[leak]='unreferenced object'
)
bugs=${VHV_PLANTS:-lockorder sleep uaf leak}
n=0 pass=0 fail=0
echo "TAP version 13"
echo "1..$(echo $bugs | wc -w)"
for b in $bugs; do
	n=$((n + 1))
	VHV_PLANT=$b VHV_CHECK_LOG=$LOG/$b "$HERE/check-debug.sh" > "$LOG/$b.log" 2>&1
	rc=$?
	# every kernel's own log must name the report
	rels=$(sed -n 's/^# debug kernels ready in [0-9]*s: //p' "$LOG/$b.log")
	named=0 unnamed=
	for r in $rels; do
		if grep -qE "${want[$b]}" "$LOG/$b/$r.log" 2>/dev/null; then
			named=$((named + 1))
		else
			unnamed+=" $r"
		fi
	done
	echo "# $b: check-debug exit $rc; '${want[$b]}' named by $named of the kernels: $rels${unnamed:+ (not by$unnamed)} (log: $LOG/$b.log)"
	if [ "$rc" -ne 0 ] && [ -n "$rels" ] && [ -z "$unnamed" ] &&
	   ! tail -n1 "$LOG/$b.log" | grep -qE '^[0-9]+ passed, 0 failed'; then
		echo "ok $n - planted $b turns make check-debug red, naming '${want[$b]}'"
		pass=$((pass + 1))
	else
		echo "not ok $n - planted $b turns make check-debug red, naming '${want[$b]}'"
		tail -n 30 "$LOG/$b.log" | sed 's/^/# /'
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
