# SPDX-License-Identifier: GPL-2.0
# Helpers of the vtpm suite (sourced after ../lib.sh).
#
# A check runs once per target: TARGETS holds "LABEL=TCTI" words, e.g.
# "vtpm=device:/dev/tpmrm1 vtpm-direct=device:/dev/tpm1 swtpm=device:/dev/tpmrm0".
# The reference (swtpm) must pass every check that vtpm passes: the suite
# asserts what tpm2-tools print against an independent computation
# (coreutils' sha*sum, python3), never against the other TPM's answer.

# on_target LABEL=TCTI: make tpm2-tools talk to that TPM
on_target() {
	T_LABEL=${1%%=*}
	export TPM2TOOLS_TCTI=${1#*=}
}

# hex of stdin's bytes, lower case, one line
bin2hex() { od -An -v -tx1 | tr -d ' \n'; }
# bytes of a hex string
hex2bin() { printf '%s' "$1" | xxd -r -p; }

# hash_hex ALG: digest (hex) of stdin with coreutils (sha1, sha256, sha384)
hash_hex() { "${1}sum" | cut -d' ' -f1; }

# zeros_hex ALG / ones_hex ALG: an all-0x00 / all-0xff digest of ALG
digest_len() { case $1 in sha1) echo 20 ;; sha256) echo 32 ;; sha384) echo 48 ;; sha512) echo 64 ;; esac; }
zeros_hex() { printf '%0*d' $(($(digest_len "$1") * 2)) 0; }
ones_hex() { local n; n=$(($(digest_len "$1") * 2)); printf 'f%.0s' $(seq "$n"); }

# pcr_hex ALG INDEX: the PCR's value as tpm2_pcrread prints it (lower case)
pcr_hex() {
	tpm2_pcrread "$1:$2" | sed -n "s/^ *$2 *: 0x//p" | tr 'A-F' 'a-f'
}

# pcr_banks_hex INDEX BANK...: "BANK VALUE" lines, one tpm2_pcrread
pcr_banks_hex() {
	local i=$1 spec; shift
	spec=$(printf "%s:$i+" "$@")
	tpm2_pcrread "${spec%+}" | awk -v i="$i" '
		/^ *[a-z0-9]+:$/ { b = $1; sub(/:$/, "", b); next }
		{ line = $0; sub(/^ */, "", line) }
		line ~ "^" i " *: 0x" { v = line; sub(/^.*: 0x/, "", v); print b, tolower(v) }'
}

# extend_hex ALG OLD_HEX DATA_HEX: H(old || data), the PCR after an extend
extend_hex() { hex2bin "$2$3" | hash_hex "$1"; }

# tpm_rc CMD...: run a tool that must fail; prints the TPM response code it
# reported (tpm2-tools print "... ErrorCode (0xXXXXXXXX)")
tpm_rc() {
	local out hex
	if out=$("$@" 2>&1); then
		echo "succeeded"
		return 0
	fi
	hex=$(printf '%s\n' "$out" | sed -n 's/.*ErrorCode (0x\([0-9a-fA-F]*\)).*/\1/p' | tail -n1)
	if [ -z "$hex" ]; then
		echo "failed without a TPM code: $(printf '%s' "$out" | tail -n1)"
		return 0
	fi
	printf '0x%x\n' $((16#$hex))
}

# expect_rc RC CMD...: the tool fails with TPM response code RC (0x...)
expect_rc() {
	local want=$1 got; shift
	got=$(tpm_rc "$@")
	[ "$got" = "$want" ] && return 0
	echo "$*: want TPM response $want, got $got"
	return 1
}

# check_each NAME FN: tap_check "LABEL: NAME" FN, once per target
check_each() {
	local name=$1 t; shift
	for t in $TARGETS; do
		on_target "$t"
		tap_check "$T_LABEL: $name" "$@"
	done
}

# check_direct NAME FN: the same on DIRECT_TARGETS
check_direct() {
	local name=$1 t; shift
	for t in $DIRECT_TARGETS; do
		on_target "$t"
		tap_check "$T_LABEL: $name" "$@"
	done
}

# ntargets: number of targets (for plans)
ntargets() { set -- $TARGETS; echo $#; }
ndirect() { set -- $DIRECT_TARGETS; echo $#; }
