#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make check`: host unit tests, then one VM boot per target kernel that runs
# every selftest (run-guest.sh). Ends with "N passed, N failed".
set -u
SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SELF/../../.." && pwd)
KVERS=${KVERS:-$(ls /lib/modules)}
LOG=$ROOT/build/check
mkdir -p "$LOG"
pass=0 fail=0 skip=0

count() { # FILE: add its top-level TAP results
	local p f s
	p=$(grep -cE '^ok [0-9]+' "$1")
	s=$(grep -cE '^ok [0-9]+ .*# SKIP' "$1")
	f=$(grep -cE '^not ok [0-9]+' "$1")
	pass=$((pass + p - s)); skip=$((skip + s)); fail=$((fail + f))
}

t0=$(date +%s)
echo "== host unit tests"
"$SELF/run-unit.sh" 2>&1 | tee "$LOG/unit.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || grep -qE '^not ok' "$LOG/unit.log" || fail=$((fail + 1))
count "$LOG/unit.log"

# One boot per kernel, in parallel: each guest runs on one host thread
# (see vm-run), and the logs are printed one after the other.
declare -A vmpid
for k in $KVERS; do
	"$ROOT/tools/testing/qemu/vm-run" -k "$k" -t "${VHV_VM_TIMEOUT:-1500}" -C "$ROOT" \
		-- "$SELF/run-guest.sh" > "$LOG/$k.log" 2>&1 &
	vmpid[$k]=$!
done
for k in $KVERS; do
	wait "${vmpid[$k]}"
	rc=$?
	echo "== $k"
	cat "$LOG/$k.log"
	count "$LOG/$k.log"
	# The guest's verdict counts only if the VM itself ended cleanly.
	if [ "$rc" -ge 124 ]; then
		echo "not ok - $k: VM run (vm-run exit $rc)"
		fail=$((fail + 1))
	fi
done
echo "# total time $(( $(date +%s) - t0 ))s"
if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
