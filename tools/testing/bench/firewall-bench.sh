#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2034 # variables pair-lib.sh reads and sets
# In-guest firewall benchmark: stateful switching with a policy through
# vswitch, a Linux bridge with nftables conntrack, and Open vSwitch's
# kernel datapath with ct(), on the same veth pairs, in one boot.
#
#   [fwb-src] a0 ==veth== a1 --+-- switch --+-- b1 ==veth== b0 [fwb-dst]
#
# Two measures, each a rate of what reaches b0 (its rx counter):
#   pps    pktgen sends COUNT 60-byte UDP/IPv4 frames of one flow (to port
#          9) out of a0, as vswitch-bench.sh does; the rate over pktgen's
#          own elapsed time. One way: conntrack sees no reply, so the
#          connection stays "new" to nftables and OVS, and every frame is
#          looked up in conntrack (and, where the ruleset says so, in the
#          rules)
#   conn   hostile_send replays CONNS TCP SYNs, each from another source
#          port (a new connection each: created in conntrack, decided by
#          the policy, committed), to port 9; the rate over its own time.
#          conntrack is flushed after each run
# Each run sets its switch up from scratch and removes it; rounds rotate
# the order; ratios are taken between medians. Run it in a guest booted
# with `vm-run -I` (-icount shift=0,sleep=off, one CPU): guest time counts
# instructions, so the rates do not depend on the host's load.
#
# The switches (the allowed traffic is rule 1000 of 1000 where a ruleset
# has rules; frames are addressed to a MAC every switch maps to b1):
#   vswitch    firewall on, a 1000-rule policy (vswctl policy apply: UDP
#              and TCP to ports 10001..10998 and the bench's port 9, from
#              a1's group to b1's), default deny
#   vswitch1   the same with only the two rules for port 9 (UDP, TCP)
#   vswitch10k the same with 10,000 rules (ports 10001..19998 and 9)
#   nft        a bridge, and nftables in the bridge family written as one
#              would: "ct state established,related accept", then new
#              connections against a set of {in port . out port . proto .
#              port} with the same 1000 entries, policy drop
#              (nf_conntrack_bridge tracks the bridged frames)
#   ovs        ovs-dpctl: the flows ovs-vswitchd installs for the usual
#              "ct(table=1), then ct(commit) and output for +new and +est"
#              pipeline: in_port 1 -> ct(zone 1), recirc; +trk+new ->
#              ct(commit, zone 1), output 2; +trk+est -> output 2. OVS's
#              datapath holds no rules (its flows are per connection, made
#              by ovs-vswitchd), so it is the conntrack part alone
#
# Environment: ROUNDS (5), COUNT frames per pps run (20000), CONNS SYNs
# per conn run (3000); PROFILE (below); FW_SWITCHES, some of the switches
# above; VSW_KO, another build of the module (to compare two).
set -eu
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
KO=${VSW_KO:-$ROOT/build/$(uname -r)/kmod/vswitch/vswitch.ko}
VSWCTL=$ROOT/userspace/vswctl/vswctl
SEND=$ROOT/tools/testing/selftests/vswitch/hostile_send
ROUNDS=${ROUNDS:-5}
COUNT=${COUNT:-20000}
CONNS=${CONNS:-3000}
PY=/usr/bin/python3

SRC=fwb-src DST=fwb-dst
MAC_A0=02:5f:00:00:00:01	# the sender
MAC_B0=02:5f:00:00:00:02	# the receiver's own address
MAC_TO=02:5f:00:00:00:03	# where the frames go: behind b1, not b0
IP_A0=10.98.0.1 IP_TO=10.98.0.2
TMPD=$(mktemp -d)

read -r -a SWITCHES <<< "${FW_SWITCHES:-vswitch vswitch1 vswitch10k nft ovs}"
# shellcheck source=pair-lib.sh
. "$(dirname "$0")/pair-lib.sh"

PARKED=()
cleanup() {
	set +e
	pair_cleanup
	"$VSWCTL" switch del fwb0 2>/dev/null
	nft delete table bridge fwb 2>/dev/null
	ip link del fwbbr 2>/dev/null
	ovs-dpctl del-dp fwbovs 2>/dev/null
	rm -rf "$TMPD"
}
trap cleanup EXIT

die() { echo "firewall-bench: $*" >&2; exit 1; }

# policy N: a policy file of N + 1 rules: ports 10001.. (UDP for odd,
# TCP for even ones), then the bench's port 9, UDP and TCP
policy() {
	awk -v n="$1" 'BEGIN {
		print "{ \"default\": \"deny\","
		print "  \"groups\": { \"src\": { \"ports\": [\"a1\"] }, \"dst\": { \"ports\": [\"b1\"] } },"
		print "  \"rules\": ["
		for (i = 1; i < n; i++)
			printf "    { \"id\": %d, \"from\": \"src\", \"to\": \"dst\", \"proto\": \"%s\", \"ports\": [%d], \"action\": \"allow\" },\n", i, i % 2 ? "udp" : "tcp", 10000 + i
		printf "    { \"id\": %d, \"from\": \"src\", \"to\": \"dst\", \"proto\": \"udp\", \"ports\": [9], \"action\": \"allow\" },\n", n
		printf "    { \"id\": %d, \"from\": \"src\", \"to\": \"dst\", \"proto\": \"tcp\", \"ports\": [9], \"action\": \"allow\" }\n", n + 1
		print "  ] }"
	}' > "$TMPD/policy$1.json"
}

# --- the switches: up (a1 and b1 become ports) and down (released) ------
vsw_fw_up() {
	"$VSWCTL" switch add fwb0
	"$VSWCTL" port add fwb0 dev a1
	"$VSWCTL" port add fwb0 dev b1
	"$VSWCTL" fdb add fwb0 $MAC_TO dev b1 static
	"$VSWCTL" policy apply fwb0 "$TMPD/policy$1.json"
}
vswitch_up() { vsw_fw_up 999; }
vswitch1_up() { vsw_fw_up 1; }
vswitch10k_up() { vsw_fw_up 9999; }
vswitch_down() { "$VSWCTL" switch del fwb0; }
vswitch1_down() { vswitch_down; }
vswitch10k_down() { vswitch_down; }

nft_up() {
	ip -batch - <<-EOF
	link add fwbbr type bridge
	link set a1 master fwbbr
	link set b1 master fwbbr
	link set fwbbr up
	EOF
	bridge fdb add $MAC_TO dev b1 master static
	nft -f "$TMPD/nft.rules"
}
nft_down() { nft delete table bridge fwb; ip link del fwbbr; }

ovs_up() {
	local m="in_port(1),eth(src=$MAC_A0,dst=$MAC_TO),eth_type(0x0800)"
	ovs-dpctl -vconsole:warn add-dp fwbovs
	ovs-dpctl add-if fwbovs a1,port_no=1
	ovs-dpctl add-if fwbovs b1,port_no=2
	ovs-dpctl add-flow fwbovs "recirc_id(0),$m,ipv4(frag=no)" "ct(zone=1),recirc(1)"
	ovs-dpctl add-flow fwbovs "recirc_id(1),ct_state(+new+trk),ct_zone(1),$m,ipv4(frag=no)" \
		"ct(commit,zone=1),2"
	ovs-dpctl add-flow fwbovs "recirc_id(1),ct_state(-new+est+trk),ct_zone(1),$m,ipv4(frag=no)" 2
}
ovs_down() { ovs-dpctl del-dp fwbovs; }

# --- the generators ----------------------------------------------------------
# pps: pg_run (pair-lib.sh)
# conn: CONNS SYNs; sets RCVD, SENT, USEC
conn_run() {
	local rx0 out
	rx_of "$RCV" b0
	rx0=$RX
	out=$(ip netns exec $SRC "$SEND" a0 "$TMPD/syn.pcap" "$CONNS") || die "hostile_send: $out"
	rx_of "$RCV" b0
	RCVD=$((RX - rx0))
	read -r _ SENT _ _ _ _ _ USEC <<< "$out"
	USEC=$(awk -v s="$USEC" 'BEGIN { printf "%d", s * 1e6 }')
	conntrack -F 2> /dev/null || true
}

# --- setup -----------------------------------------------------------------
[ -r "$KO" ] || die "no module $KO (make all)"
[ -x "$VSWCTL" ] || die "no $VSWCTL (make all)"
[ -x "$SEND" ] || die "no $SEND (make all)"
lsmod | grep -q '^vswitch ' || { modprobe -a nf_conntrack nf_defrag_ipv6 nf_reject_ipv4 nf_reject_ipv6; insmod "$KO"; }
modprobe -a bridge openvswitch pktgen nf_conntrack_bridge
sysctl -qw net.netfilter.nf_conntrack_max=$((CONNS * 4 + 1000))
pair_setup

policy 1
policy 999
policy 9999
awk 'BEGIN {
	print "table bridge fwb {"
	print "\tset allow {"
	print "\t\ttype ifname . ifname . inet_proto . inet_service"
	printf "\t\telements = { "
	for (i = 1; i < 999; i++)
		printf "\"a1\" . \"b1\" . %s . %d, ", i % 2 ? "udp" : "tcp", 10000 + i
	print "\"a1\" . \"b1\" . udp . 9, \"a1\" . \"b1\" . tcp . 9 }"
	print "\t}"
	print "\tchain forward {"
	print "\t\ttype filter hook forward priority 0; policy drop;"
	print "\t\tct state established,related accept"
	print "\t\tct state new iifname . oifname . meta l4proto . th dport @allow accept"
	print "\t}"
	print "}"
}' > "$TMPD/nft.rules"
"$PY" - "$TMPD/syn.pcap" "$MAC_A0" "$MAC_TO" "$IP_A0" "$IP_TO" "$CONNS" <<'EOF'
import struct, sys
sys.modules["cryptography"] = None
from scapy.layers.l2 import Ether
from scapy.layers.inet import IP, TCP
out, smac, dmac, src, dst, n = sys.argv[1:7]
with open(out, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i in range(int(n)):
        b = bytes(Ether(src=smac, dst=dmac) / IP(src=src, dst=dst) /
                  TCP(sport=1024 + i, dport=9, flags="S", seq=i * 7919))
        f.write(struct.pack("<IIII", 0, 0, len(b), len(b)) + b)
EOF

# PROFILE="SWITCH...": instead of the rounds, where the instructions go
# for each SWITCH: perf's cpu-clock samples (under -I: instructions) of a
# pps run and a conn run, by symbol; PROFILE_CALLERS="SYMBOL...": and the
# call chains that lead to each SYMBOL
if [ -n "${PROFILE:-}" ]; then
	for sw in $PROFILE; do
		"${sw}_up" > /dev/null
		pg_run 1000 && conn_run	# warm: rule counters, caches
		perf record -q -a ${PROFILE_CALLERS:+-g} -F "${PROFILE_FREQ:-10000}" -o "$TMPD/pps.data" -- sh -c \
			"echo count $COUNT > $PG/a0; ip netns exec $SRC sh -c 'echo start > /proc/net/pktgen/pgctrl'" 2> /dev/null
		perf record -q -a ${PROFILE_CALLERS:+-g} -F "${PROFILE_FREQ:-10000}" -o "$TMPD/conn.data" -- \
			ip netns exec $SRC "$SEND" a0 "$TMPD/syn.pcap" "$CONNS" > /dev/null 2>&1
		conntrack -F 2> /dev/null || true
		"${sw}_down"
		for m in pps conn; do
			echo "== $sw $m: the symbols with the most samples"
			perf report -q -i "$TMPD/$m.data" --no-children --sort sym --stdio 2> /dev/null |
				grep -v '^$' | head -n "${PROFILE_LINES:-40}"
			for c in ${PROFILE_CALLERS:-}; do
				echo "== $sw $m: who calls $c"
				perf report -q -i "$TMPD/$m.data" --no-children -S "$c" \
					-g caller,0.5,callee,function,percent --stdio 2> /dev/null |
					grep -v '^$' | head -n 60
			done
		done
	done
	exit 0
fi

echo "firewall benchmark on $(uname -r) ($(grep -o 'init_on_alloc=[0-9]' /proc/cmdline || echo "init_on_alloc: the kernel's default")): ${SWITCHES[*]}, $ROUNDS rounds of $COUNT frames (pps) and $CONNS connections (conn)"
declare -A PPS CPS
# measure SWITCH: a pps run and a conn run
measure() {
	pg_run "$COUNT"
	rate pps "$1"
	PPS[$1]+="$RATE " FIELD=$RATE
	conn_run
	rate conn "$1"
	CPS[$1]+="$RATE " FIELD+=/$RATE
}
pair_rounds measure pps/conn/s

declare -A MP MC
for sw in "${SWITCHES[@]}"; do
	MP[$sw]=$(printf '%s\n' ${PPS[$sw]} | median)
	MC[$sw]=$(printf '%s\n' ${CPS[$sw]} | median)
	printf '%-10s median %8.0f pps (%6.0f ns/packet), %7.0f conn/s (%7.0f ns/conn); rounds: %s / %s\n' \
		"$sw" "${MP[$sw]}" "$(awk -v p="${MP[$sw]}" 'BEGIN {print 1e9 / p}')" \
		"${MC[$sw]}" "$(awk -v p="${MC[$sw]}" 'BEGIN {print 1e9 / p}')" "${PPS[$sw]}" "${CPS[$sw]}"
done
rp() { awk -v a="${MP[$1]}" -v b="${MP[$2]}" 'BEGIN {printf "%.4f", a / b}'; }
rc() { awk -v a="${MC[$1]}" -v b="${MC[$2]}" 'BEGIN {printf "%.4f", a / b}'; }
# the ratios need every switch
[ -z "${FW_SWITCHES:-}" ] || exit 0
echo "RATIO fw pps vswitch/nft = $(rp vswitch nft) (target >= 1.3)"
echo "RATIO fw conn vswitch/nft = $(rc vswitch nft) (target >= 1.3)"
echo "RATIO fw pps vswitch/ovs = $(rp vswitch ovs) (target >= 1.0)"
echo "RATIO fw conn vswitch/ovs = $(rc vswitch ovs) (target >= 1.0)"
echo "RATIO fw pps 10k/1 rules = $(rp vswitch10k vswitch1) (target >= 0.95)"
echo "RATIO fw conn 10k/1 rules = $(rc vswitch10k vswitch1) (target >= 0.95)"
exit 0
