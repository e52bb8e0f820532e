#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# forward.sh - three VMs (netns + veth) on one switch: what crosses it, what
# it floods, what it drops, and its counters.
#
#   ping      every pair, both ways
#   iperf3    TCP A -> B and UDP C -> A by byte count; ground truth: the
#             receiving iperf3's own report (and, for UDP, the receiving
#             stack's socket drops, which explain any datagram lost)
#   counters  every port's rx/tx packets/bytes equal its veth peer's
#             (`ip -s link`), the switch's equal their sums: exact, since
#             IPv6 is off and nothing else talks (checked twice: after the
#             iperf3 runs and after every drop below)
#   flooding  a broadcast and an unknown-unicast frame from A reach B and C
#             (raw sockets count them there), never A; the flood counter
#   hairpin   a frame from A to A's own MAC (on A's port in the fdb) reaches
#             no one and is counted as a hairpin drop
#   MTU       B's port device at MTU 1300: a 1314-byte frame (MTU + header)
#             reaches B, a 1315-byte one does not and is counted as mtu
#   VLAN      tagged frames (a ping over eth0.10 in the namespaces; raw
#             tagged frames on a kernel without 802.1Q) pass between ports
#             set `vlan forward`; C's port keeps the default, `vlan drop`:
#             tagged frames (raw, exact counts) to it are dropped on
#             egress, from it on ingress, each counted as vlan, none
#             reaching the other side
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/vsw.sh"

SW=fwd$$
A=fwa$$ B=fwb$$ C=fwc$$
IPA=10.0.0.1 IPB=10.0.0.2 IPC=10.0.0.3
BCAST=ff:ff:ff:ff:ff:ff
TMPD=$(mktemp -d)
PIDS=()
SECONDS=0
VSW_IPV6=off

cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	vsw_cleanup
	rm -rf "$TMPD"
}
trap cleanup EXIT

check() {
	local name=$1
	shift
	if "$@"; then tap_ok "$name"; else tap_notok "$name"; fi
}

snap() { vsw_snap "$TMPD/$1" "$SW"; }
# d S0 S1 NAME: growth of counter NAME between snaps S0 and S1.
d() { vsw_delta "$TMPD/$1" "$TMPD/$2" "$3"; }

# compare S0 S1: vsw_compare, knowing the tagged frames each VM sent from a
# raw socket (TAGS_A...: their 4-byte tags, counted by the veth only).
TAGS_A=0 TAGS_B=0 TAGS_C=0
compare() {
	vsw_compare "$TMPD/$1" "$TMPD/$2" "$A-p=$((4 * TAGS_A))" "$B-p=$((4 * TAGS_B))" "$C-p=$((4 * TAGS_C))"
}

# ping_pair NS1 NS2 IP2 IP1: NS1 pings IP2 and NS2 pings IP1.
ping_pair() {
	local out rc=0
	out=$(ip netns exec "$1" ping -c 2 -i 0.3 -W 10 -q "$3" 2>&1) || rc=1
	diag "$1 -> $3: $(grep transmitted <<< "$out")"
	out=$(ip netns exec "$2" ping -c 2 -i 0.3 -W 10 -q "$4" 2>&1) || rc=1
	diag "$2 -> $4: $(grep transmitted <<< "$out")"
	return $rc
}

# counts X MARKER N...: VM X's frame counter saw N frames of MARKER, for
# each triple.
counts() {
	local got
	while [ $# -ge 3 ]; do
		got=$(vsw_recv_count "$TMPD/r$1" "$2")
		[ "$got" = "$3" ] || { diag "$1 got $got frames $2, expected $3"; return 1; }
		shift 3
	done
}

# burst NAME FRAMES...: send FRAMES from A (vsw_send) and then a broadcast
# NAME-end, and wait until it reached B and C: what was sent before it has
# been switched (counters of VMs that were to get nothing are then final).
burst() {
	local name=$1
	shift
	# (a burst that did not get through would make every "reached no
	# one" below true for nothing)
	vsw_send "$A" eth0 "$@" "$BCAST,$MACA,$name-end" &&
		vsw_recv_wait "$TMPD/rB" "$name-end" 1 && vsw_recv_wait "$TMPD/rC" "$name-end" 1 ||
		tap_bail "burst $name: its end marker did not reach B and C"
}

tap_plan 17

# Ageing is fdb.sh's: here every VM's MAC stays known however slow the
# machine (a busy debug guest took over 5 minutes between two of B's frames).
vsw_switch "$SW" ageing 86400 || tap_bail "cannot create switch $SW"
vsw_vm "$SW" "$A" $IPA/24 || tap_bail "cannot create VM $A"
vsw_vm "$SW" "$B" $IPB/24 || tap_bail "cannot create VM $B"
vsw_vm "$SW" "$C" $IPC/24 || tap_bail "cannot create VM $C"
MACA=$(vsw_mac "$A") MACB=$(vsw_mac "$B") MACC=$(vsw_mac "$C")
diag "A $MACA $IPA, B $MACB $IPB, C $MACC $IPC"
snap s0 || tap_bail "cannot read the counters"
# Each VM counts the frames of EtherType 0x88b5 it receives, by marker
# (started now: a python start takes seconds on a busy emulated guest).
for x in A B C; do vsw_recv_start "$TMPD/r$x" "${!x}" eth0; done

# ---- ping ---------------------------------------------------------------
diag "[${SECONDS}s] ping"
check "ping A <-> B" ping_pair "$A" "$B" $IPB $IPA
check "ping A <-> C" ping_pair "$A" "$C" $IPC $IPA
check "ping B <-> C" ping_pair "$B" "$C" $IPC $IPB

# ---- iperf3 -------------------------------------------------------------
diag "[${SECONDS}s] iperf3"
# iperf3_run NAME SERVER-NS CLIENT-NS SERVER-IP CLIENT-ARGS...: one test;
# the reports are $TMPD/NAME.srv (the receiver's) and $TMPD/NAME.cli.
__listening() { [ -n "$(ip netns exec "$1" ss -Hltn 'sport = :5201')" ]; }
__gone() { ! kill -0 "$1" 2>/dev/null; }
iperf3_run() {
	local name=$1 sns=$2 cns=$3 ip=$4 pid
	shift 4
	ip netns exec "$sns" iperf3 -s -1 -J > "$TMPD/$name.srv" 2>&1 &
	pid=$!
	PIDS+=("$pid")
	wait_for "iperf3 server in $sns" 60 __listening "$sns" || return 1
	ip netns exec "$cns" iperf3 -c "$ip" -J "$@" > "$TMPD/$name.cli" 2>&1 ||
		{ diag "iperf3 client failed:"; tail -n 5 "$TMPD/$name.cli" | sed 's/^/#   /'; }
	wait_for "iperf3 server in $sns to report" 60 __gone "$pid"
}

# jget FILE PATH [FILE PATH]...: values in JSON files (PATH: a.b.c), on
# one line.
jget() {
	$PY - "$@" <<'EOF'
import json, sys
out = []
args = sys.argv[1:]
for f, path in zip(args[::2], args[1::2]):
    v = json.load(open(f))
    for k in path.split('.'):
        v = v[k]
    out.append(str(v))
print(' '.join(out))
EOF
}

udp_rcvbuf_errors() {
	ip netns exec "$1" awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) n[$i] = i; h = 1 } else print $n["RcvbufErrors"] }' /proc/net/snmp
}

TCP_BYTES=$((4 * 1024 * 1024))
snap t0
iperf3_run tcp "$B" "$A" $IPB -n $TCP_BYTES
snap t1
tcp_check() {
	local sent rcvd txb
	read -r sent rcvd <<< "$(jget "$TMPD/tcp.cli" end.sum_sent.bytes \
		"$TMPD/tcp.srv" end.sum_received.bytes)"
	[ -n "$rcvd" ] || return 1
	txb=$(d t0 t1 "port.$B-p.tx_bytes")
	diag "TCP: asked $TCP_BYTES, sent $sent, receiver counted $rcvd; the switch sent $txb bytes to B's port"
	# The receiver stops counting when the sender says it is done, which
	# may come before the last segments are read.
	[ "$sent" -ge "$TCP_BYTES" ] && [ "$rcvd" -gt 0 ] && [ "$rcvd" -le "$sent" ] &&
		[ "$txb" -gt "$rcvd" ]
}
check "iperf3 TCP A -> B: 4 MiB sent; what the receiver counted crossed the switch" tcp_check

UDP_N=500
e0=$(udp_rcvbuf_errors "$A")
iperf3_run udp "$A" "$C" $IPA -u -b 20M -l 1000 -n $((UDP_N * 1000))
e1=$(udp_rcvbuf_errors "$A")
snap t2
udp_check() {
	local sent n lost rcvd txp drops txerr
	read -r sent n lost rcvd <<< "$(jget "$TMPD/udp.cli" end.sum_sent.packets \
		"$TMPD/udp.srv" end.sum_received.packets "$TMPD/udp.srv" end.sum_received.lost_packets \
		"$TMPD/udp.srv" end.sum_received.bytes)"
	[ -n "$rcvd" ] || return 1
	rcvd=$((rcvd / 1000))
	txp=$(d t1 t2 "port.$A-p.tx_packets")
	drops=$(d t1 t2 switch.drops_total)
	txerr=$(d t1 t2 switch.drops.tx-error)
	diag "UDP: sent $sent datagrams; receiver: $rcvd received, $lost lost of $n; A's UDP socket buffer overflowed $((e1 - e0)) times; the switch sent A's port $txp frames, dropped $drops ($txerr refused by A's veth)"
	# A datagram lost must be the receiving stack's drop (its socket's, or
	# its veth's backlog's, which the switch sees as a refusal), never a
	# drop of the switch's own.
	[ "$sent" -ge "$UDP_N" ] && [ "$rcvd" -gt 0 ] && [ "$lost" -le $((e1 - e0 + txerr)) ] &&
		[ "$txp" -ge "$rcvd" ] && [ "$drops" = "$txerr" ]
}
check "iperf3 UDP C -> A: every datagram the receiver missed is its own socket's drop" udp_check

# ---- counters -----------------------------------------------------------
diag "[${SECONDS}s] counters"
__compare_now() { snap t3 && compare s0 t3; }
vsw_eventually "port and switch rx/tx packets/bytes = the veth peers' (ping, iperf3)" __compare_now

# ---- flooding -----------------------------------------------------------
diag "[${SECONDS}s] flooding"
vsw_recv_ready "$TMPD/rA" "$TMPD/rB" "$TMPD/rC" || tap_bail "no frame counters"
UNKNOWN=02:00:5e:10:00:99
snap f0
burst fl "$BCAST,$MACA,FLB,3" "$UNKNOWN,$MACA,FLU,3"
flooded() { counts A "$1" 0 B "$1" 3 C "$1" 3; }
check "flood: 3 broadcasts from A reached B and C, not A" flooded FLB
check "flood: 3 frames to an unknown MAC from A reached B and C, not A" flooded FLU
flood_counter() {
	local fl rx
	snap f1
	fl=$(d f0 f1 switch.flood_packets)
	rx=$(d f0 f1 switch.rx_packets)
	diag "flood counter +$fl, switch rx +$rx, for 7 frames sent to flood"
	[ "$fl" -ge 7 ] && [ "$fl" -le "$rx" ]
}
vsw_eventually "flood counter grew by the frames flooded" flood_counter

# ---- hairpin ------------------------------------------------------------
diag "[${SECONDS}s] hairpin"
# (text output: a python start costs seconds on a busy emulated guest)
hp_fdb=$(vswctl fdb get "$SW" "$MACA" | awk '{ for (i = 1; i < NF; i++) if ($i == "port") print $(i + 1) }')
hp_port=$(vswctl port show "$SW" dev "$A-p" | awk '{ print $3 }')
diag "fdb: A's MAC $MACA on port $hp_fdb; A's port is $hp_port"
snap h0
burst hp "$MACA,$MACA,HP,2"
hairpin_check() {
	local p s
	snap h1
	p=$(d h0 h1 "port.$A-p.drops.hairpin")
	s=$(d h0 h1 switch.drops.hairpin)
	diag "hairpin drops: A's port +$p, switch +$s"
	[ "$hp_fdb" = "$hp_port" ] && counts A HP 0 B HP 0 C HP 0 &&
		[ "$p" = 2 ] && [ "$s" = 2 ]
}
vsw_eventually "hairpin: 2 frames from A to A's own MAC reached no one, counted as hairpin" hairpin_check

# ---- MTU ----------------------------------------------------------------
diag "[${SECONDS}s] MTU"
# B's eth0 keeps MTU 1500: only the switch's check stands in the way. (Not
# below 1280: IPv6 would be reset on B's port, and come back on with it.)
ip link set "$B-p" mtu 1300
snap m0
burst mtu "$MACB,$MACA,MS,2,1314" "$MACB,$MACA,MB,2,1315"
mtu_rx() { counts B MS 2 B MB 0 C MS 0 C MB 0; }
check "MTU 1300 on B's port: 1314-byte frames reach B, 1315-byte ones do not" mtu_rx
mtu_counted() {
	local p s
	snap m1
	p=$(d m0 m1 "port.$B-p.drops.mtu")
	s=$(d m0 m1 switch.drops.mtu)
	diag "mtu drops: B's port +$p, switch +$s"
	[ "$p" = 2 ] && [ "$s" = 2 ]
}
vsw_eventually "MTU: the 2 long frames counted as mtu drops on B's port and the switch" mtu_counted
ip link set "$B-p" mtu 1500

# ---- VLAN ---------------------------------------------------------------
diag "[${SECONDS}s] VLAN"
# vlan drop is the default: C's port keeps the setting it was added with.
vdef=$(vswctl port show "$SW" dev "$C-p" | awk '{ for (i = 1; i < NF; i++) if ($i == "vlan") print $(i + 1) }')
check "VLAN: a port added without a vlan setting has vlan drop (C's: $vdef)" [ "$vdef" = drop ]
vswctl port set "$SW" dev "$A-p" vlan forward
vswctl port set "$SW" dev "$B-p" vlan forward
# A VLAN subinterface in each VM, where the kernel has 802.1Q (the debug
# kernel is built without it): then tagged frames from raw sockets.
VLANDEV=yes
for x in A:1 B:2 C:3; do
	ns=${x%:*}
	ip -n "${!ns}" -b - <<-EOF || VLANDEV=no
	link add link eth0 name eth0.10 type vlan id 10
	addr add 10.0.10.${x#*:}/24 dev eth0.10
	link set eth0.10 up
	EOF
done
if [ "$VLANDEV" = yes ]; then
	check "VLAN: ping A <-> B over VLAN 10 (eth0.10; both ports vlan forward)" \
		ping_pair "$A" "$B" 10.0.10.2 10.0.10.1
else
	diag "no VLAN devices in this kernel: tagged frames from raw sockets, A <-> B"
	vsw_send "$B" eth0 "$MACA,$MACB,VT,2,60,10"
	vsw_recv_wait "$TMPD/rA" VT 2
	burst vt "$MACB,$MACA,VT,2,60,10"
	TAGS_A=$((TAGS_A + 2)) TAGS_B=$((TAGS_B + 2))
	vt() { counts A VT 2 B VT 2 C VT 0; }
	check "VLAN: tagged frames pass A <-> B (both ports vlan forward)" vt
fi

# The drops, with tagged frames from raw sockets (VLAN 20, which no
# subinterface takes): exact counts. A -> C's MAC (in the fdb): the drop is
# the egress port's.
snap v0
burst ve "$MACC,$MACA,VE,3,60,20"
TAGS_A=$((TAGS_A + 3))
vlan_egress() {
	local p
	snap v1
	p=$(d v0 v1 "port.$C-p.drops.vlan")
	diag "3 tagged frames A -> C: C got $(vsw_recv_count "$TMPD/rC" VE), C's port +$p vlan drops"
	counts B VE 0 C VE 0 && [ "$p" = 3 ]
}
vsw_eventually "VLAN: 3 tagged frames to C (vlan drop) dropped on egress, as vlan" vlan_egress

# C -> A, broadcast and unicast: dropped as they enter.
snap v1
vsw_send "$C" eth0 "$BCAST,$MACC,VI,2,60,20" "$MACA,$MACC,VI,2,60,20" "$BCAST,$MACC,vi-end"
TAGS_C=$((TAGS_C + 4))
vsw_recv_wait "$TMPD/rA" vi-end 1 && vsw_recv_wait "$TMPD/rB" vi-end 1
vlan_ingress() {
	local p tx
	snap v2
	p=$(d v1 v2 "port.$C-p.drops.vlan")
	tx=$(d v1 v2 "dev.$C-p.rx_packets")
	diag "C sent $tx frames (4 tagged, 1 not); C's port +$p vlan drops; A got $(vsw_recv_count "$TMPD/rA" VI), B $(vsw_recv_count "$TMPD/rB" VI)"
	counts A VI 0 B VI 0 && [ "$tx" = 5 ] && [ "$p" = 4 ]
}
vsw_eventually "VLAN: 4 tagged frames from C (vlan drop) dropped on ingress, as vlan" vlan_ingress

__compare_end() { snap z && compare s0 z; }
vsw_eventually "counters still match the veth peers' after floods, drops and VLAN" __compare_end
diag "ran ${SECONDS}s"
tap_done
