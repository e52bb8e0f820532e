#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vswitch-guide.sh - the worked example of Documentation/vswitch/admin-guide.rst,
# command for command, each printed ("# CMD") before its output.
#
# Runs as root in a test VM, with the modules and vswctl built (make):
#
#   tools/testing/qemu/vm-run -k 6.1.0-57-amd64 -t 900 -C "$PWD" -- \
#       tools/testing/demo/vswitch-guide.sh
#
# Stops with a non-zero status ("FAILED: ...") at the first step that does
# not do what the guide says. The guide's sample output is this script's.
set -eu
set -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
KO=$ROOT/build/$(uname -r)/kmod/vswitch/vswitch.ko
PATH=$ROOT/userspace/vswctl:$PATH
export PATH
T=$(mktemp -d)
MONPIDS=()

say() { printf '\n==== %s\n' "$*"; }
# run CMDLINE: print it, then run it through the shell (pipes allowed).
run() { printf '# %s\n' "$1"; eval "$1"; }
# fails CMDLINE: print it, run it, and require that it fails.
fails() {
	local rc=0
	printf '# %s\n' "$1"
	eval "$1" || rc=$?
	echo "(exit status $rc)"
	[ "$rc" -ne 0 ] || die "\"$1\" succeeded"
}
die() { echo "FAILED: $*"; exit 1; }
# eventually DESC CMDLINE: poll until CMDLINE succeeds (60 s).
eventually() {
	local i
	for ((i = 0; i < 300; i++)); do
		eval "$2" > /dev/null 2>&1 && return 0
		sleep 0.2
	done
	die "$1"
}
# drops DEV REASON: a port's drop counter (vswctl -j names).
drops() {
	vswctl -j -s port show sw0 dev "$1" | jq ".[0].stats.drops.$2"
}

cleanup() {
	set +e
	for p in "${MONPIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	for n in vm1 vm2 vm4 hostb; do ip netns del "$n" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT

[ -f "$KO" ] || die "$KO is not built (make)"
[ -x "$ROOT/userspace/vswctl/vswctl" ] || die "vswctl is not built (make)"

echo "kernel $(uname -r)"
say "Loading"
run "modprobe -a nf_conntrack nf_defrag_ipv6 nf_reject_ipv4 nf_reject_ipv6"	# what vswitch links against
run "insmod $KO"
run "lsmod | grep -w ^vswitch"
run "ls /sys/module/vswitch/"
[ ! -e /sys/module/vswitch/parameters ] || die "the module has parameters now"

vswctl monitor > "$T/monitor.txt" 2>&1 &
MONPIDS+=($!)
vswctl -j monitor port > "$T/monitor.json" 2>&1 &
MONPIDS+=($!)
sleep 1

say "A switch with an internal port"
run "vswctl switch add sw0 internal"
run "vswctl switch show"
run "ip link show sw0"

say "Two VMs: namespaces vm1 and vm2, veth vmN.0 on the host side"
for n in 1 2; do
	run "ip netns add vm$n"
	run "ip link add vm$n.0 type veth peer name eth0 netns vm$n"
	run "vswctl port add sw0 dev vm$n.0 mac 52:54:00:00:00:0$n ip 10.0.0.$n ip fd00::$n ip fe80::5054:ff:fe00:$n security on dhcp-guard on"
	run "ip link set vm$n.0 up"
	run "ip -n vm$n link set lo up"
	run "ip -n vm$n link set eth0 address 52:54:00:00:00:0$n"
	run "ip -n vm$n addr add 10.0.0.$n/24 dev eth0"
	run "ip -n vm$n addr add fd00::$n/64 dev eth0"
	run "ip -n vm$n link set eth0 up"
done
run "vswctl port show sw0"

say "Ping between the VMs"
run "ip netns exec vm1 ping -c 3 10.0.0.2"
eventually "the VMs' IPv6 addresses leave tentative" \
	'[ -z "$(ip -n vm1 -6 addr show tentative)$(ip -n vm2 -6 addr show tentative)" ]'
run "ip netns exec vm1 ping -c 3 fd00::2"
run "ip netns exec vm2 ping -c 3 fe80::5054:ff:fe00:1%eth0"
run "vswctl fdb show sw0"
run "vswctl fdb get sw0 52:54:00:00:00:02"
run "vswctl -s port show sw0 dev vm1.0"
run "ip -s link show vm1.0"
run "vswctl -p -s port show sw0 dev vm1.0"

say "A spoofed IPv4 source: dropped, counted as ipv4-spoof"
s0=$(drops vm1.0 ipv4_spoof)
run "ip -n vm1 addr add 10.0.0.99/24 dev eth0"
fails "ip netns exec vm1 ping -c 3 -W 1 -I 10.0.0.99 10.0.0.2"
run "vswctl -s port show sw0 dev vm1.0"
s1=$(drops vm1.0 ipv4_spoof)
echo "ipv4_spoof: $s0 -> $s1"
[ "$((s1 - s0))" -ge 3 ] || die "expected 3 more ipv4_spoof drops"
run "ip -n vm1 addr del 10.0.0.99/24 dev eth0"

say "A spoofed MAC: dropped, counted as mac-spoof"
m0=$(drops vm1.0 mac_spoof)
t0=$(cat /sys/class/net/vm1.0/statistics/rx_packets)
run "ip -n vm1 link set eth0 address 52:54:00:00:00:66"
run "ip -n vm1 neigh flush dev eth0"
fails "ip netns exec vm1 ping -c 3 -W 1 10.0.0.2"
t1=$(cat /sys/class/net/vm1.0/statistics/rx_packets)
eventually "every frame vm1 sent from the wrong MAC is a mac_spoof drop" \
	'[ "$(($(drops vm1.0 mac_spoof) - m0))" -ge "$((t1 - t0))" ]'
m1=$(drops vm1.0 mac_spoof)
run "vswctl -s port show sw0 dev vm1.0"
echo "vm1 sent $((t1 - t0)) frames; mac_spoof: $m0 -> $m1"
run "ip -n vm1 link set eth0 address 52:54:00:00:00:01"
run "ip netns exec vm1 ping -c 1 10.0.0.2"

say "The host on the switch: the internal port"
run "ip addr add 10.0.0.254/24 dev sw0"
run "ip link set sw0 up"
run "ping -c 3 10.0.0.1"
run "ip netns exec vm2 ping -c 3 10.0.0.254"
run "vswctl -s port show sw0 dev sw0"
run "ip -s link show sw0"
run "ethtool -S sw0"
run "ethtool -i sw0 | sed -n 1p"
fails "ip link del sw0"

say "Switch counters"
run "vswctl -s switch show sw0"
run "vswctl stats show sw0 dev vm2.0"

say "A tap as QEMU makes it, through vswitch-ifup"
# the guest has no static /dev nodes: /dev/net/tun comes with the module
[ -c /dev/net/tun ] || modprobe tun
run "ip tuntap add dev vm3.0 mode tap"
run "VSWITCH_SWITCH=sw0 VSWITCH_MAC=52:54:00:00:00:03 VSWITCH_OPTIONS='ip 10.0.0.3 dhcp-guard on' $ROOT/userspace/vswctl/vswitch-ifup vm3.0"
run "vswctl port show sw0 dev vm3.0"
run "ip tuntap del dev vm3.0 mode tap"
fails "vswctl port show sw0 dev vm3.0"

say "An uplink: VXLAN to a second host (namespace hostb, switch sw0, VM vm4)"
run "ip netns add hostb"
run "ip link add ul0 type veth peer name ul0 netns hostb"
run "ip addr add 192.0.2.1/24 dev ul0"
run "ip link set ul0 up"
run "ip -n hostb addr add 192.0.2.2/24 dev ul0"
run "ip -n hostb link set ul0 up"
run "ip -n hostb link set lo up"
# host A (this namespace)
run "ip link add vx42 type vxlan id 42 local 192.0.2.1 remote 192.0.2.2 dstport 4789 dev ul0"
run "ip link set vx42 up"
run "vswctl port add sw0 dev vx42 uplink"
# host B
run "ip -n hostb link add vx42 type vxlan id 42 local 192.0.2.2 remote 192.0.2.1 dstport 4789 dev ul0"
run "ip -n hostb link set vx42 up"
run "ip netns exec hostb vswctl switch add sw0"
run "ip netns exec hostb vswctl port add sw0 dev vx42 uplink"
run "ip netns add vm4"
run "ip -n hostb link add vm4.0 type veth peer name eth0 netns vm4"
run "ip netns exec hostb vswctl port add sw0 dev vm4.0"
run "ip -n hostb link set vm4.0 up"
run "ip -n vm4 addr add 10.0.0.4/24 dev eth0"
run "ip -n vm4 link set eth0 up"
run "ip link show vx42 | sed -n 1p"
run "ip netns exec vm1 ping -c 3 10.0.0.4"
run "vswctl fdb show sw0"
run "vswctl port show sw0 dev vx42"
run "ip netns exec hostb vswctl switch show"
run "vswctl switch show"
mt0=$(drops vx42 mtu)
fails "ip netns exec vm1 ping -c 2 -W 1 -M do -s 1472 10.0.0.4"
mt1=$(drops vx42 mtu)
run "vswctl -s port show sw0 dev vx42"
echo "mtu drops on vx42: $mt0 -> $mt1"
[ "$((mt1 - mt0))" -ge 2 ] || die "expected 2 more mtu drops on vx42"
run "ip netns exec vm1 ping -c 2 -M do -s 1422 10.0.0.4"

say "Limits and refusals"
fails "vswctl switch add sw1 fdb-max 70000"
fails "vswctl port add sw0 dev lo"
fails "vswctl port add sw0 dev vm9.0"
fails "vswctl switch set sw0 fdb-max 1"

say "Permissions and namespaces"
fails "setpriv --bounding-set=-net_admin --inh-caps=-net_admin vswctl switch add sw1"
run "setpriv --bounding-set=-net_admin --inh-caps=-net_admin vswctl switch show"
run "ip netns exec vm1 vswctl switch show"
run "ip netns exec vm1 vswctl switch add sw0"
run "ip netns exec vm1 vswctl switch show"
run "ip netns exec vm1 vswctl switch del sw0"

say "What vswctl monitor printed meanwhile"
for p in "${MONPIDS[@]}"; do kill "$p"; wait "$p" || true; done
MONPIDS=()
cat "$T/monitor.txt"
echo "---- vswctl -j monitor port"
cat "$T/monitor.json"

say "Unloading releases every port"
run "ip -d link show vm1.0 | grep -o 'promiscuity [0-9]*'"
run "rmmod vswitch"
run "ip -d link show vm1.0 | grep -o 'promiscuity [0-9]*'"
run "ip -n hostb -d link show vm4.0 | grep -o 'promiscuity [0-9]*'"
fails "ip link show sw0"
fails "ip netns exec vm1 ping -c 1 -W 1 10.0.0.2"
fails "vswctl switch show"

say "Installed under /lib/modules, the module loads on first use"
run "install -D -m 0644 $KO /lib/modules/\$(uname -r)/extra/vswitch.ko"
run "depmod -a"
run "vswctl switch show"
run "lsmod | grep -w ^vswitch"
run "modprobe -r vswitch"

echo
echo "vswitch-guide: every step did what the guide says"
