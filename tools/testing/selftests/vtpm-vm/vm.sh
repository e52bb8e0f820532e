#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A VM whose TPM is a vtpm instance, as libvirt starts one: the instance is
# reset (TPM_Init: QEMU's passthrough backend never resets it), then QEMU
# gets /dev/tpmN with -tpmdev passthrough,...,cancel-path=/dev/null behind
# a TIS device, under this guest's KVM. The VM is its firmware alone:
# SeaBIOS starts the TPM, measures the boot into PCRs 1, 2 and 4 of every
# bank, a separator into PCRs 0-7, sets a random platform auth, and prints
# its e820 map (the step after its TPM work, before the boot).
# (A Linux VM inside this TCG guest's KVM did not reach user space in
# 300 s: every exit of the nested VM is emulated twice.)
#
# Ground truth: the firmware's own debug console (isa-debugcon) says it got
# past its TPM work; the host, through /dev/tpmrmN, finds the TPM started (a
# command that TPM_Init would refuse runs), each PCR that SeaBIOS only
# separates equal to extend(0, H(FFFFFFFF)) as sha1sum/sha256sum compute
# it (SeaBIOS's separator is FFFFFFFF) and the others not zero, and the
# platform's empty auth refused.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../vtpm/tpmlib.sh"
source "$(dirname "$0")/../vtpm/targets.sh"
set -e

tap_plan 6
# the reference first (targets_setup), so that the instance is not tpm0
targets_setup
[ -c /dev/kvm ] || modprobe -q kvm_amd 2> /dev/null || modprobe -q kvm_intel 2> /dev/null || true
[ -c /dev/kvm ] || tap_bail "no /dev/kvm (kvm_amd/kvm_intel did not load)"
N=$(vtpm_new vm1 banks sha1,sha256) || tap_bail "vtpmctl instance add vm1 failed"
wait_for "/dev/tpm$N" 30 test -c "/dev/tpm$N" -a -c "/dev/tpmrm$N" || tap_bail "no /dev/tpm$N"
on_target "host=device:/dev/tpmrm$N"

"$VTPMCTL" instance reset vm1
reset_rc=$(tpm_rc tpm2_getrandom 8)
# run_vm N LOG: QEMU with /dev/tpmN, until its firmware finished its TPM
# work (LOG: its debug console): SeaBIOS's prepareboot() runs
# tpm_prepboot(), then prints the e820 map. (What comes after, the boot
# attempts, once stalled for minutes in this nested KVM under load.) -cpu host,-xsave: with XSAVE, CPUID
# inside a TCG guest's KVM is not consistent (the 6.1 kernel WARNs on it);
# the firmware does not care.
# fw_done LOG: a line of the e820 map ("  3: 00000000fed1c000 - ... = 2 RESERVED")
fw_done() { grep -qE '^ *[0-9]+: [0-9a-f]{16} - [0-9a-f]{16} = [0-9]' "$1" 2> /dev/null; }
export -f fw_done
run_vm() {
	local vm
	timeout -k 5 600 qemu-system-x86_64 -machine q35 -accel kvm -cpu host,-xsave \
		-m 128M -smp 1 -nodefaults -display none -no-reboot \
		-tpmdev "passthrough,id=tpm0,path=/dev/tpm$1,cancel-path=/dev/null" \
		-device tpm-tis,tpmdev=tpm0 \
		-chardev "file,id=dbg,path=$2" -device isa-debugcon,iobase=0x402,chardev=dbg \
		> "$2.qemu" 2>&1 &
	vm=$!
	# (two VMs in a test: each wait well below the test's 600 s)
	if ! wait_for "the VM's firmware to try every boot device" 200 \
		bash -c "fw_done '$2' || ! kill -0 $vm"; then
		diag "QEMU and its threads: $(ps -L -o pid,tid,stat,wchan:32,pcpu,comm -p "$(pgrep -n -f "^qemu-system-x86_64 .*path=/dev/tpm$1,")" 2>&1 | paste -sd';')"
		diag "memory: $(grep -E 'MemFree|SwapTotal|SwapFree' /proc/meminfo | paste -sd' '); cgroup: $(cat /proc/self/cgroup)"
	fi
	kill $vm 2> /dev/null || true
	wait $vm 2> /dev/null || true
	diag "QEMU: $(paste -sd';' "$2.qemu")"
	diag "firmware console (last lines): $(tail -n 4 "$2" 2> /dev/null | paste -sd';')"
}
run_vm "$N" "$WORK/fw.log"

started() {
	echo "after reset: $reset_rc (want 0x100, TPM_RC_INITIALIZE)"
	fw_done "$WORK/fw.log" && [ "$reset_rc" = 0x100 ] &&
		tpm2_getrandom 8 > /dev/null
}
tap_check "the VM's firmware started the instance after its reset and finished its TPM work" started

# separator(bank) = extend(0, H(FFFFFFFF)): SeaBIOS's last event in PCRs
# 0-7, and the only one in those it measures nothing else into
sep_hex() { extend_hex "$1" "$(zeros_hex "$1")" "$(hex2bin ffffffff | hash_hex "$1")"; }
declare -A SEP=([sha1]=$(sep_hex sha1) [sha256]=$(sep_hex sha256))
measured() {
	local b i v nsep=0 bad=0
	for b in sha1 sha256; do
		for i in 0 1 2 3 4 5 6 7; do
			v=$(pcr_hex $b $i)
			echo "$b PCR $i: $v$([ "$v" = "${SEP[$b]}" ] && echo " (separator only)")"
			[ "$v" = "${SEP[$b]}" ] && nsep=$((nsep + 1))
			# every PCR 0-7 has at least the separator
			[ "$v" != "$(zeros_hex $b)" ] || bad=1
		done
	done
	# some PCRs hold more than the separator, some the separator alone
	[ "$bad" = 0 ] && [ "$nsep" -ge 2 ] && [ "$nsep" -le 14 ]
}
tap_check "SeaBIOS measured into PCRs 0-7 of both banks; those it only separates are extend(0, H(FFFFFFFF))" measured

same_banks() {
	# a PCR is the separator in one bank exactly when it is in the other:
	# the firmware extended both banks with the same events
	local i a b
	for i in 0 1 2 3 4 5 6 7; do
		a=no b=no
		[ "$(pcr_hex sha1 $i)" = "${SEP[sha1]}" ] && a=yes
		[ "$(pcr_hex sha256 $i)" = "${SEP[sha256]}" ] && b=yes
		[ "$a" = "$b" ] || { echo "PCR $i: separator only in sha1 $a, in sha256 $b"; return 1; }
	done
}
tap_check "the firmware extended the sha1 and sha256 banks with the same events" same_banks

platform_locked() {
	expect_rc 0x9a2 tpm2_changeauth -c p newpw	# BAD_AUTH: not empty any more
}
tap_check "the firmware set a platform auth: the empty one is refused (0x9a2)" platform_locked

reopen() {
	exec 3<> "/dev/tpm$N" || return 1
	exec 3>&-
	[ "$(pcr_hex sha256 16)" = "$(zeros_hex sha256)" ]
}
tap_check "after the VM, /dev/tpm$N opens again; PCR 16 untouched" reopen

# Without the reset, the firmware's Startup gets TPM_RC_INITIALIZE (the
# kernel's TPM core started the instance when it registered it), and
# SeaBIOS then disables the owner and endorsement hierarchies: why the
# admin guide says to reset before every start of the VM, the first too.
no_reset() {
	local n2 v
	n2=$(vtpm_new vm2 banks sha256) || return 1
	wait_for "/dev/tpm$n2" 30 test -c "/dev/tpm$n2" -a -c "/dev/tpmrm$n2" || return 1
	run_vm "$n2" "$WORK/fw2.log"
	on_target "host2=device:/dev/tpmrm$n2"
	v=$(tpm2_getcap properties-variable | grep -E '^ *(shEnable|ehEnable):' | tr -d ' ' | paste -sd,)
	echo "without a reset: PCR 0 $(pcr_hex sha256 0), $v"
	[ "$(pcr_hex sha256 0)" = "$(zeros_hex sha256)" ] && [ "$v" = "shEnable:0,ehEnable:0" ]
}
tap_check "without a reset first, the firmware measures nothing and disables the owner and endorsement hierarchies" no_reset
tap_done
