#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
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
[ "$SECURITY" = 1 ] && SWITCHES+=(vswitch-sec)

PARKED=()
cleanup() {
	set +e
	[ ${#PARKED[@]} -eq 0 ] || kill "${PARKED[@]}" 2>/dev/null
	ip netns del $SRC 2>/dev/null
	ip netns del $DST 2>/dev/null
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

# --- the generator ---------------------------------------------------------
# The sender's pktgen files and the receiver's /proc/net/dev are read and
# written through /proc/PID/net of a process parked in each namespace, with
# shell builtins: no process is started per reading (each costs seconds of
# emulation). Only pgctrl acts on the writer's own namespace.
park() {
	ip netns exec "$1" sleep 1000000 &
	PARKED+=($!)
	until [ "/proc/$!/ns/net" -ef "/run/netns/$1" ]; do sleep 0.1; done
}
# rx_of PID DEV: sets RX to DEV's received packets in PID's namespace
rx_of() {
	local line name bytes packets rest
	RX=
	while read -r line; do
		read -r name bytes packets rest <<< "${line/:/ }"
		[ "$name" = "$2" ] && RX=$packets
	done < "/proc/$1/net/dev"
	[ -n "$RX" ] || die "no $2 in /proc/$1/net/dev"
}
# result: sets USEC (pktgen's elapsed time, first frame to last) and SENT
result() {
	local line
	USEC= SENT=
	while read -r line; do
		case $line in
		"Result: OK: "*)
			line=${line#Result: OK: }
			USEC=${line%%(*}
			line=${line#*usec, }
			SENT=${line%% *}
			;;
		esac
	done < "$PG/a0"
	[ -n "$USEC" ] || die "pktgen: $(grep Result "$PG/a0")"
}
# run N: send N frames; sets RCVD (frames b0 received), USEC and SENT
run() {
	local rx0
	rx_of "$RCV" b0
	rx0=$RX
	echo "count $1" > "$PG/a0"
	ip netns exec $SRC sh -c 'echo start > /proc/net/pktgen/pgctrl'
	rx_of "$RCV" b0
	RCVD=$((RX - rx0))
	result
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# --- setup -----------------------------------------------------------------
[ -r "$KO" ] || die "no module $KO (make all)"
[ -x "$VSWCTL" ] || die "no $VSWCTL (make all)"
lsmod | grep -q '^vswitch ' || { modprobe -a nf_conntrack nf_defrag_ipv6 nf_reject_ipv4 nf_reject_ipv6; insmod "$KO"; }
modprobe bridge
modprobe openvswitch
modprobe pktgen
# no IPv6 chatter (DAD, router solicitations, MLD) through the switches
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
for ns in $SRC $DST; do
	ip netns add $ns
	ip netns exec $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	ip -n $ns link set lo up
done
ip link add a1 type veth peer name a0 netns $SRC
ip link add b1 type veth peer name b0 netns $DST
ip -n $SRC link set a0 address $MAC_A0 up
ip -n $SRC addr add $IP_A0/24 dev a0
ip -n $DST link set b0 address $MAC_B0 up
ip -n $DST addr add $IP_TO/24 dev b0
ip link set a1 up
ip link set b1 up
park $SRC
PG=/proc/${PARKED[0]}/net/pktgen
park $DST
RCV=${PARKED[1]}

echo rem_device_all > "$PG/kpktgend_0"
echo "add_device a0" > "$PG/kpktgend_0"
for c in "clone_skb 0" "pkt_size 60" "delay 0" "dst_mac $MAC_TO" \
	 "src_min $IP_A0" "src_max $IP_A0" "dst $IP_TO" \
	 "udp_src_min 9" "udp_src_max 9" "udp_dst_min 9" "udp_dst_max 9"; do
	echo "$c" > "$PG/a0"	# clone_skb 0: veth changes the frames it forwards
done

echo "vswitch benchmark on $(uname -r): ${SWITCHES[*]}, $ROUNDS rounds of $COUNT frames"
declare -A PPS
n=${#SWITCHES[@]}
for r in $(seq "$ROUNDS"); do
	line="  round $r:"
	for i in $(seq 0 $((n - 1))); do
		sw=${SWITCHES[$(((i + r - 1) % n))]}
		"${sw}_up" > /dev/null
		run "$COUNT"
		"${sw}_down"
		# more: frames of the switch's own (the bridge device sends
		# IGMPv3 reports once it is up); fewer: frames lost
		[ "$RCVD" -eq "$SENT" ] ||
			echo "  note: $sw: $SENT sent, $RCVD received" >&2
		[ "$RCVD" -gt 0 ] || die "$sw: no frame reached b0"
		pps=$(((RCVD * 1000000 + USEC / 2) / USEC))
		PPS[$sw]+="$pps "
		line+=" $sw $pps"
	done
	echo "$line pps"
done

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
