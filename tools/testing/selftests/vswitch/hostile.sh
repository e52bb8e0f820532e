#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# hostile.sh - a million frames a guest can craft, through the firewall
#
# VMs a and b on one switch, IPv6 off on both and no address while the
# frames flow (their stacks send and answer nothing). The policy (vswctl policy apply) allows TCP
# 8080, UDP 5000, ICMP and ICMPv6 from a to b; the rest is denied.
# hostile.py (scapy) writes eight categories of frames from a to b:
# truncated headers, lying lengths and bad checksums, overlapping,
# duplicate, tiny, oversized, incomplete and whole fragments (IPv4 and
# IPv6), every TCP flag combination, segments out of a connection's
# window (of connections opened first, SYN from a, SYN-ACK from b), ICMP
# and ICMPv6 errors quoting nothing or unknown connections, IPv6
# extension header chains, and scapy's fuzz(). hostile_send replays each
# category out of a's eth0 (sendmmsg on an AF_PACKET socket) until it has
# sent HOSTILE_COUNT/8 frames (HOSTILE_COUNT: 1,000,000, or 100,000 on a
# debug kernel, where a frame costs ten times as much).
#
# Ground truth: what hostile_send sent, the devices' counters (a's port
# device received what a sent, b's sent what b received), and the kernel's
# own count of the fragments it made when the switch cut a reassembled
# datagram again (FragCreates - FragOKs in /proc/net/snmp and snmp6: the
# frames b got beyond one per datagram).
#
#   1..8  each category: the switch received every frame sent (a's port
#         rx = sent = its device's rx), and each one is accounted for
#         exactly once: dropped under a reason, held for reassembly
#         (frags-queued), or forwarded to b (b's port tx less the extra
#         fragments, = b's device tx); the reasons each category must
#         reach were reached (e.g. truncated: malformed; fragments:
#         frags-queued, ct-frag, policy and forwarded datagrams)
#   9     all categories: at least HOSTILE_COUNT frames, none refused by
#         the sender's kernel
#   10    the switch still works: with b's address back and the zone
#         flushed, ping and a TCP echo on 8080 from a to b pass, and TCP
#         9090 does not
#
# An oops, WARN or leak is the harness's to see (the kernel log scan).

source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/vsw.sh"

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SEND=$HERE/hostile_send
GEN=$HERE/hostile.py
TCP=$HERE/fw_tcp.py
[ -x "$SEND" ] || tap_bail "hostile_send is not built: $SEND (make userspace)"
for t in conntrack ping taskset; do
	command -v "$t" > /dev/null || tap_bail "$t is missing (make setup)"
done
if [ -e /sys/kernel/debug/kmemleak ]; then
	COUNT=${HOSTILE_COUNT:-100000}
else
	COUNT=${HOSTILE_COUNT:-1000000}
fi
CATS=(truncated lengths fragments tcpflags window icmp ext fuzz)
PER=$(( (COUNT + ${#CATS[@]} - 1) / ${#CATS[@]} ))
SW=vhos
A4=10.79.0.1 B4=10.79.0.2 A6=fd79::1 B6=fd79::2

TMPD=$(mktemp -d)
# (vsw_cleanup stops VSW_PIDS first)
cleanup() {
	vsw_cleanup
	rm -rf "$TMPD"
}
trap cleanup EXIT

tap_plan $(( ${#CATS[@]} + 2 ))

vsw_switch "$SW" || tap_bail "switch add $SW"
VSW_IPV6=off vsw_vm "$SW" a "$A4/24" || tap_bail "VM a"
VSW_IPV6=off vsw_vm "$SW" b "$B4/24" || tap_bail "VM b"
# no address: the stacks answer nothing (a's would reset the connections
# the window category opens)
ip -n a addr flush dev eth0
ip -n b addr flush dev eth0
MACA=$(vsw_mac a) MACB=$(vsw_mac b)
cat > "$TMPD/policy.json" <<EOF
{
  "default": "deny",
  "groups": { "a": { "ports": ["a-p"] }, "b": { "ports": ["b-p"] } },
  "rules": [
    { "id": 10, "from": "a", "to": "b", "proto": "tcp", "ports": [8080], "action": "allow" },
    { "id": 20, "from": "a", "to": "b", "proto": "udp", "ports": [5000], "action": "allow" },
    { "id": 30, "from": "a", "to": "b", "proto": "icmp", "action": "allow" },
    { "id": 40, "from": "a", "to": "b", "proto": "icmpv6", "action": "allow" }
  ]
}
EOF
vswctl policy apply "$SW" "$TMPD/policy.json" || tap_bail "policy apply"
ZONE=$(vsw_json 'j[0]["ct_zone"]' switch show "$SW")
"$PY" "$GEN" "$TMPD/corpus" "$MACA" "$MACB" "$A4" "$B4" "$A6" "$B6" > "$TMPD/gen" ||
	tap_bail "hostile.py: $(cat "$TMPD/gen")"
diag "frames per category (each replayed to $PER): $(paste -sd' ' "$TMPD/gen")"

# mib FILE: the host namespace's fragmentation counters, "NAME VALUE" lines.
mib() {
	{
		awk '/^Ip: / && !h { for (i = 2; i <= NF; i++) n[i] = $i; h = 1; next }
		     /^Ip: / { for (i = 2; i <= NF; i++) print "mib." n[i], $i }' /proc/net/snmp
		awk '/^Ip6Frag/ { print "mib." $1, $2 }' /proc/net/snmp6
	} > "$1"
}

# d NAME: how much counter NAME grew between $TMPD/s0 and $TMPD/s1.
d() { vsw_delta "$TMPD/s0" "$TMPD/s1" "$1"; }

rx_of_a() { vsw_json 'j[0]["stats"]["rx_packets"]' -s port show "$SW" dev a-p; }

TOTAL=0 REFUSED=0
# run CATEGORY REASONS...: send, then account for every frame; each of
# REASONS (a drop reason, frags_queued or forwarded) must have happened.
run() {
	local cat=$1 out sent refused rx0 drops q tx extra fwd r v ok=0
	shift
	[ -z "${PRE:-}" ] || "$PRE" || return
	vsw_snap "$TMPD/s0" "$SW" && mib "$TMPD/m0" || return
	rx0=$(rx_of_a) || return
	out=$(taskset -c 0 ip netns exec a "$SEND" eth0 "$TMPD/corpus/$cat.pcap" "$PER") ||
		{ diag "hostile_send: $out"; return 1; }
	diag "$cat: $out"
	read -r _ sent _ refused _ <<< "$out"
	TOTAL=$((TOTAL + sent)) REFUSED=$((REFUSED + refused))
	# the switch has seen them all once a's port counted them
	# shellcheck disable=SC2317
	seen() { [ "$(rx_of_a)" -ge $((rx0 + sent)) ]; }
	poll "$(wait_scaled 120)" seen ||
		{ diag "$cat: a's port received $(( $(rx_of_a) - rx0 )) of $sent"; return 1; }
	vsw_snap "$TMPD/s1" "$SW" && mib "$TMPD/m1" || return
	cat "$TMPD/m0" >> "$TMPD/s0"
	cat "$TMPD/m1" >> "$TMPD/s1"
	vsw_compare "$TMPD/s0" "$TMPD/s1" || ok=1
	drops=$(d switch.drops_total) q=$(d switch.frags_queued)
	tx=$(d port.b-p.tx_packets)
	extra=$(( $(d mib.FragCreates) - $(d mib.FragOKs) +
		  $(d mib.Ip6FragCreates) - $(d mib.Ip6FragOKs) ))
	fwd=$((tx - extra))
	diag "$cat: a-p rx $(d port.a-p.rx_packets) = drops $drops + frags-queued $q + forwarded $fwd (b-p tx $tx less $extra fragments made)"
	diag "$cat: drops by reason:$(awk '$1 ~ /^switch\.drops\./ { print }' "$TMPD/s1" |
		while read -r k _; do printf ' %s %s' "${k#switch.drops.}" "$(d "$k")"; done)"
	[ "$(d port.a-p.rx_packets)" = "$sent" ] ||
		{ diag "$cat: sent $sent, a's port received $(d port.a-p.rx_packets)"; ok=1; }
	[ $((drops + q + fwd)) = "$sent" ] ||
		{ diag "$cat: $((drops + q + fwd)) accounted for, $sent sent"; ok=1; }
	for r; do
		case $r in
		forwarded) v=$fwd ;;
		frags_queued) v=$q ;;
		*) v=$(d "switch.drops.$r") ;;
		esac
		[ "$v" -gt 0 ] || { diag "$cat: no $r"; ok=1; }
	done
	return $ok
}

check "1: truncated headers: each frame received, dropped as malformed or forwarded" \
	run truncated malformed
check "2: lying lengths, bad checksums: malformed, ct-invalid, the rest forwarded" \
	run lengths malformed ct-invalid
check "3: fragments: held (frags-queued), ct-frag, whole datagrams forwarded or denied (policy)" \
	run fragments frags_queued ct-frag policy forwarded
check "4: TCP flags: invalid ones ct-invalid, denied port policy, pick-ups forwarded" \
	run tcpflags ct-invalid policy forwarded
# window_open: 32 IPv4 and 32 IPv6 connections a -> b:8080 opened (SYN,
# SYN-ACK from b, ACK; the senders on one CPU keep the steps in order),
# established in conntrack
window_open() {
	local i ns out
	for i in 1 2 3; do
		ns=a
		[ $i = 2 ] && ns=b
		out=$(taskset -c 0 ip netns exec $ns "$SEND" eth0 "$TMPD/corpus/window-open-$i.pcap" 64) ||
			{ diag "window-open-$i: $out"; return 1; }
	done
	# shellcheck disable=SC2317
	opened() { [ "$(conntrack -L -w "$ZONE" -p tcp --state ESTABLISHED 2> /dev/null |
		       grep -cE 'sport=44[01][0-9]{2} dport=8080 ')" -ge 64 ]; }
	poll "$(wait_scaled 60)" opened ||
		{ diag "window: $(conntrack -L -w "$ZONE" -p tcp 2> /dev/null | grep -E 'sport=44[01][0-9]{2} ' | sort | uniq -c | head)"; return 1; }
}
PRE=window_open check "5: out of window of open connections: ct-invalid; in it: forwarded" \
	run window ct-invalid forwarded
check "6: ICMP errors quoting nothing or unknown connections: ct-invalid" \
	run icmp ct-invalid
check "7: IPv6 extension header chains: each frame accounted for" \
	run ext
check "8: fuzz(): each frame accounted for" \
	run fuzz
chk_total() {
	diag "sent $TOTAL frames in all (at least $COUNT), refused $REFUSED"
	[ "$TOTAL" -ge "$COUNT" ] && [ "$REFUSED" = 0 ]
}
check "9: at least $COUNT frames sent, none refused" chk_total

# ---- 10 ----
chk_after() {
	local ok=0
	ip -n a addr add "$A4/24" dev eth0 || return
	ip -n b addr add "$B4/24" dev eth0 || return
	vswctl ct flush "$SW" || return
	ip netns exec b "$PY" "$TCP" serve 8080 9090 > "$TMPD/serve" 2>&1 & VSW_PIDS+=($!)
	# shellcheck disable=SC2317
	up() { grep -q listening "$TMPD/serve"; }
	poll "$(wait_scaled 60)" up || { diag "echo server: $(cat "$TMPD/serve")"; return 1; }
	ip netns exec a ping -c 2 -W 5 "$B4" > /dev/null || { diag "ping a -> b fails"; ok=1; }
	ip netns exec a "$PY" "$TCP" connect "$B4" 8080 || { diag "TCP 8080 a -> b fails"; ok=1; }
	! FW_TIMEOUT=4 ip netns exec a "$PY" "$TCP" connect "$B4" 9090 ||
		{ diag "TCP 9090 a -> b passes"; ok=1; }
	return $ok
}
check "10: afterwards ping and TCP 8080 a -> b work, 9090 is denied" chk_after

tap_done
