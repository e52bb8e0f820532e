#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# policy.sh - the policy model: `vswctl policy apply` compiles a policy
# file into the policy program (bpf/vswitch_policy.bpf.c) and its maps,
# and hands it to the switch.
#
# The 3-tier example of Documentation/vswitch/policy.rst: VMs web
# (10.3.1.1), app (10.3.2.1), db (10.3.3.1) on sw0; web -> app:8080 and
# app -> db:5432 allowed, everything else denied. Ground truth: TCP and
# ICMP between the VMs (fw_tcp.py, ping), the switch's drop counters, the
# kernel's conntrack table, and, for the program alone, the definition of
# a first match (test_policy computes it rule by rule).
#
#   U  the program on this kernel (test_policy --bpf): random policies and
#      a 10,000-rule one through BPF_PROG_TEST_RUN, both directions, decide
#      as the definition does; its per-rule counters are its decisions
#      (30 random policies loaded as programs; 6 on a debug kernel)
#   A  policy apply: firewall on, a policy program attached (new generation)
#   3  allowed flows work (the replies pass), web -> db:5432, app -> web:8080
#      (a new connection the other way), db -> app:8080 and ping do not
#   K  policy show: rule 10 and rule 20 counted their connections, and the
#      packets and bytes conntrack's own accounting counted for them (both
#      ways); the default's sessions and packets are the switch's policy
#      drops
#   L  the flow log (vswctl -j monitor flows): an allow event per allowed
#      connection with its ports and rule, a drop event per policy drop
#   R  flow-log-rate 3 under a burst of 40 denied pings: the events sent
#      and the events held back (the switch's flow_log_lost) add up to the
#      drops; the next event says how many were held back
#   C  conntrack -L -w ZONE: the allowed connections, marked with the
#      generation; no entry for a denied one
#   T  vswctl ct show: the connections with their ports and rule (the labels
#      the switch sets), as conntrack lists them; "dev db-p" only db's
#   F  vswctl ct flush sw0 dev db-p: db's connections gone from conntrack,
#      web's to app still there
#   B  bad files (unknown group, overlapping priority, backwards range):
#      refused with file:line:column; the running policy stays and works
#   S  a new policy (app -> db removed) under traffic: the held web -> app
#      connection still echoes, the held app -> db one is cut (policy-cut)
#   J  reject rules (web -> db TCP 5432, UDP): the TCP connection is refused
#      at once (the switch's reset), the UDP datagram answered with a port
#      unreachable (web's ICMP counter); each counted policy-reject, and
#      under its rule (the datagram: 29 bytes, 20 + 8 + 1)
#   X  the example again, over IPv6 with a destination options header on
#      every packet of the client (IPV6_DSTOPTS): web -> app:8080 works,
#      decided by rule 10 (the program sees TCP behind the header, as
#      conntrack does); web -> db:5432 does not

source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/vsw.sh"

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TCP=$HERE/fw_tcp.py
POLICY=$VHV_ROOT/Documentation/vswitch/3tier.json
TEST_POLICY=${VHV_BIN:-$VHV_ROOT/userspace}/vswctl/tests/test_policy
[ -x "$TEST_POLICY" ] || tap_bail "test_policy is not built: $TEST_POLICY (make userspace unit)"
for t in conntrack ping; do
	command -v "$t" > /dev/null || tap_bail "$t is missing (make setup)"
done

TMPD=$(mktemp -d)
PIDS=()
cleanup() {
	set +e
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	vsw_cleanup
	rm -rf "$TMPD"
}
trap cleanup EXIT

tap_plan 13

# ---- U ----
# a debug kernel (kmemleak) verifies a program in a minute or more under
# TCG: 6 of the random policies are loaded there, 30 elsewhere
if [ -e /sys/kernel/debug/kmemleak ]; then
	PROGRAMS=${POLICY_PROGRAMS:-6}
else
	PROGRAMS=${POLICY_PROGRAMS:-30}
fi
chk_prog() {
	diag "random policies loaded as programs: $PROGRAMS"
	"$TEST_POLICY" --bpf --programs "$PROGRAMS" > "$TMPD/unit" 2>&1
	local rc=$?
	grep -v '^ok ' "$TMPD/unit" | sed 's/^/# /'
	diag "$(grep -c '^ok ' "$TMPD/unit") ok, $(grep -c '^not ok ' "$TMPD/unit") not ok"
	[ "$rc" = 0 ] && grep -q '10000 rules, BPF_PROG_TEST_RUN' "$TMPD/unit" &&
		! grep -q '^not ok' "$TMPD/unit"
}
tap_check "U: the policy program on this kernel (BPF_PROG_TEST_RUN): random and 10,000-rule policies decided as defined, counters = decisions" chk_prog

vsw_switch sw0 || tap_bail "switch add sw0"
# conntrack's per-connection counters: the ground truth of K
sysctl -qw net.netfilter.nf_conntrack_acct=1 || tap_bail "nf_conntrack_acct"
# one L2 segment, each tier in its own /24 of the example
for v in web,1 app,2 db,3; do
	vsw_vm sw0 "${v%,*}" "10.3.${v#*,}.1/16" || tap_bail "VM ${v%,*}"
	ip -n "${v%,*}" addr add "fd03::${v#*,}:1/64" dev eth0 nodad || tap_bail "VM ${v%,*}: IPv6"
done

# the example of the docs, as it is there
cp "$POLICY" "$TMPD/3tier.json" || tap_bail "no $POLICY"

# sw FIELD: a field of sw0 in vswctl -j switch show.
sw() { vsw_json "j[0][\"$1\"]" switch show sw0; }
# drops PORT-DEV REASON: a drop counter of a port (0 when absent).
drops() { vsw_json "j[0][\"stats\"][\"drops\"].get(\"$2\", 0)" -s port show sw0 dev "$1"; }
policy_drops() { echo $(( $(drops web-p policy) + $(drops app-p policy) + $(drops db-p policy) )); }
# ctr ID FIELD: sessions, packets or bytes of rule ID (0: the default's)
ctr() {
	if [ "$1" = 0 ]; then
		vsw_json "j[\"default_$2\"]" policy show sw0
	else
		vsw_json "[r[\"$2\"] for r in j[\"rules\"] if r[\"id\"] == $1][0]" policy show sw0
	fi
}
entries() { conntrack -L -w "$(sw ct_zone)" "$@" 2> /dev/null; }
# acct SRC DST DPORT: "PACKETS BYTES" conntrack counted for those TCP
# connections, both ways
acct() {
	entries -p tcp -s "$1" -d "$2" --dport "$3" |
		awk '{ for (i = 1; i <= NF; i++) {
			if ($i ~ /^packets=/) p += substr($i, 9)
			if ($i ~ /^bytes=/) b += substr($i, 7) } }
		END { print p + 0, b + 0 }'
}
tcp_ok() { ip netns exec "$1" "$PY" "$TCP" connect "$2" "$3"; }
tcp_fails() { ! FW_TIMEOUT=4 ip netns exec "$1" "$PY" "$TCP" connect "$2" "$3"; }

ip netns exec app "$PY" "$TCP" serve 8080 > "$TMPD/serve-app" 2>&1 & PIDS+=($!)
ip netns exec db "$PY" "$TCP" serve 5432 8080 > "$TMPD/serve-db" 2>&1 & PIDS+=($!)
ip netns exec web "$PY" "$TCP" serve 8080 > "$TMPD/serve-web" 2>&1 & PIDS+=($!)
srv_up() { grep -q listening "$TMPD/serve-app" && grep -q listening "$TMPD/serve-db" && grep -q listening "$TMPD/serve-web"; }
poll "$(wait_scaled 60)" srv_up || tap_bail "echo servers: $(cat "$TMPD"/serve-*)"

# ---- A ----
chk_apply() {
	local gen0 fw id gen
	gen0=$(sw policy_gen)
	vswctl policy apply sw0 "$TMPD/3tier.json" || return
	fw=$(sw firewall) id=$(sw policy_id) gen=$(sw policy_gen)
	vswctl policy show sw0 | sed 's/^/# /'
	diag "firewall $fw policy $id gen $gen0 -> $gen"
	[ "$fw" = True ] && [ "$id" -gt 0 ] && [ "$gen" -gt "$gen0" ]
}
tap_check "A: policy apply sw0 3tier.json: the firewall on, a policy program attached, a new generation" chk_apply

# ---- 3 ----
D0=$(policy_drops)
# the flow log, from a denied ping it logged on
vswctl -j monitor flows > "$TMPD/flows" 2> "$TMPD/flows.err" & PIDS+=($!)
logged() {
	ip netns exec web ping -c 1 -W 1 10.3.2.1 > /dev/null
	grep -q '"event":"drop"' "$TMPD/flows"
}
poll "$(wait_scaled 60)" logged || tap_bail "no flow log: $(cat "$TMPD/flows" "$TMPD/flows.err")"
F0=$(wc -l < "$TMPD/flows") P0=$(policy_drops)
chk_3tier() {
	tcp_ok web 10.3.2.1 8080 || { diag "web -> app:8080 failed"; return 1; }
	tcp_ok web 10.3.2.1 8080 || { diag "web -> app:8080 (2nd) failed"; return 1; }
	tcp_ok app 10.3.3.1 5432 || { diag "app -> db:5432 failed"; return 1; }
	tcp_fails web 10.3.3.1 5432 || { diag "web -> db:5432 passed"; return 1; }
	tcp_fails app 10.3.1.1 8080 || { diag "app -> web:8080 (reverse) passed"; return 1; }
	tcp_fails db 10.3.2.1 8080 || { diag "db -> app:8080 passed"; return 1; }
	! ip netns exec web ping -c 1 -W 3 10.3.2.1 > /dev/null || { diag "ping web -> app passed"; return 1; }
}
tap_check "3: web -> app:8080 and app -> db:5432 work both ways; web -> db, app -> web, db -> app, ping do not" chk_3tier

# ---- K ----
chk_counters() {
	local s10 s20 s0 d1 c10 c20 k10 k20 p0
	# the connections' last segments (FIN, ACK) may still be on their way
	same() { [ "$(ctr 10 packets) $(ctr 10 bytes)" = "$(acct 10.3.1.1 10.3.2.1 8080)" ] &&
		[ "$(ctr 20 packets) $(ctr 20 bytes)" = "$(acct 10.3.2.1 10.3.3.1 5432)" ]; }
	poll "$(wait_scaled 10)" same
	vswctl policy show sw0 | sed 's/^/# /'
	entries -p tcp | sed 's/^/# /'
	s10=$(ctr 10 sessions) s20=$(ctr 20 sessions) s0=$(ctr 0 sessions) d1=$(policy_drops)
	c10=$(acct 10.3.1.1 10.3.2.1 8080) c20=$(acct 10.3.2.1 10.3.3.1 5432)
	k10="$(ctr 10 packets) $(ctr 10 bytes)" k20="$(ctr 20 packets) $(ctr 20 bytes)"
	p0=$(ctr 0 packets)
	diag "sessions: rule 10 $s10, rule 20 $s20, default $s0; switch policy drops $D0 -> $d1"
	diag "packets bytes: rule 10 $k10 (conntrack: $c10), rule 20 $k20 (conntrack: $c20), default packets $p0"
	# unicast frames: one decision per connection; every denied SYN and
	# ping (retransmits too) is a decision of the default, and a drop
	[ "$s10" = 2 ] && [ "$s20" = 1 ] && [ "$s0" -ge 4 ] &&
		[ "$s0" = $((d1 - D0)) ] && [ "$p0" = "$s0" ] &&
		[ "${c10%% *}" -ge 10 ] && [ "$k10" = "$c10" ] &&
		[ "${c20%% *}" -ge 5 ] && [ "$k20" = "$c20" ]
}
tap_check "K: policy show: rule 10 counted 2 connections, rule 20 one, with conntrack's packets and bytes; the default = the switch's policy drops" chk_counters

# ---- L ----
# flows EXPR: the Python value of EXPR over the flow events logged since
# F0 (ev: the list of them, as dicts)
flows() {
	tail -n +$((F0 + 1)) "$TMPD/flows" |
		"$PY" -c 'import json, sys; ev = [json.loads(l) for l in sys.stdin if l.strip()]; print('"$1"')'
}
chk_flowlog() {
	local p1 a10 a20 drops
	p1=$(policy_drops)
	tail -n +$((F0 + 1)) "$TMPD/flows" | sed 's/^/# /'
	a10=$(flows 'sorted(set((e["in_dev"], e["out_dev"], e["dport"]) for e in ev if e["event"] == "allow" and e["rule"] == 10))')
	a20=$(flows 'sorted(set((e["in_dev"], e["out_dev"], e["dport"]) for e in ev if e["event"] == "allow" and e["rule"] == 20))')
	drops=$(flows 'len([e for e in ev if e["event"] == "drop" and e["reason"] == "policy" and e["rule"] == 0])')
	diag "allow 10: $(flows 'len([e for e in ev if e["event"] == "allow" and e["rule"] == 10])') $a10; allow 20: $(flows 'len([e for e in ev if e["event"] == "allow" and e["rule"] == 20])') $a20; policy drops logged $drops, counted $P0 -> $p1"
	[ "$(flows 'len([e for e in ev if e["event"] == "allow" and e["rule"] == 10])')" = 2 ] &&
		[ "$a10" = "[('web-p', 'app-p', 8080)]" ] &&
		[ "$(flows 'len([e for e in ev if e["event"] == "allow" and e["rule"] == 20])')" = 1 ] &&
		[ "$a20" = "[('app-p', 'db-p', 5432)]" ] &&
		[ "$drops" -ge 4 ] && [ "$drops" = $((p1 - P0)) ]
}
tap_check "L: the flow log: an allow event per allowed connection (ports, port, rule), a drop event per policy drop" chk_flowlog

# ---- R ----
chk_rate() {
	local f1 p1 l1 p2 l2 sent lost
	vswctl switch set sw0 flow-log-rate 3 || return
	f1=$(wc -l < "$TMPD/flows") p1=$(policy_drops) l1=$(sw flow_log_lost)
	ip netns exec web ping -c 40 -i 0.002 -W 1 10.3.2.1 > /dev/null
	# one more, a second later: it goes, and says how many were held back
	sleep 1
	ip netns exec web ping -c 1 -W 1 10.3.2.1 > /dev/null
	p2=$(policy_drops) l2=$(sw flow_log_lost)
	# every event held back is counted in the next one sent
	told() { [ "$(F0=$f1 flows 'sum(e.get("lost", 0) for e in ev)')" = $((l2 - l1)) ]; }
	poll "$(wait_scaled 30)" told
	sent=$(F0=$f1 flows 'len([e for e in ev if e["event"] == "drop"])')
	lost=$(F0=$f1 flows 'sum(e.get("lost", 0) for e in ev)')
	diag "drops $p1 -> $p2; events sent $sent, held back $l1 -> $l2, told in events $lost"
	[ $((p2 - p1)) = 41 ] && [ $((l2 - l1)) -gt 0 ] &&
		[ $((sent + l2 - l1)) = 41 ] && [ "$lost" = $((l2 - l1)) ]
}
tap_check "R: flow-log-rate 3, 40 denied pings at once: events sent + held back = drops; the next event says how many" chk_rate

# ---- C ----
chk_ct() {
	local gen
	gen=$(sw policy_gen)
	# fresh connections for C, T and F: the ones of 3 are in TIME_WAIT
	# (120 s), which a loaded machine can outlast by now
	tcp_ok web 10.3.2.1 8080 && tcp_ok app 10.3.3.1 5432 || return
	entries -p tcp | tee "$TMPD/ct" | sed 's/^/# /'
	grep 'src=10.3.1.1 dst=10.3.2.1' "$TMPD/ct" | grep 'dport=8080' | grep -q "mark=$gen " &&
		grep 'src=10.3.2.1 dst=10.3.3.1' "$TMPD/ct" | grep 'dport=5432' | grep -q "mark=$gen " &&
		! grep -q 'src=10.3.1.1 dst=10.3.3.1' "$TMPD/ct"
}
tap_check "C: conntrack -L -w ZONE: the allowed connections, marked with the generation; none for web -> db" chk_ct

# ---- T ----
chk_ct_show() {
	local n
	vswctl ct show sw0 | tee "$TMPD/ctshow" | sed 's/^/# /'
	n=$(entries -p tcp | wc -l)
	grep -q '^tcp .* 10.3.1.1 sport [0-9]* -> 10.3.2.1 dport 8080 in web-p out app-p rule 10 gen ' "$TMPD/ctshow" &&
		grep -q '^tcp .* 10.3.2.1 sport [0-9]* -> 10.3.3.1 dport 5432 in app-p out db-p rule 20 gen ' "$TMPD/ctshow" &&
		[ "$(grep -c '^tcp ' "$TMPD/ctshow")" = "$n" ] || return 1
	vswctl ct show sw0 dev db-p | tee "$TMPD/ctdb" | sed 's/^/# db-p: /'
	vsw_json 'sorted(set((c["in_dev"], c["out_dev"], c["rule"]) for c in j))' ct show sw0 dev db-p > "$TMPD/ctdbj"
	diag "db-p's: $(cat "$TMPD/ctdbj"); conntrack's tcp entries: $n"
	[ "$(cat "$TMPD/ctdbj")" = "[('app-p', 'db-p', 20)]" ]
}
tap_check "T: ct show: each connection with its ports and rule, as many as conntrack lists; dev db-p: db's only" chk_ct_show

# ---- F ----
chk_ct_flush() {
	vswctl ct flush sw0 dev db-p || return
	entries | sed 's/^/# /'
	! entries | grep -q 'dst=10.3.3.1' && entries | grep -q 'src=10.3.1.1 dst=10.3.2.1'
}
tap_check "F: ct flush sw0 dev db-p: db's connections gone from conntrack, web's to app kept" chk_ct_flush

# ---- B ----
chk_bad() {
	local id0 gen0 out
	id0=$(sw policy_id) gen0=$(sw policy_gen)
	sed 's/"to": "db"/"to": "dbb"/' "$TMPD/3tier.json" > "$TMPD/bad1.json"
	out=$(vswctl policy apply sw0 "$TMPD/bad1.json" 2>&1) && return 1
	diag "$out"
	echo "$out" | grep -q "bad1.json:12:38: to: unknown group \"dbb\"" || return 1
	sed 's/"id": 20,/"id": 20, "priority": 1,/; s/"id": 10,/"id": 10, "priority": 1,/' \
		"$TMPD/3tier.json" > "$TMPD/bad2.json"
	out=$(vswctl policy apply sw0 "$TMPD/bad2.json" 2>&1) && return 1
	diag "$out"
	echo "$out" | grep -q "bad2.json:12:5: priority 1 is also the priority of the rule at line 10" || return 1
	sed 's/"ports": \[5432\]/"ports": ["5432-5400"]/' "$TMPD/3tier.json" > "$TMPD/bad3.json"
	out=$(vswctl policy apply sw0 "$TMPD/bad3.json" 2>&1) && return 1
	diag "$out"
	echo "$out" | grep -q "bad3.json:12:70: port range \"5432-5400\" is backwards" || return 1
	diag "policy $id0 gen $gen0 -> $(sw policy_id) gen $(sw policy_gen)"
	[ "$(sw policy_id)" = "$id0" ] && [ "$(sw policy_gen)" = "$gen0" ] &&
		tcp_ok web 10.3.2.1 8080
}
tap_check "B: bad files refused with file:line:column (unknown group, equal priorities, backwards range); the policy stays and works" chk_bad

# ---- S ----
mkfifo "$TMPD/h8080" "$TMPD/h5432"
exec {H1}<>"$TMPD/h8080" {H2}<>"$TMPD/h5432"
FW_TIMEOUT=10 ip netns exec web "$PY" "$TCP" hold 10.3.2.1 8080 <&$H1 > "$TMPD/hold8080" 2>&1 & PIDS+=($!)
FW_TIMEOUT=10 ip netns exec app "$PY" "$TCP" hold 10.3.3.1 5432 <&$H2 > "$TMPD/hold5432" 2>&1 & PIDS+=($!)
held() { grep -q up "$TMPD/hold8080" && grep -q up "$TMPD/hold5432"; }
chk_swap() {
	local cut0 cut1 id0
	poll "$(wait_scaled 60)" held || { diag "held: $(cat "$TMPD"/hold*)"; return 1; }
	cut0=$(drops db-p policy_cut) id0=$(sw policy_id)
	# rule 20 left out
	"$PY" -c 'import json, sys; p = json.load(open(sys.argv[1])); p["rules"] = p["rules"][:1]; print(json.dumps(p))' \
		"$TMPD/3tier.json" > "$TMPD/2tier.json" || return
	vswctl policy apply sw0 "$TMPD/2tier.json" || return
	echo after >&$H1
	echo after >&$H2
	poll "$(wait_scaled 60)" grep -q echo "$TMPD/hold8080" || { diag "8080: $(cat "$TMPD/hold8080")"; return 1; }
	poll "$(wait_scaled 60)" grep -q none "$TMPD/hold5432" || { diag "5432: $(cat "$TMPD/hold5432")"; return 1; }
	cut1=$(drops db-p policy_cut)
	diag "policy $id0 -> $(sw policy_id); 8080: $(tr '\n' ' ' < "$TMPD/hold8080"); 5432: $(tr '\n' ' ' < "$TMPD/hold5432"); db-p policy_cut $cut0 -> $cut1"
	[ "$cut1" -gt "$cut0" ] && [ "$(sw policy_id)" != "$id0" ] &&
		! entries -p tcp --dport 5432 | grep -q ESTABLISHED
}
tap_check "S: a new policy without app -> db: the held web -> app connection echoes, the app -> db one is cut" chk_swap

# ---- J ----
chk_reject() {
	local r0 r1 u0 out
	"$PY" -c '
import json, sys
p = json.load(open(sys.argv[1]))
p["rules"] += [{"id": 30, "from": "web", "to": "db", "proto": "tcp", "ports": [5432], "action": "reject"},
               {"id": 31, "from": "web", "to": "db", "proto": "udp", "action": "reject"}]
print(json.dumps(p))' "$TMPD/3tier.json" > "$TMPD/reject.json" || return
	vswctl policy apply sw0 "$TMPD/reject.json" || return
	r0=$(drops db-p policy_reject) u0=$(vsw_icmp_unreach web)
	# refused, not timed out: the reset came back
	out=$(FW_TIMEOUT=30 ip netns exec web "$PY" "$TCP" connect 10.3.3.1 5432 2>&1) && return 1
	diag "web -> db:5432: $out"
	echo "$out" | grep -q "Connection refused" || return 1
	ip netns exec web "$PY" -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("10.3.3.1", 53))' || return
	u_at_least() { [ "$(vsw_icmp_unreach web)" -ge "$1" ]; }
	poll "$(wait_scaled 30)" u_at_least $((u0 + 1))
	r1=$(drops db-p policy_reject)
	vswctl policy show sw0 | sed 's/^/# /'
	diag "db-p policy_reject $r0 -> $r1; web's InDestUnreachs $u0 -> $(vsw_icmp_unreach web)"
	[ $((r1 - r0)) = 2 ] && [ "$(vsw_icmp_unreach web)" = $((u0 + 1)) ] &&
		[ "$(ctr 30 sessions) $(ctr 30 packets)" = "1 1" ] &&
		[ "$(ctr 31 sessions) $(ctr 31 packets) $(ctr 31 bytes)" = "1 1 29" ]
}
tap_check "J: reject rules: TCP refused at once (the switch's reset), UDP answered with a port unreachable, each counted policy-reject and under its rule" chk_reject

# ---- X ----
chk_ext() {
	local s0 s1 d0 d1
	vswctl policy apply sw0 "$TMPD/3tier.json" || return
	s0=$(ctr 10 sessions) d0=$(drops db-p policy)
	FW_DSTOPTS=1 tcp_ok web fd03::2:1 8080 || { diag "web -> app:8080 over IPv6 with a destination options header failed"; return 1; }
	FW_DSTOPTS=1 tcp_fails web fd03::3:1 5432 || { diag "web -> db:5432 over IPv6 with a destination options header passed"; return 1; }
	s1=$(ctr 10 sessions) d1=$(drops db-p policy)
	entries -f ipv6 -p tcp 2> /dev/null | sed 's/^/# /'
	diag "rule 10 sessions $s0 -> $s1; db-p policy drops $d0 -> $d1"
	[ "$s1" -gt "$s0" ] && [ "$d1" -gt "$d0" ] &&
		entries -f ipv6 -p tcp --dport 8080 | grep -q 'dst=fd03::2:1'
}
tap_check "X: over IPv6 with a destination options header, web -> app:8080 works under rule 10, web -> db:5432 is denied" chk_ext

tap_done
