#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make deb: the Debian packages vhv-dkms (vhv.ko's source, built by DKMS
# for every kernel) and vhvstat, from this tree, into build/deb/, with
# Debian's own tools (dpkg-buildpackage, debhelper, dh-dkms; `make setup`
# installs them). The version is 0.1.0~git<commit date>.<commit>.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$TOP/build/deb
ver=0.1.0
if git -C "$TOP" rev-parse -q HEAD > /dev/null 2>&1; then
	ver+="~git$(git -C "$TOP" log -1 --format=%cd --date=format:%Y%m%d%H%M%S).$(git -C "$TOP" rev-parse --short=12 HEAD)"
fi
for t in dpkg-buildpackage dh dh_dkms; do
	command -v "$t" > /dev/null || { echo "deb: no $t: run 'make setup'" >&2; exit 1; }
done
rm -rf "$OUT"
D=$OUT/src/vhv-$ver
mkdir -p "$D/kmod" "$D/userspace" "$D/Documentation/man"
# what the packages are made of, as the tree has it now
cp -r "$TOP/kmod/vhv" "$D/kmod/"
cp -r "$TOP/userspace/vhvstat" "$D/userspace/"
cp "$TOP/Documentation/man/vhvstat.8" "$D/Documentation/man/"
cp -r "$TOP/tools/packaging/debian" "$D/debian"
rm -f "$D"/kmod/vhv/{*.o,*.ko,*.mod,*.mod.c,.*.cmd,modules.order,Module.symvers}
make -s -C "$D/userspace/vhvstat" clean
cat > "$D/debian/changelog" <<EOT
vhv ($ver) unstable; urgency=medium

  * Built by make deb from $(git -C "$TOP" rev-parse HEAD 2>/dev/null || echo "a tree without git").

 -- vhv developers <vhv@localhost>  $(date -R)
EOT
(cd "$D" && dpkg-buildpackage -us -uc -b > "$OUT/build.log" 2>&1) || {
	tail -n 30 "$OUT/build.log" >&2
	exit 1
}
mv "$OUT"/src/*.deb "$OUT"/
rm -f "$OUT"/*-dbgsym_*.deb
ls "$OUT"/*.deb
