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
# set, not read: a read is a process, and processes cost on an emulated guest
MACA=02:76:73:01:00:01 MACB=02:76:73:01:00:02 MACC=02:76:73:01:00:03
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

snap() { vsw_snap "$TMPD/$1" "$SW"; }
# d S0 S1 NAME: growth of counter NAME between snaps S0 and S1.
d() { vsw_delta "$TMPD/$1" "$TMPD/$2" "$3"; }

# ev NAME SNAP CHECK: vsw_eventually CHECK, which reads snap SNAP; the
# first try takes the snap as it is, each further one takes it anew (a
# frame a device counted may still wait in a backlog).
__ev_try() {
	if [ -e "$TMPD/ev.again" ]; then snap "$1" || return; fi
	touch "$TMPD/ev.again"
	"$2"
}
ev() {
	rm -f "$TMPD/ev.again"
	vsw_eventually "$1" __ev_try "$2" "$3"
}

# compare S0 S1: vsw_compare, knowing the tagged frames each VM sent from a
# raw socket (TAGS_A...: their 4-byte tags, counted by the veth only).
TAGS_A=0 TAGS_B=0 TAGS_C=0
compare() {
	vsw_compare "$TMPD/$1" "$TMPD/$2" "$A-p=$((4 * TAGS_A))" "$B-p=$((4 * TAGS_B))" "$C-p=$((4 * TAGS_C))"
}

# pings_start NAME:NS:IP...: NS pings IP, all at once, in the background;
# pings_ok NAME...: each succeeded (its summary as a TAP comment).
pings_start() {
	local x f
	for x; do
		IFS=: read -r -a f <<< "$x"
		ip netns exec "${f[1]}" ping -c 2 -i 0.05 -W 10 -q "${f[2]}" > "$TMPD/ping.${f[0]}" 2>&1 &
		echo $! > "$TMPD/ping.${f[0]}.pid"
	done
}
pings_ok() {
	local x rc=0 pid out
	for x; do
		read -r pid < "$TMPD/ping.$x.pid"
		wait "$pid" || rc=1
		out=$(< "$TMPD/ping.$x")
		out=${out#*--- }
		diag "ping $x: ${out//$'\n'/; }"
	done
	return $rc
}

tap_plan 17

# Ageing is fdb.sh's: here every VM's MAC stays known however slow the
# machine (a busy debug guest took over 5 minutes between two of B's frames).
vsw_switch "$SW" ageing 86400 || tap_bail "cannot create switch $SW"
# Permanent neighbours: no ARP probe of a VM's own (a stale entry probed
# 5 s after its last use) lands in a burst whose frames are counted exactly.
vsw_vm_batch "$SW" "$A,$IPA/24,$MACA,$IPB=$MACB,$IPC=$MACC" \
	"$B,$IPB/24,$MACB,$IPA=$MACA,$IPC=$MACC" \
	"$C,$IPC/24,$MACC,$IPA=$MACA,$IPB=$MACB" ||
	tap_bail "cannot create the VMs"
# Each VM counts the frames of EtherType 0x88b5 it receives, by marker,
# and sends the frames asked of it (started now: a python start takes
# seconds on a busy emulated guest).
vsw_recv_start "$TMPD/rA" "$A" eth0 "$TMPD/rB" "$B" eth0 "$TMPD/rC" "$C" eth0
# The iperf3 servers too: the receivers' reports are $TMPD/{tcp,udp}.srv.
ip netns exec "$B" iperf3 -s -1 -J > "$TMPD/tcp.srv" 2>&1 &
SRV_TCP=$!
ip netns exec "$A" iperf3 -s -1 -J > "$TMPD/udp.srv" 2>&1 &
SRV_UDP=$!
PIDS+=("$SRV_TCP" "$SRV_UDP")
diag "A $MACA $IPA, B $MACB $IPB, C $MACC $IPC"
snap s0 || tap_bail "cannot read the counters"

# ---- ping ---------------------------------------------------------------
diag "[${SECONDS}s] ping"
pings_start AB:"$A":$IPB BA:"$B":$IPA AC:"$A":$IPC CA:"$C":$IPA BC:"$B":$IPC CB:"$C":$IPB
check "ping A <-> B" pings_ok AB BA
check "ping A <-> C" pings_ok AC CA
check "ping B <-> C" pings_ok BC CB

# ---- iperf3 -------------------------------------------------------------
diag "[${SECONDS}s] iperf3"
__listening() { [ -n "$(ip netns exec "$1" ss -Hltn 'sport = :5201')" ]; }
__gone() { ! kill -0 "$1" 2>/dev/null; }
# iperf3_start NAME SERVER-NS CLIENT-NS SERVER-IP CLIENT-ARGS...: one test
# against a server started above, in the background; the client's report
# is $TMPD/NAME.cli.
iperf3_start() {
	local name=$1 sns=$2 cns=$3 ip=$4
	shift 4
	wait_for "iperf3 server in $sns" 60 __listening "$sns" || return 1
	ip netns exec "$cns" iperf3 -c "$ip" -J "$@" > "$TMPD/$name.cli" 2>&1 &
	printf -v "CLI_$name" %s $!
}
# iperf3_end NAME SERVER-PID: the client and the server are done.
iperf3_end() {
	local cli=CLI_$1
	wait "${!cli}" || { diag "iperf3 client $1 failed:"; tail -n 5 "$TMPD/$1.cli" | sed 's/^/#   /'; }
	wait_for "iperf3 server of $1 to report" 60 __gone "$2"
}

udp_rcvbuf_errors() {
	ip netns exec "$1" awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) n[$i] = i; h = 1 } else print $n["RcvbufErrors"] }' /proc/net/snmp
}

# TCP A -> B and UDP C -> A at once: the fixed costs of an iperf3 run
# overlap. What each check reads is its own: the TCP data goes to B's
# port only, the UDP datagrams to A's; refusals are counted per port.
TCP_BYTES=$((512 * 1024))
UDP_N=300
# datagrams C's own veth could not hand on (a full backlog; the TCP
# test's frames share it), which never reach the switch
c_txdrop() { ip -n "$C" -s -j link show eth0 | jq '.[0].stats64.tx.dropped'; }
e0=$(udp_rcvbuf_errors "$A")
c0=$(c_txdrop)
snap t0
iperf3_start tcp "$B" "$A" $IPB -n $TCP_BYTES
iperf3_start udp "$A" "$C" $IPA -u -b 20M -l 1000 -n $((UDP_N * 1000))
iperf3_end tcp "$SRV_TCP"
iperf3_end udp "$SRV_UDP"
snap t2
e1=$(udp_rcvbuf_errors "$A")
c1=$(c_txdrop)
# the four reports' numbers, one jq for all
read -r T_SENT T_RCVD U_SENT U_N U_LOST U_RCVD <<< "$(jq -rs '[.[0].end.sum_sent.bytes,
	.[1].end.sum_received.bytes, .[2].end.sum_sent.packets, .[3].end.sum_received.packets,
	.[3].end.sum_received.lost_packets, .[3].end.sum_received.bytes] | map(tostring) | join(" ")' \
	"$TMPD/tcp.cli" "$TMPD/tcp.srv" "$TMPD/udp.cli" "$TMPD/udp.srv")"
num() { case $1 in '' | *[!0-9]*) return 1 ;; esac; }
tcp_check() {
	local txb
	num "$T_SENT" && num "$T_RCVD" || { diag "no numbers in the TCP reports: '$T_SENT' '$T_RCVD'"; return 1; }
	txb=$(d t0 t2 "port.$B-p.tx_bytes")
	diag "TCP: asked $TCP_BYTES, sent $T_SENT, receiver counted $T_RCVD; the switch sent $txb bytes to B's port"
	# The receiver stops counting when the sender says it is done, which
	# may come before the last segments are read.
	[ "$T_SENT" -ge "$TCP_BYTES" ] && [ "$T_RCVD" -gt 0 ] && [ "$T_RCVD" -le "$T_SENT" ] &&
		[ "$txb" -gt "$T_RCVD" ]
}
check "iperf3 TCP A -> B: 512 KiB sent; what the receiver counted crossed the switch" tcp_check

udp_check() {
	local rcvd txp drops txerr txall
	num "$U_SENT" && num "$U_N" && num "$U_LOST" && num "$U_RCVD" ||
		{ diag "no numbers in the UDP reports: '$U_SENT' '$U_N' '$U_LOST' '$U_RCVD'"; return 1; }
	rcvd=$((U_RCVD / 1000))
	txp=$(d t0 t2 "port.$A-p.tx_packets")
	drops=$(d t0 t2 switch.drops_total)
	txerr=$(d t0 t2 "port.$A-p.drops.tx-error")
	txall=$(d t0 t2 switch.drops.tx-error)
	diag "UDP: sent $U_SENT datagrams; receiver: $rcvd received, $U_LOST lost of $U_N; A's UDP socket buffer overflowed $((e1 - e0)) times, C's veth dropped $((c1 - c0)); the switch sent A's port $txp frames, dropped $drops ($txall refused by a veth, $txerr by A's)"
	# A datagram lost must be the receiving stack's drop (its socket's, or
	# its veth's backlog's, which the switch sees as a refusal) or the
	# sender's veth's, never a drop of the switch's own.
	[ "$U_SENT" -ge "$UDP_N" ] && [ "$rcvd" -gt 0 ] && [ "$U_LOST" -le $((e1 - e0 + c1 - c0 + txerr)) ] &&
		[ "$txp" -ge "$rcvd" ] && [ "$drops" = "$txall" ]
}
check "iperf3 UDP C -> A: every datagram the receiver missed is its own socket's drop" udp_check

# ---- counters -----------------------------------------------------------
diag "[${SECONDS}s] counters"
__compare_t() { compare s0 t2; }
ev "port and switch rx/tx packets/bytes = the veth peers' (ping, iperf3)" t2 __compare_t

# ---- flooding, hairpin, MTU, VLAN drops: one burst from A ---------------
diag "[${SECONDS}s] burst from A: flooding, hairpin, MTU, VLAN egress"
# the ports as they are: ids, vlan settings (one read)
PORTS=$(vswctl port show "$SW")
# field WORD: the word after WORD in the line on stdin.
field() { awk -v w="$1" '{ for (i = 1; i < NF; i++) if ($i == w) print $(i + 1) }'; }
hp_fdb=$(vswctl fdb get "$SW" "$MACA" | field port)
hp_port=$(grep -w -- "$A-p" <<< "$PORTS" | awk '{ print $3 }')
vdef=$(grep -w -- "$C-p" <<< "$PORTS" | field vlan)
diag "fdb: A's MAC $MACA on port $hp_fdb; A's port is $hp_port"
vswctl port set "$SW" dev "$A-p" vlan forward
vswctl port set "$SW" dev "$B-p" vlan forward
# B's eth0 keeps MTU 1500: only the switch's check stands in the way. (Not
# below 1280: IPv6 would be reset on B's port, and come back on with it.)
ip link set "$B-p" mtu 1300
vsw_recv_ready "$TMPD/rA" "$TMPD/rB" "$TMPD/rC" || tap_bail "no frame counters"
UNKNOWN=02:00:5e:10:00:99
snap f0
# floods: 3 broadcasts, 3 to an unknown MAC; hairpin: 2 to A's own MAC;
# MTU: 2 frames of 1314 bytes (MTU + header) and 2 of 1315 to B; VLAN: 3
# tagged frames (VLAN 20, which no subinterface takes) to C's MAC (in the
# fdb): the drop is the egress port's.
vsw_burst A fa "$BCAST,$MACA,FLB,3" "$UNKNOWN,$MACA,FLU,3" "$MACA,$MACA,HP,2" \
	"$MACB,$MACA,MS,2,1314" "$MACB,$MACA,MB,2,1315" "$MACC,$MACA,VE,3,60,20"
TAGS_A=$((TAGS_A + 3))
snap f1
flooded() { vsw_counts A "$1" 0 B "$1" 3 C "$1" 3; }
check "flood: 3 broadcasts from A reached B and C, not A" flooded FLB
check "flood: 3 frames to an unknown MAC from A reached B and C, not A" flooded FLU
flood_counter() {
	local fl rx
	fl=$(d f0 f1 switch.flood_packets)
	rx=$(d f0 f1 switch.rx_packets)
	diag "flood counter +$fl, switch rx +$rx, for 7 frames sent to flood"
	[ "$fl" -ge 7 ] && [ "$fl" -le "$rx" ]
}
ev "flood counter grew by the frames flooded" f1 flood_counter

hairpin_check() {
	local p s
	p=$(d f0 f1 "port.$A-p.drops.hairpin")
	s=$(d f0 f1 switch.drops.hairpin)
	diag "hairpin drops: A's port +$p, switch +$s"
	[ -n "$hp_fdb" ] && [ "$hp_fdb" = "$hp_port" ] && vsw_counts A HP 0 B HP 0 C HP 0 &&
		[ "$p" = 2 ] && [ "$s" = 2 ]
}
ev "hairpin: 2 frames from A to A's own MAC reached no one, counted as hairpin" f1 hairpin_check

mtu_rx() { vsw_counts B MS 2 B MB 0 C MS 0 C MB 0; }
check "MTU 1300 on B's port: 1314-byte frames reach B, 1315-byte ones do not" mtu_rx
mtu_counted() {
	local p s
	p=$(d f0 f1 "port.$B-p.drops.mtu")
	s=$(d f0 f1 switch.drops.mtu)
	diag "mtu drops: B's port +$p, switch +$s"
	[ "$p" = 2 ] && [ "$s" = 2 ]
}
ev "MTU: the 2 long frames counted as mtu drops on B's port and the switch" f1 mtu_counted

# vlan drop is the default: C's port keeps the setting it was added with.
check "VLAN: a port added without a vlan setting has vlan drop (C's: $vdef)" [ "$vdef" = drop ]
vlan_egress() {
	local p
	p=$(d f0 f1 "port.$C-p.drops.vlan")
	diag "3 tagged frames A -> C: C got $(vsw_recv_count "$TMPD/rC" VE), C's port +$p vlan drops"
	vsw_counts B VE 0 C VE 0 && [ "$p" = 3 ]
}
ev "VLAN: 3 tagged frames to C (vlan drop) dropped on egress, as vlan" f1 vlan_egress

# C -> A, broadcast and unicast: dropped as they enter.
diag "[${SECONDS}s] burst from C: VLAN ingress"
vsw_burst C vi "$BCAST,$MACC,VI,2,60,20" "$MACA,$MACC,VI,2,60,20"
TAGS_C=$((TAGS_C + 4))
snap f2
vlan_ingress() {
	local p tx
	p=$(d f1 f2 "port.$C-p.drops.vlan")
	tx=$(d f1 f2 "dev.$C-p.rx_packets")
	diag "C sent $tx frames (4 tagged, 1 not); C's port +$p vlan drops; A got $(vsw_recv_count "$TMPD/rA" VI), B $(vsw_recv_count "$TMPD/rB" VI)"
	vsw_counts A VI 0 B VI 0 && [ "$tx" = 5 ] && [ "$p" = 4 ]
}
ev "VLAN: 4 tagged frames from C (vlan drop) dropped on ingress, as vlan" f2 vlan_ingress
ip link set "$B-p" mtu 1500

# ---- VLAN forward ---------------------------------------------------------
diag "[${SECONDS}s] VLAN forward"
# A VLAN subinterface in A and B, where the kernel has 802.1Q (the debug
# kernel is built without it): else tagged frames from raw sockets.
VLANDEV=yes
for x in A:1 B:2; do
	ns=${x%:*}
	ip -n "${!ns}" -b - <<-EOF || VLANDEV=no
	link add link eth0 name eth0.10 type vlan id 10
	addr add 10.0.10.${x#*:}/24 dev eth0.10
	link set eth0.10 up
	EOF
done
if [ "$VLANDEV" = yes ]; then
	pings_start VAB:"$A":10.0.10.2 VBA:"$B":10.0.10.1
	check "VLAN: ping A <-> B over VLAN 10 (eth0.10; both ports vlan forward)" pings_ok VAB VBA
else
	diag "no VLAN devices in this kernel: tagged frames from raw sockets, A <-> B"
	vsw_send "$B" eth0 "$MACA,$MACB,VT,2,60,10"
	vsw_recv_wait "$TMPD/rA" VT 2
	vsw_burst A vt "$MACB,$MACA,VT,2,60,10"
	TAGS_A=$((TAGS_A + 2)) TAGS_B=$((TAGS_B + 2))
	vt() { vsw_counts A VT 2 B VT 2 C VT 0; }
	check "VLAN: tagged frames pass A <-> B (both ports vlan forward)" vt
fi

snap z
__compare_end() { compare s0 z; }
ev "counters still match the veth peers' after floods, drops and VLAN" z __compare_end
diag "ran ${SECONDS}s"
tap_done
