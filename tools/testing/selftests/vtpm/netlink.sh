#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The "vtpm" generic netlink family refuses what it must, with a message
# that names the problem, and changes nothing when it refuses:
#   raw     genl.py: a missing, malformed or unknown attribute, values out
#           of range, names of no instance
#   cli     vtpmctl's messages for the common mistakes
#   perm    an unprivileged user may list, may reset an instance it owns,
#           and nothing else
#   same    after all of it, the instances are exactly those of before
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/tpmlib.sh"
source "$(dirname "$0")/targets.sh"
set -e

GENL="$(dirname "$0")/../genl.py -f vtpm"
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all"

targets_setup
vtpm_new own owner 65534 > /dev/null || tap_bail "instance add own failed"
before=$("$VTPMCTL" instance show | sort)

# raw NAME WANT WORDS...: genl.py's answer to WORDS must be WANT
RAW=() WANT=() NAMES=()
raw() { NAMES+=("$1"); WANT+=("$2"); shift 2; RAW+=("$*"); }
EINVAL="1 genl.py: Invalid argument:"
ERANGE="1 genl.py: Numerical result out of range:"
long=$(printf 'x%.0s' $(seq 33))
raw "new without a name" "$EINVAL vtpm: instance name (name) is required (missing name)" instance-new
raw "new with a u32 name" "$EINVAL" instance-new name:u32=5
raw "new with an empty name" "$EINVAL" instance-new name=
raw "new with a 33-character name" "$EINVAL" instance-new "name=$long"
raw "new with a / in the name" "$EINVAL" instance-new name=a/b
raw "new with mode 01000" "$ERANGE" instance-new name=m1 mode=0o1000
raw "new with mode 0" "$EINVAL" instance-new name=m2 mode=0
raw "new with no bank" "$EINVAL" instance-new name=b1 banks=0
raw "new with an unknown bank (bit 3)" "$EINVAL" instance-new name=b2 banks=8
raw "new with an unknown attribute" "$EINVAL" instance-new name=u1 99:u32=1
raw "new with dev-num (reply only)" "$EINVAL" instance-new name=d1 dev-num=3
raw "del without id or name" "$EINVAL vtpm: instance id or name is required (missing name)" instance-del
raw "del of no instance" "1 genl.py: No such file or directory:" instance-del name=nosuch
raw "reset of id 100000" "1 genl.py: No such file or directory:" instance-reset id=100000
raw "get of no instance" "1 genl.py: No such file or directory:" instance-get name=nosuch
raw "new of an existing name" "1 genl.py: File exists: vtpm: an instance of this name exists" instance-new name=own

printf '%s\n' "${RAW[@]}" | $GENL -b > "$WORK/raw.out" 2>&1 || diag "genl.py -b: exit $?"

tap_plan $(( ${#RAW[@]} + 7 ))
for i in "${!RAW[@]}"; do
	got=$(sed -n "$((i + 1))p" "$WORK/raw.out")
	case $got in
	"${WANT[$i]}"*) tap_ok "raw: ${NAMES[$i]}: ${got#1 genl.py: }" ;;
	*) diag "sent: ${RAW[$i]}"; diag "got: $got"; diag "want: ${WANT[$i]}..."
	   tap_notok "raw: ${NAMES[$i]}" ;;
	esac
done

cli_messages() {
	local out
	out=$("$VTPMCTL" instance add own 2>&1) && return 1
	echo "$out"; printf '%s\n' "$out" | grep -q 'vtpm: an instance of this name exists'
	out=$("$VTPMCTL" instance del nosuch 2>&1) && return 1
	echo "$out"; printf '%s\n' "$out" | grep -q 'vtpm: no instance has this name'
}
tap_check "cli: vtpmctl prints the kernel's message (exists, no such instance), exit 1" cli_messages

tap_check "perm: nobody may list instances" $NOBODY "$VTPMCTL" instance show
perm_refused() {
	local out
	if out=$($NOBODY "$VTPMCTL" "$@" 2>&1); then echo "allowed: $*"; return 1; fi
	echo "$out"
	printf '%s\n' "$out" | grep -q 'Operation not permitted'
}
tap_check "perm: nobody may not add an instance (EPERM)" perm_refused instance add stranger
tap_check "perm: nobody may not delete one (EPERM)" perm_refused instance del own
tap_check "perm: nobody may not reset t1 (owner root) (EPERM)" perm_refused instance reset t1
tap_check "perm: nobody may reset own (owner nobody)" $NOBODY "$VTPMCTL" instance reset own

same() {
	local after
	after=$("$VTPMCTL" instance show | sort)
	[ "$after" = "$before" ] || { diff <(echo "$before") <(echo "$after"); return 1; }
}
tap_check "same: after every refusal the instances are those of before" same
tap_done
