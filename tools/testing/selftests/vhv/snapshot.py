#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check /proc/vhv/snapshot against its format and the per-file sysfs.

usage: snapshot.py format|sysfs|schedstat|readers

format     read it in small chunks; the header, host, vm/vcpu and end lines
           are well formed and agree with each other; time_ns lies between
           CLOCK_MONOTONIC before and after; a second read from offset 0
           takes a newer snapshot
sysfs      every value equals the per-file sysfs value read right after it
           (counters that only grow: sysfs >= snapshot)
schedstat  each vCPU's ready_ns/run_ns lie between the thread's schedstat
           run_delay/sum_exec_runtime read just before and just after
readers    the snapshot belongs to the open file: a read at a non-zero
           offset of a fresh open fails with EINVAL; a reader that started
           completes one consistent snapshot while 40 others open, read and
           hold theirs; pread within a reader's snapshot returns its bytes

Prints TAP diagnostics ("# ...") and exits 0 when every check holds.
"""
import errno
import os
import sys
import time

SNAP = "/proc/vhv/snapshot"
SYS = "/sys/kernel/vhv"
PARAM = "/sys/module/vhv/parameters/stall_ms"

# Keys every line must have (the format may append more: ignored).
HOST_KEYS = ("nr_vms", "nr_vcpus", "nr_cpus", "guest_mem_bytes", "ram_bytes",
             "stall_threshold_ms")
VM_KEYS = ("id", "pid", "nr_vcpus", "mem_bytes", "swap_bytes", "majflt",
           "swap_wait_ns", "heartbeat_ms", "stalled", "cgroup",
           "mem_pressure_some_us", "mem_pressure_full_us", "status",
           "stalled_vcpus", "stall_count", "pause_count", "apf_faults",
           "apf_wait_ns", "apf_max_ns", "ready_ns", "majflt_rate")
VCPU_KEYS = ("vm", "idx", "vcpu_id", "tid", "ready_ns", "run_ns", "guest_ns",
             "halt_ns", "exits", "preemptions", "ready_max_ns", "swap_wait_ns",
             "swapin_delay_ns", "majflt", "state", "state_ms", "stalled",
             "stall_count", "ready_hist")
# Keys whose values are words from a fixed set.
WORDS = {
    "status": ("ok", "degraded", "stalled", "paused"),
    "state": ("guest", "kvm", "ready", "halted", "swapwait", "blocked", "vmm",
              "stopped"),
}
VM_STATIC = ("pid", "nr_vcpus", "mem_bytes", "cgroup", "status",
             "stalled_vcpus")
VM_GROWS = ("majflt", "swap_wait_ns", "mem_pressure_some_us",
            "mem_pressure_full_us", "stall_count", "pause_count", "apf_faults",
            "apf_wait_ns", "apf_max_ns", "ready_ns")
VCPU_STATIC = ("vcpu_id", "tid")
VCPU_GROWS = ("ready_ns", "run_ns", "guest_ns", "halt_ns", "exits",
              "preemptions", "ready_max_ns", "swap_wait_ns", "majflt",
              "stall_count")

errors = []


def err(msg):
    errors.append(msg)
    print("# " + msg)


def mono_ns():
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC)


def read_snapshot(chunk=61):
    """Read one snapshot with many small reads on one open file."""
    with open(SNAP, "rb", buffering=0) as f:
        parts = []
        while True:
            b = f.read(chunk)
            if not b:
                break
            parts.append(b)
    return b"".join(parts).decode()


def words(line):
    d = {}
    for w in line.split()[1:]:
        k, sep, v = w.partition("=")
        if not sep or not k:
            err("word without '=' in line: %r" % line)
        d[k] = v
    return d


STOLEN_CLASSES = ["same_vm", "other_vms", "kswapd", "ksmd", "vhost",
                  "kworker", "kthread", "process", "unattributed"]


def check_stolen(vm, line):
    """A VM's stolen line: nine numbers, and by_vm within other_vms."""
    d = words(line)
    if d.get("vm") != vm.get("id"):
        err("stolen line follows vm %s but says vm=%s" %
            (vm.get("id"), d.get("vm")))
    for k in STOLEN_CLASSES:
        if not d.get(k + "_ns", "").isdigit():
            err("stolen %s_ns=%r is not a number" % (k, d.get(k + "_ns")))
            return
    by = d.get("by_vm")
    if by is None:
        err("stolen line lacks by_vm: %r" % line)
        return
    if by == "-":
        return
    pairs = [p.partition(":") for p in by.split(",")]
    if len(pairs) > 8 or any(not a.isdigit() or not s or not b.isdigit()
                             for a, s, b in pairs):
        err("stolen by_vm=%r is not up to 8 id:ns pairs" % by)
        return
    ids = [a for a, _, _ in pairs]
    ns = [int(b) for _, _, b in pairs]
    if len(set(ids)) != len(ids) or vm.get("id") in ids:
        err("stolen by_vm=%r: an id twice, or the VM itself" % by)
    if ns != sorted(ns, reverse=True):
        err("stolen by_vm=%r is not sorted, largest first" % by)
    if sum(ns) > int(d["other_vms_ns"]):
        err("stolen by_vm=%r adds up to more than other_vms_ns=%s" %
            (by, d["other_vms_ns"]))


def parse(text):
    """Return (header, host, [(vm, [vcpu...])...]); errors go to err()."""
    if not text.endswith("\n"):
        err("snapshot does not end with a newline")
    lines = text.rstrip("\n").split("\n")
    if len(lines) < 3:
        err("snapshot too short: %r" % text)
        return {}, {}, []
    if lines[0].split()[0] != "vhv-snapshot":
        err("first line is not the header: %r" % lines[0])
    if lines[1].split()[0] != "host":
        err("second line is not 'host': %r" % lines[1])
    if lines[-1] != "end":
        err("last line is not 'end': %r" % lines[-1])
    header = words(lines[0])
    host = words(lines[1])
    vms = []
    stolen = set()
    for line in lines[2:-1]:
        kind = line.split()[0] if line.split() else ""
        if kind == "vm":
            if vms and vms[-1][0].get("id") not in stolen:
                err("vm %s has no stolen line" % vms[-1][0].get("id"))
            vms.append((words(line), []))
        elif kind == "stolen":
            if not vms or vms[-1][0].get("id") in stolen:
                err("stolen line not after its vm's lines: %r" % line)
                continue
            stolen.add(vms[-1][0].get("id"))
            check_stolen(vms[-1][0], line)
        elif kind == "vcpu":
            v = words(line)
            if not vms:
                err("vcpu line before any vm line: %r" % line)
                continue
            if v.get("vm") != vms[-1][0].get("id"):
                err("vcpu line follows vm %s but says vm=%s" %
                    (vms[-1][0].get("id"), v.get("vm")))
            vms[-1][1].append(v)
        else:
            err("unknown line: %r" % line)
    if vms and vms[-1][0].get("id") not in stolen:
        err("vm %s has no stolen line" % vms[-1][0].get("id"))
    for name, d, keys in [("host", host, HOST_KEYS)] + \
            [("vm", vm, VM_KEYS) for vm, _ in vms] + \
            [("vcpu", c, VCPU_KEYS) for _, cs in vms for c in cs]:
        for k in keys:
            if k not in d:
                err("%s line lacks %s: %r" % (name, k, d))
            elif k in WORDS:
                if d[k] not in WORDS[k]:
                    err("%s %s=%r is not one of %s" %
                        (name, k, d[k], "|".join(WORDS[k])))
            elif k == "ready_hist":
                if not all(x.isdigit() for x in d[k].split(",")):
                    err("%s ready_hist=%r is not a list of counts" % (name, d[k]))
            elif k != "cgroup" and not d[k].lstrip("-").isdigit():
                err("%s %s=%r is not a number" % (name, k, d[k]))
    return header, host, vms


def sysfs(path):
    with open(path) as f:
        return f.read().strip()


def schedstat(pid, tid):
    with open("/proc/%s/task/%s/schedstat" % (pid, tid)) as f:
        run, delay, _ = f.read().split()
    return int(run), int(delay)


def check_format():
    t0 = mono_ns()
    text = read_snapshot()
    t1 = mono_ns()
    header, host, vms = parse(text)
    if errors:
        print("# snapshot was:\n" + "".join("#   " + l + "\n"
                                             for l in text.splitlines()))
        return
    if header.get("version") != "1":
        err("version=%s, expected 1" % header.get("version"))
    if header.get("hz") != str(os.sysconf("SC_CLK_TCK")):
        err("hz=%s, USER_HZ is %d" % (header.get("hz"),
                                       os.sysconf("SC_CLK_TCK")))
    tns = int(header.get("time_ns", "-1"))
    if not t0 <= tns <= t1:
        err("time_ns=%d not within CLOCK_MONOTONIC [%d, %d]" % (tns, t0, t1))
    if int(host["nr_vms"]) != len(vms):
        err("host nr_vms=%s but %d vm lines" % (host["nr_vms"], len(vms)))
    nvc = sum(len(c) for _, c in vms)
    if int(host["nr_vcpus"]) != nvc:
        err("host nr_vcpus=%s but %d vcpu lines" % (host["nr_vcpus"], nvc))
    mem = sum(int(vm["mem_bytes"]) for vm, _ in vms)
    if int(host["guest_mem_bytes"]) != mem:
        err("host guest_mem_bytes=%s but the vm lines sum to %d" %
            (host["guest_mem_bytes"], mem))
    if host["stall_threshold_ms"] != sysfs(PARAM):
        err("stall_threshold_ms=%s but parameter stall_ms=%s" %
            (host["stall_threshold_ms"], sysfs(PARAM)))
    ids = [vm["id"] for vm, _ in vms]
    if len(set(ids)) != len(ids):
        err("duplicate vm ids: %s" % ids)
    for vm, cs in vms:
        if int(vm["nr_vcpus"]) != len(cs):
            err("vm %s nr_vcpus=%s but %d vcpu lines" %
                (vm["id"], vm["nr_vcpus"], len(cs)))
        idxs = [c["idx"] for c in cs]
        if len(set(idxs)) != len(idxs):
            err("vm %s: duplicate vcpu idx %s" % (vm["id"], idxs))
        if vm["stalled"] not in ("0", "1"):
            err("vm %s stalled=%s" % (vm["id"], vm["stalled"]))
        # One picture: the VM's stall figures agree with its vCPUs'.
        nst = sum(c["stalled"] == "1" for c in cs)
        want = "paused" if vm["status"] == "paused" else \
            "ok" if not nst else "stalled" if nst == len(cs) else "degraded"
        if int(vm["stalled_vcpus"]) != nst or \
                vm["stalled"] != ("1" if nst else "0") or vm["status"] != want:
            err("vm %s stalled=%s stalled_vcpus=%s status=%s, but %d of %d "
                "vcpu lines say stalled=1" % (vm["id"], vm["stalled"],
                                              vm["stalled_vcpus"],
                                              vm["status"], nst, len(cs)))
        if vm["cgroup"] != "-" and not vm["cgroup"].startswith("/"):
            err("vm %s cgroup=%s is neither a path nor '-'" %
                (vm["id"], vm["cgroup"]))
    # A read from offset 0 of the same open file takes a new snapshot.
    with open(SNAP, "rb", buffering=0) as f:
        a = f.read(256).decode()
        f.seek(0)
        b = f.read(256).decode()
    ta = int(words(a.split("\n")[0]).get("time_ns", "0"))
    tb = int(words(b.split("\n")[0]).get("time_ns", "0"))
    if not ta < tb:
        err("re-read from offset 0 did not take a new snapshot "
            "(time_ns %d then %d)" % (ta, tb))
    print("# snapshot: %d vm, %d vcpu lines, %d bytes, time_ns ok" %
          (len(vms), nvc, len(text)))


def check_sysfs():
    header, host, vms = parse(read_snapshot())
    if errors:
        return
    for k in ("nr_vms", "nr_vcpus", "nr_cpus", "guest_mem_bytes",
              "ram_bytes"):
        v = sysfs("%s/%s" % (SYS, k))
        if v != host[k]:
            err("host %s: snapshot %s, sysfs %s" % (k, host[k], v))
    for vm, cs in vms:
        d = "%s/vms/%s" % (SYS, vm["id"])
        if sysfs(d + "/id") != vm["id"]:
            err("vm dir %s: id file says %s" % (d, sysfs(d + "/id")))
        for k in VM_STATIC + ("stalled",):
            v = sysfs("%s/%s" % (d, k))
            if v != vm[k]:
                err("vm %s %s: snapshot %s, sysfs %s" % (vm["id"], k, vm[k], v))
        for k in VM_GROWS:
            v = sysfs("%s/%s" % (d, k))
            if int(v) < int(vm[k]):
                err("vm %s %s went back: snapshot %s, sysfs %s" %
                    (vm["id"], k, vm[k], v))
        for c in cs:
            cd = "%s/vcpus/%s" % (d, c["idx"])
            for k in VCPU_STATIC:
                v = sysfs("%s/%s" % (cd, k))
                if v != c[k]:
                    err("vcpu %s/%s %s: snapshot %s, sysfs %s" %
                        (vm["id"], c["idx"], k, c[k], v))
            for k in VCPU_GROWS:
                v = sysfs("%s/%s" % (cd, k))
                if int(v) < int(c[k]):
                    err("vcpu %s/%s %s went back: snapshot %s, sysfs %s" %
                        (vm["id"], c["idx"], k, c[k], v))
            h = sysfs(cd + "/ready_hist").split()
            hs = c["ready_hist"].split(",")
            if len(h) != len(hs) or any(int(a) < int(b) for a, b in zip(h, hs)):
                err("vcpu %s/%s ready_hist went back or differs in length: "
                    "snapshot %s, sysfs %s" % (vm["id"], c["idx"], hs, h))
            v = sysfs(cd + "/swapin_delay_ns")
            if (v == "-1") != (c["swapin_delay_ns"] == "-1"):
                err("vcpu %s/%s swapin_delay_ns: snapshot %s, sysfs %s" %
                    (vm["id"], c["idx"], c["swapin_delay_ns"], v))
    print("# snapshot vs sysfs: %d vms compared" % len(vms))


def check_schedstat():
    before = {}
    for d in os.listdir(SYS + "/vms"):
        pid = sysfs("%s/vms/%s/pid" % (SYS, d))
        for i in os.listdir("%s/vms/%s/vcpus" % (SYS, d)):
            tid = sysfs("%s/vms/%s/vcpus/%s/tid" % (SYS, d, i))
            before[tid] = schedstat(pid, tid)
    header, host, vms = parse(read_snapshot())
    if errors:
        return
    n = 0
    for vm, cs in vms:
        for c in cs:
            if c["tid"] not in before:
                continue
            after = schedstat(vm["pid"], c["tid"])
            b = before[c["tid"]]
            for name, k, i in (("run_delay", "ready_ns", 1),
                               ("sum_exec_runtime", "run_ns", 0)):
                if not b[i] <= int(c[k]) <= after[i]:
                    err("tid %s %s=%s not within schedstat %s [%d, %d]" %
                        (c["tid"], k, c[k], name, b[i], after[i]))
            n += 1
    if not n:
        err("no vCPU to compare")
    print("# snapshot vs schedstat: %d vCPUs compared" % n)


def read_rest(fd):
    parts = []
    while True:
        b = os.read(fd, 97)
        if not b:
            return b"".join(parts)
        parts.append(b)


def consistent(name, text):
    """One picture: well formed, and the host line counts its vm lines."""
    n = len(errors)
    _, host, vms = parse(text)
    if len(errors) > n:
        return False
    nvc = sum(len(cs) for _, cs in vms)
    if int(host["nr_vms"]) != len(vms) or int(host["nr_vcpus"]) != nvc:
        err("%s: host says %s vms %s vcpus, the lines %d and %d" %
            (name, host["nr_vms"], host["nr_vcpus"], len(vms), nvc))
        return False
    return True


def check_readers():
    fd = os.open(SNAP, os.O_RDONLY)
    try:
        os.pread(fd, 100, 4096)
        err("pread at offset 4096 of a fresh open returned data")
    except OSError as e:
        if e.errno != errno.EINVAL:
            err("pread at offset 4096 of a fresh open: %s (want EINVAL)" % e)
    finally:
        os.close(fd)

    # A stops in the middle of its picture (a torn one would splice two
    # pictures there, mid-line), the others start theirs meanwhile.
    half = max(100, len(read_snapshot()) // 2)
    a = os.open(SNAP, os.O_RDONLY)
    first = os.read(a, half)
    others = []
    for _ in range(40):
        fd = os.open(SNAP, os.O_RDONLY)
        others.append((fd, os.read(fd, 150)))
    time.sleep(0.5)     # the worker runs meanwhile: the figures move
    text = first + read_rest(a)
    ok = consistent("reader A", text.decode())
    if os.pread(a, 50, 100) != text[100:150]:
        err("pread(50, 100) of reader A is not its own bytes 100..150")
        ok = False
    os.close(a)
    done = 0
    for fd, head in others:
        done += consistent("another reader", (head + read_rest(fd)).decode())
        os.close(fd)
    print("# reader A: %d bytes, one consistent snapshot: %s; the 40 others "
          "consistent: %d" % (len(text), ok, done))
    if done != len(others):
        err("only %d of %d readers got a consistent snapshot" %
            (done, len(others)))


def main():
    {"format": check_format, "sysfs": check_sysfs,
     "schedstat": check_schedstat,
     "readers": check_readers}[sys.argv[1]]()
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
