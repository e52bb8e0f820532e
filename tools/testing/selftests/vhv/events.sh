#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# events.sh - vhvstat events against the module's own tracepoints.
#
# vhvstat -j events runs from the start to the end. Meanwhile:
#   E  a 1-vCPU HLT VM with QEMU's -name and -uuid (after tvmm's --) is
#      started, SIGSTOPped until it stalls, SIGCONTed until it recovers,
#      and killed
#   R  a 2-vCPU VM spinning on one CPU, with ready_trace_us 2000: ready
#      waits
#   M  vhv is unloaded and loaded again; then a VM F is started
# Ground truth: a tracefs instance of the test's own records every vhv:*
# event over the same time; each of its events must be in vhvstat's
# stream with the same fields (vm, vcpu, tid, state, reason, wait_ns ...),
# the VM's name and uuid as the test gave them, and a wall-clock time
# between the test's clock readings around it.

set -e
. "$(dirname "${BASH_SOURCE[0]}")/vhv_lib.sh"
vhv_require

vhvstat_require
[ -r "$VHV_KO" ] || tap_bail "no $VHV_KO to reload (make modules)"

STALL_MS=1000
E_NAME=vhvtest-e E_UUID=0a1b2c3d-4e5f-4061-8273-9a8b7c6d5e4f
F_NAME=vhvtest-f
EVPID='' STALL0='' RT0=''

cleanup() {
	set +e
	[ -z "$EVPID" ] || { kill -INT "$EVPID"; wait "$EVPID"; }
	vmm_kill_all
	[ -d "$SYS" ] || insmod "$VHV_KO"
	[ -z "$STALL0" ] || echo "$STALL0" > "$PARAMS/stall_ms"
	[ -z "$RT0" ] || echo "$RT0" > "$PARAMS/ready_trace_us"
	vhv_cleanup
}
trap cleanup EXIT

tap_plan 8

wait_for "no VM left from earlier tests" 120 __nothing_left || diag "before: $LAST"
STALL0=$(rd "$PARAMS/stall_ms"); RT0=$(rd "$PARAMS/ready_trace_us")
echo "$STALL_MS" > "$PARAMS/stall_ms"
echo 2000 > "$PARAMS/ready_trace_us"

# the ground truth: every vhv event, in CLOCK_MONOTONIC
trace_new truth
echo 4096 > "$TI/buffer_size_kb"
echo 1 > "$TI/events/vhv/enable"

T0=$(date +%s.%N)
"$VHVSTAT" -j events > "$TMPD/ev" 2> "$TMPD/ev.err" &
EVPID=$!
__evline() { grep -q "\"event\":\"$1\"" "$TMPD/ev"; }
WAIT_FILES=("$TMPD/ev" "$TMPD/ev.err")
check "vhvstat events starts: module_loaded" wait_for "vhvstat's module_loaded line" 120 __evline module_loaded

# ---- E: add, stall, recover, remove -------------------------------------
start_e() {
	vmm_start E -c 1 -w hlt -t 10000 -d 0 -- -name "guest=$E_NAME,debug-threads=on" -uuid "$E_UUID"
	vmm_wait_started E && vm_wait "${VMM_PID[E]}" 1
}
check "E: a VM with -name and -uuid starts" start_e
EID=$(rd "$VMDIR/id")
kill -STOP "${VMM_PID[E]}"
__stalled() { WAIT_SEEN="status $(rd "$VMDIR/status")"; [ "$(rd "$VMDIR/status")" = stalled ]; }
wait_for "VM E to stall (SIGSTOP)" 120 __stalled || true
kill -CONT "${VMM_PID[E]}"
__ok() { WAIT_SEEN="status $(rd "$VMDIR/status")"; [ "$(rd "$VMDIR/status")" = ok ]; }
wait_for "VM E to recover (SIGCONT)" 120 __ok || true
vmm_stop E

# ---- R: ready waits --------------------------------------------------------
vmm_start_tracked R 2 -w spin -a 0,0 -d 0
__waits() { WAIT_SEEN="$(grep -c 'vhv_ready_wait:' "$TI/trace" || true) ready waits traced"; [ "${WAIT_SEEN%% *}" -ge 10 ]; }
wait_for "10 ready waits of R (>= 2 ms)" 120 __waits || true
vmm_stop R

# ---- M: unload, load, a new VM ----------------------------------------------
wait_for "no VM left" 120 __nothing_left || true
# unloading vhv empties the trace buffers of its events: keep the truth
cat "$TI/trace" > "$TMPD/truth"
rmmod vhv
check "M: vhv unloaded: module_unloaded" wait_for "module_unloaded" 120 __evline module_unloaded
insmod "$VHV_KO" stall_ms="$STALL_MS" ready_trace_us=2000
echo 1 > "$TI/events/vhv/enable"	# the truth's instance lost them too
__loaded_again() { [ "$(grep -c '"event":"module_loaded"' "$TMPD/ev")" -ge 2 ]; }
check "M: vhv loaded again: module_loaded" wait_for "a second module_loaded" 120 __loaded_again
vmm_start_tracked F 1 -w hlt -t 10000 -d 0 -- -name "$F_NAME"
FID=$(rd "$VMDIR/id")
vmm_stop F
__f_gone() { grep '"event":"vm_remove"' "$TMPD/ev" | grep -q "\"name\":\"$F_NAME\""; }
wait_for "vhvstat's vm_remove of F" 120 __f_gone || true
sleep 1		# what the module traced last has reached vhvstat's buffer
T1=$(date +%s.%N)
kill -INT "$EVPID"
set +e
wait "$EVPID"
EVST=$?
set -e
EVPID=
WAIT_FILES=()
check "vhvstat events exits 0 on SIGINT and removes its trace instance" \
	eval '[ "$EVST" = 0 ] && ! ls -d "$TRACEFS"/instances/vhvstat-events-* 2>/dev/null'
echo 0 > "$TI/events/vhv/enable"
cat "$TI/trace" >> "$TMPD/truth"

# ---- compare -----------------------------------------------------------------
# compare fields|names: the stream ($TMPD/ev) against the truth ($TI/trace)
compare() {
	python3 - "$1" "$TMPD/truth" "$TMPD/ev" "$T0" "$T1" "$EID" "$E_NAME" "$E_UUID" "$FID" "$F_NAME" <<'PY'
import calendar, json, re, sys
mode, truth_path, ev_path = sys.argv[1:4]
t0, t1 = float(sys.argv[4]), float(sys.argv[5])
eid, e_name, e_uuid, fid, f_name = int(sys.argv[6]), sys.argv[7], sys.argv[8], int(sys.argv[9]), sys.argv[10]
docs = [json.loads(l) for l in open(ev_path)]
bad = []
unload = [i for i, d in enumerate(docs) if d["event"] == "module_unloaded"]
reload_ = [i for i, d in enumerate(docs) if d["event"] == "module_loaded"]
first = docs[:unload[0]] if unload else docs
second = docs[reload_[-1]:] if len(reload_) > 1 else []
if mode == "fields":
    # wall time: in the test's window, in order
    ts = []
    for d in docs:
        m = re.match(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{6})Z$", d["timestamp"])
        if not m:
            bad.append("timestamp %r" % d["timestamp"])
            continue
        y, mo, da, h, mi, s, us = (int(x) for x in m.groups())
        ts.append(calendar.timegm((y, mo, da, h, mi, s)) + us / 1e6)
    back = [(i, docs[i - 1]["timestamp"], docs[i]["timestamp"]) for i in range(1, len(ts)) if ts[i] < ts[i - 1]]
    if ts and not (t0 - 1e-6 <= ts[0] and ts[-1] <= t1) or back:
        bad.append("times %.6f..%.6f, test's %.6f..%.6f; out of order: %s" % (ts[0], ts[-1], t0, t1, back[:3]))
    def key(name, f):
        f = dict(f)
        if "id" in f:
            f["vm"] = f.pop("id")
        if "idx" in f:
            f["vcpu"] = f.pop("idx")
        return (name, tuple(sorted((k, str(v)) for k, v in f.items())))
    stream = {}
    for d in docs:
        f = {k: v for k, v in d.items()
             if k not in ("schema", "timestamp", "hostname", "event", "name", "uuid")}
        if not d["event"].startswith("vm_"):
            f.pop("pid", None)      # vhvstat's addition: the VM's pid
        stream.setdefault(key(d["event"], f), []).append(d)
    n = {}
    for line in open(truth_path):
        m = re.search(r" vhv_(\w+): (.*)$", line)
        if not m:
            continue
        f = dict((k, v.strip('"')) for k, v in re.findall(r'(\w+)=("[^"]*"|\S+)', m.group(2)))
        k = key(m.group(1), f)
        n[m.group(1)] = n.get(m.group(1), 0) + 1
        if stream.get(k):
            stream[k].pop(0)
        else:
            bad.append("traced, not streamed: %s %s" % k)
    print("# traced: %s; streamed: %d lines" % (n, len(docs)))
    for what in ("vcpu_stall", "vcpu_recover", "vm_stall", "vm_recover", "vm_add", "vm_remove",
                 "vcpu_add", "vcpu_remove"):
        if not n.get(what):
            bad.append("no %s traced" % what)
    if n.get("ready_wait", 0) < 10:
        bad.append("%d ready waits traced" % n.get("ready_wait", 0))
    if not any(d["event"] == "vcpu_stall" and d.get("vm") == eid and d.get("state") == "stopped"
               for d in first):
        bad.append("no vcpu_stall of E in state stopped")
else:
    e = [d for d in first if d.get("vm") == eid]
    wrong = [d for d in e if (d.get("name"), d.get("uuid")) != (e_name, e_uuid)]
    print("# %d events of E, %d without its name and uuid" % (len(e), len(wrong)))
    if not e or wrong:
        bad.extend("E: %s" % d for d in wrong[:5])
    f = [d for d in second if d.get("vm") == fid]
    if not any(d["event"] == "vm_add" and d.get("name") == f_name for d in f):
        bad.append("no vm_add of F named %s after the reload: %s" % (f_name, f[:3]))
for b in bad[:20]:
    print("# " + b)
sys.exit(1 if bad else 0)
PY
}
check "every traced vhv event is in the stream with its fields, in time order within the test's clock" compare fields
check "names: E's events carry its -name and -uuid; F's, after the reload, its name" compare names
check "vhvstat's stderr is empty" eval '! [ -s "$TMPD/ev.err" ] || { sed "s/^/# /" "$TMPD/ev.err"; false; }'

tap_done
