#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# In-guest vtpm benchmark: TPM commands per second through /dev/tpmN, a
# vtpm instance against swtpm behind tpm_vtpm_proxy (the way a VM's TPM is
# served today), in one boot; and the memory of one instance of each.
#
# tpmbench (this folder) writes one command and reads its answer in a loop
# for SECS seconds: GetRandom(32), PCR_Extend (one SHA-256 digest),
# PCR_Read (SHA-256 PCR 0-7), Hash (64 bytes). Rounds alternate vtpm and
# swtpm; the ratio is taken between medians. Run it in a guest booted with
# `vm-run -I`: guest time counts instructions, so a rate is commands per
# instruction budget, whatever the host's load; swtpm's includes the trip
# through tpm_vtpm_proxy and its process, which is what a VM pays.
#
# Memory: vtpm's is the kernel memory 20 instances take (/proc/meminfo
# Slab + VmallocUsed + Percpu, before and after), divided by 20, beside
# what vtpmctl reports for one; swtpm's is the resident set of its process
# (VmRSS) serving one TPM.
set -u
SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SELF/../../.." && pwd)
source "$ROOT/tools/testing/selftests/lib.sh"
source "$ROOT/tools/testing/selftests/swtpm-ref.sh"
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-2}
KO=$ROOT/build/$(uname -r)/kmod/vtpm/vtpm.ko
VTPMCTL=$ROOT/userspace/vtpmctl/vtpmctl
BENCH=$SELF/tpmbench
OPS="getrandom extend read hash"

die() { echo "vtpm-bench: $*" >&2; exit 1; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
kmem_kb() { awk '/^(Slab|VmallocUsed|Percpu):/ { s += $2 } END { print s }' /proc/meminfo; }

cleanup() {
	local i
	for i in $(seq 0 20); do "$VTPMCTL" instance del "bench$i" 2> /dev/null; done
	swtpm_cleanup > /dev/null 2>&1
}
trap cleanup EXIT

[ -r "$KO" ] || die "no module $KO (make all)"
[ -x "$VTPMCTL" ] || die "no $VTPMCTL (make all)"
[ -x "$BENCH" ] || die "no $BENCH (make all)"
modprobe tpm_vtpm_proxy || die "modprobe tpm_vtpm_proxy failed"
swtpm_start_reference > /dev/null || die "swtpm did not start"
lsmod | grep -q '^vtpm ' || insmod "$KO" || die "insmod $KO failed"
n=$("$VTPMCTL" -j instance add bench0 | sed -n 's/.*"dev_num": *\([0-9]*\).*/\1/p')
[ -c "/dev/tpm$n" ] || die "no /dev/tpm$n for vtpm instance bench0"
echo "vtpm benchmark on $(uname -r): /dev/tpm$n (vtpm) and /dev/$SWTPM_DEV (swtpm), $ROUNDS rounds of ${SECS}s"

declare -A R
for op in $OPS; do
	for r in $(seq "$ROUNDS"); do
		for who in vtpm swtpm; do
			dev=/dev/tpm$n
			[ $who = swtpm ] && dev=/dev/$SWTPM_DEV
			out=$("$BENCH" "$dev" "$op" "$SECS") || die "tpmbench $who $op failed"
			set -- $out	# OP OPS_PER_SECOND COUNT
			R[$who.$op]="${R[$who.$op]:-} $2"
		done
	done
done

for op in $OPS; do
	v=$(printf '%s\n' ${R[vtpm.$op]} | median)
	s=$(printf '%s\n' ${R[swtpm.$op]} | median)
	printf '%-10s vtpm %8.0f/s  swtpm %8.0f/s  rounds: vtpm%s, swtpm%s\n' "$op" "$v" "$s" \
		"${R[vtpm.$op]}" "${R[swtpm.$op]}"
	echo "RATIO vtpm/swtpm $op = $(awk -v a="$v" -v b="$s" 'BEGIN { printf "%.1f", a / b }') (target >= 10)"
done

# memory: 20 more instances
before=$(kmem_kb)
for i in $(seq 1 20); do "$VTPMCTL" instance add "bench$i" > /dev/null || die "instance add bench$i failed"; done
after=$(kmem_kb)
per=$(( (after - before) / 20 ))
reported=$("$VTPMCTL" -j instance show bench1 | sed -n 's/.*"mem": *\([0-9]*\).*/\1/p')
rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$SWTPM_PID/status")
echo "memory: vtpm $per KiB per instance (Slab+VmallocUsed+Percpu over 20; vtpmctl reports $((reported / 1024)) KiB), swtpm VmRSS $rss KiB"
echo "RATIO swtpm/vtpm memory = $(awk -v a="$rss" -v b="$per" 'BEGIN { printf "%.1f", a / (b > 0 ? b : 1) }') (target >= 50)"
