#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run.sh - run the unit tests (test_vtpmctl) and the CLI tests (cli.sh) as
# one TAP 13 stream, renumbered, ending with "N passed, N failed".
#
#   run.sh [DIR]    DIR: userspace/vtpmctl (default: this script's parent)
set -u
DIR=${1:-$(cd "$(dirname "$0")/.." && pwd)}
. "$(cd "$(dirname "$0")/../../.." && pwd)/tools/testing/selftests/tap-merge.sh"
cd "$DIR" || exit 1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

MERGE_ALL=$TMP/all
: > "$MERGE_ALL"
merge_unit test_vtpmctl "test_vtpmctl: " ./tests/test_vtpmctl "$TMP/printers.json"
merge_unit cli.sh "cli.sh: " ./tests/cli.sh ./vtpmctl "$TMP/printers.json"

merge_print
