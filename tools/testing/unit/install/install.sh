#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# install.sh - `make install DESTDIR=...` for each target kernel: vhv.ko
# and vswitch.ko (.ko.xz on 6.12, as its config compresses modules) under
# lib/modules/KVER/extra, built for KVER (modinfo's
# vermagic), unsigned; after depmod -b, modprobe resolves both there; the
# tools and man pages under usr/local.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../../.." && pwd)
. "$ROOT/tools/testing/selftests/lib.sh"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

KVERS=$(cd /lib/modules && ls -d 6.1.*-amd64 6.12.*-amd64 2>/dev/null | sort -V)
[ -n "$KVERS" ] || tap_bail "no 6.1 or 6.12 kernel headers: run 'make setup'"
n=0
for k in $KVERS; do n=$((n + 4)); done
tap_plan $((n + 1))

for k in $KVERS; do
	d=$TMP/$k
	out=$(make -s -C "$ROOT" install KVER="$k" DESTDIR="$d" 2>&1)
	rc=$?
	[ "$rc" = 0 ] || { echo "$out" | tail -n 20 | sed 's/^/# /'; }
	tap_check "$k: make install DESTDIR=... succeeds" [ "$rc" = 0 ]
	ko_ok() {
		local m f v s
		for m in vhv vswitch; do
			# (compressed where the kernel's config says so: 6.12's xz)
			f=$(ls "$d/lib/modules/$k/extra/kmod/$m/$m".ko* 2>/dev/null | head -n 1)
			[ -f "$f" ] || { echo "no $m.ko under $d/lib/modules/$k/extra/kmod/$m"; return 1; }
			v=$(modinfo -F vermagic "$f")
			s=$(modinfo -F sig_id "$f")
			echo "$m.ko: vermagic '$v', signature '$s'"
			[ "${v%% *}" = "$k" ] && [ -z "$s" ] || return 1
		done
	}
	tap_check "$k: vhv.ko and vswitch.ko in extra/, built for $k, unsigned" ko_ok
	resolves() {
		local m p
		depmod -b "$d" "$k" 2> /dev/null || return
		for m in vhv vswitch; do
			p=$(modprobe -d "$d" -S "$k" -n -v "$m" 2>&1)
			echo "modprobe $m: $p"
			[[ "$p" == "insmod $d/lib/modules/$k/extra/kmod/$m/$m.ko"* ]] || return 1
		done
	}
	tap_check "$k: after depmod, modprobe finds both there" resolves
	# kbuild's own complaints, which install hides or must not cause
	tap_check "$k: no signing error (no key in the headers: unsigned on purpose)" \
		eval '! grep -q "sign-file\|SSL error" <<< "$out"'
done
tools_ok() {
	local f
	for f in sbin/vswctl sbin/vhvstat libexec/vswitch/vswitch-ifup; do
		[ -x "$d/usr/local/$f" ] || { echo "no $f"; return 1; }
	done
	for f in share/man/man8/vswctl.8 share/man/man8/vhvstat.8; do
		[ -s "$d/usr/local/$f" ] || { echo "no $f"; return 1; }
	done
	"$d/usr/local/sbin/vswctl" -V
}
tap_check "vswctl, vhvstat, vswitch-ifup and their man pages in usr/local" tools_ok
tap_done
