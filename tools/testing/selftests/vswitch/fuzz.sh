#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fuzz.sh - the vswitch generic netlink family under a fuzzer (nlfuzz.c)
#
# nlfuzz runs in a namespace of its own with three veth pairs, whose six
# devices it attaches to and detaches from switches of a small name pool,
# and three devices a port add must refuse or undo: a VRF (it takes no rx
# handler), a bridge's port (enslaved) and a bridge.
#
#   1  as root, FUZZ_COUNT requests (default 100000; 10000 on a debug
#      kernel, where a request takes 10 to 50 times as long; FUZZ_SEED
#      replays a run): nlfuzz exits 0, i.e. every rejection carried an
#      extack message but those the netlink/genetlink core makes before
#      the family's code runs, which nlfuzz classifies by errno and cause;
#      an ENOENT points at the switch-name exactly when the switch is
#      missing; sampled rejected admin requests changed nothing dumps show
#   2  the fuzz reached the state-changing paths: `ip monitor link` saw
#      internal devices come and go and the veths turn promiscuous
#   3  nlfuzz's cleanup left nothing: no switch (vswctl switch show), no
#      internal device, no promiscuous veth (ip link)
#   4  without CAP_NET_ADMIN (capsh --drop), FUZZ_UNPRIV_COUNT requests
#      (default 5000; 1000 on a debug kernel) on a namespace with
#      switches, ports and fdb entries: nlfuzz -U exits 0, i.e. every
#      admin-perm command was refused with EPERM (or by a core check that
#      comes first)
#   5  ... and nothing changed: vswctl switch/port/fdb show and ip -d link
#      are the same before and after
#   6  the kernel still works: a new switch carries ping between two VMs
#   7  nlfuzz can fail: against nlctrl, whose getfamily refuses an empty
#      request without an extack message, it exits 1 and prints it

source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/vsw.sh"
set -e

NLFUZZ=$VHV_ROOT/tools/testing/selftests/vswitch/nlfuzz
[ -x "$NLFUZZ" ] || tap_bail "nlfuzz is not built: $NLFUZZ"
# debug kernels (kmemleak, KASAN, lockdep: make check-debug) are much slower
if [ -e /sys/kernel/debug/kmemleak ]; then
	COUNT=${FUZZ_COUNT:-10000} UCOUNT=${FUZZ_UNPRIV_COUNT:-1000}
else
	COUNT=${FUZZ_COUNT:-100000} UCOUNT=${FUZZ_UNPRIV_COUNT:-5000}
fi
SEED=${FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
NS=vswfz-$$
DEVS=(fzva0 fzvb0 fzva1 fzvb1 fzva2 fzvb2 fzvrf fzbr fzvc0 fzvd0)
TMPD=$(mktemp -d)
MON_PID=
T0=$EPOCHREALTIME

# phase WHAT: a comment with the time since the start (where the time goes)
phase() { diag "--- $* (at $(awk -v a="$T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')s)"; }

cleanup() {
	set +e
	[ -z "$MON_PID" ] || kill "$MON_PID" 2>/dev/null
	# (switches left by a failure go with the namespace)
	ip netns del "$NS" 2>/dev/null
	vsw_cleanup
	rm -rf "$TMPD"
}
trap cleanup EXIT

tap_plan 7

# The fuzz namespace. No IPv6: nothing sends on its own (with both ends
# of a veth pair on one switch, a stray multicast would go round forever).
ip netns add "$NS"
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
for i in 0 1 2; do
	ip -n "$NS" link add "fzva$i" type veth peer name "fzvb$i"
	ip -n "$NS" link set "fzva$i" up
	ip -n "$NS" link set "fzvb$i" up
done
ip -n "$NS" link add fzvrf type vrf table 100
ip -n "$NS" link add fzbr type bridge
ip -n "$NS" link add fzvc0 type veth peer name fzvd0
ip -n "$NS" link set fzvc0 master fzbr

# ---- 1-3: as root ----------------------------------------------------------
phase "fuzz as root"

ip -d -n "$NS" monitor link > "$TMPD/mon" 2>&1 &
MON_PID=$!
__monitor_ready() {
	ip -n "$NS" link set fzvb2 mtu $((1400 + RANDOM % 50))
	grep -q 'fzvb2.*mtu 14' "$TMPD/mon"
}
wait_for "ip monitor to report a change" 30 __monitor_ready

diag "nlfuzz -n $COUNT -s $SEED ${DEVS[*]} (in namespace $NS)"
start=$EPOCHREALTIME
rc=0
ip netns exec "$NS" "$NLFUZZ" -n "$COUNT" -s "$SEED" -v "${DEVS[@]}" > "$TMPD/fuzz.out" 2>&1 || rc=$?
diag "nlfuzz: exit $rc after $(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')s"
grep -v '^extack ' "$TMPD/fuzz.out" | sed 's/^/# /'
if [ "$rc" = 0 ]; then
	tap_ok "root: $COUNT requests, every rejection with an extack message or classified as core (seed $SEED)"
else
	diag "replay: FUZZ_SEED=$SEED FUZZ_COUNT=$COUNT, or: ip netns exec NS $NLFUZZ -n $COUNT -s $SEED ${DEVS[*]}"
	diag "extack messages seen:"
	grep '^extack ' "$TMPD/fuzz.out" | sed 's/^/#   /'
	tap_notok "root: $COUNT requests, every rejection with an extack message or classified as core (seed $SEED)"
fi

phase "fuzz done"
kill "$MON_PID" 2>/dev/null || true
wait "$MON_PID" 2>/dev/null || true
MON_PID=
n_new=$(grep -cE '^[0-9]+: fz(-sw\.name-15c|_5|[0-3]): ' "$TMPD/mon" || true)
n_del=$(grep -cE '^Deleted [0-9]+: fz(-sw\.name-15c|_5|[0-3]): ' "$TMPD/mon" || true)
# (-d: "promiscuity N" is on the line after the device's)
n_promisc=$(awk '/^[0-9]+: / { dev = $2 } /promiscuity [1-9]/ && dev ~ /^fzv[ab][0-2]@/ { n++ } END { print n + 0 }' "$TMPD/mon")
diag "ip monitor link: $n_new internal device events, $n_del internal devices deleted, $n_promisc events of a promiscuous veth"
tap_check "root: the fuzz created and deleted internal devices and attached veths (ip monitor)" \
	test "$n_new" -gt 0 -a "$n_del" -gt 0 -a "$n_promisc" -gt 0

left_sw=$("$VSWCTL" -n "$NS" switch show 2>&1)
left_dev=$(ip -n "$NS" -br link show | awk '$1 !~ /^(lo|fzvrf|fzbr|fz(v[ab][0-2]|vc0|vd0)@.*)$/')
# (fzvc0 is promiscuous as a bridge port)
promisc=$(ip -n "$NS" -d link show | awk '/^[0-9]+: / { dev = $2 } /promiscuity [1-9]/ && dev !~ /^fzvc0@/ { print dev }')
diag "after cleanup: switches [${left_sw}], other devices [${left_dev}], promiscuous [${promisc}]"
tap_check "root: nothing left after nlfuzz's cleanup (vswctl switch show, ip link)" \
	test -z "$left_sw$left_dev$promisc"

# ---- 4-5: without CAP_NET_ADMIN ------------------------------------------
phase "without CAP_NET_ADMIN"

# in_ns SCRIPT: bash commands in the fuzz namespace ($V: vswctl), one exec
in_ns() { ip netns exec "$NS" bash -ec "V=$VSWCTL; $1"; }
in_ns '
	$V switch add fz0 internal ageing 60 fdb-max 100
	$V switch add fz1
	$V port add fz0 dev fzva0 mac 02:f2:00:00:00:01 ip 10.0.0.1 security on
	$V port add fz0 dev fzva1 uplink vlan forward
	$V port add fz1 dev fzvb2 id 7 dhcp-guard on segment 3 group 9
	$V fdb add fz0 02:f2:00:00:00:05 port 1 static
	$V fdb add fz1 02:f2:00:00:00:06 port 7 static'

# what a user sees: the switches' state (no counters) and the devices
snapshot() {
	in_ns '$V switch show; $V port show; $V fdb show fz0; $V fdb show fz1; ip -d link show'
}
snapshot > "$TMPD/before" 2>&1

diag "capsh --drop=cap_net_admin -- nlfuzz -U -n $UCOUNT -s $SEED"
rc=0
ip netns exec "$NS" capsh --drop=cap_net_admin -- -c \
	"exec $NLFUZZ -U -n $UCOUNT -s $SEED ${DEVS[*]}" > "$TMPD/unpriv.out" 2>&1 || rc=$?
diag "nlfuzz -U: exit $rc"
sed 's/^/# /' "$TMPD/unpriv.out"
tap_check "no CAP_NET_ADMIN: every admin command refused with EPERM (nlfuzz -U, $UCOUNT requests)" test "$rc" = 0

snapshot > "$TMPD/after" 2>&1
if cmp -s "$TMPD/before" "$TMPD/after"; then
	tap_ok "no CAP_NET_ADMIN: nothing changed (vswctl show, ip -d link)"
else
	diff "$TMPD/before" "$TMPD/after" | sed 's/^/# /'
	tap_notok "no CAP_NET_ADMIN: nothing changed (vswctl show, ip -d link)"
fi
in_ns '$V switch del fz0; $V switch del fz1'

# ---- 6: the kernel still works -------------------------------------------
phase "sanity"

SW=fzok$$
vsw_switch "$SW"
vsw_vm "$SW" "fz$$a" 10.77.0.1/24
vsw_vm "$SW" "fz$$b" 10.77.0.2/24
tap_check "the kernel still works: ping between two VMs on a new switch" \
	ip netns exec "fz$$a" ping -c 3 -i 0.05 -W 30 -q 10.77.0.2

# ---- 7: the fuzzer can fail ------------------------------------------------
phase "nlctrl"

rc=0
"$NLFUZZ" -f nlctrl -n 300 -s 1 -m 1 > "$TMPD/nlctrl.out" 2>&1 || rc=$?
tail -n 4 "$TMPD/nlctrl.out" | sed 's/^/# /'
n=$(grep -c '^offending request 1: .*without extack' "$TMPD/nlctrl.out" || true)
tap_check "nlfuzz fails a family that refuses without an extack message (nlctrl: exit 1, request printed)" \
	test "$rc" = 1 -a "$n" = 1

phase "end"
tap_done
