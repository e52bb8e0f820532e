#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vhvstat.sh - vhvstat against the live module: what it prints (text, JSON,
# Prometheus) agrees with vhv's per-file sysfs and with what the test VMM
# says about its own threads.
#
#   A  2 vCPUs spinning, both pinned to CPU 0: each is ready about half
#      of the time; started with kernel.task_delayacct=0, and with QEMU's
#      -name and -uuid on its command line (after tvmm's "--")
#   B  1 vCPU idling in HLT (10 ms timer); started with task_delayacct=1,
#      in a cgroup named as libvirt names a VM's scope
#
# A counter that vhvstat prints must lie between the sysfs value read just
# before vhvstat ran and the one read just after. The names are those the
# test gave the VMs.

set -e
. "$(dirname "${BASH_SOURCE[0]}")/vhv_lib.sh"
vhv_require

vhvstat_require
PROMCHECK=$VHV_ROOT/userspace/vhvstat/tests/promcheck.py
DELAYACCT=/proc/sys/kernel/task_delayacct
DA0=

# A's names, and B's scope (systemd's escape of "qemu-7-vhvtest-b")
A_NAME=vhvtest-a
A_UUID=5e1f0d2c-7a3b-4c5d-8e9f-0a1b2c3d4e5f
B_SLICE=/sys/fs/cgroup/machine.slice
B_CG="$B_SLICE/machine-qemu\\x2d7\\x2dvhvtest\\x2db.scope"
B_NAME=qemu-7-vhvtest-b
SLICE_MADE=

cleanup() {
	set +e
	[ -n "$DA0" ] && echo "$DA0" > "$DELAYACCT"
	vmm_kill_all
	rmdir "$B_CG" 2>/dev/null
	[ -z "$SLICE_MADE" ] || rmdir "$B_SLICE"
	vhv_cleanup
}
trap cleanup EXIT

declare -A PID=() DIR=() ID=()

# start_vm [-g CGROUP_DIR] NAME NR_VCPUS TVMM-ARGS...: start a VM (in that
# cgroup), wait until vhv shows it; fill PID[NAME], DIR[NAME] (sysfs) and
# ID[NAME] (vhv's id).
start_vm() {
	local name cg=
	[ "$1" != -g ] || { cg=$2; shift 2; }
	name=$1
	if [ -n "$cg" ]; then
		vmm_start_in "$cg" "$name" -c "$2" "${@:3}"
		vmm_wait_started "$name"
		vm_wait "${VMM_PID[$name]}" "$2"
	else
		vmm_start_tracked "$@"
	fi
	PID[$name]=${VMM_PID[$name]}
	DIR[$name]=$VMDIR
	ID[$name]=$(rd "$VMDIR/id")
	diag "VM $name: pid ${PID[$name]}, id ${ID[$name]}, tids $(vmm_tids "$name" | tr '\n' ' ')"
}

# counters FILE: "vm idx tid ready_ns run_ns guest_ns halt_ns exits
# episodes" per vCPU of A and B, from sysfs (episodes: the sum of the
# ready_hist counts).
counters() {
	local d v
	for v in "${DIR[A]}" "${DIR[B]}"; do
		for d in "$v"/vcpus/*; do
			echo "$(rd "$v/id") $(rd "$d/idx") $(rd "$d/tid") $(rd "$d/ready_ns")" \
			     "$(rd "$d/run_ns") $(rd "$d/guest_ns") $(rd "$d/halt_ns") $(rd "$d/exits")" \
			     "$(awk '{ for (i = 1; i <= NF; i++) n += $i } END { print n }' "$d/ready_hist")"
		done
	done > "$1"
}

# b_halts FILE: B's vCPUs' halt_ns, with builtins only (no fork between
# this read and the clock's).
b_halts() {
	local d h
	for d in "${DIR[B]}"/vcpus/*; do
		read -r h < "$d/halt_ns"
		echo "$h"
	done > "$1"
}

# run NAME ARGS...: sysfs counters, vhvstat ARGS > $TMPD/NAME, counters again.
# NAME.t0/.t1: the wall clock just before and after vhvstat, NAME.h0/.h1:
# B's halt_ns just before t0 and just after t1.
run() {
	local name=$1
	shift
	counters "$TMPD/$name.before"
	b_halts "$TMPD/$name.h0"
	date +%s.%N > "$TMPD/$name.t0"
	"$VHVSTAT" "$@" > "$TMPD/$name" 2> "$TMPD/$name.err" || {
		diag "vhvstat $* failed: $(cat "$TMPD/$name.err")"
		return 1
	}
	date +%s.%N > "$TMPD/$name.t1"
	b_halts "$TMPD/$name.h1"
	counters "$TMPD/$name.after"
}

# row FILE ID: the fields of a text row whose first column is ID.
# (as strings: the vCPU row "1.0" is not the VM row "1")
row() { awk -v id="$2" '($1 "") == (id "") { $1 = $1; print; exit }' "$1"; }

# ---- text ---------------------------------------------------------------

# fields NAME ID: the fields of the text row of ID in F[] (F[0] = column 1)
fields() { read -ra F <<< "$(row "$TMPD/$1" "$2")"; }

text_vm_row() {
	local v=$1 name=$2
	fields text "${ID[$v]}"
	diag "text row of $v: ${F[*]}"
	[ "${F[1]:-}" = "$name" ] && [ "${F[2]:-}" = "${PID[$v]}" ] &&
	[ "${F[3]:-}" = "$(rd "${DIR[$v]}/nr_vcpus")" ]
}

# vCPU rows: "VM.IDX TID ..." (the NVCPU column is blank there)
text_vcpu_rows() {
	local v d id ok=0
	for v in A B; do
		for d in "${DIR[$v]}"/vcpus/*; do
			id=${ID[$v]}.$(rd "$d/idx")
			fields text "$id"
			[ "${F[1]:-}" = "$(rd "$d/tid")" ] && continue
			diag "row $id: '${F[*]}', sysfs tid $(rd "$d/tid")"
			ok=1
		done
	done
	return $ok
}

# VM rows: ID NAME PID NVCPU %RUN %RDY %WAIT %IDLE ...
text_a_ready() {
	fields text "${ID[A]}"
	diag "A: %RUN ${F[4]} %RDY ${F[5]} %WAIT ${F[6]} (two spinning vCPUs on one CPU)"
	fcheck "${F[5]} >= 40 && ${F[5]} <= 160 && ${F[4]} + ${F[5]} >= 170 && ${F[4]} + ${F[5]} <= 215"
}

# B's vCPU does nothing but HLT, so the time it neither ran nor waited
# for a CPU it spent halted: %IDLE is %WAIT, within 10 points (sysfs's
# halt_ns moves when the vCPU enters the guest, so each end of the second
# may miss a halt and its wait for a CPU), and no more (vhvstat caps it).
# And it is no more than sysfs's halt_ns says: the counter only grows, so
# vhvstat's second holds at most the halt time H from just before it
# started to just after it ended (5 points for a second a little short).
# No fixed floor: on a loaded host the vCPU may wait for a CPU for much of
# the second, and then it is not idle. (No floor from H either: halt_ns
# lags by a whole halt, and under load one halt can last a long time.)
text_b_idle() {
	local h t hi
	fields text "${ID[B]}"
	h=$(awk 'FILENAME ~ /h0$/ { h -= $1; next } { h += $1 } END { printf "%.0f", h }' \
		"$TMPD/text.h0" "$TMPD/text.h1")
	t=$(fcalc "$(cat "$TMPD/text.t1") - $(cat "$TMPD/text.t0")")
	hi=$(fcalc "$h / 1e7 + 5")
	diag "B: %RUN ${F[4]} %RDY ${F[5]} %WAIT ${F[6]} %IDLE ${F[7]} (one vCPU in HLT);" \
	     "sysfs: halt_ns grew ${h} ns in the ${t} s around vhvstat: %IDLE <= $hi"
	fcheck "${F[7]} >= ${F[6]} - 10 && ${F[7]} <= ${F[6]} && ${F[7]} <= $hi"
}

# -s vCPU rows: "VM.IDX TID READY RUN ..." (NAME is blank) in seconds with 3 decimals; the
# sysfs lines: "vm idx tid ready_ns run_ns ...". Within half a millisecond.
text_counters() {
	awk '
		FILENAME ~ /before$/ { b[$1 "." $2] = $0; next }
		FILENAME ~ /after$/ { a[$1 "." $2] = $0; next }
		($1 in b) {
			split(b[$1], x, " "); split(a[$1], y, " "); n++
			for (c = 3; c <= 4; c++) {
				v = $c * 1e9; lo = x[c + 1] - 5e5; hi = y[c + 1] + 5e5
				if (v < lo || v > hi) {
					printf "# %s column %d: %s s not in [%s, %s] ns\n", $1, c, $c, x[c + 1], y[c + 1]
					bad = 1
				}
			}
		}
		END { if (n != 3) print "# " n " vCPU rows of A and B"; exit bad || n != 3 }' \
		"$TMPD/stext.before" "$TMPD/stext.after" "$TMPD/stext"
}

# ---- JSON ---------------------------------------------------------------

json_check() {
	python3 - "$TMPD/json" "$TMPD/json.before" "$TMPD/json.after" \
		"${ID[A]}:${PID[A]}:2:$A_NAME:$A_UUID:-" "${ID[B]}:${PID[B]}:1:$B_NAME:-:$B_NAME" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
def table(path):
    t = {}
    for line in open(path):
        f = line.split()
        t[(int(f[0]), int(f[1]))] = [int(x) for x in f[2:]]
    return t
before, after = table(sys.argv[2]), table(sys.argv[3])
keys = ("tid", "ready_ns", "run_ns", "guest_ns", "halt_ns", "exits")
bad = 0
vms = {vm["id"]: vm for vm in doc["vms"]}
for spec in sys.argv[4:]:
    f = spec.split(":")
    vid, pid, n = (int(x) for x in f[:3])
    name, uuid, machine = (None if x == "-" else x for x in f[3:])
    vm = vms.get(vid)
    if not vm or vm["pid"] != pid or vm["nr_vcpus"] != n or len(vm["vcpus"]) != n or \
       (vm["name"], vm["uuid"], vm["machine"]) != (name, uuid, machine):
        print("# vm %d: %s" % (vid, vm and {k: vm[k] for k in ("pid", "nr_vcpus", "name", "uuid", "machine")}))
        bad = 1
        continue
    for v in vm["vcpus"]:
        b, a = before[(vid, v["idx"])], after[(vid, v["idx"])]
        for i, k in enumerate(keys):
            if not b[i] <= v[k] <= a[i]:
                print("# vm %d vcpu %d %s: %d not in [%d, %d]" % (vid, v["idx"], k, v[k], b[i], a[i]))
                bad = 1
        s = v["run_pct"] + v["ready_pct"] + v["wait_pct"]
        if abs(s - 100) > 0.01 and v["wait_pct"] != 0:
            print("# vm %d vcpu %d: run+ready+wait = %.3f" % (vid, v["idx"], s))
            bad = 1
sys.exit(bad)
PY
}

json_delayacct() {
	python3 - "$TMPD/json" "${ID[A]}" "${ID[B]}" <<'PY'
import json, sys
vms = {vm["id"]: vm for vm in json.load(open(sys.argv[1]))["vms"]}
a, b = vms[int(sys.argv[2])], vms[int(sys.argv[3])]
print("# delayacct: A %s, B %s" % ([v["delayacct"] for v in a["vcpus"]],
                                    [v["delayacct"] for v in b["vcpus"]]))
sys.exit(not (all(not v["delayacct"] and v["swapin_delay_ns"] == -1 for v in a["vcpus"])
              and all(v["delayacct"] and v["swapin_delay_ns"] >= 0 for v in b["vcpus"])))
PY
}

# ---- Prometheus -----------------------------------------------------------

# ready and run counters of every vCPU of A and B: exactly one series each,
# its value between before and after
prom_check() {
	python3 - "$TMPD/prom" "$TMPD/prom.before" "$TMPD/prom.after" \
		"${ID[A]}:name=\"$A_NAME\",uuid=\"$A_UUID\"" "${ID[B]}:name=\"$B_NAME\"" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def table(path):
    t = {}
    for line in open(path):
        f = line.split()
        t[(f[0], f[1])] = [int(x) for x in f[2:]]
    return t
before, after = table(sys.argv[2]), table(sys.argv[3])
bad = 0
if not re.search(r'^vhv_up 1$', text, re.M):
    print("# no vhv_up 1")
    bad = 1
for metric, col in (("vhv_vcpu_ready_seconds_total", 1), ("vhv_vcpu_run_seconds_total", 2),
                    ("vhv_vcpu_ready_wait_seconds_count", 6)):
    for spec in sys.argv[4:]:
        vid, labels = spec.split(":", 1)
        for (v, idx), b in before.items():
            if v != vid:
                continue
            pat = r'^%s\{%s,vcpu="%s"\} ([0-9]+)(?:\.([0-9]{9}))?$' % (metric, re.escape(labels), idx)
            m = re.findall(pat, text, re.M)
            if len(m) != 1 or (m[0][1] == "") != (col == 6):
                print("# %s vm %s vcpu %s: %d series" % (metric, vid, idx, len(m)))
                bad = 1
                continue
            # seconds with 9 decimals, or a count of episodes
            ns = int(m[0][0]) * 10**9 + int(m[0][1]) if col != 6 else int(m[0][0])
            lo, hi = b[col], after[(v, idx)][col]
            if not lo <= ns <= hi:
                print("# %s vm %s vcpu %s: %d not in [%d, %d]" % (metric, vid, idx, ns, lo, hi))
                bad = 1
sys.exit(bad)
PY
}

prom_delayacct() {
	local a b
	a=$(grep -c "^vhv_vcpu_swapin_delay_seconds_total{name=\"$A_NAME\"," "$TMPD/prom" || true)
	b=$(grep -c "^vhv_vcpu_swapin_delay_seconds_total{name=\"$B_NAME\"," "$TMPD/prom" || true)
	diag "swapin_delay series: A $a, B $b"
	[ "$a" = 0 ] && [ "$b" = 1 ]
}

# -P from a saved snapshot: one ready series per vcpu line
prom_file_count() {
	local lines series
	cat "$SNAP" > "$TMPD/snap"
	lines=$(grep -c '^vcpu ' "$TMPD/snap")
	series=$("$VHVSTAT" -P -f "$TMPD/snap" | python3 "$PROMCHECK" -c vhv_vcpu_ready_seconds_total)
	diag "saved snapshot: $lines vcpu lines, $series ready series"
	[ "$lines" = "$series" ] && [ "$lines" -ge 3 ]
}

tap_plan 21

[ -w "$DELAYACCT" ] && DA0=$(rd "$DELAYACCT")
[ -n "$DA0" ] && echo 0 > "$DELAYACCT"
start_vm A 2 -w spin -a 0 -d 0 -- -name "guest=$A_NAME,debug-threads=on" -uuid "$A_UUID"
[ -n "$DA0" ] && echo 1 > "$DELAYACCT"
[ -d "$B_SLICE" ] || { mkdir "$B_SLICE"; SLICE_MADE=1; }
mkdir "$B_CG"
start_vm -g "$B_CG" B 1 -w hlt -t 10000 -d 0
[ -n "$DA0" ] && echo "$DA0" > "$DELAYACCT"
# past the start-up: every vCPU has entered the guest and exited (a
# condition, not a time)
__entered() {
	local v d ok=0
	WAIT_SEEN=
	for v in A B; do
		for d in "${DIR[$v]}"/vcpus/*; do
			WAIT_SEEN+="$v/${d##*/}: exits $(rd "$d/exits"), run_ns $(rd "$d/run_ns"); "
			[ "$(rd "$d/exits")" -gt 0 ] && [ "$(rd "$d/run_ns")" -gt 0 ] || ok=1
		done
	done
	return $ok
}
wait_for "every vCPU of A and B to enter the guest" 120 __entered

# text (two snapshots 1 s apart)
tap_check "text: vcpu show exits 0" run text vcpu show
tap_check "text: VM A row has its -name, pid and nr_vcpus" text_vm_row A "$A_NAME"
tap_check "text: VM B row has its scope's machine name, pid and nr_vcpus" text_vm_row B "$B_NAME"
tap_check "text: a row per vCPU with the sysfs tid" text_vcpu_rows
tap_check "text: A (2 spinning vCPUs on one CPU): %RDY 40..160, %RUN+%RDY ~200" text_a_ready
tap_check "text: B (HLT): %IDLE is %WAIT, within what sysfs halt_ns grew" text_b_idle
if [ -n "$DA0" ]; then
	tap_check "text: the delayacct note for A" grep -q "kernel.task_delayacct=1" "$TMPD/text"
else
	tap_skip "text: the delayacct note for A" "no $DELAYACCT"
fi
tap_check "text: -s vcpu exits 0" run stext -s vcpu
tap_check "text: -s READY and RUN between sysfs before and after" text_counters

# JSON
tap_check "json: -j vcpu exits 0" run json -j vcpu
tap_check "json: parses (python3 -m json.tool)" python3 -m json.tool "$TMPD/json" /dev/null
tap_check "json: ids, pids, names, nr_vcpus, tids; counters between sysfs before and after" json_check
if [ -n "$DA0" ]; then
	tap_check "json: delayacct false for A, true for B (task_delayacct at start)" json_delayacct
else
	tap_skip "json: delayacct per VM" "no $DELAYACCT"
fi
# live: timestamp (RFC 3339, UTC) between the wall clock before and after
# the run, the host's name; members and types as vhvstat-json.rst says
json_live() {
	python3 - "$TMPD/json" "$(cat "$TMPD/json.t0")" "$(cat "$TMPD/json.t1")" "$(hostname)" <<'PY' || return 1
import datetime, json, sys
d = json.load(open(sys.argv[1]))
t = datetime.datetime.strptime(d["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ")
t = t.replace(tzinfo=datetime.timezone.utc).timestamp()
t0, t1 = float(sys.argv[2]), float(sys.argv[3])
print("# timestamp %s: %.3f s after vhvstat started, %.3f s before it ended; hostname %r"
      % (d["timestamp"], t - t0, t1 - t, d["hostname"]))
# the microseconds of the timestamp are cut, not rounded
sys.exit(not (t0 - 1e-6 <= t <= t1 and d["hostname"] == sys.argv[4] and d["schema"] == 1))
PY
	python3 "$VHV_ROOT/userspace/vhvstat/tests/jsonschema.py" \
		"$VHV_ROOT/Documentation/vhv/vhvstat-json.rst" vcpu "$TMPD/json"
}
json_host() { "$VHVSTAT" -p host | python3 -m json.tool > /dev/null; }
tap_check "json: -p host parses" json_host
tap_check "json: live timestamp and hostname; members and types of vhvstat-json.rst" json_live

# Prometheus
tap_check "prometheus: -P exits 0" run prom -P
tap_check "prometheus: valid text format (promcheck)" python3 "$PROMCHECK" "$TMPD/prom"
tap_check "prometheus: vhv_up 1; ready, run and ready-episode series per vCPU, labelled by name (and uuid), between sysfs before and after" prom_check
if [ -n "$DA0" ]; then
	tap_check "prometheus: swapin_delay series for B only" prom_delayacct
else
	tap_skip "prometheus: swapin_delay series for B only" "no $DELAYACCT"
fi
tap_check "prometheus: -f saved snapshot, one ready series per vcpu line" prom_file_count

# top, live, without a terminal: two frames with rates, then exit 0
top_live() {
	timeout 120 "$VHVSTAT" top 0.3 2 < /dev/null > "$TMPD/top" &&
	[ "$(grep -c '^vhvstat top' "$TMPD/top")" = 3 ] &&
	grep -Eq "^ +${ID[A]} +$A_NAME +${PID[A]} +2 " "$TMPD/top"
}
tap_check "top: live, 2 frames with rates, exit 0, VM A listed" top_live

tap_done
