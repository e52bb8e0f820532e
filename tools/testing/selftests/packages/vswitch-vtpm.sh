#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vswitch-vtpm.sh - the switch's and the vTPM's packages of `make deb`, as
# a host installs them: dpkg -i vswitch-dkms vswctl vtpm-dkms vtpmctl into
# the guest's root (an overlay on a tmpfs); DKMS builds and signs both
# modules for the running kernel; the tools from /usr/sbin make the kernel
# load DKMS's modules (their generic netlink family's alias), and those
# modules work:
#   vswitch  two namespaces on a switch of DKMS's module ping each other
#            (nothing else joins them);
#   vtpm     with /etc/modprobe.d/vtpm.conf's option turned on, an
#            instance answers tpm2-tools: a PCR extended through it reads
#            back as sha256sum computes it.
# dpkg --purge removes every file, DKMS's trees and modules.
#
# The harness's vswitch.ko and vtpm.ko are unloaded for the test and loaded
# again after.

source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/pkglib.sh"

MODS=(vswitch vtpm)
PKGS=(vswitch-dkms vswctl vtpm-dkms vtpmctl)
pkg_debs "${PKGS[@]}"
for m in "${MODS[@]}"; do
	[ -r "$VHV_BUILD/kmod/$m/$m.ko" ] || tap_bail "no $VHV_BUILD/kmod/$m/$m.ko to load again (make modules)"
done
for t in ip ping tpm2_pcrextend tpm2_pcrread sha256sum xxd readelf xz; do
	command -v "$t" > /dev/null || tap_bail "no $t (make setup)"
done
TMPD=$(mktemp -d)
SW=pk$$
NS1=pka$$ NS2=pkb$$
INST=pk$$

# harness_load M: the harness's build of M
harness_load() { load_module "$VHV_BUILD/kmod/$1/$1.ko"; }
__ports_gone() { [ ! -e "/sys/class/net/$NS1-p" ] && [ ! -e "/sys/class/net/$NS2-p" ]; }

# teardown: undo what the checks made, whatever they got to make: the
# namespaces, the instance and the switch, DKMS's modules (the harness's
# stay), the packages. Every step runs; fails when one did.
teardown() {
	local n rc=0
	for n in "$NS1" "$NS2"; do
		[ ! -e "/run/netns/$n" ] || ip netns del "$n" || rc=1
	done
	if [ -d /sys/module/vtpm ] && [ -x /usr/sbin/vtpmctl ] &&
	   /usr/sbin/vtpmctl instance show "$INST" > /dev/null 2>&1; then
		/usr/sbin/vtpmctl instance del "$INST" || rc=1
	fi
	if [ -d /sys/module/vswitch ] && [ -x /usr/sbin/vswctl ] &&
	   /usr/sbin/vswctl switch show "$SW" > /dev/null 2>&1; then
		/usr/sbin/vswctl switch del "$SW" || rc=1
	fi
	poll 300 __ports_gone || { diag "$NS1-p or $NS2-p still here after 300 s"; rc=1; }
	for n in vtpm vswitch; do
		if [ -d "/sys/module/$n" ] && pkg_loaded_is_dkms "$n" > /dev/null; then
			rmmod "$n" || rc=1
		fi
	done
	# (a package that is not installed is a warning, not an error)
	dpkg --purge "${PKGS[@]}" > "$TMPD/purge.log" 2>&1 || { cat "$TMPD/purge.log"; rc=1; }
	return $rc
}

cleanup() {
	local m
	set +e
	pkg_show_other_kernels
	teardown
	for m in "${MODS[@]}"; do
		[ -d "/sys/module/$m" ] || harness_load "$m"
	done
	rm -rf "$TMPD"
}
trap cleanup EXIT

tap_plan 9

# the harness's modules out: what loads next is the packages' or nothing
unload() {
	local m
	for m in vtpm vswitch; do
		[ ! -d "/sys/module/$m" ] || rmmod "$m" || return
	done
}
tap_check "the harness's vswitch and vtpm unloaded" unload

install_debs() { pkg_install "$TMPD/dpkg.log" "${MODS[@]}"; }
tap_check "dpkg -i ${PKGS[*]}: DKMS builds vswitch.ko and vtpm.ko" install_debs
V=$(dpkg-query -W -f='${Version}' vswitch-dkms 2> /dev/null || true)

both() { pkg_dkms_installed vswitch "$V" && pkg_dkms_installed vtpm "$V"; }
tap_check "dkms status: vswitch and vtpm $V installed for $KVER" both
signed() { pkg_dkms_signed vswitch && pkg_dkms_signed vtpm; }
tap_check "modinfo: both in updates/dkms, signed (signer set)" signed

# vswctl asks for its family: the kernel loads vswitch by its alias
sw_ping() {
	/usr/sbin/vswctl switch add "$SW" || return
	pkg_loaded_is_dkms vswitch || return
	local n i=1
	for n in "$NS1" "$NS2"; do
		ip netns add "$n" &&
		ip link add "$n-p" type veth peer name eth0 netns "$n" &&
		ip -n "$n" addr add "10.99.0.$i/24" dev eth0 &&
		ip -n "$n" link set eth0 up && ip -n "$n" link set lo up &&
		ip link set "$n-p" up &&
		/usr/sbin/vswctl port add "$SW" dev "$n-p" || return
		i=$((i + 1))
	done
	ip netns exec "$NS1" ping -c 3 -i 0.2 -W 10 10.99.0.2 | tail -n 2
	[ "${PIPESTATUS[0]}" = 0 ]
}
tap_check "vswctl from /usr/sbin loads DKMS's vswitch; two namespaces on its switch ping each other" sw_ping

# vtpm.conf's option, as an operator of a host without a TPM turns it on
# (with a TPM of the guest's own as tpm0 it changes nothing)
vtpm_conf() {
	grep -q '^#options vtpm allow_default_tpm=1$' /etc/modprobe.d/vtpm.conf &&
	sed -i 's/^#options vtpm/options vtpm/' /etc/modprobe.d/vtpm.conf
}
tpm() {
	local n d want got
	vtpm_conf || { diag "/etc/modprobe.d/vtpm.conf: $(cat /etc/modprobe.d/vtpm.conf 2>&1)"; return 1; }
	/usr/sbin/vtpmctl -j instance add "$INST" > "$TMPD/add.json" || return
	pkg_loaded_is_dkms vtpm || return
	n=$(sed -n 's/.*"dev_num": *\([0-9]*\).*/\1/p' "$TMPD/add.json")
	diag "instance: /dev/tpmrm$n; allow_default_tpm=$(cat /sys/module/vtpm/parameters/allow_default_tpm)"
	poll 60 test -c "/dev/tpmrm$n" || { diag "no /dev/tpmrm$n after 60 s"; return 1; }
	export TPM2TOOLS_TCTI=device:/dev/tpmrm$n
	d=$(echo "vhv packages $$" | sha256sum | cut -d' ' -f1)
	# PCR 16 (debug) starts at zeros: after the extend, H(zeros || d)
	want=$(printf '%064d%s' 0 "$d" | xxd -r -p | sha256sum | cut -d' ' -f1)
	tpm2_pcrextend "16:sha256=$d" || return
	got=$(tpm2_pcrread sha256:16 | sed -n 's/^ *16 *: 0x//p' | tr 'A-F' 'a-f')
	diag "PCR 16: $got, sha256sum: $want"
	[ -n "$got" ] && [ "$got" = "$want" ]
}
tap_check "vtpmctl from /usr/sbin loads DKMS's vtpm with vtpm.conf's option; tpm2-tools extend and read a PCR as sha256sum computes it" tpm

files() {
	[ -x /usr/libexec/vswitch/vswitch-ifup ] &&
	[ -f /usr/share/man/man8/vswctl.8.gz ] && [ -f /usr/share/man/man8/vtpmctl.8.gz ] &&
	/usr/sbin/vswctl -V && /usr/sbin/vtpmctl -V
}
tap_check "vswitch-ifup, the man pages, vswctl -V and vtpmctl -V" files

purged() {
	teardown &&
	pkg_gone /usr/sbin/vswctl /usr/sbin/vtpmctl /usr/libexec/vswitch /etc/modprobe.d/vtpm.conf \
		/usr/src/"vswitch-$V" /usr/src/"vtpm-$V" /var/lib/dkms/vswitch /var/lib/dkms/vtpm \
		/lib/modules/"$KVER"/updates/dkms/vswitch.ko* /lib/modules/"$KVER"/updates/dkms/vtpm.ko* &&
	! modinfo vswitch > /dev/null 2>&1 && ! modinfo vtpm > /dev/null 2>&1
}
tap_check "rmmod, dpkg --purge: files, DKMS's trees and modules gone" purged

reload() { harness_load vswitch && harness_load vtpm; }
tap_check "the harness's vswitch.ko and vtpm.ko load again" reload

tap_done
