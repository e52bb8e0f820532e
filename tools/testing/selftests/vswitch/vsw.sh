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
vsw_vm() {
	local sw=$1 name=$2 addr=$3
	shift 3
	vsw_netns "$name" || return
	ip link add "$name-p" type veth peer name eth0 netns "$name" || return
	ip -n "$name" addr add "$addr" dev eth0 nodad || return
	ip -n "$name" link set eth0 up || return
	ip link set "$name-p" up || return
	"$VSWCTL" port add "$sw" dev "$name-p" "$@"
}

# vsw_mac NS [DEV]: the MAC address of DEV (default eth0) in namespace NS.
vsw_mac() { ip netns exec "$1" cat "/sys/class/net/${2:-eth0}/address"; }

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

# vsw_counters SWITCH [IFNAME...]: the counters of SWITCH and of its ports
# IFNAME, one "NAME VALUE" line each: rx_packets, tx_packets, ... and every
# drop reason as drop_REASON (vswctl -j names: drop_mac_spoof); a port's
# names start with "IFNAME.". One python for all of them: e.g.
#   declare -A c; while read -r k v; do c[$k]=$v; done < <(vsw_counters sw0 a-p)
#   echo "${c[drop_malformed]} ${c[a-p.rx_packets]}"
vsw_counters() {
	$PY - "$VSWCTL" "$@" <<'PY'
import json, subprocess, sys
vswctl, sw = sys.argv[1:3]
for dev in [None] + sys.argv[3:]:
    args = ["port", "show", sw, "dev", dev] if dev else ["switch", "show", sw]
    out = subprocess.run([vswctl, "-j", "-s"] + args, check=True,
                         stdout=subprocess.PIPE).stdout
    pfx = dev + "." if dev else ""
    for k, v in json.loads(out)[0]["stats"].items():
        if k == "drops":
            for r, n in v.items():
                print("%sdrop_%s %d" % (pfx, r, n))
        else:
            print("%s%s %d" % (pfx, k, v))
PY
}

# vsw_cleanup: remove what the helpers made (namespaces take their veths).
vsw_cleanup() {
	local n
	for n in "${VSW_NETNS[@]}"; do
		ip netns del "$n" 2>/dev/null || true
	done
	for n in "${VSW_SWITCHES[@]}"; do
		"$VSWCTL" switch del "$n" 2>/dev/null || true
	done
}
