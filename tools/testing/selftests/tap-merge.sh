# SPDX-License-Identifier: GPL-2.0
# Shared by the host runners (run-unit.sh, userspace/*/tests/run.sh;
# sourced, not run): several programs' TAP streams merged into one.
#
#   merge_unit NAME PREFIX CMD...  run CMD; append its stream, checked by
#                                  tap-verdict and flattened (PREFIX before
#                                  each description), to $MERGE_ALL
#   merge_print                    $MERGE_ALL as one TAP 13 stream,
#                                  renumbered, ending "N passed, N failed";
#                                  false on a failure or no result
MERGE_VERDICT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/tap-verdict

merge_unit() {
	local name=$1 prefix=$2 rc
	shift 2
	"$@" > "$MERGE_ALL.out" 2>&1
	rc=$?
	"$MERGE_VERDICT" -n "$name" -e "$rc" -F "$prefix" "$MERGE_ALL.out" |
		grep -v '^# verdict' >> "$MERGE_ALL"
}

merge_print() {
	echo "TAP version 13"
	awk '
		/^ok / { n++; pass++; sub(/^ok/, "ok " n); print; next }
		/^not ok / { n++; fail++; sub(/^not ok/, "not ok " n); print; next }
		{ print }
		END {
			printf "1..%d\n%d passed, %d failed\n", n, pass, fail
			exit (fail > 0 || n == 0)
		}' "$MERGE_ALL"
}
