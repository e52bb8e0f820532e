#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: boot Debian's 6.1 kernel in QEMU and show what vhv does.
set -u
SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SELF/../../.." && pwd)
k=${DEMO_KVER:-$(ls /lib/modules | grep '^6\.1\.' | sort -V | tail -n1)}
[ -n "$k" ] || { echo "demo: no 6.1 kernel installed (make setup)" >&2; exit 1; }
exec "$ROOT/tools/testing/qemu/vm-run" -q -k "$k" -t 600 -C "$ROOT" -- "$SELF/demo-guest.sh"
