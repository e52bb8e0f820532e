#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Harness smoke test: swtpm behind tpm_vtpm_proxy is a TPM 2.0 that
# tpm2-tools talk to (the reference TPM for vtpm's tests).
source "$(dirname "$0")/../lib.sh"
set -e
STATE=$(mktemp -d)
SWTPM_PID=""
cleanup() {
	[ -n "$SWTPM_PID" ] && kill "$SWTPM_PID" 2>/dev/null
	wait 2>/dev/null || true
	rm -rf "$STATE"
}
trap cleanup EXIT

command -v swtpm >/dev/null || ksft_skip "swtpm not installed"
modprobe tpm_vtpm_proxy || ksft_skip "no tpm_vtpm_proxy"
tap_plan 3

before=$(ls /dev | grep -E '^tpm[0-9]+$' || true)
swtpm chardev --vtpm-proxy --tpm2 --tpmstate dir="$STATE" \
	--flags startup-clear > "$STATE/out" 2>&1 &
SWTPM_PID=$!
newdev() { ls /dev | grep -E '^tpm[0-9]+$' | grep -vxF "$before" | head -n1; }
have_dev() { [ -n "$(newdev)" ]; }
poll 20 have_dev
dev=$(newdev)
diag "swtpm serves /dev/$dev"
tap_check "a new TPM device appeared" test -c "/dev/$dev"

export TPM2TOOLS_TCTI="device:/dev/$dev"
rnd=$(tpm2_getrandom --hex 16)
diag "random: $rnd"
tap_check "tpm2_getrandom returns 16 bytes" test "${#rnd}" -eq 32
# A structured answer, not just bytes: the fixed properties name the family.
tap_check "tpm2_getcap reports family 2.0" sh -c \
	'tpm2_getcap properties-fixed | grep -A2 TPM2_PT_FAMILY_INDICATOR | grep -q "value: \"2.0\""'
tap_done
