#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# cli.sh - command-line tests of vswctl and vswitch-ifup (TAP 13)
#
#   cli.sh VSWCTL IFUP [JSON_FILE]
#
# Exit codes (0 ok, 1 kernel or runtime error, 2 usage), help at every
# level, usage errors on stderr before any socket is opened, the printers'
# JSON (JSON_FILE, written by test_vswctl) parsed by python3, the man
# page, and vswitch-ifup against stand-ins for ip(8) and vswctl. Nothing
# here needs the vswitch module or changes the host.
set -u

BIN=$(realpath "$1")
IFUP=$(realpath "$2")
JSON=${3:-}
HERE=$(cd "$(dirname "$0")" && pwd)
MAN=$HERE/../../../Documentation/man/vswctl.8
TOOL=vswctl
# shellcheck source=SCRIPTDIR/../../tests/tap-cli.sh
. "$HERE/../../tests/tap-cli.sh"

# ------------------------------------------------------------------ vswctl
check "no arguments: usage, exit 2" usage
check "unknown option: exit 2" usage -x switch show
check "-n without a namespace: exit 2" eval 'usage -n && err_has "option \"-n\" needs a value"'
check "-n with a path: exit 2" eval 'usage -n ../x switch show && err_has "is not a network namespace name"'
check "-n of a namespace that does not exist: exit 1, names it" \
	eval 'status 1 -n vswctl-no-such-ns switch show && out_empty && err_has "^vswctl: network namespace \"vswctl-no-such-ns\": "'
check "unknown object: exit 2" usage bridge show
check "objects are not abbreviated: exit 2" usage sw show
check "unknown command: exit 2" usage switch create sw0
check "commands are not abbreviated: exit 2" usage port sh
check "options after the object are arguments: exit 2" usage switch show -j
check "help" help help
check "-h" help -h
check "--help" help --help
for o in switch port fdb stats policy ct monitor; do
	check "$o help" help "$o" help
	check "$o help: its own usage" out_has "vswctl (\[-s\] )?$o "
done
check "switch add help: help at the command level too" help switch add help
check "port add sw0 dev tap0 help: help after arguments" help port add sw0 dev tap0 help
check "-V: version" eval 'status 0 -V && out_has "^vswctl [0-9.]+ \(vswitch family version 1\)$"'
check "--version" status 0 --version
check "bad MAC: exit 2, names the value" \
	eval 'usage port add sw0 dev tap0 mac 52:54:00:12:34 && err_has "invalid mac \"52:54:00:12:34\""'
check "bad address: exit 2" usage port add sw0 dev tap0 ip 10.0.0.0/24
check "ninth IPv6 address: exit 2" usage port add sw0 dev tap0 \
	ip ::1 ip ::2 ip ::3 ip ::4 ip ::5 ip ::6 ip ::7 ip ::8 ip ::9
check "value out of range: exit 2" usage switch add sw0 ageing 9
check "missing value: exit 2" usage switch add sw0 fdb-max
check "fdb add without a port: exit 2" usage fdb add sw0 52:54:00:12:34:56

# policy: usage errors; check needs no kernel
check "policy apply without a file: exit 2" \
	eval 'usage policy apply sw0 && err_has "a policy file is required"'
check "policy show without a switch: exit 2" \
	eval 'usage policy show && err_has "a switch name is required"'
check "policy check with two files: exit 2" usage policy check a.json b.json
cat > "$TMP/ok.json" <<'JSON'
{ "groups": { "web": { "ports": ["tap1"], "prefixes": ["10.1.0.0/24", "fd00:1::/64"] },
              "app": { "ports": ["tap2", "tap3"] } },
  "rules": [ { "from": "web", "to": "app", "proto": "tcp", "ports": [8080, "9000-9010"],
               "action": "allow" } ] }
JSON
check "policy check FILE: what it holds, exit 0" \
	eval 'status 0 policy check "$TMP/ok.json" &&
	      out_has "ok.json: groups 2 ports 3 prefixes 2 rules 1 default deny trie-entries 4$"'
check "policy check -j: the same in JSON" \
	eval 'status 0 -j policy check "$TMP/ok.json" &&
	      python3 -c "import json,sys; d = json.load(open(sys.argv[1])); assert d[\"rules\"] == 1 and d[\"trie_entries\"] == 4, d" "$TMP/out"'
sed 's/"to": "app"/"to": "ap"/' "$TMP/ok.json" > "$TMP/bad.json"
check "policy check of a bad file: exit 1, FILE:LINE:COLUMN: message" \
	eval 'status 1 policy check "$TMP/bad.json" && out_empty &&
	      err_has "^vswctl: .*bad.json:3:37: to: unknown group \"ap\"$"'
check "ct show without a switch: exit 2" usage ct show
check "ct flush dev without a name: exit 2" \
	eval 'usage ct flush sw0 dev && err_has "option \"dev\" needs a value"'
check "ct show with an extra word: exit 2" usage ct show sw0 dev tap0 all
check "policy check of a missing file: exit 1" \
	eval 'status 1 policy check "$TMP/none.json" && err_has "No such file"'

# Read-only: without the module, a clear message and exit 1; with it, 0.
family_absent() {
	if [ -e /sys/module/vswitch ]; then
		status 0 -j switch show
	else
		status 1 switch show && out_empty &&
		err_has '^vswctl: generic netlink family "vswitch" not found \(is the vswitch module loaded\?\)$'
	fi
}
check "switch show: exit 1 and a clear message without the module" family_absent

json_valid() {
	[ -s "$JSON" ] && python3 -c '
import json, sys
docs = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
assert len(docs) >= 10, len(docs)
port = [d for d in docs if "ifindex" in d and "event" not in d][0]
assert port["ip"] == ["10.0.0.2", "2001:db8::2"] and port["vlan"] == "drop", port
assert docs[1]["stats"]["drops"]["mac_spoof"] == 3, docs[1]' "$JSON"
}
check "JSON of every printer parses (python3 json)" json_valid

man_page() {
	[ -r "$MAN" ] || { echo "# no $MAN"; return 1; }
	local w
	w=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$MAN" 2>&1 > /dev/null) || return 1
	[ -z "$w" ] || { echo "$w" | sed 's/^/# /'; return 1; }
}
check "man page renders without warnings" man_page
man_objects() {
	local o
	for o in switch port fdb stats policy ct monitor vswitch-ifup; do
		tr -d '\\' < "$MAN" | grep -q "^\.SS $o " || { echo "# no section for $o"; return 1; }
	done
}
check "man page: a section for every object and the hook" man_objects

# ------------------------------------------------------------- vswitch-ifup
# Stand-ins for ip and vswctl log their arguments; a fake sysfs has the tap.
mkdir -p "$TMP/bin" "$TMP/net/tap0"
echo "fe:54:00:12:34:56" > "$TMP/net/tap0/address"
for tool in ip vswctl; do
	printf '#!/bin/sh\necho "%s $*" >> "%s/log"\nexit ${FAIL_%s:-0}\n' \
		"$tool" "$TMP" "$tool" > "$TMP/bin/$tool"
	chmod +x "$TMP/bin/$tool"
done

# ifup WANT [VAR=VALUE...] -- ARGS...: run vswitch-ifup, check its status
ifup() {
	local want=$1 got env=()
	shift
	while [ "$1" != -- ]; do env+=("$1"); shift; done
	shift
	: > "$TMP/log"
	env -i PATH="$TMP/bin:/usr/bin:/bin" VSWITCH_SYSFS_NET="$TMP/net" \
		VSWITCH_CONF="${CONF:-$TMP/none.conf}" "${env[@]}" \
		sh "$IFUP" "$@" > "$TMP/out" 2> "$TMP/err"
	got=$?
	[ "$got" -eq "$want" ] && return 0
	echo "# vswitch-ifup $*: exit $got, wanted $want"
	sed 's/^/#   /' "$TMP/err"
	return 1
}
logged() { grep -Fxq -- "$1" "$TMP/log" || { echo "# log:"; sed 's/^/#   /' "$TMP/log"; return 1; }; }
: > "$TMP/empty.conf"
CONF=$TMP/empty.conf

check "ifup: no argument: exit 2" eval 'ifup 2 -- && err_has "^Usage: vswitch-ifup IFNAME"'
check "ifup: no such device: exit 1" eval 'ifup 1 VSWITCH_SWITCH=sw0 -- tap9 && err_has "tap9: no such network device"'
check "ifup: no switch configured: exit 1, says where to set it" eval \
	'ifup 1 -- tap0 && err_has "no switch for tap0: set switch= in .*empty.conf or VSWITCH_SWITCH"'
check "ifup: unreadable configuration: exit 1" eval \
	'CONF=$TMP/missing.conf ifup 1 -- tap0 && err_has "cannot read .*missing.conf"'
check "ifup: switch from the environment: tap up, then port add" eval \
	'ifup 0 VSWITCH_SWITCH=sw0 -- tap0 && logged "ip link set dev tap0 up" &&
	 logged "vswctl port add sw0 dev tap0 security off"'
cat > "$TMP/ifup.conf" <<'CONF'
# the switch of this host's VMs
switch = sw1
mac=tap
mac_octet=52
options=vlan drop dhcp-guard on ip 10.0.0.5
CONF
check "ifup: configuration file: MAC from the tap, first octet restored" eval \
	'CONF=$TMP/ifup.conf ifup 0 -- tap0 &&
	 logged "vswctl port add sw1 dev tap0 mac 52:54:00:12:34:56 security on vlan drop dhcp-guard on ip 10.0.0.5"'
check "ifup: the environment overrides the file" eval \
	'CONF=$TMP/ifup.conf ifup 0 VSWITCH_SWITCH=sw2 VSWITCH_MAC=none VSWITCH_OPTIONS=uplink -- tap0 &&
	 logged "vswctl port add sw2 dev tap0 security off uplink"'
check "ifup: an explicit MAC, security forced off" eval \
	'ifup 0 VSWITCH_SWITCH=sw0 VSWITCH_MAC=52:54:00:aa:bb:cc VSWITCH_SECURITY=off -- tap0 &&
	 logged "vswctl port add sw0 dev tap0 mac 52:54:00:aa:bb:cc security off"'
check "ifup: a malformed MAC: exit 1, vswctl not run" eval \
	'ifup 1 VSWITCH_SWITCH=sw0 VSWITCH_MAC=52:54:00:aa:bb -- tap0 &&
	 err_has "is not a MAC address" && ! grep -q vswctl "$TMP/log"'
check "ifup: options are not globbed" eval \
	'touch "$TMP/bin/x1" && (cd "$TMP/bin" && ifup 0 VSWITCH_SWITCH=sw0 "VSWITCH_OPTIONS=group x*" -- tap0) &&
	 logged "vswctl port add sw0 dev tap0 security off group x*"'
check "ifup: vswctl fails: exit 1, names tap and switch" eval \
	'ifup 1 VSWITCH_SWITCH=sw0 FAIL_vswctl=1 -- tap0 &&
	 err_has "tap0 was not added to switch sw0"'
check "ifup: ip fails: exit 1, vswctl not run" eval \
	'ifup 1 VSWITCH_SWITCH=sw0 FAIL_ip=2 -- tap0 && err_has "cannot bring it up" &&
	 ! grep -q vswctl "$TMP/log"'
if command -v shellcheck > /dev/null; then
	check "ifup: shellcheck" shellcheck "$IFUP"
else
	check "ifup: sh -n" sh -n "$IFUP"
fi

echo "1..$n"
[ "$fail" -eq 0 ]
