# SPDX-License-Identifier: GPL-2.0
# The TPMs a vtpm test runs its checks on (sourced after tpmlib.sh).
#
# In the guest: a vtpm instance, reached through /dev/tpmrmN ("vtpm") and
# /dev/tpmN ("vtpm-direct"), and the reference, swtpm behind
# tpm_vtpm_proxy, through its /dev/tpmrmM ("swtpm"). The reference starts
# first, so it holds the lowest TPM number and vtpm's instance is not the
# kernel's default TPM (vtpm refuses that unless told otherwise).
#
# DIRECT_TARGETS are the /dev/tpmN of both: a session saved by one tool
# and used by the next lives only there (/dev/tpmrmN flushes a process's
# sessions when it closes the device).
#
# On a host, for development: set TARGETS (and REF_LABEL) yourself, e.g.
#   swtpm socket --tpm2 --server type=tcp,port=2321 --ctrl type=tcp,port=2322 \
#	--tpmstate dir=/tmp/s --flags not-need-init,startup-clear &
#   TARGETS="swtpm=swtpm:port=2321" REF_LABEL=swtpm tools/testing/selftests/vtpm/tools.sh
source "$(dirname "${BASH_SOURCE[0]}")/../swtpm-ref.sh"

WORK=$(mktemp -d /tmp/vhv-vtpm.XXXXXX)
VTPMCTL=$VHV_BIN/vtpmctl/vtpmctl
REF_LABEL=${REF_LABEL:-swtpm}

# is_vtpm LABEL: LABEL names a vtpm target
is_vtpm() { case $1 in vtpm*) return 0 ;; esac; return 1; }
ntargets_vtpm() { local t n=0; for t in $TARGETS; do is_vtpm "${t%%=*}" && n=$((n + 1)); done; echo $n; }

# vtpm_new NAME [ARGS...]: a vtpm instance; prints its TPM number. It is
# recorded as $WORK/new.NAME (a file: this runs in command substitutions),
# which the cleanup reads.
vtpm_new() {
	local name=$1; shift
	"$VTPMCTL" -j instance add "$name" "$@" > "$WORK/new.$name" || return 1
	vtpm_dev_num "$name"
}

# vtpm_dev_num NAME: the TPM number of an instance vtpm_new made
vtpm_dev_num() { sed -n 's/.*"dev_num": *\([0-9]*\).*/\1/p' "$WORK/new.$1"; }

# vtpm_del NAME: delete an instance vtpm_new made
vtpm_del() {
	rm -f "$WORK/new.$1"
	"$VTPMCTL" instance del "$1"
}

# vtpm_forget NAME: an instance that went another way (rmmod)
vtpm_forget() { rm -f "$WORK/new.$1"; }

targets_cleanup() {
	local f
	set +e
	for f in "$WORK"/new.*; do
		[ -e "$f" ] || continue
		"$VTPMCTL" instance del "${f##*/new.}" 2> /dev/null
	done
	swtpm_cleanup > /dev/null
	rm -rf "$WORK"
}

targets_setup() {
	local n
	trap targets_cleanup EXIT
	if [ -n "${TARGETS:-}" ]; then
		DIRECT_TARGETS=${DIRECT_TARGETS:-$TARGETS}
		return 0
	fi
	modprobe tpm_vtpm_proxy || tap_bail "modprobe tpm_vtpm_proxy failed"
	swtpm_start_reference || tap_bail "the reference swtpm did not start"
	n=$(vtpm_new t1 banks sha1,sha256,sha384) || tap_bail "vtpmctl instance add t1 failed"
	wait_for "/dev/tpm$n and /dev/tpmrm$n" 30 test -c "/dev/tpmrm$n" -a -c "/dev/tpm$n" ||
		tap_bail "vtpm instance t1: no /dev/tpm$n"
	TARGETS="vtpm=device:/dev/tpmrm$n vtpm-direct=device:/dev/tpm$n $REF_LABEL=device:/dev/tpmrm${SWTPM_DEV#tpm}"
	DIRECT_TARGETS="vtpm-direct=device:/dev/tpm$n $REF_LABEL-direct=device:/dev/$SWTPM_DEV"
	diag "targets: $TARGETS; direct: $DIRECT_TARGETS"
}
