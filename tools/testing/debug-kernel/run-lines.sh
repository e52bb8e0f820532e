#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-lines.sh: check-debug.sh's runner. Each kernel line runs its suites
# one boot each (run.sh with one kernel and one suite), the lines in
# parallel. A suite that passes is recorded under
# VHV_RESULTS/KEY/KERNEL-FOLDER/SUITE.{result,log}, KEY being the suite's
# key; one that has a record is not run again, and is counted from its
# record. Ends with a line per suite and line, then "N passed, N failed".
#
# Environment:
#   VHV_LINES    one line each "RELEASE:KERNEL-FOLDER:SUITE,SUITE..."
#   VHV_KEY_TREE the checkout whose suites run (check-debug.sh): each
#                suite's key is tree-key.sh VHV_KEY_TREE SUITE
#   VHV_KEY      without VHV_KEY_TREE, one key for every suite; empty:
#                nothing is recorded or reused
#   VHV_RESULTS  the results cache
#   VHV_DEBUG_FRESH=1  run every suite, whatever is recorded
#   VHV_CHECK_LOG  where the logs go: SUITE/RELEASE.{log,summary} and
#                RELEASE.results
#   VHV_KROOT, VHV_VM_TIMEOUT, VHV_TEST_TIMEOUT, VHV_GUEST_ENV: run.sh's;
#   VHV_VM_RUN (harness self-tests): the vm-run that run.sh calls
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SELF=$(cd "$HERE/../selftests" && pwd)
KEY=${VHV_KEY:-}
KEY_TREE=${VHV_KEY_TREE:-}
RESULTS=${VHV_RESULTS:-/var/cache/vhv/check-debug}
LOGS=${VHV_CHECK_LOG:?}
mkdir -p "$LOGS"

# suite_key SUITE: the key of SUITE's records (empty: none)
suite_key() {
	if [ -n "$KEY_TREE" ]; then
		"$HERE/tree-key.sh" "$KEY_TREE" "$1" || true
	else
		echo "$KEY"
	fi
}

# line RELEASE KDIR SUITES: run or recall each suite; one line a suite,
# "HOW SUITE PASSED FAILED SECONDS WHEN KEY", to $LOGS/RELEASE.results.
line() {
	local rel=$1 kdir=$2 s key rec out p f secs when
	local -a list
	IFS=, read -r -a list <<< "$3"
	for s in "${list[@]}"; do
		key=$(suite_key "$s")
		rec=${key:+$RESULTS/$key/$kdir/$s}
		if [ -n "$rec" ] && [ -z "${VHV_DEBUG_FRESH:-}" ] && [ -r "$rec.result" ]; then
			echo "recorded $s $(cat "$rec.result") $key"
			continue
		fi
		out=$LOGS/$s
		mkdir -p "$out"
		VHV_CHECK_LOG=$out VHV_RUN_UNIT='' KVERS="$rel" VHV_SUITES="$s" \
		VHV_KSUITES='' VHV_VM_ARGS="-m 3G" VHV_VM_TIMEOUT=${VHV_VM_TIMEOUT:-14400} \
		VHV_GUEST_ENV="VHV_TEST_TIMEOUT=${VHV_TEST_TIMEOUT:-2400} ${VHV_GUEST_ENV:-}" \
			"$SELF/run.sh" > "$out/$rel.summary" 2>&1
		p='' f='' secs=''
		read -r p f secs <<< "$(sed -n "s/^# $rel: \([0-9]*\) passed, \([0-9]*\) failed, .*; \([0-9]*\)s.*/\1 \2 \3/p" "$out/$rel.summary")"
		when=$(date -u +%Y-%m-%dT%H:%MZ)
		if [ "${p:-0}" -gt 0 ] && [ "${f:-1}" = 0 ] &&
		   tail -n1 "$out/$rel.summary" | grep -qx "$p passed, 0 failed"; then
			if [ -n "$rec" ]; then
				mkdir -p "${rec%/*}"
				cp "$out/$rel.log" "$rec.log"
				echo "$p 0 $secs $when" > "$rec.result.tmp"
				mv "$rec.result.tmp" "$rec.result"
			fi
			echo "ran $s $p 0 $secs $when $key"
		else
			# a run with no count at all (no boot) is one failure
			[ "${f:-0}" -gt 0 ] || f=1
			echo "ran $s ${p:-0} $f ${secs:-0} $when $key"
		fi
	done > "$LOGS/$rel.results"
}

t0=$(date +%s)
declare -a rels=() kdirs=() pids=()
while IFS=: read -r rel kdir suites; do
	[ -n "$rel" ] || continue
	rels+=("$rel") kdirs+=("$kdir")
	line "$rel" "$kdir" "$suites" &
	pids+=($!)
done <<< "${VHV_LINES:?}"
[ -z "$KEY$KEY_TREE" ] || echo "# results cache: $RESULTS, a key per suite${VHV_DEBUG_FRESH:+ (VHV_DEBUG_FRESH: every suite runs)}"

pass=0 fail=0
SUMMARY=()
for i in "${!rels[@]}"; do
	rel=${rels[$i]}
	wait "${pids[$i]}"
	n=0
	while read -r how s p f secs when key; do
		n=$((n + 1))
		echo "== $rel: $s${key:+ (key $key)}"
		if [ "$how" = recorded ]; then
			echo "# recorded $when with this key: $p passed; its log: $RESULTS/$key/${kdirs[$i]}/$s.log"
		else
			cat "$LOGS/$s/$rel.log" 2> /dev/null
			sed -n '/^== summary/,$p' "$LOGS/$s/$rel.summary"
		fi
		SUMMARY+=("$rel: $s: $p passed, $f failed; ${secs}s ($how $when)")
		pass=$((pass + p)) fail=$((fail + f))
	done < "$LOGS/$rel.results"
	if [ "$n" = 0 ]; then
		SUMMARY+=("$rel: no suite ran")
		fail=$((fail + 1))
	fi
done
echo "== check-debug summary"
for l in "${SUMMARY[@]}"; do echo "# $l"; done
echo "# total time $(( $(date +%s) - t0 ))s"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
