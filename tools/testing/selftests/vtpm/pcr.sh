#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# PCRs on every bank (SHA-1, SHA-256, SHA-384): read, extend, event
# (short data, and data over 1024 bytes which tpm2-tools hash with a
# sequence), reset where the PC Client profile allows it; every value is
# checked against coreutils' sha1sum/sha256sum/sha384sum.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/tpmlib.sh"
source "$(dirname "$0")/targets.sh"
set -e

BANKS="sha1 sha256 sha384"

read_all() {
	local n
	n=$(tpm2_pcrread sha1:all+sha256:all+sha384:all | grep -c '^ *[0-9]* *: 0x')
	[ "$n" -eq 72 ] || { echo "read $n values, want 72"; return 1; }
}

# after a reset, PCR 16 and 23 are zero on every bank
reset_16_23() {
	local b v i
	tpm2_pcrreset 16
	tpm2_pcrreset 23
	for i in 16 23; do
		while read -r b v; do
			[ "$v" = "$(zeros_hex $b)" ] || { echo "$b:$i $v"; return 1; }
		done < <(pcr_banks_hex $i $BANKS)
		[ "$(pcr_banks_hex $i $BANKS | wc -l)" -eq 3 ] || { echo "PCR $i: not 3 banks"; return 1; }
	done
}

# PCR 0..15 need locality 3/4 or a TPM reset: refused at locality 0
reset_0_refused() { expect_rc 0x907 tpm2_pcrreset 0; }

# one extend of all banks at once, twice: each bank chains H(old || new)
extend_chain() {
	local b d v spec want round
	tpm2_pcrreset 16
	for round in 1 2; do
		spec=16:
		declare -A digest=()
		for b in $BANKS; do
			d=$(head -c "$(digest_len $b)" /dev/urandom | bin2hex)
			digest[$b]=$d
			spec="$spec$b=$d,"
		done
		declare -A before=() after=()
		while read -r b v; do before[$b]=$v; done < <(pcr_banks_hex 16 $BANKS)
		tpm2_pcrextend "${spec%,}"
		while read -r b v; do after[$b]=$v; done < <(pcr_banks_hex 16 $BANKS)
		for b in $BANKS; do
			want=$(extend_hex $b "${before[$b]}" "${digest[$b]}")
			[ "${after[$b]}" = "$want" ] ||
				{ echo "round $round $b: ${after[$b]}, want $want"; return 1; }
		done
	done
}

# PCR_Event: each bank is extended with the bank's hash of the data
event_size() {
	local size=$1 b v f=$WORK/event.$T_LABEL want out
	head -c "$size" /dev/urandom > "$f"
	tpm2_pcrreset 23
	out=$(tpm2_pcrevent 23 "$f")
	declare -A after=()
	while read -r b v; do after[$b]=$v; done < <(pcr_banks_hex 23 $BANKS)
	for b in $BANKS; do
		want=$(hash_hex $b < "$f")
		printf '%s\n' "$out" | grep -qi "^$b: *$want\$" ||
			{ echo "pcrevent printed no $b digest $want"; printf '%s\n' "$out"; return 1; }
		want=$(extend_hex $b "$(zeros_hex $b)" "$want")
		[ "${after[$b]}" = "$want" ] || { echo "$b:23 ${after[$b]}, want $want"; return 1; }
	done
}

extend_unknown_pcr() { ! tpm2_pcrextend 24:sha256=$(zeros_hex sha256) 2> /dev/null; }

targets_setup
tap_plan $(($(ntargets) * 7))
check_each "pcrread of 24 PCRs on sha1, sha256, sha384" read_all
check_each "pcrreset 16 and 23: zero on every bank" reset_16_23
check_each "pcrreset 0 is refused (locality, 0x907)" reset_0_refused
check_each "pcrextend of three banks at once, twice: H(old || digest)" extend_chain
check_each "pcrevent of 100 bytes: every bank's hash, extended" event_size 100
check_each "pcrevent of 3000 bytes (a hash sequence): every bank" event_size 3000
check_each "pcrextend of PCR 24 fails" extend_unknown_pcr
tap_done
