#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""capture.py - record the TPM command streams of tpm2-tools as fuzz seeds.

A TCP proxy in front of `swtpm socket`: tpm2-tools connect to PORT (data)
and PORT+1 (control) with TCTI "swtpm:port=PORT"; both are forwarded to
swtpm's TO and TO+1. Each data connection's commands, back to back as the
tools wrote them, become one file OUT/NNNN.bin (the fuzz target splits a
file into commands by their headers' size fields). Runs until killed.

  capture.py PORT TO OUTDIR
"""
import os
import socket
import sys
import threading

counter = [0]
lock = threading.Lock()


def pipe(src, dst, record):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            if record is not None:
                record.extend(data)
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(port, to, outdir, record):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(16)
    while True:
        c, _ = ls.accept()
        u = socket.create_connection(("127.0.0.1", to))
        buf = bytearray() if record else None
        t1 = threading.Thread(target=pipe, args=(c, u, buf))
        t2 = threading.Thread(target=pipe, args=(u, c, None))
        t1.start()
        t2.start()

        def done(t1=t1, t2=t2, buf=buf):
            t1.join()
            t2.join()
            if buf:
                with lock:
                    counter[0] += 1
                    n = counter[0]
                with open(os.path.join(outdir, "%04d.bin" % n), "wb") as f:
                    f.write(buf)
        threading.Thread(target=done).start()


def main():
    if len(sys.argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    port, to, outdir = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    os.makedirs(outdir, exist_ok=True)
    threading.Thread(target=serve, args=(port + 1, to + 1, outdir, False),
                     daemon=True).start()
    serve(port, to, outdir, True)


if __name__ == "__main__":
    sys.exit(main())
