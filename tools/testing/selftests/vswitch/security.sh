#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# security.sh - port security (SpoofGuard) and the DHCP server guard
#
# Two VMs (netns + veth) a and b on one switch; each port is bound to its
# VM's MAC, IPv4, IPv6 and IPv6 link-local address, with security on; a's
# port has dhcp-guard on too. From a, scapy sends crafted frames, each
# followed by a control frame (EtherType 0x88b5 from a's MAC, which the
# switch checks no further). The ground truth is a tcpdump on b's eth0: a
# dropped frame never shows there while the control frame sent after it
# does; a frame that passes shows once. Every crafted frame goes to a MAC
# nobody has, so the switch floods it to b, whose stack ignores it
# (PACKET_OTHERHOST): a spoof that passes cannot poison b's caches. The
# sender runs on CPU 0 only, so each frame, its forwarded copy and the
# control frame after it go through one backlog, in order.
#
#   D  DAD with security on: b sees a's NS from :: for its link-local and
#      global address, and a's addresses leave tentative
#   P  ping v4, v6 and v6 link-local from a to b before and after the
#      spoofs, v4 and v6 continuously while they are sent (no echo lost)
#   S  spoofs (source MAC, IPv4 source, ARP sender IP/MAC, IPv6 source,
#      NS/NA source, target or link-layer option, a DAD probe for an
#      address a does not own, DHCP/DHCPv6 server replies) are dropped,
#      and counted under their reason on the port and the switch; legitimate frames of the same kinds pass
#   G  dhcp-guard off: the server replies pass
#   N  ip none: a's own addresses are refused, DAD for them too; ARP
#      probes and DHCP discovery still pass; ping fails, and rebinding
#      restores it
#   O  security off: every spoof passes; dhcp-guard alone still drops
#      the server replies
#
# What the module lets through with security on (security.c): IPv4 and
# ARP from 0.0.0.0 (DHCP discovery 0.0.0.0:68 -> :67 and ARP probes, with
# the bound sender MAC), ICMPv6 from :: (DAD, MLD) as long as an NS/NA
# link-layer option is the bound MAC, an NA advertises a bound address and
# a DAD probe (NS from ::) probes one;
# IPv6 link-local addresses must be bound like any other.

source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/vsw.sh"
set -e

SW=vsec
A=seca B=secb
A4=10.77.0.1 B4=10.77.0.2
A6=fd77::1 B6=fd77::2
TMP=$(mktemp -d)
PCAP=$TMP/b.pcap
TD_PID='' SCAPY_PID=''

cleanup() {
	set +e
	[ -z "${PING_PID[*]}" ] || kill "${PING_PID[@]}" 2>/dev/null
	[ -z "$SCAPY_PID" ] || kill "$SCAPY_PID" 2>/dev/null
	[ -z "$TD_PID" ] || kill "$TD_PID" 2>/dev/null
	wait 2>/dev/null
	vsw_cleanup
	rm -rf "$TMP"
}
trap cleanup EXIT

# ---- the frames ------------------------------------------------------------

# The sender, in a's namespace: prints "ready", then for each line
# "PHASE CASE..." sends every CASE's frame with the marker
# "VSWSEC:PHASE:CASE;" after it (outside every length field) and a control
# frame "VSWSEC:PHASE:CASE:ctl;", and prints "sent PHASE".
SENDER=$(cat <<'PY'
import sys
sys.path.append("/usr/lib/python3/dist-packages")	# python3 -I -S
sys.modules["cryptography"] = None	# optional for scapy, slow to import
from scapy.config import conf
from scapy.packet import Raw
from scapy.layers.l2 import Ether, ARP
from scapy.layers.inet import IP, UDP, ICMP
from scapy.layers.inet6 import (IPv6, ICMPv6ND_NS, ICMPv6ND_NA,
                                ICMPv6NDOptSrcLLAddr, ICMPv6NDOptDstLLAddr)
from scapy.layers.dhcp import BOOTP, DHCP
from scapy.sendrecv import sendp
from scapy.utils import mac2str

print("imported", flush=True)
MA, MB, LLA, LLB, A4, B4, A6, B6 = sys.stdin.readline().split()
FAKE = "02:00:5e:10:00:99"	# a MAC a does not own
UNK = "02:00:5e:10:00:bb"	# nobody's: flooded, ignored by b's stack
X4, X6 = "10.77.0.99", "fd77::99"	# addresses a does not own
X6_SN = "ff02::1:ff00:99"	# X6's solicited-node group

def eth(src=MA, dst=UNK):
    return Ether(src=src, dst=dst)

def udp():
    return UDP(sport=4242, dport=4242)

def ns(src, tgt, lladdr=None):
    p = eth() / IPv6(src=src, dst=X6_SN) / ICMPv6ND_NS(tgt=tgt)
    return p / ICMPv6NDOptSrcLLAddr(lladdr=lladdr) if lladdr else p

def na(src, tgt, lladdr):
    return (eth() / IPv6(src=src, dst="ff02::1") /
            ICMPv6ND_NA(tgt=tgt, R=0, S=0, O=1) /
            ICMPv6NDOptDstLLAddr(lladdr=lladdr))

def dhcp4(op, src, dst, sport, dport, kind, mac):
    return (IP(src=src, dst=dst) / UDP(sport=sport, dport=dport) /
            BOOTP(op=op, chaddr=mac2str(mac), xid=0x5ec) /
            DHCP(options=[("message-type", kind), "end"]))

F = {
    "mac": lambda: eth(src=FAKE) / IP(src=A4, dst=B4) / udp(),
    "ipv4": lambda: eth() / IP(src=X4, dst=B4) / udp(),
    "ipv4-peer": lambda: eth() / IP(src=B4, dst=B4) / ICMP(),
    "arp-ip": lambda: eth() / ARP(op=2, hwsrc=MA, psrc=X4, hwdst=MB, pdst=B4),
    "arp-mac": lambda: eth() / ARP(op=1, hwsrc=FAKE, psrc=A4, pdst=B4),
    "ipv6": lambda: eth() / IPv6(src=X6, dst=B6) / udp(),
    "ipv6-unspec": lambda: eth() / IPv6(src="::", dst=B6) / udp(),
    "ns-src": lambda: ns(X6, B6, MA),
    "ns-lladdr": lambda: ns(A6, B6, FAKE),
    "dad-lladdr": lambda: ns("::", X6, FAKE),
    "na-target": lambda: na(A6, X6, MA),
    "na-lladdr": lambda: na(A6, A6, FAKE),
    "na-unspec": lambda: na("::", X6, MA),
    "dhcp4-server": lambda: eth() / dhcp4(2, A4, B4, 67, 68, "offer", MB),
    "dhcp6-server": lambda: (eth() / IPv6(src=LLA, dst=LLB) /
                             UDP(sport=547, dport=546) /
                             Raw(b"\x02\x00\x05\xec")),	# ADVERTISE
    "ok-ipv4": lambda: eth() / IP(src=A4, dst=B4) / udp(),
    "ok-ipv6": lambda: eth() / IPv6(src=A6, dst=B6) / udp(),
    "ok-ipv6-ll": lambda: eth() / IPv6(src=LLA, dst=LLB) / udp(),
    "ok-arp": lambda: eth() / ARP(op=1, hwsrc=MA, psrc=A4, pdst=B4),
    "ok-arp-probe": lambda: eth() / ARP(op=1, hwsrc=MA, psrc="0.0.0.0",
                                        pdst=A4),
    "ok-ns": lambda: ns(A6, B6, MA),
    "ok-na": lambda: na(A6, A6, MA),
    "dad-target": lambda: ns("::", X6),
    "ok-dad": lambda: ns("::", A6),
    "ok-dhcp4-client": lambda: (eth(dst="ff:ff:ff:ff:ff:ff") /
                                dhcp4(1, "0.0.0.0", "255.255.255.255",
                                      68, 67, "discover", MA)),
    "ok-dhcp6-client": lambda: (eth(dst="33:33:00:01:00:02") /
                                IPv6(src=LLA, dst="ff02::1:2") /
                                UDP(sport=546, dport=547) /
                                Raw(b"\x01\x00\x05\xec")),	# SOLICIT
}

conf.verb = 0
sock = conf.L2socket(iface="eth0")
print("ready", flush=True)
for line in sys.stdin:
    phase, *cases = line.split()
    if phase == "count":	# count PCAP PHASE CASE...: what b captured
        data = open(cases[0], "rb").read()
        for c in cases[2:]:
            m = ("VSWSEC:%s:%s" % (cases[1], c)).encode()
            print(c, data.count(m + b";"), data.count(m + b":ctl;"))
        print("end", flush=True)
        continue
    out = []
    for c in cases:
        tag = ("VSWSEC:%s:%s" % (phase, c)).encode()
        out.append(Raw(bytes(F[c]()) + tag + b";"))
        out.append(eth() / Raw(tag + b":ctl;"))
        out[-1].type = 0x88b5
    sendp(out, iface="eth0", socket=sock)
    print("sent", phase, flush=True)
PY
)

# Each phase: CASE=EXPECT, EXPECT the drop reason (vswctl -j name) or pass.
P_SPOOF=(
	mac=mac_spoof ipv4=ipv4_spoof ipv4-peer=ipv4_spoof
	arp-ip=arp_spoof arp-mac=arp_spoof
	ipv6=ipv6_spoof ipv6-unspec=ipv6_spoof ns-src=ipv6_spoof
	ns-lladdr=nd_spoof dad-lladdr=nd_spoof na-target=nd_spoof
	na-lladdr=nd_spoof na-unspec=nd_spoof dad-target=nd_spoof
	dhcp4-server=dhcp_server dhcp6-server=dhcp_server
	ok-ipv4=pass ok-ipv6=pass ok-ipv6-ll=pass ok-arp=pass ok-arp-probe=pass
	ok-ns=pass ok-na=pass ok-dad=pass ok-dhcp4-client=pass ok-dhcp6-client=pass
)
P_NOGUARD=(dhcp4-server=pass dhcp6-server=pass)
P_NONE=(
	ok-ipv4=ipv4_spoof ok-arp=arp_spoof ok-ipv6=ipv6_spoof
	ok-ipv6-ll=ipv6_spoof ok-ns=ipv6_spoof ok-dhcp6-client=ipv6_spoof
	ok-arp-probe=pass ok-dad=nd_spoof ok-dhcp4-client=pass
)
P_OFF=()
for c in "${P_SPOOF[@]}"; do
	case $c in
	*=dhcp_server) P_OFF+=("$c") ;;
	*) P_OFF+=("${c%%=*}=pass") ;;
	esac
done
REASONS=(malformed src_mac vlan mac_spoof ipv4_spoof arp_spoof ipv6_spoof
	 nd_spoof dhcp_server)

# D, ping before; S: cases, counters, ping during, ping after; G: cases,
# counters; N: cases, counters, no ping, ping again; O: cases, counters
tap_plan $((2 + ${#P_SPOOF[@]} + 3 + ${#P_NOGUARD[@]} + 1 + ${#P_NONE[@]} + 2 + 1 + ${#P_OFF[@]} + 1))

# ---- helpers -----------------------------------------------------------------

ll_addr() {
	ip -n "$1" -6 -o addr show dev eth0 scope link | awk '{ sub("/.*", "", $4); print $4 }'
}

# pings FROM_NS V4 V6 LL: one echo request to each address, all answered.
pings() {
	ip netns exec "$1" sh -c 'for a; do
		ping -c 1 -W 10 -q "$a" > /dev/null || { echo "no reply from $a"; exit 1; }
	done' sh "$2" "$3" "$4%eth0"
}

# counters NAME ARGS...: vsw_counters ARGS into the associative array NAME.
counters() {
	local -n __c=$1
	local k v
	shift
	__c=()
	while read -r k v; do __c[$k]=$v; done < <(vsw_counters "$@")
}

# marker_counts PHASE CASE...: "CASE FRAMES CONTROLS" seen by b's tcpdump
# (counted by the sender, a python that is running already).
marker_counts() {
	local line
	echo "count $PCAP $*" >&"${SCAPY[1]}"
	while read -r -t "$(wait_scaled 60)" line <&"${SCAPY[0]}"; do
		[ "$line" != end ] || return 0
		echo "$line"
	done
	echo "marker_counts: no end from the sender" >&2
	return 1
}

pcap_has() { grep -a -q -F "$1" "$PCAP"; }

# send_phase PHASE CASE...: the sender sends them; wait until b saw the
# last control frame.
send_phase() {
	local phase=$1 last=${!#} line
	echo "$*" >&"${SCAPY[1]}"
	if ! read -r -t "$(wait_scaled 120)" line <&"${SCAPY[0]}" ||
	   [ "$line" != "sent $phase" ]; then
		diag "sender: '${line:-nothing}' for $phase"
		sed 's/^/#   /' "$TMP/scapy.err"
		return 1
	fi
	wait_for "b's tcpdump to see the last control frame of $phase" 60 \
		pcap_has "VSWSEC:$phase:$last:ctl;"
}

# run_phase PHASE LOOSE CASE=EXPECT...: send the cases, one TAP line per
# case (ground truth: b's capture), then one for the drop counters of a's
# port and of the switch: each reason grows by its number of cases; a
# reason in LOOSE (space-separated) may grow more, on the port and the
# switch alike (a's own background traffic is refused too in that phase,
# and may be between the two reads).
run_phase() {
	local phase=$1 loose=" $2 " c r n f k want ok=0 line
	local -a names=()
	local -A exp=() b=() a=() got=()
	shift 2
	for c in "$@"; do
		names+=("${c%%=*}")
		exp[${c%%=*}]=${c#*=}
	done
	counters b "$SW" "$A-p"
	send_phase "$phase" "${names[@]}" || ok=1
	while read -r c n f; do got[$c]="$n $f"; done < <(marker_counts "$phase" "${names[@]}")
	for c in "${names[@]}"; do
		read -r n f <<< "${got[$c]:-? ?}"
		if [ "${exp[$c]}" = pass ]; then
			want="1 1"
			line="$phase $c: passes, b got it once (frames $n, control $f)"
		else
			want="0 1"
			line="$phase $c: dropped (${exp[$c]}), b got only the control frame (frames $n, control $f)"
		fi
		if [ "$n $f" = "$want" ]; then tap_ok "$line"; else tap_notok "$line"; fi
	done
	counters a "$SW" "$A-p"
	line=""
	for r in "${REASONS[@]}"; do
		want=0
		for c in "${names[@]}"; do [ "${exp[$c]}" != "$r" ] || want=$((want + 1)); done
		k=drop_$r
		n=$((${a[$A-p.$k]} - ${b[$A-p.$k]})) f=$((${a[$k]} - ${b[$k]}))
		[ "$want" = 0 ] && [ "$n" = 0 ] && [ "$f" = 0 ] && continue
		line+=" $r $n/$f (want $want)"
		if [[ $loose == *" $r "* ]]; then
			[ "$n" -ge "$want" ] && [ "$f" -ge "$want" ] || ok=1
		else
			[ "$n" = "$want" ] && [ "$f" = "$want" ] || ok=1
		fi
	done
	[ -n "$line" ] || line=" none"
	if [ "$ok" = 0 ]; then
		tap_ok "$phase: drops on a's port/switch:$line"
	else
		tap_notok "$phase: drops on a's port/switch:$line"
	fi
}

# ping_start: ping v4 and v6 from a to b, 4 a second, until ping_stop;
# each reply a line in $TMP/ping4 or ping6.
PING_PID=()
ping_start() {
	local v a
	for v in 4 6; do
		a=$B4
		[ "$v" = 4 ] || a=$B6
		ip netns exec "$A" stdbuf -oL ping -i 0.25 -W 10 "$a" > "$TMP/ping$v" 2>&1 &
		PING_PID+=($!)
	done
}
# ping_last: "V4 V6", the highest icmp_seq each ping got an answer to so
# far (0: none); one process, as it is polled.
ping_last() {
	awk -F 'icmp_seq=' 'FNR == 1 { f++ } NF > 1 { n = $2 + 0; if (n > m[f]) m[f] = n }
		END { print m[1] + 0, m[2] + 0 }' "$TMP/ping4" "$TMP/ping6"
}
# ping_past N: both pings got an answer to an echo after the Nth.
ping_past() {
	local l4 l6
	read -r l4 l6 <<< "$(ping_last)"
	WAIT_SEEN="last answered: v4 $l4, v6 $l6"
	[ "$l4" -gt "$1" ] && [ "$l6" -gt "$1" ]
}
# ping_stop: stop both (in the test's shell: they are its children).
ping_stop() {
	kill -INT "${PING_PID[@]}" 2>/dev/null
	wait "${PING_PID[@]}" 2>/dev/null || true
	PING_PID=()
}
# ping_verdict: every echo up to the last answered one of each ping was
# answered (no gap in icmp_seq).
ping_verdict() {
	local v n last rc=0 l4 l6
	read -r l4 l6 <<< "$(ping_last)"
	for v in 4 6; do
		last=$l4
		[ "$v" = 4 ] || last=$l6
		n=$(sed -n 's/.* icmp_seq=\([0-9]*\) .*/\1/p' "$TMP/ping$v" | sort -un | wc -l)
		echo "v$v: echoes 1..$last all answered: $n answers; $(grep 'transmitted' "$TMP/ping$v")"
		if [ "$n" != "$last" ] || [ "$last" -lt 1 ]; then
			grep -v '^64 bytes' "$TMP/ping$v" | sed 's/^/  /'
			rc=1
		fi
	done
	return $rc
}

# ---- setup -------------------------------------------------------------------

# vm NAME MAC ADDR: vsw_vm's VM, with a MAC of our choosing (none to read
# back) and one ip(8) batch per namespace.
vm() {
	vsw_netns "$1"
	ip link add "$1-p" type veth peer name eth0 address "$2" netns "$1"
	ip -n "$1" -b - <<-EOF
	addr add $3 dev eth0
	link set eth0 up
	EOF
	ip link set "$1-p" up
	vswctl port add "$SW" dev "$1-p"
}

MA=02:77:00:00:00:01 MB=02:77:00:00:00:02
vsw_switch "$SW"
vm "$A" "$MA" "$A4/24"
# scapy takes seconds to import under TCG: the sender starts now, and gets
# the addresses once it has them (it says "imported", then "ready")
coproc SCAPY { exec ip netns exec "$A" taskset -c 0 "$PY" -I -S -u -c "$SENDER" 2> "$TMP/scapy.err"; }
vm "$B" "$MB" "$B4/24"
ip -n "$B" addr add "$B6/64" dev eth0 nodad
LLA='' LLB=''
__lls() {
	LLA=$(ll_addr "$A") LLB=$(ll_addr "$B")
	WAIT_SEEN="a: '$LLA', b: '$LLB'"
	[ -n "$LLA" ] && [ -n "$LLB" ]
}
wait_for "the VMs' link-local addresses" 60 __lls
diag "a: $MA $A4 $A6 $LLA; b: $MB $B4 $B6 $LLB"
# a and b know each other's addresses for good: no ARP or NS probe (one
# confirms an entry in use, seconds after the last ping), nor a's answer
# to b's, lands in a phase whose drops are counted exactly
ip -n "$A" -b - <<EOF
neigh replace $B4 lladdr $MB dev eth0 nud permanent
neigh replace $B6 lladdr $MB dev eth0 nud permanent
neigh replace $LLB lladdr $MB dev eth0 nud permanent
EOF
ip -n "$B" -b - <<EOF
neigh replace $A4 lladdr $MA dev eth0 nud permanent
neigh replace $A6 lladdr $MA dev eth0 nud permanent
neigh replace $LLA lladdr $MA dev eth0 nud permanent
EOF

ip netns exec "$B" tcpdump -i eth0 -U -n -w "$PCAP" 2> "$TMP/tcpdump.err" &
TD_PID=$!
__td_ready() { grep -q "listening on" "$TMP/tcpdump.err"; }
WAIT_FILES=("$TMP/tcpdump.err")
wait_for "tcpdump on b to listen" 60 __td_ready
WAIT_FILES=()

vswctl port set "$SW" dev "$B-p" mac "$MB" ip "$B4" ip "$B6" ip "$LLB" security on
vswctl port set "$SW" dev "$A-p" mac "$MA" ip "$A4" ip "$A6" ip "$LLA" \
	security on dhcp-guard on
vswctl port show "$SW" | sed 's/^/# /'

# D: a's link-local comes back with the link, and the global address is
# new: both go through DAD (NS from ::) with security on.
ip -n "$A" -b - <<EOF
link set eth0 down
link set eth0 up
addr add $A6/64 dev eth0
EOF
__dad_done() {
	WAIT_SEEN=$(ip -n "$A" -6 -o addr show dev eth0 | awk '{ print $4, $5, $6, $7, $8 }' | tr '\n' ';')
	[ -z "$(ip -n "$A" -6 addr show dev eth0 tentative)" ] &&
	[ "$(ll_addr "$A")" = "$LLA" ] &&
	ip -n "$A" -6 addr show dev eth0 | grep -q "inet6 $A6/64"
}
__dad_seen() {
	local s
	s=$(tcpdump -n -r "$PCAP" icmp6 2> /dev/null | grep -F "IP6 :: > ") || true
	WAIT_SEEN=$(echo "$s" | tr '\n' ';')
	grep -q -F "who has $LLA," <<< "$s" && grep -q -F "who has $A6," <<< "$s"
}
dad() {
	wait_for "a's DAD to end" 60 __dad_done || return 1
	ip -n "$A" -6 addr show dev eth0 | sed 's/^/  /'
	if [ -n "$(ip -n "$A" -6 addr show dev eth0 dadfailed)" ]; then
		echo "DAD failed"
		return 1
	fi
	wait_for "b to see a's DAD NS from :: for $LLA and $A6" 30 __dad_seen
}
tap_check "DAD with security on: b saw NS from :: for a's link-local and $A6; a's addresses are valid" dad
tap_check "ping a -> b: $B4, $B6, $LLB (security on, before)" pings "$A" "$B4" "$B6" "$LLB"

# the import takes its time under TCG: wait for it without a deadline of
# our own (the runner's test timeout is the limit)
read -r line <&"${SCAPY[0]}" || true
[ "$line" != imported ] || echo "$MA $MB $LLA $LLB $A4 $B4 $A6 $B6" >&"${SCAPY[1]}"
[ "$line" != imported ] || read -r line <&"${SCAPY[0]}" || true
if [ "$line" != ready ]; then
	diag "sender not ready: '$line'"
	sed 's/^/#   /' "$TMP/scapy.err"
	exit 1
fi

# ---- S: spoofs, pings meanwhile -------------------------------------------------

ping_start
wait_for "the first echo replies" 60 ping_past 0
run_phase S "" "${P_SPOOF[@]}"
# two echoes sent after the spoofs were, answered
read -r l4 l6 <<< "$(ping_last)"
n0=$((l4 > l6 ? l4 : l6))
wait_for "two more echo replies each" 60 ping_past $((n0 + 2)) || true
ping_stop
tap_check "ping a -> b v4 and v6 while spoofing: every echo answered" ping_verdict
tap_check "ping a -> b: $B4, $B6, $LLB (security on, after)" pings "$A" "$B4" "$B6" "$LLB"

# ---- G: dhcp-guard off ------------------------------------------------------------

vswctl port set "$SW" dev "$A-p" dhcp-guard off
run_phase G "" "${P_NOGUARD[@]}"

# ---- N: ip none, then bound again ---------------------------------------------------

vswctl port set "$SW" dev "$A-p" ip none
vswctl port show "$SW" dev "$A-p" | sed 's/^/# /'
# a's MLD reports and router solicitations from its link-local are
# refused meanwhile as well: ipv6_spoof may grow more
run_phase N "ipv6_spoof" "${P_NONE[@]}"
no_ping() {
	local p4 p6 rc=0
	ip netns exec "$A" ping -c 1 -W 3 -q "$B4" > /dev/null & p4=$!
	ip netns exec "$A" ping -c 1 -W 3 -q "$B6" > /dev/null & p6=$!
	if wait "$p4"; then echo "$B4 answered"; rc=1; fi
	if wait "$p6"; then echo "$B6 answered"; rc=1; fi
	return $rc
}
tap_check "ip none: ping a -> b fails ($B4, $B6)" no_ping
vswctl port set "$SW" dev "$A-p" ip "$A4" ip "$A6" ip "$LLA"
__pings() { pings "$A" "$B4" "$B6" "$LLB"; }
tap_check "bound again: ping a -> b works ($B4, $B6, $LLB)" wait_for "ping a -> b" 60 __pings

# ---- O: security off --------------------------------------------------------------

vswctl port set "$SW" dev "$A-p" security off dhcp-guard on
run_phase O "" "${P_OFF[@]}"

tap_done
