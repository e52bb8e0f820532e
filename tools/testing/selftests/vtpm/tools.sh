#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tpm2-tools' basic commands on every target: startup, self test, every
# capability, random, clock, algorithm tests. With a reference in TARGETS,
# vtpm's command attributes (TPMA_CC, which the kernel's /dev/tpmrm
# depends on) must equal the reference's for every command vtpm has.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/tpmlib.sh"
source "$(dirname "$0")/targets.sh"
set -e

CAPS="algorithms commands pcrs properties-fixed properties-variable ecc-curves
handles-transient handles-persistent handles-permanent handles-pcr
handles-nv-index handles-loaded-session handles-saved-session"

startup_twice() {
	tpm2_startup -c		# already started: 0x100, which the tool accepts
	tpm2_selftest -f
	tpm2_gettestresult | grep -q 'status: *success'
}

getcap_all() {
	local c
	for c in $CAPS; do
		tpm2_getcap "$c" > "$WORK/$T_LABEL.$c" || { echo "getcap $c failed"; return 1; }
	done
}

# YAML of one command from `tpm2_getcap commands`
cc_field() { awk -v cc="$2:" -v f="$3:" '$1 == cc { on = 1; next } /^[^ ]/ { on = 0 } on && $1 == f { print $2 }' "$1"; }
prop() { awk -v p="$2:" '$1 == p { on = 1; next } on && $1 == "raw:" { print $2; exit }' "$1"; }

caps_sane() {
	local d=$WORK/$T_LABEL total n
	grep -A4 '^sha256:' "$d.algorithms" | grep -q 'hash: *1'
	[ "$(cc_field "$d.commands" TPM2_CC_PCR_Extend cHandles)" = 0x1 ]
	[ "$(cc_field "$d.commands" TPM2_CC_StartAuthSession cHandles)" = 0x2 ]
	[ "$(cc_field "$d.commands" TPM2_CC_StartAuthSession rHandle)" = 1 ]
	[ "$(cc_field "$d.commands" TPM2_CC_ContextLoad rHandle)" = 1 ]
	total=$(prop "$d.properties-fixed" TPM2_PT_TOTAL_COMMANDS)
	n=$(grep -c -v '^ ' "$d.commands")
	[ "$((total))" -eq "$n" ] || { echo "TOTAL_COMMANDS $total, listed $n"; return 1; }
	grep -q 'sha256: \[ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23 \]' "$d.pcrs"
	grep -A2 TPM2_PT_FAMILY_INDICATOR "$d.properties-fixed" | grep -q 'value: "2.0"'
	[ "$(prop "$d.properties-fixed" TPM2_PT_PCR_COUNT)" = 0x18 ]
	[ "$(($(prop "$d.properties-fixed" TPM2_PT_MAX_COMMAND_SIZE)))" -ge 4096 ]
	for h in 0x40000001 0x40000007 0x40000009 0x4000000A 0x4000000B 0x4000000C; do
		grep -qx -- "- $h" "$d.handles-permanent" || { echo "no $h"; return 1; }
	done
	[ "$(wc -l < "$d.handles-pcr")" -eq 24 ]
	grep -q 'TPM2_PT_STARTUP_CLEAR' "$d.properties-variable"
}

random_ok() {
	local a b
	[ "$(tpm2_getrandom 1 | wc -c)" -eq 1 ]
	[ "$(tpm2_getrandom 48 | wc -c)" -eq 48 ]
	a=$(tpm2_getrandom --hex 32) b=$(tpm2_getrandom --hex 32)
	[ "${#a}" -eq 64 ] && [ "$a" != "$b" ]
	tpm2_stirrandom < /etc/hostname
}

# "CLOCK RESET_COUNT" from tpm2_readclock
clock_reset() { tpm2_readclock | awk '/clock:/ { c = $2 } /reset_count:/ { r = $2 } END { print c, r }'; }

clock_moves() {
	local c1 c2 r1 r2
	read -r c1 r1 < <(clock_reset)
	sleep 0.2
	read -r c2 r2 < <(clock_reset)
	echo "clock $c1 -> $c2, reset_count $r1 -> $r2"
	[ "$c2" -gt "$c1" ] && [ "$r1" = "$r2" ]
}

testparms_ok() {
	tpm2_testparms aes128cfb
	tpm2_testparms aes256cfb
	tpm2_testparms hmac
}

# vtpm's TPMA_CC equals the reference's, command by command
same_cc_attrs() {
	local ref=$WORK/$REF_LABEL.commands mine=$WORK/$T_LABEL.commands cc a b bad=0
	for cc in $(grep -o '^TPM2_CC_[A-Za-z0-9_]*' "$mine"); do
		a=$(cc_field "$mine" "$cc" value) b=$(cc_field "$ref" "$cc" value)
		[ "$a" = "$b" ] || { echo "$cc: $a, reference $b"; bad=1; }
	done
	return $bad
}

vendor_not_sw() {
	! grep -A2 TPM2_PT_VENDOR_STRING_1 "$WORK/$T_LABEL.properties-fixed" | grep -q 'value: "SW"'
}

targets_setup
n=$(ntargets)
tap_plan $((n * 6 + $(ntargets_vtpm) * 2))
check_each "startup when started, self test, test result" startup_twice
check_each "getcap of every capability" getcap_all
check_each "capabilities: commands, PCR banks, properties, permanent handles" caps_sane
check_each "getrandom 1/48/32 bytes, stirrandom" random_ok
check_each "readclock: the clock moves, reset count stays" clock_moves
check_each "testparms aes128cfb, aes256cfb, hmac" testparms_ok
for t in $TARGETS; do
	on_target "$t"
	is_vtpm "$T_LABEL" || continue
	tap_check "$T_LABEL: TPMA_CC of every command equals $REF_LABEL's" same_cc_attrs
	tap_check "$T_LABEL: the vendor string is not \"SW\" (tpm2-tools' tests would take it for a simulator)" vendor_not_sw
done
tap_done
