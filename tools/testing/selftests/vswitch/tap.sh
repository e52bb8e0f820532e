#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tap.sh - a tap device with a reader attached as QEMU attaches one (l2.py
# tapvm: /dev/net/tun, TUNSETIFF IFF_TAP|IFF_NO_PI, raw frames read and
# written on the file descriptor) is a port, next to a veth VM.
#
#   ping      A (veth) pings the tap "VM", whose ARP and ICMP echo replies
#             the reader writes: both ways across the switch
#   learning  the tap VM's MAC is learned on the tap's port
#   frames    a full-size frame of random bytes written by the reader
#             reaches A byte for byte, and one A sends reaches the reader
#             byte for byte
#   counters  the tap port's and A's port's rx/tx packets/bytes equal their
#             devices' (`ip -s link`), the switch's their sums
#   close     the reader closes the tap (QEMU exits): the device goes, and
#             its port with it
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/vsw.sh"

SW=tsw$$
A=ta$$
TAP=tvm$$
IPA=10.0.2.1 IPT=10.0.2.9
MACA=02:76:73:03:00:01		# set, not read: a read costs a process
TMAC=52:54:00:12:34:56		# the tap VM's MAC, as QEMU's default
TMPD=$(mktemp -d)
SECONDS=0
VSW_IPV6=off

cleanup() {
	[ -z "${TAPVM_PID:-}" ] || kill "$TAPVM_PID" 2>/dev/null || true
	vsw_cleanup
	rm -rf "$TMPD"
}
trap cleanup EXIT

# tapvm CMD: a command to the reader, and its one-line answer (60 s, scaled).
tapvm() {
	local line
	echo "$*" >&"${TAPVM[1]}" || return
	read -r -t "$(wait_scaled 60)" line <&"${TAPVM[0]}" || { echo "no answer from the reader to '$1'"; return 1; }
	echo "$line"
}

# hex BYTES: random bytes, in hex.
hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
# text_hex STRING: STRING's bytes, in hex.
text_hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }

tap_plan 7

# QEMU's host has tun loaded; this guest may not have it yet.
[ -c /dev/net/tun ] || modprobe tun || tap_bail "no /dev/net/tun, and tun does not load"
# (the reader first: its python starts while the rest is set up)
coproc TAPVM { exec "$PY" -I -S "$VSW_L2" tapvm "$TAP" $TMAC $IPT -o "$TMPD/tapvm.log" 2>&1; }
vsw_switch "$SW" || tap_bail "cannot create switch $SW"
vsw_vm_batch "$SW" "$A,$IPA/24,$MACA" || tap_bail "cannot create VM $A"
vsw_recv_start "$TMPD/rA" "$A" eth0
read -r -t "$(wait_scaled 60)" ready <&"${TAPVM[0]}" || ready="(nothing)"
if [ "$ready" != ready ]; then
	while read -r -t 5 line <&"${TAPVM[0]}"; do ready+=" | $line"; done
	tap_bail "the tap reader did not start: $ready"
fi
# as QEMU's ifup script would: no IPv6 of the host's own on the tap
sysctl -qw "net.ipv6.conf.$TAP.disable_ipv6=1"
ip link set "$TAP" up
vswctl port add "$SW" dev "$TAP" || tap_bail "cannot add $TAP to $SW"
vsw_recv_ready "$TMPD/rA" || tap_bail "no frame counter in $A"
diag "A $MACA $IPA; tap VM $TMAC $IPT on $TAP ($(< /sys/class/net/$TAP/address))"
vsw_snap "$TMPD/s0" "$SW" || tap_bail "cannot read the counters"

# ---- ping ---------------------------------------------------------------
diag "[${SECONDS}s] ping"
ping_tap() {
	local out rc=0 st
	out=$(ip netns exec "$A" ping -c 2 -i 0.05 -W 10 $IPT 2>&1) || rc=1
	st=$(tapvm stats)
	diag "$(grep transmitted <<< "$out"); the reader: $st"
	[ "$rc" = 0 ] && grep -q '"arp_replies": [1-9]' <<< "$st" && grep -q '"echo_replies": [1-9]' <<< "$st"
}
check "ping A -> tap VM: ARP and echo answered by the tap's reader" ping_tap
learned() {
	local line
	line=$(vswctl fdb get "$SW" $TMAC)
	diag "fdb get $TMAC: $line; $TAP is port $(vswctl port show "$SW" dev "$TAP" | awk '{ print $3 }')"
	[ "$(awk '{ for (i = 1; i < NF; i++) if ($i == "port") print $(i + 1) }' <<< "$line")" = \
		"$(vswctl port show "$SW" dev "$TAP" | awk '{ print $3 }')" ]
}
check "learning: the tap VM's MAC is on the tap's port" learned

# ---- raw frames -----------------------------------------------------------
diag "[${SECONDS}s] frames"
# 1514 bytes: a full frame at MTU 1500, payload "T2A " and random bytes
T2A=${MACA//:/}${TMAC//:/}88b5$(text_hex "T2A ")$(hex 1496)
sent=$(tapvm send "$T2A")
t2a() {
	local got
	vsw_recv_wait "$TMPD/rA" T2A 1 || return 1
	got=$(cat "$TMPD/rA.T2A")
	diag "the reader: $sent; A got $(vsw_recv_count "$TMPD/rA" T2A) frame(s) T2A, ${#got} hex digits, $([ "$got" = "$T2A" ] && echo equal || echo DIFFERENT) to the ${#T2A} written"
	[ "$got" = "$T2A" ] && [ "$(vsw_recv_count "$TMPD/rA" T2A)" = 1 ]
}
check "tap VM -> A: a 1514-byte frame arrives byte for byte" t2a
A2T=${TMAC//:/}${MACA//:/}88b5$(text_hex "A2T ")$(hex 1496)
a2t() {
	local got
	got=$(tapvm expect "$A2T")
	diag "the reader, waiting for A's 1514-byte frame: $got"
	[ "$got" = got ]
}
vsw_sendhex "$A" eth0 "$A2T"
check "A -> tap VM: a 1514-byte frame arrives byte for byte" a2t

# ---- counters -------------------------------------------------------------
diag "[${SECONDS}s] counters"
__compare_now() { vsw_snap "$TMPD/s1" "$SW" && vsw_compare "$TMPD/s0" "$TMPD/s1"; }
vsw_eventually "port and switch rx/tx packets/bytes = the tap's and the veth's" __compare_now

# ---- close ----------------------------------------------------------------
diag "[${SECONDS}s] close"
n0=$(vswctl port show "$SW" | wc -l)
echo quit >&"${TAPVM[1]}"
__closed() { ! ip link show "$TAP" > /dev/null 2>&1 && ! kill -0 "$TAPVM_PID" 2>/dev/null; }
wait_for "the tap device to go away" 60 __closed
closed() {
	local ports
	ports=$(vswctl port show "$SW")
	diag "ports: $n0 before the reader closed the tap, now: $(paste -sd';' <<< "$ports")"
	! ip link show "$TAP" > /dev/null 2>&1 && [ "$(wc -l <<< "$ports")" = $((n0 - 1)) ] &&
		! grep -qw "$TAP" <<< "$ports"
}
check "close: the reader closed the tap, the device and its port are gone" closed
after_close() {
	local out rc=0
	out=$(ip netns exec "$A" ping -c 1 -W 1 $IPT 2>&1) || rc=1
	diag "ping after close: $(grep transmitted <<< "$out"); switch: $(vswctl switch show "$SW")"
	[ "$rc" = 1 ] && [ "$(vswctl switch show "$SW" | awk '{ print $3 }')" = 1 ]
}
check "close: the switch has one port left, and the tap VM no longer answers" after_close
diag "ran ${SECONDS}s"
tap_done
