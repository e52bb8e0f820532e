#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# firewall.sh - a switch's firewall: conntrack in the switch's zone, the
# default verdict, a policy program (fw_test.bpf.o), policy swaps.
#
# VMs a (10.0.0.1, fd00::1) and b (10.0.0.2, fd00::2) on sw0, made with
# "firewall on". Ground truth: TCP and ICMP between the VMs (fw_tcp.py,
# ping), the kernel's conntrack table (conntrack -L -w ZONE), the
# program's own run counters (bpftool), the switch's drop counters.
#
#   Z  switch show: firewall on, the first default zone, default drop
#   D  default drop: ping fails, counted "policy" on b's port, no entry
#   A  default allow: ping works both ways, one ICMP entry in the zone
#   P  policy fw_test.bpf.o (object file): its id in switch show
#   T  pinned program with rules {b, tcp 8080/8081}, {b, icmp}: a->b:8080 and
#      ping work, a->b:9090 and b->a:8080 (new, reverse) do not; the
#      program ran as often as the switch counted drops and commits
#   C  conntrack lists the 8080 connection, ct mark = the generation
#   I  TCP SYN+FIN from a: dropped as ct-invalid on a's port, 5 of 5
#   S  policy swap (a second program: 8080 only): a connection to 8080
#      held across it still echoes, one to 8081 is cut (policy-cut) and
#      its entry is gone
#   R  ICMP frag-needed quoting the held connection reaches a (its ICMP
#      counters); quoting no connection: ct-invalid
#   W  a non-BPF fd and a socket-filter program are refused, with the
#      message; the policy stays
#   L  ct-limit 3 on an emptied zone: 3 connections to b:8080 made, the
#      4th refused (ct-limit drops at b's port), conntrack lists 3; one
#      entry deleted (conntrack -D): a new connection is made (the switch
#      counted again), 3 listed; ct-limit 0: no limit
#   E  ct-timeout tcp-established 600, tcp-time-wait 9, udp 6, icmp 7 (and
#      default allow): conntrack lists a's connections with at most those
#      seconds left, and they are gone within them; udp 0: a new UDP
#      entry has the namespace's timeout again
#   F  4000-byte UDP datagrams a -> b, IPv4 and IPv6, sent in fragments:
#      reassembled for tracking, they leave cut again (b's port sends 3
#      fragments each), and b's kernel reassembles them (ReasmOKs) and
#      receives all 4000 bytes
#   O  firewall off: the zone is flushed, 9090 works (plain L2 again)

source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/vsw.sh"

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OBJ=$HERE/fw_test.bpf.o
TCP=$HERE/fw_tcp.py
GENL=$HERE/../genl.py
[ -r "$OBJ" ] || tap_bail "fw_test.bpf.o is not built (make userspace)"
for t in conntrack bpftool ping; do
	command -v "$t" > /dev/null || tap_bail "$t is missing (make setup)"
done

TMPD=$(mktemp -d)
# a bpffs of the test's own; libbpf turns each '.' of a path to pin maps
# at into '_': no dot in it (mktemp's has one)
BPFFS=/tmp/vhv-fw-bpffs-$$
PIDS=()
cleanup() {
	set +e
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	vsw_cleanup
	umount "$BPFFS" 2>/dev/null && rmdir "$BPFFS"
	rm -rf "$TMPD"
}
trap cleanup EXIT

tap_plan 16

mkdir -p "$BPFFS" && mount -t bpf bpf "$BPFFS" || tap_bail "cannot mount a bpffs"

vsw_switch sw0 firewall on || tap_bail "switch add sw0 firewall on"
vsw_vm sw0 a 10.0.0.1/24 || tap_bail "VM a"
vsw_vm sw0 b 10.0.0.2/24 || tap_bail "VM b"
ip -n a addr add fd00::1/64 dev eth0 nodad
ip -n b addr add fd00::2/64 dev eth0 nodad
PA=$(vsw_json 'j[0]["id"]' port show sw0 dev a-p)
PB=$(vsw_json 'j[0]["id"]' port show sw0 dev b-p)
diag "ports: a-p $PA, b-p $PB"

# sw FIELD: a field of sw0 in vswctl -j switch show.
sw() { vsw_json "j[0][\"$1\"]" switch show sw0; }
# drops PORT-DEV REASON: a drop counter of a port (0 when absent).
drops() { vsw_json "j[0][\"stats\"][\"drops\"].get(\"$2\", 0)" -s port show sw0 dev "$1"; }
# entries ARGS...: conntrack's entries of sw0's zone, one a line.
entries() { conntrack -L -w "$ZONE" "$@" 2> /dev/null; }
# tcp_ok NS HOST PORT / tcp_fails NS HOST PORT: a connection and an echo.
tcp_ok() { ip netns exec "$1" "$PY" "$TCP" connect "$2" "$3"; }
tcp_fails() { ! FW_TIMEOUT=4 ip netns exec "$1" "$PY" "$TCP" connect "$2" "$3"; }
# u32le N / u16le N: little-endian bytes for bpftool's "hex" keys.
u32le() { printf '%02x %02x %02x %02x' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24)); }
u16le() { printf '%02x %02x' $(($1 & 255)) $(($1 >> 8)); }
# rule MAPPATH PORT PROTO DPORT ID: allow {PORT, PROTO, DPORT} as rule ID.
# shellcheck disable=SC2046 # each byte is a word of bpftool's key
rule() {
	bpftool map update pinned "$1" key hex $(u32le "$2") $(u16le "$4") \
		"$(printf %02x "$3")" 00 value hex $(u32le "$5")
}
# load DIR: fw_test.bpf.o loaded, its program pinned at DIR/prog and its
# maps in DIR (DIR/allow, DIR/runs), not attached.
load() {
	mkdir -p "$1"
	bpftool prog load "$OBJ" "$1/prog" type classifier pinmaps "$1" ||
		tap_bail "bpftool prog load $OBJ $1/prog"
}
# runs MAPPATH I: the program's run counter I (0 allow, 1 drop).
# shellcheck disable=SC2046 # each byte is a word of bpftool's key
runs() {
	bpftool -j map lookup pinned "$1" key hex $(u32le "$2") |
		"$PY" -c 'import json,sys; v = json.load(sys.stdin)["value"]; print(int.from_bytes(bytes(int(b, 16) for b in v), "little") if isinstance(v, list) else v)'
}

# ---- Z ----
chk_zone() {
	local fw z d p
	fw=$(sw firewall) z=$(sw ct_zone) d=$(sw default) p=$(sw policy_id)
	diag "firewall $fw ct_zone $z default $d policy_id $p"
	[ "$fw" = True ] && [ "$z" = 65472 ] && [ "$d" = drop ] && [ "$p" = 0 ]
}
tap_check "Z: switch show: firewall on, ct-zone 65472 (the first default), default drop" chk_zone
ZONE=$(sw ct_zone)

# ---- D ----
chk_default_drop() {
	local before after
	before=$(drops b-p policy)
	ip netns exec a ping -c 1 -W 3 10.0.0.2 > "$TMPD/ping" && { cat "$TMPD/ping"; return 1; }
	after=$(drops b-p policy)
	diag "b-p policy drops $before -> $after; zone entries: $(entries | wc -l)"
	[ "$after" -gt "$before" ] && [ -z "$(entries)" ]
}
tap_check "D: default drop: ping fails, dropped as policy at b's port, nothing committed" chk_default_drop

# ---- A ----
chk_default_allow() {
	vswctl switch set sw0 default allow || return
	ip netns exec a ping -c 2 -W 5 10.0.0.2 > "$TMPD/ping" || { cat "$TMPD/ping"; return 1; }
	ip netns exec b ping -c 2 -W 5 10.0.0.1 > "$TMPD/ping" || { cat "$TMPD/ping"; return 1; }
	entries -p icmp | tee "$TMPD/ct" | sed 's/^/# /'
	grep -q 'src=10.0.0.1 dst=10.0.0.2' "$TMPD/ct" &&
		grep -q 'src=10.0.0.2 dst=10.0.0.1' "$TMPD/ct"
}
tap_check "A: default allow: ping both ways, their ICMP entries in the switch's zone" chk_default_allow

# ---- P ----
chk_policy_file() {
	local id gen0 gen name
	gen0=$(sw policy_gen)
	vswctl switch set sw0 policy "$OBJ" default drop || return
	id=$(sw policy_id) gen=$(sw policy_gen)
	name=$(bpftool -j prog show id "$id" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["name"])')
	diag "policy id $id (bpftool: $name), gen $gen0 -> $gen"
	[ "$id" -gt 0 ] && [ "$name" = policy ] && [ "$gen" -gt "$gen0" ]
}
tap_check "P: policy fw_test.bpf.o: attached (switch show's id is bpftool's program \"policy\"), new generation" chk_policy_file

# ---- T ----
P1=$BPFFS/p1
load "$P1"
rule "$P1/allow" "$PB" 6 8080 7
rule "$P1/allow" "$PB" 6 8081 8
rule "$P1/allow" "$PB" 1 0 9
ip netns exec b "$PY" "$TCP" serve 8080 8081 9090 > "$TMPD/serve-b" 2>&1 & PIDS+=($!)
ip netns exec a "$PY" "$TCP" serve 8080 > "$TMPD/serve-a" 2>&1 & PIDS+=($!)
srv_up() { grep -q listening "$TMPD/serve-a" && grep -q listening "$TMPD/serve-b"; }
poll "$(wait_scaled 60)" srv_up || tap_bail "echo servers: $(cat "$TMPD"/serve-*)"

chk_rules() {
	local a0 d0 a1 d1 pol0 pol1
	vswctl switch set sw0 policy pinned "$P1/prog" || return
	a0=$(runs "$P1/runs" 0) d0=$(runs "$P1/runs" 1)
	pol0=$(( $(drops b-p policy) + $(drops a-p policy) ))
	tcp_ok a 10.0.0.2 8080 || { diag "a -> b:8080 failed"; return 1; }
	ip netns exec a ping -c 1 -W 5 10.0.0.2 > /dev/null || { diag "ping a -> b failed"; return 1; }
	tcp_fails a 10.0.0.2 9090 || { diag "a -> b:9090 passed"; return 1; }
	tcp_fails b 10.0.0.1 8080 || { diag "b -> a:8080 passed"; return 1; }
	a1=$(runs "$P1/runs" 0) d1=$(runs "$P1/runs" 1)
	pol1=$(( $(drops b-p policy) + $(drops a-p policy) ))
	diag "program: allow $a0 -> $a1, drop $d0 -> $d1; switch policy drops $pol0 -> $pol1"
	# 2 allowed connections (TCP, ICMP), each decided once; every SYN of
	# the 2 denied ones (retransmits included) decided and dropped
	[ $((a1 - a0)) -eq 2 ] && [ $((d1 - d0)) -ge 2 ] &&
		[ $((d1 - d0)) -eq $((pol1 - pol0)) ]
}
tap_check "T: rules {b tcp 8080, b icmp}: allowed flows work, 9090 and the reverse direction do not; program runs = switch's decisions" chk_rules

chk_ct() {
	local gen
	gen=$(sw policy_gen)
	entries -p tcp --dport 8080 | tee "$TMPD/ct" | sed 's/^/# /'
	diag "generation $gen"
	grep 'src=10.0.0.1 dst=10.0.0.2' "$TMPD/ct" | grep -q "mark=$gen "
}
tap_check "C: conntrack -L -w ZONE lists a's connection to b:8080 with the generation as its mark" chk_ct

# ---- I ----
chk_invalid() {
	local before after
	before=$(drops a-p ct_invalid)
	ip netns exec a "$PY" -c '
from scapy.all import Ether, IP, TCP, sendp, conf
conf.verb = 0
p = Ether(dst="'"$(vsw_mac b)"'") / IP(src="10.0.0.1", dst="10.0.0.2") / TCP(sport=40000, dport=8080, flags="SF")
sendp([p] * 5, iface="eth0")' || return
	inv_at_least() { [ "$(drops a-p ct_invalid)" -ge "$1" ]; }
	poll "$(wait_scaled 30)" inv_at_least $((before + 5))
	after=$(drops a-p ct_invalid)
	diag "a-p ct_invalid $before -> $after"
	[ "$after" -eq $((before + 5)) ]
}
tap_check "I: 5 TCP SYN+FIN segments from a: 5 ct-invalid drops on a's port" chk_invalid

# ---- S ----
P2=$BPFFS/p2
load "$P2"
rule "$P2/allow" "$PB" 6 8080 17
rule "$P2/allow" "$PB" 1 0 19
rule "$P2/allow" "$PB" 58 0 20
mkfifo "$TMPD/h80" "$TMPD/h81"
exec {H80}<>"$TMPD/h80" {H81}<>"$TMPD/h81"
# an echo not back in 10 s (scaled) is "none"
FW_TIMEOUT=10 ip netns exec a "$PY" "$TCP" hold 10.0.0.2 8080 <&$H80 > "$TMPD/hold80" 2>&1 & PIDS+=($!)
FW_TIMEOUT=10 ip netns exec a "$PY" "$TCP" hold 10.0.0.2 8081 <&$H81 > "$TMPD/hold81" 2>&1 & PIDS+=($!)
held() { grep -q up "$TMPD/hold80" && grep -q up "$TMPD/hold81"; }
chk_swap() {
	local cut0 cut1
	poll "$(wait_scaled 60)" held || { diag "held: $(cat "$TMPD"/hold8*)"; return 1; }
	cut0=$(drops b-p policy_cut)
	vswctl switch set sw0 policy pinned "$P2/prog" || return
	echo after >&$H80
	echo after >&$H81
	poll "$(wait_scaled 60)" grep -q echo "$TMPD/hold80" || { diag "8080: $(cat "$TMPD/hold80")"; return 1; }
	poll "$(wait_scaled 60)" grep -q none "$TMPD/hold81" || { diag "8081: $(cat "$TMPD/hold81")"; return 1; }
	cut1=$(drops b-p policy_cut)
	entries -p tcp | sed 's/^/# /'
	diag "8080: $(tr '\n' ' ' < "$TMPD/hold80"); 8081: $(tr '\n' ' ' < "$TMPD/hold81"); b-p policy_cut $cut0 -> $cut1"
	[ "$cut1" -gt "$cut0" ] && ! entries -p tcp --dport 8081 | grep -q ESTABLISHED
}
tap_check "S: policy swap: the held 8080 connection echoes, the 8081 one is cut and its entry gone" chk_swap

# ---- R ----
# ICMP errors from b: "fragmentation needed" quoting a's held connection to
# 8080 (RELATED: they pass, a's ICMP stack counts them), and ones quoting a
# connection that does not exist (ct-invalid at b's port).
chk_related() {
	local sport inv0 inv1 u0 u1
	sport=$(entries -p tcp --dport 8080 | awk '/ESTABLISHED/ { sub("sport=", "", $7); print $7; exit }')
	[ -n "$sport" ] || { diag "no established connection to 8080"; return 1; }
	inv0=$(drops b-p ct_invalid) u0=$(vsw_icmp_unreach a)
	ip netns exec b "$PY" -c '
import sys
from scapy.all import Ether, IP, ICMP, TCP, sendp, conf
conf.verb = 0
sport = int(sys.argv[1])
def err(sp):
    return (Ether(dst=sys.argv[2]) / IP(src="10.0.0.2", dst="10.0.0.1") /
            ICMP(type=3, code=4, nexthopmtu=1280) /
            IP(src="10.0.0.1", dst="10.0.0.2", flags="DF") / TCP(sport=sp, dport=8080, flags="PA"))
sendp([err(sport)] * 3 + [err(sport ^ 0x5555)] * 5, iface="eth0")' "$sport" "$(vsw_mac a)" || return
	inv_at_least() { [ "$(drops b-p ct_invalid)" -ge "$1" ]; }
	poll "$(wait_scaled 30)" inv_at_least $((inv0 + 5))
	u_at_least() { [ "$(vsw_icmp_unreach a)" -ge "$1" ]; }
	poll "$(wait_scaled 30)" u_at_least $((u0 + 3))
	inv1=$(drops b-p ct_invalid) u1=$(vsw_icmp_unreach a)
	diag "a's connection from port $sport; a's InDestUnreachs $u0 -> $u1; b-p ct_invalid $inv0 -> $inv1"
	[ "$u1" -eq $((u0 + 3)) ] && [ "$inv1" -eq $((inv0 + 5)) ]
}
tap_check "R: 3 ICMP frag-needed quoting a's connection reach a (RELATED); 5 quoting no connection are ct-invalid at b's port" chk_related

# ---- W ----
chk_wrong_fd() {
	local id0 id1 out
	id0=$(sw policy_id)
	out=$("$GENL" switch-set switch-name=sw0 policy-fd=0 2>&1 < /dev/null) && return 1
	echo "$out" | sed 's/^/# /'
	echo "$out" | grep -q "policy-fd is not a BPF program of type sched_cls (tc)" || return 1
	# a socket filter (BPF_PROG_LOAD: r0 = 0; exit), its fd handed to genl.py
	out=$("$PY" -c '
import ctypes, os, struct, sys
insns = struct.pack("<BBhiBBhi", 0xb7, 0, 0, 0, 0x95, 0, 0, 0)
lic = ctypes.create_string_buffer(b"GPL")
buf = ctypes.create_string_buffer(insns)
attr = struct.pack("<IIQQIIQI", 1, 2, ctypes.addressof(buf), ctypes.addressof(lic), 0, 0, 0, 0)
attr = ctypes.create_string_buffer(attr + bytes(128 - len(attr)))
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.syscall(321, 5, attr, 128)
if fd < 0:
    sys.exit("BPF_PROG_LOAD: %s" % os.strerror(ctypes.get_errno()))
os.set_inheritable(fd, True)
os.execv(sys.argv[1], [sys.argv[1], "switch-set", "switch-name=sw0", "policy-fd=%d" % fd])
' "$GENL" 2>&1) && return 1
	echo "$out" | sed 's/^/# /'
	id1=$(sw policy_id)
	diag "policy id $id0 -> $id1"
	echo "$out" | grep -q "policy-fd is not a BPF program of type sched_cls (tc)" &&
		[ "$id0" = "$id1" ]
}
tap_check "W: a non-BPF fd and a socket-filter program are refused with the message; the policy stays" chk_wrong_fd

# ---- L ----
# each connection of tcp_ok stays in the zone (TIME_WAIT, 120 s)
n_tcp() { entries -p tcp --dport 8080 | wc -l; }
chk_limit() {
	local l0 l1 n sport
	conntrack -D -w "$ZONE" > /dev/null 2>&1
	vswctl switch set sw0 ct-limit 3 || return
	[ "$(sw ct_limit)" = 3 ] || { diag "switch show: ct_limit $(sw ct_limit)"; return 1; }
	l0=$(drops b-p ct_limit)
	for n in 1 2 3; do
		tcp_ok a 10.0.0.2 8080 || { diag "connection $n failed"; return 1; }
	done
	tcp_fails a 10.0.0.2 8080 || { diag "a 4th connection was made"; return 1; }
	l1=$(drops b-p ct_limit) n=$(n_tcp)
	entries -p tcp | sed 's/^/# /'
	diag "at the limit: b-p ct_limit $l0 -> $l1; conntrack lists $n"
	[ "$l1" -gt "$l0" ] && [ "$n" = 3 ] || return 1
	# the first line's first sport= (the original direction's)
	sport=$(entries -p tcp --dport 8080 | head -n 1 | grep -o 'sport=[0-9]*' | head -n 1)
	sport=${sport#sport=}
	conntrack -D -w "$ZONE" -p tcp --orig-port-src "$sport" > /dev/null 2>&1
	diag "deleted the entry from port $sport: $(n_tcp) listed"
	[ "$(n_tcp)" = 2 ] || return 1
	# the switch counts again at most once a second: the SYN's retransmits
	tcp_ok a 10.0.0.2 8080 || { diag "no connection after the delete"; return 1; }
	n=$(n_tcp)
	diag "after: conntrack lists $n; b-p ct_limit $(drops b-p ct_limit)"
	[ "$n" = 3 ] && tcp_fails a 10.0.0.2 8080 || return 1
	vswctl switch set sw0 ct-limit 0 || return
	tcp_ok a 10.0.0.2 8080 && [ "$(n_tcp)" = 4 ] && [ "$(sw ct_limit)" = 0 ]
}
tap_check "L: ct-limit 3: the 4th connection refused (ct-limit), 3 listed; one deleted, one more made; ct-limit 0 lifts it" chk_limit

# ---- E ----
# secs FILTER...: the seconds left of the zone's first entry FILTER lists
secs() { entries "$@" | head -n 1 | awk '{ print $3 }'; }
udp_to_b() {
	ip netns exec a "$PY" -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("10.0.0.2", 5353))'
}
chk_timeouts() {
	local e t u i u2 pid
	vswctl switch set sw0 policy none default allow ct-timeout tcp-established 600 \
		ct-timeout tcp-time-wait 9 ct-timeout udp 6 ct-timeout icmp 7 || return
	vswctl switch show sw0 | sed 's/^/# /'
	[ "$(vsw_json 'j[0]["ct_timeout"]' switch show sw0)" = \
		"{'tcp_established': 600, 'tcp_time_wait': 9, 'udp': 6, 'udp_stream': 0, 'icmp': 7}" ] || return 1
	conntrack -D -w "$ZONE" > /dev/null 2>&1
	ip netns exec a "$PY" -c '
import socket, time
s = socket.create_connection(("10.0.0.2", 8080))
print("up", flush=True)
time.sleep(300)' > "$TMPD/est" 2>&1 &
	pid=$!
	PIDS+=("$pid")
	poll "$(wait_scaled 30)" grep -q up "$TMPD/est" || { diag "held: $(cat "$TMPD/est")"; return 1; }
	e=$(secs -p tcp --state ESTABLISHED)
	kill "$pid"
	# 9090: no connection of an earlier check (S's held 8081 one may be
	# picked up again, mid-stream, once the zone is flushed)
	tcp_ok a 10.0.0.2 9090 || return
	t=$(secs -p tcp --dport 9090 --state TIME_WAIT)
	udp_to_b
	u=$(secs -p udp)
	ip netns exec a ping -c 1 -W 3 10.0.0.2 > /dev/null || return
	i=$(secs -p icmp)
	entries | sed 's/^/# /'
	diag "seconds left: established $e, time-wait $t, udp $u, icmp $i"
	[ "$e" -le 600 ] && [ "$e" -gt 500 ] && [ "$t" -le 9 ] && [ "$u" -le 6 ] &&
		[ "$i" -le 7 ] || return 1
	# the namespace's would keep them 120 s, 30 s, 30 s
	gone() { [ -z "$(entries -p udp)$(entries -p icmp)$(entries -p tcp --dport 9090)" ]; }
	poll "$(wait_scaled 30)" gone || { entries | sed 's/^/# left: /'; return 1; }
	vswctl switch set sw0 ct-timeout udp 0 || return
	udp_to_b
	u2=$(secs -p udp)
	diag "udp 0: a new UDP entry has $u2 s (net.netfilter.nf_conntrack_udp_timeout $(sysctl -n net.netfilter.nf_conntrack_udp_timeout))"
	[ "$u2" -gt 6 ] && [ "$u2" -le "$(sysctl -n net.netfilter.nf_conntrack_udp_timeout)" ]
}
tap_check "E: ct-timeout tcp-established 600, tcp-time-wait 9, udp 6, icmp 7: the entries have them and end in time; udp 0: the namespace's again" chk_timeouts

# ---- F ----
# reasm NS: the datagrams NS's kernel reassembled, IPv4 and IPv6
reasm() {
	ip netns exec "$1" awk '
		$1 == "Ip:" { if (!n) { for (i = 2; i <= NF; i++) f[$i] = i; n = 1 } else v4 = $f["ReasmOKs"] }
		$1 == "Ip6ReasmOKs" { v6 = $2 }
		END { print v4 + v6 }' /proc/net/snmp /proc/net/snmp6
}
port_tx() { vsw_json 'j[0]["stats"]["tx_packets"]' -s port show sw0 dev "$1"; }
chk_frag() {
	local r0 r1 t0 t1
	r0=$(reasm b) t0=$(port_tx b-p)
	ip netns exec b "$PY" -c '
import os, socket
t = 20 * float(os.environ.get("VHV_TIMEOUT_SCALE", "1") or 1)
s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s4.bind(("10.0.0.2", 7000))
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s6.bind(("fd00::2", 7000))
print("ready", flush=True)
for s in (s4, s6):
    s.settimeout(t)
    try:
        print(len(s.recv(65535)), flush=True)
    except socket.timeout:
        print("none", flush=True)' > "$TMPD/frag" 2>&1 &
	PIDS+=($!)
	poll "$(wait_scaled 30)" grep -q ready "$TMPD/frag" || { diag "receiver: $(cat "$TMPD/frag")"; return 1; }
	ip netns exec a "$PY" -c '
import socket
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x" * 4000, ("10.0.0.2", 7000))
socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).sendto(b"y" * 4000, ("fd00::2", 7000))' || return
	two() { [ "$(grep -c -v ready "$TMPD/frag")" = 2 ]; }
	poll "$(wait_scaled 60)" two
	r1=$(reasm b) t1=$(port_tx b-p)
	diag "b received: $(grep -v ready "$TMPD/frag" | tr '\n' ' '); b reassembled $r0 -> $r1; b-p tx $t0 -> $t1; b-p mtu drops $(drops b-p mtu)"
	[ "$(grep -v ready "$TMPD/frag" | tr '\n' ' ')" = "4000 4000 " ] &&
		[ $((r1 - r0)) = 2 ] && [ $((t1 - t0)) -ge 6 ]
}
tap_check "F: 4000-byte UDP datagrams in fragments, IPv4 and IPv6: reassembled for tracking, cut again at b's port, reassembled and received by b" chk_frag

# ---- O ----
chk_off() {
	vswctl switch set sw0 firewall off || return
	diag "zone entries after off: $(entries | wc -l)"
	[ -z "$(entries)" ] && tcp_ok a 10.0.0.2 9090
}
tap_check "O: firewall off: the zone is flushed, a -> b:9090 works again" chk_off

# ---- IPv6 ----
chk_v6() {
	vswctl switch set sw0 firewall on policy pinned "$P2/prog" || return
	ip netns exec a ping -6 -c 1 -W 5 fd00::2 > "$TMPD/ping" || { cat "$TMPD/ping"; return 1; }
	tcp_ok a fd00::2 8080 && tcp_fails a fd00::2 9090
}
tap_check "6: IPv6 with the firewall on: neighbour discovery passes, ping and :8080 work, :9090 does not" chk_v6

chk_rmprog() {
	vswctl switch set sw0 policy none || return
	[ "$(sw policy_id)" = 0 ]
}
tap_check "policy none detaches the program" chk_rmprog

tap_done
