#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run.sh - run the unit tests (test_vswctl) and the CLI tests (cli.sh) as
# one TAP 13 stream, renumbered, ending with "N passed, N failed".
#
#   run.sh [DIR]    DIR: userspace/vswctl (default: this script's parent)
set -u
DIR=${1:-$(cd "$(dirname "$0")/.." && pwd)}
. "$(cd "$(dirname "$0")/../../.." && pwd)/tools/testing/selftests/tap-merge.sh"
cd "$DIR" || exit 1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

MERGE_ALL=$TMP/all
: > "$MERGE_ALL"
merge_unit test_vswctl "test_vswctl: " ./tests/test_vswctl "$TMP/printers.json"
merge_unit test_extack "test_extack: " ./tests/test_extack
merge_unit test_policy "test_policy: " ./tests/test_policy
merge_unit test_json "test_json: " ./tests/test_json
merge_unit cli.sh "cli.sh: " ./tests/cli.sh ./vswctl ./vswitch-ifup "$TMP/printers.json"

merge_print
