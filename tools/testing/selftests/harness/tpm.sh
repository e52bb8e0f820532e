#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Harness smoke test: swtpm behind tpm_vtpm_proxy is a TPM 2.0 that
# tpm2-tools talk to (the reference TPM for vtpm's tests; see
# ../swtpm-ref.sh for how it is started and why starts are retried).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../swtpm-ref.sh"
set -e

cleanup() {
	set +e
	swtpm_cleanup > /dev/null
}
trap cleanup EXIT

# swtpm and tpm_vtpm_proxy are part of the harness (tools/setup.sh): missing
# means the machine is broken, which is a failure, not a skip.
command -v swtpm > /dev/null || tap_bail "swtpm is not installed (tools/setup.sh installs it)"
command -v tpm2_getrandom > /dev/null || tap_bail "tpm2-tools are not installed (tools/setup.sh installs them)"
modprobe tpm_vtpm_proxy || tap_bail "modprobe tpm_vtpm_proxy failed"
tap_plan 3

if swtpm_start_reference; then
	tap_check "a new TPM device appeared" test -c "/dev/$SWTPM_DEV"
else
	tap_notok "a new TPM device appeared (swtpm: $SWTPM_TRIES tries of ${SWTPM_DEV_TIMEOUT}s)"
	tap_notok "tpm2_getrandom returns 16 bytes"
	tap_notok "tpm2_getcap reports family 2.0"
	tap_done
fi

export TPM2TOOLS_TCTI="device:/dev/$SWTPM_DEV"
rnd=$(tpm2_getrandom --hex 16) || diag "tpm2_getrandom failed; $(swtpm_klog | tail -n 5 | tr '\n' ' ')"
diag "random: $rnd"
tap_check "tpm2_getrandom returns 16 bytes" test "${#rnd}" -eq 32
# A structured answer, not just bytes: the fixed properties name the family.
tap_check "tpm2_getcap reports family 2.0" sh -c \
	'tpm2_getcap properties-fixed | grep -A2 TPM2_PT_FAMILY_INDICATOR | grep -q "value: \"2.0\""'
tap_done
