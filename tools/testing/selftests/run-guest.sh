#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# In-guest test runner: load the project's modules for this kernel, run every
# test of every suite (the folders named in SUITES, each test listed in the
# folder's TESTS file), check the kernel after each suite, unload the modules
# and check the kernel again.
#
#   run-guest.sh [SUITE...]
#
# TAP 13 on stdout, one result per test, per suite (kernel log and taint) and
# for the load and the unload; a test's own output is indented as "# ...",
# then its verdict by tap-verdict (plan, exit status, skips against SKIPS).
# Exit 0 when every result is ok.
#
# Sourcing this file (the harness self-tests do) defines the functions only.
set -u
SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VHV_ROOT=${VHV_ROOT:-$(cd "$SELF/../../.." && pwd)}
# The suites' folders (the harness self-tests point this at fixtures).
SUITES_DIR=${VHV_SUITES_DIR:-$SELF}
VERDICT=$SELF/tap-verdict
LOGCHECK=$VHV_ROOT/tools/testing/qemu/kernel-log-check
TEST_TIMEOUT=${VHV_TEST_TIMEOUT:-600}
# Taint flags a run may show: O (out-of-tree module), E (unsigned module).
TAINT_OK=$(( (1 << 12) | (1 << 13) ))
TAINT_LETTERS=PFSRMBUDAWCIOELKXTN

# load_module
source "$SELF/lib.sh"

n=0 nfail=0 taint_seen=0
SUITES_RUN=()
declare -A SUITE_TESTS=()

# ---- TAP ----------------------------------------------------------------

# result NAME OK [DIRECTIVE]: one top-level result.
result() {
	n=$((n + 1))
	if [ "$2" = 0 ]; then
		echo "ok $n - $1${3:+ # $3}"
	else
		nfail=$((nfail + 1))
		echo "not ok $n - $1${3:+ # $3}"
	fi
}

elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

# ---- what to run --------------------------------------------------------

# read_suites SUITE...: the tests of each suite into SUITE_TESTS; a suite
# without a folder or TESTS file, or with no test, keeps an empty list and
# fails in run_suite.
read_suites() {
	local s t list
	for s in "$@"; do
		SUITES_RUN+=("$s")
		list=""
		if [ -r "$SUITES_DIR/$s/TESTS" ]; then
			# "TEST [SECONDS]": a test that needs a longer limit
			# than TEST_TIMEOUT says so (TEST@SECONDS in the list)
			while read -r t lim; do
				case $t in ''|\#*) continue ;; esac
				list+="$s/$t${lim:+@$lim} "
			done < "$SUITES_DIR/$s/TESTS"
		fi
		SUITE_TESTS[$s]=$list
	done
}

# plan: every test, one check per suite, the load and the unload.
plan() {
	local s t total=2
	for s in "${SUITES_RUN[@]}"; do
		for t in ${SUITE_TESTS[$s]}; do total=$((total + 1)); done
		total=$((total + 1))
	done
	echo "$total"
}

# ---- one test ------------------------------------------------------------

# run_test SUITE/TEST: run it under a timeout, its output as comments, and
# judge its TAP with tap-verdict.
run_test() {
	local t=${1%@*} lim=$TEST_TIMEOUT out start rc verdict why
	# its own limit (TESTS), when longer than the run's
	[ "$t" = "$1" ] || [ "${1##*@}" -le "$lim" ] || lim=${1##*@}
	out=$OUT/${t//\//_}.tap
	start=$EPOCHREALTIME
	timeout -k 10 "$lim" "$SUITES_DIR/$t" < /dev/null 2>&1 | tee "$out" | sed -u 's/^/# /'
	rc=${PIPESTATUS[0]}
	echo "# $t: $(elapsed "$start")s"
	verdict=$("$VERDICT" -t "$t" -e "$rc" "$out")
	local vrc=$?
	echo "$verdict"
	if [ "$vrc" -eq 0 ] && [ "$rc" -eq 4 ]; then
		result "$t" 0 "SKIP $(sed -n 's/^1\.\.0[[:space:]]*#[[:space:]]*[Ss][Kk][Ii][Pp][^[:space:]]*[[:space:]]*//p' "$out")"
	elif [ "$vrc" -eq 0 ]; then
		result "$t" 0
	else
		why=$(sed -n 's/^# failed: [^:]*: //p' <<< "$verdict")
		result "$t" 1 "${why:-exit=$rc}"
	fi
}

# ---- the kernel ----------------------------------------------------------

# taint_flags VALUE: the letters of a taint value, as in "Tainted: G W O".
taint_flags() {
	local i f=""
	for ((i = 0; i < ${#TAINT_LETTERS}; i++)); do
		(( $1 & (1 << i) )) && f+=${TAINT_LETTERS:i:1}
	done
	echo "${f:-none}"
}

# kernel_check NAME: the kernel log since the last check (read and cleared,
# so each suite answers for its own lines) is clean, and no taint flag but
# O and E appeared since. Diagnostics as comments; false when bad.
kernel_check() {
	local name=$1 log=$OUT/dmesg.${1//[^A-Za-z0-9_.-]/_} t new rc=0
	dmesg -c > "$log" 2>&1 || { echo "# dmesg failed: $(cat "$log")"; rc=1; }
	"$LOGCHECK" -n "kernel log ($name)" "$log" || rc=1
	read -r t < /proc/sys/kernel/tainted
	new=$(( t & ~TAINT_OK & ~taint_seen ))
	if [ "$new" -ne 0 ]; then
		echo "# tainted $t ($(taint_flags "$t")): new flags $(taint_flags "$new") during $name"
		rc=1
	fi
	taint_seen=$(( taint_seen | (t & ~TAINT_OK) ))
	return $rc
}

# ---- modules -------------------------------------------------------------

# Project modules, in load order; unloaded in reverse.
read_modules() {
	local m
	MODULES=()
	while read -r m; do
		case $m in ''|\#*) continue ;; esac
		MODULES+=("$m")
	done < "$SELF/MODULES"
}

# load_modules: the boot's kernel log must be clean too.
load_modules() {
	local m ko rc=0
	kernel_check boot || rc=1
	for m in "${MODULES[@]}"; do
		ko=$VHV_BUILD/kmod/$m/$m.ko
		if [ ! -f "$ko" ]; then
			echo "# $ko not built"; rc=1; continue
		fi
		load_module "$ko" 2>&1 | sed 's/^/# /'
		lsmod | grep -qw "^$m" || rc=1
	done
	result "modules: load (${MODULES[*]}); boot log clean" $rc
}

unload_modules() {
	local i m rc=0
	for (( i=${#MODULES[@]} - 1; i >= 0; i-- )); do
		m=${MODULES[$i]}
		lsmod | grep -qw "^$m" || continue
		rmmod "$m" 2>&1 | sed 's/^/# /'
		lsmod | grep -qw "^$m" && { echo "# $m still loaded"; rc=1; }
	done
	return $rc
}

# ---- suites --------------------------------------------------------------

# run_suite SUITE: its tests, then one result for the kernel's state after
# them; a missing folder or TESTS file, or an empty one, fails that result.
run_suite() {
	local s=$1 t start rc=0 why=""
	start=$EPOCHREALTIME
	if [ ! -d "$SUITES_DIR/$s" ]; then
		why="no folder $s"
	elif [ ! -r "$SUITES_DIR/$s/TESTS" ]; then
		why="no $s/TESTS file"
	elif [ -z "${SUITE_TESTS[$s]}" ]; then
		why="$s/TESTS lists no test"
	fi
	for t in ${SUITE_TESTS[$s]}; do run_test "$t"; done
	kernel_check "suite $s" || rc=1
	echo "# time: suite $s $(elapsed "$start")s"
	[ -n "$why" ] && { echo "# $why"; rc=1; }
	result "$s: ${why:-kernel log clean, taint O/E only}" $rc
}

# after_suites: unload, then the kernel's final state. Checks that need the
# modules gone (a kmemleak scan on debug kernels) belong here, before the
# final kernel_check.
after_suites() {
	local rc=0
	unload_modules || rc=1
	if [ -n "${KMEMLEAK:-}" ]; then
		"$KMEMLEAK" check 2>&1 | sed 's/^/# /'
		[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
	fi
	kernel_check unload || rc=1
	result "modules: unload (${MODULES[*]}); kernel log clean, taint O/E only" $rc
}

main() {
	export VHV_ROOT
	VHV_KVER=$(uname -r)
	export VHV_KVER
	export VHV_BUILD=$VHV_ROOT/build/$VHV_KVER
	export VHV_BIN=$VHV_ROOT/userspace
	cd "$VHV_ROOT" || exit 1
	OUT=$(mktemp -d /tmp/run-guest.XXXXXX) || exit 1
	local s
	# shellcheck disable=SC2046 # one suite per word
	if [ $# -gt 0 ]; then read_suites "$@"; else read_suites $(grep -v '^#' "$SUITES_DIR/SUITES"); fi
	read_modules

	echo "TAP version 13"
	echo "# kernel $VHV_KVER"
	echo "1..$(plan)"
	# Debug kernels (make check-debug): forget what boot left to kmemleak,
	# and scan again once every module is gone (after_suites).
	KMEMLEAK=""
	if [ -e /sys/kernel/debug/kmemleak ]; then
		KMEMLEAK=$VHV_ROOT/tools/testing/debug-kernel/kmemleak.sh
		"$KMEMLEAK" start 2>&1 | sed 's/^/# /'
	fi
	load_modules
	for s in "${SUITES_RUN[@]}"; do run_suite "$s"; done
	after_suites
	[ "$nfail" -eq 0 ]
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then main "$@"; fi
