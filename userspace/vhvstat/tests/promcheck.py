#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""promcheck.py - check Prometheus text exposition (format 0.0.4).

  promcheck.py [FILE]              read FILE or stdin; exit 0 if valid
  promcheck.py -c NAME [FILE]      also print the number of series of NAME

Checks what node_exporter's textfile collector needs: each line a HELP,
TYPE, comment or sample line; HELP/TYPE at most once per family and before
its samples; the samples of a family together; no duplicate series; label
values escaped; counters named *_total; no OpenMetrics '# EOF'.
"""
import re
import sys

NAME = r'[a-zA-Z_:][a-zA-Z0-9_:]*'
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
VALUE = r'(?:[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|NaN|[+-]Inf)'
SAMPLE = re.compile(r'^(%s)(\{(?:%s(?:,%s)*,?)?\})? (%s)(?: -?[0-9]+)?$' %
                    (NAME, LABEL, LABEL, VALUE))
META = re.compile(r'^# (HELP|TYPE) (%s)(?: (.*))?$' % NAME)
TYPES = {'counter', 'gauge', 'histogram', 'summary', 'untyped'}


def family_of(name, types):
    for suffix in ('_bucket', '_count', '_sum'):
        base = name[:-len(suffix)] if name.endswith(suffix) else None
        if base and types.get(base) in ('histogram', 'summary'):
            return base
    return name


def check(lines):
    errors, types, helps, done, series, count = [], {}, set(), set(), set(), {}
    current = None
    for no, line in enumerate(lines, 1):
        def err(msg):
            errors.append('line %d: %s: %r' % (no, msg, line))
        if line == '':
            continue
        if line.startswith('#'):
            if line.strip() == '# EOF':
                err('OpenMetrics # EOF in a 0.0.4 exposition')
                continue
            m = META.match(line)
            if not m:
                if re.match(r'^# (HELP|TYPE)\b', line):
                    err('malformed HELP/TYPE')
                continue
            kind, name, rest = m.groups()
            if name in done or (current and current != name and name in count):
                err('metadata after the samples of %s' % name)
            if kind == 'TYPE':
                if name in types:
                    err('second TYPE for %s' % name)
                if rest not in TYPES:
                    err('unknown type %r' % rest)
                types[name] = rest
                if rest == 'counter' and not name.endswith('_total'):
                    err('counter %s does not end in _total' % name)
            else:
                if name in helps:
                    err('second HELP for %s' % name)
                helps.add(name)
            continue
        m = SAMPLE.match(line)
        if not m:
            err('not a sample line')
            continue
        fam = family_of(m.group(1), types)
        if fam != current:
            if current:
                done.add(current)
            if fam in done:
                err('samples of %s are not together' % fam)
            current = fam
        key = (m.group(1), m.group(2) or '')
        if key in series:
            err('duplicate series')
        series.add(key)
        count[m.group(1)] = count.get(m.group(1), 0) + 1
    return errors, count


def main(argv):
    want = None
    if len(argv) > 1 and argv[1] == '-c':
        want = argv[2]
        argv = argv[2:]
    text = open(argv[1]).read() if len(argv) > 1 else sys.stdin.read()
    if text and not text.endswith('\n'):
        print('promcheck: no newline at the end', file=sys.stderr)
        return 1
    errors, count = check(text.split('\n'))
    for e in errors[:20]:
        print('promcheck: ' + e, file=sys.stderr)
    if want:
        print(count.get(want, 0))
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
