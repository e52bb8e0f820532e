#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# malformed.sh - truncated frames, and frames whose length fields lie
#
# Two VMs (netns + veth, IPv6 off so that their stacks send nothing of
# their own) a and b on one switch, ports with "vlan forward", MTU 9000.
# From a, raw frames go out through an AF_PACKET socket: Ethernet headers
# with nothing after them, VLAN tags with nothing after them, IPv4 with
# IHL < 5, IHL or total length beyond the frame, IPv6 cut short or with a
# payload length beyond the frame, extension header chains that run past
# the end, ARP, ICMPv6 and ND cut short, transport ports cut off by the IP
# length (with Ethernet padding after them), and frames of 4 KiB whose
# headers lie in page fragments (AF_PACKET puts only the Ethernet header
# of such a frame in the skb's head). Each frame is followed by a control
# frame (EtherType 0x88b5, numbered); the sender is pinned to one CPU so
# that the frames, what the switch makes of them and the control frames
# stay in order. Ground truth: a tcpdump on b, where the frames between
# two control frames are what the switch forwarded of the one in between,
# and b's eth0 counters.
#
#   each frame, security on, then off: dropped and counted as malformed,
#     or forwarded byte for byte where the switch need not parse that far
#     (an unknown EtherType, a later fragment, ICMPv4, the four port bytes
#     of a TCP header, no next header, an ICMPv6 header alone); one frame
#     never reaches the switch (the kernel's VLAN untagging frees it)
#   the drop counters of a's port and of the switch, a's rx and b's tx
#     and b's eth0 rx counters match
#   a 13-byte frame cannot be sent at all (AF_PACKET refuses frames
#     shorter than the Ethernet header on an Ethernet device, as tap does)
#
# Reads past the end of a frame are the debug kernel's (KASAN) to find.

source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/vsw.sh"
set -e

SW=vmal
A=mala B=malb
A4=10.78.0.1 B4=10.78.0.2 A6=fd78::1 B6=fd78::2
TMP=$(mktemp -d)
PCAP=$TMP/b.pcap
TD_PID=''

cleanup() {
	set +e
	[ -z "$TD_PID" ] || kill "$TD_PID" 2>/dev/null
	wait 2>/dev/null
	vsw_cleanup
	rm -rf "$TMP"
}
trap cleanup EXIT

# The sender: SENDER PHASE MAC PCAP CASE... sends, on a's eth0, a control
# frame "VSWMAL:PHASE:0;", then each CASE's frame followed by the control
# frame with the next number; waits until b's capture PCAP holds the last
# control frame and prints what it shows (below). In phase "on",
# it first tries a 13-byte frame and prints "runt ERRNO" (or "runt sent").
SENDER=$(cat <<'PY'
import errno, os, socket, struct, sys, time
from socket import inet_aton, inet_pton, AF_INET6

A4, B4, A6, B6 = "10.78.0.1", "10.78.0.2", "fd78::1", "fd78::2"
UNK = bytes.fromhex("02005e1000bb")	# nobody's MAC: flooded to b

sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
sock.bind(("eth0", 0))
if sys.argv[1] == "on":
    try:
        sock.send(b"\xff" * 13)
        print("runt sent")
    except OSError as e:
        print("runt", errno.errorcode[e.errno])

phase, ma, pcap = sys.argv[1], bytes.fromhex(sys.argv[2].replace(":", "")), sys.argv[3]
cases, timeout = sys.argv[5:], float(sys.argv[4])

def eth(t):
    return UNK + ma + struct.pack("!H", t)

def tag(tpid, vid):
    return struct.pack("!HH", vid, tpid)

def ip4(payload=b"", proto=17, tot=None, ihl=5, ver=4, frag=0):
    if tot is None:
        tot = 20 + len(payload)
    return eth(0x0800) + struct.pack("!BBHHHBBH4s4s", ver << 4 | ihl, 0, tot,
                                      1, frag, 64, proto, 0,
                                      inet_aton(A4), inet_aton(B4)) + payload

def ip6(nh, payload=b"", plen=None, ver=6):
    if plen is None:
        plen = len(payload)
    return eth(0x86dd) + struct.pack("!IHBB16s16s", ver << 28, plen, nh, 255,
                                      inet_pton(AF_INET6, A6),
                                      inet_pton(AF_INET6, B6)) + payload

def ext(nh, units, size=None):
    """an extension header claiming (units + 1) * 8 bytes, size bytes long"""
    size = (units + 1) * 8 if size is None else size
    return bytes([nh, units]) + bytes(size - 2)

def nd_msg(icmp_type):
    return struct.pack("!BBHI16s", icmp_type, 0, 0, 0, inet_pton(AF_INET6, B6))

def nd(icmp_type, opts=b""):
    return ip6(58, nd_msg(icmp_type) + opts)

def pad(frame, n):
    return frame + bytes(max(0, n - len(frame)))

UDP = struct.pack("!HHHH", 4242, 4242, 8, 0)
ARP = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1)
ARP_BODY = ma + inet_aton(A4) + bytes(6) + inet_aton(B4)
SLLA = bytes([1, 1]) + ma
DST = ext(60, 0)
BIG = bytes([200, 255]) + bytes(2038)	# an ND option of 2040 bytes
BIG_DST = ext(60, 255)			# a destination options header of 2 KiB

F = {
    "eth-ipv4": lambda: eth(0x0800),
    "eth-ipv6": lambda: eth(0x86dd),
    "eth-arp": lambda: eth(0x0806),
    "eth-other": lambda: eth(0x88b5),
    "vlan-empty": lambda: eth(0x8100) + tag(0x0800, 5),
    "vlan-ipv4-cut": lambda: eth(0x8100) + tag(0x0800, 5) + b"\x45\x00",
    "qinq-inner-cut": lambda: eth(0x88a8) + tag(0x8100, 5) + b"\x00\x07",
    "vlan-4-tags": lambda: (eth(0x88a8) + tag(0x8100, 5) + tag(0x8100, 6) +
                            tag(0x8100, 7) + tag(0x88b5, 8) + b"four tags"),
    "qinq": lambda: eth(0x88a8) + tag(0x8100, 5) + tag(0x88b5, 7) + b"two tags",
    "ipv4-cut": lambda: ip4()[:14 + 12],
    "ipv4-version": lambda: ip4(UDP, ver=6),
    "ipv4-ihl4": lambda: ip4(UDP, ihl=4),
    "ipv4-ihl15": lambda: ip4(ihl=15, tot=20),
    "ipv4-ihl-beyond": lambda: ip4(ihl=6, tot=24),
    "ipv4-len-beyond": lambda: ip4(UDP, tot=1000),
    "ipv4-len-short": lambda: ip4(UDP, tot=19),
    "ipv4-udp-cut": lambda: ip4(UDP[:2]),
    "ipv4-udp-cut-pad": lambda: pad(ip4(UDP[:2]) + UDP[2:], 60),
    "ipv4-frag-later": lambda: ip4(frag=100),
    "ipv4-icmp-empty": lambda: ip4(proto=1),
    "ipv4-tcp-ports": lambda: ip4(UDP[:4], proto=6),
    "arp-hdr-cut": lambda: eth(0x0806) + ARP[:6],
    "arp-body-cut": lambda: eth(0x0806) + ARP + ARP_BODY[:10],
    "arp-other": lambda: eth(0x0806) + struct.pack("!HHBBH", 1, 0x86dd, 6, 16, 1),
    "ipv6-cut": lambda: ip6(59)[:14 + 20],
    "ipv6-version": lambda: ip6(17, UDP, ver=4),
    "ipv6-plen-beyond": lambda: ip6(17, UDP, plen=100),
    "ipv6-hbh-beyond": lambda: ip6(0, ext(17, 1, 8)),
    "ipv6-hbh-cut": lambda: ip6(0, ext(17, 0, 4)),
    "ipv6-chain-cut": lambda: ip6(0, ext(60, 0)),
    "ipv6-frag-cut": lambda: ip6(44, ext(17, 0, 6)),
    "ipv6-ah-beyond": lambda: ip6(51, bytes([59, 4]) + bytes(10)),
    "ipv6-9-ext": lambda: ip6(60, DST * 8 + ext(17, 0) + UDP),
    "ipv6-8-ext": lambda: ip6(60, DST * 7 + ext(17, 0) + UDP),
    "ipv6-udp-cut": lambda: ip6(17, UDP[:2]),
    "ipv6-udp-cut-pad": lambda: pad(ip6(17, UDP[:2]) + UDP[2:], 64),
    "ipv6-frag-later": lambda: ip6(44, struct.pack("!BBHI", 17, 0, 10 << 3, 1)),
    "ipv6-nonext": lambda: ip6(59),
    "icmp6-cut": lambda: ip6(58, b"\x80\x00"),
    "icmp6-hdr-only": lambda: ip6(58, b"\x80\x00\x00\x00"),
    "ns-cut": lambda: ip6(58, nd_msg(135)[:20]),
    "na-cut": lambda: ip6(58, nd_msg(136)[:8]),
    "ns-opt-zero": lambda: nd(135, bytes([1, 0]) + ma),
    "ns-opt-beyond": lambda: nd(135, bytes([1, 2]) + ma),
    "ns-opt-cut": lambda: nd(135, SLLA[:4]),
    "ns-two-lladdr": lambda: nd(135, SLLA + SLLA),
    "ns": lambda: nd(135, SLLA),
    "big-ipv4-len-beyond": lambda: ip4(UDP + bytes(4200), tot=5000),
    "big-ipv4-udp": lambda: ip4(UDP + bytes(4200)),
    "big-ipv6-chain-beyond": lambda: ip6(60, BIG_DST * 2 + ext(17, 255, 8)),
    "big-ipv6-udp": lambda: ip6(60, BIG_DST + ext(17, 255) + UDP + bytes(64)),
    "big-ns-opt-beyond": lambda: nd(135, BIG * 2 + bytes([1, 2]) + ma),
    "big-ns": lambda: nd(135, BIG * 2 + SLLA),
}
# The lengths the cases are named after hold:
assert len(F["eth-ipv4"]()) == 14 and len(F["ipv4-udp-cut-pad"]()) == 60
assert len(F["big-ns"]()) > 4096 and len(F["big-ipv6-udp"]()) > 4096

def ctl(i):
    return eth(0x88b5) + ("VSWMAL:%s:%d;" % (phase, i)).encode()

sent = []
sock.send(ctl(0))
for i, c in enumerate(cases, 1):
    f = F[c]()
    sent.append((c, f))
    sock.send(f)
    sock.send(ctl(i))
last = ("VSWMAL:%s:%d;" % (phase, len(cases))).encode()
end = time.monotonic() + timeout
while last not in open(pcap, "rb").read():
    if time.monotonic() > end:
        print("timeout: b's capture has no %s after %ds" % (last.decode(), timeout))
        sys.exit(1)
    time.sleep(0.1)

# What b's capture shows: "CASE FRAMES SAME CTL" per case, with FRAMES the
# frames from a between the control frame before the case and the one
# after it, SAME 1 when that is one frame equal to the one sent, CTL 1
# when the control frame after it was seen.
data = open(pcap, "rb").read()
end = "<" if data[:4] == b"\xd4\xc3\xb2\xa1" else ">"
off, frames = 24, []
while off + 16 <= len(data):
    incl = struct.unpack(end + "I", data[off + 8:off + 12])[0]
    if off + 16 + incl > len(data):
        break
    frames.append(data[off + 16:off + 16 + incl])
    off += 16 + incl
mark = ("VSWMAL:%s:" % phase).encode()
segs, cur = {}, None
for f in frames:
    if f[6:12] != ma:
        continue
    if f[12:14] == b"\x88\xb5" and f[14:14 + len(mark)] == mark:
        cur = int(f[14 + len(mark):].split(b";")[0])
        segs[cur] = []
    elif cur is not None:
        segs[cur].append(f)
for i, (case, f) in enumerate(sent, 1):
    seg = segs.get(i - 1, [])
    same = len(seg) == 1 and seg[0] == f
    print(case, len(seg), int(same), int(i in segs))
PY
)

# CASE=EXPECT: malformed, pass (forwarded unchanged), core (freed by the
# kernel before the switch sees it), or a drop reason for security on.
CASES=(
	eth-ipv4=malformed eth-ipv6=malformed eth-arp=malformed eth-other=pass
	vlan-empty=core vlan-ipv4-cut=malformed qinq-inner-cut=malformed
	vlan-4-tags=malformed qinq=pass
	ipv4-cut=malformed ipv4-version=malformed ipv4-ihl4=malformed
	ipv4-ihl15=malformed ipv4-ihl-beyond=malformed ipv4-len-beyond=malformed
	ipv4-len-short=malformed ipv4-udp-cut=malformed ipv4-udp-cut-pad=malformed
	ipv4-frag-later=pass ipv4-icmp-empty=pass ipv4-tcp-ports=pass
	arp-hdr-cut=malformed arp-body-cut=malformed arp-other=arp_spoof
	ipv6-cut=malformed ipv6-version=malformed ipv6-plen-beyond=malformed
	ipv6-hbh-beyond=malformed ipv6-hbh-cut=malformed ipv6-chain-cut=malformed
	ipv6-frag-cut=malformed ipv6-ah-beyond=malformed ipv6-9-ext=malformed
	ipv6-8-ext=pass ipv6-udp-cut=malformed ipv6-udp-cut-pad=malformed
	ipv6-frag-later=pass ipv6-nonext=pass
	icmp6-cut=malformed icmp6-hdr-only=pass
	ns-cut=malformed na-cut=malformed ns-opt-zero=malformed
	ns-opt-beyond=malformed ns-opt-cut=malformed ns-two-lladdr=malformed
	ns=pass
	big-ipv4-len-beyond=malformed big-ipv4-udp=pass
	big-ipv6-chain-beyond=malformed big-ipv6-udp=pass
	big-ns-opt-beyond=malformed big-ns=pass
)
REASONS=(malformed src_mac vlan mac_spoof ipv4_spoof arp_spoof ipv6_spoof
	 nd_spoof dhcp_server mtu)

tap_plan $((1 + 2 * (${#CASES[@]} + 1)))

# vm NAME MAC ADDR: vsw_vm's VM, without IPv6 (off before its eth0 exists,
# and on the port device) so that no stack sends frames of its own; MTU
# 9000; eth0's MAC is MAC; port "vlan forward".
vm() {
	vsw_netns "$1"
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	ip link add "$1-p" mtu 9000 type veth peer name eth0 mtu 9000 address "$2" netns "$1"
	# the port's own stack would send to b too (router solicitations)
	sysctl -qw "net.ipv6.conf.$1-p.disable_ipv6=1"
	ip -n "$1" -b - <<-EOF
	addr add $3 dev eth0
	link set eth0 up
	EOF
	ip link set "$1-p" up
	vswctl port add "$SW" dev "$1-p" vlan forward
}

# b_rx: the packets b's eth0 received (ip -s link: the line after "RX:").
b_rx() {
	ip -n "$B" -s link show dev eth0 |
		awk '$1 == "RX:" { getline; print $2; exit }'
}

counters() {
	local -n __c=$1
	local k v
	shift
	__c=()
	while read -r k v; do __c[$k]=$v; done < <(vsw_counters "$@")
}

# run_phase PHASE: send every case; one TAP line per case, one for the
# counters.
run_phase() {
	local phase=$1 c n s k e r want ok=0 line last
	local -a names=()
	local -A exp=() b=() a=() got=()
	local brx brx2 nreach=0 npass=0
	for c in "${CASES[@]}"; do
		names+=("${c%%=*}")
		exp[${c%%=*}]=${c#*=}
	done
	[ "$phase" = on ] || exp[arp-other]=pass
	counters b "$SW" "$A-p" "$B-p"
	brx=$(b_rx)

	# the sender waits (up to 60 s) for b's tcpdump to see its last
	# control frame, then reads the capture
	ip netns exec "$A" taskset -c 0 "$PY" -I -S -c "$SENDER" "$phase" "$MA" \
		"$PCAP" "$(wait_scaled 60)" "${names[@]}" > "$TMP/$phase.got" || true
	last=${#names[@]}
	if [ "$phase" = on ]; then
		r=$(sed -n 's/^runt //p' "$TMP/$phase.got")
		tap_check "a 13-byte frame cannot be sent (AF_PACKET: $r)" test "$r" = EINVAL
	fi
	grep '^timeout' "$TMP/$phase.got" | sed 's/^/# /' || true
	while read -r c n s k; do got[$c]="$n $s $k"; done < "$TMP/$phase.got"
	for c in "${names[@]}"; do
		read -r n s k <<< "${got[$c]:-? ? ?}"
		e=${exp[$c]}
		case $e in
		pass)
			line="$phase $c: forwarded unchanged (frames $n, same $s, control $k)"
			want="1 1 1" ;;
		core)
			line="$phase $c: not forwarded, the kernel frees it before the switch (frames $n, control $k)"
			want="0 0 1" ;;
		*)
			line="$phase $c: dropped as $e (frames $n, control $k)"
			want="0 0 1" ;;
		esac
		[ "$e" = pass ] && npass=$((npass + 1))
		[ "$e" = core ] || nreach=$((nreach + 1))
		if [ "$n $s $k" = "$want" ]; then tap_ok "$line"; else tap_notok "$line"; fi
	done

	counters a "$SW" "$A-p" "$B-p"
	brx2=$(b_rx)
	# the control frames: one more than the cases
	n=$((${a[$A-p.rx_packets]} - ${b[$A-p.rx_packets]}))
	line="a rx $n (want $((nreach + last + 1)))"
	[ "$n" = $((nreach + last + 1)) ] || ok=1
	n=$((${a[$B-p.tx_packets]} - ${b[$B-p.tx_packets]}))
	line+=", b tx $n and b's eth0 rx $((brx2 - brx)) (want $((npass + last + 1)))"
	[ "$n" = $((npass + last + 1)) ] || ok=1
	[ $((brx2 - brx)) = $((npass + last + 1)) ] || ok=1
	line+=", drops"
	for r in "${REASONS[@]}"; do
		want=0
		for c in "${names[@]}"; do [ "${exp[$c]}" != "$r" ] || want=$((want + 1)); done
		k=drop_$r
		n=$((${a[$A-p.$k]} - ${b[$A-p.$k]})) s=$((${a[$k]} - ${b[$k]}))
		[ "$want" = 0 ] && [ "$n" = 0 ] && [ "$s" = 0 ] && continue
		line+=" $r $n/$s (want $want)"
		[ "$n" = "$want" ] && [ "$s" = "$want" ] || ok=1
	done
	if [ "$ok" = 0 ]; then
		tap_ok "$phase: counters: $line"
	else
		tap_notok "$phase: counters: $line"
	fi
}

vsw_switch "$SW"
MA=02:78:00:00:00:01
vm "$A" "$MA" "$A4/24"
vm "$B" 02:78:00:00:00:02 "$B4/24"
diag "a: $MA $A4 $A6"

ip netns exec "$B" tcpdump -i eth0 -U -n -w "$PCAP" 2> "$TMP/tcpdump.err" &
TD_PID=$!
__td_ready() { grep -q "listening on" "$TMP/tcpdump.err"; }
WAIT_FILES=("$TMP/tcpdump.err")
wait_for "tcpdump on b to listen" 60 __td_ready
WAIT_FILES=()

vswctl port set "$SW" dev "$A-p" mac "$MA" ip "$A4" ip "$A6" security on
run_phase on
vswctl port set "$SW" dev "$A-p" security off
run_phase off

tap_done
