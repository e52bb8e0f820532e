#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run.sh - run the unit tests (test_vhvstat) and the CLI tests (cli.sh) as
# one TAP 13 stream, renumbered, ending with "N passed, N failed".
#
#   run.sh [DIR]    DIR: userspace/vhvstat (default: this script's parent)
#
# Each program's stream is checked by tap-verdict (its plan, its exit
# status: a crash or a non-zero exit fails the run) and re-emitted with the
# program's name before each description. Skips pass through, to be judged
# against the allow-list by make check.
set -u
DIR=${1:-$(cd "$(dirname "$0")/.." && pwd)}
VERDICT=$(cd "$(dirname "$0")/../../.." && pwd)/tools/testing/selftests/tap-verdict
cd "$DIR" || exit 1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# unit NAME CMD...: run CMD, flatten its checked TAP into $TMP/all.
unit() {
	local name=$1 rc
	shift
	"$@" > "$TMP/$name.tap" 2>&1
	rc=$?
	"$VERDICT" -n "$name" -e "$rc" -F "$name: " "$TMP/$name.tap" |
		grep -v '^# verdict' >> "$TMP/all"
}

: > "$TMP/all"
unit test_vhvstat ./tests/test_vhvstat tests/fixtures
unit cli.sh ./tests/cli.sh ./vhvstat tests/fixtures

echo "TAP version 13"
awk '
	/^ok / { n++; pass++; sub(/^ok/, "ok " n); print; next }
	/^not ok / { n++; fail++; sub(/^not ok/, "not ok " n); print; next }
	{ print }
	END {
		printf "1..%d\n%d passed, %d failed\n", n, pass, fail
		exit (fail > 0 || n == 0)
	}' "$TMP/all"
