#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# TPM2_Hash and the hash sequences (tpm2_hash uses HashSequenceStart /
# SequenceUpdate / SequenceComplete for data over 1024 bytes), checked
# against coreutils; the hash-check ticket's form for a hierarchy, for the
# null hierarchy and for data that starts with TPM_GENERATED_VALUE.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/tpmlib.sh"
source "$(dirname "$0")/targets.sh"
set -e

# hash_size SIZE ALG...: tpm2_hash of SIZE random bytes equals ALGsum
hash_size() {
	local size=$1 alg f=$WORK/data.$T_LABEL got want; shift
	head -c "$size" /dev/urandom > "$f"
	for alg in "$@"; do
		got=$(tpm2_hash -g "$alg" --hex "$f")
		want=$(hash_hex "$alg" < "$f")
		[ "$got" = "$want" ] || { echo "$alg of $size bytes: $got, want $want"; return 1; }
	done
}

# the default algorithm of tpm2_hash is sha1
hash_default_sha1() {
	local f=$WORK/data.$T_LABEL
	head -c 64 /dev/urandom > "$f"
	[ "$(tpm2_hash --hex "$f")" = "$(hash_hex sha1 < "$f")" ]
}

# ticket HIERARCHY DATA_HEX: prints the ticket's tag, hierarchy, digest size
ticket() {
	local f=$WORK/tk.$T_LABEL
	hex2bin "$2" > "$f.in"
	tpm2_hash -C "$1" -g sha256 -t "$f" "$f.in" > /dev/null
	bin2hex < "$f" | sed 's/^\(....\)\(........\)\(....\).*/\1 \2 \3/'
}

tickets() {
	local t
	t=$(ticket o 0011223344556677)
	case $t in "8024 40000001 00"[0-9a-f][0-9a-f]) [ "${t##* }" != 0000 ] ;; *) false ;; esac ||
		{ echo "owner ticket: $t"; return 1; }
	t=$(ticket n 0011223344556677)
	[ "$t" = "8024 40000007 0000" ] || { echo "null-hierarchy ticket: $t"; return 1; }
	t=$(ticket o ff5443470011)
	[ "$t" = "8024 40000007 0000" ] || { echo "TPM_GENERATED_VALUE data got: $t"; return 1; }
}

unknown_alg() { ! tpm2_hash -g sm3_256 /etc/hostname > /dev/null 2>&1; }

targets_setup
tap_plan $(($(ntargets) * 6))
check_each "hash of 100 bytes: sha1, sha256, sha384" hash_size 100 sha1 sha256 sha384
check_each "hash of 0 bytes: sha256" hash_size 0 sha256
check_each "hash of 5000 bytes (a sequence): sha1, sha256, sha384" hash_size 5000 sha1 sha256 sha384
check_each "hash without -g is sha1" hash_default_sha1
check_each "hash-check tickets: owner, null hierarchy, TPM_GENERATED_VALUE data" tickets
check_each "hash with an algorithm the TPM lacks (sm3_256) fails" unknown_alg
tap_done
