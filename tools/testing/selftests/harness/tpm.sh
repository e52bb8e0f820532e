#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Harness smoke test: swtpm behind tpm_vtpm_proxy is a TPM 2.0 that
# tpm2-tools talk to (the reference TPM for vtpm's tests).
#
# swtpm is a reference daemon, not code under test: a start that fails is
# retried (lib.sh start_reference).  Under load its first answers are slow,
# and the kernel's registration of the proxy device (tpm_chip_register() in
# tpm_vtpm_proxy's worker: startup, self test, capability reads) sends them
# with the TPM core's fixed command timeouts; it then logs "tpm tpmN:
# Operation Timed out", gives up and never creates /dev/tpmN, while the
# half-made chip lives on until swtpm closes the proxy's file descriptor.
# So a failed start is: swtpm died, the kernel logged an error for its
# tpmN, or /dev/tpmN did not appear within DEV_TIMEOUT; each is followed by
# killing that swtpm, waiting until its tpmN is gone, and a fresh start
# from a new state directory.
source "$(dirname "$0")/../lib.sh"
set -e

TRIES=6		# the first start and up to 5 restarts
REF_PAUSE=5	# before the restarts: 5, 10, 20, 40, 80 s (a burst of load passes)
DEV_TIMEOUT=120		# per try; scaled by VHV_TIMEOUT_SCALE
WORK=$(mktemp -d /tmp/vhv-tpm.XXXXXX)
SWTPM_PID="" STATE="" DEV="" KMARK=0 TRY=0

# the kernel log since this try began
klog_new() { dmesg 2>/dev/null | tail -n +$((KMARK + 1)); }

swtpm_start() {
	TRY=$((TRY + 1))
	STATE=$WORK/state.$TRY
	mkdir "$STATE"
	DEV=
	KMARK=$(dmesg 2>/dev/null | wc -l)
	swtpm chardev --vtpm-proxy --tpm2 --tpmstate dir="$STATE" \
		--flags startup-clear --log file="$STATE/log",level=2 \
		> "$STATE/out" 2>&1 &
	SWTPM_PID=$!
	WAIT_FILES=("$STATE/out" "$STATE/log")
}

# swtpm_ready: /dev/tpmN of this swtpm is there.  swtpm prints "New TPM
# device: /dev/tpmN" once the proxy is made, before the kernel registers it.
swtpm_ready() {
	local st
	[ -n "$DEV" ] || DEV=$(sed -n 's|^New TPM device: /dev/\(tpm[0-9]*\).*|\1|p' "$STATE/out" | head -n1)
	WAIT_SEEN="swtpm pid $SWTPM_PID, device '${DEV:-not announced yet}'; ls /dev/tpm*: $(ls -d /dev/tpm* 2>/dev/null | tr '\n' ' ')"
	[ -n "$DEV" ] && [ -c "/dev/$DEV" ] && return 0
	if ! kill -0 "$SWTPM_PID" 2>/dev/null; then
		st=0
		wait "$SWTPM_PID" || st=$?
		SWTPM_PID=
		WAIT_ABORT="swtpm exited with status $st"
		return 1
	fi
	# a command of the registration timed out or could not be sent: the
	# kernel has given up on this chip (other TPM errors may be benign)
	if [ -n "$DEV" ] && klog_new | grep -Eq "tpm $DEV: (Operation Timed out|tpm_try_transmit: .*error)"; then
		WAIT_ABORT="the kernel gave up registering $DEV: $(klog_new | grep -E "tpm $DEV: " | tail -n 3 | tr '\n' ' ')"
		return 1
	fi
	return 1
}

__dev_gone() { [ ! -e "/dev/$DEV" ] && [ ! -e "/sys/class/tpm/$DEV" ]; }

# swtpm_stop: kill this swtpm and wait until its device (or the half-made
# chip a failed registration left) is gone.
__swtpm_exited() {
	local s
	read -r _ _ s _ < "/proc/$SWTPM_PID/stat" 2>/dev/null || return 0
	WAIT_SEEN="swtpm pid $SWTPM_PID in state $s"
	[ "$s" = Z ]
}
swtpm_stop() {
	local st=0
	if [ -n "$SWTPM_PID" ]; then
		# SIGCONT too: a stopped swtpm acts on SIGTERM only once continued
		kill -TERM "$SWTPM_PID" 2>/dev/null || true
		kill -CONT "$SWTPM_PID" 2>/dev/null || true
		wait_for "swtpm (pid $SWTPM_PID) to exit after SIGTERM" 30 __swtpm_exited ||
			kill -KILL "$SWTPM_PID" 2>/dev/null || true
		wait "$SWTPM_PID" || st=$?
		diag "swtpm (pid $SWTPM_PID) stopped, status $st"
		SWTPM_PID=
	fi
	[ -z "$DEV" ] || wait_for "/dev/$DEV and /sys/class/tpm/$DEV to go away" 60 __dev_gone
}

cleanup() {
	set +e
	swtpm_stop > /dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT

# swtpm and tpm_vtpm_proxy are part of the harness (tools/setup.sh): missing
# means the machine is broken, which is a failure, not a skip.
command -v swtpm > /dev/null || tap_bail "swtpm is not installed (tools/setup.sh installs it)"
command -v tpm2_getrandom > /dev/null || tap_bail "tpm2-tools are not installed (tools/setup.sh installs them)"
modprobe tpm_vtpm_proxy || tap_bail "modprobe tpm_vtpm_proxy failed"
tap_plan 3

if start_reference swtpm "$TRIES" "$DEV_TIMEOUT" swtpm_start swtpm_ready swtpm_stop; then
	diag "swtpm serves /dev/$DEV (try $TRY, ${WAIT_ELAPSED}s)"
	tap_check "a new TPM device appeared" test -c "/dev/$DEV"
else
	tap_notok "a new TPM device appeared (swtpm: $TRIES tries of ${DEV_TIMEOUT}s)"
	tap_notok "tpm2_getrandom returns 16 bytes"
	tap_notok "tpm2_getcap reports family 2.0"
	tap_done
fi

export TPM2TOOLS_TCTI="device:/dev/$DEV"
rnd=$(tpm2_getrandom --hex 16) || diag "tpm2_getrandom failed; $(klog_new | tail -n 5 | tr '\n' ' ')"
diag "random: $rnd"
tap_check "tpm2_getrandom returns 16 bytes" test "${#rnd}" -eq 32
# A structured answer, not just bytes: the fixed properties name the family.
tap_check "tpm2_getcap reports family 2.0" sh -c \
	'tpm2_getcap properties-fixed | grep -A2 TPM2_PT_FAMILY_INDICATOR | grep -q "value: \"2.0\""'
tap_done
