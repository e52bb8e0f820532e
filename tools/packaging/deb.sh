#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make deb: the Debian packages of this tree, into build/deb/, with Debian's
# own tools (dpkg-buildpackage, debhelper, dh-dkms; `make setup` installs
# them). The version is 0.1.0~git<commit date>.<commit>.
#   vhv-dkms, vswitch-dkms, vtpm-dkms  a module's source, built by DKMS for
#                                       every kernel
#   vhvstat, vswctl, vtpmctl            the tools, their man pages and files
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
mkdir -p "$D/kmod" "$D/include/uapi/linux" "$D/userspace" "$D/Documentation/man"
# what the packages are made of, as the tree has it now
for m in vhv vswitch vtpm; do
	cp -r "$TOP/kmod/$m" "$D/kmod/"
done
cp "$TOP"/include/uapi/linux/{vswitch,vtpm}.h "$D/include/uapi/linux/"
for u in genl vhvstat vswctl vtpmctl; do
	cp -r "$TOP/userspace/$u" "$D/userspace/"
done
cp -r "$TOP/bpf" "$D/"
cp "$TOP"/Documentation/man/{vhvstat,vswctl,vtpmctl}.8 "$D/Documentation/man/"
cp -r "$TOP/tools/packaging/debian" "$D/debian"
# no build output of the tree's own `make`
find "$D/kmod" \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' \
	-o -name '.*.cmd' -o -name modules.order -o -name Module.symvers \) -delete
for u in vhvstat vswctl vtpmctl; do
	make -s -C "$D/userspace/$u" clean
done
make -s -C "$D/bpf" clean
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
