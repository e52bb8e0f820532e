#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs each test program given and prints their results as one TAP 13
# stream, renumbered; a program that crashes, exits non-zero or misses
# its plan adds a "not ok". Exits 1 on any failure.
set -u
n=0
fail=0
echo "TAP version 13"
for t in "$@"; do
	name=${t##*/}
	out=$("$t" 2>&1)
	rc=$?
	plan=$(printf '%s\n' "$out" | sed -n 's/^1\.\.\([0-9]*\)$/\1/p' | tail -1)
	seen=0
	pfail=0
	while IFS= read -r line; do
		case $line in
		"ok "*|"not ok "*)
			n=$((n + 1)); seen=$((seen + 1))
			case $line in
			"not ok "*) fail=$((fail + 1)); pfail=$((pfail + 1)) ;;
			esac
			printf '%s\n' "$line" |
				sed -E "s/^(not )?ok [0-9]+ - /\1ok $n - $name: /" ;;
		"TAP version"*|1..*) ;;
		*) printf '%s\n' "$line" ;;
		esac
	done <<< "$out"
	# a crash, or an exit status its results do not explain
	if { [ "$rc" -ne 0 ] && [ "$pfail" -eq 0 ]; } || [ -z "$plan" ] ||
	   [ "$plan" -ne "$seen" ]; then
		n=$((n + 1)); fail=$((fail + 1))
		echo "not ok $n - $name: exit $rc, plan ${plan:-none}, $seen results"
	fi
done
echo "1..$n"
[ "$fail" -eq 0 ]
