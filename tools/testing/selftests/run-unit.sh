#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host-side unit tests: every userspace folder's `make check`, then the
# harness self-tests (selftest/TESTS), as one TAP 13 stream, renumbered,
# each description prefixed by its source ("vhvstat/", "selftest/x.sh: ").
# Each source's stream is checked by tap-verdict: a crash, a non-zero exit
# or a plan not met is a "not ok". Ends with "N passed, N failed".
set -u
SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SELF/../../.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
: > "$TMP/all"

# unit NAME PREFIX CMD...: run CMD, append its checked, flattened TAP.
unit() {
	local name=$1 prefix=$2 rc
	shift 2
	"$@" > "$TMP/out" 2>&1
	rc=$?
	"$SELF/tap-verdict" -n "$name" -e "$rc" -F "$prefix" "$TMP/out" |
		grep -v '^# verdict' >> "$TMP/all"
}

for mk in "$ROOT"/userspace/*/Makefile; do
	d=$(dirname "$mk")
	grep -q '^check:' "$mk" || continue
	unit "${d##*/}" "${d##*/}/" make -s -C "$d" check
done

if [ -r "$SELF/selftest/TESTS" ]; then
	while read -r t; do
		case $t in ''|\#*) continue ;; esac
		unit "selftest/$t" "selftest/$t: " "$SELF/selftest/$t"
	done < "$SELF/selftest/TESTS"
else
	echo "not ok - selftest: no $SELF/selftest/TESTS" >> "$TMP/all"
fi

echo "TAP version 13"
awk '
	/^ok / { n++; pass++; sub(/^ok/, "ok " n); print; next }
	/^not ok / { n++; fail++; sub(/^not ok/, "not ok " n); print; next }
	{ print }
	END {
		printf "1..%d\n%d passed, %d failed\n", n, pass, fail
		exit (fail > 0 || n == 0)
	}' "$TMP/all"
