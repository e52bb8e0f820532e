#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# smoke.sh - tpm2-tools 5.4 against the vtpm engine on the host (vtpm-sim,
# mssim TCTI), or the same against swtpm for comparison. TAP 13.
#
#   smoke.sh [-s] [-p PORT] [-b BANKS]
#     -s        run against `swtpm socket --tpm2` instead of vtpm-sim
#     -p PORT   command port (PORT+1 is the platform/control port)
#     -b BANKS  vtpm-sim's PCR banks (default sha1,sha256)
#
# PCR values are checked against python3's hashlib, hashes against
# sha*sum. Needs tpm2-tools, python3 (and swtpm for -s).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SIM=$HERE/vtpm-sim
PORT=$((24000 + $$ % 1000 * 2))
BANKS=sha1,sha256
SWTPM=0
while getopts "sp:b:" o; do
	case $o in
	s) SWTPM=1 ;;
	p) PORT=$OPTARG ;;
	b) BANKS=$OPTARG ;;
	*) echo "usage: smoke.sh [-s] [-p PORT] [-b BANKS]" >&2; exit 2 ;;
	esac
done

TMP=$(mktemp -d)
SERVER=
cleanup() {
	[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

if [ $SWTPM = 1 ]; then
	swtpm socket --tpm2 --server type=tcp,port=$PORT \
		--ctrl type=tcp,port=$((PORT + 1)) --tpmstate dir="$TMP" \
		--flags not-need-init > "$TMP/server.log" 2>&1 &
	SERVER=$!
	export TPM2TOOLS_TCTI=swtpm:host=127.0.0.1,port=$PORT
else
	[ -x "$SIM" ] || make -s -C "$HERE" vtpm-sim >&2
	"$SIM" -p $PORT -b "$BANKS" > "$TMP/server.log" 2>&1 &
	SERVER=$!
	export TPM2TOOLS_TCTI=mssim:host=127.0.0.1,port=$PORT
fi
for _ in $(seq 50); do
	(exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break
	sleep 0.1
done

n=0
fail=0
echo "TAP version 13"
# check DESCRIPTION CMD...: CMD must succeed
check() {
	local d=$1
	shift
	n=$((n + 1))
	if "$@" > "$TMP/out" 2>&1; then
		echo "ok $n - $d"
	else
		fail=$((fail + 1))
		echo "not ok $n - $d"
		sed 's/^/# /' "$TMP/out" | head -20
	fi
}

# check_fails DESCRIPTION CMD...: CMD must fail
check_fails() {
	local d=$1
	shift
	n=$((n + 1))
	if "$@" > "$TMP/out" 2>&1; then
		fail=$((fail + 1))
		echo "not ok $n - $d (it succeeded)"
	else
		echo "ok $n - $d"
	fi
}

# PCR value after extends: pcr_expect ALG INITIAL-HEX DIGEST-HEX...
pcr_expect() {
	python3 - "$@" <<'EOF'
import hashlib, sys
alg, v = sys.argv[1], bytes.fromhex(sys.argv[2])
for d in sys.argv[3:]:
    v = hashlib.new(alg, v + bytes.fromhex(d)).digest()
print(v.hex())
EOF
}

# the value of one PCR as hex, lower case: pcr_value ALG INDEX
pcr_value() {
	tpm2_pcrread "$1:$2" | sed -n 's/.*: 0x\([0-9A-F]*\)$/\1/p' | tr A-F a-f
}

eq() {
	[ "$1" = "$2" ] || { echo "got      $1"; echo "expected $2"; return 1; }
}

t_startup_again() {
	tpm2_startup -c	# TPM_RC_INITIALIZE: the tool still exits 0
}

t_getrandom() {
	local len
	len=$(tpm2_getrandom "$1" | wc -c)
	eq "$len" "$1"
}

t_readclock() {
	tpm2_readclock > "$TMP/clock"
	grep -q 'reset_count:' "$TMP/clock" && grep -q 'safe: yes' "$TMP/clock"
}

t_pcrread_initial() {
	eq "$(pcr_value sha256 0)" "$(printf '0%.0s' $(seq 64))" &&
	eq "$(pcr_value sha256 17)" "$(printf 'f%.0s' $(seq 64))"
}

t_pcrextend() {
	local d1 d256 old1 old256
	d1=$(printf 'vhv-smoke' | sha1sum | cut -d' ' -f1)
	d256=$(printf 'vhv-smoke' | sha256sum | cut -d' ' -f1)
	old1=$(pcr_value sha1 16)
	old256=$(pcr_value sha256 16)
	tpm2_pcrextend "16:sha1=$d1,sha256=$d256" &&
	eq "$(pcr_value sha1 16)" "$(pcr_expect sha1 "$old1" "$d1")" &&
	eq "$(pcr_value sha256 16)" "$(pcr_expect sha256 "$old256" "$d256")"
}

t_pcrreset() {
	tpm2_pcrreset 16 &&
	eq "$(pcr_value sha256 16)" "$(printf '0%.0s' $(seq 64))"
}

t_pcrevent() {
	local d old
	head -c "$1" /dev/urandom > "$TMP/event"
	d=$(sha256sum "$TMP/event" | cut -d' ' -f1)
	old=$(pcr_value sha256 23)
	tpm2_pcrevent 23 "$TMP/event" > "$TMP/ev.out" &&
	grep -qi "$d" "$TMP/ev.out" &&
	eq "$(pcr_value sha256 23)" "$(pcr_expect sha256 "$old" "$d")"
}

t_hash() {
	local alg=$1 len=$2 got
	head -c "$len" /dev/urandom > "$TMP/data"
	got=$(tpm2_hash -g "$alg" --hex -t "$TMP/ticket" "$TMP/data")
	eq "$got" "$("${alg}sum" "$TMP/data" | cut -d' ' -f1)" &&
	[ -s "$TMP/ticket" ]
}

t_policypcr() {
	tpm2_startauthsession --policy-session -S "$TMP/s.ctx" &&
	tpm2_policypcr -S "$TMP/s.ctx" -l sha256:0,1,16 -L "$TMP/p1" &&
	tpm2_flushcontext "$TMP/s.ctx" &&
	tpm2_createpolicy --policy-pcr -l sha256:0,1,16 -L "$TMP/p2" &&
	cmp "$TMP/p1" "$TMP/p2"
}

t_saved_session() {
	local before
	before=$(tpm2_getcap handles-saved-session | grep -c 0x)
	tpm2_startauthsession -S "$TMP/t.ctx" &&
	eq "$(tpm2_getcap handles-saved-session | grep -c 0x)" $((before + 1)) &&
	tpm2_flushcontext "$TMP/t.ctx" &&
	eq "$(tpm2_getcap handles-saved-session | grep -c 0x)" "$before"
}

t_clear_resets_auth() {
	tpm2_changeauth -c owner opass &&
	tpm2_getcap properties-variable | grep -q 'ownerAuthSet: *1' &&
	tpm2_clear lpass &&
	tpm2_getcap properties-variable | grep -q 'ownerAuthSet: *0' &&
	tpm2_changeauth -c owner newowner &&
	tpm2_changeauth -c owner -p newowner
}

check "startup clear" tpm2_startup -c
check "startup again (INITIALIZE, tool exits 0)" t_startup_again
check "selftest" tpm2_selftest
check "selftest --fulltest" tpm2_selftest --fulltest
check "gettestresult" tpm2_gettestresult
check "getrandom 32" t_getrandom 32
check "getrandom 64" t_getrandom 64
check "readclock" t_readclock
check "pcrread initial values (PCR 0 zero, PCR 17 all ones)" t_pcrread_initial
check "pcrread all banks" tpm2_pcrread
check "pcrextend sha1+sha256 on PCR 16, values as hashlib" t_pcrextend
check "pcrreset 16" t_pcrreset
check "pcrevent 23 (100 bytes), value as hashlib" t_pcrevent 100
check "pcrevent 23 (3000 bytes: event sequence)" t_pcrevent 3000
check "hash sha1 short" t_hash sha1 100
check "hash sha256 short" t_hash sha256 1000
check "hash sha384 (sequence, 5000 bytes)" t_hash sha384 5000
check "hash sha256 (sequence, 1025 bytes)" t_hash sha256 1025
for cap in $(tpm2_getcap -l | sed 's/^- //'); do
	check "getcap $cap" tpm2_getcap "$cap"
done
check "testparms aes128cfb" tpm2_testparms aes128cfb
check "testparms hmac" tpm2_testparms hmac
check "startauthsession (trial) shows as a saved session" t_saved_session
check "policypcr digest == createpolicy's" t_policypcr
check "changeauth lockout" tpm2_changeauth -c lockout lpass
check "clear with lockout auth empties the owner auth" t_clear_resets_auth
check_fails "changeauth owner with a wrong password fails" \
	tpm2_changeauth -c owner -p wrong x
check "clearcontrol (lockout) disables clear" tpm2_clearcontrol -C l s
check_fails "clear is refused (TPM_RC_DISABLED)" tpm2_clear
check "clearcontrol (platform) enables clear" tpm2_clearcontrol -C p c
check "clear (platform)" tpm2_clear -c p
check "hierarchycontrol: disable the owner hierarchy" \
	tpm2_hierarchycontrol -C p shEnable clear
check_fails "changeauth of the disabled owner hierarchy fails" \
	tpm2_changeauth -c owner x
check "hierarchycontrol: enable it again" \
	tpm2_hierarchycontrol -C p shEnable set
check "changeauth platform" tpm2_changeauth -c platform ppass
check "shutdown clear" tpm2_shutdown -c
check "the server is still running" kill -0 "$SERVER"

echo "1..$n"
echo "# $((n - fail)) passed, $fail failed"
[ $fail = 0 ]
