#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Instances share nothing: two vtpm instances side by side, each with its
# own PCR values, hierarchy auth and sessions; what one does is invisible
# through the other's devices.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/tpmlib.sh"
source "$(dirname "$0")/targets.sh"
set -e

targets_setup
a=$(vtpm_new ma) || tap_bail "vtpmctl instance add ma failed"
b=$(vtpm_new mb) || tap_bail "vtpmctl instance add mb failed"
wait_for "/dev/tpmrm$a and /dev/tpmrm$b" 30 test -c "/dev/tpmrm$a" -a -c "/dev/tpmrm$b" ||
	tap_bail "no device nodes for ma and mb"
A=ma=device:/dev/tpmrm$a
B=mb=device:/dev/tpmrm$b
diag "ma: tpm$a, mb: tpm$b"

different_pcrs() {
	local da db
	on_target "$A"; tpm2_pcrreset 16
	tpm2_pcrextend 16:sha256=$(head -c 32 /dev/urandom | bin2hex)
	on_target "$B"; tpm2_pcrreset 16
	tpm2_pcrextend 16:sha256=$(head -c 32 /dev/urandom | bin2hex)
	on_target "$A"; da=$(pcr_hex sha256 16)
	on_target "$B"; db=$(pcr_hex sha256 16)
	echo "ma sha256:16 $da; mb sha256:16 $db"
	[ "$da" != "$db" ] && [ "$da" != "$(zeros_hex sha256)" ] && [ "$db" != "$(zeros_hex sha256)" ]
	# a reset of mb's PCR 16 leaves ma's
	tpm2_pcrreset 16
	on_target "$A"; [ "$(pcr_hex sha256 16)" = "$da" ]
}

separate_auth() {
	on_target "$A"; tpm2_changeauth -c o apw 2> /dev/null
	on_target "$B"
	expect_rc 0x9a2 tpm2_changeauth -c o -p apw bpw	# mb's owner auth is empty
	tpm2_changeauth -c o bpw 2> /dev/null
	on_target "$A"; tpm2_changeauth -c o -p apw '' 2> /dev/null
	on_target "$B"; tpm2_changeauth -c o -p bpw '' 2> /dev/null
}

# a session started on ma's /dev/tpmN is not among mb's
separate_sessions() {
	local s=$WORK/ms.ctx
	on_target ma=device:/dev/tpm$a
	tpm2_startauthsession --policy-session -S "$s"
	# the tool saved it (ContextSave) as it ended
	{ tpm2_getcap handles-loaded-session; tpm2_getcap handles-saved-session; } | grep -q '^- 0x'
	on_target mb=device:/dev/tpm$b
	! tpm2_getcap handles-loaded-session | grep -q .
	! tpm2_getcap handles-saved-session | grep -q .
	on_target ma=device:/dev/tpm$a
	tpm2_flushcontext "$s"
}

tap_plan 3
tap_check "two instances: different PCR 16 values; a reset of one leaves the other" different_pcrs
tap_check "owner auth set on one instance does not apply to the other (0x9a2)" separate_auth
tap_check "a session of one instance is not among the other's loaded or saved sessions" separate_sessions
tap_done
