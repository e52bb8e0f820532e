#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host-side unit tests: every userspace folder's `make check`, every
# tools/testing/unit/ folder's (kernel code built for the host), a short run
# of every tools/testing/fuzz/ target, then the
# harness self-tests (selftest/TESTS), as one TAP 13 stream, renumbered,
# each description prefixed by its source ("vhvstat/", "selftest/x.sh: ").
# Each source's stream is checked by tap-verdict: a crash, a non-zero exit
# or a plan not met is a "not ok". Ends with "N passed, N failed".
set -u
SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SELF/../../.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$SELF/tap-merge.sh"
MERGE_ALL=$TMP/all
: > "$MERGE_ALL"

for mk in "$ROOT"/userspace/*/Makefile; do
	d=$(dirname "$mk")
	grep -q '^check:' "$mk" || continue
	merge_unit "${d##*/}" "${d##*/}/" make -s -C "$d" check
done

for mk in "$ROOT"/tools/testing/unit/*/Makefile; do
	[ -f "$mk" ] || continue
	d=$(dirname "$mk")
	merge_unit "unit/${d##*/}" "unit/${d##*/}/" make -s -C "$d" check
done

for mk in "$ROOT"/tools/testing/fuzz/*/Makefile; do
	[ -f "$mk" ] || continue
	d=$(dirname "$mk")
	merge_unit "fuzz/${d##*/}" "fuzz/${d##*/}/" make -s -C "$d" check
done

if [ -r "$SELF/selftest/TESTS" ]; then
	while read -r t; do
		case $t in ''|\#*) continue ;; esac
		merge_unit "selftest/$t" "selftest/$t: " "$SELF/selftest/$t"
	done < "$SELF/selftest/TESTS"
else
	echo "not ok - selftest: no $SELF/selftest/TESTS" >> "$TMP/all"
fi

merge_print
