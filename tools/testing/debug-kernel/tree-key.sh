#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tree-key.sh DIR [SUITE]: print the key under which make check-debug
# records the suites that passed (run-lines.sh): a hash of what the guests
# run, that is every file git tracks in DIR, local changes to them, the
# untracked files git does not ignore, and the environment that reaches the
# guests (VHV_GUEST_ENV, VHV_TEST_TIMEOUT). Build outputs are ignored files:
# the modules built from the same sources share the key.
#
# With SUITE, the key of that suite's record: the other folders of
# tools/testing/selftests are left out but for those SUITE's files name
# ("vhv/vhv_lib.sh"), so that a fix to one suite's tests leaves the other
# suites' records standing. Every module, tool and runner stays in.
#
# Prose is left out: README.md and Documentation's .rst files, but for
# those a guest test reads (KEEP; add a file there when a test starts
# reading it). Fails when DIR is not the top of a git checkout.
set -u
dir=${1:?}
suite=${2:-}
top=$(git -C "$dir" rev-parse --show-toplevel 2> /dev/null) || exit 1
[ "$top" -ef "$dir" ] || exit 1
KEEP=(Documentation/vhv/vhvstat-json.rst)
what=(. ':(exclude)README.md' ':(exclude,glob)Documentation/**/*.rst')
SELF=tools/testing/selftests
if [ -n "$suite" ]; then
	[ -d "$dir/$SELF/$suite" ] || exit 1
	for d in "$dir/$SELF"/*/; do
		d=$(basename "$d")
		[ "$d" = "$suite" ] && continue
		git -C "$dir" grep -qIE --untracked "(^|[^[:alnum:]_-])$d/" -- "$SELF/$suite" && continue
		what+=(":(exclude)$SELF/$d")
	done
fi
set -o pipefail
# files PATHSPEC...: what git knows of them, changes and untracked ones
# (an exclude pathspec excludes for the whole call: KEEP has its own)
files() {
	git -C "$dir" ls-files -s -- "$@" &&
	git -C "$dir" diff HEAD -- "$@" &&
	git -C "$dir" ls-files -oz --exclude-standard -- "$@" |
		(cd "$dir" && xargs -0r sha256sum)
}
{
	files "${what[@]}" && files "${KEEP[@]}" &&
	echo "suite: $suite; guest env: ${VHV_GUEST_ENV:-}; test timeout: ${VHV_TEST_TIMEOUT:-2400}"
} | sha256sum | cut -c1-16
