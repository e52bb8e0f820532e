# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# shellcheck disable=SC2034 # USEC, SENT, RCVD, PG, RCV: for the caller
# Helpers of the switch benchmarks (vswitch-bench.sh, firewall-bench.sh),
# sourced, not run: two namespaces joined through a switch under test,
#
#   [$SRC] a0 ==veth== a1 --+-- switch --+-- b1 ==veth== b0 [$DST]
#
# pktgen in $SRC sending 60-byte UDP/IPv4 frames of one flow (port 9) to
# $MAC_TO, and the receiver's counters. The caller sets SRC, DST, MAC_A0,
# MAC_B0, MAC_TO, IP_A0, IP_TO and PARKED=() (killed by its cleanup), and
# defines die().

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
	local line name packets rest
	RX=
	while read -r line; do
		read -r name _ packets rest <<< "${line/:/ }"
		[ "$name" = "$2" ] && RX=$packets
	done < "/proc/$1/net/dev"
	[ -n "$RX" ] || die "no $2 in /proc/$1/net/dev"
}

# pg_result: sets USEC (pktgen's elapsed time, first frame to last) and SENT
pg_result() {
	local line
	USEC='' SENT=''
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

# pg_run N: send N frames; sets RCVD (frames b0 received), USEC and SENT
pg_run() {
	local rx0
	rx_of "$RCV" b0
	rx0=$RX
	echo "count $1" > "$PG/a0"
	ip netns exec "$SRC" sh -c 'echo start > /proc/net/pktgen/pgctrl'
	rx_of "$RCV" b0
	RCVD=$((RX - rx0))
	pg_result
}

# pair_cleanup: the parked processes and the namespaces (the veths go
# with them)
pair_cleanup() {
	[ ${#PARKED[@]} -eq 0 ] || kill "${PARKED[@]}" 2>/dev/null
	ip netns del "$SRC" 2>/dev/null
	ip netns del "$DST" 2>/dev/null
}

# rate WHAT SWITCH: RCVD frames over USEC as a rate (RATE), after checking
# that some arrived; a count that differs from SENT is noted (more: frames
# of the switch's own, the bridge device sends IGMPv3 reports once it is
# up; fewer: frames lost)
rate() {
	[ "$RCVD" -eq "$SENT" ] ||
		echo "  note: $2 $1: $SENT sent, $RCVD received" >&2
	[ "$RCVD" -gt 0 ] || die "$2 $1: nothing reached b0"
	RATE=$(((RCVD * 1000000 + USEC / 2) / USEC))
}

# pair_rounds MEASURE UNIT: ROUNDS rounds over SWITCHES, in an order that
# rotates from round to round; each run sets its switch up (SWITCH_up),
# runs MEASURE SWITCH (which sets FIELD, what the round's line shows of
# it) and takes the switch down (SWITCH_down); a line per round
pair_rounds() {
	local r i n=${#SWITCHES[@]} sw line
	for r in $(seq "$ROUNDS"); do
		line="  round $r:"
		for i in $(seq 0 $((n - 1))); do
			sw=${SWITCHES[$(((i + r - 1) % n))]}
			"${sw}_up" > /dev/null
			"$1" "$sw"
			"${sw}_down"
			line+=" $sw $FIELD"
		done
		echo "$line $2"
	done
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# pair_setup: the namespaces (no IPv6 chatter through the switches), the
# veths, the parked processes (PG: the sender's pktgen directory, RCV: the
# receiver's process) and pktgen's device a0
pair_setup() {
	local ns c
	sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	for ns in "$SRC" "$DST"; do
		ip netns add "$ns"
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
		ip -n "$ns" link set lo up
	done
	ip link add a1 type veth peer name a0 netns "$SRC"
	ip link add b1 type veth peer name b0 netns "$DST"
	ip -n "$SRC" link set a0 address "$MAC_A0" up
	ip -n "$SRC" addr add "$IP_A0/24" dev a0
	ip -n "$DST" link set b0 address "$MAC_B0" up
	ip -n "$DST" addr add "$IP_TO/24" dev b0
	ip link set a1 up
	ip link set b1 up
	park "$SRC"
	PG=/proc/${PARKED[0]}/net/pktgen
	park "$DST"
	RCV=${PARKED[1]}

	echo rem_device_all > "$PG/kpktgend_0"
	echo "add_device a0" > "$PG/kpktgend_0"
	# clone_skb 0: veth changes the frames it forwards
	for c in "clone_skb 0" "pkt_size 60" "delay 0" "dst_mac $MAC_TO" \
		 "src_min $IP_A0" "src_max $IP_A0" "dst $IP_TO" \
		 "udp_src_min 9" "udp_src_max 9" "udp_dst_min 9" "udp_dst_max 9"; do
		echo "$c" > "$PG/a0"
	done
}
