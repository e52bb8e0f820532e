#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check-debug`: the whole in-guest suite on the debug kernels.
#
# Builds (once, cached: build.sh) the debug variant of each Debian line,
# builds every module against it (debug build: create/destroy lines), then
# runs run.sh with those kernels: every suite of SUITES.debug, a kmemleak
# scan after all modules are unloaded, the kernel-log scan (lockdep, KASAN,
# UBSAN, kmemleak, "sleeping function called from invalid context", BUG:).
# Ends with the line "N passed, N failed".
#
# Resumable: the run takes longer than a working session on a 2-core
# machine (about 4 hours), so each suite runs in a boot of its own (the
# lines in parallel, each running its suites one after the other), and a
# suite that passed on a line is recorded in a results cache, under the
# suite's key of what the guests run (tree-key.sh: the files git tracks or
# sees, prose and the other suites' tests aside, with local changes, and
# the guest environment asked for) and of the debug kernel's cache folder. A later run with the same key runs only the
# suites that have no record, and counts the recorded ones, naming each
# with its date. A failed suite is never recorded. Records of other keys
# are left alone (delete old ones by hand).
#
#   VHV_DEBUG_LINES  kernel lines (default "6.1 6.12"; also 6.1-kvm, KVM
#                    built in: build.sh)
#   VHV_DEBUG_SUITES the suites of every line (default: those of
#                    SUITES.debug, or of SUITES.<fragment> for a line built
#                    with a config fragment: SUITES.kvm-builtin for 6.1-kvm),
#                    e.g. to split one line's suites over two runs (two cores)
#   VHV_PLANT=BUG    harness self-test: run only the planted suite with
#                    vhv_planted.ko bug=BUG (see planted.sh)
#   VHV_KCACHE       the kernel cache (default /var/cache/vhv/kernels)
#   VHV_RESULTS      the results cache (default /var/cache/vhv/check-debug)
#   VHV_DEBUG_FRESH=1  run every suite, whatever is recorded (and record
#                    what passes)
#   VHV_GUEST_ENV    more NAME=VALUE words for the guest's tests (run.sh)
#   VHV_VM_TIMEOUT   the whole guest run's limit in seconds (default 14400:
#                    every test has its own, VHV_TEST_TIMEOUT, default 2400)
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
CACHE=${VHV_KCACHE:-/var/cache/vhv/kernels}
LINES=${VHV_DEBUG_LINES:-6.1 6.12}
SELF=$ROOT/tools/testing/selftests

"$ROOT/tools/setup.sh" --debug || exit 1

# One folder that holds every debug kernel and its modules, for vm-run -r.
kroot=$CACHE/root
mkdir -p "$kroot/boot" "$kroot/lib/modules"
rels=() lines=()
stock=$(grep -vE '^(#|$)' "$SELF/SUITES.debug" | paste -sd, -)
t0=$(date +%s)
for l in $LINES; do
	out=$("$HERE/build.sh" "$l" | tail -n1) || { echo "not ok - build the $l debug kernel"; echo "0 passed, 1 failed"; exit 1; }
	rel=${out%% *} dir=${out#* }
	ln -sfn "$dir/root/boot/vmlinuz-$rel" "$kroot/boot/vmlinuz-$rel"
	ln -sfn "$dir/root/lib/modules/$rel" "$kroot/lib/modules/$rel"
	if ! make -s -C "$ROOT" KVER="$rel" KDIR="$dir/build" VHV_DEBUG=y modules; then
		echo "not ok - build the modules for $rel"; echo "0 passed, 1 failed"; exit 1
	fi
	if [ -n "${VHV_PLANT:-}" ]; then
		pl=$ROOT/build/$rel/planted
		mkdir -p "$pl"
		cp -sf "$HERE"/planted/Kbuild "$HERE"/planted/*.c "$pl/"
		make -s -C "$dir/build" M="$pl" modules || exit 1
	fi
	# run-lines.sh's "RELEASE:KERNEL-FOLDER:SUITE,...": a line built with
	# a fragment runs the suites written for it; VHV_DEBUG_SUITES sets
	# every line's
	suites=$stock
	if [ -f "$dir/fragment" ]; then
		f=$SELF/SUITES.$(cat "$dir/fragment")
		[ -r "$f" ] || { echo "not ok - $l: no $f"; echo "0 passed, 1 failed"; exit 1; }
		suites=$(grep -vE '^(#|$)' "$f" | paste -sd, -)
	fi
	# shellcheck disable=SC2086 # the suites: one a word
	[ -z "${VHV_DEBUG_SUITES:-}" ] || suites=$(printf '%s\n' $VHV_DEBUG_SUITES | paste -sd, -)
	rels+=("$rel") lines+=("$rel:$(basename "$dir"):$suites")
done
make -s -C "$ROOT" userspace || exit 1
echo "# debug kernels ready in $(( $(date +%s) - t0 ))s: ${rels[*]}"

# The planted bugs: one boot per line, nothing recorded.
if [ -n "${VHV_PLANT:-}" ]; then
	VHV_CHECK_LOG=${VHV_CHECK_LOG:-$ROOT/build/check-debug} VHV_RUN_UNIT='' \
	KVERS="${rels[*]}" VHV_KROOT=$kroot VHV_SUITES=planted VHV_KSUITES='' \
	VHV_VM_ARGS="-m 3G -e VHV_PLANT=$VHV_PLANT" VHV_VM_TIMEOUT=${VHV_VM_TIMEOUT:-14400} \
	VHV_GUEST_ENV="VHV_TEST_TIMEOUT=${VHV_TEST_TIMEOUT:-2400} ${VHV_GUEST_ENV:-}" \
		exec "$SELF/run.sh"
fi

RESULTS=${VHV_RESULTS:-/var/cache/vhv/check-debug}
LOGS=${VHV_CHECK_LOG:-$ROOT/build/check-debug}
tree=$ROOT
"$HERE/tree-key.sh" "$ROOT" > /dev/null ||
	{ tree=; echo "# not a git checkout: every suite runs, nothing is recorded"; }
# KASAN, lockdep and kmemleak under TCG: several times the stock run's time.
VHV_LINES="$(printf '%s\n' "${lines[@]}")" VHV_KEY='' VHV_KEY_TREE=$tree \
VHV_RESULTS=$RESULTS VHV_CHECK_LOG=$LOGS VHV_KROOT=$kroot \
	exec "$HERE/run-lines.sh"
