#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lifecycle.sh - ports, devices, namespaces and the module come and go
# under running switches.
#
#   1  port removal mid-stream: ping streams A->B and A->C; B's port is
#      deleted and re-added 5 times, then deleted: it leaves `port show`
#      and the fdb, B's eth0 rx counter stops while C's and A's keep rising
#   2  device deletion under the switch: `ip link del` of D's port device,
#      deleting E's namespace (its veth goes with it): each port and its
#      fdb entry go; the switch lives on and A still pings C; deleting a
#      namespace that holds a switch (internal and veth port, fdb entry)
#      destroys them all
#   3  a port device moved to namespace X: the port and its fdb entry go;
#      in X the device is free (promiscuity 0, X's stack talks to F over
#      it) and a switch of X can take it; the internal device cannot move
#   4  rmmod with three switches (one in X), veth and internal ports,
#      learned and static fdb entries: every former port device is free
#      (promiscuity as before, no master), joins a Linux bridge that
#      forwards; the internal device is gone; insmod again
#   5  rmmod with a UDP stream (iperf3) crossing the switch and the host
#      pinging A through the internal device (A's replies reach it), once (VSW_LC_ROUNDS:
#      more): rmmod succeeds,
#      C's eth0 receives nothing more while A still sends
#   6  the module's create/destroy lines (pr_debug, switched on with
#      dyndbg=+p at every insmod here): every switch, port and fdb entry
#      created since the test began was destroyed
#
# The guest's kernel log (oops, WARN, lockdep, KASAN) is checked by the
# runner after the suite. The module is loaded again when the test ends.

set -e
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/vsw.sh"

KO=${VHV_BUILD:-$VHV_ROOT/build/$(uname -r)}/kmod/vswitch/vswitch.ko
[ -r "$KO" ] || tap_bail "no $KO to reload"

SW=lc$$ SW2=ld$$ SWX=lx$$ SWY=ly$$
A=lca$$ B=lcb$$ C=lcc$$ D=lcd$$ E=lce$$ F=lcf$$ G=lcg$$ H=lch$$ X=lcx$$
Y=lcy$$
BR=lbr$$
ROUNDS=${VSW_LC_ROUNDS:-1}	# one round shows it; more: VSW_LC_ROUNDS
TMPD=$(mktemp -d)
PIDS=()
MARK="vswitch lifecycle.sh $$: start"

cleanup() {
	set +e
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	[ -s "$TMPD/iperf.pid" ] && kill "$(cat "$TMPD/iperf.pid")" 2>/dev/null
	wait 2>/dev/null
	ip link del "$BR" 2>/dev/null
	ip netns del "$Y" 2>/dev/null
	[ -d /sys/module/vswitch ] || insmod "$KO"
	vsw_cleanup
	rm -rf "$TMPD"
}
trap cleanup EXIT

# cnt NS DEV COUNTER: a device's counter (rx_packets, tx_packets), as the
# kernel's device statistics give it; NS "" is this namespace.
cnt() {
	if [ -n "$1" ]; then
		# (ip -n: one exec, no netns exec and its sysfs mount; the
		# same device statistics, as rtnetlink's stats64)
		local j re="\"${3%%_*}\":\\{\"bytes\":[0-9]+,\"packets\":([0-9]+)"
		j=$(ip -n "$1" -s -j link show "$2") || return
		[[ "$j" =~ $re ]] || { echo "cnt: no ${3%%_*} packets in: $j" >&2; return 1; }
		echo "${BASH_REMATCH[1]}"
	else
		local v
		read -r v < "/sys/class/net/$2/statistics/$3" && echo "$v"
	fi
}

# __grows NS DEV COUNTER FROM BY: the counter rose by BY since FROM
__grows() {
	local now
	now=$(cnt "$1" "$2" "$3")
	WAIT_SEEN="${1:-host} $2 $3: $4 -> $now, waiting for +$5"
	[ $((now - $4)) -ge "$5" ]
}

# noip6 DEV: no IPv6 on a port device, whose own stack would otherwise send
# router solicitations and MLD reports to its VM, once it is no port
noip6() { echo 1 > "/proc/sys/net/ipv6/conf/$1/disable_ipv6"; }

# vms SWITCH NAME ADDR [NAME ADDR]...: for each, what vsw_vm makes, with
# fewer commands (an ip -batch for this namespace's side, one in each
# VM): namespace NAME with lo up and eth0 at ADDR, its peer NAME-p up,
# without IPv6, and a port of SWITCH
vms() {
	local sw=$1 n add= up= i j
	shift
	for ((i = 1; i < $#; i += 2)); do
		n=${!i}
		ip netns add "$n" || return
		VSW_NETNS+=("$n")
		add+="link add $n-p type veth peer name eth0 netns $n"$'\n'
		up+="link set $n-p up"$'\n'
	done
	ip -batch - <<< "$add" || return
	for ((i = 1; i < $#; i += 2)); do
		n=${!i}
		noip6 "$n-p"
		j=$((i + 1))
		ip -n "$n" -batch - <<< "link set lo up
addr add ${!j} dev eth0
link set eth0 up" || return
	done
	ip -batch - <<< "$up" || return
	for ((i = 1; i < $#; i += 2)); do
		n=${!i}
		"$VSWCTL" port add "$sw" dev "$n-p" > /dev/null || return
	done
}

# gone SWITCH DEV MAC: DEV is no port of SWITCH and MAC not in its fdb
gone() {
	local p f
	p=$(vswctl port show "$1" | grep -cE " dev $2( |\$)" || true)
	f=$(vswctl fdb show "$1" | grep -ci "^$3 " || true)
	WAIT_SEEN="port show $1: $p lines for $2; fdb show $1: $f lines for $3"
	diag "$WAIT_SEEN"
	[ "$p" = 0 ] && [ "$f" = 0 ]
}

# state NS DEV: "PROMISCUITY MASTER SLAVE-KIND" of a device ("-": none),
# from `ip -d link show`
state() {
	ip ${1:+-n "$1"} -d -o link show "$2" | awk '{
		p = "?"; m = "-"; k = "-"
		for (i = 1; i < NF; i++) {
			if ($i == "promiscuity") p = $(i + 1)
			if ($i == "master") m = $(i + 1)
			if ($i ~ /_slave$/) k = $i
		}
		print p, m, k }'
}

# in_fdb SWITCH MAC
in_fdb() { vswctl fdb show "$1" | grep -qi "^$2 "; }

ping1() { ip netns exec "$1" ping -c 1 -W 30 -q "$2" > /dev/null; }

# the module's create/destroy lines since the start of the test
count_lines() {
	dmesg | sed -n "/$MARK/,\$p" > "$TMPD/dmesg"
	grep -cE "vswitch: $1 .* $2\$" "$TMPD/dmesg" || true
}

tap_plan 21

# The create/destroy lines are pr_debug: a debug build prints them, any
# other build once dynamic debug switches them on (dyndbg=+p), here on
# every insmod, so that they are counted on every kernel.
echo "$MARK" > /dev/kmsg
rmmod vswitch
insmod "$KO" dyndbg=+p
"$VSWCTL" monitor > "$TMPD/monitor" 2>&1 &
PIDS+=($!)

# ---- 1: port removal while traffic runs ----------------------------------------
diag "[${SECONDS}s] 1: port removal while traffic runs"
vsw_switch "$SW" internal
vms "$SW" "$A" 10.7.0.1/24 "$B" 10.7.0.2/24 "$C" 10.7.0.3/24
MACB=$(vsw_mac "$B")
# A keeps addressing B and C whatever ARP says (permanent neighbours), so
# that frames for B go on entering the switch once B's port is gone
ip -n "$A" neigh replace 10.7.0.2 lladdr "$MACB" dev eth0 nud permanent
ip -n "$A" neigh replace 10.7.0.3 lladdr "$(vsw_mac "$C")" dev eth0 nud permanent

# (a count, not a deadline: with -w, ping stops at its first error, such
# as B's address no longer resolving)
RB=$(cnt "$B" eth0 rx_packets)
RC=$(cnt "$C" eth0 rx_packets)
ip netns exec "$A" ping -q -i 0.01 -c 90000 10.7.0.2 > /dev/null 2>&1 &
PB=$!
ip netns exec "$A" ping -q -i 0.01 -c 90000 10.7.0.3 > /dev/null 2>&1 &
PC=$!
PIDS+=("$PB" "$PC")
chk_flow() {
	wait_for "the stream A->B to reach B" 60 __grows "$B" eth0 rx_packets "$RB" 50 &&
		wait_for "the stream A->C to reach C" 60 __grows "$C" eth0 rx_packets "$RC" 50
}
tap_check "1: ping streams A->B and A->C cross the switch (B and C eth0 rx +50)" chk_flow

churn() {
	local i
	for ((i = 0; i < 5; i++)); do
		vswctl port del "$SW" dev "$B-p" || return
		vswctl port add "$SW" dev "$B-p" > /dev/null || return
	done
	vswctl port del "$SW" dev "$B-p"
}
tap_check "1: mid-stream, B's port deleted and re-added 5 times, then deleted" churn
tap_check "1: B's port left port show, B's MAC left the fdb" gone "$SW" "$B-p" "$MACB"

chk_rx_stops() {
	local rb0 rb1 rc0 ra0 ta0 ta1
	rb0=$(cnt "$B" eth0 rx_packets)
	rc0=$(cnt "$C" eth0 rx_packets)
	ra0=$(cnt "$A" eth0 rx_packets)
	ta0=$(cnt "$A" eth0 tx_packets)
	wait_for "C to receive 50 more" 60 __grows "$C" eth0 rx_packets "$rc0" 50 || return
	wait_for "A to receive 50 more (C's replies)" 60 __grows "$A" eth0 rx_packets "$ra0" 50 || return
	# both streams send at one rate: half of A's frames were for B
	wait_for "A to send 100 more" 60 __grows "$A" eth0 tx_packets "$ta0" 100 || return
	rb1=$(cnt "$B" eth0 rx_packets)
	ta1=$(cnt "$A" eth0 tx_packets)
	diag "B eth0 rx_packets: $rb0 -> $rb1 while A sent $((ta1 - ta0)) (to B and C) and C and A received 50 more each; stream to B running: $(kill -0 "$PB" 2>/dev/null && echo yes || echo no)"
	[ "$rb0" = "$rb1" ] && kill -0 "$PB"
}
tap_check "1: B's eth0 rx counter stops while A sends on; A<->C goes on (C and A eth0 rx +50)" chk_rx_stops
kill "$PB" "$PC" 2>/dev/null || true

# ---- 2: devices deleted under the switch ---------------------------------------
diag "[${SECONDS}s] 2: devices deleted under the switch"
vms "$SW" "$D" 10.7.0.4/24 "$E" 10.7.0.5/24
MACD=$(vsw_mac "$D")
MACE=$(vsw_mac "$E")
ping1 "$A" 10.7.0.4
ping1 "$A" 10.7.0.5
chk_del_dev() {
	in_fdb "$SW" "$MACD" || { diag "D's MAC $MACD was not learned"; return 1; }
	ip link del "$D-p" && gone "$SW" "$D-p" "$MACD"
}
tap_check "2: ip link del of D's port device: the port and D's fdb entry go" chk_del_dev
chk_del_ns() {
	in_fdb "$SW" "$MACE" || { diag "E's MAC $MACE was not learned"; return 1; }
	ip netns del "$E" || return
	# namespaces are dismantled by a worker: poll
	wait_for "E's port to go with E's namespace" 120 gone "$SW" "$E-p" "$MACE"
}
tap_check "2: deleting E's namespace (with its veth): the port and E's fdb entry go" chk_del_ns
chk_survives() {
	local ports
	ports=$(vswctl port show "$SW" | awk '{ for (i = 1; i < NF; i++) if ($i == "dev") print $(i + 1) }' | sort | tr '\n' ' ')
	diag "ports of $SW: $ports"
	[ "$ports" = "$(printf '%s\n' "$A-p" "$C-p" "$SW" | sort | tr '\n' ' ')" ] &&
		ip netns exec "$A" ping -c 3 -i 0.05 -W 30 -q 10.7.0.3
}
tap_check "2: the switch lives on with its internal port, A's and C's; A pings C" chk_survives
# a namespace that holds a switch goes: pernet exit destroys the switch,
# its internal device and its port (seen in the module's debug lines)
chk_ns_switch() {
	local l
	ip netns add "$Y" || return
	ip -n "$Y" link add y0 type veth peer name y1 &&
		"$VSWCTL" -n "$Y" switch add "$SWY" internal &&
		"$VSWCTL" -n "$Y" port add "$SWY" dev y0 > /dev/null &&
		"$VSWCTL" -n "$Y" fdb add "$SWY" 02:00:00:00:79:01 dev y0 static || return
	ip netns del "$Y" || return
	__ns_switch_gone() {
		l=$(dmesg | grep -cE "vswitch: (switch $SWY|port $SWY/[0-9]+ \\(($SWY|y0)\\)|fdb $SWY 02:00:00:00:79:01) destroy\$" || true)
		WAIT_SEEN="$l of 4 destroy lines (switch, 2 ports, fdb entry)"
		[ "$l" = 4 ]
	}
	wait_for "the switch of a deleted namespace to go" 120 __ns_switch_gone && diag "$WAIT_SEEN"
}
tap_check "2: deleting a namespace that holds a switch destroys it, its internal and veth ports and fdb" chk_ns_switch

# ---- 3: a port device moved to another namespace ---------------------------------
diag "[${SECONDS}s] 3: a port device moved to another namespace"
vms "$SW" "$F" 10.7.0.6/24
MACF=$(vsw_mac "$F")
ping1 "$A" 10.7.0.6
vsw_netns "$X"
chk_move() {
	in_fdb "$SW" "$MACF" || { diag "F's MAC $MACF was not learned"; return 1; }
	ip link set "$F-p" netns "$X" && gone "$SW" "$F-p" "$MACF"
}
tap_check "3: F's port device moved to namespace X: the port and F's fdb entry go" chk_move
chk_free_in_x() {
	local info
	info=$(state "$X" "$F-p")
	diag "$F-p in X: promiscuity, master, slave kind: $info"
	[ "$info" = "0 - -" ] || return
	ip -n "$X" addr add 10.7.0.100/24 dev "$F-p" &&
		ip -n "$X" link set "$F-p" up &&
		ip netns exec "$X" ping -c 2 -i 0.05 -W 30 -q 10.7.0.6
}
tap_check "3: in X the device is free: promiscuity 0, no master, X's stack pings F over it" chk_free_in_x
chk_x_switch() {
	ip -n "$X" addr flush dev "$F-p"
	"$VSWCTL" -n "$X" switch add "$SWX" &&
		"$VSWCTL" -n "$X" port add "$SWX" dev "$F-p" > /dev/null || return
	"$VSWCTL" -n "$X" port show "$SWX" | grep -qE " dev $F-p( |\$)" || return
	# F's next frame is learned by X's switch
	ip netns exec "$F" ping -c 1 -W 1 10.7.0.99 > /dev/null 2>&1 || true
	"$VSWCTL" -n "$X" fdb show "$SWX" | grep -qi "^$MACF " || { diag "X's switch did not learn $MACF"; return 1; }
	! vswctl switch show | grep -q "$SWX"
}
tap_check "3: a switch of X takes it as a port and learns F; this namespace does not see that switch" chk_x_switch
chk_internal_stays() {
	if ip link set "$SW" netns "$X" 2>&1; then
		diag "the internal device moved to X"
		return 1
	fi
	vswctl port show "$SW" | grep -qE " dev $SW .*internal"
}
tap_check "3: the internal device refuses to leave its namespace and stays a port" chk_internal_stays

# ---- 4: module unload with switches, ports and fdb entries ----------------------
diag "[${SECONDS}s] 4: module unload with switches, ports and fdb entries"
vsw_switch "$SW2"
vms "$SW2" "$G" 10.8.0.1/24 "$H" 10.8.0.2/24
ip link set "$G-p" promisc on	# someone else's promiscuity must stay
vswctl fdb add "$SW2" 02:00:00:00:77:01 dev "$G-p" static
ping1 "$G" 10.8.0.2
ping1 "$A" 10.7.0.3
# promiscuity of each port device now, and what it must be after rmmod
declare -A PROM=()
for d in "$A-p" "$C-p" "$G-p" "$H-p"; do
	PROM[$d]=$(state "" "$d" | cut -d' ' -f1)
done
PROMX=$(state "$X" "$F-p" | cut -d' ' -f1)
diag "before rmmod: $(vswctl switch show | tr '\n' ';') X: $("$VSWCTL" -n "$X" switch show); promiscuity ${PROM[*]} (X: $PROMX)"
diag "fdb of $SW2: $(vswctl fdb show "$SW2" | tr '\n' ';')"
INTIDX=$(cat "/sys/class/net/$SW/ifindex")

chk_rmmod() { rmmod vswitch && [ ! -d /sys/module/vswitch ]; }
tap_check "4: rmmod with 3 switches (one in X), veth and internal ports, learned and static fdb entries" chk_rmmod
chk_internal_gone() {
	local left
	left=$(ip -o link show | awk -F': ' -v i="$INTIDX" '$1 == i { print $2 }')
	diag "ifindex $INTIDX (was $SW): '${left}'"
	[ -z "$left" ] && ! ip link show "$SW" > /dev/null 2>&1
}
tap_check "4: the internal device is gone" chk_internal_gone
chk_free() {
	local d s bad=0
	for d in "$A-p" "$C-p" "$G-p" "$H-p"; do
		s=$(state "" "$d")
		diag "$d: promiscuity, master, slave kind: $s (promiscuity was ${PROM[$d]} as a port)"
		[ "$s" = "$((PROM[$d] - 1)) - -" ] || bad=1
	done
	s=$(state "$X" "$F-p")
	diag "$F-p in X: $s (was $PROMX)"
	[ "$s" = "$((PROMX - 1)) - -" ] || bad=1
	[ "$(state "" "$G-p")" = "1 - -" ] || bad=1
	return $bad
}
tap_check "4: every former port is free: promiscuity one less (G's own promisc stays), no master" chk_free
chk_bridge() {
	local d
	ip link add "$BR" type bridge || return
	for d in "$A-p" "$C-p" "$G-p" "$H-p"; do
		ip link set "$d" master "$BR" || return
	done
	ip -n "$X" link add brx type bridge && ip -n "$X" link set "$F-p" master brx || return
	ip link set "$BR" up
	ip netns exec "$A" ping -c 2 -i 0.05 -W 30 -q 10.7.0.3 && ip netns exec "$G" ping -c 2 -i 0.05 -W 30 -q 10.8.0.2
}
tap_check "4: they all join Linux bridges, which forward (A pings C, G pings H)" chk_bridge
ip link del "$BR"
ip -n "$X" link del brx
chk_insmod() {
	local sws
	insmod "$KO" dyndbg=+p || return
	sws=$(vswctl -j switch show) && diag "switches after insmod: $sws" && [ "$sws" = "[]" ]
}
tap_check "4: insmod again: the family answers, with no switch" chk_insmod

# ---- 5: module unload while a UDP stream crosses the switch -------------------------
diag "[${SECONDS}s] 5: module unload while a UDP stream crosses the switch"
ip -n "$A" neigh replace 10.7.0.3 lladdr "$(vsw_mac "$C")" dev eth0 nud permanent
ip netns exec "$C" iperf3 -s -D -B 10.7.0.3 -I "$TMPD/iperf.pid"
__iperf_up() { [ -s "$TMPD/iperf.pid" ] && ip netns exec "$C" ss -ltn | grep -q '10.7.0.3:5201'; }
wait_for "iperf3 server in C" 60 __iperf_up
: > "$TMPD/r5"
chk_rounds() {
	local r rc0 rc1 ta0 ri0 ph
	for ((r = 1; r <= ROUNDS; r++)); do
		[ -d /sys/module/vswitch ] || insmod "$KO" dyndbg=+p || return
		vswctl switch add "$SW" internal && vswctl port add "$SW" dev "$A-p" > /dev/null &&
			vswctl port add "$SW" dev "$C-p" > /dev/null || return
		# the host pings A through the internal device meanwhile
		ip addr add 10.7.0.254/24 dev "$SW" && ip link set "$SW" up || return
		ping -c 1 -W 30 -q -I "$SW" 10.7.0.1 > /dev/null ||
			{ diag "round $r: the host does not reach A through $SW"; return 1; }
		ri0=$(cnt "" "$SW" rx_packets)
		ping -q -i 0.01 -c 90000 -I "$SW" 10.7.0.1 > /dev/null 2>&1 &
		ph=$!
		PIDS+=("$ph")
		if [ "$r" = 1 ]; then
			# one client for every round: UDP, no feedback needed
			ip netns exec "$A" iperf3 -c 10.7.0.3 -u -b 2M -l 1000 -t 900 > "$TMPD/iperf.out" 2>&1 &
			PIDS+=($!)
			PI=$!
		fi
		rc0=$(cnt "$C" eth0 rx_packets)
		wait_for "round $r: the UDP stream to reach C" 60 __grows "$C" eth0 rx_packets "$rc0" 50 || return
		wait_for "round $r: A's replies to reach the host" 60 __grows "" "$SW" rx_packets "$ri0" 20 || return
		rmmod vswitch || return
		kill "$ph"
		[ ! -d /sys/module/vswitch ] || return
		# C receives nothing more while A sends 100 more into A-p (its
		# neighbour entry for C is permanent: no ARP in the way)
		rc0=$(cnt "$C" eth0 rx_packets)
		ta0=$(cnt "$A" eth0 tx_packets)
		wait_for "round $r: A to send 100 more" 60 __grows "$A" eth0 tx_packets "$ta0" 100 || return
		rc1=$(cnt "$C" eth0 rx_packets)
		diag "round $r: after rmmod, C eth0 rx_packets $rc0 -> $rc1 while A sent 100 more"
		echo "$rc0 $rc1" >> "$TMPD/r5"
	done
}
tap_check "5: $ROUNDS rounds of rmmod with a UDP stream A->C and the host's pings to A (internal port) crossing the switch" chk_rounds
tap_check "5: after each rmmod, C's eth0 receives nothing more while A sends on" \
	eval '[ "$(wc -l < "$TMPD/r5")" = "$ROUNDS" ] && awk "\$1 != \$2 { exit 1 }" "$TMPD/r5"'
kill "${PI:-}" 2>/dev/null || true

# ---- 6: every object created was destroyed --------------------------------------
diag "[${SECONDS}s] 6: every object created was destroyed"
chk_lines() {
	local o c d bad=0 min
	# (section 5 ends unloaded, unless it failed midway)
	[ ! -d /sys/module/vswitch ] || rmmod vswitch || return
	for o in switch:$((4 + ROUNDS)) port:18 fdb:9; do
		min=${o#*:}
		c=$(count_lines "${o%:*}" create)
		d=$(count_lines "${o%:*}" destroy)
		diag "${o%:*}: $c created, $d destroyed (at least $min created)"
		[ "$c" = "$d" ] && [ "$c" -ge "$min" ] || bad=1
	done
	return $bad
}
tap_check "6: with the module unloaded, as many switch, port and fdb destroy lines as create lines" chk_lines

chk_final() { insmod "$KO" && vswctl switch show > /dev/null; }
tap_check "the module is loaded again and answers" chk_final
diag "monitor saw $(wc -l < "$TMPD/monitor") events"

tap_done
