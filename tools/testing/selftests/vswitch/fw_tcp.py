#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""fw_tcp.py - TCP ends for firewall.sh (run inside a VM's namespace).
  fw_tcp.py serve PORT...      echo server on every PORT (all addresses),
                               "listening" on stdout once they listen
  fw_tcp.py connect HOST PORT  connect, send a line, wait for its echo;
                               exit 0 echoed, 1 refused/timed out
  fw_tcp.py hold HOST PORT     connect, echo once, print "up"; then for
                               each line of stdin send it and print "echo"
                               or "none" (no echo in time)
Each wait lasts FW_TIMEOUT seconds (default 20), times
VHV_TIMEOUT_SCALE (emulated guests are slow). FW_DSTOPTS=1: an IPv6
connection's packets carry a destination options header (IPV6_DSTOPTS)."""
import os
import select
import socket
import sys
import threading

TIMEOUT = (float(os.environ.get("FW_TIMEOUT", "20") or 20) *
           float(os.environ.get("VHV_TIMEOUT_SCALE", "1") or 1))


def echo(conn):
    with conn:
        while True:
            try:
                data = conn.recv(4096)
            except OSError:
                return
            if not data:
                return
            conn.sendall(data)


def serve(ports):
    socks = []
    for p in ports:
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        s.bind(("::", int(p)))
        s.listen(16)
        socks.append(s)
    print("listening", flush=True)
    while True:
        ready, _, _ = select.select(socks, [], [])
        for s in ready:
            conn, _ = s.accept()
            threading.Thread(target=echo, args=(conn,), daemon=True).start()


def roundtrip(s, line):
    s.settimeout(TIMEOUT)
    try:
        s.sendall(line)
        got = b""
        while len(got) < len(line):
            data = s.recv(4096)
            if not data:
                return False
            got += data
        return got == line
    except OSError:
        return False


def connect(host, port):
    try:
        if os.environ.get("FW_DSTOPTS") == "1":
            s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
            # next header (the kernel's), length 0 (8 bytes), PadN of 4
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_DSTOPTS,
                         bytes([0, 0, 1, 4, 0, 0, 0, 0]))
            s.settimeout(TIMEOUT)
            s.connect((host, int(port)))
        else:
            s = socket.create_connection((host, int(port)), timeout=TIMEOUT)
    except OSError as e:
        print("connect %s:%s: %s" % (host, port, e))
        return None
    return s


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "serve":
        serve(sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == "connect":
        s = connect(sys.argv[2], sys.argv[3])
        ok = s is not None and roundtrip(s, b"hello\n")
        print("echo" if ok else "none")
        sys.exit(0 if ok else 1)
    elif len(sys.argv) == 4 and sys.argv[1] == "hold":
        s = connect(sys.argv[2], sys.argv[3])
        if s is None or not roundtrip(s, b"first\n"):
            print("down", flush=True)
            sys.exit(1)
        print("up", flush=True)
        for line in sys.stdin:
            print("echo" if roundtrip(s, line.encode()) else "none",
                  flush=True)
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


main()
