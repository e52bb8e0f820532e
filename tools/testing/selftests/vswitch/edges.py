#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""edges.py - TCP and ICMP edge cases through a stateful switch (edges.sh)

    edges.py NS_A NS_B MAC_A MAC_B [CASE...]

VMs a and b are namespaces whose eth0 have no address (their stacks answer
nothing): every frame of a case is crafted here and sent from a's or b's
eth0 through an AF_PACKET socket opened in that namespace. After each
frame, a control frame (EtherType 0x88b5, numbered) follows it from the
same side; the other side reads until that control frame, and the frames
it read before it are what the switch let through of the case's frame
(none, the frame, or the fragments it was cut into again).

For each frame of each case (all cases when none is named) prints

    CASE N DIR GOT EXPECT  WHAT

DIR is ">" (a to b) or "<" (b to a), GOT the number of frames that
arrived, EXPECT what a stateful firewall that allows TCP 8080, ICMP and
ICMPv6 from a to b (and nothing else) should let through. Exits 1 when a
control frame does not arrive in time (FW_TIMEOUT seconds, default 20,
times VHV_TIMEOUT_SCALE).
"""
import ctypes
import os
import socket
import sys
import time

sys.modules["cryptography"] = None	# optional for scapy, slow to import
from scapy.config import conf  # noqa: E402
from scapy.packet import Raw  # noqa: E402
from scapy.layers.l2 import Ether  # noqa: E402
from scapy.layers.inet import IP, TCP, ICMP  # noqa: E402
from scapy.layers.inet6 import (IPv6, ICMPv6EchoRequest,  # noqa: E402
                                ICMPv6EchoReply, ICMPv6PacketTooBig,
                                ICMPv6DestUnreach)

conf.verb = 0
A4, B4, A6, B6 = "10.80.0.1", "10.80.0.2", "fd80::1", "fd80::2"
ETH_P_ALL, CTRL = 0x0003, 0x88b5
TIMEOUT = (float(os.environ.get("FW_TIMEOUT", "20") or 20) *
           float(os.environ.get("VHV_TIMEOUT_SCALE", "1") or 1))


def netns_socket(name):
    """an AF_PACKET socket on eth0 of namespace name"""
    libc = ctypes.CDLL(None, use_errno=True)
    here = os.open("/proc/self/ns/net", os.O_RDONLY)
    there = os.open("/run/netns/" + name, os.O_RDONLY)
    try:
        if libc.setns(there, 0x40000000):
            sys.exit("setns %s: %s" % (name, os.strerror(ctypes.get_errno())))
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                          socket.htons(ETH_P_ALL))
        s.bind(("eth0", ETH_P_ALL))
    finally:
        libc.setns(here, 0x40000000)
        os.close(here)
        os.close(there)
    return s


class Edges:
    def __init__(self, ns_a, ns_b, mac_a, mac_b):
        self.sock = {">": netns_socket(ns_a), "<": netns_socket(ns_b)}
        self.peer = {">": self.sock["<"], "<": self.sock[">"]}
        self.eth = {">": Ether(src=mac_a, dst=mac_b),
                    "<": Ether(src=mac_b, dst=mac_a)}
        self.ctrl = 0
        for s in self.sock.values():
            s.settimeout(0.2)

    def drain(self):
        for s in self.sock.values():
            try:
                while True:
                    s.recv(65536)
            except (socket.timeout, BlockingIOError):
                pass

    def send(self, d, frame):
        """send frame from side d, then a control frame; return how many
        frames arrived on the other side before the control frame"""
        self.ctrl += 1
        tag = b"EDGE:%d;" % self.ctrl
        self.sock[d].send(bytes(frame))
        self.sock[d].send(bytes(Ether(src=self.eth[d].src,
                                      dst=self.eth[d].dst, type=CTRL) /
                                Raw(tag)))
        got = 0
        end = time.monotonic() + TIMEOUT
        s = self.peer[d]
        while time.monotonic() < end:
            try:
                data, addr = s.recvfrom(65536)
            except socket.timeout:
                continue
            if addr[2] == socket.PACKET_OUTGOING:
                continue
            if data[12:14] == CTRL.to_bytes(2, "big"):
                if data[14:14 + len(tag)] == tag:
                    return got
                continue	# an earlier control frame
            if data[6:12] != bytes.fromhex(self.eth[d].src.replace(":", "")):
                continue	# not from the sender (the stacks are quiet)
            got += 1
            if os.environ.get("EDGES_DEBUG"):
                sys.stderr.write("%d: %s\n" % (self.ctrl, Ether(data).summary()))
        sys.exit("control frame %d from %s did not arrive in %.0f s" %
                 (self.ctrl, "a" if d == ">" else "b", TIMEOUT))


def ip4(d, **kw):
    return IP(src=A4, dst=B4, **kw) if d == ">" else IP(src=B4, dst=A4, **kw)


def ip6(d):
    return IPv6(src=A6, dst=B6) if d == ">" else IPv6(src=B6, dst=A6)


class Conn:
    """a TCP connection a:sport -> b:dport, sequence numbers kept"""

    def __init__(self, sport, dport=8080, v6=False):
        self.sport, self.dport, self.v6 = sport, dport, v6
        self.seq = {">": 1000, "<": 500000}

    def seg(self, d, flags, data=b"", dseq=0, dack=0, seq=None, **kw):
        other = "<" if d == ">" else ">"
        s = self.seq[d] + dseq if seq is None else seq
        ack = (self.seq[other] + dack) % (1 << 32) if "A" in str(flags) else 0
        sp, dp = (self.sport, self.dport) if d == ">" else (self.dport, self.sport)
        ip = ip6(d) if self.v6 else ip4(d)
        p = ip / TCP(sport=sp, dport=dp, flags=flags, seq=s % (1 << 32),
                     ack=ack, window=65535, **kw)
        if data:
            p = p / Raw(data)
        return p

    def advance(self, d, flags, data=b""):
        """what a segment sent from d takes of the sequence space"""
        f = str(flags)
        self.seq[d] += len(data) + ("S" in f) + ("F" in f)


def cases():
    """name -> list of (dir, frame or callable(conn), expected, what)"""
    out = {}

    def tcp_case(name, steps, sport, dport=8080, v6=False):
        c = Conn(sport, dport, v6)
        lst = []
        for st in steps:
            d, flags, data, exp = st[:4]
            kw = st[4] if len(st) > 4 else {}
            lst.append((d, c, flags, data, kw, exp))
        out[name] = lst

    hs = [(">", "S", b"", 1), ("<", "SA", b"", 1), (">", "A", b"", 1)]
    tcp_case("syn-allowed", [(">", "S", b"", 1)], 40001)
    tcp_case("syn-denied", [(">", "S", b"", 0)], 40002, dport=9090)
    tcp_case("reverse-new", [("<", "S", b"", 0)], 40003)
    tcp_case("connection", hs + [(">", "PA", b"hello", 1),
                                 ("<", "PA", b"hello", 1),
                                 (">", "FA", b"", 1), ("<", "FA", b"", 1),
                                 (">", "A", b"", 1)], 40004)
    tcp_case("syn-fin", [(">", "SF", b"", 0)], 40005)
    tcp_case("null-flags", [(">", "", b"", 0)], 40006)
    tcp_case("xmas", [(">", "FPU", b"", 0)], 40007)
    tcp_case("syn-rst", [(">", "SR", b"", 0)], 40008)
    tcp_case("all-flags", [(">", "FSRPAUEC", b"", 0)], 40009)
    tcp_case("mid-stream-ack", [(">", "A", b"", 1),
                                ("<", "A", b"", 1)], 40010)
    tcp_case("out-of-window", hs + [
        (">", "PA", b"far", 0, {"dseq": 1 << 30}),
        (">", "PA", b"near", 1),
        ("<", "A", b"", 0, {"dack": 1 << 30})], 40011)
    tcp_case("rst-out-of-window", hs + [
        (">", "R", b"", 0, {"dseq": 1 << 30}),
        (">", "PA", b"still", 1)], 40012)
    tcp_case("rst-in-window", hs + [(">", "R", b"", 1)], 40013)
    tcp_case("synack-unasked", [("<", "SA", b"", 0)], 40014)
    tcp_case("syn-again-new-isn", [(">", "S", b"", 1),
                                   (">", "S", b"", 1, {"dseq": 777777})], 40015)
    tcp_case("data-before-synack", [(">", "S", b"", 1),
                                    (">", "PA", b"early", 0)], 40016)
    tcp_case("bad-checksum", [(">", "S", b"", 0, {"chksum": 0x1234})], 40017)
    tcp_case("reopen-after-close", hs + [
        (">", "FA", b"", 1), ("<", "FA", b"", 1), (">", "A", b"", 1),
        (">", "S", b"", 1, {"dseq": 100000})], 40018)
    tcp_case("syn-v6", [(">", "S", b"", 1), ("<", "SA", b"", 1)], 40019,
             v6=True)
    tcp_case("syn-fin-v6", [(">", "SF", b"", 0)], 40020, v6=True)

    def icmp_case(name, frames):
        out[name] = frames

    icmp_case("echo", [(">", lambda e: e[">"] / ip4(">") / ICMP(type=8, id=1, seq=1), 1),
                       ("<", lambda e: e["<"] / ip4("<") / ICMP(type=0, id=1, seq=1), 1)])
    icmp_case("echo-reply-unasked",
              [(">", lambda e: e[">"] / ip4(">") / ICMP(type=0, id=2, seq=1), 0)])
    icmp_case("echo-denied-reverse",
              [("<", lambda e: e["<"] / ip4("<") / ICMP(type=8, id=3, seq=1), 0)])
    unknown = IP(src=A4, dst=B4) / TCP(sport=41999, dport=8080, flags="PA")
    icmp_case("error-unknown",
              [("<", lambda e: e["<"] / ip4("<") / ICMP(type=3, code=4, nexthopmtu=1280) /
                unknown, 0)])
    icmp_case("error-quoting-8-bytes",
              [("<", lambda e: e["<"] / ip4("<") / ICMP(type=3, code=3) /
                Raw(bytes(unknown)[:28]), 0)])
    icmp_case("error-quoting-nothing",
              [("<", lambda e: e["<"] / ip4("<") / ICMP(type=11, code=0), 0)])
    icmp_case("echo-v6", [
        (">", lambda e: e[">"] / ip6(">") / ICMPv6EchoRequest(id=4, seq=1), 1),
        ("<", lambda e: e["<"] / ip6("<") / ICMPv6EchoReply(id=4, seq=1), 1)])
    icmp_case("error-unknown-v6",
              [("<", lambda e: e["<"] / ip6("<") / ICMPv6PacketTooBig(mtu=1280) /
                IPv6(src=A6, dst=B6) / TCP(sport=41998, dport=8080), 0)])
    icmp_case("error-unknown-unreach-v6",
              [("<", lambda e: e["<"] / ip6("<") / ICMPv6DestUnreach(code=1) /
                IPv6(src=A6, dst=B6) / TCP(sport=41997, dport=8080), 0)])
    # errors quoting an open connection (RELATED: path MTU discovery)
    c4, c6 = Conn(40021), Conn(40022, v6=True)
    out["error-related"] = [(d, c4, f, b"", {}, 1) for d, f in
                            ((">", "S"), ("<", "SA"), (">", "A"))] + [
        ("<", lambda e: e["<"] / ip4("<") / ICMP(type=3, code=4, nexthopmtu=1280) /
         IP(src=A4, dst=B4, flags="DF") / TCP(sport=40021, dport=8080,
                                                flags="PA", seq=1001), 1)]
    out["error-related-v6"] = [(d, c6, f, b"", {}, 1) for d, f in
                               ((">", "S"), ("<", "SA"), (">", "A"))] + [
        ("<", lambda e: e["<"] / ip6("<") / ICMPv6PacketTooBig(mtu=1280) /
         IPv6(src=A6, dst=B6) / TCP(sport=40022, dport=8080, flags="PA",
                                    seq=1001) / Raw(b"x" * 1300), 1)]
    body = bytes(ICMP(type=8, id=5, seq=1) / Raw(b"f" * 1000))
    icmp_case("fragments-whole", [
        (">", lambda e: e[">"] / ip4(">", id=0x4242, flags="MF", proto=1) / Raw(body[:504]), 0),
        (">", lambda e: e[">"] / ip4(">", id=0x4242, frag=63, proto=1) / Raw(body[504:]), 2)])
    icmp_case("fragments-overlap", [
        (">", lambda e: e[">"] / ip4(">", id=0x4343, flags="MF", proto=1) / Raw(body[:504]), 0),
        (">", lambda e: e[">"] / ip4(">", id=0x4343, frag=40, proto=1) / Raw(body[320:]), 0)])
    return out


def main():
    ns_a, ns_b, mac_a, mac_b = sys.argv[1:5]
    want = sys.argv[5:]
    e = Edges(ns_a, ns_b, mac_a, mac_b)
    e.drain()
    for name, steps in cases().items():
        if want and name not in want:
            continue
        for n, st in enumerate(steps, 1):
            if len(st) == 6:
                d, c, flags, data, kw, exp = st
                kw = dict(kw)
                dseq = kw.pop("dseq", 0)
                dack = kw.pop("dack", 0)
                frame = e.eth[d] / c.seg(d, flags, data, dseq=dseq, dack=dack, **kw)
                what = "%s %s%s" % ("v6" if c.v6 else "v4", flags or "none",
                                    " +%d bytes" % len(data) if data else "")
                if dseq:
                    what += " seq%+d" % dseq
                if dack:
                    what += " ack%+d" % dack
            else:
                d, build, exp = st
                frame = build(e.eth)
                what = frame.summary().split(" / ", 1)[1][:60]
            got = e.send(d, frame)
            # the sender's stream goes on, whatever became of the segment
            if len(st) == 6 and not dseq:
                c.advance(d, flags, data)
            print("%s %d %s %d %d  %s" % (name, n, d, got, exp, what), flush=True)


if __name__ == "__main__":
    main()
