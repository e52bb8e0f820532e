#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# verdict.sh - tap-verdict, the one counting rule of every runner, on canned
# TAP streams: each broken stream fails, each sound one passes (the control
# that shows a failure comes from the defect, not from the fixture).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/../lib.sh"
VERDICT=$HERE/../tap-verdict
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# allow-list of these tests only
cat > "$TMP/skips" <<'EOL'
# comment
fake/allowed.sh -- a whole-test skip this list allows
fake/sub.sh: K: kmemleak* -- a sub-check skip, by pattern
EOL

# tap FILE LINE...: write a stream
tap() { local f=$TMP/$1; shift; printf '%s\n' "$@" > "$f"; }

# verdict_is WANT FILE ARGS...: tap-verdict's exit status is WANT (0 pass,
# 1 fail) and its report says what it should (grep -E $EXPECT when set).
verdict_is() {
	local want=$1 f=$TMP/$2 out rc
	shift 2
	out=$("$VERDICT" -a "$TMP/skips" "$@" "$f")
	rc=$?
	echo "$out"
	[ "$rc" -eq "$want" ] || { echo "tap-verdict exit $rc, wanted $want"; return 1; }
	[ -z "${EXPECT:-}" ] || grep -Eq -- "$EXPECT" <<< "$out" || { echo "no /$EXPECT/ in the report"; return 1; }
}

tap_plan 17

tap good 'TAP version 13' '1..3' 'ok 1 - a' 'ok 2 - b' 'ok 3 - c'
EXPECT='3 passed, 0 failed, 0 skipped' tap_check "control: a sound stream, exit 0, passes" verdict_is 0 good -e 0
tap plan9 'TAP version 13' '1..9' 'ok 1 - a' 'ok 2 - b'
EXPECT='planned 9, ran 2' tap_check "a plan of 9 with 2 results fails" verdict_is 1 plan9 -e 0
tap plan_end 'TAP version 13' 'ok 1 - a' 'ok 2 - b' '1..2'
tap_check "control: the plan may come last" verdict_is 0 plan_end -e 0
tap noplan 'TAP version 13' 'ok 1 - a'
EXPECT='no plan' tap_check "results without a plan fail" verdict_is 1 noplan -e 0
tap empty
EXPECT='exit status 2' tap_check "no output and exit status 2 (a stub guest) fails, the status shown" verdict_is 1 empty -n guest -e 2
EXPECT='killed by SIGSEGV' tap_check "a sound stream from a program killed by SIGSEGV fails" verdict_is 1 good -e 139
EXPECT='timeout' tap_check "a sound stream and exit status 124 (timeout) fails" verdict_is 1 good -e 124
EXPECT='exit status 1 without a failed result' tap_check "exit status 1 without a failed result fails" verdict_is 1 good -e 1
tap bail 'TAP version 13' 'Bail out! no /dev/kvm'
EXPECT='bailed out: no /dev/kvm' tap_check "Bail out! fails, its reason shown" verdict_is 1 bail -t fake/x.sh -e 1
tap renum 'TAP version 13' '1..2' 'ok 1 - a' 'ok 1 - b'
EXPECT='numbered 1' tap_check "a repeated result number fails" verdict_is 1 renum -e 0
tap subskip 'TAP version 13' '1..2' 'ok 1 - a' 'ok 2 - b # SKIP no thing'
EXPECT='skip: fake/sub.sh: b -- no thing \[not on the allow-list\]' \
	tap_check "a sub-check skip not on the allow-list fails, reported as a skip" verdict_is 1 subskip -t fake/sub.sh -e 0
tap wholeskip 'TAP version 13' '1..0 # SKIP no zram'
EXPECT='skip: fake/swap.sh -- no zram \[not on the allow-list\]' \
	tap_check "a whole-test skip (exit 4) not on the allow-list fails" verdict_is 1 wholeskip -t fake/swap.sh -e 4
EXPECT='0 passed, 0 failed, 1 skipped' \
	tap_check "control: the same skip of an allowed test passes" verdict_is 0 wholeskip -t fake/allowed.sh -e 4
tap kml 'TAP version 13' '1..2' 'ok 1 - a' 'ok 2 - K: kmemleak finds no leak # SKIP no kmemleak in this kernel'
EXPECT='\[allowed: a sub-check skip, by pattern\]' \
	tap_check "control: a sub-check skip matched by pattern passes, with its reason" verdict_is 0 kml -t fake/sub.sh -e 0
tap_check "structure only (-s): a skip passes, to be judged above" verdict_is 0 subskip -s -e 0
printf 'fake/sub.sh: b\n' > "$TMP/skips"
EXPECT='without a reason' tap_check "an allow-list entry without a reason fails" verdict_is 1 subskip -t fake/sub.sh -e 0
check_flat() {
	"$VERDICT" -F "p/x: " -e 139 "$TMP/plan9" > "$TMP/flat"
	cat "$TMP/flat"
	[ "$(grep -c '^ok - p/x: ' "$TMP/flat")" -eq 2 ] &&
		grep -q '^not ok - p/x: planned 9, ran 2$' "$TMP/flat" &&
		grep -q '^not ok - p/x: exit status 139 (killed by SIGSEGV)$' "$TMP/flat"
}
tap_check "flattened (-F): results re-emitted, each problem a not ok" check_flat

tap_done
