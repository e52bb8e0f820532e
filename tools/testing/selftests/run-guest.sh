#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# In-guest test runner: load the project's modules for this kernel, run every
# test of every suite (the folders named in SUITES, each test listed in the
# folder's TESTS file), unload the modules and check the kernel log.
# TAP 13 on stdout; a test's own output is indented as "# ...".
set -u
SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export VHV_ROOT=${VHV_ROOT:-$(cd "$SELF/../../.." && pwd)}
export VHV_KVER=$(uname -r)
export VHV_BUILD=$VHV_ROOT/build/$VHV_KVER
export VHV_BIN=$VHV_ROOT/userspace
TEST_TIMEOUT=${VHV_TEST_TIMEOUT:-600}
cd "$VHV_ROOT"

suites=${*:-$(grep -v '^#' "$SELF/SUITES")}
tests=()
for s in $suites; do
	[ -f "$SELF/$s/TESTS" ] || continue
	while read -r t; do
		case $t in ''|\#*) continue ;; esac
		tests+=("$s/$t")
	done < "$SELF/$s/TESTS"
done
# Modules in load order; unloaded in reverse.
modules=()
while read -r m; do
	case $m in ''|\#*) continue ;; esac
	modules+=("$m")
done < "$SELF/MODULES"

n=0
echo "TAP version 13"
echo "1..$(( ${#tests[@]} + 2 ))"

result() { # NAME STATUS [OUTPUTFILE]
	n=$((n + 1))
	case $2 in
	0) echo "ok $n - $1" ;;
	4) echo "ok $n - $1 # SKIP" ;;
	*) echo "not ok $n - $1 # exit=$2" ;;
	esac
}

dmesg -C
load_rc=0
for m in "${modules[@]}"; do
	ko=$VHV_BUILD/kmod/$m/$m.ko
	if [ ! -f "$ko" ]; then
		echo "# $ko not built"; load_rc=1; continue
	fi
	insmod "$ko" 2>&1 | sed 's/^/# /'
	lsmod | grep -qw "^$m" || load_rc=1
done
result "$VHV_KVER: load modules (${modules[*]})" $load_rc

for t in "${tests[@]}"; do
	start=$(date +%s.%N)
	timeout -k 10 "$TEST_TIMEOUT" "$SELF/$t" 2>&1 | sed -u 's/^/# /'
	rc=${PIPESTATUS[0]}
	echo "# $t: $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')s"
	result "$VHV_KVER: $t" "$rc"
done

unload_rc=0
for (( i=${#modules[@]} - 1; i >= 0; i-- )); do
	m=${modules[$i]}
	lsmod | grep -qw "^$m" || continue
	rmmod "$m" 2>&1 | sed 's/^/# /'
	lsmod | grep -qw "^$m" && unload_rc=1
done
BADRE=$(cat "$VHV_ROOT/tools/testing/qemu/kernel-log-bad.ere")
if dmesg | grep -E -q "$BADRE"; then
	dmesg | grep -E -B5 -A30 -m1 "$BADRE" | sed 's/^/# /'
	unload_rc=1
fi
result "$VHV_KVER: unload modules, kernel log clean" $unload_rc
