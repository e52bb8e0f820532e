#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# An instance's life: reset (TPM_Init, what a VM reboot needs), delete
# while a process holds its device open, rmmod with instances, and the
# rule that an instance never becomes the kernel's default TPM unless vtpm
# was loaded with allow_default_tpm=1.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/tpmlib.sh"
source "$(dirname "$0")/targets.sh"
set -e

KO=$VHV_BUILD/kmod/vtpm/vtpm.ko

# the module must be loaded when the test ends, as the runner loaded it
reload_plain() {
	if [ -d /sys/module/vtpm ] && [ "$(cat /sys/module/vtpm/parameters/allow_default_tpm 2>/dev/null)" = Y ]; then
		rmmod vtpm
	fi
	[ -d /sys/module/vtpm ] || insmod "$KO"
}

tpm_cmd_getrandom() { printf '\x80\x01\x00\x00\x00\x0c\x00\x00\x01\x7b\x00\x08'; }

# reset: PCRs back to zero after Startup, the first command after the
# reset is refused with TPM_RC_INITIALIZE, reset_count moves
reset_instance() {
	local n=$1 r1 r2
	on_target "r=device:/dev/tpmrm$n"
	tpm2_pcrextend 16:sha256=$(head -c 32 /dev/urandom | bin2hex)
	r1=$(tpm2_readclock | awk '/reset_count:/ { print $2 }')
	"$VTPMCTL" instance reset t1
	expect_rc 0x100 tpm2_getrandom 8
	tpm2_startup -c
	[ "$(pcr_hex sha256 16)" = "$(zeros_hex sha256)" ] || { echo "PCR 16 after reset: $(pcr_hex sha256 16)"; return 1; }
	r2=$(tpm2_readclock | awk '/reset_count:/ { print $2 }')
	echo "reset_count $r1 -> $r2"
	[ "$r2" -gt "$r1" ]
}

# delete while a process has /dev/tpmN open: its next command fails, the
# device and its sysfs go, nothing breaks
delete_while_open() {
	local n r
	n=$(vtpm_new held) || return 1
	wait_for "/dev/tpm$n" 30 test -c "/dev/tpm$n" || return 1
	exec 3<> "/dev/tpm$n"
	tpm_cmd_getrandom >&3
	r=$(head -c 10 <&3 | bin2hex)
	[ "${r:12:8}" = 00000000 ] || { echo "GetRandom before delete: $r"; return 1; }
	head -c 8 <&3 > /dev/null
	vtpm_del held
	if tpm_cmd_getrandom >&3 2> "$WORK/err"; then
		echo "a write after delete succeeded"
		exec 3>&-
		return 1
	fi
	echo "write after delete: $(cat "$WORK/err")"
	exec 3>&-
	[ ! -e "/dev/tpm$n" ] && [ ! -e "/sys/class/tpm/tpm$n" ] && [ ! -e "/dev/tpmrm$n" ]
}

# rmmod with two instances, one held open by a process
rmmod_with_instances() {
	local n
	n=$(vtpm_new rm1) || return 1
	vtpm_new rm2 > /dev/null || return 1
	wait_for "/dev/tpm$n" 30 test -c "/dev/tpm$n" || return 1
	exec 3<> "/dev/tpm$n"
	vtpm_del t1	# the targets' instance goes; rm1 and rm2 stay for rmmod
	rmmod vtpm
	vtpm_forget rm1
	vtpm_forget rm2
	! tpm_cmd_getrandom >&3 2> /dev/null
	exec 3>&-
	[ ! -d /sys/module/vtpm ] && ! ls /dev/tpm$n /sys/class/tpm/tpm$n > /dev/null 2>&1
	insmod "$KO"
}

# without allow_default_tpm, no instance may become the default TPM: with
# the reference stopped there is no other TPM, so the add is refused
default_tpm_rule() {
	local out n
	swtpm_stop > /dev/null
	ls /sys/class/tpm/ | grep -q . && { echo "a TPM is left: $(ls /sys/class/tpm)"; return 1; }
	if out=$("$VTPMCTL" instance add lone 2>&1); then
		echo "instance add succeeded with no other TPM: $out"
		"$VTPMCTL" instance del lone
		return 1
	fi
	echo "refused: $out"
	printf '%s\n' "$out" | grep -q 'allow_default_tpm'
	rmmod vtpm
	insmod "$KO" allow_default_tpm=1
	n=$(vtpm_new lone) || return 1
	[ "$n" = 0 ] || { echo "lone is tpm$n"; return 1; }
	vtpm_del lone
	rmmod vtpm
	insmod "$KO"
}

targets_setup
trap 'targets_cleanup; reload_plain' EXIT
n=$(vtpm_dev_num t1)
tap_plan 4
tap_check "reset: TPM_RC_INITIALIZE, then Startup: PCR 16 zero, reset_count up" reset_instance "$n"
tap_check "delete while /dev/tpmN is open: the next write fails, the devices go" delete_while_open
tap_check "rmmod with instances (one open): devices go, insmod again" rmmod_with_instances
tap_check "no other TPM: add refused unless allow_default_tpm=1 (then tpm0)" default_tpm_rule
tap_done
