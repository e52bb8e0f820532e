#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""hostile.py - the frames of hostile.sh, written with scapy.

    hostile.py DIR SRC_MAC DST_MAC SRC4 DST4 SRC6 DST6

writes DIR/CATEGORY.pcap for each category below: frames a guest can craft
from its port, all from SRC to DST (but window-open-2, from DST) (the policy of hostile.sh allows TCP
8080, UDP 5000, ICMP and ICMPv6 from SRC to DST, and denies the rest). Each
frame is 14 to 1514 bytes (what AF_PACKET sends on an Ethernet device);
the corpus is the same for a given seed (the default 1, or HOSTILE_SEED).

    truncated  headers cut short: IPv4, IPv6, TCP, UDP, ICMP, ICMPv6,
               extension headers, inside and at the end of the frame
    lengths    length fields that lie: IHL, total length, payload length,
               TCP data offset, UDP length; bad checksums
    fragments  overlapping, duplicate, tiny, beyond 64 KiB, incomplete,
               atomic (IPv6), and whole datagrams (allowed and denied)
    tcpflags   every invalid flag combination and some valid ones, to an
               allowed port and a denied one
    window     segments in and out of the windows of open connections
               (opened by window-open-1, -2, -3: a's SYNs, b's SYN-ACKs,
               a's ACKs), resets out of them
    icmp       ICMP and ICMPv6 errors quoting nothing, truncated or
               unknown connections, other errors, denied ports
    ext        IPv6 extension header chains: long, repeated, unknown,
               routing type 0, no next header
    fuzz       scapy's fuzz() of each header over random fields, and
               valid frames with random bytes changed or cut off
"""
import os
import random
import struct
import sys

sys.modules["cryptography"] = None	# optional for scapy, slow to import
from scapy.config import conf  # noqa: E402
conf.ipv6_enabled = True
from scapy.packet import Raw, fuzz  # noqa: E402
from scapy.layers.l2 import Ether  # noqa: E402
from scapy.layers.inet import IP, TCP, UDP, ICMP  # noqa: E402
from scapy.layers.inet6 import (IPv6, IPv6ExtHdrFragment,  # noqa: E402
                                IPv6ExtHdrHopByHop, IPv6ExtHdrDestOpt,
                                IPv6ExtHdrRouting, ICMPv6EchoRequest,
                                ICMPv6DestUnreach, ICMPv6PacketTooBig,
                                ICMPv6TimeExceeded, ICMPv6ParamProblem,
                                PadN)

ALLOW_TCP, DENY_TCP, ALLOW_UDP, DENY_UDP = 8080, 9090, 5000, 6000


def main():
    out, smac, dmac, s4, d4, s6, d6 = sys.argv[1:8]
    rnd = random.Random(int(os.environ.get("HOSTILE_SEED", "1")))
    eth = Ether(src=smac, dst=dmac)

    def v4(**kw):
        return eth / IP(src=s4, dst=d4, **kw)

    def v6(**kw):
        return eth / IPv6(src=s6, dst=d6, **kw)

    def cut(p, n):
        """the first n bytes of p's frame"""
        return Raw(bytes(p)[:n])

    def sport():
        return rnd.randrange(20000, 60000)

    cats = {}

    # ---- truncated ----
    f = []
    tcp4 = v4() / TCP(sport=41000, dport=ALLOW_TCP, flags="S")
    udp4 = v4() / UDP(sport=41001, dport=ALLOW_UDP) / Raw(b"x" * 8)
    icmp4 = v4() / ICMP(type=8, id=7, seq=1) / Raw(b"y" * 8)
    tcp6 = v6() / TCP(sport=41002, dport=ALLOW_TCP, flags="S")
    udp6 = v6() / UDP(sport=41003, dport=ALLOW_UDP) / Raw(b"x" * 8)
    icmp6 = v6() / ICMPv6EchoRequest(id=7, seq=1)
    hbh6 = v6() / IPv6ExtHdrHopByHop(options=[PadN(optdata=b"\0" * 12)]) / \
        UDP(sport=41004, dport=ALLOW_UDP)
    for p, l3 in ((tcp4, 20), (udp4, 20), (icmp4, 20), (tcp6, 40),
                  (udp6, 40), (icmp6, 40), (hbh6, 40)):
        whole = len(bytes(p))
        # the frame ends early (the IP length says more)
        for n in range(15, whole):
            f.append(cut(p, n))
        # the IP length ends early, the frame does not (padding after it)
        for n in range(1, whole - 14 - l3):
            q = p.copy()
            if q.haslayer(IP):
                q[IP].len = l3 + n
            else:
                q[IPv6].plen = n
            f.append(Raw(bytes(q)[:14 + l3 + n] + b"\0" * (whole - 14 - l3 - n)))
    cats["truncated"] = f

    # ---- lengths ----
    f = []
    for ihl in range(0, 16):
        f.append(v4(ihl=ihl) / TCP(sport=41010, dport=ALLOW_TCP, flags="S"))
    for tl in (0, 1, 19, 20, 21, 39, 41, 100, 1500, 65535):
        f.append(v4(len=tl) / TCP(sport=41011, dport=ALLOW_TCP, flags="S"))
    for doff in range(0, 16):
        f.append(v4() / TCP(sport=41012, dport=ALLOW_TCP, flags="S",
                            dataofs=doff))
        f.append(v6() / TCP(sport=41013, dport=ALLOW_TCP, flags="S",
                            dataofs=doff))
    for ul in (0, 1, 7, 8, 9, 15, 17, 100, 65535):
        f.append(v4() / UDP(sport=41014, dport=ALLOW_UDP, len=ul) /
                 Raw(b"u" * 8))
        f.append(v6() / UDP(sport=41015, dport=ALLOW_UDP, len=ul) /
                 Raw(b"u" * 8))
    for pl in (0, 1, 7, 9, 100, 1500, 65535):
        f.append(v6(plen=pl) / UDP(sport=41016, dport=ALLOW_UDP) /
                 Raw(b"u" * 8))
    for ver in (0, 5, 6, 15):
        f.append(v4(version=ver) / UDP(sport=41017, dport=ALLOW_UDP))
    for ver in (0, 4, 7, 15):
        f.append(v6(version=ver) / UDP(sport=41018, dport=ALLOW_UDP))
    # checksums that do not match (conntrack checks them on PRE_ROUTING)
    for i in range(8):
        f.append(v4() / TCP(sport=41020 + i, dport=ALLOW_TCP, flags="S",
                            chksum=rnd.randrange(65536)))
        f.append(v4() / UDP(sport=41030 + i, dport=ALLOW_UDP,
                            chksum=rnd.randrange(1, 65536)) / Raw(b"c" * 4))
        f.append(v4() / ICMP(type=8, id=i, chksum=rnd.randrange(65536)))
        f.append(v6() / UDP(sport=41040 + i, dport=ALLOW_UDP,
                            chksum=rnd.randrange(1, 65536)) / Raw(b"c" * 4))
        f.append(v4(chksum=rnd.randrange(65536)) /
                 UDP(sport=41050 + i, dport=ALLOW_UDP))
    # IPv4 options whose lengths lie
    for opt in (b"\x44\x00\x00\x00", b"\x44\x28\x05\x00", b"\x83\x01\x00\x00",
                b"\x07\xff\x04\x00", b"\x94\x04\x00\x00\x00\x00\x00\x00"):
        q = IP(src=s4, dst=d4, options=[]) / UDP(sport=41060, dport=ALLOW_UDP)
        raw = bytearray(bytes(q))
        ihl = 5 + len(opt) // 4
        hdr = bytearray(raw[:20]) + bytearray(opt)
        hdr[0] = 0x40 | ihl
        tot = len(hdr) + len(raw) - 20
        hdr[2:4] = tot.to_bytes(2, "big")
        f.append(eth / Raw(bytes(hdr) + raw[20:]))
    cats["lengths"] = f

    # ---- fragments ----
    f = []

    def frag4(ident, off8, mf, data, proto=17, **kw):
        return v4(id=ident, frag=off8, flags="MF" if mf else 0,
                  proto=proto, **kw) / Raw(data)

    def frag6(ident, off8, m, data, nh=17):
        return v6() / IPv6ExtHdrFragment(id=ident, offset=off8, m=m, nh=nh) / \
            Raw(data)

    def udp_datagram(dport, size, ip6=False):
        p = (IPv6(src=s6, dst=d6) if ip6 else IP(src=s4, dst=d4)) / \
            UDP(sport=41100, dport=dport) / \
            Raw((bytes(range(256)) * (size // 256 + 1))[:size])
        b = bytes(p)
        return b[40:40 + 8 + size] if ip6 else b[20:20 + 8 + size]

    for i in range(16):
        ident = 0x1000 + i
        body = udp_datagram(ALLOW_UDP, 1000)
        # overlapping: the second starts inside the first
        f.append(frag4(ident, 0, 1, body[:400]))
        f.append(frag4(ident, 40 + i, 1, body[320 + 8 * i:720 + 8 * i]))
        # duplicate, then the rest: the datagram completes
        f.append(frag4(ident + 0x100, 0, 1, body[:504]))
        f.append(frag4(ident + 0x100, 0, 1, body[:504]))
        f.append(frag4(ident + 0x100, 63, 0, body[504:]))
        # incomplete: the first only, the last only
        f.append(frag4(ident + 0x200, 0, 1, body[:256]))
        f.append(frag4(ident + 0x300, 100, 0, body[:200]))
        # tiny first fragment (8 bytes: the ports, not the TCP flags)
        tb = bytes(TCP(sport=41200 + i, dport=ALLOW_TCP, flags="S") / Raw(b"t" * 32))
        f.append(frag4(ident + 0x400, 0, 1, tb[:8], proto=6))
        f.append(frag4(ident + 0x400, 1, 0, tb[8:], proto=6))
        # beyond 64 KiB
        f.append(frag4(ident + 0x500, 8189, 0, body[:64]))
        f.append(frag4(ident + 0x500, 0, 1, body[:64]))
        # MF with a length not a multiple of 8
        f.append(frag4(ident + 0x600, 0, 1, body[:61]))
        # whole datagrams: allowed (goes on, cut again), denied
        for dport, base in ((ALLOW_UDP, 0x700), (DENY_UDP, 0x800)):
            b = udp_datagram(dport, 1200)
            f.append(frag4(ident + base, 0, 1, b[:512]))
            f.append(frag4(ident + base, 64, 1, b[512:1024]))
            f.append(frag4(ident + base, 128, 0, b[1024:]))
        # IPv6: overlapping, atomic, incomplete, whole, nested fragment header
        b6 = udp_datagram(ALLOW_UDP, 1000, ip6=True)
        f.append(frag6(ident, 0, 1, b6[:400]))
        f.append(frag6(ident, 40 + i, 1, b6[320 + 8 * i:720 + 8 * i]))
        f.append(frag6(ident + 0x100, 0, 0, b6))
        f.append(frag6(ident + 0x200, 0, 1, b6[:256]))
        f.append(frag6(ident + 0x300, 8189, 0, b6[:64]))
        f.append(frag6(ident + 0x400, 0, 1, b6[:504]))
        f.append(frag6(ident + 0x400, 63, 0, b6[504:]))
        f.append(v6() / IPv6ExtHdrFragment(id=ident + 0x500, offset=0, m=1, nh=44) /
                 IPv6ExtHdrFragment(id=ident + 0x501, offset=0, m=0, nh=17) /
                 Raw(b6[:64]))
        f.append(frag6(ident + 0x600, 0, 1, b6[:61]))
    cats["fragments"] = f

    # ---- tcpflags ----
    f = []
    for flags in range(0, 256):
        for dport in (ALLOW_TCP, DENY_TCP):
            seq = rnd.randrange(1 << 32)
            f.append(v4() / TCP(sport=42000 + flags, dport=dport, flags=flags,
                                seq=seq, ack=rnd.randrange(1 << 32)))
        f.append(v6() / TCP(sport=43000 + flags, dport=ALLOW_TCP, flags=flags,
                            seq=rnd.randrange(1 << 32)))
    cats["tcpflags"] = f

    # ---- window ----
    # Connections opened properly first (window-open-1/2/3: a's SYNs, b's
    # SYN-ACKs, a's ACKs; conntrack does not check the window of one it
    # picked up from the middle), then segments in and far out of their
    # windows, and resets out of them.
    f, opens = [], ([], [], [])
    for i in range(32):
        for is6 in (False, True):
            sp = (44100 if is6 else 44000) + i
            isn_a, isn_b = rnd.randrange(1 << 32), rnd.randrange(1 << 32)

            def seg(d, flags, seq, ack, data=b""):
                ip = (IPv6(src=s6, dst=d6) if d == ">" else IPv6(src=d6, dst=s6)) \
                    if is6 else (IP(src=s4, dst=d4) if d == ">" else IP(src=d4, dst=s4))
                sport_, dport_ = (sp, ALLOW_TCP) if d == ">" else (ALLOW_TCP, sp)
                e = eth if d == ">" else Ether(src=dmac, dst=smac)
                p = e / ip / TCP(sport=sport_, dport=dport_, flags=flags,
                                 seq=seq % (1 << 32), ack=ack % (1 << 32),
                                 window=8192)
                return p / Raw(data) if data else p

            a, b = isn_a + 1, isn_b + 1
            opens[0].append(seg(">", "S", isn_a, 0))
            opens[1].append(seg("<", "SA", isn_b, a))
            opens[2].append(seg(">", "A", a, b))
            f.append(seg(">", "A", a, b))
            for d in (1 << 30, -(1 << 30), 1 << 31, 70000, -70000):
                f.append(seg(">", "PA", a + d, b, b"w" * 100))
            for d in (1 << 30, 1 << 31, 100000):
                f.append(seg(">", "A", a, b + d))
            f.append(seg(">", "R", a + (1 << 31), 0))
            f.append(seg(">", "PA", a, b, b"w" * 1000))
    cats["window"] = f
    extra = {"window-open-%d" % (i + 1): o for i, o in enumerate(opens)}

    # ---- icmp ----
    f = []
    for i in range(16):
        unknown = IP(src=d4, dst=s4) / TCP(sport=sport(), dport=sport(), flags="S")
        unknown_u = IP(src=d4, dst=s4) / UDP(sport=sport(), dport=sport())
        for t, c in ((3, i), (11, 0), (11, 1), (12, 0), (4, 0), (5, 1)):
            f.append(v4() / ICMP(type=t, code=c))
            f.append(v4() / ICMP(type=t, code=c) / Raw(bytes(unknown)[:8]))
            f.append(v4() / ICMP(type=t, code=c) / Raw(bytes(unknown)[:28]))
            f.append(v4() / ICMP(type=t, code=c) / unknown_u)
            # an error quoting an error
            f.append(v4() / ICMP(type=t, code=c) /
                     IP(src=d4, dst=s4) / ICMP(type=3, code=3) / unknown_u)
            # quoting a header with a bad IHL
            q = bytearray(bytes(unknown))
            q[0] = 0x4f
            f.append(v4() / ICMP(type=t, code=c) / Raw(bytes(q[:40])))
        f.append(v4() / ICMP(type=0, id=i, seq=i))	# a reply, unasked
        f.append(v4() / ICMP(type=13, id=i))
        f.append(v4() / ICMP(type=rnd.randrange(19, 256), code=rnd.randrange(256)))
        u6 = IPv6(src=d6, dst=s6) / UDP(sport=sport(), dport=sport())
        for cls, kw in ((ICMPv6DestUnreach, {"code": i % 8}),
                        (ICMPv6PacketTooBig, {"mtu": 1280}),
                        (ICMPv6TimeExceeded, {}),
                        (ICMPv6ParamProblem, {"ptr": i})):
            f.append(v6() / cls(**kw))
            f.append(v6() / cls(**kw) / Raw(bytes(u6)[:20]))
            f.append(v6() / cls(**kw) / u6)
            f.append(v6() / cls(**kw) / IPv6(src=d6, dst=s6) /
                     ICMPv6DestUnreach() / u6)
    cats["icmp"] = f

    # ---- ext ----
    f = []
    u = UDP(sport=45000, dport=ALLOW_UDP) / Raw(b"e" * 8)
    for n in range(1, 12):
        p = IPv6(src=s6, dst=d6)
        for _ in range(n):
            p = p / IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\0" * 4)])
        f.append(eth / p / u)
    for opt in (b"\x05\x02\x00\x00", b"\xc2\x04\x00\x01\x00\x00",
                b"\x80\x01\x00", b"\x01\xff", b"\x3e\x00"):
        hbh = bytes([17, 0]) + opt
        hbh += b"\x01" + bytes([6 - len(opt) - 2 if len(opt) < 6 else 0]) + \
            b"\0" * max(0, 6 - len(opt) - 2)
        hbh = hbh[:8].ljust(8, b"\0")
        f.append(eth / IPv6(src=s6, dst=d6, nh=0) / Raw(hbh + bytes(u)))
    for sl in (0, 1, 2, 255):
        f.append(v6() / IPv6ExtHdrRouting(type=0, segleft=sl,
                                          addresses=[s6, d6]) / u)
    f.append(v6(nh=59) / Raw(b"n" * 16))
    f.append(v6() / IPv6ExtHdrHopByHop() / IPv6ExtHdrHopByHop() / u)
    f.append(v6(nh=50) / Raw(b"\0" * 32))		# ESP
    f.append(v6(nh=51) / Raw(b"\x11\x02" + b"\0" * 14) / u)	# AH
    for nh in range(0, 256, 7):
        f.append(v6(nh=nh) / Raw(bytes(rnd.randrange(256) for _ in range(24))))
    cats["ext"] = f

    # ---- fuzz ----
    f = []
    for n in range(400):
        for tmpl in (
                IP(src=s4, dst=d4) / TCP(dport=ALLOW_TCP),
                IP(src=s4, dst=d4) / UDP(dport=ALLOW_UDP) / Raw(b"z" * 16),
                IP(src=s4, dst=d4) / ICMP() / IP(src=d4, dst=s4) / TCP(),
                IPv6(src=s6, dst=d6) / TCP(dport=ALLOW_TCP),
                IPv6(src=s6, dst=d6) / IPv6ExtHdrFragment() / UDP(dport=ALLOW_UDP),
                IPv6(src=s6, dst=d6) / ICMPv6DestUnreach() /
                IPv6(src=d6, dst=s6) / UDP()):
            # scapy's fuzz() draws from the random module
            random.seed(rnd.randrange(1 << 30))
            f.append(eth / fuzz(tmpl))
    for n in range(600):
        base = bytes(rnd.choice((tcp4, udp4, icmp4, tcp6, udp6, icmp6, hbh6)))
        b = bytearray(base)
        for _ in range(rnd.randrange(1, 6)):
            b[rnd.randrange(14, len(b))] = rnd.randrange(256)
        if rnd.random() < 0.3:
            b = b[:rnd.randrange(15, len(b))]
        f.append(Raw(bytes(b)))
    cats["fuzz"] = f

    os.makedirs(out, exist_ok=True)
    for name, frames in list(cats.items()) + list(extra.items()):
        n = 0
        # a classic pcap (tcpdump -r reads it), the bytes as built
        with open(os.path.join(out, name + ".pcap"), "wb") as fp:
            fp.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
            for p in frames:
                b = bytes(p)[:1514]
                if len(b) < 14:
                    continue
                fp.write(struct.pack("<IIII", 0, 0, len(b), len(b)) + b)
                n += 1
        print(name, n)

if __name__ == "__main__":
    main()
