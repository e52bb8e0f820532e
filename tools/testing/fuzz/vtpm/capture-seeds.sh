#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Recapture seeds/: the TPM command streams of the vtpm suite's host-runnable
# tests (tools, pcr, hash, auth), run with tpm2-tools against swtpm through
# capture.py. One file per tool invocation, duplicates dropped.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../../.." && pwd)
TMP=$(mktemp -d)
PORT=${PORT:-23330}
cleanup() {
	[ -z "${CAP:-}" ] || kill "$CAP" 2> /dev/null || true
	[ -z "${SW:-}" ] || kill "$SW" 2> /dev/null || true
	wait 2> /dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT

mkdir "$TMP/state" "$TMP/raw"
swtpm socket --tpm2 --server type=tcp,port=$((PORT + 10)) \
	--ctrl type=tcp,port=$((PORT + 11)) --tpmstate dir="$TMP/state" \
	--flags not-need-init,startup-clear &
SW=$!
"$HERE/capture.py" "$PORT" $((PORT + 10)) "$TMP/raw" &
CAP=$!
for _ in $(seq 100); do
	(exec 3<> "/dev/tcp/127.0.0.1/$((PORT + 10))") 2> /dev/null &&
		(exec 3<> "/dev/tcp/127.0.0.1/$PORT") 2> /dev/null && break
	sleep 0.1
done

for t in tools pcr hash auth; do
	TARGETS="swtpm=swtpm:port=$PORT" REF_LABEL=swtpm \
		"$ROOT/tools/testing/selftests/vtpm/$t.sh" > "$TMP/$t.tap" 2>&1 ||
		{ cat "$TMP/$t.tap"; echo "capture-seeds: $t.sh failed against swtpm" >&2; exit 1; }
done
sleep 1

rm -rf "$HERE/seeds"
mkdir "$HERE/seeds"
for f in "$TMP"/raw/*.bin; do
	[ -s "$f" ] || continue
	sum=$(sha1sum < "$f" | cut -c1-16)
	cp "$f" "$HERE/seeds/$sum"
done
echo "capture-seeds: $(ls "$HERE/seeds" | wc -l) seeds, $(du -sh "$HERE/seeds" | cut -f1)"
