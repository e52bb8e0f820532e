#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""ptstop.py TID: hold one thread (not its process) in a ptrace stop.

PTRACE_SEIZE + PTRACE_INTERRUPT stop only that thread (a SIGSTOP would
stop the whole process). Prints "stopped TID" once the thread is in the
stop, then waits for SIGTERM or SIGINT; exiting detaches,
which resumes the thread.
"""
import ctypes
import os
import signal
import sys

PTRACE_DETACH = 17
PTRACE_SEIZE = 0x4206
PTRACE_INTERRUPT = 0x4207
WALL = 0x40000000

libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p,
                        ctypes.c_void_p]
libc.ptrace.restype = ctypes.c_long


def ptrace(req, tid):
    if libc.ptrace(req, tid, None, None) != 0:
        err = ctypes.get_errno()
        sys.exit(f"ptstop: ptrace({req:#x}, {tid}): {os.strerror(err)}")


def main():
    tid = int(sys.argv[1])
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    ptrace(PTRACE_SEIZE, tid)
    ptrace(PTRACE_INTERRUPT, tid)
    _, status = os.waitpid(tid, WALL)
    if not os.WIFSTOPPED(status):
        sys.exit(f"ptstop: thread {tid} did not stop (status {status:#x})")
    print(f"stopped {tid}", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    libc.ptrace(PTRACE_DETACH, tid, None, None)


if __name__ == "__main__":
    main()
