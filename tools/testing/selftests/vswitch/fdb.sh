#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fdb.sh - the forwarding database of a switch with three VMs (netns +
# veth): learning, ageing, static entries, del, flush and the fdb-max
# limit. Ground truth: the MACs read in the namespaces, the ports' ids, the
# frames each VM receives (raw sockets count them by marker), and the veth
# peers' counters (the VMs' silence while entries age).
#
#   learning  after pings, `fdb show` has each VM's MAC on its own port (dev
#             and id), `fdb show dev` one port's only, `fdb get` each MAC
#   static    `fdb add ... static` on C's port for a MAC no VM has: frames
#             to it reach C only, also after B sent from that MAC (a static
#             entry does not move), and after every learned entry aged
#   ageing    `switch set ageing 10`: the age field grows while the VMs are
#             silent, the learned entries go after 10 s (not earlier), the
#             static one stays; `vswctl monitor fdb` shows each learned
#             entry's deletion, and nothing of the static one
#   del       the static entry deleted: `fdb get` fails, frames to it are
#             flooded; deleting an unknown MAC fails with a message
#   flush     per port (only that port's entries go, frames to its VM are
#             flooded again), all learned, then static too
#   fdb-max   fdb-max 4: of 6 new source MACs, 4 are learned and the others
#             counted as fdb-full; frames to an unlearned MAC are flooded,
#             to a learned one forwarded; a limit below the entry count
#             and a static entry in a full table are refused with a message
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/vsw.sh"

SW=fsw$$
A=fa$$ B=fb$$ C=fc$$
IPA=10.0.1.1 IPB=10.0.1.2 IPC=10.0.1.3
# set, not read: a read is a process, and processes cost on an emulated guest
MACA=02:76:73:02:00:01 MACB=02:76:73:02:00:02 MACC=02:76:73:02:00:03
BCAST=ff:ff:ff:ff:ff:ff
SMAC=02:00:5e:00:00:5c		# a static entry's MAC, no VM's
TMPD=$(mktemp -d)
SECONDS=0
VSW_IPV6=off

MON_PID=
cleanup() {
	[ -z "$MON_PID" ] || kill "$MON_PID" 2>/dev/null
	vsw_cleanup
	rm -rf "$TMPD"
}
trap cleanup EXIT

# FDB: `fdb show`, read by fdb_read (one process for many questions).
fdb_read() { FDB=$(vswctl fdb show "$SW"); }
# fdb_line MAC: the entry of MAC in $FDB ("MAC dev DEV port N age Ts" or
# "... static"), empty when there is none.
fdb_line() {
	local l
	while read -r l; do [ "${l%% *}" = "$1" ] && echo "$l"; done <<< "$FDB"
}
# fdb_n: the entries in $FDB.
fdb_n() { if [ -z "$FDB" ]; then echo 0; else wc -l <<< "$FDB"; fi; }
# field WORD: the word after WORD in the line on stdin.
field() {
	local w i
	while read -r -a w; do
		for ((i = 0; i < ${#w[@]} - 1; i++)); do
			[ "${w[i]}" = "$1" ] && echo "${w[i + 1]}"
		done
	done
	return 0
}
fdb_count() { vswctl switch show "$SW" | field fdb | cut -d/ -f1; }
sw_counter() { vswctl -s switch show "$SW" | awk -v w="$1" '{ for (i = 1; i < NF; i++) if ($i == w) print $(i + 1) }'; }

# pings: A -> B, A -> C, B -> C, at once.
pings() {
	local p1 p2 p3
	ip netns exec "$A" ping -c 1 -W 10 -q $IPB > /dev/null & p1=$!
	ip netns exec "$A" ping -c 1 -W 10 -q $IPC > /dev/null & p2=$!
	ip netns exec "$B" ping -c 1 -W 10 -q $IPC > /dev/null & p3=$!
	wait $p1 && wait $p2 && wait $p3
}

tap_plan 17

vsw_switch "$SW" || tap_bail "cannot create switch $SW"
# Permanent neighbours: no ARP probe leaves a VM unasked (an entry in use
# is confirmed by one, seconds after a ping), so a VM is silent between
# the frames the test makes it send.
vsw_vm_batch "$SW" "$A,$IPA/24,$MACA,$IPB=$MACB,$IPC=$MACC" \
	"$B,$IPB/24,$MACB,$IPA=$MACA,$IPC=$MACC" "$C,$IPC/24,$MACC,$IPA=$MACA,$IPB=$MACB" ||
	tap_bail "cannot create the VMs"
vsw_recv_start "$TMPD/rA" "$A" eth0 "$TMPD/rB" "$B" eth0 "$TMPD/rC" "$C" eth0
# the ports' ids: the 3rd word of `port show` (one read)
while read -r -a w; do
	for x in A B C; do [ "${w[4]}" = "${!x}-p" ] && printf -v "P$x" %s "${w[2]}"; done
done <<< "$(vswctl port show "$SW")"
diag "A $MACA port $PA, B $MACB port $PB, C $MACC port $PC"
vsw_recv_ready "$TMPD/rA" "$TMPD/rB" "$TMPD/rC" || tap_bail "no frame counters"

# ---- learning -------------------------------------------------------------
diag "[${SECONDS}s] learning"
pings || diag "a ping failed"
learned() {
	local x mac p line
	fdb_read
	diag "fdb show: ${FDB//$'\n'/; }"
	[ "$(fdb_n)" = 3 ] || return 1
	for x in A B C; do
		mac=MAC$x p=P$x
		line=$(fdb_line "${!mac}")
		[ "$(field dev <<< "$line")" = "${!x}-p" ] &&
			[ "$(field port <<< "$line")" = "${!p}" ] || return 1
	done
}
check "learning: fdb show has the 3 VMs' MACs, each on its own port" learned
by_dev() {
	local out
	out=$(vswctl fdb show "$SW" dev "$B-p")
	diag "fdb show dev $B-p: $out"
	[ "$(wc -l <<< "$out")" = 1 ] && [ "$(awk '{ print $1 }' <<< "$out")" = "$MACB" ]
}
check "learning: fdb show dev B's port has B's MAC only" by_dev
get_each() {
	local x mac p got
	for x in A B C; do
		mac=MAC$x p=P$x
		got=$(vswctl fdb get "$SW" "${!mac}" | field port)
		[ "$got" = "${!p}" ] || { diag "fdb get ${!mac}: port '$got', expected ${!p}"; return 1; }
	done
}
check "learning: fdb get gives each VM's port" get_each

# ---- static ---------------------------------------------------------------
diag "[${SECONDS}s] static"
vswctl fdb add "$SW" $SMAC dev "$C-p" static
vsw_burst A st1 "$SMAC,$MACA,ST1,2"
check "static: frames to a static entry of C's port reach C only" vsw_counts A ST1 0 B ST1 0 C ST1 2
# B claims the MAC as its source: a learned entry would move to B's port.
vsw_burst B mv "$BCAST,$SMAC,MV"
vsw_burst A st2 "$SMAC,$MACA,ST2,2"
moved() {
	local line
	fdb_read
	line=$(fdb_line $SMAC)
	diag "after B sent from $SMAC: $line"
	[ "$(field port <<< "$line")" = "$PC" ] && grep -qw static <<< "$line" &&
		vsw_counts A ST2 0 B ST2 0 C ST2 2
}
check "static: the entry stays on C's port when B sends from its MAC" moved

# ---- ageing ---------------------------------------------------------------
diag "[${SECONDS}s] ageing"
# a monitor of fdb events, listening (a static entry's add and del seen)
# before the ageing time drops
vswctl monitor fdb > "$TMPD/mon" 2> "$TMPD/mon.err" &
MON_PID=$!
mon_synced() { grep -q "^fdb del $SW 02:00:5e:00:00:5d " "$TMPD/mon"; }
mon_sync() {
	local i
	vswctl fdb add "$SW" 02:00:5e:00:00:5d dev "$C-p" static &&
		vswctl fdb del "$SW" 02:00:5e:00:00:5d || return
	for ((i = 0; i < 25; i++)); do mon_synced && return 0; sleep 0.2; done
	return 1
}
wait_for "the monitor to listen" 120 mon_sync || diag "monitor: $(cat "$TMPD/mon" "$TMPD/mon.err")"
vswctl switch set "$SW" ageing 10
# An entry may only go once 10 s passed without a frame from its MAC: when
# A's is first seen gone, the silence is at most the age last seen plus
# the time since that reading began; below 10 s, it went too early.
age_of() { vswctl -j fdb get "$SW" "$1" 2> /dev/null | sed -n 's/.*"age_ms": *\([0-9]*\).*/\1/p'; }
LAST_AGE='' LAST_T=0 GONE_T=0
note_age() {
	local before=${EPOCHREALTIME/./} a
	a=$(age_of "$MACA")
	if [ -n "$a" ]; then
		LAST_AGE=$a LAST_T=$before
	elif [ "$GONE_T" = 0 ]; then
		GONE_T=${EPOCHREALTIME/./}
	fi
	AGE=$a
}
# A frame from A first, so that its entry is young, then two readings of
# its age, one after the other. (On a busy machine seconds may pass
# between two commands: an entry that aged out meanwhile is refreshed and
# read again.)
__grows() {
	local a1
	vsw_send "$A" eth0 "$BCAST,$MACA,AG" || return
	note_age
	a1=$AGE
	note_age
	WAIT_SEEN="age_ms '$a1', then '$AGE'"
	[ -n "$a1" ] && [ -n "$AGE" ] && [ "$AGE" -gt "$a1" ] || return 1
	AGES="$a1 -> $AGE ms"
}
AGES=
wait_for "A's entry to show a growing age" 60 __grows
GONE_T=0	# a reading that found the entry gone before the last refresh
rx_vms() { cat /sys/class/net/{"$A","$B","$C"}-p/statistics/rx_packets | paste -sd' '; }
rx0=$(rx_vms)
diag "switch: $(vswctl switch show "$SW"); A's age: $AGES"
grows() { [ "$(vswctl switch show "$SW" | field ageing)" = 10 ] && [ -n "$AGES" ]; }
check "ageing: ageing 10 set, the age field grows while A is silent" grows

__aged() {
	note_age
	# until a reading of A's age found it gone (GONE_T)
	[ "$GONE_T" != 0 ] || return 1
	fdb_read
	WAIT_SEEN=${FDB//$'\n'/;}
	[ "$(fdb_n)" = 1 ] && [ -n "$(fdb_line $SMAC)" ]
}
wait_for "the learned entries to age out" 90 __aged
aged() {
	local silent rx1
	rx1=$(rx_vms)
	silent=$(( LAST_AGE + (GONE_T - LAST_T) / 1000 ))
	fdb_read
	diag "fdb: ${FDB//$'\n'/;}; A's entry last seen at age ${LAST_AGE} ms, seen gone ${silent} ms after A's last frame at most; VMs' frames: $rx0 -> $rx1"
	[ "$(fdb_n)" = 1 ] && [ -n "$(fdb_line $SMAC)" ] &&
		[ "$LAST_T" != 0 ] && [ "$GONE_T" != 0 ] && [ "$silent" -ge 10000 ] && [ "$rx0" = "$rx1" ]
}
check "ageing: the learned entries went after 10 s of silence, the static one stayed" aged
# the monitor's lines since the sync: for each VM's MAC, the last one is
# its deletion (A's entry may have gone and come back while its age was
# read); none for the static entry
mon_aged() {
	local x mac last bad=0
	kill "$MON_PID" && wait "$MON_PID" 2>/dev/null
	MON_PID=
	# 0,/RE/ (GNU): the monitor may have joined between the sync entry's
	# add and del, so that the del is its first line; 1,/RE/ would then
	# look for the end of the range from line 2 on and delete every line
	sed -i "0,/^fdb del $SW 02:00:5e:00:00:5d /d" "$TMPD/mon"
	diag "monitor: $(paste -sd';' "$TMPD/mon")"
	for x in A B C; do
		mac=MAC$x
		last=$(grep "^fdb [a-z]* $SW ${!mac} " "$TMPD/mon" | tail -n 1)
		[[ "$last" =~ ^fdb\ del\ $SW\ ${!mac}\ port\ [0-9]+\ age\ [0-9.]+s$ ]] ||
			{ diag "$x: last event '$last'"; bad=1; }
	done
	! grep -q " $SMAC " "$TMPD/mon" && [ ! -s "$TMPD/mon.err" ] && return $bad
}
check "ageing: vswctl monitor fdb showed each learned entry's deletion, none of the static one" mon_aged
vsw_burst A st3 "$SMAC,$MACA,ST3,2"
check "static: after ageing, frames to the static entry still reach C only" vsw_counts A ST3 0 B ST3 0 C ST3 2

# ---- del ------------------------------------------------------------------
diag "[${SECONDS}s] del"
# back to a long ageing time: what is learned from here on stays
vswctl switch set "$SW" ageing 300
vswctl fdb del "$SW" $SMAC
deleted() {
	local out rc=0
	out=$(vswctl fdb get "$SW" $SMAC 2>&1) || rc=$?
	diag "fdb get after del: exit $rc: $out"
	[ "$rc" = 1 ] && grep -q "no fdb entry" <<< "$out" && vsw_counts A DEL 0 B DEL 2 C DEL 2
}
vsw_burst A del "$SMAC,$MACA,DEL,2"
check "del: the static entry is gone, frames to its MAC are flooded" deleted
del_unknown() {
	local out rc=0 n0 n1
	n0=$(fdb_count)
	out=$(vswctl fdb del "$SW" 02:00:5e:00:00:77 2>&1) || rc=$?
	n1=$(fdb_count)
	diag "fdb del of an unknown MAC: exit $rc: $out; entries $n0 -> $n1"
	[ "$rc" = 1 ] && grep -q "no fdb entry for this MAC" <<< "$out" && [ "$n0" = "$n1" ]
}
check "del: deleting an unknown MAC fails with a message, nothing changes" del_unknown

# ---- flush ----------------------------------------------------------------
diag "[${SECONDS}s] flush"
pings || diag "a ping failed"
vswctl fdb add "$SW" $SMAC dev "$B-p" static
vswctl fdb flush "$SW" dev "$A-p"
flush_port() {
	fdb_read
	diag "after flush dev $A-p: ${FDB//$'\n'/;}"
	[ "$(fdb_n)" = 3 ] && [ -z "$(fdb_line "$MACA")" ] &&
		[ -n "$(fdb_line "$MACB")" ] && [ -n "$(fdb_line "$MACC")" ] &&
		[ -n "$(fdb_line $SMAC)" ] && vsw_counts A FA 1 B FA 1 C FA 0 A FB 0 B FB 1
}
vsw_burst C fp "$MACA,$MACC,FA" "$MACB,$MACC,FB"
check "flush dev A's port: only A's entry went, frames to A are flooded again" flush_port
vswctl fdb flush "$SW"
flush_all() {
	fdb_read
	diag "after flush: ${FDB//$'\n'/;}"
	[ "$(fdb_n)" = 1 ] && [ -n "$(fdb_line $SMAC)" ]
}
check "flush: every learned entry went, the static one stayed" flush_all
vswctl fdb flush "$SW" static
flush_static() {
	local sw n
	fdb_read
	sw=$(vswctl switch show "$SW")
	n=$(field fdb <<< "$sw")
	diag "after flush static: '$FDB', switch: $sw"
	[ -z "$FDB" ] && [ "${n%%/*}" = 0 ]
}
check "flush static: the table is empty" flush_static

# ---- fdb-max ----------------------------------------------------------------
diag "[${SECONDS}s] fdb-max"
vswctl switch set "$SW" fdb-max 4
full0=$(sw_counter fdb-full)
F=02:00:5e:00:01:0
vsw_burst A fm "$BCAST,${F}1,FM" "$BCAST,${F}2,FM" "$BCAST,${F}3,FM" \
	"$BCAST,${F}4,FM" "$BCAST,${F}5,FM" "$BCAST,${F}6,FM"
limited() {
	local full n i sw
	fdb_read
	full=$(( $(sw_counter fdb-full) - full0 ))
	sw=$(vswctl switch show "$SW")
	diag "fdb: ${FDB//$'\n'/;}; fdb-full +$full; switch: $sw"
	n=0
	for i in 1 2 3 4 5 6; do [ -n "$(fdb_line "$F$i")" ] && n=$((n + 1)); done
	[ "$(fdb_n)" = 4 ] && [ "$n" = 4 ] && [ "$(field fdb <<< "$sw")" = 4/4 ] &&
		[ "$full" -ge 2 ] && vsw_counts B FM 6 C FM 6
}
check "fdb-max 4: 4 of 6 new source MACs learned, the rest counted as fdb-full" limited
# one learned and one unlearned of the six, both on A's side
fdb_read
for i in 1 2 3 4 5 6; do
	if [ -n "$(fdb_line "$F$i")" ]; then IN=$F$i; else OUT=$F$i; fi
done
full_fwd() {
	diag "to $IN (learned): A $(vsw_recv_count "$TMPD/rA" TI), C $(vsw_recv_count "$TMPD/rC" TI); to $OUT (not learned): A $(vsw_recv_count "$TMPD/rA" TO), C $(vsw_recv_count "$TMPD/rC" TO)"
	vsw_counts A TI 1 C TI 0 A TO 1 C TO 1
}
vsw_burst B ff "$IN,$MACB,TI" "$OUT,$MACB,TO"
check "fdb-max: with the table full, an unlearned MAC is flooded, a learned one forwarded" full_fwd
refused() {
	local out1 out2 rc1=0 rc2=0 sw
	out1=$(vswctl switch set "$SW" fdb-max 2 2>&1) || rc1=$?
	out2=$(vswctl fdb add "$SW" $SMAC dev "$C-p" 2>&1) || rc2=$?
	diag "fdb-max 2: exit $rc1: $out1"
	diag "fdb add in a full table: exit $rc2: $out2"
	sw=$(vswctl switch show "$SW")
	fdb_read
	diag "switch: $sw"
	[ "$rc1" = 1 ] && grep -q "flush it first" <<< "$out1" &&
		[ "$rc2" = 1 ] && grep -q "fdb table is full" <<< "$out2" &&
		[ "$(field fdb <<< "$sw")" = 4/4 ] && [ -z "$(fdb_line $SMAC)" ]
}
check "fdb-max: a limit below the entry count, or a static entry when full, refused" refused
diag "ran ${SECONDS}s"
tap_done
