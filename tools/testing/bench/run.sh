#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: benchmarks that compare against a peer in the same VM boot
# and print ratios (absolute rates mean nothing under TCG emulation).
#   vhv      vhv-bench.sh, exits, HLT/wake cycles and context switches
#            with and without vhv, with deterministic guest time (vm-run -I)
#   vswitch  vswitch-bench.sh, vswitch against a bridge and OVS's datapath,
#            in its own boot with deterministic guest time (vm-run -I)
#   firewall firewall-bench.sh, vswitch's firewall with a 1000-rule policy
#            against a bridge with nftables conntrack and OVS's datapath
#            with ct(), and 10,000 rules against 1 (vm-run -I)
#   vtpm     vtpm-bench.sh, TPM commands/s and memory per instance against
#            swtpm behind tpm_vtpm_proxy, also with vm-run -I
# BENCH picks them (default "vhv vswitch firewall vtpm"), BENCH_KVER the
# kernel (6.1).
# The outputs are kept in build/bench/; the last line sums up the ratios.
set -u
set -o pipefail
SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SELF/../../.." && pwd)
KVERS=${KVERS:-$(ls /lib/modules)}
k=${BENCH_KVER:-$(echo $KVERS | tr ' ' '\n' | grep '^6\.1\.' | head -n1)}
[ -n "$k" ] || k=$(echo $KVERS | awk '{print $1}')
LOGS=$ROOT/build/bench
mkdir -p "$LOGS"

BENCHES=${BENCH:-vhv vswitch firewall vtpm}
for b in $BENCHES; do
	case $b in
	vhv|vswitch|firewall|vtpm) ;;
	*) echo "run.sh: no benchmark '$b' (vhv, vswitch, firewall, vtpm)" >&2; exit 2 ;;
	esac
done

status=0
for b in $BENCHES; do
	case $b in
	vhv)
		"$ROOT/tools/testing/qemu/vm-run" -I -k "$k" -t 3600 -C "$ROOT" \
			-e "ROUNDS=${ROUNDS:-3}" -e "SECS=${SECS:-2}" -e "WARM=${WARM:-5}" \
			-e "EVENTS=${EVENTS:-io cpuid hlt ctxsw}" \
			-- "$SELF/vhv-bench.sh" ;;
	vswitch)
		"$ROOT/tools/testing/qemu/vm-run" -I -k "$k" -t 1800 -C "$ROOT" \
			-e "ROUNDS=${ROUNDS:-5}" -e "COUNT=${COUNT:-50000}" \
			-e "SECURITY=${SECURITY:-0}" \
			-- "$SELF/vswitch-bench.sh" ;;
	firewall)
		# pktgen's frame buffers are zeroed at allocation (Debian's
		# init_on_alloc=1), and -I counts a rep stosb once per byte:
		# a fifth of every configuration's instructions. The ratios
		# are taken without it; FW_INIT_ON_ALLOC=1 keeps it.
		"$ROOT/tools/testing/qemu/vm-run" -I -k "$k" -t 3600 -C "$ROOT" \
			-a "init_on_alloc=${FW_INIT_ON_ALLOC:-0}" \
			-e "ROUNDS=${ROUNDS:-5}" -e "COUNT=${FW_COUNT:-20000}" \
			-e "CONNS=${FW_CONNS:-3000}" \
			${PROFILE:+-e "PROFILE=$PROFILE"} \
			${PROFILE_CALLERS:+-e "PROFILE_CALLERS=$PROFILE_CALLERS"} \
			-- "$SELF/firewall-bench.sh" ;;
	vtpm)
		"$ROOT/tools/testing/qemu/vm-run" -I -k "$k" -t 1800 -C "$ROOT" \
			-e "ROUNDS=${ROUNDS:-5}" -e "SECS=${SECS:-2}" \
			-- "$SELF/vtpm-bench.sh" ;;
	esac 2>&1 | tee "$LOGS/$b.log" || status=1
done
summary=$(cd "$LOGS" && for b in $BENCHES; do
	sed -n 's/^RATIO \(.*\) (target \(.*\))$/\1 (\2)/p' "$b.log" 2>/dev/null
done | paste -sd ';' | sed 's/;/; /g')
echo "bench $k: ${summary:-no ratio}$([ $status = 0 ] || echo ' [a run FAILED]')"
exit $status
