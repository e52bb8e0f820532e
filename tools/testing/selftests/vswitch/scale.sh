#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scale.sh - a switch with 1000 ports; a switch with hundreds of learned MACs.
#
#   P  1000 veth pairs (ip -batch) become ports of one switch: two with
#      vswctl, the others in batches of requests over generic netlink (every
#      one acknowledged); `vswctl port show` lists exactly those 1000
#      devices with 1000 distinct ids; the kernel's dump of them came in
#      many datagrams (counted by a second, independent netlink reader)
#   T  the first and the last port's VMs ping each other across the switch
#   D  deleting the switch releases all 1000: no switch left, every device
#      back to promiscuity 0, the VMs no longer reach each other
#   F  VM A sends frames from 600 source MACs (a raw socket): `fdb show` lists every one of them
#      on the sender's port (and the dump came in several datagrams); the
#      receiving VM's rx counter saw the frames
#
# Everything lives in namespaces of its own (the switch too), with IPv6 off
# on the switch's side, so that 2000 devices cost as little as they can.

set -e
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/vsw.sh"

N=1000		# ports on the big switch
BATCH=50	# port-add requests per sendmsg
NMAC=600	# source MACs for the fdb dump

NS=vsc-$$	# the switches and the 2000 veth ends
VA=vsca-$$	# VM on the first port
VB=vscb-$$	# VM on the last port
TMPD=$(mktemp -d)

cleanup() {
	set +e
	# The veths go by groups of 100 pairs, before their namespace: a
	# namespace's teardown unregisters all of its devices under one hold
	# of the RTNL and of pernet_ops_rwsem, which for 2000 devices on a
	# debug kernel under TCG outlasted the hung-task timeout of the
	# linkwatch worker and of the runner's rmmod (a panic).
	if [ -e "/run/netns/$NS" ]; then
		for ((i = 1; i <= (N + 99) / 100; i++)); do echo "link del group $i"; done |
			ip -force -n "$NS" -b - 2> /dev/null
	fi
	vsw_cleanup
	rm -rf "$TMPD"
}
trap cleanup EXIT

# rxp NS: packets VM NS's eth0 received (the kernel's device statistics)
rxp() { ip netns exec "$1" cat /sys/class/net/eth0/statistics/rx_packets; }

# in the switches' namespace
nsx() { nsenter --net="/run/netns/$NS" "$@"; }
vsc() { "$VSWCTL" -n "$NS" "$@"; }

# A minimal generic netlink client, as an independent reader of the
# family: "add SWITCH BATCH DEV..." adds ports, BATCH requests per
# sendmsg, and prints one line per refusal and a summary; "dump port|fdb
# SWITCH" dumps and prints JSON: datagrams, messages, the port devices or
# fdb MACs with their port ids, one "ITEM ID" line each, then a line
# "# datagrams N messages N intr 0|1" (1: the dump was interrupted).
cat > "$TMPD/gnl.py" <<'PYEOF'
import json, socket, struct, sys

NETLINK_GENERIC, SOL_NETLINK = 16, 270
NETLINK_CAP_ACK, NETLINK_EXT_ACK = 10, 11
SO_RCVBUFFORCE = 33
F_REQUEST, F_MULTI, F_ACK, F_DUMP, F_INTR = 1, 2, 4, 0x300, 0x10
F_ACK_TLVS = 0x200
T_ERROR, T_DONE, CTRL = 2, 3, 0x10
A_NAME, A_PORT, A_FDB = 2, 9, 10
PA_ID, PA_IFNAME = 2, 4
FA_MAC, FA_PORT = 2, 3
CMD = {"port_add": 5, "port": 8, "fdb": 11}

def attr(t, data):
    n = 4 + len(data)
    return struct.pack("HH", n, t) + data + b"\0" * (-n % 4)

def nest(t, data):
    return attr(t | 0x8000, data)  # NLA_F_NESTED: the family is strict

def attrs(b):
    out = {}
    while len(b) >= 4:
        n, t = struct.unpack_from("HH", b)
        out[t & 0x3fff] = b[4:n]
        b = b[(n + 3) & ~3:]
    return out

class Gnl:
    def __init__(self):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 32 << 20)
        self.s.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.s.settimeout(300)
        self.s.bind((0, 0))
        self.seq = 0
        self.fam = CTRL
        r = self.request(3, attr(2, b"vswitch\0"), F_REQUEST)  # CTRL_CMD_GETFAMILY
        self.fam = struct.unpack("H", attrs(r[0][3][4:])[1][:2])[0]

    def msg(self, cmd, payload, flags):
        self.seq += 1
        body = struct.pack("BBH", cmd, 1, 0) + payload
        return struct.pack("IHHII", 16 + len(body), self.fam, flags, self.seq, 0) + body

    def msgs(self, data):
        while len(data) >= 16:
            n, t, fl, seq, _ = struct.unpack_from("IHHII", data)
            yield t, fl, seq, data[16:n]
            data = data[(n + 3) & ~3:]

    def error(self, fl, body):
        err = -struct.unpack_from("i", body)[0]
        text = ""
        if fl & F_ACK_TLVS:
            m = attrs(body[4 + 16:]).get(1)  # NLMSGERR_ATTR_MSG
            text = m.rstrip(b"\0").decode() if m else ""
        return err, text

    # one request; returns [(type, flags, seq, cmd, attrs bytes)]
    def request(self, cmd, payload, flags):
        self.s.send(self.msg(cmd, payload, flags))
        out = []
        while True:
            for t, fl, seq, body in self.msgs(self.s.recv(1 << 20)):
                if t == T_ERROR:
                    err, text = self.error(fl, body)
                    if err:
                        raise OSError(err, text)
                    return out
                out.append((t, fl, seq, body))
                if not fl & F_MULTI:
                    return out

def add(g, sw, batch, devs):
    fails = 0
    for i in range(0, len(devs), batch):
        chunk = devs[i:i + batch]
        reqs, seqs = [], {}
        for d in chunk:
            p = attr(A_NAME, sw.encode() + b"\0") + \
                nest(A_PORT, attr(PA_IFNAME, d.encode() + b"\0"))
            reqs.append(g.msg(CMD["port_add"], p, F_REQUEST | F_ACK))
            seqs[g.seq] = d
        g.s.send(b"".join(reqs))
        while seqs:
            for t, fl, seq, body in g.msgs(g.s.recv(1 << 20)):
                if t != T_ERROR:
                    continue
                d = seqs.pop(seq)
                err, text = g.error(fl, body)
                if err:
                    fails += 1
                    if fails <= 5:
                        print("port add %s %s: errno %d: %s" % (sw, d, err, text))
    print("port add: %d requests, %d refused" % (len(devs), fails))
    return fails == 0

def dump(g, what, sw):
    g.s.send(g.msg(CMD[what], attr(A_NAME, sw.encode() + b"\0"), F_REQUEST | F_DUMP))
    res = {"datagrams": 0, "messages": 0, "intr": 0, "items": []}
    while True:
        data = g.s.recv(1 << 20)
        res["datagrams"] += 1
        for t, fl, seq, body in g.msgs(data):
            if t == T_ERROR:
                raise OSError(*g.error(fl, body))
            if fl & F_INTR:
                res["intr"] = 1
            if t == T_DONE:
                for item in res["items"]:
                    print("%s %d" % tuple(item))
                print("# datagrams %d messages %d intr %d"
                      % (res["datagrams"], res["messages"], res["intr"]))
                return True
            res["messages"] += 1
            a = attrs(body[4:])
            if what == "port":
                pa = attrs(a[A_PORT])
                res["items"].append([pa[PA_IFNAME].rstrip(b"\0").decode(),
                                     struct.unpack("I", pa[PA_ID])[0]])
            else:
                fa = attrs(a[A_FDB])
                res["items"].append([fa[FA_MAC].hex(":"),
                                     struct.unpack("I", fa[FA_PORT])[0]])

g = Gnl()
if sys.argv[1] == "add":
    ok = add(g, sys.argv[2], int(sys.argv[3]), sys.argv[4:])
else:
    ok = dump(g, sys.argv[2], sys.argv[3])
sys.exit(0 if ok else 1)
PYEOF
gnl() { nsx "$PY" "$TMPD/gnl.py" "$@"; }

tap_plan 10

# ---- P: 1000 ports -------------------------------------------------------------
vsw_netns "$NS"
vsw_netns "$VA"
vsw_netns "$VB"
nsx sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
for ((i = 1; i <= N; i++)); do
	g=$(((i - 1) / 100 + 1))	# deleted by group (cleanup)
	case $i in
	1) echo "link add s$i up group $g type veth peer name eth0 netns $VA" ;;
	"$N") echo "link add s$i up group $g type veth peer name eth0 netns $VB" ;;
	*) echo "link add s$i up group $g type veth peer name t$i" ;;
	esac
done > "$TMPD/veths"
t0=$SECONDS
ip -n "$NS" -batch "$TMPD/veths"
for v in "$VA:10.9.0.1" "$VB:10.9.0.2"; do
	ip -n "${v%%:*}" addr add "${v#*:}/24" dev eth0
	ip -n "${v%%:*}" link set eth0 up
done
diag "$N veth pairs made in $((SECONDS - t0)) s"

vsc switch add big	# (deleting $NS at cleanup takes its switches along)
t0=$SECONDS
add_all() {
	local i devs=()
	vsc port add big dev s1 > /dev/null || return
	vsc port add big dev "s$N" > /dev/null || return
	for ((i = 2; i < N; i++)); do devs+=("s$i"); done
	gnl add big "$BATCH" "${devs[@]}"
}
tap_check "P: $N veth devices added as ports of one switch (2 by vswctl, $((N - 2)) in batches of $BATCH)" add_all
diag "ports added in $((SECONDS - t0)) s"

# vswctl's view: exactly s1..sN, each once, ids distinct ("big port ID dev DEV ...")
chk_show() {
	vsc port show big > "$TMPD/show.txt" || return
	awk -v n="$N" '
	{ c++; if (!dev[$5]++) nd++; if (!id[$3]++) ni++ }
	END {
		for (i = 1; i <= n; i++) if (!(("s" i) in dev)) { miss++; if (miss <= 5) m = m " s" i }
		for (d in dev) if (d !~ /^s[0-9]+$/ || substr(d, 2) + 0 < 1 || substr(d, 2) + 0 > n) { extra++; if (extra <= 5) x = x " " d }
		printf "port show: %d entries, %d distinct devices, %d distinct ids; missing%s, extra%s\n", c, nd, ni, m ? m : " none", x ? x : " none"
		exit !(c == n && nd == n && ni == n && !miss && !extra)
	}' "$TMPD/show.txt"
}
tap_check "P: vswctl port show lists exactly the $N devices, with $N distinct port ids" chk_show

# the dump itself, read by an independent client: many datagrams, and
# the same 1000 (device, id) pairs as vswctl printed
# dump_sum FILE: "DATAGRAMS MESSAGES INTR" of a gnl.py dump
dump_sum() { awk '$1 == "#" { print $3, $5, $7 }' "$1"; }
chk_dump() {
	local dg msgs intr same
	gnl dump port big > "$TMPD/dump.txt" || return
	read -r dg msgs intr < <(dump_sum "$TMPD/dump.txt")
	same=no
	cmp -s <(grep -v '^#' "$TMPD/dump.txt" | sort) <(awk '{ print $5, $3 }' "$TMPD/show.txt" | sort) && same=yes
	echo "dump: $msgs messages in $dg datagrams, interrupted $intr; same pairs as vswctl: $same"
	[ "$msgs" = "$N" ] && [ "$dg" -gt 1 ] && [ "$intr" = 0 ] && [ "$same" = yes ]
}
tap_check "P: the port dump spans many datagrams and holds the same $N ports" chk_dump

# The VMs' links must be up as linkwatch sees them: until it has handled
# a device's carrier (2000 new devices queue up before it), the device
# has no qdisc and drops what it sends. (operstate UP is set in the same
# step that attaches the qdisc.)
__links_up() {
	local l s=
	for l in "$VA eth0" "$VB eth0" "$NS s1" "$NS s$N"; do
		# shellcheck disable=SC2086
		set -- $l
		s+="$2 in $1: $(ip -n "$1" -br link show "$2" | awk '{ print $2 }'); "
	done
	WAIT_SEEN=$s
	[[ "$s" != *DOWN* ]] && [[ "$s" != *UNKNOWN* ]] && [[ "$s" != *LOWERLAYER* ]] &&
		[ "$(grep -o UP <<< "$s" | wc -l)" = 4 ]
}
wait_for "the links of the VMs on s1 and s$N to be up" 120 __links_up

# ---- T: traffic between two of the 1000 ---------------------------------------------
rx0=$(rxp "$VB")
tap_check "T: VMs on port s1 and s$N ping each other" ip netns exec "$VA" ping -c 3 -i 0.05 -W 30 -q 10.9.0.2
rx1=$(rxp "$VB")
diag "VM B eth0 rx packets: $rx0 -> $rx1"
tap_check "T: VM B's eth0 received the echo requests (rx +3 at least)" test $((rx1 - rx0)) -ge 3

# ---- D: deleting the switch releases all of them ------------------------------------
t0=$SECONDS
tap_check "D: switch del with $N ports" vsc switch del big
diag "switch deleted in $((SECONDS - t0)) s"
chk_released() {
	local sws promisc
	sws=$(vsc -j switch show) || return
	promisc=$(ip -n "$NS" -d -o link show type veth | awk '
		{ split($2, d, "@"); if (d[1] !~ /^s[0-9]+$/) next; n++
		  for (i = 1; i < NF; i++) if ($i == "promiscuity" && $(i + 1) != 0) { b++; if (b <= 5) l = l " " d[1] } }
		END { print n + 0, b + 0 l }')
	diag "switches left: $sws; s1..s$N: devices, promiscuous ones: $promisc"
	[ "$sws" = "[]" ] && [ "${promisc%% *}" = "$N" ] && [ "$(echo "$promisc" | awk '{print $2}')" = 0 ]
}
tap_check "D: no switch left, all $N devices back to promiscuity 0" chk_released
# what VM A sends now goes up s1's own stack, which has no address
tap_check "D: the VMs no longer reach each other" eval '! ip netns exec "$VA" ping -c 2 -i 0.05 -W 2 -q 10.9.0.2'

# ---- F: several hundred learned MACs ---------------------------------------------
vsc switch add fdbs
vsc port add fdbs dev s1 > /dev/null
vsc port add fdbs dev "s$N" > /dev/null
ip netns exec "$VA" ping -c 1 -W 30 -q 10.9.0.2 > /dev/null
MACB=$(vsw_mac "$VB")
rx0=$(rxp "$VB")
chk_send() {
	ip netns exec "$VA" "$PY" -S - "$MACB" "$NMAC" "$TMPD/macs" <<-'EOF'
	import socket, struct, sys
	dst, n = sys.argv[1], int(sys.argv[2])
	macs = ["02:5c:%02x:%02x:%02x:%02x" % (i >> 24, (i >> 16) & 255, (i >> 8) & 255, i & 255)
	        for i in range(1, n + 1)]
	open(sys.argv[3], "w").write("\n".join(macs) + "\n")
	# IPv4 10.9.0.1 -> 10.9.0.2, UDP to port 9 (no checksum), 4 bytes
	ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 32, 0, 0, 64, 17, 0,
	                 socket.inet_aton("10.9.0.1"), socket.inet_aton("10.9.0.2"))
	c = sum(struct.unpack("!10H", ip))
	c = (c & 0xffff) + (c >> 16)
	ip = ip[:10] + struct.pack("!H", ~((c & 0xffff) + (c >> 16)) & 0xffff) + ip[12:]
	t = bytes.fromhex(dst.replace(":", "")) + bytes(6) + b"\x08\x00" + ip + \
	    struct.pack("!HHHH", 9, 9, 12, 0) + b"vsc!"
	s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
	s.bind(("eth0", 0))
	# the frames differ in the source MAC only
	for m in macs:
	    s.send(t[:6] + bytes.fromhex(m.replace(":", "")) + t[12:])
	s.close()
	EOF
}
tap_check "F: VM A sent $NMAC frames from distinct source MACs" chk_send
__rx_seen() {
	rx1=$(rxp "$VB")
	WAIT_SEEN="VM B eth0 rx packets $rx0 -> $rx1"
	[ $((rx1 - rx0)) -ge "$NMAC" ]
}
wait_for "VM B to receive the $NMAC frames" 60 __rx_seen || true
diag "VM B eth0 rx packets: $rx0 -> $rx1"
chk_fdb() {
	local pa dg msgs intr
	pa=$(vsc port show fdbs dev s1 | awk '{ print $3 }') || return
	vsc fdb show fdbs > "$TMPD/fdb.txt" || return
	gnl dump fdb fdbs > "$TMPD/fdbdump.txt" || return
	read -r dg msgs intr < <(dump_sum "$TMPD/fdbdump.txt")
	# "MAC dev DEV port ID age A": the MACs on port pa, as vswctl and the dump give them
	awk -v p="$pa" '{ for (i = 2; i < NF; i++) if ($i == "port" && $(i + 1) == p) print $1 }' \
		"$TMPD/fdb.txt" | sort > "$TMPD/on_a"
	awk -v p="$pa" '$1 != "#" && $2 == p { print $1 }' "$TMPD/fdbdump.txt" | sort > "$TMPD/dmp"
	sort "$TMPD/macs" > "$TMPD/sent"
	local cli missing indump
	cli=$(wc -l < "$TMPD/fdb.txt")
	missing=$(comm -23 "$TMPD/sent" "$TMPD/on_a" | wc -l)
	indump=$(comm -12 "$TMPD/sent" "$TMPD/dmp" | wc -l)
	echo "fdb show: $cli entries, $(wc -l < "$TMPD/on_a") on port $pa; sent $(wc -l < "$TMPD/sent"), missing $missing $(comm -23 "$TMPD/sent" "$TMPD/on_a" | head -n 3 | tr '\n' ' ');" \
		"dump: $msgs entries in $dg datagrams, interrupted $intr, sent MACs on port $pa: $indump"
	[ "$missing" = 0 ] && [ "$cli" = "$msgs" ] && [ "$indump" = "$NMAC" ] &&
		[ "$dg" -gt 1 ] && [ "$intr" = 0 ]
}
tap_check "F: fdb show lists all $NMAC learned MACs on VM A's port, the dump spanning several datagrams" chk_fdb

tap_done
