#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# In-guest kmemleak steps of a debug run (run-guest.sh calls them when the
# kernel has kmemleak):
#   kmemleak.sh start   scan once and forget what boot left (before the suites)
#   kmemleak.sh check   after every module is unloaded: scan twice and fail
#                       on any unreferenced object, printing the reports
# kmemleak reports an object only once it is older than 5 s
# (Documentation/dev-tools/kmemleak.rst, MSECS_MIN_AGE) and not referenced
# in a scan; the second scan, after another wait, catches objects that the
# first saw as too young.
set -u
K=/sys/kernel/debug/kmemleak
[ -w "$K" ] || { echo "kmemleak: $K is missing: not a debug kernel?"; exit 1; }

scan() { echo scan > "$K" || { echo "kmemleak: scan failed"; exit 1; }; }

case ${1:-} in
start)
	scan
	echo clear > "$K"
	;;
check)
	sleep 6
	scan
	sleep 6
	scan
	if grep -q 'unreferenced object' "$K"; then
		echo "kmemleak: $(grep -c 'unreferenced object' "$K") unreferenced object(s):"
		head -n 80 "$K"
		exit 1
	fi
	echo "kmemleak: no unreferenced object after two scans"
	;;
*)
	echo "usage: kmemleak.sh start|check" >&2
	exit 2
	;;
esac
