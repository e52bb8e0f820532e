# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Helpers of the packages suite (sourced after ../lib.sh or vhv_lib.sh).
#
# The guest's root is the host's under an overlay on a tmpfs: dpkg can
# write, and the host's root stays as it is.

KVER=$(uname -r)
PKG_DEBS=$VHV_ROOT/build/deb

# pkg_debs NAME...: the .deb files of packages NAME of `make deb` into
# the array DEBS; bails out when one is missing.
pkg_debs() {
	local n f
	DEBS=()
	for n; do
		f=$(ls "$PKG_DEBS/${n}_"*.deb 2> /dev/null | head -n1)
		[ -n "$f" ] || tap_bail "no $n package in $PKG_DEBS (make deb)"
		DEBS+=("$f")
	done
	for n in dpkg dkms modinfo modprobe; do
		command -v "$n" > /dev/null || tap_bail "no $n (make setup)"
	done
}

# DKMS's postinst builds for the running kernel and for the newest one
# that /boot has a config of (6.12 when 6.1 runs): each build takes minutes
# under emulation, so the other kernels' configs are moved aside in the
# guest's root (the overlay: the host's /boot is untouched) for the install.
PKG_HIDDEN=()
pkg_hide_other_kernels() {
	local c
	for c in /boot/config-*; do
		[ "$c" != "/boot/config-$KVER" ] && [ -e "$c" ] || continue
		mv "$c" "$c.vhv-test" && PKG_HIDDEN+=("$c")
	done
}
pkg_show_other_kernels() {
	local c
	for c in "${PKG_HIDDEN[@]}"; do mv "$c.vhv-test" "$c"; done
	PKG_HIDDEN=()
}

# pkg_install LOG MODULE...: dpkg -i "${DEBS[@]}", DKMS building MODULEs;
# on failure, dpkg's and DKMS's logs as TAP comments.
pkg_install() {
	local log=$1 rc=0 m f
	shift
	pkg_hide_other_kernels
	dpkg -i "${DEBS[@]}" > "$log" 2>&1 || rc=$?
	pkg_show_other_kernels
	grep '^Building for' "$log" | sort -u | sed 's/^/# /'
	if [ "$rc" != 0 ]; then
		diag "dpkg -i failed ($rc):"
		tail -n 20 "$log" | sed 's/^/#   /'
		for m; do
			for f in /var/lib/dkms/"$m"/*/build/make.log; do
				[ -f "$f" ] && tail -n 20 "$f" | sed "s/^/#   $m make.log: /"
			done
		done
		return 1
	fi
}

# pkg_dkms_installed MODULE VERSION: dkms status has MODULE VERSION
# installed for the running kernel.
pkg_dkms_installed() {
	local s
	s=$(dkms status "$1" 2>&1)
	diag "dkms status $1: $(echo "$s" | tr '\n' ';')"
	grep -q "^$1/$2, $KVER, [^:]*: installed" <<< "$s"
}

# pkg_dkms_signed MODULE: modprobe resolves MODULE to DKMS's module
# (updates/dkms), signed by DKMS's MOK key.
pkg_dkms_signed() {
	local f s
	f=$(modinfo -n "$1" 2>/dev/null)
	s=$(modinfo -F signer "$1" 2>/dev/null)
	diag "modinfo $1: $f, signer '$s', sig_hashalgo $(modinfo -F sig_hashalgo "$1" 2>/dev/null)"
	[[ "$f" == /lib/modules/$KVER/updates/dkms/$1.ko* ]] && [ -n "$s" ] &&
		modprobe --show-depends "$1" | grep -q "updates/dkms/$1.ko"
}

# pkg_build_id FILE: the GNU build ID of a module file (.ko, .ko.xz, .ko.zst)
pkg_build_id() {
	local t
	t=$(mktemp)
	case $1 in
	*.xz) xz -dc "$1" > "$t" ;;
	*.zst) zstd -qdc "$1" > "$t" ;;
	*) cat "$1" > "$t" ;;
	esac
	readelf -n "$t" | sed -n 's/^ *Build ID: //p'
	rm -f "$t"
}

# pkg_loaded_is_dkms MODULE: the loaded MODULE is the file modprobe
# resolves MODULE to (DKMS's, after pkg_dkms_signed): the same GNU build
# ID (the kernel's copy of the note ends with it).
pkg_loaded_is_dkms() {
	local f want have
	f=$(modinfo -n "$1" 2> /dev/null)
	want=$([ -z "$f" ] || pkg_build_id "$f")
	have=$(od -An -v -tx1 "/sys/module/$1/notes/.note.gnu.build-id" 2> /dev/null | tr -d ' \n')
	diag "$1 loaded: build ID note ${have:-(none)}; $f: ${want:-(none)}"
	[ -n "$want" ] && [ "${have: -${#want}}" = "$want" ]
}

# pkg_gone PATH...: none of PATHs exists (those left are printed).
pkg_gone() {
	local f left=()
	for f; do
		[ ! -e "$f" ] || left+=("$f")
	done
	diag "left: ${left[*]:-nothing}"
	[ "${#left[@]}" = 0 ]
}
