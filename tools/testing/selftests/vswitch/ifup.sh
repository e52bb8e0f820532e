#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ifup.sh - userspace/vswctl/vswitch-ifup as QEMU and libvirt run it.
#
# In a host namespace H with switch sw0 and a VM v1 (a namespace whose
# veth is a port), the script is run as the hypervisor does: with the tap's
# name as its only argument, its settings in the environment and in a
# temporary ifup.conf (VSWITCH_CONF). The taps are made as QEMU makes them:
# with "ip tuntap add" (no carrier), or held open by a process (TUNSETIFF;
# the tap goes when the process exits). Ground truth: the port list, the
# script's status and message, datagrams that reach v1 or the tap's
# process, and the device list.

source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/vsw.sh"
set -e

IFUP=$VHV_ROOT/userspace/vswctl/vswitch-ifup
[ -x "$IFUP" ] || tap_bail "no $IFUP"
# /dev/net/tun appears with the module, as on a host that runs QEMU
[ -c /dev/net/tun ] || modprobe tun || tap_bail "no tun module"
TMPD=$(mktemp -d)
HOLDER=
cleanup() {
	set +e
	[ -z "$HOLDER" ] || { kill "$HOLDER"; wait "$HOLDER"; } 2>/dev/null
	vsw_cleanup
	rm -rf "$TMPD"
}
trap cleanup EXIT

nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
# vswctl in H (setns only: cheaper than ip netns exec, which also mounts
# a /sys for it; vswitch-ifup runs under ip netns exec, it reads /sys)
hvsw() { "$VSWCTL" -n H "$@"; }

# ifup TAP [VAR=VALUE...]: run vswitch-ifup TAP in H as a hypervisor does,
# with the configuration $TMPD/ifup.conf and VAR=VALUE in the environment;
# its status in RC, its stderr in $TMPD/err (and as comments).
ifup() {
	local tap=$1
	shift
	RC=0
	nsx H env VSWCTL="$VSWCTL" VSWITCH_CONF="$TMPD/ifup.conf" "$@" \
		"$IFUP" "$tap" > "$TMPD/out" 2> "$TMPD/err" || RC=$?
	echo "vswitch-ifup $tap ($*): exit $RC"
	sed 's/^/  /' "$TMPD/err"
}

# conf LINE...: the configuration file, one KEY=VALUE line per argument.
conf() { printf '%s\n' "$@" > "$TMPD/ifup.conf"; }

# port TAP: the port line of TAP on sw0; nothing when it is no port
# (vswctl then says so on stderr and exits 1).
port() { hvsw port show sw0 dev "$1" 2> /dev/null || true; }

# refused TAP MESSAGE [VAR=VALUE...]: vswitch-ifup TAP exits 1, says
# MESSAGE (an ERE; its lines joined by blanks) on stderr and leaves TAP no
# port (or, with PORT_BEFORE set, the port PORT_BEFORE shows).
refused() {
	local tap=$1 msg=$2 after
	shift 2
	ifup "$tap" "$@"
	after=$(port "$tap")
	[ "$RC" = 1 ] && tr '\n' ' ' < "$TMPD/err" | grep -Eq "$msg" &&
		[ "$after" = "${PORT_BEFORE-}" ] && return
	echo "wanted exit 1 and /$msg/, port '${PORT_BEFORE-}'; port now '$after'"
	return 1
}

# holder TAP: a process in H that makes tap TAP (TUNSETIFF) and holds it,
# as QEMU and libvirt do. Its log $TMPD/TAP.log: "ready", "rx MARKER" for
# each UDP datagram to port 9999 the tap delivers, "sent MARKER" for each
# line "SRCMAC DSTMAC SRCIP DSTIP MARKER" written to the FIFO $TMPD/TAP.cmd,
# which makes it send that UDP datagram, as the VM.
holder() {
	mkfifo "$TMPD/$1.cmd"
	# (no shell function: $! must be the process that holds the tap)
	ip netns exec H "$PY" -I -S -c '
import fcntl, os, select, struct, sys
name, log, fifo = sys.argv[1:4]
TUNSETIFF, IFF_TAP, IFF_NO_PI = 0x400454ca, 0x0002, 0x1000
tap = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(tap, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
cmd = os.open(fifo, os.O_RDWR)
out = open(log, "a")
out.write("ready\n")
out.flush()

def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def frame(smac, dmac, sip, dip, data):
    mac = lambda m: bytes.fromhex(m.replace(":", ""))
    udp = struct.pack("!HHHH", 9999, 9999, 8 + len(data), 0) + data
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                     bytes(map(int, sip.split("."))), bytes(map(int, dip.split("."))))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return mac(dmac) + mac(smac) + b"\x08\x00" + ip + udp

buf = b""
while True:
    r = select.select([tap, cmd], [], [])[0]
    if tap in r:
        f = os.read(tap, 65536)
        if f[12:14] == b"\x08\x00" and f[14] == 0x45 and f[23] == 17 and f[36:38] == b"\x27\x0f":
            out.write("rx %s\n" % f[42:].decode(errors="replace"))
    if cmd in r:
        buf += os.read(cmd, 4096)
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            smac, dmac, sip, dip, marker = line.decode().split()
            os.write(tap, frame(smac, dmac, sip, dip, marker.encode()))
            out.write("sent %s\n" % marker)
    out.flush()
' "$1" "$TMPD/$1.log" "$TMPD/$1.cmd" &
	HOLDER=$!
	wait_for "the process holding tap $1" 60 grep -qx ready "$TMPD/$1.log"
}

# vm_sends TAP SRCMAC SRCIP MARKER: the VM behind TAP sends MARKER to v1.
vm_sends() {
	echo "$2 $V1MAC $3 10.0.0.1 $4" > "$TMPD/$1.cmd"
	wait_for "the VM on $1 to send $4" 30 grep -qx "sent $4" "$TMPD/$1.log"
}

# drops TAP REASON: drops by REASON (vswctl's text name) on TAP's port.
drops() {
	hvsw -s port show sw0 dev "$1" |
		awk -v r="$2" '{ for (i = 1; i < NF; i++) if ($i == r) v = $(i + 1) } END { print v + 0 }'
}

tap_plan 8

vsw_netns H
nsenter --net=/run/netns/H sysctl -qw net.ipv6.conf.default.disable_ipv6=1	# quiet taps
hvsw switch add sw0
vsw_netns v1
V1MAC=02:00:00:00:00:01
ip -n H link add v1-p type veth peer name eth0 address "$V1MAC" netns v1
ip -n v1 -b - <<EOF
addr add 10.0.0.1/24 dev eth0
link set eth0 up
EOF
ip -n H link set v1-p up
hvsw port add sw0 dev v1-p
vsw_agent v1

# ---- QEMU: -netdev tap,ifname=qtap0,script=vswitch-ifup -------------------
ip -n H tuntap add dev qtap0 mode tap
conf "# this host's VMs" "switch = sw0" "mac=tap"
qemu() {
	local p
	ifup qtap0 VSWITCH_MAC=52:54:00:12:34:01 "VSWITCH_OPTIONS=ip 10.0.0.5 ip fd00::5 dhcp-guard on"
	p=$(port qtap0)
	echo "$p"
	ip -n H -br link show qtap0
	[ "$RC" = 0 ] && [ ! -s "$TMPD/err" ] &&
		grep -q " dev qtap0 mac 52:54:00:12:34:01 ip 10.0.0.5 ip fd00::5 .*dhcp-guard on security on" <<< "$p" &&
		ip -n H link show qtap0 | grep -q '[<,]UP[,>]'
}
tap_check "QEMU: tap qtap0 (ip tuntap), VSWITCH_MAC and VSWITCH_OPTIONS: exit 0, port bound to the MAC and addresses, security on, tap up" qemu

# ---- libvirt: <interface type='ethernet'><script path=.../> ------------------
holder vnet0
ip -n H link set vnet0 address fe:54:00:12:34:02	# libvirt's tap MAC
conf "switch=sw0" "mac=tap" "mac_octet=52" "options=ip 10.0.0.6"
libvirt() {
	local p
	ifup vnet0
	p=$(port vnet0)
	echo "$p"
	[ "$RC" = 0 ] && [ ! -s "$TMPD/err" ] &&
		grep -q " dev vnet0 mac 52:54:00:12:34:02 ip 10.0.0.6 .*security on" <<< "$p"
}
tap_check "libvirt: tap vnet0 (MAC fe:54:..., held open), mac=tap mac_octet=52: port bound to 52:54:..., options' address, security on" libvirt

# The VM behind vnet0 sends from its own MAC and address, from the tap's
# MAC (fe:54:...) and from an address it does not have; v1 answers it.
security() {
	local m0 i0 m1 i1
	m0=$(drops vnet0 mac-spoof) i0=$(drops vnet0 ipv4-spoof)
	vm_sends vnet0 fe:54:00:12:34:02 10.0.0.6 from-tap-mac
	vm_sends vnet0 52:54:00:12:34:02 10.0.0.99 from-other-ip
	vm_sends vnet0 52:54:00:12:34:02 10.0.0.6 from-vm
	wait_for "the VM's datagram at v1" 30 vsw_udp_got v1 from-vm || return
	ip -n v1 neigh replace 10.0.0.6 lladdr 52:54:00:12:34:02 dev eth0 nud permanent
	vsw_udp_send v1 10.0.0.6 to-vm
	wait_for "v1's datagram at the VM" 30 grep -qx "rx to-vm" "$TMPD/vnet0.log" || return
	m1=$(drops vnet0 mac-spoof) i1=$(drops vnet0 ipv4-spoof)
	echo "v1 received: $(grep -v '^ready$\|^sent ' "$VSW_TMP/v1.rx" | tr '\n' ' ')"
	echo "vnet0 drops: mac-spoof +$((m1 - m0)), ipv4-spoof +$((i1 - i0))"
	! vsw_udp_got v1 from-tap-mac && ! vsw_udp_got v1 from-other-ip &&
		[ $((m1 - m0)) = 1 ] && [ $((i1 - i0)) = 1 ]
}
tap_check "the VM on vnet0 reaches v1 and back; from another MAC or address it is dropped (mac-spoof, ipv4-spoof)" security

# The hypervisor closes the tap when the VM stops: no down script.
kill "$HOLDER"
wait "$HOLDER" 2>/dev/null || true
HOLDER=
closed() {
	__gone() {
		WAIT_SEEN="port: '$(port vnet0)'; device: '$(ip -n H -br link show vnet0 2>/dev/null)'"
		[ -z "$(port vnet0)" ] && ! ip -n H link show vnet0 > /dev/null 2>&1
	}
	wait_for "vnet0 and its port to go" 60 __gone
}
tap_check "the process holding vnet0 exits: the tap and its port go away" closed

# ---- refusals: exit 1, a message, no port ------------------------------------
ip -n H tuntap add dev qtap1 mode tap
conf "mac=tap"
tap_check "no switch configured: exit 1, says so, no port" \
	refused qtap1 "vswitch-ifup: no switch for qtap1: set switch= in .*ifup.conf or VSWITCH_SWITCH"

conf "switch=sw0" "mac=tap"
tap_check "malformed MAC (VSWITCH_MAC of 5 octets): exit 1, says so, no port" \
	refused qtap1 'vswitch-ifup: mac "52:54:00:12:34" is not a MAC address' VSWITCH_MAC=52:54:00:12:34

conf "switch=sw0"
tap_check "no such device: exit 1, says so" \
	refused vnet9 "vswitch-ifup: vnet9: no such network device"

kernel_refuses() {
	conf "switch=sw0"
	refused qtap1 "mac must be a unicast.*vswitch-ifup: qtap1 was not added to switch sw0" \
		VSWITCH_MAC=01:00:5e:00:00:01 || return
	conf "switch=nosuch"
	refused qtap1 "no switch of this name.*vswitch-ifup: qtap1 was not added to switch nosuch" || return
	# qtap0 is a port already: the second hook run changes nothing
	conf "switch=sw0"
	PORT_BEFORE=$(port qtap0) refused qtap0 "already a switch port" VSWITCH_MAC=52:54:00:12:34:09
}
tap_check "the kernel refuses (multicast MAC, no such switch, already a port): exit 1, its message, no change" \
	kernel_refuses

# (no argument, an unreadable VSWITCH_CONF: userspace/vswctl/tests/cli.sh)

tap_done
