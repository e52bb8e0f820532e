#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install what vhv needs to build and test, from Debian's archive only.
# Idempotent: packages already installed are skipped, and nothing is
# fetched when all are there. Run as root.
#
#   setup.sh          what `make check`, `make demo` and `make bench` need
#   setup.sh --debug  that, plus what building the debug kernels needs
#                     (`make check-debug`; the linux-source packages are
#                     installed by debug-kernel/build.sh at the exact version
#                     of the installed images)
set -euo pipefail

PKGS=(
	# target kernels and their headers (6.1 and 6.12 lines of Debian 12)
	linux-image-amd64 linux-headers-amd64
	linux-image-6.12-amd64 linux-headers-6.12-amd64
	# build
	build-essential make gcc pkg-config libelf-dev
	libnl-3-dev libnl-genl-3-dev libbpf-dev bpftool clang llvm
	# VM harness
	qemu-system-x86 busybox-static kmod cpio gzip xz-utils zstd
	# in-guest tools and reference peers
	procps util-linux iproute2 iputils-ping nftables conntrack openvswitch-switch
	python3 python3-scapy iperf3 tpm2-tools swtpm swtpm-tools xxd
	libssl-dev libclang-rt-dev
	ethtool tcpdump libcap2-bin linux-perf
	prometheus-node-exporter
	# make deb, and the packages test (DKMS in the guest)
	dkms debhelper dh-dkms
)
if [ "${1:-}" = --debug ]; then
	PKGS+=(bc bison flex dwarves rsync)
fi

missing=()
for p in "${PKGS[@]}"; do
	case $p in \#*) continue ;; esac
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$st" = "install ok installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "setup: all ${#PKGS[@]} packages present"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "setup: run as root to install: ${missing[*]}" >&2
	exit 1
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# The guests boot from vm-run's own initramfs: Debian's initramfs for each
# kernel image would cost minutes and never be used. (Only the kernel hook
# reads INITRD; an initramfs that already exists is left as it is.)
export INITRD=No
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
# Debian starts OVS on install where it can; the harness never needs the host's.
echo "setup: done"
