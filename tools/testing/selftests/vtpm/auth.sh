#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Authorization: hierarchy auth values through tpm2-tools' HMAC sessions
# (unbound, unsalted, also for an empty password), a wrong password,
# Clear with the lockout auth, a bound HMAC session, policy sessions
# whose digests are checked against a computation from the Part 2/3
# formulas (sha256sum over the marshalled inputs) and tpm2_createpolicy,
# and a hierarchy's authPolicy (tpm2_setprimarypolicy) that a policy
# session satisfies.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/tpmlib.sh"
source "$(dirname "$0")/targets.sh"
set -e

# flush_sessions: a tool that failed over /dev/tpmN leaves its sessions
# loaded (nothing flushes them at close, unlike /dev/tpmrmN)
flush_sessions() {
	tpm2_flushcontext -l 2> /dev/null || true
	tpm2_flushcontext -s 2> /dev/null || true
}

# tpm2-tools 5.4 print "Invalid serialized ESYS_TR size" for -c o: noise
q() { "$@" 2> "$WORK/err" || { cat "$WORK/err"; return 1; }; }

owner_auth() {
	q tpm2_changeauth -c o ownpw
	expect_rc 0x9a2 tpm2_changeauth -c o -p wrong other	# BAD_AUTH, session 1
	q tpm2_changeauth -c o -p ownpw ''
	q tpm2_changeauth -c o ''				# empty again
}

# Clear (lockout auth) resets the owner's auth
clear_resets_owner() {
	q tpm2_changeauth -c o ownpw
	q tpm2_changeauth -c l lockpw
	q tpm2_clear -c l lockpw
	q tpm2_changeauth -c o ''	# works only if Clear emptied ownpw
	q tpm2_changeauth -c l ''	# and lockpw
}

# a session bound to the owner (auth ownpw) authorizes the endorsement
# hierarchy (auth empty): the bind auth is in the session key only
bound_session() {
	local s=$WORK/s.$T_LABEL.ctx
	flush_sessions
	q tpm2_changeauth -c o ownpw
	q tpm2_startauthsession --hmac-session -S "$s" --bind-context o --bind-auth ownpw
	q tpm2_changeauth -c e -p "session:$s" epw
	tpm2_flushcontext "$s" 2> /dev/null || true
	q tpm2_changeauth -c e -p epw ''
	q tpm2_changeauth -c o -p ownpw ''
}

# sha256 of the concatenated hex arguments
h256() { hex2bin "$(printf '%s' "$@")" | hash_hex sha256; }

# PolicyPCR over sha256:0,1,16 as Part 3 defines it
policy_pcr_expected() {
	local pcrs
	pcrs=$(h256 "$(pcr_hex sha256 0)" "$(pcr_hex sha256 1)" "$(pcr_hex sha256 16)")
	# TPML_PCR_SELECTION: count 1, sha256, 3 bytes, PCR 0,1 | PCR 16
	h256 "$(zeros_hex sha256)" 0000017f 00000001 000b 03 030001 "$pcrs"
}

createpolicy_pcr() {
	local f=$WORK/cp.$T_LABEL want
	tpm2_pcrextend 16:sha256=$(head -c 32 /dev/urandom | bin2hex)
	want=$(policy_pcr_expected)
	q tpm2_createpolicy --policy-pcr -l sha256:0,1,16 -L "$f"
	[ "$(bin2hex < "$f")" = "$want" ] || { echo "createpolicy $(bin2hex < "$f"), want $want"; return 1; }
}

# a policy session, one tool per step: PolicyPCR, PolicyCommandCode,
# PolicyAuthValue, PolicyOR, PolicyRestart
policy_chain() {
	local s=$WORK/p.$T_LABEL.ctx f=$WORK/pd.$T_LABEL d1 d2 d3 d4 other
	flush_sessions
	q tpm2_startauthsession --policy-session -S "$s"
	q tpm2_policypcr -S "$s" -l sha256:0,1,16 -L "$f"
	d1=$(policy_pcr_expected)
	[ "$(bin2hex < "$f")" = "$d1" ] || { echo "policypcr $(bin2hex < "$f"), want $d1"; return 1; }
	q tpm2_policycommandcode -S "$s" -L "$f" TPM2_CC_HierarchyChangeAuth
	d2=$(h256 "$d1" 0000016c 00000129)
	[ "$(bin2hex < "$f")" = "$d2" ] || { echo "policycommandcode $(bin2hex < "$f"), want $d2"; return 1; }
	q tpm2_policyauthvalue -S "$s" -L "$f"
	d3=$(h256 "$d2" 0000016b)
	[ "$(bin2hex < "$f")" = "$d3" ] || { echo "policyauthvalue $(bin2hex < "$f"), want $d3"; return 1; }
	other=$(head -c 32 /dev/urandom | bin2hex)
	hex2bin "$d3" > "$f.a"
	hex2bin "$other" > "$f.b"
	q tpm2_policyor -S "$s" -L "$f" -l "sha256:$f.a,$f.b"
	d4=$(h256 "$(zeros_hex sha256)" 00000171 "$d3" "$other")
	[ "$(bin2hex < "$f")" = "$d4" ] || { echo "policyor $(bin2hex < "$f"), want $d4"; return 1; }
	q tpm2_policyrestart -S "$s"
	q tpm2_policyauthvalue -S "$s" -L "$f"
	d1=$(h256 "$(zeros_hex sha256)" 0000016b)
	[ "$(bin2hex < "$f")" = "$d1" ] || { echo "policyauthvalue after policyrestart $(bin2hex < "$f"), want $d1"; return 1; }
	q tpm2_flushcontext "$s"
}

# PolicyOR refuses when the current digest is not in the list
policy_or_refused() {
	local s=$WORK/po.$T_LABEL.ctx f=$WORK/po.$T_LABEL rc
	flush_sessions
	q tpm2_startauthsession --policy-session -S "$s"
	head -c 32 /dev/urandom > "$f.a"
	head -c 32 /dev/urandom > "$f.b"
	rc=$(tpm_rc tpm2_policyor -S "$s" -l "sha256:$f.a,$f.b")
	tpm2_flushcontext "$s" 2> /dev/null || true
	[ "$rc" = 0x1c4 ] || { echo "policyor of foreign digests: $rc, want 0x1c4 (VALUE, parameter 1)"; return 1; }
}

# the owner's authPolicy: PolicyCommandCode(HierarchyChangeAuth) lets a
# policy session change the owner's auth, once per session; the wrong
# command code, a removed policy, or Clear (for lockout's) refuse it
primary_policy() {
	local s=$WORK/pp.$T_LABEL.ctx f=$WORK/pp.$T_LABEL
	flush_sessions
	q tpm2_startauthsession -S "$s"		# trial: the policy's digest
	q tpm2_policycommandcode -S "$s" -L "$f" TPM2_CC_HierarchyChangeAuth > /dev/null
	q tpm2_flushcontext "$s"
	expect_rc 0x1d5 tpm2_setprimarypolicy -C o -L "$f" -g sha1	# SIZE, parameter 1
	q tpm2_setprimarypolicy -C o -L "$f" -g sha256
	q tpm2_startauthsession --policy-session -S "$s"
	q tpm2_policycommandcode -S "$s" TPM2_CC_HierarchyChangeAuth > /dev/null
	q tpm2_changeauth -c o -p "session:$s" viapolicy
	# the use reset the session's digest: POLICY_FAIL, session 1
	expect_rc 0x99d tpm2_changeauth -c o -p "session:$s" again
	q tpm2_flushcontext "$s"
	q tpm2_changeauth -c o -p viapolicy ''	# the auth set through the policy
	q tpm2_startauthsession --policy-session -S "$s"
	q tpm2_policycommandcode -S "$s" TPM2_CC_Clear > /dev/null
	expect_rc 0x99d tpm2_changeauth -c o -p "session:$s" x
	q tpm2_flushcontext "$s"
	q tpm2_setprimarypolicy -C o			# no policy: AUTH_UNAVAILABLE
	q tpm2_startauthsession --policy-session -S "$s"
	q tpm2_policycommandcode -S "$s" TPM2_CC_HierarchyChangeAuth > /dev/null
	expect_rc 0x12f tpm2_changeauth -c o -p "session:$s" x
	q tpm2_setprimarypolicy -C l -L "$f" -g sha256
	q tpm2_clear -c l				# empties lockout's policy
	expect_rc 0x12f tpm2_changeauth -c l -p "session:$s" x
	q tpm2_flushcontext "$s"
}

targets_setup
tap_plan $(($(ntargets) * 3 + $(ndirect) * 4))
check_each "changeauth owner (HMAC session, empty then set), wrong password 0x9a2" owner_auth
check_each "clear with the lockout auth empties owner and lockout auth" clear_resets_owner
check_each "createpolicy --policy-pcr sha256:0,1,16 equals the Part 3 digest" createpolicy_pcr
check_direct "a session bound to the owner authorizes changeauth of endorsement" bound_session
check_direct "policy session: policypcr, policycommandcode, policyauthvalue, policyor, policyrestart digests" policy_chain
check_direct "policyor with digests that are not the session's fails (0x1c4)" policy_or_refused
check_direct "setprimarypolicy: a policy session authorizes changeauth of owner as the policy says" primary_policy
tap_done
