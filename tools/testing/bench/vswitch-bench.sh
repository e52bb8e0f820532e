#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2034 # variables pair-lib.sh reads and sets
# In-guest vswitch benchmark: UDP packets per second from one namespace to
# another through vswitch, a Linux bridge and Open vSwitch's kernel
# datapath, on the same veth pairs, in one boot.
#
#   [vsb-src] a0 ==veth== a1 --+-- switch --+-- b1 ==veth== b0 [vsb-dst]
#
# pktgen sends COUNT 60-byte UDP/IPv4 frames out of a0; the rate is what
# reaches b0 (its rx counter, i.e. what b1 handed over) divided by pktgen's
# own elapsed time. With one CPU everything runs inline, in pktgen's thread
# and the softirqs it raises: frame building, both veths, the switch and
# the receiver. The frames are addressed to a MAC that is not b0's but that
# every switch maps to b1 (a static fdb entry, an exact OVS flow), so that
# b0 counts them and its IP layer drops them at once (another host's
# frame): the cost after the switch is small and the same for all.
#
# Each round sets every switch up from scratch, runs it and removes it, in
# a rotating order; the ratio is taken between medians. Run it in a guest
# booted with `vm-run -I` (-icount shift=0,sleep=off, one CPU): guest time
# then counts instructions (1 ns each), so the rates are packets per
# instruction budget, unaffected by the host's load, and ns/packet reads as
# instructions per packet. Under plain TCG they are wall-clock rates, noisy.
#
# The switches:
#   vswitch  two ports, default settings (learning; no port security)
#   bridge   `ip link add type bridge` (learning on, no STP, no VLAN
#            filtering), the destination as a static fdb entry
#   ovs      `ovs-dpctl add-dp`, the two ports, and the flow OVS's NORMAL
#            action would install for this traffic (in_port, both MACs,
#            IPv4, not a fragment -> output to b1), put in directly: the
#            kernel datapath's steady state without ovs-vswitchd, which
#            would only add userspace work on the single CPU
#   redirect the floor: no switch, a tc rule on a1's ingress redirects every
#            frame to b1 (clsact, matchall, mirred). What a switch costs
#            beyond it is printed (informational): the instructions the
#            switches themselves spend, without the common path
#   vswitch-sec  (SECURITY=1, informational) vswitch with port security and
#            the DHCP guard on the sending port (bound MAC and IP): the cost
#            of the checks
#
# Environment: ROUNDS (5), COUNT frames per run (50000), SECURITY (0).
set -eu
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
KO=$ROOT/build/$(uname -r)/kmod/vswitch/vswitch.ko
VSWCTL=$ROOT/userspace/vswctl/vswctl
ROUNDS=${ROUNDS:-5}
COUNT=${COUNT:-50000}
SECURITY=${SECURITY:-0}

SRC=vsb-src DST=vsb-dst
MAC_A0=02:5e:00:00:00:01	# the sender
MAC_B0=02:5e:00:00:00:02	# the receiver's own address
MAC_TO=02:5e:00:00:00:03	# where the frames go: behind b1, not b0
IP_A0=10.97.0.1 IP_TO=10.97.0.2

SWITCHES=(vswitch bridge ovs redirect)
# shellcheck source=pair-lib.sh
. "$(dirname "$0")/pair-lib.sh"
[ "$SECURITY" = 1 ] && SWITCHES+=(vswitch-sec)

PARKED=()
cleanup() {
	set +e
	pair_cleanup
	"$VSWCTL" switch del vsb0 2>/dev/null
	ip link del vsbbr 2>/dev/null
	ovs-dpctl del-dp vsbovs 2>/dev/null
}
trap cleanup EXIT

die() { echo "vswitch-bench: $*" >&2; exit 1; }

# --- the switches: up (a1 and b1 become ports) and down (released) ------
vswitch_up() {
	"$VSWCTL" switch add vsb0
	"$VSWCTL" port add vsb0 dev a1 "$@"
	"$VSWCTL" port add vsb0 dev b1
	"$VSWCTL" fdb add vsb0 $MAC_TO dev b1 static
}
vswitch_down() { "$VSWCTL" switch del vsb0; }

vswitch-sec_up() { vswitch_up mac $MAC_A0 ip $IP_A0 security on dhcp-guard on; }
vswitch-sec_down() { vswitch_down; }

bridge_up() {
	ip -batch - <<-EOF
	link add vsbbr type bridge
	link set a1 master vsbbr
	link set b1 master vsbbr
	link set vsbbr up
	EOF
	bridge fdb add $MAC_TO dev b1 master static
}
bridge_down() { ip link del vsbbr; }

ovs_up() {
	ovs-dpctl -vconsole:warn add-dp vsbovs
	ovs-dpctl add-if vsbovs a1,port_no=1
	ovs-dpctl add-if vsbovs b1,port_no=2
	ovs-dpctl add-flow vsbovs \
		"recirc_id(0),in_port(1),eth(src=$MAC_A0,dst=$MAC_TO),eth_type(0x0800),ipv4(frag=no)" 2
}
ovs_down() { ovs-dpctl del-dp vsbovs; }

redirect_up() {
	tc qdisc add dev a1 clsact
	tc filter add dev a1 ingress matchall action mirred egress redirect dev b1
}
redirect_down() { tc qdisc del dev a1 clsact; }

# --- setup -----------------------------------------------------------------
[ -r "$KO" ] || die "no module $KO (make all)"
[ -x "$VSWCTL" ] || die "no $VSWCTL (make all)"
lsmod | grep -q '^vswitch ' || { modprobe -a nf_conntrack nf_defrag_ipv6 nf_reject_ipv4 nf_reject_ipv6; insmod "$KO"; }
modprobe bridge
modprobe openvswitch
modprobe pktgen
pair_setup

echo "vswitch benchmark on $(uname -r): ${SWITCHES[*]}, $ROUNDS rounds of $COUNT frames"
declare -A PPS
# measure SWITCH: one run of COUNT frames
measure() {
	pg_run "$COUNT"
	rate pps "$1"
	PPS[$1]+="$RATE " FIELD=$RATE
}
pair_rounds measure pps

declare -A MED
for sw in "${SWITCHES[@]}"; do
	MED[$sw]=$(printf '%s\n' ${PPS[$sw]} | median)
	printf '%-12s median %8.0f pps, %6.0f ns/packet, rounds: %s\n' "$sw" \
		"${MED[$sw]}" "$(awk -v p="${MED[$sw]}" 'BEGIN {print 1e9 / p}')" "${PPS[$sw]}"
done
ratio() { awk -v a="${MED[$1]}" -v b="${MED[$2]}" 'BEGIN {printf "%.4f", a / b}'; }
# spread of the per-round ratios: how well the measure repeats
spread() {
	paste <(printf '%s\n' ${PPS[$1]}) <(printf '%s\n' ${PPS[$2]}) |
		awk '{r = $1 / $2; if (NR == 1 || r < lo) lo = r; if (NR == 1 || r > hi) hi = r}
		     END {printf "per-round %.4f..%.4f", lo, hi}'
}
echo "vswitch/bridge $(spread vswitch bridge), vswitch/ovs $(spread vswitch ovs)"
echo "beyond the redirect, ns/frame (under -I: instructions/frame):$(for sw in "${SWITCHES[@]}"; do
	[ $sw = redirect ] || awk -v sw=$sw -v a="${MED[$sw]}" -v b="${MED[redirect]}" \
		'BEGIN {printf " %s %+.0f", sw, 1e9 / a - 1e9 / b}'; done)"
[ "$SECURITY" = 1 ] &&
	echo "vswitch-sec/vswitch = $(ratio vswitch-sec vswitch) (the cost of port security, informational)"
echo "RATIO vswitch/bridge = $(ratio vswitch bridge) (target >= 1.0)"
echo "RATIO vswitch/ovs = $(ratio vswitch ovs) (target >= 1.0)"
exit 0
