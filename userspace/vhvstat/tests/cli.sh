#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# cli.sh - command-line tests of vhvstat on fixtures (TAP 13)
#
#   cli.sh VHVSTAT FIXTURE_DIR
#
# Exit codes (0 ok, 1 runtime error, 2 usage), help at every level, the
# text report, JSON that python3's json module parses, Prometheus text
# that promcheck.py accepts, -o written atomically, top with and without a
# terminal.
# shellcheck disable=SC2016 # check NAME eval '...': expanded when it runs
set -u

BIN=$(realpath "$1")
FIX=$(realpath "$2")
HERE=$(cd "$(dirname "$0")" && pwd)
TWO=(-f "$FIX/two.snap")
THREE=(-f "$FIX/two.snap" -f "$FIX/third.snap")
STATES=(-f "$FIX/states.snap")
STOLEN=(-f "$FIX/stolen.snap")
TOOL=vhvstat
# shellcheck source=SCRIPTDIR/../../tests/tap-cli.sh
. "$HERE/../../tests/tap-cli.sh"

# same K ARGS...: the first K arguments and the rest give the same output
same() {
	local k=$1
	shift
	"$BIN" "${@:1:k}" > "$TMP/a" 2>&1
	shift "$k"
	"$BIN" "$@" > "$TMP/b" 2>&1
	cmp -s "$TMP/a" "$TMP/b"
}
samples() { local want=$1; shift; [ "$("$BIN" "$@" | grep -c '^host:')" -eq "$want" ]; }
json() { "$BIN" "$@" | python3 -c 'import json, sys; json.load(sys.stdin)'; }
json_lines() {
	local want=$1
	shift
	"$BIN" "$@" | python3 -c '
import json, sys
n = sum(1 for line in sys.stdin if json.loads(line) is not None)
sys.exit(n != int(sys.argv[1]))' "$want"
}
json_figures() {
	"$BIN" -j "${TWO[@]}" | python3 -c '
import json, sys
d = json.load(sys.stdin)
vm = [v for v in d["vms"] if v["id"] == 1][0]
assert abs(vm["ready_pct"] - 15) < 1e-6 and abs(vm["majflt_per_s"] - 256) < 1e-6, vm
assert vm["majflt"] == 1512, vm
assert d["interval_s"] == 2 and d["host"]["nr_stalled"] == 1, d
assert d["vms"][2]["run_pct"] is None, d["vms"][2]'
}
json_states() {
	"$BIN" -j -s "${STATES[@]}" vcpu | python3 -c '
import json, sys
d = json.load(sys.stdin)
st = {vm["id"]: vm["status"] for vm in d["vms"]}
assert st == {1: "ok", 2: "degraded", 3: "stalled", 4: "paused"}, st
vm = [v for v in d["vms"] if v["id"] == 2][0]
assert (vm["stalled"], vm["stalled_vcpus"], vm["stall_count"], vm["pause_count"]) == (True, 2, 3, 0), vm
got = [(v["state"], v["state_ms"], v["stalled"], v["stall_count"]) for v in vm["vcpus"]]
assert got == [("guest", 0, False, 0), ("blocked", 6200, True, 2),
               ("swapwait", 8000, False, 0), ("ready", 0, True, 1)], got'
}
prom_valid() { "$BIN" "$@" | python3 "$HERE/promcheck.py"; }
prom_series() { [ "$("$BIN" -P "${TWO[@]}" | python3 "$HERE/promcheck.py" -c "$1")" -eq "$2" ]; }
# prom_count FIXTURE NAME N: N series of NAME in -P of FIXTURE's first snapshot
prom_count() {
	local got
	got=$("$BIN" -P -f "$FIX/$1" | python3 "$HERE/promcheck.py" -c "$2") &&
	[ "$got" -eq "$3" ] && return 0
	echo "# $2: $got series, wanted $3"
	return 1
}
prom_states() {
	"$BIN" -P "${STATES[@]}" > "$TMP/a" &&
	python3 "$HERE/promcheck.py" "$TMP/a" &&
	[ "$(grep -c '^vhv_vcpu_state{.*,state="[a-z]*"} 1$' "$TMP/a")" -eq 11 ] &&
	grep -q '^vhv_vm_paused{pid="4000"} 1$' "$TMP/a"
}
prom_help_type() {
	"$BIN" -P "${TWO[@]}" > "$TMP/a" &&
	[ "$(grep -c '^# HELP' "$TMP/a")" -eq "$(grep -c '^# TYPE' "$TMP/a")" ]
}
prom_output_file() {
	"$BIN" -P -o "$TMP/vhv.prom" "${TWO[@]}" &&
	python3 "$HERE/promcheck.py" "$TMP/vhv.prom" || return 1
	set -- "$TMP"/vhv.prom.tmp*
	[ ! -e "$1" ]
}
# node_exporter's textfile collector reads the file of FIXTURE (its first
# snapshot, NVCPUS vCPUs) without a scrape error (tools/setup.sh installs
# prometheus-node-exporter: missing is a failure)
node_exporter_reads() {
	local fixture=$1 nvcpus=$2 ne port pid body
	ne=$(command -v prometheus-node-exporter || command -v node_exporter) ||
		{ echo "# node_exporter not installed (run 'make setup')"; return 1; }
	rm -rf "$TMP/textfile"
	mkdir -p "$TMP/textfile"
	"$BIN" -P -o "$TMP/textfile/vhv.prom" -f "$FIX/$fixture" || return 1
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	"$ne" --collector.disable-defaults --collector.textfile \
		--collector.textfile.directory="$TMP/textfile" \
		--web.listen-address="127.0.0.1:$port" > "$TMP/ne.log" 2>&1 &
	pid=$!
	# A generous deadline: node_exporter starts in well under a second on
	# an idle machine, in many on a loaded one.
	body=$(python3 - "$port" <<'PY'
import sys, time, urllib.request
deadline = time.monotonic() + 120
while True:
    try:
        print(urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=10).read().decode())
        break
    except OSError as e:
        if time.monotonic() > deadline:
            print("# no answer from node_exporter in 120 s: %s" % e)
            break
        time.sleep(0.1)
PY
)
	kill "$pid" 2> /dev/null
	wait "$pid" 2> /dev/null
	grep -q '^node_textfile_scrape_error 0$' <<< "$body" &&
	[ "$(grep -c '^vhv_vcpu_ready_seconds_total{' <<< "$body")" -eq "$nvcpus" ] && return 0
	grep -E '^# no answer|scrape_error' <<< "$body"
	echo "# node_exporter's log:"; sed 's/^/#   /' "$TMP/ne.log"
	return 1
}
# names: --proc reads the fixture's command lines (fixtures/proc/README)
PROC=(--proc "$FIX/proc")
names_text() {
	status 0 "${PROC[@]}" "${TWO[@]}" &&
	out_has "^ +1 +web,1 +1000 " && out_has "^ +2 +db +2000 " &&
	out_has '^ +3 +a\\b"c d=% +3000 ' && out_has "^note: VM 2 db \\(pid 2000\\) stalled"
}
names_json() {
	"$BIN" -j "${PROC[@]}" "${TWO[@]}" | python3 -c '
import json, sys
d = json.load(sys.stdin)
got = [(v["id"], v["name"], v["uuid"], v["vmid"], v["machine"]) for v in d["vms"]]
want = [(1, "web,1", "4f5b1c2d-0000-4000-8000-00000000000a", None, "vm1"),
        (2, "db", "c0ffee00-1111-4222-8333-444455556666", "100", None),
        (3, "a\\b\"c d=%", None, None, "a\\b\"c d=%")]
assert got == want, got'
}
# from files without --proc: names from the cgroups only
names_no_proc() {
	"$BIN" -j "${TWO[@]}" | python3 -c '
import json, sys
d = json.load(sys.stdin)
got = [(v["id"], v["name"], v["uuid"]) for v in d["vms"]]
assert got == [(1, "vm1", None), (2, None, None), (3, "a\\b\"c d=%", None)], got'
}
names_prom() {
	"$BIN" -P "${PROC[@]}" "${TWO[@]}" > "$TMP/a" &&
	python3 "$HERE/promcheck.py" "$TMP/a" &&
	grep -q '^vhv_vm_vcpus{name="web,1",uuid="4f5b1c2d-0000-4000-8000-00000000000a"} 2$' "$TMP/a" &&
	grep -q '^vhv_vcpu_ready_seconds_total{name="db",uuid="c0ffee00-1111-4222-8333-444455556666",vcpu="1"} ' "$TMP/a" &&
	grep -q '^vhv_vm_vcpus{name="?\[31mred?"} 1$' "$TMP/a" &&
	grep -q '^vhv_vm_info{name="db",uuid="c0ffee00-1111-4222-8333-444455556666",pid="2000",id="2",vmid="100",machine="",cgroup=""} 1$' "$TMP/a" &&
	! grep -q 'vm="' "$TMP/a"
}

# the second snapshot of two.snap alone
second() { awk '/^vhv-snapshot/ { n++ } n == 2' "$FIX/two.snap" > "$TMP/second.snap"; }
# histograms: buckets cumulative, +Inf = _count, a VM's = its vCPUs' sum;
# VM 1 (second snapshot): vCPU 1.0 30 in [1, 2) ms, 5 in [8, 16) ms, 1 of
# 8.6 s or more; vCPU 1.1 100 under 1 us
prom_hist() {
	second && "$BIN" -P -f "$TMP/second.snap" > "$TMP/a" &&
	python3 "$HERE/promcheck.py" "$TMP/a" && python3 - "$TMP/a" <<'PY'
import re, sys
series = {}
for line in open(sys.argv[1]):
    m = re.match(r'^(vhv_(vm|vcpu)_ready_wait_seconds)_(bucket|sum|count)\{(.*)\} (\S+)$', line)
    if not m:
        continue
    labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(4)))
    le = labels.pop("le", None)
    key = (m.group(2), tuple(sorted(labels.items())))
    h = series.setdefault(key, {"b": []})
    if le is None:
        h[m.group(3)] = float(m.group(5))
    else:
        h["b"].append((float(le), int(m.group(5))))
bad = []
for key, h in series.items():
    counts = [c for _, c in h["b"]]
    les = [le for le, _ in h["b"]]
    if les != sorted(les) or counts != sorted(counts) or les[-1] != float("inf") or counts[-1] != h["count"]:
        bad.append("%s: %s" % (key, h))
v0 = dict(series[("vcpu", (("name", "vm1"), ("vcpu", "0")))]["b"])
v1 = dict(series[("vcpu", (("name", "vm1"), ("vcpu", "1")))]["b"])
vm = dict(series[("vm", (("name", "vm1"),))]["b"])
want0 = {0.001048576: 0, 0.002097152: 30, 0.008388608: 30, 0.016777216: 35, 8.589934592: 35, float("inf"): 36}
if any(v0[k] != n for k, n in want0.items()) or v1[0.000001024] != 100 or v1[float("inf")] != 100:
    bad.append("vCPU 1.0 %s, 1.1 %s" % (v0, v1))
if any(vm[k] != v0[k] + v1[k] for k in vm):
    bad.append("VM 1 %s is not its vCPUs' sum" % vm)
if series[("vm", (("name", "vm1"),))]["sum"] != 30.3:
    bad.append("VM 1 _sum %s, not ready_ns 10.2 + 20.1" % series[("vm", (("name", "vm1"),))]["sum"])
for b in bad:
    print("# " + b)
sys.exit(1 if bad else 0)
PY
}
prom_apf() {
	"$BIN" -P "${TWO[@]}" > "$TMP/a" &&
	grep -q '^vhv_vm_async_page_faults_total{name="vm1"} 7$' "$TMP/a" &&
	grep -q '^vhv_vm_async_page_fault_wait_seconds_total{name="vm1"} 1.500000000$' "$TMP/a" &&
	grep -q '^vhv_vm_async_page_fault_max_seconds{name="vm1"} 0.400000000$' "$TMP/a" &&
	grep -q '^# TYPE vhv_host_untracked_vcpus gauge$' "$TMP/a" &&
	grep -q '^vhv_host_track_failures_total 0$' "$TMP/a" &&
	! grep -Eq '^vhv_(cpus|memory_bytes|vms|vcpus) ' "$TMP/a"
}
# no module: vhv_up 0 and exit 1; from a file: no heartbeat time (unknown)
prom_down() {
	VHVSTAT_SNAPSHOT=$TMP/none "$BIN" -P > "$TMP/a" 2> "$TMP/err"
	[ $? = 1 ] && grep -q '^vhv_up 0$' "$TMP/a" && [ "$(grep -vc '^#' "$TMP/a")" = 1 ] &&
	grep -q "cannot read $TMP/none" "$TMP/err" &&
	"$BIN" -P "${TWO[@]}" | grep -q '^vhv_up 1$' &&
	! "$BIN" -P "${TWO[@]}" | grep -q 'vhv_vm_last_heartbeat_timestamp_seconds{'
}
# -o with INTERVAL while the live file is missing: vhv_up 0, and it keeps
# running; the file appears: vhv_up 1 and the heartbeat's wall time (read
# time - heartbeat_ms: VM 2 of one.snap, db, is 5.99 s behind VM 1,
# web,1); SIGTERM: 0
prom_comeback() {
	local pid st deadline
	rm -f "$TMP/live" "$TMP/live.prom"
	VHVSTAT_SNAPSHOT=$TMP/live "$BIN" -P --proc "$FIX/proc" -o "$TMP/live.prom" 0.05 \
		2> "$TMP/err" &
	pid=$!
	deadline=$((SECONDS + 120))
	until grep -qs '^vhv_up 0$' "$TMP/live.prom" || [ $SECONDS -ge $deadline ]; do sleep 0.05; done
	grep -qs '^vhv_up 0$' "$TMP/live.prom" && kill -0 "$pid" || { echo "# no vhv_up 0"; kill "$pid"; return 1; }
	grep -v '^#' "$FIX/one.snap" > "$TMP/live.tmp" && mv "$TMP/live.tmp" "$TMP/live"
	until grep -qs '^vhv_up 1$' "$TMP/live.prom" || [ $SECONDS -ge $deadline ]; do sleep 0.05; done
	kill -TERM "$pid"
	wait "$pid"
	st=$?
	python3 - "$TMP/live.prom" "$(date +%s.%N)" "$st" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
hb = {l: float(v) for l, v in re.findall(r'^vhv_vm_last_heartbeat_timestamp_seconds\{([^}]*)\} (\S+)$', t, re.M)}
now = float(sys.argv[2])
print("# vhv_up 1: %s; heartbeats %s, now %.0f; exit status %s" % ("vhv_up 1" in t, hb, now, sys.argv[3]))
ok = "vhv_up 1" in t and sys.argv[3] == "0" and len(hb) == 3 and \
     all(now - 130 <= v <= now + 1 for v in hb.values()) and \
     abs(hb['name="web,1",uuid="4f5b1c2d-0000-4000-8000-00000000000a"'] -
         hb['name="db",uuid="c0ffee00-1111-4222-8333-444455556666"'] - 5.99) < 0.001
sys.exit(not ok)
PY
}

top_frames() {
	local want=$1
	shift
	timeout 120 "$BIN" "$@" < /dev/null > "$TMP/a" &&
	[ "$(grep -c '^vhvstat top' "$TMP/a")" -eq "$want" ]
}
top_sorted() {
	timeout 120 "$BIN" "${TWO[@]}" top 0.01 1 < /dev/null |
	awk '/^ +2 +[^ ]+ +2000/ {a = NR} /^ +1 +[^ ]+ +1000/ {b = NR} END {exit !(a && b && a < b)}'
}
# pty_top q|int ARGS...: top on a pseudo-terminal: alternate screen, a
# frame, then q or SIGINT end it with status 0 and the screen restored.
pty_top() {
	python3 - "$@" <<'PY'
import os, pty, signal, sys, time
how, argv = sys.argv[1], sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
out = b''
# Read until WANT has arrived (or the child closed the terminal), with a
# generous deadline: a loaded machine draws the first frame late.
def drain(want, t=60):
    global out
    end = time.time() + t
    while time.time() < end and want not in out:
        try:
            out += os.read(fd, 65536)
        except OSError:
            break
drain(b'%RDY')
if how == 'q':
    os.write(fd, b'q')
else:
    os.kill(pid, signal.SIGINT)
drain(b'\x1b[?1049l')
_, st = os.waitpid(pid, 0)
if b'%RDY' not in out or not out.endswith(b'\x1b[?1049l'):
    print('# top on a pty: status %d, output %r' % (st, out[-200:]))
sys.exit(not (os.WIFEXITED(st) and os.WEXITSTATUS(st) == 0 and
              out.startswith(b'\x1b[?1049h') and b'%RDY' in out and
              out.endswith(b'\x1b[?1049l')))
PY
}

echo "TAP version 13"

# --- exit codes and help
check "help exits 0" status 0 help
check "-h exits 0" status 0 -h
for o in vm vcpu host stolen top prometheus; do
	check "$o help: exit 0 and usage" eval 'status 0 "$o" help && out_has "^Usage: vhvstat"'
done
check "vm show help exits 0" status 0 vm show help
check "-V exits 0" status 0 -V
check "unknown object: exit 2" status 2 "${TWO[@]}" vmm
check "abbreviated keyword refused: exit 2" status 2 "${TWO[@]}" v
check "usage errors say so on stderr" err_has "unknown object 'v'.*|Try 'vhvstat help'"
check "unknown option: exit 2" status 2 -x
check "option after the object: exit 2" status 2 vm -j
check "bad interval: exit 2" status 2 "${TWO[@]}" vm show 0
check "bad count: exit 2" status 2 "${TWO[@]}" vm show 1 x
check "extra argument: exit 2" status 2 "${TWO[@]}" vm show 1 2 3
check "-j with -P: exit 2" status 2 -j -P "${TWO[@]}"
check "top with -j: exit 2" status 2 -j top
check "missing file: exit 1" status 1 -f "$TMP/nonexistent"
check "malformed snapshot: exit 1 with file:line" \
	eval 'status 1 -f "$FIX/bad.snap" && err_has "bad.snap:5: .majflt.: expected key=value"'
check "rates from one snapshot: exit 1" status 1 -f "$FIX/one.snap"
check "counters (-s) from one snapshot: exit 0" status 0 -s -f "$FIX/one.snap"
check "-P from one snapshot: exit 0" status 0 -P -f "$FIX/one.snap"
# make check never loads vhv on the host; on a host that runs it, the live
# source is tested the other way round instead of skipped.
if [ -e /proc/vhv/snapshot ]; then
	check "live source with the module loaded: counters (-s) exit 0" status 0 -s
else
	check "live source without the module: exit 1 and a hint" \
		eval 'status 1 && err_has "is the vhv module loaded"'
fi

# --- text
check "vm show is the default" same 2 "${TWO[@]}" "${TWO[@]}" vm show
check "-v vm is vcpu" same 4 -v "${TWO[@]}" vm "${TWO[@]}" vcpu
check "text: esxtop column names" \
	eval 'status 0 "${TWO[@]}" && out_has "%RUN +%RDY +%WAIT +%IDLE +%SWPWT +%GST .*SWCUR +MJF/s"'
check "text: VM 1 row, named after its cgroup's scope" out_has "^ +1 +vm1 +1000 +2 +75.0 +15.0 +110.0 +100.0 +5.0 +60.0 "
check "text: the delayacct note names the sysctl" out_has "sysctl kernel.task_delayacct=1"
check "text: the stall note" out_has "^note: VM 2 .*stalled"
check "INTERVAL COUNT over two files: two samples" samples 2 "${THREE[@]}" vm 1 5
check "COUNT limits the samples" samples 1 "${THREE[@]}" vm 1 1
check "-f - reads stdin" eval '"$BIN" -f - host < "$FIX/two.snap" | grep -q "stalled VMs 1"'
check "text: VM STATE ok, degraded, STALL, paused" \
	eval 'status 0 -s "${STATES[@]}" && out_has "^ +1 +- +1000 .* ok$" &&
	      out_has "^ +2 +- +2000 .* degraded$" && out_has "^ +3 +- +3000 .* STALL$" &&
	      out_has "^ +4 +- +4000 .* paused$"'
check "text: vCPU STATE, in capitals when stalled" \
	eval 'status 0 -s "${STATES[@]}" vcpu && out_has "^ +2\.1 +2002 .* BLOCKED$" &&
	      out_has "^ +2\.2 +2003 .* swapwait$" && out_has "^ +4\.0 +4001 .* vmm$"'
check "text: notes on the degraded, stalled and paused VMs" \
	eval 'out_has "^note: VM 2 .*degraded: 2 of 4 vCPUs stalled .*: 2\.1 blocked" &&
	      out_has "^note: VM 3 .*stalled: all 2 vCPUs" && out_has "^note: VM 4 .*paused"'

# --- stolen by (fixtures/stolen.snap, its header has the figures)
check "stolen: VM 1's %RDY 60 and its split, culprits by name" \
	eval 'status 0 "${STOLEN[@]}" stolen &&
	      out_has "^ +ID +NAME +%RDY +SAME +VMS +KSWAPD +KSMD +VHOST +KWORKER +KTHREAD +PROC +UNATTR +CULPRITS$" &&
	      out_has "^ +1 +web1 +60\.0 +5\.0 +40\.0 +3\.0 +0\.0 +2\.0 +1\.0 +1\.0 +5\.0 +3\.0 web2 30%,db1 5%,vm5 2%$" &&
	      out_has "^ +2 +web2 +25\.0 .* web1 15%,vm6 5%$" && out_has "^ +6 +- +-( +-)+ -$"'
check "stolen: -s: cumulative seconds" \
	eval 'status 0 -s "${STOLEN[@]}" stolen &&
	      out_has "^ +ID +NAME +READY +SAME .* CULPRITS$" &&
	      out_has "^ +1 +web1 +30\.000 +1\.000 +20\.000 .* web2 15\.00s,vm5 4\.00s$"'
check "stolen: rates from one snapshot: exit 1" status 1 -f "$FIX/one.snap" stolen
check "stolen: an older module: - and a note, exit 0" \
	eval 'status 0 "${TWO[@]}" stolen && out_has "^ +1 +vm1 +15\.0( +-)+ -$" &&
	      out_has "^note: 3 VM\(s\) without stolen-by figures"'
stolen_json() {
	"$BIN" -j "${STOLEN[@]}" stolen | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["object"] == "stolen", d
vm = {v["id"]: v for v in d["vms"]}
st = vm[1]["stolen"]
split = [st[k + "_pct"] for k in ("same_vm", "other_vms", "kswapd", "ksmd", "vhost",
                                  "kworker", "kthread", "process", "unattributed")]
assert split == [5, 40, 3, 0, 2, 1, 1, 5, 3] and vm[1]["ready_pct"] == 60, (split, vm[1])
assert abs(sum(split) - vm[1]["ready_pct"]) < 1e-9
assert [(e["id"], e["name"], e["pct"]) for e in st["by_vm"]] == \
       [(2, "web2", 30), (5, None, 2), (3, "db1", 5)], st["by_vm"]
assert vm[6]["stolen"]["other_vms_pct"] is None and vm[6]["stolen"]["other_vms_ns"] == 200000000'
}
stolen_json_old() {
	"$BIN" -j "${TWO[@]}" "$1" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert [v["stolen"] for v in d["vms"]] == [None] * 3, d'
}
check "stolen: json: the split in %, by_vm with names and shares" stolen_json
check "stolen: json: an older module gives stolen null (vm, stolen reports)" \
	eval 'stolen_json_old vm && stolen_json_old stolen'

# --- names (ident.c)
check "names: NAME column from -name, the cgroup's scope; in the notes" names_text
check "names: name, uuid, vmid and machine in JSON; a reused pid names nothing" names_json
check "names: from files without --proc, the cgroups' scopes only" names_no_proc
check "names: Prometheus labels name and uuid, no vhv id; control bytes replaced" names_prom
check "names: --proc without its argument: usage error" status 2 --proc

# --- events (the stream itself is tested in the guest: vhv/events.sh)
check "events: -P, -o, -s, -f or an INTERVAL: usage error" \
	eval 'status 2 -P events && status 2 -o x events && status 2 -s events &&
	      status 2 "${TWO[@]}" events && status 2 events 1'
check "events help" eval 'status 0 events help && out_has "tracepoints"'

# --- JSON
for args in vm vcpu host stolen "-s vcpu"; do
	# shellcheck disable=SC2086 # $args is several words
	check "json: -j $args parses" json -j "${TWO[@]}" $args
	# shellcheck disable=SC2086
	check "json: -p $args parses" json -p "${TWO[@]}" $args
done
check "json: one document per sample (JSON lines)" json_lines 2 -j "${THREE[@]}" vcpu 1
check "json: the same figures as the text" json_figures
check "json: VM status and vCPU states" json_states
SCHEMA_DOC=$HERE/../../../Documentation/vhv/vhvstat-json.rst
schema() {
	local report=$1
	shift
	"$BIN" -j "$@" "${THREE[@]}" "$report" | python3 "$HERE/jsonschema.py" "$SCHEMA_DOC" "$report"
}
for r in vm vcpu host stolen; do
	check "json: $r report: the members and types of vhvstat-json.rst" schema "$r"
	check "json: -s $r report: the same members (rates null)" schema "$r" -s
done
# with stolen lines: the stolen objects and their by_vm entries too (-n:
# how many VMs have one: all four, three in the first snapshot)
schema_stolen() {
	local report=$1 n=$2
	shift 2
	"$BIN" -j "$@" "${STOLEN[@]}" "$report" |
		python3 "$HERE/jsonschema.py" -n "$n" "$SCHEMA_DOC" "$report"
}
for r in vm vcpu stolen; do
	check "json: $r report with stolen lines: the members of vhvstat-json.rst" schema_stolen "$r" 4
	check "json: -s $r report with stolen lines: the same members" schema_stolen "$r" 3 -s
done
# from files: when and where are not known; one snapshot: no rate, no 0.0
json_unknowns() {
	"$BIN" -j -s "${STATES[@]}" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["schema"] == 1 and d["timestamp"] is None and d["hostname"] is None, d
assert d["object"] == "vm" and d["counters"] is True, d
assert d["host"]["ready_pct_avg"] is None and d["host"]["ready_pct_max"] is None, d["host"]
assert all(vm["ready_pct"] is None and vm["majflt_per_s"] is None for vm in d["vms"]), d'
}
check "json: schema 1; from files timestamp and hostname null; no rate is null, not 0" json_unknowns
check "json: python3 -m json.tool accepts -p" \
	eval '"$BIN" -p "${TWO[@]}" vcpu | python3 -m json.tool > /dev/null'

# --- Prometheus
check "prometheus: valid text format" prom_valid -P "${TWO[@]}"
check "prometheus: the keyword is -P" same 3 -P "${TWO[@]}" "${TWO[@]}" prometheus
check "prometheus: one ready series per vCPU" prom_series vhv_vcpu_ready_seconds_total 5
check "prometheus: swapin_delay only with delayacct" prom_series vhv_vcpu_swapin_delay_seconds_total 1
check "prometheus: one major-fault series per VM" prom_series vhv_vm_major_faults_total 3
check "prometheus: HELP and TYPE for every family" prom_help_type
check "prometheus: a state series per vCPU, vhv_vm_paused" prom_states
check "prometheus: -o writes atomically, no temp file left" prom_output_file
check "prometheus: ready histograms per vCPU and VM: cumulative, +Inf = _count, VM = sum of vCPUs" prom_hist
check "prometheus: async page fault families; host untracked and failures; no vhv_cpus or vhv_memory_bytes" prom_apf
check "prometheus: no snapshot: vhv_up 0, exit 1; from files vhv_up 1 and no heartbeat time" prom_down
check "prometheus: -o INTERVAL survives a missing module, vhv_up 1 when it is back, heartbeat times; SIGTERM exits 0" prom_comeback
check "prometheus: -o into a missing directory: exit 1" \
	status 1 -P -o "$TMP/no/such/dir/x.prom" "${TWO[@]}"
check "prometheus: node_exporter's textfile collector reads it, no scrape error" \
	node_exporter_reads two.snap 5
check "prometheus: stolen: valid text format" prom_valid -P "${STOLEN[@]}"
check "prometheus: stolen: 9 series (by) per VM with a stolen line" \
	prom_count stolen.snap vhv_vm_ready_stolen_seconds_total 27
check "prometheus: stolen: at most 3 culprit series per VM (2 + 2 + 3)" \
	prom_count stolen.snap vhv_vm_ready_stolen_by_vm_seconds_total 7
check "prometheus: stolen: the by and culprit labels" \
	eval '"$BIN" -P "${STOLEN[@]}" > "$TMP/a" &&
	      grep -q "^vhv_vm_ready_stolen_seconds_total{name=\"web1\",by=\"other_vms\"} 20.000000000$" "$TMP/a" &&
	      grep -q "^vhv_vm_ready_stolen_by_vm_seconds_total{name=\"web1\",culprit_name=\"vm5\",culprit_uuid=\"\"} 4.000000000$" "$TMP/a"'
check "prometheus: stolen: an older module has no stolen series" \
	eval 'prom_count two.snap vhv_vm_ready_stolen_seconds_total 0 &&
	      prom_count two.snap vhv_vm_ready_stolen_by_vm_seconds_total 0'
check "prometheus: stolen: node_exporter's textfile collector reads it" \
	node_exporter_reads stolen.snap 4

# --- top
check "top without a terminal replays the files" top_frames 3 "${THREE[@]}" top 0.01
check "top COUNT" top_frames 2 "${THREE[@]}" top 0.01 1
check "top sorts by %RDY (VM 2 above VM 1)" top_sorted
check "top on a terminal: q quits, exit 0, screen restored" \
	pty_top q "$BIN" "${TWO[@]}" top 0.05
# top on an 80 x 24 terminal, keys (tests/ptytop.py): the worst vCPU's
# %RDY first (VM 2, STALL), columns dropped to fit (NAME, STATE stay),
# filter, help, interval, sort keys
TOPKEYS='w<=80;!%WAIT+;x>STALL;@3=NAME;@3=STATE;@4=STALL;/vm\r>filter vm;!STALL;@4=vm1'
TOPKEYS+=';/\r>sort %RDYMX;h>top: keys;x>sort %RDYMX;s0.5\r>every 0.5 s;sx\r>bad interval'
TOPKEYS+=';m>sort MEMSZ;@4=vm1;n>sort NAME;@4=a\b;v>1.0'
check "top on an 80 x 24 terminal: fits, worst vCPU first, / filter, h help, s interval, sort keys, v" \
	python3 "$HERE/ptytop.py" 24 80 "$TOPKEYS" "$BIN" "${TWO[@]}" top 0.05
check "top on a 6-line terminal: one VM and +2 more VMs; 7 lines: all three" \
	eval 'python3 "$HERE/ptytop.py" 6 80 "x>STALL;@4=STALL;@5=+2 more VMs" "$BIN" "${TWO[@]}" top 0.05 &&
	      python3 "$HERE/ptytop.py" 7 80 "x>a\\b;!more" "$BIN" "${TWO[@]}" top 0.05'
check "top on a terminal: SIGINT, exit 0, screen restored" \
	pty_top int "$BIN" "${TWO[@]}" top 0.05

echo "1..$n"
echo "# $((n - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
