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
# With VSW_IPV6=off, IPv6 is off on both ends before they come up: no
# router solicitation, DAD or MLD frame crosses the switch unasked, so that
# counters can be compared exactly.
vsw_vm() {
	local sw=$1 name=$2 addr=$3
	shift 3
	vsw_netns "$name" || return
	if [ "${VSW_IPV6:-}" = off ]; then
		ip netns exec "$name" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 || return
	fi
	ip link add "$name-p" type veth peer name eth0 netns "$name" || return
	if [ "${VSW_IPV6:-}" = off ]; then
		sysctl -qw "net.ipv6.conf.$name-p.disable_ipv6=1" || return
	fi
	# nodad: an IPv6 address usable at once (ip warns about it for IPv4)
	case $addr in
	*:*) ip -n "$name" addr add "$addr" dev eth0 nodad || return ;;
	*) ip -n "$name" addr add "$addr" dev eth0 || return ;;
	esac
	ip -n "$name" link set eth0 up || return
	ip link set "$name-p" up || return
	"$VSWCTL" port add "$sw" dev "$name-p" "$@"
}

# vsw_vm_batch SWITCH NAME,ADDR,MAC[,NEIGH-IP=NEIGH-MAC...]...: vsw_vm for
# each VM, with VSW_IPV6=off, in few processes (each costs much on an
# emulated guest whose root is shared from the host): eth0 has MAC, and a
# permanent neighbour entry for each NEIGH-IP; ports with default settings.
vsw_vm_batch() {
	local sw=$1 v f host='' up='' pids=() p n
	shift
	for v; do
		IFS=, read -r -a f <<< "$v"
		host+="netns add ${f[0]}"$'\n'
		host+="link add ${f[0]}-p type veth peer name eth0 address ${f[2]} netns ${f[0]}"$'\n'
		up+="link set ${f[0]}-p up"$'\n'
		VSW_NETNS+=("${f[0]}")
	done
	ip -b - <<< "$host" || return
	for v; do
		IFS=, read -r -a f <<< "$v"
		echo 1 > "/proc/sys/net/ipv6/conf/${f[0]}-p/disable_ipv6" || return
		{
			ip netns exec "${f[0]}" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1 || exit
			{
				echo "link set lo up"
				echo "addr add ${f[1]} dev eth0"
				for n in "${f[@]:3}"; do
					echo "neigh replace ${n%%=*} lladdr ${n#*=} dev eth0 nud permanent"
				done
				echo "link set eth0 up"
			} | ip -n "${f[0]}" -b -
		} &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p" || return; done
	ip -b - <<< "$up" || return
	for v; do
		"$VSWCTL" port add "$sw" dev "${v%%,*}-p" || return
	done
}

# vsw_mac NS [DEV]: the MAC address of DEV (default eth0) in namespace NS.
vsw_mac() { ip netns exec "$1" cat "/sys/class/net/${2:-eth0}/address"; }

# vsw_icmp_unreach NS: InDestUnreachs of the namespace's ICMP statistics.
vsw_icmp_unreach() {
	ip netns exec "$1" awk '$1 == "Icmp:" { if (!n) { for (i = 2; i <= NF; i++) f[$i] = i; n = 1 } else print $f["InDestUnreachs"] }' /proc/net/snmp
}

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

# vsw_eventually NAME CMD...: run CMD until it succeeds, for up to 30 s
# (scaled): a frame a device counted may still wait in a backlog before the
# switch sees it. One TAP line, with the output of CMD's last run.
vsw_eventually() {
	local name=$1 t end out
	shift
	t=$(wait_scaled 30)
	end=$((SECONDS + t))
	until out=$("$@" 2>&1); do
		if [ "$SECONDS" -ge "$end" ]; then
			echo "$out"
			diag "still failing after ${t}s"
			tap_notok "$name"
			return
		fi
		sleep 0.5
	done
	echo "$out"
	tap_ok "$name"
}

# ---- raw frames (l2.py) ------------------------------------------------

VSW_L2=$VHV_ROOT/tools/testing/selftests/vswitch/l2.py
VSW_PIDS=()

# vsw_send NS IFACE FRAMES...: raw frames from IFACE in NS, each FRAMES
# DST,SRC,MARKER[,COUNT[,SIZE[,VID]]] (l2.py send); through the agent of
# vsw_recv_start when IFACE in NS has one (no python start), returning
# once they are sent.
# vsw_sendhex NS IFACE HEX...: whole frames in hex (l2.py sendhex), alike.
declare -A VSW_L2CMD VSW_L2ACK VSW_L2VM VSW_L2LOG
VSW_L2SEQ=0 VSW_L2T=60
# __vsw_l2ask KEY ID CMD...: ask the agent of KEY (NS/IFACE or FILE), wait
# for its answer to ID (60 s, scaled), into VSW_L2ANSWER.
__vsw_l2ask() {
	local key=$1 id=$2 line end
	shift 2
	echo "$id $*" >&"${VSW_L2CMD[$key]}" || return
	end=$((SECONDS + VSW_L2T + 30))
	VSW_L2ANSWER="(no answer from the agent)"
	while [ "$SECONDS" -lt "$end" ]; do
		read -r -t 5 line <&"${VSW_L2ACK[$key]}" || continue
		case $line in
		"done $id") VSW_L2ANSWER=$line; return 0 ;;
		"timeout $id "*) VSW_L2ANSWER=$line; return 1 ;;
		esac
	done
	return 1
}
__vsw_l2() {
	local ns=$1 iface=$2 op=$3
	shift 3
	if [ -z "${VSW_L2VM[$ns/$iface]:-}" ]; then
		ip netns exec "$ns" "$PY" "$VSW_L2" "$op" "$iface" "$@"
		return
	fi
	VSW_L2SEQ=$((VSW_L2SEQ + 1))
	__vsw_l2ask "$ns/$iface" $VSW_L2SEQ "$op" "${VSW_L2VM[$ns/$iface]}" "$@" && return
	echo "vsw_send: the agent did not send from $iface in $ns: $VSW_L2ANSWER ($op $*)" >&2
	return 1
}
vsw_send() { __vsw_l2 "$1" "$2" send "${@:3}"; }
vsw_sendhex() { __vsw_l2 "$1" "$2" sendhex "${@:3}"; }

# vsw_recv_start FILE NS IFACE [FILE NS IFACE]...: count the frames IFACE
# in NS receives, by marker, into FILE, in the background until cleanup;
# the same process (one for all: a python start costs seconds on an
# emulated guest) sends what vsw_send asks IFACE in NS to, and answers
# vsw_recv_wait (l2.py agent). Call it from the test's shell, not in a
# subshell. vsw_recv_ready FILE... waits until their sockets are bound.
vsw_recv_start() {
	local cmd ack fifo=$1 vms=() i=0
	rm -f "$fifo.cmd" "$fifo.ack"
	mkfifo "$fifo.cmd" "$fifo.ack" || return
	# read-write: opening a FIFO so never waits for the other end
	exec {cmd}<> "$fifo.cmd"
	exec {ack}<> "$fifo.ack"
	VSW_L2T=$(wait_scaled 60)
	while [ $# -ge 3 ]; do
		rm -f "$1" "$1.log"
		VSW_L2CMD[$2/$3]=$cmd VSW_L2ACK[$2/$3]=$ack VSW_L2VM[$2/$3]=$i
		VSW_L2CMD[$1]=$cmd VSW_L2ACK[$1]=$ack VSW_L2VM[$1]=$i VSW_L2LOG[$1]=$fifo.agent.log
		vms+=("$2:$3:$1")
		i=$((i + 1))
		shift 3
	done
	"$PY" -I -S "$VSW_L2" agent "$fifo.cmd" "$fifo.ack" "${vms[@]}" > "$fifo.agent.log" 2>&1 &
	VSW_PIDS+=($!)
}

__vsw_ready() {
	local f l
	for f; do
		l=
		[ -e "$f.log" ] && read -r l < "$f.log"
		[ "$l" = ready ] || return 1
	done
}
vsw_recv_ready() { wait_for "the frame counters to start ($*)" 60 __vsw_ready "$@"; }

# vsw_recv_count FILE MARKER: how many frames of MARKER came so far.
vsw_recv_count() {
	local m n c=0
	if [ -e "$1" ]; then
		while read -r m n; do [ "$m" = "$2" ] && c=$n; done < "$1"
	fi
	echo "$c"
}

# vsw_recv_wait FILE MARKER N: wait until N frames of MARKER came.
__vsw_got() {
	WAIT_SEEN="$(vsw_recv_count "$1" "$2") frames $2"
	[ "$(vsw_recv_count "$1" "$2")" -ge "$3" ]
}
vsw_recv_wait() {
	local t=$VSW_L2T
	if [ -z "${VSW_L2VM[$1]:-}" ]; then
		wait_for "$3 frames $2 in $1" 60 __vsw_got "$@"
		return
	fi
	VSW_L2SEQ=$((VSW_L2SEQ + 1))
	__vsw_l2ask "$1" $VSW_L2SEQ wait "${VSW_L2VM[$1]}" "$2" "$3" "$t" && return
	diag "timed out waiting for $3 frames $2 in $1 (limit ${t}s): $VSW_L2ANSWER; counted: $(paste -sd' ' "$1" 2>/dev/null)"
	dump_state "${VSW_L2LOG[$1]}"
	return 1
}

# ---- counters -----------------------------------------------------------

# vsw_snap FILE SWITCH: the counters of SWITCH, of each of its ports and of
# each port's device (the ground truth), one "NAME VALUE" line each:
# switch.rx_packets, switch.flood_packets, switch.drops.mtu, switch.frags_queued,
# port.DEV.tx_bytes, port.DEV.drops.hairpin, dev.DEV.rx_packets... Drop
# reasons are named as in `vswctl -s` text. The devices' counters are read
# before and after the switch's, and the read is kept only when they did
# not move meanwhile (and the ports were those of the last read: the
# device names are remembered per switch, to read them without a process).
declare -A VSW_SNAP_DEVS
__vsw_devstats() {
	local d k v
	__VSW_DS=
	for d; do
		for k in rx_packets rx_bytes tx_packets tx_bytes; do
			read -r v < "/sys/class/net/$d/statistics/$k" || return
			__VSW_DS+="dev.$d.$k $v"$'\n'
		done
	done
}
vsw_snap() {
	local out=$1 sw=$2 devs now i d1 d2 line w
	for ((i = 0; i < 50; i++)); do
		devs=${VSW_SNAP_DEVS[$sw]:-}
		# shellcheck disable=SC2086 # one device name per word
		__vsw_devstats $devs || devs=-
		d1=$__VSW_DS
		{ "$VSWCTL" -s switch show "$sw" && "$VSWCTL" -s port show "$sw"; } > "$out.sw" || return
		# shellcheck disable=SC2086
		__vsw_devstats $devs || devs=-
		d2=$__VSW_DS
		now=
		while read -r -a w; do
			[ "${w[1]:-}" = port ] && now+=" ${w[4]}"
		done < "$out.sw"
		VSW_SNAP_DEVS[$sw]=$now
		if [ "$devs" = "$now" ]; then
			[ "$d1" = "$d2" ] && break
			sleep 0.1
		fi
	done
	[ "$d1" = "$d2" ] && [ "$devs" = "$now" ] ||
		{ echo "vsw_snap: device counters kept moving" >&2; return 1; }
	{
		printf '%s' "$d1"
		awk '
		/^[^ ]/ { obj = ($2 == "port") ? "port." $5 : "switch" }
		/^ +rx:/ { print obj ".rx_packets", $3; print obj ".rx_bytes", $5
			   print obj ".tx_packets", $8; print obj ".tx_bytes", $10
			   if (obj == "switch") sw = 1 }
		/^ +flood / { print "switch.flood_packets", $2; print "switch.fdb_learned", $4
			      print "switch.fdb_full", $6 }
		/^ +frags-queued / { print obj ".frags_queued", $2 }
		/^ +drops / { sub(":", "", $2); print obj ".drops_total", $2
			      for (i = 3; i < NF; i += 2) print obj ".drops." $i, $(i + 1) }
		END { exit !sw }
		' "$out.sw"
	} > "$out"
	line=$?
	rm -f "$out.sw"
	return $line
}

# vsw_delta SNAP0 SNAP1 NAME: how much counter NAME grew between two snaps
# (a counter a snap does not list is 0 there: drop reasons that never
# happened).
vsw_delta() {
	local k v a=0 b=0
	while read -r k v; do [ "$k" = "$3" ] && { a=$v; break; }; done < "$1"
	while read -r k v; do [ "$k" = "$3" ] && { b=$v; break; }; done < "$2"
	echo $((b - a))
}

# vsw_compare SNAP0 SNAP1 [DEV=BYTES]...: between two snaps (vsw_snap),
# every port's rx/tx packets/bytes grew as its device's did (a device's rx
# is what the VM sent into the switch, its tx what the switch sent the
# VM), the switch's as their sums. DEV=BYTES: DEV's rx_bytes grew by BYTES
# more than its port's: the 802.1Q tags of frames sent tagged from a raw
# socket, which the veth counts and the receive path takes out of the frame
# (into skb metadata) before the switch sees it. The numbers, as TAP
# comments; false when one differs.
vsw_compare() {
	local f0=$1 f1=$2
	shift 2
	awk -v extra="$*" '
	BEGIN { ne = split(extra, e, " "); for (i = 1; i <= ne; i++) { split(e[i], kv, "="); tag[kv[1]] = kv[2] } }
	FNR == 1 { n++ }
	{ v[n, $1] = $2; split($1, p, "."); if (p[1] == "port") dev[p[2]] = 1 }
	END {
		ok = 1
		split("rx_packets rx_bytes tx_packets tx_bytes", keys, " ")
		for (d in dev) {
			line = d ":"
			for (i = 1; i <= 4; i++) {
				k = keys[i]
				a = v[2, "port." d "." k] - v[1, "port." d "." k]
				b = v[2, "dev." d "." k] - v[1, "dev." d "." k]
				if (k == "rx_bytes") b -= tag[d]
				sum[k] += b
				line = line sprintf(" %s %d/%d", k, a, b)
				if (a != b) ok = 0
			}
			print "# " line " (port/device" (tag[d] ? sprintf(", device rx_bytes less %d of tags", tag[d]) : "") ")"
		}
		line = "switch:"
		for (i = 1; i <= 4; i++) {
			k = keys[i]
			a = v[2, "switch." k] - v[1, "switch." k]
			line = line sprintf(" %s %d/%d", k, a, sum[k])
			if (a != sum[k]) ok = 0
		}
		print "# " line " (switch/sum of the devices)"
		exit !ok
	}' "$f0" "$f1"
}

# check NAME CMD...: one TAP line from CMD's status. Unlike tap_check,
# CMD runs in this shell (what it sets stays set) and prints its own TAP
# comments (diag).
check() {
	local name=$1
	shift
	if "$@"; then tap_ok "$name"; else tap_notok "$name"; fi
}

# vsw_counts X MARKER N...: VM X's frame counter ($TMPD/rX, see
# vsw_recv_start) saw N frames of MARKER, for each triple.
vsw_counts() {
	local got
	while [ $# -ge 3 ]; do
		got=$(vsw_recv_count "$TMPD/r$1" "$2")
		[ "$got" = "$3" ] || { diag "$1 got $got frames $2, expected $3"; return 1; }
		shift 3
	done
}

# vsw_burst X NAME FRAMES...: in a test whose VMs are A, B and C (their
# namespaces in $A $B $C, MACs in $MACA..., frame counters $TMPD/rA...,
# BCAST the broadcast MAC): send FRAMES from VM X, then a broadcast
# NAME-end, and wait until the other two got it: what was sent before has
# been switched (counters of VMs that were to get nothing are final). A
# burst that does not get through ends the test: every "reached no one"
# after it would hold for nothing.
vsw_burst() {
	local x=$1 name=$2 mac=MAC$1 y
	shift 2
	vsw_send "${!x}" eth0 "$@" "$BCAST,${!mac},$name-end" ||
		tap_bail "burst $name: $x could not send"
	for y in A B C; do
		[ "$y" = "$x" ] || vsw_recv_wait "$TMPD/r$y" "$name-end" 1 ||
			tap_bail "burst $name: its end marker did not reach $y"
	done
}

# vsw_counters SWITCH [IFNAME...]: the counters of SWITCH and of its ports
# IFNAME, one "NAME VALUE" line each: rx_packets, tx_packets, ... and every
# drop reason as drop_REASON (vswctl -j names: drop_mac_spoof); a port's
# names start with "IFNAME.". The JSON's "stats" object read by bash alone
# (a python start costs a fifth of a second on an emulated guest): e.g.
#   declare -A c; while read -r k v; do c[$k]=$v; done < <(vsw_counters sw0 a-p)
#   echo "${c[drop_malformed]} ${c[a-p.rx_packets]}"
vsw_counters() {
	local sw=$1 dev j st drops pfx
	shift
	for dev in "" "$@"; do
		if [ -n "$dev" ]; then
			j=$("$VSWCTL" -j -s port show "$sw" dev "$dev") || return
		else
			j=$("$VSWCTL" -j -s switch show "$sw") || return
		fi
		[[ "$j" == *'"stats":{'* ]] || { echo "vsw_counters: no stats in: $j" >&2; return 1; }
		pfx=${dev:+$dev.}
		# stats = { COUNTER:N, ..., "drops":{ REASON:N, ... } }
		st=${j#*'"stats":{'}
		drops=
		if [[ "$st" == *'"drops":{'* ]]; then
			drops=${st#*'"drops":{'}
			drops=${drops%%\}*}
		fi
		__vsw_pairs "$pfx" "${st%%'"drops":{'*}"
		__vsw_pairs "${pfx}drop_" "$drops"
	done
}
# __vsw_pairs PREFIX JSON: "PREFIXKEY N" for each "KEY":N in JSON.
__vsw_pairs() {
	local s=$2 re='"([a-z0-9_]+)":([0-9]+)'
	while [[ "$s" =~ $re ]]; do
		echo "$1${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
		s=${s#*"${BASH_REMATCH[0]}"}
	done
}

# ---- UDP endpoints: datagrams with a marker, sent and received in VMs ----
VSW_TMP=

# vsw_agent NS...: a UDP endpoint on port 9999 in each namespace NS, until
# cleanup (started together, then waited for). Each datagram an agent
# receives is a line "MARKER SOURCE-ADDRESS" in $VSW_TMP/NS.rx (the first
# line is "ready", once it listens); see vsw_udp_send. Call it from the test's
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

# vsw_udp_send NS DST MARKER [COUNT]: NS's agent sends COUNT (1) datagrams
# MARKER (no blanks) to DST:9999 (a broadcast address allowed).
vsw_udp_send() {
	echo "$2 $3 ${4:-1}" > "$VSW_TMP/$1.cmd"
	wait_for "$1 to send $3" 30 grep -qx "sent $3" "$VSW_TMP/$1.rx"
}

# vsw_udp_got NS MARKER: NS's agent has received MARKER (sets WAIT_SEEN).
vsw_udp_got() {
	WAIT_SEEN="$1 received: $(grep -v '^ready$\|^sent ' "$VSW_TMP/$1.rx" | tr '\n' ' ')"
	grep -q "^$2 " "$VSW_TMP/$1.rx"
}

# vsw_cleanup: remove what the helpers made (namespaces take their veths).
vsw_cleanup() {
	local n
	# first: a process in a namespace keeps it, and its devices, alive
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
	# A VM's host side (NAME-p) goes when the kernel dismantles its
	# namespace, in a work item after `ip netns del` returned; on a busy
	# machine that took minutes, and the next test saw the devices go
	# (netlink.sh compares `ip link` before and after its refusals).
	poll 300 __vsw_hosts_gone ||
		diag "cleanup: still here after 300 s: $(__vsw_hosts_gone; echo "$VSW_LEFT")"
}

# __vsw_hosts_gone: no VM's host-side device is left (those left: VSW_LEFT).
__vsw_hosts_gone() {
	local n
	VSW_LEFT=
	for n in "${VSW_NETNS[@]}"; do
		[ ! -e "/sys/class/net/$n-p" ] || VSW_LEFT+=" $n-p"
	done
	[ -z "$VSW_LEFT" ]
}
