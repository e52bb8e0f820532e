#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run.sh - run the unit tests (test_vhvstat) and the CLI tests (cli.sh) as
# one TAP 13 stream, renumbered, ending with "N passed, N failed".
#
#   run.sh [DIR]    DIR: userspace/vhvstat (default: this script's parent)
set -o pipefail
DIR=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$DIR" || exit 1

echo "TAP version 13"
{
	./tests/test_vhvstat tests/fixtures
	./tests/cli.sh ./vhvstat tests/fixtures
} 2>&1 | awk '
	/^TAP version/ || /^1\.\./ || /^# [0-9]+ passed/ { next }
	/^ok [0-9]+/ { n++; pass++; sub(/^ok [0-9]+/, "ok " n); print; next }
	/^not ok [0-9]+/ { n++; fail++; sub(/^not ok [0-9]+/, "not ok " n); print; next }
	{ print }
	END {
		printf "1..%d\n%d passed, %d failed\n", n, pass, fail
		exit (fail > 0 || n == 0)
	}'
