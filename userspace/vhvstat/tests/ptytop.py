#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""ptytop.py ROWS COLS SCRIPT VHVSTAT ARGS...: run vhvstat top on a pseudo-
terminal of ROWS x COLS and play SCRIPT, steps separated by ';':
  KEYS>TEXT   type KEYS (\\r: Enter, \\e: Esc), then wait for a frame whose
              text holds TEXT (a frame: what one redraw left on the screen)
  !TEXT       the last frame does not hold TEXT
  w<=N        every line of the last frame is at most N characters
  @N=TEXT     line N of the last frame (0: the title) holds TEXT
then q, and vhvstat must exit 0. Prints the last frame when a step fails."""
import fcntl
import os
import pty
import re
import struct
import sys
import termios
import time

rows, cols, script, argv = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4:]
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    os.execv(argv[0], argv)
out = b""


def frames():
    # each frame: cursor home, lines ended by erase-line, erase-below
    for f in out.split(b"\x1b[H")[1:]:
        if b"\x1b[J" in f:
            text = f.split(b"\x1b[J")[0].decode(errors="replace")
            yield [re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\r", "", l) for l in text.split("\n")]


def last():
    fs = list(frames())
    return fs[-1] if fs else []


def wait(text, since, t=60):
    global out
    end = time.time() + t
    while time.time() < end:
        if any(text in "\n".join(f) for f in list(frames())[since:]):
            return True
        try:
            out += os.read(fd, 65536)
        except OSError:
            break
    return False


def fail(step):
    print("# step %r failed; last frame:" % step)
    for line in last():
        print("#   |%s|" % line)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    sys.exit(1)


if not wait("%RDY", 0):
    fail("first frame")
for step in script.split(";"):
    if not step:
        continue
    if step.startswith("!"):
        if step[1:] in "\n".join(last()):
            fail(step)
    elif step.startswith("@"):
        n, text = step[1:].split("=", 1)
        f = last()
        if int(n) >= len(f) or text not in f[int(n)]:
            fail(step)
    elif step.startswith("w<="):
        if any(len(l) > int(step[3:]) for l in last()):
            print("# line lengths %s" % [len(l) for l in last()])
            fail(step)
    else:
        keys, text = step.split(">", 1)
        n = len(list(frames()))
        os.write(fd, keys.replace("\\r", "\r").replace("\\e", "\x1b").encode())
        if not wait(text, n):
            fail(step)
os.write(fd, b"q")
wait("\x00never", 0, 5)
_, st = os.waitpid(pid, 0)
sys.exit(not (os.WIFEXITED(st) and os.WEXITSTATUS(st) == 0))
