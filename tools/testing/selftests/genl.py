#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""genl.py - send one raw request to a generic netlink family of vhv.

For the requests vswctl cannot make: a required attribute left out, an
attribute of the wrong type or length, an attribute the operation does not
take. The family is resolved through the controller (nlctrl); the kernel's
extended ACK is printed as vswctl prints it, with the offending or missing
attribute named after the request.

  genl.py [-f FAMILY] [-d] [-r N] COMMAND [ATTR...]
  genl.py [-f FAMILY] -b
                one request a line from stdin (as the words above); for
                each, a line "STATUS MESSAGE" on stdout
    -f FAMILY   vswitch (the default) or vtpm
    -d          a dump (NLM_F_DUMP) instead of a do
    -r N        send it N times, "%i" in values replaced by 1..N; stop at
                the first refusal
    COMMAND     switch-new, port-add, ... (include/uapi/linux/vswitch.h);
                instance-new, ... (include/uapi/linux/vtpm.h)
    ATTR        NAME=VALUE       with the type the spec gives NAME
                NAME:TYPE=VALUE  another type; NAME may be a number
                NAME={ ... }     a nest (NLA_F_NESTED), its attributes
                                 as separate words up to "}"
                NAME:bare={ ... } a nest without NLA_F_NESTED
    TYPE        u8 u16 u32 u64 str (NUL added) hex (raw bytes) flag
                mac ip4 ip6

Exit status: 0 ACK (replies counted on stdout), 1 the kernel refused
(message on stderr), 2 usage error.

Example: genl.py port-add switch-name=sw0 port={ ifname=eth1 99:u32=1 }
"""
import errno
import os
import shlex
import socket
import struct
import sys

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_DUMP = 1, 2, 4, 0x300
NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x100, 0x200
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLA_F_NESTED = 0x8000
NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS = 1, 2
NLMSGERR_ATTR_MISS_TYPE, NLMSGERR_ATTR_MISS_NEST = 5, 6
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2

# Per family: the commands in uapi order, and the attribute spaces as in
# Documentation/netlink/specs/FAMILY.yaml: name, type, and for a nest the
# space of its content.
FAMILIES = {
    "vswitch": (
        ["unspec", "switch-new", "switch-del", "switch-set", "switch-get",
         "port-add", "port-del", "port-set", "port-get", "fdb-add", "fdb-del",
         "fdb-get", "fdb-flush", "stats-get", "switch-new-ntf",
         "switch-del-ntf", "port-new-ntf", "port-del-ntf", "fdb-new-ntf",
         "fdb-del-ntf", "flow-ntf", "rule-get"],
        {
            "top": [None, ("pad", "hex"), ("switch-name", "str"),
                    ("ageing-time", "u32"), ("fdb-max", "u32"),
                    ("internal", "flag"), ("internal-ifindex", "u32"),
                    ("n-ports", "u32"), ("fdb-count", "u32"), ("port", "port"),
                    ("fdb", "fdb"), ("stats", "stats"), ("firewall", "u8"),
                    ("default-verdict", "u8"), ("ct-zone", "u16"),
                    ("policy-fd", "u32"), ("policy-id", "u32"),
                    ("policy-gen", "u32"), ("flow-log-rate", "u32"),
                    ("flow", "hex"), ("flow-log-lost", "u64"),
                    ("rule", "rule"), ("rules-uncounted", "u64"),
                    ("ct-limit", "u32"), ("ct-timeout", "ct-timeout")],
            "ct-timeout": [None, ("tcp-established", "u32"),
                           ("tcp-time-wait", "u32"), ("udp", "u32"),
                           ("udp-stream", "u32"), ("icmp", "u32")],
            "rule": [None, ("pad", "hex"), ("id", "u32"),
                     ("sessions", "u64"), ("packets", "u64"),
                     ("bytes", "u64")],
            "port": [None, ("pad", "hex"), ("id", "u32"), ("ifindex", "u32"),
                     ("ifname", "str"), ("uplink", "u8"), ("vlan", "u8"),
                     ("dhcp-guard", "u8"), ("security", "u8"),
                     ("segment", "u32"), ("secgroup", "u32"), ("mac", "mac"),
                     ("addrs", "addrs"), ("internal", "flag"),
                     ("stats", "stats")],
            "addrs": [None, ("ipv4", "ip4"), ("ipv6", "ip6")],
            "fdb": [None, ("pad", "hex"), ("mac", "mac"), ("port-id", "u32"),
                    ("static", "flag"), ("age-ms", "u64")],
            "stats": [None],
        }),
    "vtpm": (
        ["unspec", "instance-new", "instance-del", "instance-get",
         "instance-reset"],
        {
            "top": [None, ("pad", "hex"), ("id", "u32"), ("name", "str"),
                    ("uid", "u32"), ("gid", "u32"), ("mode", "u32"),
                    ("banks", "u32"), ("dev-num", "u32"), ("commands", "u64"),
                    ("mem", "u64")],
            "stats": [None],
        }),
}
CMDS, SPACES = FAMILIES["vswitch"]


def usage(msg):
    sys.stderr.write("genl.py: %s\n%s\n" % (msg, __doc__.split("\n\n")[2]))
    sys.exit(2)


def nla(atype, payload):
    hdr = struct.pack("=HH", 4 + len(payload), atype)
    return hdr + payload + b"\0" * (-len(payload) % 4)


def encode(typ, value):
    if typ in ("u8", "u16", "u32", "u64"):
        return struct.pack({"u8": "=B", "u16": "=H", "u32": "=I",
                            "u64": "=Q"}[typ], int(value, 0))
    if typ == "str":
        return value.encode() + b"\0"
    if typ == "hex":
        return bytes.fromhex(value)
    if typ == "flag":
        return b""
    if typ == "mac":
        return bytes(int(x, 16) for x in value.split(":"))
    if typ == "ip4":
        return socket.inet_pton(socket.AF_INET, value)
    if typ == "ip6":
        return socket.inet_pton(socket.AF_INET6, value)
    usage("unknown type %s" % typ)


def lookup(space, name):
    """(type number, default type) of NAME in SPACE; NAME may be a number."""
    attrs = SPACES[space]
    if name.isdigit():
        n = int(name)
        return n, attrs[n][1] if 0 < n < len(attrs) else "hex"
    for n, a in enumerate(attrs):
        if a and a[0] == name:
            return n, a[1]
    usage("no attribute %s in %s" % (name, space))


def parse(words, space, i=1):
    """Attributes from WORDS (consumed) up to a "}" or the end."""
    out = b""
    while words:
        w = words.pop(0)
        if w == "}":
            return out
        if "=" not in w:
            usage("not NAME=VALUE: %s" % w)
        key, value = w.split("=", 1)
        name, _, typ = key.partition(":")
        n, deftype = lookup(space, name)
        if value == "{":
            inner = deftype if deftype in SPACES else "stats"
            flag = 0 if typ == "bare" else NLA_F_NESTED
            out += nla(n | flag, parse(words, inner, i))
        else:
            value = value.replace("%i", str(i))
            out += nla(n, encode(typ or deftype, value))
    return out


def attrs(buf):
    """(type, payload, offset in buf) of each attribute in BUF."""
    off = 0
    while off + 4 <= len(buf):
        alen, atype = struct.unpack_from("=HH", buf, off)
        if alen < 4:
            break
        yield atype, buf[off + 4:off + alen], off
        off += (alen + 3) & ~3


def name_at(req, target, base, space):
    """(path, space of its content) of the attribute at offset TARGET."""
    for atype, payload, off in attrs(req[base:]):
        off += base
        if not off <= target < off + 4 + len(payload):
            continue
        t = atype & ~NLA_F_NESTED
        a = SPACES[space][t] if 0 < t < len(SPACES[space]) else None
        name = a[0] if a else str(t)
        inner = a[1] if a and a[1] in SPACES else None
        if target == off:
            return name, inner
        if inner:
            path, sp = name_at(req, target, off + 4, inner)
            return (name + "." + path, sp) if path else (None, None)
        return None, None
    return None, None


class Genl:
    def __init__(self):
        self.sk = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                NETLINK_GENERIC)
        self.sk.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sk.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.sk.bind((0, 0))
        self.seq = 0

    def request(self, family, cmd, payload, flags):
        """Send; return (error, extack dict, replies, the request)."""
        self.seq += 1
        body = struct.pack("=BBH", cmd, 1, 0) + payload
        req = struct.pack("=IHHII", 16 + len(body), family,
                          flags | NLM_F_REQUEST | NLM_F_ACK, self.seq, 0) + body
        self.sk.send(req)
        replies = []
        while True:
            data = self.sk.recv(65536)
            off = 0
            while off + 16 <= len(data):
                mlen, mtype, mflags, seq, _ = struct.unpack_from("=IHHII",
                                                                 data, off)
                msg = data[off:off + mlen]
                off += (mlen + 3) & ~3
                if seq != self.seq:
                    continue
                if mtype in (NLMSG_ERROR, NLMSG_DONE):
                    return self.end(msg, mtype, mflags) + (replies, req)
                replies.append(msg)

    @staticmethod
    def end(msg, mtype, mflags):
        err = struct.unpack_from("=i", msg, 16)[0] if len(msg) >= 20 else 0
        tlv = 20
        if mtype == NLMSG_ERROR:
            olen = struct.unpack_from("=I", msg, 20)[0]
            tlv = 20 + (16 if mflags & NLM_F_CAPPED else (olen + 3) & ~3)
        ext = {}
        if mflags & NLM_F_ACK_TLVS:
            for atype, payload, _ in attrs(msg[tlv:]):
                if atype == NLMSGERR_ATTR_MSG:
                    ext["msg"] = payload.split(b"\0")[0].decode()
                elif atype in (NLMSGERR_ATTR_OFFS, NLMSGERR_ATTR_MISS_TYPE,
                               NLMSGERR_ATTR_MISS_NEST):
                    ext[atype] = struct.unpack("=I", payload[:4])[0]
        return err, ext

    def family(self, name):
        err, _, replies, _ = self.request(
            GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
            nla(CTRL_ATTR_FAMILY_NAME, name.encode() + b"\0"), 0)
        if err:
            sys.stderr.write("genl.py: family %s: %s\n" %
                             (name, os.strerror(-err)))
            sys.exit(1)
        for atype, payload, _ in attrs(replies[0][20:]):
            if atype == CTRL_ATTR_FAMILY_ID:
                return struct.unpack("=H", payload[:2])[0]
        sys.exit("genl.py: no family id in the controller's reply")


def describe(err, ext, req):
    """One line as vswctl prints a refusal."""
    line = "genl.py: %s" % os.strerror(-err)
    if "msg" in ext:
        line += ": " + ext["msg"]
    if NLMSGERR_ATTR_OFFS in ext:
        line += " (at %s)" % name_at(req, ext[NLMSGERR_ATTR_OFFS], 20, "top")[0]
    if NLMSGERR_ATTR_MISS_TYPE in ext:
        path, space = "", "top"
        if NLMSGERR_ATTR_MISS_NEST in ext:
            path, space = name_at(req, ext[NLMSGERR_ATTR_MISS_NEST], 20, "top")
            path = "%s." % path
        names = SPACES.get(space) or [None]
        t = ext[NLMSGERR_ATTR_MISS_TYPE]
        line += " (missing %s%s)" % (path, names[t][0] if 0 < t < len(names)
                                     else t)
    return line


def run(g, family, args):
    """One request from ARGS; returns (exit status, what to print)."""
    flags, count = 0, 1
    while args and args[0] in ("-d", "-r"):
        opt = args.pop(0)
        if opt == "-d":
            flags = NLM_F_DUMP
        elif not args or not args[0].isdigit():
            usage("-r needs a count")
        else:
            count = int(args.pop(0))
    if not args or args[0] not in CMDS[1:]:
        usage("a command is required (%s)" % " ".join(CMDS[1:]))
    cmd = CMDS.index(args.pop(0))
    replies, warn = 0, ""
    for i in range(1, count + 1):
        err, ext, msgs, req = g.request(family, cmd, parse(list(args), "top", i),
                                        flags)
        if err:
            return 1, describe(err, ext, req)
        if "msg" in ext:
            warn = "genl.py: warning: %s\n" % ext["msg"]
        replies += len(msgs)
    return 0, "%sok, %d replies" % (warn, replies)


def main():
    global CMDS, SPACES
    args = sys.argv[1:]
    name = "vswitch"
    if args[:1] == ["-f"]:
        if len(args) < 2 or args[1] not in FAMILIES:
            usage("-f takes one of %s" % " ".join(FAMILIES))
        name = args[1]
        args = args[2:]
    CMDS, SPACES = FAMILIES[name]
    g = Genl()
    family = g.family(name)
    if args == ["-b"]:
        for line in sys.stdin:
            if line.strip() and not line.startswith("#"):
                status, text = run(g, family, shlex.split(line))
                print("%d %s" % (status, text), flush=True)
        return 0
    status, text = run(g, family, args)
    print(text, file=sys.stderr if status else sys.stdout)
    return status


if __name__ == "__main__":
    sys.exit(main())
