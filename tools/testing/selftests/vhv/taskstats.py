#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Delay accounting of one thread, from the kernel's taskstats (genetlink).

usage: taskstats.py TID

Prints "version=V cpu_count=.. cpu_delay_total=.. swapin_count=..
swapin_delay_total=.." (ns), what getdelays(8) would show, or exits 1.
This is an independent path to task->delays (and sched_info) for the tests.
"""
import os
import socket
import struct
import sys

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST = 1
NLMSG_ERROR = 2
TASKSTATS_CMD_GET = 1
TASKSTATS_CMD_ATTR_PID = 1
TASKSTATS_TYPE_PID = 1
TASKSTATS_TYPE_STATS = 3
TASKSTATS_TYPE_AGGR_PID = 4


def nla(atype, payload):
    n = 4 + len(payload)
    return struct.pack("HH", n, atype) + payload + b"\0" * ((4 - n % 4) % 4)


def parse_attrs(buf):
    out = {}
    while len(buf) >= 4:
        n, atype = struct.unpack_from("HH", buf)
        if n < 4:
            break
        out[atype & 0x3fff] = buf[4:n]
        buf = buf[(n + 3) & ~3:]
    return out


def request(s, family, cmd, attrs, seq):
    payload = struct.pack("BBH", cmd, 1, 0) + attrs
    msg = struct.pack("IHHII", 16 + len(payload), family, NLM_F_REQUEST, seq,
                      os.getpid()) + payload
    s.send(msg)
    data = s.recv(1 << 16)
    n, mtype = struct.unpack_from("IH", data)
    if mtype == NLMSG_ERROR:
        err = struct.unpack_from("i", data, 16)[0]
        raise OSError(-err, os.strerror(-err))
    return parse_attrs(data[20:n])


def main():
    tid = int(sys.argv[1])
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    s.bind((0, 0))
    a = request(s, GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                nla(CTRL_ATTR_FAMILY_NAME, b"TASKSTATS\0"), 1)
    fam = struct.unpack("H", a[CTRL_ATTR_FAMILY_ID][:2])[0]
    a = request(s, fam, TASKSTATS_CMD_GET,
                nla(TASKSTATS_CMD_ATTR_PID, struct.pack("I", tid)), 2)
    inner = parse_attrs(a[TASKSTATS_TYPE_AGGR_PID])
    st = inner[TASKSTATS_TYPE_STATS]
    version = struct.unpack_from("H", st, 0)[0]
    (cpu_count, cpu_delay, blkio_count, blkio_delay, swapin_count,
     swapin_delay) = struct.unpack_from("6Q", st, 16)
    print("version=%d cpu_count=%d cpu_delay_total=%d swapin_count=%d "
          "swapin_delay_total=%d" % (version, cpu_count, cpu_delay,
                                     swapin_count, swapin_delay))


if __name__ == "__main__":
    try:
        main()
    except (OSError, KeyError, struct.error, ValueError, IndexError) as e:
        print("taskstats: %s" % e, file=sys.stderr)
        sys.exit(1)
