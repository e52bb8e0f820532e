#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# internal.sh - the host's own port: a switch created with "internal".
#
# In a host namespace H, "switch add sw0 internal" makes a net device sw0;
# the host addresses it and talks to the VMs v1 and v2 (namespaces whose
# veths are ports of sw0). Ground truth: ping replies, the VMs' and a VLAN
# device's own counters (ip -s link), and the device list.

source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/vsw.sh"
set -e

TMPD=$(mktemp -d)
cleanup() {
	set +e
	vsw_cleanup
	rm -rf "$TMPD"
}
trap cleanup EXIT

# nsx NS CMD...: CMD in namespace NS's network stack (setns only: cheaper
# than ip netns exec, which also mounts a /sys for it)
nsx() { local ns=$1; shift; nsenter --net="/run/netns/$ns" "$@"; }
hvsw() { nsx H "$VSWCTL" "$@"; }

# vm NAME N: VM NAME on sw0, 10.0.0.N/24 and fd00::N/64, MAC 02:00:00:00:00:0N.
vm() {
	vsw_netns "$1"
	ip -n H link add "$1-p" type veth peer name eth0 address "02:00:00:00:00:0$2" netns "$1"
	ip -n "$1" -b - <<-EOF
	addr add 10.0.0.$2/24 dev eth0
	addr add fd00::$2/64 dev eth0 nodad
	link set eth0 up
	EOF
	ip -n H link set "$1-p" up
	hvsw port add sw0 dev "$1-p"
}

# link NS DEV: "rx_packets rx_bytes tx_packets tx_bytes" of DEV (ip -s link).
link() {
	ip -n "$1" -s link show dev "$2" | awk '
		$1 == "RX:" || $1 == "TX:" {
			d = tolower(substr($1, 1, 2)); getline v
			split(v, f)
			for (i = 2; i <= NF; i++) s[d "_" $i] = f[i - 1]
		}
		END { print s["rx_packets"], s["rx_bytes"], s["tx_packets"], s["tx_bytes"] }'
}

# counters: sw0's, v1's and v2's, one line.
counters() { echo "sw0 $(link H sw0) v1 $(link v1 eth0) v2 $(link v2 eth0)"; }

# ethtool_vs_vswctl: ethtool -S sw0 against the internal port's counters
# in vswctl -j -s (stats.X -> X, stats.drops.R -> drops_R): the same names,
# the same values. Prints the dictionary, for the callers.
ethtool_vs_vswctl() {
	nsx H ethtool -S sw0 > "$TMPD/ethtool"
	hvsw -j -s port show sw0 dev sw0 | "$PY" -I -S -c '
import json, sys
p = json.load(sys.stdin)[0]["stats"]
want = {k: v for k, v in p.items() if k != "drops"}
want.update(("drops_" + k, v) for k, v in p["drops"].items())
got = {}
for line in open(sys.argv[1]):
    k, _, v = line.strip().partition(": ")
    if v:
        got[k] = int(v)
print(" ".join("%s=%d" % kv for kv in sorted(got.items())))
if got != want:
    print("vswctl: " + " ".join("%s=%d" % kv for kv in sorted(want.items())))
    sys.exit(1)' "$TMPD/ethtool"
}

# ethstats: ethtool -S sw0 into the array ES (ES[rx_packets]...).
declare -A ES
ethstats() {
	local k v
	ES=()
	while read -r k v; do
		[ -z "$v" ] || ES[${k%:}]=$v
	done < <(nsx H ethtool -S sw0)
}

tap_plan 11

vsw_netns H
nsx H sysctl -qw net.ipv6.conf.default.disable_ipv6=1	# quiet VM ports

# ---- the device ------------------------------------------------------------
hvsw switch add sw0 internal
appears() {
	local idx sw port drv
	idx=$(ip -n H -o link show dev sw0 | cut -d: -f1)
	sw=$(hvsw switch show sw0)
	port=$(hvsw port show sw0 dev sw0)
	drv=$(nsx H ethtool -i sw0 | awk '$1 == "driver:" { print $2 }')
	echo "sw0: ifindex $idx, driver $drv"
	echo "$sw"
	echo "$port"
	grep -qw "internal-ifindex $idx" <<< "$sw" && grep -qw internal <<< "$port" &&
		[ "$drv" = vswitch ]
}
tap_check "switch add sw0 internal: device sw0 appears, the switch's internal port (ifindex, driver vswitch)" appears

nsx H sysctl -qw net.ipv6.conf.sw0.disable_ipv6=0
ip -n H -b - <<EOF
addr add 10.0.0.254/24 dev sw0
addr add fd00::254/64 dev sw0 nodad
link set sw0 up
EOF
vm v1 1
vm v2 2

pings4() {
	nsx H ping -c 2 -i 0.1 -W 10 -q 10.0.0.1 && nsx H ping -c 2 -i 0.1 -W 10 -q 10.0.0.2
}
tap_check "the host pings v1 and v2 through sw0" pings4
pings6() {
	nsx H ping -6 -c 2 -i 0.1 -W 10 -q fd00::1 && nsx v2 ping -6 -c 2 -i 0.1 -W 10 -q fd00::254
}
tap_check "IPv6: the host pings v1 through sw0, v2 pings the host" pings6

# ---- counters ---------------------------------------------------------------
# Nothing but the pings below may cross sw0: IPv6 off (MLD, RS) and
# permanent neighbours (no ARP), then wait until no counter moves for 1 s.
nsx H sysctl -qw net.ipv6.conf.sw0.disable_ipv6=1
MAC_SW0=$(ip -n H -br link show dev sw0 | awk '{ print $3 }')
for v in v1 v2; do
	nsx "$v" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1
	ip -n H neigh replace "10.0.0.${v#v}" lladdr "02:00:00:00:00:0${v#v}" dev sw0 nud permanent
	ip -n "$v" neigh replace 10.0.0.254 lladdr "$MAC_SW0" dev eth0 nud permanent
done
QUIET=
__quiet() {
	local now
	now=$(counters)
	WAIT_SEEN=$now
	[ "$now" = "$QUIET" ] && return 0
	QUIET=$now
	sleep 1
	return 1
}
wait_for "no traffic on sw0, v1, v2" 60 __quiet || diag "counting anyway"
read -r _ s0rp s0rb s0tp s0tb _ v1rp v1rb v1tp v1tb _ v2rp v2rb v2tp v2tb <<< "$QUIET"
ethstats
EP0=${ES[rx_packets]} EB0=${ES[rx_bytes]} ETP0=${ES[tx_packets]} ETB0=${ES[tx_bytes]}
nsx H ping -c 3 -i 0.1 -W 10 -q 10.0.0.1 > /dev/null || diag "the host's pings to v1 failed"
nsx v2 ping -c 2 -i 0.1 -s 200 -W 10 -q 10.0.0.254 > /dev/null || diag "v2's pings to the host failed"
read -r _ s1rp s1rb s1tp s1tb _ w1rp w1rb w1tp w1tb _ w2rp w2rb w2tp w2tb <<< "$(counters)"
# what sw0 sent went to v1 or v2, what it received came from them
DTP=$((s1tp - s0tp)) DTB=$((s1tb - s0tb)) DRP=$((s1rp - s0rp)) DRB=$((s1rb - s0rb))
VRP=$((w1rp - v1rp + w2rp - v2rp)) VRB=$((w1rb - v1rb + w2rb - v2rb))
VTP=$((w1tp - v1tp + w2tp - v2tp)) VTB=$((w1tb - v1tb + w2tb - v2tb))
diag "sw0 tx $DTP packets $DTB bytes, rx $DRP packets $DRB bytes"
diag "v1+v2 rx $VRP packets $VRB bytes, tx $VTP packets $VTB bytes"
tap_check "ip -s link sw0 counts what the VMs received from and sent to the host (5 each way)" \
	test "$DTP $DTB $DRP $DRB" = "$VRP $VRB $VTP $VTB" -a "$DTP" = 5 -a "$DRP" = 5

ethtool_counts() {
	local drp drb dtp dtb
	ethstats
	drp=$((ES[rx_packets] - EP0)) drb=$((ES[rx_bytes] - EB0))
	dtp=$((ES[tx_packets] - ETP0)) dtb=$((ES[tx_bytes] - ETB0))
	echo "ethtool -S sw0 (the switch's side): rx +$drp packets +$drb bytes, tx +$dtp packets +$dtb bytes"
	ethtool_vs_vswctl
	[ "$drp $drb $dtp $dtb" = "$VRP $VRB $VTP $VTB" ]
}
tap_check "ethtool -S sw0 shows the internal port's counters: what the VMs received and sent, as vswctl -s names them" \
	ethtool_counts

# Tagged frames from the host (ARP requests for VLAN 5, as a VLAN device
# on sw0 would send them, written to a packet socket): the internal port
# does not forward VLANs. Ground truth: the three frames sent, and sw0's
# own tx counter.
vlan_drops() {
	local t0 t1 d0 d1 a0 a1
	t0=$(link H sw0 | cut -d' ' -f3)
	ethstats
	d0=${ES[drops_vlan]} a0=${ES[drops_total]}
	nsx H "$PY" -I -S -c '
import socket, sys
mac = bytes.fromhex(sys.argv[1].replace(":", ""))
arp = (bytes.fromhex("0001080006040001") + mac + bytes([10, 5, 0, 254]) +
       bytes(6) + bytes([10, 5, 0, 1]))
frame = b"\xff" * 6 + mac + bytes.fromhex("81000005" "0806") + arp
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("sw0", 0))
for i in range(3):
    s.send(frame)
' "$MAC_SW0" || return
	t1=$(link H sw0 | cut -d' ' -f3)
	ethstats
	d1=${ES[drops_vlan]} a1=${ES[drops_total]}
	echo "3 tagged frames sent; sw0 tx +$((t1 - t0)); drops_vlan +$((d1 - d0)), drops_total +$((a1 - a0))"
	ethtool_vs_vswctl
	[ $((t1 - t0)) = 3 ] && [ $((d1 - d0)) = 3 ] && [ $((a1 - a0)) = 3 ]
}
tap_check "3 tagged frames the host sends on sw0: dropped, counted in ethtool -S drops_vlan and drops_total" vlan_drops

# ---- the device's life -----------------------------------------------------------
no_dellink() {
	local err
	if err=$(ip -n H link del sw0 2>&1); then
		echo "ip link del sw0 succeeded"
		return 1
	fi
	echo "ip link del sw0: $err"
	nsx H ip link show sw0 > /dev/null && hvsw port show sw0 dev sw0 | grep -qw internal &&
		nsx H ping -c 1 -W 10 -q 10.0.0.1 > /dev/null
}
tap_check "ip link del sw0 is refused; sw0 stays the switch's port and works" no_dellink

no_netns_move() {
	local err
	if err=$(ip -n H link set sw0 netns elsewhere 2>&1); then
		echo "ip link set sw0 netns elsewhere succeeded"
		return 1
	fi
	echo "ip link set sw0 netns: $err"
	nsx H ip link show sw0 > /dev/null
}
vsw_netns elsewhere
tap_check "sw0 cannot move to another namespace" no_netns_move

name_taken() {
	local err
	if err=$(hvsw switch add v1-p internal 2>&1); then
		echo "switch add v1-p internal succeeded"
		return 1
	fi
	echo "$err"
	! hvsw switch show v1-p 2>/dev/null | grep -q . &&
		hvsw port show sw0 dev v1-p | grep -q 'dev v1-p'
}
tap_check "switch add NAME internal, NAME an existing device: refused with a message, nothing made" name_taken

del_switch() {
	hvsw switch del sw0 || return
	if nsx H ip link show sw0 2>/dev/null; then
		echo "sw0 is still there"
		return 1
	fi
	echo "devices left in H: $(ip -n H -o link show | awk -F': ' '{ print $2 }' | tr '\n' ' ')"
	! hvsw port show | grep -q .
}
tap_check "switch del sw0 removes the device sw0 and the ports" del_switch

# A namespace that goes away takes its switch, internal device and ports.
del_netns() {
	hvsw switch add sw1 internal
	ip -n v1 neigh del 10.0.0.254 dev eth0	# sw0's MAC, set above
	hvsw port add sw1 dev v1-p
	ip -n H link set sw1 up
	ip -n H addr add 10.0.0.254/24 dev sw1
	nsx H ping -c 1 -W 10 -q 10.0.0.1 > /dev/null || return
	ip netns del H
	if ip netns list | grep -qw H; then
		echo "namespace H still listed"
		return 1
	fi
	# the namespace is dismantled after the last reference goes; v1's
	# veth peer was in H: it goes with it
	__v1_eth0_gone() { ! ip -n v1 link show eth0 > /dev/null 2>&1; }
	wait_for "v1's eth0 (peer in H) to go" 60 __v1_eth0_gone
}
tap_check "deleting the namespace of a switch with an internal device (sw1) in use" del_netns

tap_done
