#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host-side unit tests: every userspace folder's `make check` (TAP output).
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
rc=0
for mk in "$ROOT"/userspace/*/Makefile; do
	d=$(dirname "$mk")
	grep -q '^check:' "$mk" || continue
	make -s -C "$d" check || rc=1
done
exit $rc
