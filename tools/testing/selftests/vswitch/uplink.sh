#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# uplink.sh - switches on three hosts joined by tunnels on their uplinks.
#
# Each host is a namespace with its own switch "sw" (the family is per
# namespace); its VMs are namespaces whose veths are ports of it:
#
#   a1, a2 -- H1 --vx2 (VXLAN 42)-- 192.168.12.0/24 --vx1-- H2 -- b1
#              |
#              gnv3 (Geneve 43) -- 192.168.13.0/24 --gnv1-- H3 -- c1
#
# vx2 and gnv3 are both uplinks of H1's switch: what enters one must never
# leave by the other, so b1 and c1 cannot reach each other through H1.
# Ground truth: ping replies, and UDP datagrams with a marker received (or
# not) by a listener in each VM.

source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/vsw.sh"
set -e

cleanup() { vsw_cleanup; }
trap cleanup EXIT

nsx() { local ns=$1; shift; nsenter --net="/run/netns/$ns" "$@"; }
# hvsw HOST ARGS...: vswctl in HOST's namespace (setns only: cheaper than
# ip netns exec, which also mounts a /sys for it)
hvsw() { local ns=$1; shift; "$VSWCTL" -n "$ns" "$@"; }

# host NAME: a host namespace with IPv6 off on its devices (no background
# traffic through the tunnels) and a switch "sw".
host() {
	vsw_netns "$1"
	nsenter --net="/run/netns/$1" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	hvsw "$1" switch add sw
}

# underlay H1 DEV1 ADDR1 H2 DEV2 ADDR2: a veth between two hosts (/24).
underlay() {
	ip -n "$1" link add "$2" type veth peer name "$5" netns "$4"
	ip -n "$1" -b - <<-EOF
	addr add $3/24 dev $2
	link set $2 up
	EOF
	ip -n "$4" -b - <<-EOF
	addr add $6/24 dev $5
	link set $5 up
	EOF
}

# uplink HOST DEV: DEV up, an uplink port of HOST's switch.
uplink() {
	ip -n "$1" link set "$2" up
	hvsw "$1" port add sw dev "$2" uplink
}

# vm HOST NAME N: VM NAME on HOST's switch, 10.0.0.N/24 and fd00::N/64,
# MAC 02:00:00:00:00:N (in MAC[NAME]).
vm() {
	vsw_netns "$2"
	MAC[$2]=02:00:00:00:00:$3
	ip -n "$1" link add "$2-p" type veth peer name eth0 address "${MAC[$2]}" netns "$2"
	ip -n "$2" -b - <<-EOF
	addr add 10.0.0.$3/24 dev eth0
	addr add fd00::$3/64 dev eth0 nodad
	link set eth0 up
	EOF
	ip -n "$1" link set "$2-p" up
	hvsw "$1" port add sw dev "$2-p"
}

# fdb_dev HOST MAC: the device HOST's switch has learned MAC behind.
fdb_dev() {
	hvsw "$1" fdb show sw |
		awk -v m="$2" '$1 == m { for (i = 2; i < NF; i++) if ($i == "dev") print $(i + 1) }'
}

# drops HOST DEV REASON: "PORT SWITCH", the drops by REASON (as vswctl's
# text names it) on port DEV of HOST's switch and on the switch. The text
# lists the reasons seen; the port's counters follow the line "port N:".
drops() {
	hvsw "$1" -s stats show sw dev "$2" |
		awk -v r="$3" 'BEGIN { p = 0 } /^port [0-9]+:/ { p = 1 }
			{ for (i = 1; i < NF; i++) if ($i == r) v[p] = $(i + 1) }
			END { print v[1] + 0, v[0] + 0 }'
}

declare -A MAC
tap_plan 9

host H1
host H2
host H3
underlay H1 ul2 192.168.12.1 H2 ul1 192.168.12.2
underlay H1 ul3 192.168.13.1 H3 ul1 192.168.13.3
ip -n H1 link add vx2 type vxlan id 42 local 192.168.12.1 remote 192.168.12.2 dstport 4789 dev ul2
ip -n H2 link add vx1 type vxlan id 42 local 192.168.12.2 remote 192.168.12.1 dstport 4789 dev ul1
ip -n H1 link add gnv3 type geneve id 43 remote 192.168.13.3
ip -n H3 link add gnv1 type geneve id 43 remote 192.168.13.1
uplink H1 vx2
uplink H1 gnv3
uplink H2 vx1
uplink H3 gnv1
vm H1 a1 11
vm H1 a2 12
vm H2 b1 21
vm H3 c1 31
vsw_agent a1 a2 b1 c1
diag "MACs: a1 ${MAC[a1]} a2 ${MAC[a2]} b1 ${MAC[b1]} c1 ${MAC[c1]}"
hvsw H1 port show sw | sed 's/^/# H1: /'

# ---- across VXLAN --------------------------------------------------------
# (the first ARP may wait for the underlay's own: -W covers it)
tap_check "a1 (H1) pings b1 (H2) across the VXLAN uplinks" \
	nsx a1 ping -c 2 -i 0.1 -W 10 -q 10.0.0.21
tap_check "b1 (H2) pings a2 (H1) across the VXLAN uplinks" \
	nsx b1 ping -c 2 -i 0.1 -W 10 -q 10.0.0.12
v6() {
	nsx a1 ping -6 -c 2 -i 0.1 -W 10 -q fd00::21 && nsx b1 ping -6 -c 2 -i 0.1 -W 10 -q fd00::12
}
tap_check "IPv6: a1 pings b1, b1 pings a2 across the VXLAN uplinks" v6

fdb_ok() {
	local b a1 a2 la1
	b=$(fdb_dev H1 "${MAC[b1]}")
	a1=$(fdb_dev H2 "${MAC[a1]}")
	a2=$(fdb_dev H2 "${MAC[a2]}")
	la1=$(fdb_dev H1 "${MAC[a1]}")
	echo "H1: b1 behind '$b', a1 behind '$la1'; H2: a1 behind '$a1', a2 behind '$a2'"
	[ "$b" = vx2 ] && [ "$la1" = a1-p ] && [ "$a1" = vx1 ] && [ "$a2" = vx1 ]
}
tap_check "each switch learned the remote VMs' MACs behind its uplink (fdb show)" fdb_ok

# ---- across Geneve -------------------------------------------------------
geneve() {
	nsx c1 ping -c 2 -i 0.1 -W 10 -q 10.0.0.11 || return
	nsx c1 ping -6 -c 2 -i 0.1 -W 10 -q fd00::11 || return
	echo "H1: c1 behind '$(fdb_dev H1 "${MAC[c1]}")'"
	[ "$(fdb_dev H1 "${MAC[c1]}")" = gnv3 ]
}
tap_check "c1 (H3) pings a1 (H1) across the Geneve uplinks; H1 learns c1 behind gnv3" geneve

# ---- broadcast -----------------------------------------------------------
bcast_a1() {
	vsw_udp_send a1 10.0.0.255 from-a1
	wait_for "a1's broadcast at b1" 30 vsw_udp_got b1 from-a1 &&
		wait_for "a1's broadcast at c1" 30 vsw_udp_got c1 from-a1 &&
		wait_for "a1's broadcast at a2" 30 vsw_udp_got a2 from-a1
}
tap_check "a broadcast from a1 reaches a2, b1 (VXLAN) and c1 (Geneve)" bcast_a1

bcast_b1() {
	vsw_udp_send b1 10.0.0.255 from-b1
	wait_for "b1's broadcast at a1" 30 vsw_udp_got a1 from-b1 &&
		wait_for "b1's broadcast at a2" 30 vsw_udp_got a2 from-b1
}
tap_check "a broadcast from b1 (H2) reaches a1 and a2 (H1)" bcast_b1

# b1's broadcast entered H1 by vx2 and reached H1's VMs (above): had H1
# sent it out gnv3 too, c1 would have it before a broadcast a1 sends now.
no_transit_bcast() {
	vsw_udp_send a1 10.0.0.255 from-a1-again
	wait_for "a1's second broadcast at c1" 30 vsw_udp_got c1 from-a1-again || return
	grep -v '^ready$' "$VSW_TMP/c1.rx"
	! vsw_udp_got c1 from-b1
}
tap_check "b1's broadcast entering H1 by uplink vx2 was not sent out uplink gnv3 (c1 never got it)" \
	no_transit_bcast

# b1 unicasts to c1's MAC: H2 floods it to vx1, H1 knows c1 behind gnv3
# and must drop it as an uplink loop; a1's unicast to c1 still arrives.
no_transit_ucast() {
	local before
	hvsw H1 fdb get sw "${MAC[c1]}"
	ip -n b1 neigh replace 10.0.0.31 lladdr "${MAC[c1]}" dev eth0 nud permanent
	before=$(drops H1 vx2 uplink-loop)
	vsw_udp_send b1 10.0.0.31 to-c1-from-b1 3
	# the three reach H1 (each one counted), or are lost on the way
	__loop_drops() {
		local now
		now=$(drops H1 vx2 uplink-loop)
		WAIT_SEEN="uplink-loop drops on H1 (port vx2, switch): before $before, now $now"
		set -- $before $now
		[ $(($3 - $1)) -ge 3 ] && [ $(($4 - $2)) -ge 3 ]
	}
	wait_for "H1 to count 3 uplink-loop drops" 30 __loop_drops || return
	vsw_udp_send a1 10.0.0.31 to-c1-from-a1
	wait_for "a1's unicast at c1" 30 vsw_udp_got c1 to-c1-from-a1 || return
	__loop_drops
	echo "$WAIT_SEEN"
	grep -v '^ready$' "$VSW_TMP/c1.rx"
	! vsw_udp_got c1 to-c1-from-b1 || return
	set -- $before $(drops H1 vx2 uplink-loop)
	[ $(($3 - $1)) = 3 ] && [ $(($4 - $2)) = 3 ]
}
tap_check "b1's 3 unicasts to c1 dropped by H1 as uplink_loop (counted on vx2 and the switch), none at c1" \
	no_transit_ucast

tap_done
