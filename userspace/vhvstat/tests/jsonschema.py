#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""jsonschema.py DOC REPORT [FILE]: check vhvstat -j documents (one per
line, FILE or stdin) of report REPORT (vm, vcpu, host or stolen) against
the tables of Documentation/vhv/vhvstat-json.rst: every member the tables
list for that report is there with its type, and no other; a VM's stolen
object (when not null) and its by_vm entries against their own tables.
Prints what differs; exit status 1 then. With -n N: also fail unless N
VMs have a stolen object (not null)."""
import json
import re
import sys

TYPES = {"integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
         "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
         "string": lambda v: isinstance(v, str),
         "boolean": lambda v: isinstance(v, bool),
         "object": lambda v: isinstance(v, dict),
         "array": lambda v: isinstance(v, list)}


def tables(path):
    """{object: {member: (types, nullable, reports)}} from the rst."""
    out, obj, rules = {}, None, 0
    for line in open(path):
        m = re.match(r"\.\. schema-object: (\w+)", line)
        if m:
            obj, rules = m.group(1), 0
            out[obj] = {}
            continue
        if obj is None:
            continue
        if re.match(r"=+( +=+)+\s*$", line):
            rules += 1
            if rules == 3:
                obj = None
            continue
        if rules != 2 or not line.strip() or line[0] == " ":
            continue
        key, typ, reports = line.split()[:3]
        nullable = typ.endswith("|null")
        typ = typ.split("|")[0]
        if typ not in TYPES:
            sys.exit("%s: %s.%s: unknown type %s" % (path, obj, key, typ))
        out[obj][key] = (typ, nullable, reports.split(","))
    return out


def check(where, d, spec, report, bad):
    for key, (typ, nullable, reports) in spec.items():
        wanted = "all" in reports or report in reports
        if not wanted:
            if key in d:
                bad.append("%s.%s: not listed for the %s report" % (where, key, report))
            continue
        if key not in d:
            bad.append("%s.%s: missing" % (where, key))
        elif d[key] is None:
            if not nullable:
                bad.append("%s.%s: null, documented %s" % (where, key, typ))
        elif not TYPES[typ](d[key]):
            bad.append("%s.%s: %r is not %s" % (where, key, d[key], typ))
    for key in d:
        if key not in spec:
            bad.append("%s.%s: not documented" % (where, key))


def main():
    argv, want_stolen = sys.argv, None
    if len(argv) > 2 and argv[1] == "-n":
        want_stolen = int(argv[2])
        argv = argv[:1] + argv[3:]
    spec = tables(argv[1])
    report = argv[2]
    src = open(argv[3]) if len(argv) > 3 else sys.stdin
    bad, n, stolen = [], 0, 0
    for line in src:
        doc = json.loads(line)
        n += 1
        check("doc", doc, spec["top"], report, bad)
        check("host", doc.get("host", {}), spec["host"], report, bad)
        for vm in doc.get("vms", []):
            check("vm", vm, spec["vm"], report, bad)
            for v in vm.get("vcpus", []):
                check("vcpu", v, spec["vcpu"], report, bad)
            if isinstance(vm.get("stolen"), dict):
                stolen += 1
                check("stolen", vm["stolen"], spec["stolen"], report, bad)
                for e in vm["stolen"].get("by_vm", []):
                    check("by_vm", e, spec["by_vm"], report, bad)
    if not n:
        bad.append("no document")
    if want_stolen is not None and stolen != want_stolen:
        bad.append("%d stolen objects, not %d" % (stolen, want_stolen))
    for b in sorted(set(bad)):
        print("# " + b)
    sys.exit(1 if bad else 0)


main()
