#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Load and unload vhv_planted.ko with the bug named by VHV_PLANT. This test
# passes by itself: only the debug kernel's checkers, read by the harness
# (kernel-log scan, kmemleak scan), may turn the run red.
source "$(dirname "$0")/../lib.sh"
set -e
tap_plan 1
ko=$VHV_BUILD/planted/vhv_planted.ko
tap_check "load and unload vhv_planted bug=${VHV_PLANT:-}" \
	sh -c "insmod '$ko' bug='${VHV_PLANT:-}' && rmmod vhv_planted"
tap_done
