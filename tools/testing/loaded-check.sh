#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# loaded-check.sh - run a command (default: make check) with one busy
# process per CPU beside it, to show that the tests hold on a loaded
# machine: "green three times in a row under a CPU hog" is
#
#   for i in 1 2 3; do tools/testing/loaded-check.sh || break; done
#
# usage: loaded-check.sh [-n HOGS] [CMD [ARGS...]]
#   -n HOGS  busy processes to start (default: nproc)
# Prints the command's elapsed time and exit status, and exits with that
# status.  The hogs run at normal priority and are killed on any exit.

set -u

usage() {
	echo "usage: $0 [-n HOGS] [CMD [ARGS...]]   (default CMD: make check)" >&2
	exit 2
}

HOGS=$(nproc)
while getopts "n:h" opt; do
	case $opt in
	n) HOGS=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[[ "$HOGS" =~ ^[0-9]+$ ]] || usage
[ $# -gt 0 ] || set -- make check

HOG_PIDS=()
stop_hogs() {
	local p
	for p in "${HOG_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${HOG_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	HOG_PIDS=()
}
trap stop_hogs EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for ((i = 0; i < HOGS; i++)); do
	# a subshell spinning in the shell itself: no fork per iteration
	( trap - EXIT INT TERM; while :; do :; done ) &
	HOG_PIDS+=("$!")
done
echo "loaded-check: $HOGS busy processes (pids ${HOG_PIDS[*]}) beside: $*"

start=$(date +%s)
"$@"
rc=$?
end=$(date +%s)
stop_hogs
echo "loaded-check: '$*' exited $rc after $((end - start)) s ($(( (end - start) / 60 ))m$(( (end - start) % 60 ))s) with $HOGS CPU hogs"
exit $rc
