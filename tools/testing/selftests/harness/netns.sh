#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Harness smoke test: two network namespaces ping each other over a veth pair.
source "$(dirname "$0")/../lib.sh"
set -e
A=vhv-a-$$ B=vhv-b-$$
cleanup() { ip netns del "$A" 2>/dev/null || true; ip netns del "$B" 2>/dev/null || true; }
trap cleanup EXIT

tap_plan 3
ip netns add "$A"
ip netns add "$B"
ip -n "$A" link add veth0 type veth peer name veth1 netns "$B"
ip -n "$A" addr add 192.0.2.1/24 dev veth0
ip -n "$B" addr add 192.0.2.2/24 dev veth1
ip -n "$A" link set veth0 up
ip -n "$B" link set veth1 up
# Both ends up before the first ping: a slow machine must not turn into a
# lost echo request.  The wait reports what the links looked like.
__links_up() {
	local a b
	a=$(ip -n "$A" -br link show veth0 | awk '{ print $2 }')
	b=$(ip -n "$B" -br link show veth1 | awk '{ print $2 }')
	WAIT_SEEN="veth0 (in $A) $a, veth1 (in $B) $b"
	[ "$a" = UP ] && [ "$b" = UP ]
}
wait_for "veth0 and veth1 to be UP" 60 __links_up
rx_packets() {
	ip -n "$B" -s -j link show veth1 |
		python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["rx"]["packets"])'
}
rx0=$(rx_packets)
tap_check "ping A -> B over veth" ip netns exec "$A" ping -c 3 -W 30 -q 192.0.2.2
tap_check "ping B -> A over veth" ip netns exec "$B" ping -c 2 -W 30 -q 192.0.2.1
# Ground truth that the packets crossed the pair: the peer's rx counter saw
# at least the three echo requests and the two replies.
rx1=$(rx_packets)
diag "veth1 rx packets: $rx0 -> $rx1"
tap_check "peer counted the packets" test $((rx1 - rx0)) -ge 5
tap_done
