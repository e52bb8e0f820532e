#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# runners.sh - the runners, end to end, fed canned failures without a boot:
#   run.sh        with a fake vm-run (VHV_VM_RUN) and a fake unit runner
#   run-guest.sh  sourced: run_test and run_suite on fixture suites
#   userspace/vhvstat/tests/run.sh  on a fake folder whose binary crashes
# Each defect must turn the run red; a sound control must stay green.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SELFTESTS=$(cd "$HERE/.." && pwd)
ROOT=$(cd "$SELFTESTS/../../.." && pwd)
. "$SELFTESTS/lib.sh"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# script FILE BODY...: an executable bash script.
script() {
	local f=$1
	shift
	mkdir -p "$(dirname "$f")"
	{ echo '#!/bin/bash'; printf '%s\n' "$@"; } > "$f"
	chmod +x "$f"
}

# ---- run.sh with a fake guest -------------------------------------------
script "$TMP/unit" 'printf "TAP version 13\n1..1\nok 1 - fake unit test\n"'
script "$TMP/vm-run" 'echo "$*" >> "${FAKE_ARGS:-/dev/null}"' 'cat "$FAKE_OUT" 2>/dev/null; exit "$FAKE_RC"'
GUEST_OK='TAP version 13
1..3
ok 1 - modules: load (vhv); boot log clean
ok 2 - vhv: kernel log clean, taint O/E only
ok 3 - modules: unload (vhv); kernel log clean, taint O/E only'

# run_check WANT_RC GUEST_RC GUEST_OUTPUT: run.sh's exit status is WANT_RC
# (0 green, 1 red), its last line "N passed, N failed", its output matches
# $EXPECT.
run_check() {
	local want=$1 rc
	printf '%s' "$3" > "$TMP/guest.out"
	FAKE_OUT=$TMP/guest.out FAKE_RC=$2 KVERS=fake VHV_VM_RUN=$TMP/vm-run \
		VHV_RUN_UNIT=$TMP/unit VHV_CHECK_LOG=$TMP/log VHV_SKIPS=/dev/null \
		"$SELFTESTS/run.sh" > "$TMP/run.out" 2>&1
	rc=$?
	sed -n '/^== summary/,$p' "$TMP/run.out"
	[ "$rc" = "$want" ] || { echo "run.sh exit $rc, wanted $want"; return 1; }
	tail -n1 "$TMP/run.out" | grep -Eq '^[0-9]+ passed, [0-9]+ failed$' || { echo "bad last line"; return 1; }
	grep -Eq -- "$EXPECT" "$TMP/run.out" || { echo "no /$EXPECT/ in run.sh's output"; return 1; }
}

# ksuites_check: with VHV_KSUITES, a kernel named there runs its own suites
# (the 6.1-kvm debug line), the others VHV_SUITES.
ksuites_check() {
	printf '%s' "$GUEST_OK" > "$TMP/guest.out"
	: > "$TMP/args"
	FAKE_OUT=$TMP/guest.out FAKE_RC=0 FAKE_ARGS=$TMP/args KVERS="k1 k2" \
		VHV_SUITES="s1 s2" VHV_KSUITES="k2=own1,own2" VHV_VM_RUN=$TMP/vm-run \
		VHV_RUN_UNIT= VHV_CHECK_LOG=$TMP/log VHV_SKIPS=/dev/null \
		"$SELFTESTS/run.sh" > "$TMP/run.out" 2>&1 || { echo "run.sh failed"; return 1; }
	cat "$TMP/args"
	grep -Eq -- '^-k k1 .*run-guest\.sh s1 s2$' "$TMP/args" &&
		grep -Eq -- '^-k k2 .*run-guest\.sh own1 own2$' "$TMP/args"
}

# ---- debug-kernel/run-lines.sh (make check-debug), resumable -------------
# A fake vm-run whose guest fails the suites named in $FAKE_FAIL.
script "$TMP/vm-run-suites" 'echo "$*" >> "$FAKE_ARGS"' \
	'for s in $FAKE_FAIL; do [ "${*: -1}" = "$s" ] && { printf "TAP version 13\n1..1\nnot ok 1 - %s\n" "$s"; exit 0; }; done' \
	'cat "$FAKE_OUT"'
# lines [ENV=VAL...]: run-lines.sh on two lines (k1: s1 s2, k2: s1), key K1
# unless the arguments set another; its output in lines.out, the boots it
# made in lines.args, its exit status in LINES_RC.
lines() {
	printf '%s' "$GUEST_OK" > "$TMP/guest.out"
	: > "$TMP/lines.args"
	env FAKE_OUT="$TMP/guest.out" FAKE_ARGS="$TMP/lines.args" FAKE_FAIL= \
		VHV_VM_RUN="$TMP/vm-run-suites" VHV_SKIPS=/dev/null \
		VHV_LINES="$(printf 'k1:d1:s1,s2\nk2:d2:s1\n')" VHV_KEY=K1 \
		VHV_RESULTS="$TMP/results" VHV_CHECK_LOG="$TMP/lines" "$@" \
		"$ROOT/tools/testing/debug-kernel/run-lines.sh" > "$TMP/lines.out" 2>&1
	LINES_RC=$?
	sed -n '/^== check-debug summary/,$p' "$TMP/lines.out"
	sed 's/^/boot: /' "$TMP/lines.args"
}
# booted K SUITE...: lines.args holds exactly these boots of kernel K
booted() {
	local k=$1 s want got
	shift
	want=$(for s in "$@"; do echo "$k $s"; done | sort)
	got=$(sed -n "s/^-k $k .*run-guest\.sh \(.*\)$/$k \1/p" "$TMP/lines.args" | sort)
	[ "$want" = "$got" ]
}
lines_failed() {
	lines FAKE_FAIL=s2
	[ "$LINES_RC" = 1 ] && tail -n1 "$TMP/lines.out" | grep -qx '6 passed, 1 failed' &&
		[ -r "$TMP/results/K1/d1/s1.result" ] && [ -r "$TMP/results/K1/d2/s1.result" ] &&
		[ ! -e "$TMP/results/K1/d1/s2.result" ] && booted k1 s1 s2 && booted k2 s1
}
lines_resumed() {
	lines
	[ "$LINES_RC" = 0 ] && tail -n1 "$TMP/lines.out" | grep -qx '9 passed, 0 failed' &&
		booted k1 s2 && booted k2 &&
		grep -q '^# k2: s1: 3 passed, 0 failed; .*(recorded ' "$TMP/lines.out"
}
lines_other_key() {
	lines VHV_KEY=K2
	[ "$LINES_RC" = 0 ] && booted k1 s1 s2 && booted k2 s1
}
lines_fresh() {
	lines VHV_DEBUG_FRESH=1
	[ "$LINES_RC" = 0 ] && booted k1 s1 s2 && booted k2 s1
}
lines_no_key() {
	rm -rf "$TMP/results"
	lines VHV_KEY= && lines VHV_KEY=
	[ "$LINES_RC" = 0 ] && booted k1 s1 s2 && booted k2 s1 && [ ! -e "$TMP/results" ]
}

# tree-key.sh on a scratch checkout: what the guests run changes the key,
# README.md and ignored files (build outputs) do not.
key_changes() {
	local g=$TMP/tree k0 k1 k2 k3 k4 k5 k6 k7
	mkdir -p "$g"
	git -C "$g" init -q && printf 'a\n' > "$g/a.c" && printf 'r\n' > "$g/README.md" &&
		printf '*.o\n' > "$g/.gitignore" &&
		git -C "$g" add -A && git -C "$g" -c user.name=t -c user.email=t@t commit -qm t || return
	k0=$("$KEY" "$g") || return
	printf 'x\n' > "$g/b.o"; printf 'r2\n' > "$g/README.md"
	k1=$("$KEY" "$g")
	printf 'b\n' >> "$g/a.c"
	k2=$("$KEY" "$g")
	git -C "$g" checkout -q a.c && printf 'n\n' > "$g/new.sh"
	k3=$("$KEY" "$g")
	rm "$g/new.sh"
	k4=$(VHV_GUEST_ENV=X=1 "$KEY" "$g")
	k5=$("$KEY" "$g")
	mkdir -p "$g/Documentation/vhv" && printf 'd\n' > "$g/Documentation/vhv/guide.rst"
	k6=$("$KEY" "$g")
	printf 's\n' > "$g/Documentation/vhv/vhvstat-json.rst"
	k7=$("$KEY" "$g")
	echo "# keys: $k0 (commit), $k1 (README.md, b.o), $k2 (a.c changed), $k3 (untracked new.sh), $k4 (guest env), $k5 (back), $k6 (a guide), $k7 (the JSON schema a test reads)"
	[ "$k0" = "$k1" ] && [ "$k0" = "$k5" ] && [ "$k0" = "$k6" ] && [ "$k2" != "$k0" ] &&
		[ "$k3" != "$k0" ] && [ "$k3" != "$k2" ] && [ "$k4" != "$k0" ] && [ "$k7" != "$k0" ] &&
		! "$KEY" "$g/.git" > /dev/null 2>&1
}
KEY=$ROOT/tools/testing/debug-kernel/tree-key.sh

# tree-key.sh DIR SUITE on a scratch checkout with suites s1 (whose test
# sources s3/lib.sh), s2 and s3: another suite's tests do not change
# SUITE's key, the folders SUITE names and everything else do.
# suite_keys: "s1-key s2-key" of $TMP/suites-tree
suite_keys() {
	echo "$("$KEY" "$TMP/suites-tree" s1) $("$KEY" "$TMP/suites-tree" s2)"
}
key_suites() {
	local g=$TMP/suites-tree st=tools/testing/selftests k0 k1 k2 k3 k4
	mkdir -p "$g/$st/s1" "$g/$st/s2" "$g/$st/s3"
	printf 'a\n' > "$g/a.c" && printf '. ../s3/lib.sh\n' > "$g/$st/s1/t.sh" &&
		printf 't\n' > "$g/$st/s2/t.sh" && printf 'l\n' > "$g/$st/s3/lib.sh" &&
		printf 'r\n' > "$g/$st/run.sh" && git -C "$g" init -q && git -C "$g" add -A &&
		git -C "$g" -c user.name=t -c user.email=t@t commit -qm t || return
	k0=$(suite_keys)
	printf 't2\n' > "$g/$st/s2/t.sh"
	k1=$(suite_keys)
	printf 'l2\n' > "$g/$st/s3/lib.sh"
	k2=$(suite_keys)
	printf 'r2\n' > "$g/$st/run.sh"
	k3=$(suite_keys)
	git -C "$g" checkout -q . && printf 'b\n' >> "$g/a.c"
	k4=$(suite_keys)
	git -C "$g" checkout -q .
	echo "# s1 s2 keys: $k0 (commit), $k1 (s2's test), $k2 (s3/lib.sh), $k3 (run.sh), $k4 (a.c)"
	[ "${k1% *}" = "${k0% *}" ] && [ "${k1#* }" != "${k0#* }" ] &&
		[ "${k2% *}" != "${k1% *}" ] && [ "${k2#* }" = "${k1#* }" ] &&
		[ "${k3% *}" != "${k2% *}" ] && [ "${k3#* }" != "${k2#* }" ] &&
		[ "${k4% *}" != "${k0% *}" ] && [ "${k4#* }" != "${k0#* }" ] &&
		[ "${k0% *}" != "${k0#* }" ] && ! "$KEY" "$g" s4 > /dev/null 2>&1
}
# run-lines.sh with VHV_KEY_TREE on key_suites' checkout (so it runs after
# key_suites): after a change to s2's tests, only s2 runs
lines_suite_keys() {
	local g=$TMP/suites-tree
	rm -rf "$TMP/results"
	lines VHV_KEY= VHV_KEY_TREE="$g" > /dev/null
	[ "$LINES_RC" = 0 ] && booted k1 s1 s2 && booted k2 s1 || return
	printf 't3\n' > "$g/tools/testing/selftests/s2/t.sh"
	lines VHV_KEY= VHV_KEY_TREE="$g"
	git -C "$g" checkout -q .
	[ "$LINES_RC" = 0 ] && booted k1 s2 && booted k2 &&
		grep -q '^# k1: s1: 3 passed, 0 failed; .*(recorded ' "$TMP/lines.out"
}

# ---- run-guest.sh, sourced, on fixture suites -----------------------------
FX=$TMP/suites
mkdir -p "$FX/fx" "$FX/notests"
LIBSH=". $SELFTESTS/lib.sh"
script "$FX/fx/good.sh" "$LIBSH" 'tap_plan 2' 'tap_ok a' 'tap_ok b' 'tap_done'
script "$FX/fx/plan9.sh" "$LIBSH" 'tap_plan 9' 'tap_ok a' 'tap_ok b' 'exit 0'
script "$FX/fx/segv.sh" "$LIBSH" 'tap_plan 1' 'tap_ok a' 'kill -SEGV $$'
script "$FX/fx/hang.sh" "$LIBSH" 'tap_plan 1' 'sleep 60' 'tap_ok a'
script "$FX/fx/skip.sh" "$LIBSH" 'ksft_skip "no thing"'
script "$FX/fx/subskip.sh" "$LIBSH" 'tap_plan 2' 'tap_ok a' 'tap_skip b "no thing"' 'tap_done'
script "$FX/fx/allowed.sh" "$LIBSH" 'ksft_skip "no kmemleak in this kernel"'
printf 'good.sh\nplan9.sh\n' > "$FX/fx/TESTS"
echo 'fx/allowed.sh -- fixture: this kernel lacks it' > "$TMP/skips"

# guest TEST WANT: run-guest.sh's run_test gives WANT ("ok" or "not ok") and
# its output matches $EXPECT.
guest() {
	(
		export VHV_SUITES_DIR=$FX VHV_TEST_TIMEOUT=2 VHV_SKIPS=$TMP/skips
		. "$SELFTESTS/run-guest.sh"
		OUT=$TMP/out && mkdir -p "$OUT"
		run_test "$1"
	) > "$TMP/guest.tap" 2>&1
	cat "$TMP/guest.tap"
	grep -Eq "^$2 1 - $1( |$)" "$TMP/guest.tap" || { echo "no '$2 1 - $1'"; return 1; }
	grep -Eq -- "$EXPECT" "$TMP/guest.tap" || { echo "no /$EXPECT/"; return 1; }
}
# suite SUITE: run_suite with the kernel check stubbed: not ok, matching $EXPECT
suite() {
	(
		export VHV_SUITES_DIR=$FX VHV_SKIPS=$TMP/skips
		. "$SELFTESTS/run-guest.sh"
		OUT=$TMP/out && mkdir -p "$OUT"
		kernel_check() { return 0; }
		read_suites "$1"
		echo "1..$(( $(plan) - 2 ))"
		run_suite "$1"
	) > "$TMP/suite.tap" 2>&1
	cat "$TMP/suite.tap"
	"$SELFTESTS/tap-verdict" -n "suite $1" "$TMP/suite.tap" && { echo "suite $1 passed"; return 1; }
	grep -Eq -- "$EXPECT" "$TMP/suite.tap" || { echo "no /$EXPECT/"; return 1; }
}

# ---- userspace unit runner on a fake folder --------------------------------
# unit_check BODY: test_vhvstat is BODY; tests/run.sh must fail and say $EXPECT.
unit_check() {
	local d=$TMP/vhvstat rc
	script "$d/tests/test_vhvstat" "$1"
	script "$d/tests/cli.sh" 'printf "TAP version 13\nok 1 - cli\n1..1\n"'
	"$ROOT/userspace/vhvstat/tests/run.sh" "$d" > "$TMP/unit.out" 2>&1
	rc=$?
	cat "$TMP/unit.out"
	[ "$rc" -ne 0 ] || { echo "tests/run.sh exit 0"; return 1; }
	grep -Eq -- "$EXPECT" "$TMP/unit.out" || { echo "no /$EXPECT/"; return 1; }
}

tap_plan 26

EXPECT='^4 passed, 0 failed$' tap_check "run.sh, control: a sound guest is green" run_check 0 0 "$GUEST_OK"
EXPECT='fake: problem: .*exit status 2' \
	tap_check "run.sh: a guest that exits 2 with no output is red, the status shown" run_check 1 2 ""
cp "$TMP/run.out" "$TMP/stub.out"
EXPECT='planned 9, ran 2' tap_check "run.sh: a guest with plan 9 and 2 results is red" run_check 1 0 \
	"$(printf 'TAP version 13\n1..9\nok 1 - a\nok 2 - b\n')"
EXPECT='exit status 125' tap_check "run.sh: all ok but vm-run exit 125 (kernel log) is red" run_check 1 125 "$GUEST_OK"
EXPECT='not on the allow-list' tap_check "run.sh: a guest's skip not on the allow-list is red" run_check 1 0 \
	"$(printf 'TAP version 13\n1..2\nok 1 - a\nok 2 - vhv/x.sh # SKIP no x\n')"
tap_check "run.sh: the per-level breakdown counts the stub guest's failure" \
	grep -Eq '^# fake: 0 passed, 1 failed' "$TMP/stub.out"
tap_check "run.sh: VHV_KSUITES gives one kernel its own suites, the others VHV_SUITES" ksuites_check
tap_check "run-lines.sh: a failed suite is red and not recorded, the passed ones are" lines_failed
tap_check "run-lines.sh: a second run boots only the unrecorded suite, counts the rest" lines_resumed
tap_check "run-lines.sh: another tree key reuses nothing" lines_other_key
tap_check "run-lines.sh: VHV_DEBUG_FRESH=1 reruns every suite" lines_fresh
tap_check "run-lines.sh: without a key every suite runs and nothing is recorded" lines_no_key
tap_check "tree-key.sh: a change to what the guests run changes the key; README.md, guides, build outputs do not" key_changes
tap_check "tree-key.sh SUITE: another suite's tests leave the key; the folders it names, the runner, the code do not" key_suites
tap_check "run-lines.sh, a key per suite: a change to one suite's tests reruns that suite only" lines_suite_keys

EXPECT='verdict: fx/good.sh: 2 passed' tap_check "run-guest.sh, control: a sound test is ok" guest fx/good.sh ok
EXPECT='planned 9, ran 2' tap_check "run-guest.sh: a test with plan 9 and 2 results is not ok" guest fx/plan9.sh "not ok"
EXPECT='killed by SIGSEGV' tap_check "run-guest.sh: a test killed by SIGSEGV is not ok" guest fx/segv.sh "not ok"
EXPECT='timeout' tap_check "run-guest.sh: a test past its timeout is not ok" guest fx/hang.sh "not ok"
EXPECT='skip: fx/skip.sh -- no thing \[not on the allow-list\]' \
	tap_check "run-guest.sh: a test that skips, not on the allow-list, is not ok" guest fx/skip.sh "not ok"
EXPECT='skip: fx/subskip.sh: b -- no thing \[not on the allow-list\]' \
	tap_check "run-guest.sh: a sub-check skip not on the allow-list is not ok" guest fx/subskip.sh "not ok"
EXPECT='SKIP no kmemleak in this kernel' \
	tap_check "run-guest.sh, control: an allowed skip is ok, with its reason" guest fx/allowed.sh ok
EXPECT='no folder nosuch' tap_check "run-guest.sh: a missing suite folder fails" suite nosuch
EXPECT='no notests/TESTS file' tap_check "run-guest.sh: a suite without a TESTS file fails" suite notests

EXPECT='killed by SIGSEGV' tap_check "vhvstat tests/run.sh: a unit binary that segfaults fails the run" \
	unit_check 'printf "TAP version 13\nok 1 - a\n"; kill -SEGV $$'
EXPECT='planned 9, ran 2' tap_check "vhvstat tests/run.sh: a unit binary short of its plan fails the run" \
	unit_check 'printf "TAP version 13\n1..9\nok 1 - a\nok 2 - b\n"'

tap_done
