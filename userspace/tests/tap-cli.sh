# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# tap-cli.sh - the TAP helpers of the tools' command-line tests
# (vhvstat/, vswctl/, vtpmctl/ tests/cli.sh), sourced once TOOL (the
# program's name, as it prefixes its messages) and BIN (its path) are set.
#
# Makes $TMP (removed on exit) and the counters n and fail; defines ok,
# notok, check NAME CMD..., status WANT ARGS..., out_has, err_has,
# out_empty, usage ARGS... and help ARGS...
: "${TOOL:?}" "${BIN:?}"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $*"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else notok "$name"; fi; }

# status WANT ARGS...: TOOL ARGS exits WANT; output in $TMP/out, $TMP/err
status() {
	local want=$1 got
	shift
	"$BIN" "$@" > "$TMP/out" 2> "$TMP/err"
	got=$?
	[ "$got" -eq "$want" ] && return 0
	echo "# $TOOL $*: exit $got, wanted $want"
	sed 's/^/#   /' "$TMP/err"
	return 1
}
out_has() { grep -Eq -- "$1" "$TMP/out"; }
err_has() { grep -Eq -- "$1" "$TMP/err"; }
out_empty() { [ ! -s "$TMP/out" ]; }

# usage ARGS...: exit 2, nothing on stdout, "TOOL: ..." and a usage line on stderr
usage() {
	status 2 "$@" && out_empty && err_has "^$TOOL: " && err_has "^Usage: $TOOL"
}
# help ARGS...: exit 0, the usage on stdout, nothing on stderr
help() {
	status 0 "$@" && out_has "^Usage: $TOOL" && [ ! -s "$TMP/err" ]
}
