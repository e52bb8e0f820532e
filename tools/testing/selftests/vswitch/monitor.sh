#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# monitor.sh - `vswctl monitor` shows every change once, in order, with the
# right fields; and vswctl's help and keyword errors.
#
# In a namespace of its own, with `vswctl monitor` (text) and `vswctl -j
# monitor` running, the test creates, changes and deletes a switch, ports
# and fdb entries: static add and del, two addresses learned from a ping
# between two VMs (the ping arriving is the ground truth of the traffic),
# their flush (fdb show empty), a device renamed, a device
# deleted under the switch (its static entry, then its port), port and
# switch deletion.
# Both monitors must print exactly the expected events, in order, with the
# expected fields. A third monitor in another namespace sees that
# namespace's switch and nothing of the first one; the first two see
# nothing of it.
#
# Entries that age out show too (fdb.sh watches its ageing with a monitor).
# `help` at every level exits 0 with the usage on stdout, and bad
# keywords, options and missing words exit 2 with the usage on stderr.

source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/vsw.sh"
set -e

NM=vmo-m-$$
NO=vmo-o-$$
NA=vmo-a-$$
NB=vmo-b-$$
T=$(mktemp -d)
MON_PIDS=()

cleanup() {
	local p
	set +e
	for p in "${MON_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${MON_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	vsw_cleanup
	rm -rf "$T"
}
trap cleanup EXIT

# vswctl in namespace NS.
nsv() {
	local ns=$1
	shift
	"$VSWCTL" -n "$ns" "$@"
}

# quiet_netns NAME: a namespace without IPv6, so that its devices send
# nothing unasked (no router solicitations, MLD, DAD).
quiet_netns() {
	vsw_netns "$1"
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
}

# ---- help and usage errors -------------------------------------------------
HELP=("help" "-h" "--help" "switch help" "switch add help" "port help"
      "port set sw0 help" "fdb help" "fdb add sw0 help" "stats help"
      "stats show sw0 help" "monitor help")
BAD=("bogus" "switch bogus" "port add sw0 dev eth0 bogus" "fdb flush sw0 bogus"
     "monitor bogus" "-x switch show" "fdb" "" "switch set sw0" "port set sw0 dev eth0")
tap_plan $(( ${#HELP[@]} + ${#BAD[@]} + 6 ))
diag "[${SECONDS}s] namespaces"

# ---- the namespaces --------------------------------------------------------
quiet_netns "$NM"
quiet_netns "$NO"
quiet_netns "$NA"
quiet_netns "$NB"
ip -n "$NM" link add a-p type veth peer name eth0 netns "$NA"
ip -n "$NM" link add b-p type veth peer name eth0 netns "$NB"
ip -n "$NO" link add o-p type veth peer name o-q
ip -n "$NA" addr add 10.7.0.1/24 dev eth0
ip -n "$NB" addr add 10.7.0.2/24 dev eth0
MACA=$(vsw_mac "$NA")
MACB=$(vsw_mac "$NB")
# no ARP: nothing but the ping's two frames is learned
ip -n "$NA" neigh replace 10.7.0.2 lladdr "$MACB" dev eth0 nud permanent
ip -n "$NB" neigh replace 10.7.0.1 lladdr "$MACA" dev eth0 nud permanent

mon() {
	local ns=$1 out=$2
	shift 2
	"$VSWCTL" -n "$ns" "$@" monitor > "$T/$out" 2> "$T/$out.err" &
	MON_PIDS+=($!)
}
mon "$NM" text
mon "$NM" json -j
mon "$NO" other -j
WAIT_FILES=("$T/text" "$T/json" "$T/other" "$T/text.err" "$T/json.err")

# sync NS FILE...: a switch made and deleted in NS until its deletion shows
# in every FILE: the monitors listen, and have printed everything before.
SYNC=0
synced() {
	local f
	for f in "$@"; do grep -q "sync$SYNC\\b" "$f" && grep -q "del.*sync$SYNC\\b" "$f" || return 1; done
}
msync() {
	local ns=$1 try
	shift
	# (a monitor still starting misses a sync: the next one, 2 s later)
	for ((try = 0; try < 40; try++)); do
		SYNC=$((SYNC + 1))
		nsv "$ns" switch add "sync$SYNC"
		nsv "$ns" switch del "sync$SYNC"
		if wait_for "sync$SYNC in $*" 2 synced "$@" > /dev/null; then
			return 0
		fi
	done
	diag "sync$SYNC not seen in every one of $*: $(tail -q -n 2 "$@" | paste -sd';')"
	return 1
}
msync "$NM" "$T/text" "$T/json"
msync "$NO" "$T/other"
start_text=$(wc -l < "$T/text")
start_json=$(wc -l < "$T/json")
start_other=$(wc -l < "$T/other")

# ---- what the monitors must show ---------------------------------------------
nsv "$NM" switch add m0 ageing 3600 internal
nsv "$NM" switch set m0 fdb-max 100
nsv "$NM" port add m0 dev a-p
nsv "$NM" port add m0 dev b-p id 7
nsv "$NM" port set m0 dev a-p mac "$MACA" ip 10.7.0.1 security on
nsv "$NM" fdb add m0 02:00:00:00:00:44 dev b-p
nsv "$NM" fdb del m0 02:00:00:00:00:44

LINKS=("$NM a-p" "$NM b-p" "$NA eth0" "$NB eth0")
for l in "${LINKS[@]}"; do
	# shellcheck disable=SC2086
	set -- $l
	ip -n "$1" link set "$2" up
done
links_up() {
	local l
	WAIT_SEEN=
	for l in "${LINKS[@]}"; do
		# shellcheck disable=SC2086
		set -- $l
		WAIT_SEEN+="$2 in $1: $(ip -n "$1" -br link show "$2" | awk '{ print $2 }'); "
	done
	[[ "$WAIT_SEEN" != *DOWN* ]] && [[ "$WAIT_SEEN" != *LOWERLAYER* ]]
}
wait_for "the VMs' links to be up" 60 links_up
check "a ping from VM A to VM B arrives (two addresses learned)" \
	ip netns exec "$NA" ping -c 1 -W 30 -q 10.7.0.2
diag "[${SECONDS}s] help and usage errors"
# (bash builtins only: each case costs one exec, vswctl's)
helps() {
	local rc=0 out= err=
	# shellcheck disable=SC2086
	"$VSWCTL" $1 > "$T/out" 2> "$T/err" || rc=$?
	read -r out < "$T/out" || true
	read -r err < "$T/err" || true
	diag "vswctl $1: exit $rc, $out"
	[ "$rc" = 0 ] && [[ "$out" == "Usage: vswctl "* ]] && [ -z "$err" ] && [ ! -s "$T/err" ]
}
for a in "${HELP[@]}"; do
	check "vswctl $a: exit 0, usage on stdout" helps "$a"
done
usage_err() {
	local rc=0 out= err= l usage=
	# shellcheck disable=SC2086
	"$VSWCTL" $1 > "$T/out" 2> "$T/err" || rc=$?
	read -r err < "$T/err" || true
	diag "vswctl $1: exit $rc, $err"
	while read -r l; do [[ "$l" == "Usage: vswctl "* ]] && usage=1; done < "$T/err"
	[ "$rc" = 2 ] && [ ! -s "$T/out" ] && [[ "$err" == "vswctl: "* ]] && [ -n "$usage" ]
}
for a in "${BAD[@]}"; do
	check "vswctl ${a:-(nothing)}: exit 2, message and usage on stderr" usage_err "$a"
done

fdb_empty() {
	WAIT_SEEN=$(nsv "$NM" fdb show m0 | tr '\n' ';')
	[ -z "$WAIT_SEEN" ]
}
# and, meanwhile too, another namespace's switch, port and entry: not
# shown in NM
nsv "$NO" switch add o0 internal
nsv "$NO" port add o0 dev o-p
nsv "$NO" fdb add o0 02:00:00:00:00:55 dev o-p
nsv "$NO" switch del o0
diag "[${SECONDS}s] flush"
nsv "$NM" fdb flush m0
check "fdb flush m0: both learned addresses go (fdb show empty)" fdb_empty

# a renamed device: its port shows the new name (a live device cannot be renamed)
ip -n "$NM" link set b-p down
ip -n "$NM" link set b-p name b-q
nsv "$NM" fdb add m0 02:00:00:00:00:45 port 7
ip -n "$NM" link del b-q
nsv "$NM" port del m0 dev a-p
nsv "$NM" switch del m0
msync "$NM" "$T/text" "$T/json"
msync "$NO" "$T/other"

for p in "${MON_PIDS[@]}"; do kill -TERM "$p"; done
st=
for p in "${MON_PIDS[@]}"; do rc=0; wait "$p" || rc=$?; st+=" $rc"; done
MON_PIDS=()
diag "monitors' exit statuses:$st"
check "the monitors exit 0 on SIGTERM, with nothing on stderr" \
	eval '[ "$st" = " 0 0 0" ] && ! [ -s "$T/text.err" ] && ! [ -s "$T/json.err" ] && ! [ -s "$T/other.err" ]'

# The expected events: JSON event name, fields of its object, the text
# line (a regular expression). Those with the same group may come in any
# order among themselves (the two learned addresses go in one flush, in
# the table's order).
cat > "$T/expect.py" << EOF
A, B = "$MACA", "$MACB"
P = " vlan drop dhcp-guard off security %s segment 0 group 0"
EXPECT = [
    ("switch-new", "switch", dict(name="m0", ports=1, fdb_count=0,
                                  fdb_max=8192, ageing=3600),
     r"switch new m0: ports 1 fdb 0/8192 ageing 3600 internal-ifindex \d+", 0),
    ("port-new", "port", dict(switch="m0", id=1, dev="m0", internal=True),
     r"port new m0 port 1 dev m0" + P % "off" + " internal", 0),
    ("switch-new", "switch", dict(name="m0", ports=1, fdb_max=100, ageing=3600),
     r"switch new m0: ports 1 fdb 0/100 ageing 3600 internal-ifindex \d+", 0),
    ("port-new", "port", dict(switch="m0", id=2, dev="a-p", security=False,
                              internal=False),
     r"port new m0 port 2 dev a-p" + P % "off", 0),
    ("port-new", "port", dict(switch="m0", id=7, dev="b-p", internal=False),
     r"port new m0 port 7 dev b-p" + P % "off", 0),
    ("port-new", "port", dict(switch="m0", id=2, dev="a-p", mac=A,
                              ip=["10.7.0.1"], security=True),
     r"port new m0 port 2 dev a-p mac %s ip 10\.7\.0\.1" % A + P % "on", 0),
    ("fdb-new", "fdb", dict(switch="m0", mac="02:00:00:00:00:44", port=7,
                            static=True),
     r"fdb new m0 02:00:00:00:00:44 port 7 static", 0),
    ("fdb-del", "fdb", dict(switch="m0", mac="02:00:00:00:00:44", port=7,
                            static=True),
     r"fdb del m0 02:00:00:00:00:44 port 7 static", 0),
    ("fdb-new", "fdb", dict(switch="m0", mac=A, port=2, static=False),
     r"fdb new m0 %s port 2 age \d+\.\ds" % A, 0),
    ("fdb-new", "fdb", dict(switch="m0", mac=B, port=7, static=False),
     r"fdb new m0 %s port 7 age \d+\.\ds" % B, 0),
    ("fdb-del", "fdb", dict(switch="m0", mac=A, port=2, static=False),
     r"fdb del m0 %s port 2 age \d+\.\ds" % A, 1),
    ("fdb-del", "fdb", dict(switch="m0", mac=B, port=7, static=False),
     r"fdb del m0 %s port 7 age \d+\.\ds" % B, 1),
    ("port-new", "port", dict(switch="m0", id=7, dev="b-q", internal=False),
     r"port new m0 port 7 dev b-q" + P % "off", 0),
    ("fdb-new", "fdb", dict(switch="m0", mac="02:00:00:00:00:45", port=7,
                            static=True),
     r"fdb new m0 02:00:00:00:00:45 port 7 static", 0),
    ("fdb-del", "fdb", dict(switch="m0", mac="02:00:00:00:00:45", port=7,
                            static=True),
     r"fdb del m0 02:00:00:00:00:45 port 7 static", 0),
    ("port-del", "port", dict(switch="m0", id=7, dev="b-q"),
     r"port del m0 port 7 dev b-q" + P % "off", 0),
    ("port-del", "port", dict(switch="m0", id=2, dev="a-p", mac=A,
                              security=True),
     r"port del m0 port 2 dev a-p mac %s ip 10\.7\.0\.1" % A + P % "on", 0),
    ("port-del", "port", dict(switch="m0", id=1, dev="m0", internal=True),
     r"port del m0 port 1 dev m0" + P % "off" + " internal", 0),
    ("switch-del", "switch", dict(name="m0", ports=0, fdb_count=0),
     r"switch del m0: ports 0 fdb 0/100 ageing 3600", 0),
]
EOF

# check.py EXPECT [KIND FILE START]...: the events of each FILE after line
# START (the syncs left out) against EXPECT (text, json), or those of the
# other namespace (other); what differs in FILE.KIND.out, the verdict in
# FILE.KIND.rc. One python for all three.
cat > "$T/check.py" << 'EOF'
import json, re, sys
exec(open(sys.argv[1]).read())

def check(kind, path, start, out):
    lines = [l.rstrip("\n") for l in open(path)][start:]
    lines = [l for l in lines if not re.search(r"\bsync\d+\b", l)]
    if kind == "other":
        names = [(e["event"], e.get("switch", e.get("port", e.get("fdb", {}))))
                 for e in map(json.loads, lines)]
        want = ["switch-new", "port-new", "port-new", "fdb-new", "port-del",
                "fdb-del", "port-del", "switch-del"]
        got = [n for n, _ in names]
        out.write("# events seen in the other namespace: %s\n" % " ".join(got))
        return got == want and all(o.get("name", o.get("switch")) == "o0"
                                   for _, o in names)
    out.write("# %d events after the start\n" % len(lines))
    bad = 0

    def match(line, exp):
        ev, key, fields, text, _ = exp
        if kind == "text":
            return re.fullmatch(text, line) is not None
        o = json.loads(line)
        return o.get("event") == ev and all(o.get(key, {}).get(k) == v
                                            for k, v in fields.items())

    i = 0
    while i < max(len(EXPECT), len(lines)):
        if i >= len(EXPECT) or i >= len(lines):
            bad += 1
            out.write("# event %d: %s\n" % (i, "unexpected: " + lines[i] if i < len(lines)
                                            else "missing: " + EXPECT[i][3]))
            i += 1
            continue
        group = EXPECT[i][4]
        j = i + 1
        while group and j < len(EXPECT) and EXPECT[j][4] == group:
            j += 1
        got, want = lines[i:j], list(EXPECT[i:j])
        for line in got:
            hit = [e for e in want if match(line, e)]
            if hit:
                want.remove(hit[0])
            else:
                bad += 1
                out.write("# event %d: %s\n" % (i, line))
                out.write("#   expected one of: %s\n" % " | ".join(
                    e[3] if kind == "text" else "%s %s" % (e[0], e[2])
                    for e in EXPECT[i:j]))
        i = j
    return bad == 0

args = sys.argv[2:]
for k in range(0, len(args), 3):
    kind, path, start = args[k], args[k + 1], int(args[k + 2])
    with open("%s.%s.out" % (path, kind), "w") as out:
        try:
            ok = check(kind, path, start, out)
        except Exception as e:
            out.write("# %s: %r\n" % (path, e))
            ok = False
    open("%s.%s.rc" % (path, kind), "w").write("0\n" if ok else "1\n")
EOF
$PY "$T/check.py" "$T/expect.py" text "$T/text" "$start_text" \
	json "$T/json" "$start_json" other "$T/other" "$start_other" || true
# verdict KIND FILE: the verdict check.py wrote, with what it printed.
verdict() {
	cat "$2.$1.out" 2> /dev/null
	[ "$(cat "$2.$1.rc" 2> /dev/null)" = 0 ]
}
check "vswctl monitor: each event once, in order, with its fields" verdict text "$T/text"
check "vswctl -j monitor: each event once, in order, with its fields" verdict json "$T/json"
sed -n "$((start_text + 1)),\$p" "$T/text" | grep -v "sync[0-9]" | sed "s/^/#   /"

others() {
	local in_m
	in_m=$(cat "$T/text" "$T/json" | grep -c 'o0\|o-p' || true)
	diag "lines about o0 in $NM's monitors: $in_m"
	[ "$in_m" = 0 ] || return 1
	diag "the monitor in $NO:"
	sed -n "$((start_other + 1)),\$p" "$T/other" | grep -v 'sync' | sed 's/^/#   /'
	verdict other "$T/other"
}
check "events of another namespace: not shown here, shown there" others

tap_done
