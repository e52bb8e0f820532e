#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The demo, inside the guest: two VMs on real (nested) KVM, one CPU
# oversubscribed, then a stalled VM.
set -eu
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
KO=$ROOT/build/$(uname -r)/kmod/vhv/vhv.ko
TVMM=$ROOT/tools/testing/vmm/tvmm
VHVSTAT=$ROOT/userspace/vhvstat/vhvstat
pids=()
cleanup() { for p in "${pids[@]}"; do kill -CONT "$p" 2>/dev/null; kill "$p" 2>/dev/null; done; wait 2>/dev/null || true; }
trap cleanup EXIT

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

say "vhv demo on Linux $(uname -r) ($(nproc) CPUs, guest of QEMU)"
run modprobe kvm_amd
run insmod "$KO"

say "VM 'busy': 4 vCPUs spinning, all pinned to CPU 0 (4:1 oversubscribed)"
"$TVMM" -q -c 4 -a 0 -w spin > /tmp/busy.out & pids+=($!)
say "VM 'idle': 2 vCPUs halted, woken by a 20 ms timer, on CPU 1"
"$TVMM" -q -c 2 -a 1 -w hlt -t 20000 > /tmp/idle.out & pids+=($!)
for _ in $(seq 100); do [ "$(cat /sys/kernel/vhv/nr_vcpus)" -ge 6 ] && break; sleep 0.1; done

say "What vhv found, in sysfs"
run ls /sys/kernel/vhv /sys/kernel/vhv/vms
for f in nr_vms nr_vcpus nr_cpus vcpu_ratio guest_mem_bytes mem_overcommit; do
	printf '  %-16s %s\n' "$f" "$(cat /sys/kernel/vhv/$f)"
done

say "vhvstat: per VM over 2 s (esxtop's columns; a VM's %RDY sums its vCPUs)"
run "$VHVSTAT" vm 2 1
say "vhvstat: per vCPU"
run "$VHVSTAT" vcpu 2 1
say "Ground truth for one vCPU: vhv's ready_ns is the thread's run_delay"
busy=${pids[0]}
vm=$(grep -lx "$busy" /sys/kernel/vhv/vms/*/pid | head -n1 | xargs dirname)
tid=$(cat "$vm/vcpus/0/tid")
# Stop the VM for a moment so that both reads see the same value.
kill -STOP "$busy"; sleep 0.2
printf '  vhv %s/vcpus/0/ready_ns = %s\n  /proc/%s/task/%s/schedstat run_delay = %s\n' \
	"$vm" "$(cat "$vm/vcpus/0/ready_ns")" "$busy" "$tid" \
	"$(awk '{print $2}' /proc/$busy/task/$tid/schedstat)"
kill -CONT "$busy"
say "Ready-wait episodes of that vCPU, log2 histogram (ready_hist)"
awk '{ for (b = 1; b <= NF; b++) if ($b > 0) {
	lo = (b == 1) ? 0 : 2 ^ (b + 8); hi = 2 ^ (b + 9)
	if (b == NF) printf "  %9.1f us and more      %s\n", lo / 1000, $b
	else printf "  %9.1f .. %9.1f us  %s\n", lo / 1000, hi / 1000, $b } }' "$vm/vcpus/0/ready_hist"
printf '  longest single wait: %s ns\n' "$(cat "$vm/vcpus/0/ready_max_ns")"

say "Prometheus exposition (excerpt)"
"$VHVSTAT" -P | grep -E '^(# (HELP|TYPE) vhv_vcpu_ready|vhv_vcpu_ready_seconds_total|vhv_vm_stalled)' | head -n 12

say "A stalled VM: SIGSTOP the busy VM's VMM (stall threshold 1 s)"
echo 1000 > /sys/module/vhv/parameters/stall_ms
echo 1 > /sys/kernel/tracing/events/vhv/enable
run kill -STOP "$busy"
for _ in $(seq 100); do grep -q 1 /sys/kernel/vhv/vms/*/stalled 2>/dev/null && break; sleep 0.1; done
grep -H . /sys/kernel/vhv/vms/*/stalled | sed 's/^/  /'
run kill -CONT "$busy"
sleep 1.5
grep -H . /sys/kernel/vhv/vms/*/stalled | sed 's/^/  /'
say "The vhv:* tracepoints saw it (stall / recover)"
grep -E 'vhv_vm_(stall|recover)' /sys/kernel/tracing/trace | sed 's/^ *//' | head -n 4
echo 0 > /sys/kernel/tracing/events/vhv/enable

cleanup; pids=()
for _ in $(seq 100); do [ "$(cat /sys/kernel/vhv/nr_vms)" -eq 0 ] && break; sleep 0.1; done
say "VMs gone: nr_vms=$(cat /sys/kernel/vhv/nr_vms); unloading"
run rmmod vhv
echo "demo done"
