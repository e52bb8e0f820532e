# SPDX-License-Identifier: GPL-2.0
# Helpers for the vswitch tests (sourced after ../lib.sh, not run).
#
# A "VM" here is a network namespace whose eth0 is one end of a veth pair;
# the other end, in the test's namespace, is a port of a switch. Every
# namespace and switch a helper makes is removed by vsw_cleanup (call it
# from the test's EXIT trap).

VSWCTL=${VHV_BIN:-$VHV_ROOT/userspace}/vswctl/vswctl
[ -x "$VSWCTL" ] || tap_bail "vswctl is not built: $VSWCTL"
# scapy is Debian's python3-scapy, for the system python
PY=/usr/bin/python3

VSW_NETNS=()
VSW_SWITCHES=()

# vswctl ARGS...: the CLI under test.
vswctl() { "$VSWCTL" "$@"; }

# vsw_switch NAME [ARGS...]: `vswctl switch add NAME ARGS`, removed at cleanup.
vsw_switch() {
	"$VSWCTL" switch add "$@" || return
	VSW_SWITCHES+=("$1")
}

# vsw_netns NAME: a namespace with lo up, removed at cleanup.
vsw_netns() {
	ip netns add "$1" || return
	VSW_NETNS+=("$1")
	ip -n "$1" link set lo up
}

# vsw_vm SWITCH NAME ADDR [PORT SETTINGS...]: namespace NAME, its eth0 with
# address ADDR (CIDR, e.g. 10.0.0.1/24), the peer NAME-p up and a port of
# SWITCH with SETTINGS (`vswctl port add SWITCH dev NAME-p SETTINGS`).
# NAME is at most 13 characters (NAME-p is a device name).
vsw_vm() {
	local sw=$1 name=$2 addr=$3
	shift 3
	vsw_netns "$name" || return
	ip link add "$name-p" type veth peer name eth0 netns "$name" || return
	ip -n "$name" addr add "$addr" dev eth0 nodad || return
	ip -n "$name" link set eth0 up || return
	ip link set "$name-p" up || return
	"$VSWCTL" port add "$sw" dev "$name-p" "$@"
}

# vsw_mac NS [DEV]: the MAC address of DEV (default eth0) in namespace NS.
vsw_mac() { ip netns exec "$1" cat "/sys/class/net/${2:-eth0}/address"; }

# vsw_json EXPR ARGS...: run `vswctl -j ARGS` and print the Python
# expression EXPR evaluated with `j` bound to the parsed JSON, e.g.
#   vsw_json 'j[0]["stats"]["rx_packets"]' -s port show sw0 dev a-p
vsw_json() {
	local expr=$1
	shift
	"$VSWCTL" -j "$@" | $PY -c 'import json,sys; j = json.load(sys.stdin); print(eval(sys.argv[1]))' "$expr"
}

# vsw_link_stat NS DEV rx|tx packets|bytes|dropped: a device's counter, the
# ground truth for the switch's own counters.
vsw_link_stat() {
	ip ${1:+-n "$1"} -s -j link show "$2" |
		$PY -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"][sys.argv[1]][sys.argv[2]])' "$3" "$4"
}

# ---- UDP endpoints: datagrams with a marker, sent and received in VMs ----
VSW_PIDS=()
VSW_TMP=

# vsw_agent NS...: a UDP endpoint on port 9999 in each namespace NS, until
# cleanup (started together, then waited for). Each datagram an agent
# receives is a line "MARKER SOURCE-ADDRESS" in $VSW_TMP/NS.rx (the first
# line is "ready", once it listens); see vsw_send. Call it from the test's
# shell, not in a subshell.
vsw_agent() {
	local ns
	[ -n "$VSW_TMP" ] || VSW_TMP=$(mktemp -d) || return
	for ns in "$@"; do
		mkfifo "$VSW_TMP/$ns.cmd" || return
		ip netns exec "$ns" "$PY" -I -S -c "$VSW_AGENT_PY" \
			"$VSW_TMP/$ns.rx" "$VSW_TMP/$ns.cmd" &
		VSW_PIDS+=($!)
	done
	for ns in "$@"; do
		wait_for "the UDP agent in $ns" 60 grep -qx ready "$VSW_TMP/$ns.rx" || return
	done
}
VSW_AGENT_PY='
import os, select, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.bind(("0.0.0.0", 9999))
cmd = os.open(sys.argv[2], os.O_RDWR)
out = open(sys.argv[1], "a")
out.write("ready\n")
out.flush()
buf = b""
while True:
    r = select.select([s, cmd], [], [])[0]
    if s in r:
        d, a = s.recvfrom(2048)
        out.write("%s %s\n" % (d.decode(errors="replace"), a[0]))
    if cmd in r:
        buf += os.read(cmd, 4096)
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            dst, marker, n = line.decode().split()
            for i in range(int(n)):
                s.sendto(marker.encode(), (dst, 9999))
            out.write("sent %s\n" % marker)
    out.flush()
'

# vsw_send NS DST MARKER [COUNT]: NS's agent sends COUNT (1) datagrams
# MARKER (no blanks) to DST:9999 (a broadcast address allowed).
vsw_send() {
	echo "$2 $3 ${4:-1}" > "$VSW_TMP/$1.cmd"
	wait_for "$1 to send $3" 30 grep -qx "sent $3" "$VSW_TMP/$1.rx"
}

# vsw_got NS MARKER: NS's agent has received MARKER (sets WAIT_SEEN).
vsw_got() {
	WAIT_SEEN="$1 received: $(grep -v '^ready$\|^sent ' "$VSW_TMP/$1.rx" | tr '\n' ' ')"
	grep -q "^$2 " "$VSW_TMP/$1.rx"
}

# vsw_cleanup: remove what the helpers made (namespaces take their veths).
vsw_cleanup() {
	local n
	for n in "${VSW_PIDS[@]}"; do
		kill "$n" 2>/dev/null || true
		wait "$n" 2>/dev/null || true
	done
	[ -z "$VSW_TMP" ] || rm -rf "$VSW_TMP"
	for n in "${VSW_NETNS[@]}"; do
		ip netns del "$n" 2>/dev/null || true
	done
	for n in "${VSW_SWITCHES[@]}"; do
		"$VSWCTL" switch del "$n" 2>/dev/null || true
	done
}
