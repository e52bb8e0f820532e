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
. "$(cd "$(dirname "$0")/../../.." && pwd)/tools/testing/selftests/tap-merge.sh"
cd "$DIR" || exit 1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

MERGE_ALL=$TMP/all
: > "$MERGE_ALL"
merge_unit test_vhvstat "test_vhvstat: " ./tests/test_vhvstat tests/fixtures
merge_unit cli.sh "cli.sh: " ./tests/cli.sh ./vhvstat tests/fixtures

merge_print
