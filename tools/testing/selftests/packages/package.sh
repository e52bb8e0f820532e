#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# package.sh - the Debian packages of `make deb`, as a host installs them:
# dpkg -i vhv-dkms and vhvstat into the guest's root (an overlay on a
# tmpfs, so the host's stays as it is); DKMS builds vhv.ko for the running
# kernel and signs it with its MOK key; modprobe loads it from DKMS's
# folder; vhvstat runs from /usr/sbin with its man page, service and
# configuration file; dpkg --purge removes every file and DKMS's module.
#
# The harness's vhv.ko is unloaded for the test and loaded again after.

set -e
. "$(dirname "${BASH_SOURCE[0]}")/../vhv/vhv_lib.sh"
vhv_require

. "$(dirname "${BASH_SOURCE[0]}")/pkglib.sh"
pkg_debs vhv-dkms vhvstat
[ -r "$VHV_KO" ] || tap_bail "no $VHV_KO to load again (make modules)"

cleanup() {
	set +e
	pkg_show_other_kernels
	if dpkg-query -W vhv-dkms > /dev/null 2>&1 || dpkg-query -W vhvstat > /dev/null 2>&1; then
		[ ! -d "$SYS" ] || rmmod vhv
		dpkg --purge vhvstat vhv-dkms > /dev/null 2>&1
	fi
	[ -d "$SYS" ] || insmod "$VHV_KO"
	vhv_cleanup
}
trap cleanup EXIT

tap_plan 8

wait_for "no VM left from earlier tests" 120 __nothing_left || diag "before: $LAST"
# the guest's root is the host's under an overlay on a tmpfs: dpkg can write
__writable() { : > /var/lib/dpkg/.vhv-test && rm -f /var/lib/dpkg/.vhv-test; }
check "the guest's root is writable (overlay): dpkg can install" __writable
rmmod vhv

install_debs() { pkg_install "$TMPD/dpkg.log" vhv; }
check "dpkg -i vhv-dkms vhvstat: DKMS builds vhv.ko" install_debs
V=$(dpkg-query -W -f='${Version}' vhv-dkms 2>/dev/null || true)
check "dkms status: vhv $V installed for $KVER" pkg_dkms_installed vhv "$V"
# modprobe takes DKMS's module (updates/dkms), signed by DKMS's MOK key
check "modinfo: DKMS's module in updates/dkms, signed (signer set)" pkg_dkms_signed vhv
# the harness's vhv.ko is out; modprobe resolves vhv to DKMS's (above)
loaded() {
	modprobe vhv && [ -d "$SYS" ] && grep -q '^vhv ' /proc/modules
}
check "modprobe vhv loads it" loaded
installed_files() {
	local out=$TMPD/vhv.prom
	[ -x /usr/sbin/vhvstat ] && /usr/sbin/vhvstat host > "$TMPD/host" &&
	grep -q "^host: VMs" "$TMPD/host" &&
	/usr/sbin/vhvstat -P -o "$out" && grep -q '^vhv_up 1$' "$out" &&
	[ -f /usr/share/man/man8/vhvstat.8.gz ] &&
	grep -q '^ExecStart=/usr/sbin/vhvstat -P -o ${OUTPUT} ${INTERVAL}$' \
		/usr/lib/systemd/system/vhvstat-prometheus.service &&
	grep -q '^OUTPUT=/var/lib/prometheus/node-exporter/vhv.prom$' /etc/default/vhvstat &&
	[ "$(cat /usr/lib/modules-load.d/vhv.conf)" = vhv ]
}
check "vhvstat from /usr/sbin reads the module; man page, service, /etc/default/vhvstat, modules-load.d" installed_files
rmmod vhv
purged() {
	dpkg --purge vhvstat vhv-dkms > "$TMPD/purge.log" 2>&1 || { sed 's/^/#   /' "$TMPD/purge.log"; return 1; }
	pkg_gone /usr/sbin/vhvstat /etc/default/vhvstat /usr/src/"vhv-$V" /usr/lib/modules-load.d/vhv.conf \
		 /usr/lib/systemd/system/vhvstat-prometheus.service /var/lib/dkms/vhv \
		 /lib/modules/"$KVER"/updates/dkms/vhv.ko* &&
	! modinfo vhv > /dev/null 2>&1
}
check "dpkg --purge: files, DKMS's tree and module gone" purged
insmod "$VHV_KO"
check "the harness's vhv.ko loads again" test -d "$SYS"

tap_done
