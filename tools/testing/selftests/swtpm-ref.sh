# SPDX-License-Identifier: GPL-2.0
# The reference TPM of the vtpm tests: swtpm behind tpm_vtpm_proxy
# (sourced after lib.sh). swtpm_start_reference starts it and sets
# SWTPM_DEV (tpmN); swtpm_stop stops it and waits until tpmN is gone;
# swtpm_cleanup also removes its state.
#
# swtpm is a reference daemon, not code under test: a start that fails is
# retried (lib.sh start_reference).  Under load its first answers are slow,
# and the kernel's registration of the proxy device (tpm_chip_register() in
# tpm_vtpm_proxy's worker: startup, self test, capability reads) sends them
# with the TPM core's fixed command timeouts; it then logs "tpm tpmN:
# Operation Timed out", gives up and never creates /dev/tpmN, while the
# half-made chip lives on until swtpm closes the proxy's file descriptor.
# So a failed start is: swtpm died, the kernel logged an error for its
# tpmN, or /dev/tpmN did not appear within SWTPM_DEV_TIMEOUT; each is
# followed by killing that swtpm, waiting until its tpmN is gone, and a
# fresh start from a new state directory.

SWTPM_TRIES=6		# the first start and up to 5 restarts
SWTPM_DEV_TIMEOUT=120	# per try; scaled by VHV_TIMEOUT_SCALE
REF_PAUSE=${REF_PAUSE:-5}	# before the restarts: 5, 10, 20, 40, 80 s (a burst of load passes)
SWTPM_WORK=$(mktemp -d /tmp/vhv-swtpm.XXXXXX)
SWTPM_PID="" SWTPM_STATE="" SWTPM_DEV="" SWTPM_KMARK=0 SWTPM_TRY=0 SWTPM_KLOG_AT=0

# the kernel log since this try began
swtpm_klog() { dmesg 2>/dev/null | tail -n +$((SWTPM_KMARK + 1)); }

swtpm_start() {
	SWTPM_TRY=$((SWTPM_TRY + 1))
	SWTPM_STATE=$SWTPM_WORK/state.$SWTPM_TRY
	mkdir "$SWTPM_STATE"
	SWTPM_DEV=
	SWTPM_KMARK=$(dmesg 2>/dev/null | wc -l)
	SWTPM_KLOG_AT=$SECONDS
	swtpm chardev --vtpm-proxy --tpm2 --tpmstate dir="$SWTPM_STATE" \
		--flags startup-clear --log file="$SWTPM_STATE/log",level=2 \
		> "$SWTPM_STATE/out" 2>&1 &
	SWTPM_PID=$!
	WAIT_FILES=("$SWTPM_STATE/out" "$SWTPM_STATE/log")
}

# swtpm_ready: /dev/tpmN of this swtpm is there.  swtpm prints "New TPM
# device: /dev/tpmN" once the proxy is made, before the kernel registers it.
# It runs while the kernel waits for swtpm's first answers, with fixed
# time-outs (2 s for the self test): only shell builtins here, and the
# kernel log (three processes) at most every 5 s, so that the wait does
# not take the CPU swtpm needs (a debug kernel under TCG: every fork costs
# a tenth of a second of a vCPU).
swtpm_ready() {
	local st line devs
	if [ -z "$SWTPM_DEV" ]; then
		while read -r line; do
			case $line in
			"New TPM device: /dev/tpm"*)
				SWTPM_DEV=${line#New TPM device: /dev/}
				SWTPM_DEV=${SWTPM_DEV%% *}
				break ;;
			esac
		done < "$SWTPM_STATE/out"
	fi
	devs=(/dev/tpm*)
	WAIT_SEEN="swtpm pid $SWTPM_PID, device '${SWTPM_DEV:-not announced yet}'; ls /dev/tpm*: ${devs[*]}"
	[ -n "$SWTPM_DEV" ] && [ -c "/dev/$SWTPM_DEV" ] && return 0
	if ! kill -0 "$SWTPM_PID" 2>/dev/null; then
		st=0
		wait "$SWTPM_PID" || st=$?
		SWTPM_PID=
		WAIT_ABORT="swtpm exited with status $st"
		return 1
	fi
	# a command of the registration timed out or could not be sent: the
	# kernel has given up on this chip (other TPM errors may be benign)
	[ $((SECONDS - SWTPM_KLOG_AT)) -ge 5 ] || return 1
	SWTPM_KLOG_AT=$SECONDS
	if [ -n "$SWTPM_DEV" ] && swtpm_klog | grep -Eq "tpm $SWTPM_DEV: (Operation Timed out|tpm_try_transmit: .*error)"; then
		WAIT_ABORT="the kernel gave up registering $SWTPM_DEV: $(swtpm_klog | grep -E "tpm $SWTPM_DEV: " | tail -n 3 | tr '\n' ' ')"
		return 1
	fi
	return 1
}

__swtpm_dev_gone() { [ ! -e "/dev/$SWTPM_DEV" ] && [ ! -e "/sys/class/tpm/$SWTPM_DEV" ]; }

__swtpm_exited() {
	local s
	read -r _ _ s _ < "/proc/$SWTPM_PID/stat" 2>/dev/null || return 0
	WAIT_SEEN="swtpm pid $SWTPM_PID in state $s"
	[ "$s" = Z ]
}

# swtpm_stop: kill this swtpm and wait until its device (or the half-made
# chip a failed registration left) is gone.
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
	[ -z "$SWTPM_DEV" ] || wait_for "/dev/$SWTPM_DEV and /sys/class/tpm/$SWTPM_DEV to go away" 60 __swtpm_dev_gone
}

# swtpm_cleanup: at the end of a test: stop, and remove the state
# directories (swtpm_stop keeps them: start_reference's next try makes
# its own in SWTPM_WORK)
swtpm_cleanup() {
	swtpm_stop
	rm -rf "$SWTPM_WORK"
}

# swtpm_start_reference: start swtpm (with retries); SWTPM_DEV is its tpmN
swtpm_start_reference() {
	command -v swtpm > /dev/null || { diag "swtpm is not installed (tools/setup.sh installs it)"; return 1; }
	start_reference swtpm "$SWTPM_TRIES" "$SWTPM_DEV_TIMEOUT" swtpm_start swtpm_ready swtpm_stop || return 1
	diag "swtpm serves /dev/$SWTPM_DEV (try $SWTPM_TRY, ${WAIT_ELAPSED}s)"
}
