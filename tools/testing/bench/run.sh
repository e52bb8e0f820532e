#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: benchmarks that compare against a peer in the same VM boot
# and print ratios (absolute rates mean nothing under TCG emulation).
set -u
SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SELF/../../.." && pwd)
KVERS=${KVERS:-$(ls /lib/modules)}
k=${BENCH_KVER:-$(echo $KVERS | tr ' ' '\n' | grep '^6\.1\.' | head -n1)}
[ -n "$k" ] || k=$(echo $KVERS | awk '{print $1}')
exec "$ROOT/tools/testing/qemu/vm-run" -k "$k" -t 1800 -C "$ROOT" \
	-e "ROUNDS=${ROUNDS:-5}" -e "SECS=${SECS:-4}" -- "$SELF/vhv-bench.sh"
