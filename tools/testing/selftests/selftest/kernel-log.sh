#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel-log.sh - kernel-log-check, the one scanner of guest kernel logs
# (vm-run's console, run-guest.sh's dmesg after each suite), on canned logs:
#   - clean logs of both target kernels (console and dmesg of a real run,
#     fixtures/clean-*.log) pass: no false positive on a normal boot;
#   - each line of fixtures/bad-lines.log (one per kind of report: WARN,
#     BUG, KASAN, lockdep, RCU stall, hung task, OOM kill, vhv's leak line...)
#     matches the list, and added to a clean log makes it fail;
#   - vhv's leak line at unload fails a console log.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/../lib.sh"
CHECK=$(cd "$HERE/../../qemu" && pwd)/kernel-log-check
FIX=$HERE/fixtures
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

clean=("$FIX"/clean-*.log)
nbad=$(grep -c . "$FIX/bad-lines.log")

tap_plan $(( ${#clean[@]} + 3 ))

for f in "${clean[@]}"; do
	tap_check "clean log passes: ${f##*/}" "$CHECK" "$f"
done

# Each bad line matches a pattern of the list, and the scanner finds all of
# them in a clean log and shows the first.
pats=$(grep -v -e '^#' -e '^$' "$HERE/../../qemu/kernel-log-bad.ere")
each_line_matches() {
	grep -v -E -e "$pats" "$FIX/bad-lines.log" | sed 's/^/missed: /'
	[ "$(grep -c -E -e "$pats" "$FIX/bad-lines.log")" -eq "$nbad" ]
}
tap_check "each of $nbad kinds of report matches the list" each_line_matches
all_found() {
	cat "${clean[0]}" "$FIX/bad-lines.log" > "$TMP/log"
	! "$CHECK" "$TMP/log" > "$TMP/out"
	local rc=$?
	head -n 12 "$TMP/out"
	[ "$rc" -eq 0 ] && grep -q "^# kernel log: $nbad bad lines" "$TMP/out" &&
		grep -qF "$(head -n1 "$FIX/bad-lines.log")" "$TMP/out"
}
tap_check "the scanner finds all $nbad in a clean log, and shows them" all_found

# the leak line of a module unload, in a console log with \r\n endings
leak_in_console() {
	{ sed 's/$/\r/' "${clean[0]}"; printf '[  99.1] vhv: leaked 1 VMs and 2 vCPUs\r\n'; } > "$TMP/console"
	! "$CHECK" -n console "$TMP/console" && "$CHECK" -n console "$TMP/console" | grep -q 'vhv: leaked 1 VMs'
}
tap_check "vhv's leak line at unload fails a console log (CRLF)" leak_in_console

tap_done
