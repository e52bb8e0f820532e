#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print the kernel's uevents that carry a given property, one per line.

usage: uevent.py [PROPERTY]

Binds a NETLINK_KOBJECT_UEVENT socket to the kernel's multicast group (no
udevd needed), prints "ready" once bound, then for every matching event:
    uevent t_ns=<CLOCK_MONOTONIC ns> ACTION=.. DEVPATH=.. KEY=VALUE ...
"""
import socket
import sys
import time

NETLINK_KOBJECT_UEVENT = 15


def main():
    want = sys.argv[1] if len(sys.argv) > 1 else None
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM,
                      NETLINK_KOBJECT_UEVENT)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.bind((0, 1))
    print("ready", flush=True)
    while True:
        data = s.recv(1 << 16)
        t = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
        props = {}
        for word in data.split(b"\0")[1:]:
            k, sep, v = word.partition(b"=")
            if sep:
                props[k.decode()] = v.decode(errors="replace")
        if want and want not in props:
            continue
        words = " ".join("%s=%s" % (k, v) for k, v in sorted(props.items()))
        print("uevent t_ns=%d %s" % (t, words), flush=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
