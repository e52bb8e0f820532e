#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# netlink.sh - every bad request to vswitch is refused with a clear message
# and changes nothing.
#
# Each refusal asserts what a user sees: vswctl's exit status (1: the kernel
# refused, 2: a usage error, with the usage), a stable phrase of the message
# it prints (the kernel's extack, named after the request), and that
# `vswctl -p switch show`, `port show`, `fdb show` and `ip -d link show`
# print the same before and after.
#
#   objects    unknown switch, port, device, fdb entry
#   duplicates switch name, device twice, port id twice, static entry twice
#   devices    loopback, internal devices, a bridge port (and a vswitch port
#              enslaved to a bridge: ip refuses it, EBUSY)
#   names      too long, empty, invalid for the internal device, taken
#   ranges     ageing, fdb-max (both ends, and the ends themselves accepted),
#              fdb-max below the count, a full fdb
#   addresses  9 IPv4 / 9 IPv6 (8 + 8 accepted), multicast IPs and MACs
#   limit      64 switches per namespace: the 65th refused, one deleted
#              lets another in
#   perms      without CAP_NET_ADMIN (setpriv, uid 0) every change fails
#              with EPERM, show works and prints the same
#   netns      a switch is invisible elsewhere, its name free elsewhere; a
#              device in another namespace is unknown; a device moved away
#              leaves its switch; a deleted namespace leaves nothing behind
#              (its cleanup completes: the next namespace's cleanup runs)
#   raw        genl.py: a missing required attribute, a wrong type or
#              length, an attribute the operation does not take (strict
#              policies: the extack names the attribute)

# shellcheck disable=SC1083 # genl.py takes a nest as NAME={ ... }
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/vsw.sh"
set -e

GENL=$(dirname "$0")/../genl.py
SW0=nlsw0
SW1=nlsw1
NA=vnl-a-$$
NB=vnl-b-$$
NL=vnl-l-$$
NZ=vnl-z-$$
T=$(mktemp -d)
NOSW="No such file or directory: vswitch: no switch of this name in this namespace (at switch-name)"

cleanup() {
	set +e
	vsw_cleanup
	ip netns del "$NZ" 2>/dev/null
	for d in nla0 nla1 nla2 nla3 nla4 nlbr nsp0 nzp0; do
		ip link del "$d" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT

# check NAME CMD...: one TAP line from CMD's status.
# sx CMD...: CMD in namespace $SNAP_NS (empty: this one), through the
# command $SX_WRAP if set.
SNAP_NS=
SX_WRAP=
sx() {
	if [ -n "$SNAP_NS" ]; then
		ip netns exec "$SNAP_NS" $SX_WRAP "$@"
	else
		$SX_WRAP "$@"
	fi
}

# snapshot: what a user sees of switches, ports, fdb (of the switches in
# SNAP_SW) and devices in namespace $SNAP_NS.
SNAP_SW=()
snapshot() {
	local s
	sx "$VSWCTL" -p switch show 2>&1
	sx "$VSWCTL" -p port show 2>&1
	for s in "${SNAP_SW[@]}"; do sx "$VSWCTL" -p fdb show "$s" 2>&1; done
	sx ip -d -p -j link show
}

# refused NAME STATUS PHRASE CMD...: CMD exits with STATUS and prints PHRASE
# on stderr (and, from vswctl with 2, the usage). That it changed nothing
# is checked for a batch of refusals at once: see unchanged.
PENDING=()
refused() {
	local name=$1 want=$2 phrase=$3 rc=0 bad= err all
	shift 3
	"$@" > "$T/out" 2> "$T/err" || rc=$?
	PENDING+=("$name")
	# (bash builtins from here: one exec per case, the command's)
	mapfile -t err < "$T/err"
	printf -v all '\n%s' "${err[@]}"	# each line after a newline
	[ "$rc" = "$want" ] || bad+=" exit status $rc, not $want;"
	[[ "$all" == *"$phrase"* ]] || bad+=" the message lacks \"$phrase\";"
	if [ "$want" = 2 ] && [[ "$*" == *vswctl* ]] &&
	   [[ "$all" != *$'\nUsage: '* ]]; then
		bad+=" no usage;"
	fi
	diag "${err[0]}"
	if [ -z "$bad" ]; then
		tap_ok "$name"
		return 0
	fi
	tap_notok "$name"
	diag "$*:$bad"
	sed 's/^/#   stderr: /' "$T/err"
}

# unchanged WHAT: what snapshot shows is as it was ($SNAP) after the
# refusals since the last call (one TAP line for them; on a difference,
# the diff and the refusals, and $SNAP updated).
unchanged() {
	local after n=${#PENDING[@]}
	after=$(snapshot)
	if [ "$after" = "$SNAP" ]; then
		tap_ok "$1: the $n refusals changed nothing (vswctl show, fdb show, ip -d link)"
	else
		tap_notok "$1: the $n refusals changed nothing (vswctl show, fdb show, ip -d link)"
		diag "one of: $(printf '%s; ' "${PENDING[@]}")"
		diff <(echo "$SNAP") <(echo "$after") | head -n 30 | sed 's/^/#   /' || true
		SNAP=$after
	fi
	PENDING=()
}

# vswctl in namespace NS.
nsv() {
	local ns=$1
	shift
	"$VSWCTL" -n "$ns" "$@"
}

# sv [NS] ARGS...: vswctl in NS (empty: this namespace).
sv() {
	local ns=$1
	shift
	if [ -n "$ns" ]; then nsv "$ns" "$@"; else vswctl "$@"; fi
}

# switch_names [NS]: the switches of NS (default here), sorted, one line.
switch_names() { sv "$1" switch show | awk -F: '{ print $1 }' | sort | paste -sd ' '; }

# nports NS: the number of ports of NS's only switch ("NAME: ports N ...").
nports() { nsv "$1" switch show | awk '{ print $3 }'; }

tap_plan 121

# ---- setup: two switches with internal ports, ports, static entries ------
diag "[${SECONDS}s] setup: two switches with internal ports, ports, static entries"
# Every device stays down: nothing is learned while the test runs.
for i in 0 1 2 3 4; do
	ip link add nla$i type veth peer name nlb$i
	# the peer goes with it: deleted in cleanup by its name
done
ip link add nlbr type bridge
ip link set nla2 master nlbr
vsw_switch $SW0 internal
vsw_switch $SW1 internal fdb-max 1
vswctl port add $SW0 dev nla0 mac 02:00:00:00:01:01
vswctl port add $SW1 dev nla1
vswctl fdb add $SW0 02:00:00:00:00:aa port 2
vswctl fdb add $SW0 02:00:00:00:00:ab port 2
vswctl fdb add $SW1 02:00:00:00:00:ac port 2
SNAP_SW=("$SW0" "$SW1")
diag "$(vswctl switch show | tr '\n' ';')"

# ---- namespaces --------------------------------------------------------------
diag "[${SECONDS}s] namespaces"
vsw_netns "$NA"
vsw_netns "$NB"
ip link add nsp0 type veth peer name nsa0 netns "$NA"
ip -n "$NA" link add nsa1 type veth peer name nsb1 netns "$NB"
nsv "$NA" switch add nssw internal
nsv "$NA" port add nssw dev nsa0
nsv "$NA" port add nssw dev nsa1
SNAP_NS=$NA SNAP_SW=(nssw)
SNAP=$(snapshot)
here=$(switch_names)
there=$(switch_names "$NB")
diag "switches here: $here; in $NB: ${there:-none}"
check "a switch is not seen from other namespaces" \
	eval '[[ " $here " != *" nssw "* ]] && [ -z "$there" ]'
refused "deleting it from another namespace" 1 "$NOSW" nsv "$NB" switch del nssw
refused "a device of another namespace as a port" 1 \
	"No such device: vswitch: no device with this name in this namespace (at port.ifname)" \
	nsv "$NA" port add nssw dev nsb1
unchanged "$NA, seen from $NB"
same_name() {
	nsv "$NB" switch add nssw internal &&
	[ "$(switch_names "$NB")" = nssw ] && [ "$(switch_names "$NA")" = nssw ] &&
	[ "$(nports "$NA")" = 3 ] &&
	[ "$(nports "$NB")" = 1 ]
}
check "the same switch name in another namespace" same_name
moved() {
	local left
	ip -n "$NA" link set nsa1 netns "$NB" &&
	left=$(nsv "$NA" port show nssw | awk '{ print $5 }' | paste -sd ' ') &&
	diag "ports left in $NA: $left" &&
	[ "$left" = "nssw nsa0" ] &&
	nsv "$NB" port add nssw dev nsa1 &&
	nsv "$NB" port show nssw dev nsa1 | grep -q '^nssw port 2 dev nsa1 '
}
check "a port's device moved away leaves the switch, and is a port there" moved
# Deleting NA destroys its switch: ports released, internal device gone.
# Its cleanup (netns work) runs its devices down, then waits for their last
# references; the next namespace's cleanup runs only after it, so NZ's
# going proves NA's cleanup completed.
gone() { ! ip link show "$1" > /dev/null 2>&1; }
ip netns del "$NA"
check "deleting a namespace with a switch: its cleanup runs past the switch" \
	wait_for "nsp0 (peer of nsa0 in $NA) to go" 120 gone nsp0
vsw_netns "$NZ"
ip link add nzp0 type veth peer name nza0 netns "$NZ"
ip netns del "$NZ"
check "and its cleanup completes (the next namespace's cleanup runs)" \
	wait_for "nzp0 (peer of nza0 in $NZ) to go" 120 gone nzp0
if dmesg | grep -q 'waiting for .* to become free'; then
	dmesg | grep 'to become free' | tail -n 3 | sed 's/^/#   /'
fi
other() {
	nsv "$NB" port show nssw dev nsa1 > /dev/null &&
	[ "$(nports "$NB")" = 2 ]
}
check "the switch of the same name in another namespace is untouched" other
# (NA may be made again: nothing of the old one is left to collide with.)
again() {
	vsw_netns "$NA" && nsv "$NA" switch add nssw internal &&
	[ "$(nports "$NA")" = 1 ]
}
check "a new namespace of the same name starts empty" again
SNAP_NS= SNAP_SW=("$SW0" "$SW1")

# ---- the per-namespace limit -------------------------------------------------
diag "[${SECONDS}s] the per-namespace limit"
vsw_netns "$NL"
ip netns exec "$NL" "$GENL" -r 64 switch-new switch-name=s%i > /dev/null
n=$(nsv "$NL" switch show | wc -l)
diag "namespace $NL: $n switches"
check "64 switches in a namespace" [ "$n" = 64 ]
SNAP_NS=$NL SNAP_SW=()
SNAP=$(snapshot)
refused "the 65th switch in a namespace" 1 \
	"No space left on device: vswitch: namespace has the maximum number of switches" \
	nsv "$NL" switch add s65
unchanged "the 65th switch"
nsv "$NL" switch del s7
check "after one is deleted, another fits" nsv "$NL" switch add s65
n=$(nsv "$NL" switch show | wc -l)
check "the namespace again has 64" [ "$n" = 64 ]
ip netns del "$NL"
SNAP_NS= SNAP_SW=("$SW0" "$SW1")
SNAP=$(snapshot)

# ---- without CAP_NET_ADMIN (uid 0) -----------------------------------------
diag "[${SECONDS}s] without CAP_NET_ADMIN (uid 0)"
noadmin() { setpriv --bounding-set=-net_admin --inh-caps=-net_admin "$@"; }
capeff=$(noadmin awk '/^CapEff/ { print $2 }' /proc/self/status)
diag "CapEff without CAP_NET_ADMIN: $capeff"
check "setpriv drops CAP_NET_ADMIN (bit 12) and keeps the others" \
	[ "$(( 0x$capeff >> 12 & 1 )):$(( 0x$capeff >> 21 & 1 ))" = 0:1 ]
EPERM="Operation not permitted (CAP_NET_ADMIN is needed)"
for c in "switch add nlsw9" "switch set $SW0 ageing 20" "switch del $SW0" \
	 "port add $SW0 dev nla3" "port set $SW0 dev nla0 uplink" \
	 "port del $SW0 dev nla0" "fdb add $SW0 02:00:00:00:00:be port 2" \
	 "fdb del $SW0 02:00:00:00:00:aa" "fdb flush $SW0 static"; do
	# shellcheck disable=SC2086
	refused "without CAP_NET_ADMIN: $c" 1 "$EPERM" noadmin "$VSWCTL" $c
done
unchanged "without CAP_NET_ADMIN"
shows_same() {
	local s
	s=$(SX_WRAP=noadmin snapshot)
	[ "$s" = "$SNAP" ] || { diff <(echo "$SNAP") <(echo "$s") | head -n 20 | sed 's/^/#   /'; return 1; }
}
check "without CAP_NET_ADMIN: switch, port and fdb show print what root sees" shows_same

# ---- objects that do not exist --------------------------------------------
diag "[${SECONDS}s] objects that do not exist"
refused "switch del of an unknown switch" 1 "$NOSW" vswctl switch del nosuch
refused "switch set of an unknown switch" 1 "$NOSW" vswctl switch set nosuch ageing 20
refused "port add to an unknown switch" 1 "$NOSW" vswctl port add nosuch dev nla3
refused "fdb show of an unknown switch" 1 \
	"No such file or directory: vswitch: no switch of this name in this namespace" \
	vswctl fdb show nosuch
refused "port del of an unknown port id" 1 \
	"No such file or directory: vswitch: no port with this id in the switch (at port.id)" \
	vswctl port del $SW0 id 77
refused "port set of a device that is no port" 1 \
	"No such file or directory: vswitch: device is not a port of this switch" \
	vswctl port set $SW0 dev nla3 uplink
refused "port del of another switch's port" 1 \
	"No such file or directory: vswitch: device is not a port of this switch" \
	vswctl port del $SW0 dev nla1
refused "fdb add to an unknown port id" 1 \
	"No such file or directory: vswitch: no port with this id in the switch (at fdb.port-id)" \
	vswctl fdb add $SW0 02:00:00:00:00:bb port 77
refused "fdb del of an unknown MAC" 1 \
	"No such file or directory: vswitch: no fdb entry for this MAC (at fdb.mac)" \
	vswctl fdb del $SW0 02:00:00:00:00:bb
refused "port add of an unknown device" 1 \
	"No such device: vswitch: no device with this name in this namespace (at port.ifname)" \
	vswctl port add $SW0 dev nosuchdev

unchanged "objects that do not exist"

# ---- duplicates -------------------------------------------------------------
diag "[${SECONDS}s] duplicates"
refused "a second switch of the same name" 1 \
	"File exists: vswitch: a switch of this name exists" vswctl switch add $SW0
refused "the same device twice" 1 \
	"Device or resource busy: vswitch: device is already a switch port" \
	vswctl port add $SW0 dev nla0
refused "a port of another switch" 1 \
	"Device or resource busy: vswitch: device is already a switch port" \
	vswctl port add $SW0 dev nla1
refused "the same port id twice" 1 \
	"Device or resource busy: vswitch: port id is in use" \
	vswctl port add $SW0 dev nla3 id 2
refused "the same static entry twice" 1 \
	"File exists: vswitch: a static entry for this MAC exists" \
	vswctl fdb add $SW0 02:00:00:00:00:aa port 2

unchanged "duplicates"

# ---- devices that cannot be ports -----------------------------------------
diag "[${SECONDS}s] devices that cannot be ports"
refused "loopback as a port" 1 \
	"Invalid argument: vswitch: a loopback device cannot be a port" \
	vswctl port add $SW0 dev lo
refused "the switch's own internal device as a port" 1 \
	"Invalid argument: vswitch: a switch's internal device cannot be a port" \
	vswctl port add $SW0 dev $SW0
refused "another switch's internal device as a port" 1 \
	"Invalid argument: vswitch: a switch's internal device cannot be a port" \
	vswctl port add $SW0 dev $SW1
refused "a bridge port as a port" 1 \
	"Device or resource busy: vswitch: device is enslaved elsewhere (bridge" \
	vswctl port add $SW0 dev nla2
# The bridge finds the rx handler taken and says only EBUSY.
refused "a vswitch port enslaved to a bridge: ip refuses, EBUSY" 2 \
	"RTNETLINK answers: Device or resource busy" \
	ip link set nla0 master nlbr

unchanged "devices that cannot be ports"

# ---- names -----------------------------------------------------------------
diag "[${SECONDS}s] names"
refused "a switch name of 16 characters" 2 \
	'invalid switch name "0123456789abcdef"' vswctl switch add 0123456789abcdef
refused "an empty switch name" 2 'invalid switch name ""' vswctl switch add ""
refused "a device name of 16 characters" 2 \
	'invalid device name "0123456789abcdef"' \
	vswctl port add $SW0 dev 0123456789abcdef
refused "internal with a name that is no device name" 1 \
	"Invalid argument: vswitch: switch name is not a valid device name for the internal port" \
	vswctl switch add 'nl%d' internal
refused "internal with the name of an existing device" 1 \
	"File exists: vswitch: cannot register the internal device" \
	vswctl switch add nla3 internal

unchanged "names"

# ---- ranges ----------------------------------------------------------------
diag "[${SECONDS}s] ranges"
refused "ageing 9 (below the minimum)" 2 'invalid ageing "9" (10..1000000)' \
	vswctl switch set $SW0 ageing 9
refused "ageing 1000001 (above the maximum)" 2 \
	'invalid ageing "1000001" (10..1000000)' \
	vswctl switch add nlsw9 ageing 1000001
refused "fdb-max 0 (below the minimum)" 2 'invalid fdb-max "0" (1..65536)' \
	vswctl switch add nlsw9 fdb-max 0
refused "fdb-max 65537 (above the maximum)" 2 \
	'invalid fdb-max "65537" (1..65536)' vswctl switch set $SW0 fdb-max 65537

unchanged "ranges"
# ageing_max SWITCH: "(AGEING, FDB-MAX)" ("NAME: ports N fdb C/MAX ageing A ...")
ageing_max() { vswctl switch show "$1" | awk '{ split($5, f, "/"); print "(" $7 ", " f[2] ")" }'; }
ends() {
	local lo hi
	vswctl switch set $SW0 ageing 10 fdb-max 2 &&
	lo=$(ageing_max $SW0) &&
	vswctl switch add nlsw9 ageing 1000000 fdb-max 65536 &&
	VSW_SWITCHES+=(nlsw9) &&
	hi=$(ageing_max nlsw9) &&
	vswctl switch del nlsw9 &&
	vswctl switch set $SW0 ageing 300 fdb-max 8192 &&
	diag "ageing, fdb-max: low ends $lo, high ends $hi" &&
	[ "$lo" = "(10, 2)" ] && [ "$hi" = "(1000000, 65536)" ]
}
check "ageing 10 and 1000000, fdb-max 2 and 65536 are accepted" ends
SNAP=$(snapshot)
refused "fdb-max below the entries in the fdb" 1 \
	"Device or resource busy: vswitch: fdb holds more entries than the new fdb-max" \
	vswctl switch set $SW0 fdb-max 1
refused "a static entry in a full fdb" 1 \
	"No space left on device: vswitch: fdb table is full (fdb-max)" \
	vswctl fdb add $SW1 02:00:00:00:00:ad port 2

unchanged "fdb-max and a full fdb"

# ---- addresses -------------------------------------------------------------
diag "[${SECONDS}s] addresses"
IP4=() IP6=()
for i in 1 2 3 4 5 6 7 8; do IP4+=(ip 10.9.0.$i); IP6+=(ip 2001:db8::$i); done
refused "9 IPv4 addresses on a port" 2 "at most 8 addresses per family" \
	vswctl port set $SW0 dev nla0 "${IP4[@]}" ip 10.9.0.9
refused "9 IPv6 addresses on a port" 2 "at most 8 addresses per family" \
	vswctl port set $SW0 dev nla0 "${IP6[@]}" ip 2001:db8::9
unchanged "9 addresses"
eight() {
	local n
	vswctl port set $SW0 dev nla0 "${IP4[@]}" "${IP6[@]}" &&
	n=$(vswctl port show $SW0 dev nla0 | awk '{ for (i = 1; i <= NF; i++) n += $i == "ip" } END { print n + 0 }') &&
	diag "port $SW0 nla0 has $n addresses" && [ "$n" = 16 ]
}
check "8 IPv4 and 8 IPv6 addresses on a port are accepted" eight
SNAP=$(snapshot)
refused "a multicast IPv4 address on a port" 1 \
	"Invalid argument: vswitch: not a unicast IPv4 address (at port.addrs.ipv4)" \
	vswctl port set $SW0 dev nla0 ip 224.0.0.1
refused "a multicast IPv6 address on a port" 1 \
	"Invalid argument: vswitch: not a unicast IPv6 address (at port.addrs.ipv6)" \
	vswctl port set $SW0 dev nla0 ip ff02::1
refused "a multicast MAC on a port" 1 \
	"Invalid argument: vswitch: mac must be a unicast, non-zero address (at port.mac)" \
	vswctl port set $SW0 dev nla0 mac 01:00:5e:00:00:01
refused "the zero MAC on a port" 1 \
	"Invalid argument: vswitch: mac must be a unicast, non-zero address (at port.mac)" \
	vswctl port add $SW0 dev nla3 mac 00:00:00:00:00:00
refused "a static fdb entry for a multicast MAC" 1 \
	"Invalid argument: vswitch: static entries are for unicast, non-zero MACs (at fdb.mac)" \
	vswctl fdb add $SW0 01:00:5e:00:00:01 port 2
refused "a static fdb entry for the zero MAC" 1 \
	"Invalid argument: vswitch: static entries are for unicast, non-zero MACs (at fdb.mac)" \
	vswctl fdb add $SW0 00:00:00:00:00:00 port 2
refused "security on without a bound MAC" 1 \
	"Invalid argument: vswitch: port security needs a bound MAC address" \
	vswctl port set $SW1 dev nla1 security on
refused "a malformed MAC" 2 'invalid mac "02:00:00:00:00"' \
	vswctl port set $SW0 dev nla0 mac 02:00:00:00:00

unchanged "addresses and MACs"

# ---- raw requests vswctl cannot make (strict policies) ---------------------
diag "[${SECONDS}s] raw requests vswctl cannot make (strict policies)"
# One genl.py for all of them (each request a line), then one TAP line each:
# exit status 1 and the phrase; and one for the state, as it was.
RAW_NAMES=() RAW_PHRASES=()
: > "$T/raw"
# raw NAME PHRASE WORDS...: a request for genl.py -b.
raw() {
	RAW_NAMES+=("raw: $1")
	RAW_PHRASES+=("$2")
	shift 2
	echo "${*@Q}" >> "$T/raw"
}
EINVAL="genl.py: Invalid argument:"
ERANGE="genl.py: Numerical result out of range:"
raw "switch-new without switch-name" \
	"$EINVAL vswitch: switch name (switch-name) is required (missing switch-name)" \
	switch-new ageing-time=20
raw "port-add without the port nest" \
	"$EINVAL vswitch: port attributes (port) are required (missing port)" \
	port-add switch-name=$SW0
raw "port-add without a device" \
	"$EINVAL vswitch: the port's device (ifindex or ifname) is required (missing port.ifindex)" \
	port-add switch-name=$SW0 port={ uplink=1 }
raw "fdb-add without mac" \
	"$EINVAL vswitch: the MAC address (mac) is required (missing fdb.mac)" \
	fdb-add switch-name=$SW0 fdb={ port-id=2 }
raw "fdb-add without port-id" \
	"$EINVAL vswitch: the port (port-id) is required (missing fdb.port-id)" \
	fdb-add switch-name=$SW0 fdb={ mac=02:00:00:00:00:bc }
raw "port-get dump without switch-name (error in NLMSG_DONE)" \
	"$EINVAL vswitch: switch name (switch-name) is required" \
	-d port-get
raw "ageing-time as a u8" \
	"$EINVAL invalid attribute length (at ageing-time)" \
	switch-set switch-name=$SW0 ageing-time:u8=20
raw "switch-name without its NUL" \
	"$EINVAL Attribute failed policy validation (at switch-name)" \
	switch-new switch-name:hex=6e6c7377 # nlsw
raw "switch-name of 16 characters" \
	"$EINVAL Attribute failed policy validation (at switch-name)" \
	switch-new switch-name=0123456789abcdef
raw "empty switch-name" "$EINVAL vswitch: switch name is empty (at switch-name)" \
	switch-new switch-name=
raw "a MAC of 5 bytes" \
	"$ERANGE binary attribute size out of range (at port.mac)" \
	port-set switch-name=$SW0 port={ id=2 mac:hex=0200000001 }
raw "the port nest without NLA_F_NESTED" \
	"$EINVAL NLA_F_NESTED is missing (at port)" \
	port-add switch-name=$SW0 port:bare={ ifname=nla3 }
raw "uplink 2" "$ERANGE integer out of range (at port.uplink)" \
	port-set switch-name=$SW0 port={ id=2 uplink=2 }
raw "ageing-time 9" "$ERANGE integer out of range (at ageing-time)" \
	switch-set switch-name=$SW0 ageing-time=9
raw "ageing-time 1000001" "$ERANGE integer out of range (at ageing-time)" \
	switch-new switch-name=nlsw9 ageing-time=1000001
raw "fdb-max 0" "$ERANGE integer out of range (at fdb-max)" \
	switch-new switch-name=nlsw9 fdb-max=0
raw "fdb-max 65537" "$ERANGE integer out of range (at fdb-max)" \
	switch-set switch-name=$SW0 fdb-max=65537
raw "ct-zone in switch-set" \
	"$EINVAL vswitch: ct-zone is set only when the switch is made (at ct-zone)" \
	switch-set switch-name=$SW0 ct-zone=7
raw "ct-zone 0" "$ERANGE integer out of range (at ct-zone)" \
	switch-new switch-name=nlsw9 ct-zone=0
raw "ct-zone of another switch" \
	"genl.py: Device or resource busy: vswitch: ct-zone is the zone of another switch" \
	switch-new switch-name=nlsw9 ct-zone="$(vsw_json 'j[0]["ct_zone"]' switch show $SW0)"
raw "firewall 2" "$ERANGE integer out of range (at firewall)" \
	switch-set switch-name=$SW0 firewall=2
raw "default-verdict 1" \
	"$EINVAL vswitch: default-verdict is allow (0) or drop (2) (at default-verdict)" \
	switch-set switch-name=$SW0 default-verdict=1
raw "default-verdict 3" "$ERANGE integer out of range (at default-verdict)" \
	switch-new switch-name=nlsw9 default-verdict=3
raw "policy-fd of a file that is not a BPF program (genl.py's stdin)" \
	"$EINVAL vswitch: policy-fd is not a BPF program of type sched_cls (tc) (at policy-fd)" \
	switch-set switch-name=$SW0 policy-fd=0
raw "policy-fd -2" "$ERANGE integer out of range (at policy-fd)" \
	switch-set switch-name=$SW0 policy-fd=4294967294
A4=() A6=()
for i in 1 2 3 4 5 6 7 8 9; do A4+=(ipv4=10.9.1.$i); A6+=(ipv6=2001:db8:1::$i); done
raw "9 IPv4 addresses" \
	"genl.py: Argument list too long: vswitch: too many IPv4 addresses (at most 8) (at port.addrs.ipv4)" \
	port-set switch-name=$SW0 port={ id=2 addrs={ "${A4[@]}" } }
raw "9 IPv6 addresses" \
	"genl.py: Argument list too long: vswitch: too many IPv6 addresses (at most 8) (at port.addrs.ipv6)" \
	port-add switch-name=$SW0 port={ ifname=nla3 addrs={ "${A6[@]}" } }
raw "an attribute beyond the family's (type 30)" \
	"$EINVAL Unknown attribute type (at 30)" \
	switch-new switch-name=nlsw9 30:u32=1
raw "flow-log-rate 1000001" "$ERANGE integer out of range (at flow-log-rate)" \
	switch-set switch-name=$SW0 flow-log-rate=1000001
raw "a flow event in a request" \
	"$EINVAL Unsupported attribute (at flow)" \
	switch-set switch-name=$SW0 flow:hex=00000000
raw "a reply-only attribute in a request (n-ports)" \
	"$EINVAL Unsupported attribute (at n-ports)" \
	switch-new switch-name=nlsw9 n-ports=1
raw "ageing-time in switch-del" \
	"$EINVAL Unknown attribute type (at ageing-time)" \
	switch-del switch-name=$SW1 ageing-time=20
raw "port.internal in port-add" \
	"$EINVAL Unknown attribute type (at port.internal)" \
	port-add switch-name=$SW0 port={ ifname=nla3 internal= }
raw "port.uplink in port-del" \
	"$EINVAL Unknown attribute type (at port.uplink)" \
	port-del switch-name=$SW0 port={ id=2 uplink=1 }
raw "fdb.static in fdb-add" \
	"$EINVAL Unknown attribute type (at fdb.static)" \
	fdb-add switch-name=$SW0 fdb={ mac=02:00:00:00:00:bd port-id=2 static= }
raw "the pad attribute" "$EINVAL Unsupported attribute (at pad)" \
	switch-new switch-name=nlsw9 pad:hex=00000000
raw "ct-limit 16777217" "$ERANGE integer out of range (at ct-limit)" \
	switch-set switch-name=$SW0 ct-limit=16777217
raw "ct-timeout udp 2000001" "$ERANGE integer out of range (at ct-timeout.udp)" \
	switch-set switch-name=$SW0 ct-timeout={ udp=2000001 }
raw "ct-timeout with an unknown kind (6)" \
	"$EINVAL Unknown attribute type (at ct-timeout.6)" \
	switch-set switch-name=$SW0 ct-timeout={ 6:u32=5 }
raw "rule-get dump without switch-name" \
	"$EINVAL vswitch: switch name (switch-name) is required" \
	-d rule-get
raw "rule-get dump of an unknown switch (error in NLMSG_DONE)" \
	"genl.py: No such file or directory: vswitch: no switch of this name in this namespace" \
	-d rule-get switch-name=nlsw9
raw "rule-get as a do (dump only)" "genl.py: Operation not supported" \
	rule-get switch-name=$SW0
"$GENL" -b < "$T/raw" > "$T/raw.out" 2>&1 || diag "genl.py -b: exit $?"
after=$(snapshot)
mapfile -t RAW_OUT < "$T/raw.out"
mapfile -t RAW_REQ < "$T/raw"
for i in "${!RAW_NAMES[@]}"; do
	line=${RAW_OUT[i]}
	diag "${line#1 }"
	if [ "${line%% *}" = 1 ] && [[ "$line" == *"${RAW_PHRASES[i]}"* ]]; then
		tap_ok "${RAW_NAMES[i]}"
	else
		tap_notok "${RAW_NAMES[i]}"
		diag "request: ${RAW_REQ[i]}"
		diag "expected status 1 and: ${RAW_PHRASES[i]}"
	fi
done
if [ "$after" = "$SNAP" ]; then
	tap_ok "raw: the refused requests changed nothing"
else
	tap_notok "raw: the refused requests changed nothing"
	diff <(echo "$SNAP") <(echo "$after") | head -n 30 | sed 's/^/#   /' || true
	SNAP=$after
fi

tap_done
