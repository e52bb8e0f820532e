#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# edges.sh - TCP and ICMP edge cases: vswitch's firewall against a Linux
# bridge with nftables conntrack, in the same boot
#
# Two setups side by side, each with VMs a and b (namespaces whose eth0
# have no address and IPv6 off: their stacks send and answer nothing):
#
#   vswitch  switch ve0, ports ea-p and eb-p, the policy "a -> b: TCP
#            8080, ICMP, ICMPv6 allowed, the rest denied" (vswctl policy
#            apply)
#   bridge   bridge nbr0, ports na-p and nb-p, the same policy written as
#            nftables would have it in the bridge family (nf_conntrack_bridge:
#            "ct state invalid drop", "ct state established,related accept",
#            then the allowed new connections, policy drop)
#
# edges.py crafts each case's frames from a and b (connections opened and
# closed, invalid flag combinations, segments and resets out of the window,
# answers nobody asked for, ICMP and ICMPv6 errors quoting an open
# connection, an unknown one or nothing, fragments whole and overlapping)
# and counts what reaches the other side of each setup.
#
#   one line per case: each frame's fate is the same through both setups,
#   and is what a stateful firewall with that policy should do (the
#   expected count is written in edges.py for each frame, so that a case
#   both setups got wrong the same way still fails)
#
# Differences that are by design are listed in DIFFERENT below, with the
# reason, and in Documentation/vswitch/firewall.rst.

source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/vsw.sh"

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
EDGES=$HERE/edges.py
for t in nft bridge; do
	command -v "$t" > /dev/null || tap_bail "$t is missing (make setup)"
done
modprobe nf_conntrack_bridge || tap_bail "modprobe nf_conntrack_bridge"

# CASE=reason: frames whose fate may differ between the setups, and why.
declare -A DIFFERENT=()

TMPD=$(mktemp -d)
cleanup() {
	set +e
	nft delete table bridge vhvedge 2>/dev/null
	ip link del nbr0 2>/dev/null
	vsw_cleanup
	rm -rf "$TMPD"
}
trap cleanup EXIT

# ---- the vswitch setup ----
vsw_switch ve0 || tap_bail "switch add ve0"
VSW_IPV6=off vsw_vm ve0 ea 10.80.0.1/24 || tap_bail "VM ea"
VSW_IPV6=off vsw_vm ve0 eb 10.80.0.2/24 || tap_bail "VM eb"
cat > "$TMPD/policy.json" <<EOF
{
  "default": "deny",
  "groups": { "a": { "ports": ["ea-p"] }, "b": { "ports": ["eb-p"] } },
  "rules": [
    { "id": 10, "from": "a", "to": "b", "proto": "tcp", "ports": [8080], "action": "allow" },
    { "id": 20, "from": "a", "to": "b", "proto": "icmp", "action": "allow" },
    { "id": 30, "from": "a", "to": "b", "proto": "icmpv6", "action": "allow" }
  ]
}
EOF
vswctl policy apply ve0 "$TMPD/policy.json" || tap_bail "policy apply ve0"

# ---- the bridge setup ----
ip link add nbr0 type bridge || tap_bail "bridge nbr0"
sysctl -qw net.ipv6.conf.nbr0.disable_ipv6=1
for v in na nb; do
	vsw_netns "$v" || tap_bail "netns $v"
	ip netns exec "$v" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	ip link add "$v-p" type veth peer name eth0 netns "$v" || tap_bail "veth $v"
	sysctl -qw "net.ipv6.conf.$v-p.disable_ipv6=1"
	ip link set "$v-p" master nbr0 || tap_bail "$v-p into nbr0"
	ip -n "$v" link set eth0 up
	ip link set "$v-p" up
done
ip link set nbr0 up
nft -f - <<'EOF' || tap_bail "nft: the bridge's ruleset"
table bridge vhvedge {
	chain forward {
		type filter hook forward priority 0; policy drop;
		ether type 0x88b5 accept
		ct state invalid drop
		ct state established,related accept
		iifname "na-p" oifname "nb-p" tcp dport 8080 ct state new accept
		iifname "na-p" oifname "nb-p" meta l4proto { icmp, ipv6-icmp } ct state new accept
	}
}
EOF
for v in ea eb na nb; do ip -n "$v" addr flush dev eth0; done

# ---- the cases ----
"$PY" "$EDGES" ea eb "$(vsw_mac ea)" "$(vsw_mac eb)" > "$TMPD/vsw" 2> "$TMPD/vsw.err" ||
	tap_bail "edges.py through vswitch: $(tail -n3 "$TMPD/vsw.err")"
"$PY" "$EDGES" na nb "$(vsw_mac na)" "$(vsw_mac nb)" > "$TMPD/nft" 2> "$TMPD/nft.err" ||
	tap_bail "edges.py through bridge+nft: $(tail -n3 "$TMPD/nft.err")"
mapfile -t CASES < <(awk '!seen[$1]++ { print $1 }' "$TMPD/vsw")
[ "${#CASES[@]}" -gt 0 ] || tap_bail "edges.py printed no case"
tap_plan "${#CASES[@]}"

# case NAME: both setups, frame by frame.
chk_case() {
	local name=$1 ok=0 n d got exp what nft
	while read -r _ n d got exp what; do
		nft=$(awk -v c="$name" -v n="$n" '$1 == c && $2 == n { print $4 }' "$TMPD/nft")
		diag "$n $d $what: vswitch $got, bridge+nft ${nft:-?}, expected $exp"
		if [ "$got" != "$exp" ]; then
			ok=1
		elif [ "$nft" != "$got" ] && [ -z "${DIFFERENT[$name]:-}" ]; then
			ok=1
		fi
	done < <(awk -v c="$name" '$1 == c' "$TMPD/vsw")
	[ -z "${DIFFERENT[$name]:-}" ] || diag "differs by design: ${DIFFERENT[$name]}"
	return $ok
}
for c in "${CASES[@]}"; do
	check "$c: the same through vswitch and bridge+nft, as expected" chk_case "$c"
done

tap_done
