#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Raw Ethernet frames for the vswitch tests (no scapy: it takes seconds to
import on an emulated guest, and raw sockets are all these tests need).

  l2.py send IFACE FRAMES...
      Send frames from IFACE; each FRAMES is
      DST,SRC,MARKER[,COUNT[,SIZE[,VID]]]: COUNT (default 1) frames DST <-
      SRC of SIZE bytes (default 60; Ethernet header included, no FCS),
      with an 802.1Q tag of VLAN VID if given, EtherType 0x88b5 (local
      experimental), whose payload is MARKER, a space, the frame's number.

  l2.py sendhex IFACE HEX...
      Send each HEX, a whole frame, from IFACE.

  l2.py recv IFACE OUT
      Count the frames of EtherType 0x88b5 that IFACE receives (not those it
      sends; tagged ones too, when no VLAN device takes them), by MARKER,
      until killed. Prints "ready" once the socket is
      bound; OUT, rewritten (atomically) at each frame, holds the lines
      "MARKER COUNT"; OUT.MARKER the last frame of MARKER, in hex (written
      before OUT counts it).

  l2.py agent CMD ACK NS:IFACE:OUT...
      recv IFACE OUT for IFACE in each network namespace NS (a name in
      /run/netns, or - for this one), writing "ready" to OUT.log once
      bound, and a sender too: one python start for all, not one per VM
      and burst. Reads commands from the FIFO CMD, one a line, where VM is
      the index of a NS:IFACE:OUT (from 0),
        ID send VM FRAMES...          as l2.py send
        ID sendhex VM HEX...          as l2.py sendhex
        ID wait VM MARKER N SECS      until N frames of MARKER came
      and writes "done ID" to the FIFO ACK once done, "timeout ID COUNT"
      when a wait ran out of time.

  l2.py tapvm IFNAME MAC IP [-o LOG]
      A QEMU-like reader of a tap device: opens /dev/net/tun with
      TUNSETIFF IFF_TAP|IFF_NO_PI as IFNAME, prints "ready", and plays a VM
      with address MAC/IP: answers ARP requests and ICMP echo requests for
      IP. Commands on stdin, one per line:
        send HEX       write the frame HEX to the tap, reply "sent"
        expect HEX     reply "got" once the frame HEX was read (byte for
                       byte; frames read before the command count too),
                       "timeout" after 30 s
        stats          reply with a JSON object of what was seen
        quit           close the tap (its device goes away) and exit
"""
import os
import select
import socket
import struct
import sys
import time

EXP_TYPE = 0x88b5


def mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(':'))


def frame(dst, src, ethertype, payload, size, vid=None):
    tag = struct.pack('!HH', 0x8100, vid) if vid else b''
    f = mac_bytes(dst) + mac_bytes(src) + tag + struct.pack('!H', ethertype) + payload
    return f + bytes(max(0, size - len(f)))


def send_specs(s, specs):
    for spec in specs:
        f = spec.split(',')
        dst, src, marker = f[:3]
        count = int(f[3]) if len(f) > 3 else 1
        size = int(f[4]) if len(f) > 4 else 60
        vid = int(f[5]) if len(f) > 5 else None
        for i in range(count):
            payload = marker.encode() + b' %d ' % i
            s.send(frame(dst, src, EXP_TYPE, payload, max(size, 60), vid))


def send_socket(iface):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    return s


def cmd_send(a):
    s = send_socket(a.iface)
    send_specs(s, a.frames)
    s.close()


def cmd_sendhex(a):
    s = send_socket(a.iface)
    for h in a.frames:
        s.send(bytes.fromhex(h))
    s.close()


class Counter:
    """Frames of EtherType EXP_TYPE received on an interface, by marker."""

    def __init__(self, iface, out):
        # Bound to one EtherType: outgoing frames are not seen (only
        # ETH_P_ALL sockets see those), and neither is the rest of the
        # traffic.
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                               socket.htons(EXP_TYPE))
        self.s.bind((iface, EXP_TYPE))
        self.out = out
        self.counts = {}

    def frame_in(self):
        data = self.s.recv(65536)
        marker = data[14:].split(b' ', 1)[0].decode(errors='replace')
        self.counts[marker] = self.counts.get(marker, 0) + 1
        with open('%s.%s' % (self.out, marker), 'w') as f:
            f.write(data.hex())
        with open(self.out + '.tmp', 'w') as f:
            f.write(''.join('%s %d\n' % kv for kv in self.counts.items()))
        os.rename(self.out + '.tmp', self.out)


def cmd_recv(a):
    c = Counter(a.iface, a.out)
    print('ready', flush=True)
    while True:
        c.frame_in()


def setns(fd):
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.setns(fd, 0x40000000) != 0:     # CLONE_NEWNET
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))


def cmd_agent(a):
    # Sockets belong to the namespace they are made in: make each VM's in
    # its namespace, then come back.
    home = os.open('/proc/self/ns/net', os.O_RDONLY)
    vms = []
    for spec in a.vms:
        ns, iface, out = spec.split(':', 2)
        if ns != '-':
            nsfd = os.open('/run/netns/' + ns, os.O_RDONLY)
            setns(nsfd)
            os.close(nsfd)
        vms.append((Counter(iface, out), send_socket(iface)))
        setns(home)
    # O_RDWR: neither open waits for the other end; the FIFOs live as
    # long as the agent does.
    cmd = os.open(a.cmdfifo, os.O_RDWR)
    ack = os.open(a.ackfifo, os.O_RDWR)
    for c, _ in vms:
        with open(c.out + '.log', 'a') as f:
            f.write('ready\n')
    socks = {c.s: c for c, _ in vms}
    waits = []      # [id, counter, marker, n, deadline]
    buf = b''
    while True:
        r = select.select(list(socks) + [cmd], [], [], 0.5 if waits else None)[0]
        for sk in r:
            if sk in socks:
                socks[sk].frame_in()
        if cmd in r:
            buf += os.read(cmd, 65536)
            while b'\n' in buf:
                line, buf = buf.split(b'\n', 1)
                w = line.decode().split()
                if len(w) < 3:
                    continue
                c, tx = vms[int(w[2])]
                if w[1] == 'send':
                    send_specs(tx, w[3:])
                elif w[1] == 'sendhex':
                    for h in w[3:]:
                        tx.send(bytes.fromhex(h))
                elif w[1] == 'wait':
                    waits.append([w[0], c, w[3], int(w[4]),
                                  time.monotonic() + float(w[5])])
                    continue
                os.write(ack, b'done %s\n' % w[0].encode())
        now = time.monotonic()
        for wt in waits[:]:
            got = wt[1].counts.get(wt[2], 0)
            if got >= wt[3]:
                os.write(ack, b'done %s\n' % wt[0].encode())
            elif now > wt[4]:
                os.write(ack, b'timeout %s %d\n' % (wt[0].encode(), got))
            else:
                continue
            waits.remove(wt)


# ---- tapvm -------------------------------------------------------------

TUNSETIFF = 0x400454ca
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


class TapVM:
    def __init__(self, ifname, mac, ip, log):
        self.fd = os.open('/dev/net/tun', os.O_RDWR)
        import fcntl
        fcntl.ioctl(self.fd, TUNSETIFF,
                    struct.pack('16sH', ifname.encode(), IFF_TAP | IFF_NO_PI))
        self.mac = mac_bytes(mac)
        self.ip = socket.inet_aton(ip)
        self.log = open(log, 'w') if log else None
        self.seen = {'frames': 0, 'arp_replies': 0, 'echo_replies': 0}
        self.frames = []        # raw frames read, for expect
        self.wanted = None      # (frame, deadline)

    def note(self, what, data):
        if self.log:
            self.log.write('%.3f %s %s\n' % (time.monotonic(), what, data.hex()))
            self.log.flush()

    def write(self, data):
        self.note('tx', data)
        os.write(self.fd, data)

    def arp(self, f):
        hdr = f[14:22]
        if len(f) < 42 or hdr != bytes.fromhex('0001080006040001'):
            return
        sha, spa, tpa = f[22:28], f[28:32], f[38:42]
        if tpa != self.ip:
            return
        body = bytes.fromhex('0001080006040002') + self.mac + self.ip + sha + spa
        self.write(sha + self.mac + b'\x08\x06' + body + bytes(18))
        self.seen['arp_replies'] += 1

    def icmp(self, f):
        ip = f[14:]
        if len(ip) < 28 or ip[0] >> 4 != 4 or ip[9] != 1 or ip[16:20] != self.ip:
            return
        ihl = (ip[0] & 15) * 4
        tot = struct.unpack('!H', ip[2:4])[0]
        icmp = ip[ihl:tot]
        if len(icmp) < 8 or icmp[0] != 8:
            return
        reply = b'\0\0\0\0' + icmp[4:]
        reply = reply[:2] + struct.pack('!H', csum(reply)) + reply[4:]
        iph = bytearray(ip[:ihl])
        iph[8] = 64
        iph[12:16], iph[16:20] = ip[16:20], ip[12:16]
        iph[10:12] = b'\0\0'
        iph[10:12] = struct.pack('!H', csum(bytes(iph)))
        self.write(f[6:12] + self.mac + b'\x08\x00' + bytes(iph) + reply)
        self.seen['echo_replies'] += 1

    def frame_in(self, f):
        self.note('rx', f)
        self.seen['frames'] += 1
        self.frames.append(f)
        if f[12:14] == b'\x08\x06':
            self.arp(f)
        elif f[12:14] == b'\x08\x00' and f[0:6] == self.mac:
            self.icmp(f)

    def check_wanted(self):
        if not self.wanted:
            return
        want, deadline = self.wanted
        if want in self.frames:
            print('got', flush=True)
            self.wanted = None
        elif time.monotonic() > deadline:
            print('timeout', flush=True)
            self.wanted = None

    def command(self, line):
        words = line.split()
        if not words:
            return True
        if words[0] == 'send':
            self.write(bytes.fromhex(words[1]))
            print('sent', flush=True)
        elif words[0] == 'expect':
            self.wanted = (bytes.fromhex(words[1]), time.monotonic() + 30)
        elif words[0] == 'stats':
            import json
            print(json.dumps(self.seen), flush=True)
        elif words[0] == 'quit':
            return False
        return True

    def run(self):
        print('ready', flush=True)
        stdin = sys.stdin.fileno()
        buf = b''
        while True:
            r, _, _ = select.select([self.fd, stdin], [], [], 0.2)
            if self.fd in r:
                self.frame_in(os.read(self.fd, 65536))
            if stdin in r:
                data = os.read(stdin, 4096)
                if not data:
                    break
                buf += data
                while b'\n' in buf:
                    line, buf = buf.split(b'\n', 1)
                    if not self.command(line.decode()):
                        os.close(self.fd)
                        return
            self.check_wanted()
        os.close(self.fd)


def main():
    if len(sys.argv) > 4 and sys.argv[1] == 'agent':
        # (argparse takes long to import on an emulated guest)
        class Args:
            cmdfifo, ackfifo, vms = sys.argv[2], sys.argv[3], sys.argv[4:]
        cmd_agent(Args)
        return
    import argparse
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest='cmd', required=True)
    s = sub.add_parser('send')
    s.add_argument('iface')
    s.add_argument('frames', nargs='+')
    h = sub.add_parser('sendhex')
    h.add_argument('iface')
    h.add_argument('frames', nargs='+')
    r = sub.add_parser('recv')
    r.add_argument('iface')
    r.add_argument('out')
    g = sub.add_parser('agent')
    g.add_argument('cmdfifo')
    g.add_argument('ackfifo')
    g.add_argument('vms', nargs='+')
    t = sub.add_parser('tapvm')
    t.add_argument('ifname')
    t.add_argument('mac')
    t.add_argument('ip')
    t.add_argument('-o', '--log')
    a = p.parse_args()
    if a.cmd == 'send':
        cmd_send(a)
    elif a.cmd == 'sendhex':
        cmd_sendhex(a)
    elif a.cmd == 'recv':
        cmd_recv(a)
    elif a.cmd == 'agent':
        cmd_agent(a)
    else:
        TapVM(a.ifname, a.mac, a.ip, a.log).run()


if __name__ == '__main__':
    main()
