#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""onethread.py - a VMM whose one thread runs several vCPUs of one VM.

    onethread.py NVCPUS SECONDS [VMS [before]]

Creates a VM with one 4 KiB slot at the reset vector holding "out %al,
$0x80; jmp back", creates NVCPUS vCPUs and runs them in turn from the main
thread: KVM_RUN on vCPU 0 returns at its OUT, then vCPU 1, and so on, for
SECONDS. Every vCPU starts at reset (real mode, CS base 0xffff0000, IP
0xfff0), so no register needs setting. Prints "tid=T" once the first round
is done, then "rounds=N" at the end.

With VMS > 1, the same thread then destroys the VM (closes every file
descriptor and mapping of it) and makes the next one, VMS in all: each
runs until SIGUSR1 (or for SECONDS), and "vm=K" is printed once VM K's
first round is done. With "before", the thread makes the next VM before it
destroys the one before, so that the two cannot share an address.
"""
import ctypes
import fcntl
import gc
import mmap
import os
import signal
import sys
import time

KVMIO = 0xAE
KVM_CREATE_VM = (KVMIO << 8) | 0x01
KVM_GET_VCPU_MMAP_SIZE = (KVMIO << 8) | 0x04
KVM_CREATE_VCPU = (KVMIO << 8) | 0x41
KVM_RUN = (KVMIO << 8) | 0x80
# _IOW(KVMIO, 0x46, struct kvm_userspace_memory_region), 32 bytes
KVM_SET_USER_MEMORY_REGION = (1 << 30) | (32 << 16) | (KVMIO << 8) | 0x46
KVM_SET_TSS_ADDR = (KVMIO << 8) | 0x47
KVM_EXIT_IO = 2

SLOT_GPA = 0xFFFFF000
CODE = bytes([0xE6, 0x80, 0xEB, 0xFC])	# out %al, $0x80; jmp -4


class Region(ctypes.Structure):
    _fields_ = [("slot", ctypes.c_uint32), ("flags", ctypes.c_uint32),
                ("guest_phys_addr", ctypes.c_uint64),
                ("memory_size", ctypes.c_uint64),
                ("userspace_addr", ctypes.c_uint64)]


NEXT = False


def on_usr1(signum, frame):
    global NEXT
    NEXT = True


def make_vm(kvm, nr, run_size):
    """A VM with the code slot and NVCPUS vCPUs: (fds, mappings, vCPUs)."""
    vm = fcntl.ioctl(kvm, KVM_CREATE_VM, 0)
    # Intel only: three pages for the real-mode TSS, away from the slot
    fcntl.ioctl(vm, KVM_SET_TSS_ADDR, 0x70000000)
    mem = mmap.mmap(-1, 4096, mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    mem[0xFF0:0xFF0 + len(CODE)] = CODE
    addr = ctypes.addressof(ctypes.c_char.from_buffer(mem))
    region = Region(0, 0, SLOT_GPA, 4096, addr)
    fcntl.ioctl(vm, KVM_SET_USER_MEMORY_REGION, region)
    vcpus = []
    for i in range(nr):
        fd = fcntl.ioctl(vm, KVM_CREATE_VCPU, i)
        run = mmap.mmap(fd, run_size, mmap.MAP_SHARED,
                        mmap.PROT_READ | mmap.PROT_WRITE)
        vcpus.append((fd, run))
    return vm, mem, vcpus


def destroy_vm(vm, mem, vcpus):
    """Drop every reference this process holds: KVM destroys the VM."""
    for fd, run in vcpus:
        run.close()
        os.close(fd)
    os.close(vm)
    # ctypes' from_buffer() export keeps the mapping until collected
    gc.collect()
    try:
        mem.close()
    except BufferError:
        pass


def kvm_run(fd):
    """KVM_RUN until the guest exits: a signal (SIGUSR1) that comes in
    KVM_RUN makes it return EINTR (KVM_EXIT_INTR), which fcntl.ioctl()
    does not retry."""
    while True:
        try:
            fcntl.ioctl(fd, KVM_RUN, 0)
            return
        except InterruptedError:
            pass


def run_vm(vcpus, secs, first, k):
    global NEXT
    end = time.monotonic() + secs
    rounds = 0
    while rounds == 0 or (time.monotonic() < end and not NEXT):
        for fd, run in vcpus:
            kvm_run(fd)
            reason = int.from_bytes(run[8:12], "little")
            if reason != KVM_EXIT_IO:
                sys.exit(f"onethread: exit reason {reason}, not KVM_EXIT_IO")
        rounds += 1
        if rounds == 1:
            if first:
                print(f"tid={os.getpid()}", flush=True)
            print(f"vm={k}", flush=True)
    NEXT = False
    return rounds


def main():
    nr, secs = int(sys.argv[1]), float(sys.argv[2])
    nvms = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    before = len(sys.argv) > 4 and sys.argv[4] == "before"
    signal.signal(signal.SIGUSR1, on_usr1)
    kvm = os.open("/dev/kvm", os.O_RDWR | os.O_CLOEXEC)
    run_size = fcntl.ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0)
    rounds = 0
    cur = make_vm(kvm, nr, run_size)
    for k in range(1, nvms + 1):
        rounds += run_vm(cur[2], secs, k == 1, k)
        if k == nvms:
            break
        if before:
            nxt = make_vm(kvm, nr, run_size)
            destroy_vm(*cur)
            cur = nxt
        else:
            destroy_vm(*cur)
            cur = make_vm(kvm, nr, run_size)
    print(f"rounds={rounds}", flush=True)


if __name__ == "__main__":
    main()
