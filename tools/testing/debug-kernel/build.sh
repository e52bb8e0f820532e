#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build.sh LINE: build (once) the debug variant of Debian's LINE kernel
# (6.1 or 6.12) for `make check-debug`, and print where it is. A line
# BASE-VARIANT is BASE's debug kernel with a config fragment on top:
#   6.1-kvm  kvm-builtin.config: KVM built into vmlinux (CONFIG_KVM=y)
#
# Source: Debian's linux-source-BASE package at the same version as the
# installed linux-image of that line. Config: Debian's config of that image,
# trimmed by localmodconfig to modules.list, plus debug.config, plus the
# variant's fragment (its lines win over debug.config's).
#
# Cache: $VHV_KCACHE (default /var/cache/vhv/kernels), one folder per
# <source version>-<hash of the config inputs and FORMAT>:
#   build/            the O= tree (external modules build against it)
#   root/boot/vmlinuz-<release>, root/lib/modules/<release>/
#   release           the kernel release string; DONE when complete
#   fragment          the variant's fragment name (kvm-builtin), if any:
#                     check-debug.sh runs SUITES.<fragment> on it
# A second call with the same inputs builds nothing.
#
# Last line of output: "<release> <cache folder>".
set -euo pipefail

LINE=${1:?usage: build.sh 6.1|6.12|6.1-kvm}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${VHV_KCACHE:-/var/cache/vhv/kernels}
JOBS=${VHV_KJOBS:-$(nproc)}
# Bump when a change to this script changes what it builds (a kernel build
# takes an hour here: an edit that does not should not cost one).
FORMAT=1

say() { echo "debug-kernel[$LINE]: $*" >&2; }
die() { say "$*"; exit 1; }

# What a kernel build needs beyond `make setup` (tools/setup.sh --debug
# installs it; check-debug.sh runs that first, a direct call may not have)
for t in flex bison bc; do
	command -v "$t" > /dev/null || die "$t missing: run 'tools/setup.sh --debug' first"
done

# The Debian line under it, and the variant's config fragment.
frag=
case $LINE in
6.1 | 6.12) kline=$LINE ;;
6.1-kvm) kline=6.1 frag=kvm-builtin ;;
*) die "unknown kernel line '$LINE' (6.1, 6.12 or 6.1-kvm)" ;;
esac
fragfile=${frag:+$HERE/$frag.config}
# The installed stock image of that line, and its package version.
pat="$kline.*-amd64"
base=$(ls /boot/config-$pat 2>/dev/null | sort -V | tail -n1)
[ -n "$base" ] || die "no /boot/config-$pat: run 'make setup'"
stock=${base#/boot/config-}
pkgver=$(dpkg-query -W -f='${Version}' "linux-image-$stock")
[ -n "$pkgver" ] || die "cannot tell the package version of linux-image-$stock"

key=$({ cat "$base" "$HERE/debug.config" "$HERE/modules.list" $fragfile; echo "format $FORMAT"; } |
	sha256sum | cut -c1-12)
dir=$CACHE/$LINE-$pkgver-$key
if [ -f "$dir/DONE" ]; then
	say "cached: $dir"
	echo "$(cat "$dir/release") $dir"
	exit 0
fi

# Debian's source at exactly the installed image's version.
srcpkg=linux-source-$kline
have=$(dpkg-query -W -f='${Status} ${Version}' "$srcpkg" 2>/dev/null || true)
if [ "$have" != "install ok installed $pkgver" ]; then
	say "installing $srcpkg=$pkgver"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		"$srcpkg=$pkgver" >&2 || die "cannot install $srcpkg=$pkgver"
fi
src=$CACHE/src/$kline-$pkgver
if [ ! -f "$src/.vhv-unpacked" ]; then
	say "unpacking /usr/src/$srcpkg.tar.xz"
	rm -rf "$src"; mkdir -p "$src"
	tar -xf "/usr/src/$srcpkg.tar.xz" -C "$src" --strip-components=1
	touch "$src/.vhv-unpacked"
fi

obj=$dir/build
# A finished build of the same source under other config inputs (say, one
# more module in modules.list, or the base line of a variant) seeds this
# one: kbuild's per-option dependencies then rebuild only what the changed
# options touch. A build of this line itself is preferred (the last found).
# VHV_KSEED=0 builds from nothing.
seed=
if [ "${VHV_KSEED:-1}" != 0 ] && [ ! -d "$obj" ]; then
	for d in "$CACHE/$kline-$pkgver"-*/ "$CACHE/$LINE-$pkgver"-*/; do
		d=${d%/}
		[ "$d" != "$dir" ] && [ -f "$d/DONE" ] && [ -d "$d/build" ] && seed=$d
	done
fi
if [ -n "$seed" ]; then
	say "seeding the build tree from $seed"
	mkdir -p "$dir"
	cp -a "$seed/build" "$obj.tmp" || die "cannot copy $seed/build"
	# objtool is built by tools/'s own make, whose .cmd files name every
	# target by its absolute path: under the new path each command looks
	# changed, objtool is relinked, and every object that objtool checked
	# (each records objtool as a prerequisite) is rebuilt. Renamed, they
	# match again and the seed's objtool is kept.
	find "$obj.tmp/tools" \( -name '.*.cmd' -o -name '.*.d' \) -exec \
		sed -i "s|$seed/build/|$obj/|g" {} + || die "cannot move $seed's tools/ .cmd files"
	mv "$obj.tmp" "$obj" || die "cannot move $obj.tmp"
fi
mkdir -p "$obj"
cp "$base" "$obj/.config"
# localmodconfig reads lsmod's format: a header line, then a name a line.
{ echo Module; grep -vE '^(#|$)' "$HERE/modules.list"; } > "$obj/lsmod.txt"
say "config: localmodconfig + debug.config${frag:+ + $frag.config}"
(yes '' || true) | make -s -C "$src" O="$obj" LSMOD="$obj/lsmod.txt" localmodconfig >/dev/null 2>"$obj/localmodconfig.log" ||
	{ cat "$obj/localmodconfig.log" >&2; die "localmodconfig failed"; }
# After localmodconfig, whose trimming to modules.list cannot then undo
# what the fragment sets (CONFIG_KVM=y).
"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$HERE/debug.config" $fragfile >/dev/null
make -s -C "$src" O="$obj" olddefconfig >&2

# Every option debug.config and the fragment set must survive Kconfig's
# dependencies; where both set one, the fragment's line is the one wanted.
cat "$HERE/debug.config" $fragfile | awk '
	!/^CONFIG_[A-Z0-9_]+=/ && !/^# CONFIG_[A-Z0-9_]+ is not set$/ { next }
	{ o = $0; sub(/^# /, "", o); sub(/[= ].*/, "", o) }
	!(o in want) { order[n++] = o }
	{ want[o] = $0 }
	END { for (i = 0; i < n; i++) print want[order[i]] }' > "$obj/wanted.config"
bad=0
while read -r l; do
	case $l in
	CONFIG_*=*) want=$l ;;
	"# CONFIG_"*" is not set") want=$l ;;
	*) continue ;;
	esac
	opt=$(echo "$want" | grep -oE 'CONFIG_[A-Z0-9_]+')
	# "is not set" also holds for an option whose dependencies are off.
	case $want in "# "*) grep -qE "^$opt=" "$obj/.config" || continue ;; esac
	grep -qxF "$want" "$obj/.config" || {
		say "option lost: want '$want', have '$(grep -E "^(# )?$opt[= ]" "$obj/.config" || echo unset)'"
		bad=1
	}
done < "$obj/wanted.config"
[ "$bad" -eq 0 ] || die "debug.config${frag:+ or $frag.config} does not apply to $LINE: fix it"

say "building with -j$JOBS (log: $obj/build.log)"
t0=$(date +%s)
if ! make -C "$src" O="$obj" -j"$JOBS" bzImage modules > "$obj/build.log" 2>&1; then
	tail -n 40 "$obj/build.log" >&2
	die "kernel build failed"
fi
release=$(make -s -C "$src" O="$obj" kernelrelease)
rm -rf "$dir/root"
make -s -C "$src" O="$obj" INSTALL_MOD_PATH="$dir/root" INSTALL_MOD_STRIP=1 \
	DEPMOD=/sbin/depmod modules_install >> "$obj/build.log" 2>&1 ||
	die "modules_install failed"
mkdir -p "$dir/root/boot"
cp "$obj/arch/x86/boot/bzImage" "$dir/root/boot/vmlinuz-$release"
cp "$obj/.config" "$dir/root/boot/config-$release"
echo "$release" > "$dir/release"
echo "$(( $(date +%s) - t0 ))" > "$dir/build-seconds"
[ -z "$seed" ] || echo "$seed" > "$dir/seeded-from"
[ -z "$frag" ] || echo "$frag" > "$dir/fragment"
touch "$dir/DONE"
say "built $release in $(cat "$dir/build-seconds")s: $dir"
echo "$release $dir"
