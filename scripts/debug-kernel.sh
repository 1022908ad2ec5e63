#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build (once per machine, cached outside the clone) the tcpsm debug kernel:
# Debian's linux-source-6.1, x86_64 tinyconfig + scripts/kernels/debug.config
# (KASAN, lockdep, DEBUG_ATOMIC_SLEEP, kmemleak; 9p and virtio built in).
#
#   scripts/debug-kernel.sh          build if needed, print KVER=, KDIR=, ...
#   scripts/debug-kernel.sh kver     print the kernel release only (no build)
#
# Layout, like a Debian image unpacked by scripts/kernel.sh:
#   $TCPSM_CACHE/kernels/$KVER/boot/vmlinuz-$KVER
#   $TCPSM_CACHE/kernels/$KVER/lib/modules/$KVER     (modules_install)
#   $TCPSM_CACHE/kernels/$KVER/build                 (O= tree: the KDIR that
#                                                     tcpsm.ko is built against)
# The cache is rebuilt when the fragment, RECIPE below or the linux-source
# package version changes (.key).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TCPSM_CACHE=${TCPSM_CACHE:-/var/cache/tcpsm}
FRAG=$ROOT/scripts/kernels/debug.config
TARBALL=/usr/src/linux-source-6.1.tar.xz
LOCALVERSION=-tcpsm-debug
# Bump when the way the kernel is built changes (not for the fragment).
RECIPE=1

die() { echo "debug-kernel.sh: $*" >&2; exit 1; }

[ -r "$TARBALL" ] || die "$TARBALL missing (scripts/deps.sh installs linux-source-6.1)"
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || echo unknown)
key=$( { cat "$FRAG"; echo "$RECIPE $srcver"; } | md5sum | cut -c1-16)
src=$TCPSM_CACHE/src/debug-$srcver/linux-source-6.1

# The release string: the tarball's Makefile version + LOCALVERSION.
kernelversion()
{
	local v p s
	v=$(tar -xJOf "$TARBALL" linux-source-6.1/Makefile | sed -n '1,10p')
	p=$(sed -n 's/^PATCHLEVEL = //p' <<< "$v")
	s=$(sed -n 's/^SUBLEVEL = //p' <<< "$v")
	echo "$(sed -n 's/^VERSION = //p' <<< "$v").$p.$s$LOCALVERSION"
}

kver_cached()
{
	local f=$TCPSM_CACHE/kernels/debug-kver-$srcver
	if [ ! -s "$f" ]; then
		mkdir -p "$TCPSM_CACHE/kernels"
		kernelversion > "$f.tmp"
		mv "$f.tmp" "$f"
	fi
	cat "$f"
}

KVER=$(kver_cached)
dir=$TCPSM_CACHE/kernels/$KVER

print_paths()
{
	echo "KVER=$KVER"
	echo "KERNEL_DIR=$dir"
	echo "VMLINUZ=$dir/boot/vmlinuz-$KVER"
	echo "MODULES=$dir/lib/modules/$KVER"
	echo "KDIR=$dir/build"
}

# make in the kernel tree, output to the build log; its tail on failure.
kmake()
{
	if ! make -s -C "$src" O="$dir/build" LOCALVERSION="$LOCALVERSION" "$@" >> "$log" 2>&1; then
		tail -n 40 "$log" >&2
		die "make $* failed (log: $log)"
	fi
}

build()
{
	local obj=$dir/build t0 j missing
	local log

	t0=$(date +%s)
	if [ ! -f "$src/.complete" ]; then
		echo "debug-kernel.sh: extracting $TARBALL" >&2
		rm -rf "${src%/*}"
		mkdir -p "${src%/*}"
		tar -xJf "$TARBALL" -C "${src%/*}"
		touch "$src/.complete"
	fi
	rm -rf "$dir"
	mkdir -p "$obj" "$dir/boot"
	j=$(nproc)
	echo "debug-kernel.sh: building $KVER in $obj (-j$j); once per machine" >&2
	log=$dir/build.log
	kmake tinyconfig
	"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$FRAG" >> "$log" 2>&1
	kmake olddefconfig
	# Every option of the fragment must have survived olddefconfig.
	missing=$(grep -E '^CONFIG_[A-Z0-9_]+=' "$FRAG" | while read -r l; do
		grep -qxF "$l" "$obj/.config" || echo "$l"
	done)
	[ -z "$missing" ] || die "options the kernel did not take: $missing"
	kmake -j"$j" bzImage modules
	[ "$(make -s -C "$src" O="$obj" LOCALVERSION="$LOCALVERSION" kernelrelease)" = "$KVER" ] ||
		die "kernelrelease is not $KVER"
	kmake INSTALL_MOD_PATH="$dir" modules_install
	cp "$obj/arch/x86/boot/bzImage" "$dir/boot/vmlinuz-$KVER"
	echo "$key" > "$dir/.key"
	touch "$dir/.complete"
	echo "debug-kernel.sh: built $KVER in $(( $(date +%s) - t0 )) s" >&2
}

case "${1:-}" in
kver)
	echo "$KVER"
	;;
"")
	if [ ! -f "$dir/.complete" ] || [ "$(cat "$dir/.key" 2>/dev/null)" != "$key" ]; then
		build
	fi
	print_paths
	;;
*)
	sed -n '3,17p' "$0" >&2
	exit 2
	;;
esac
