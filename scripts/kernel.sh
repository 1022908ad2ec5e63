#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The test kernels listed in scripts/kernels/list: resolve, fetch, build.
#
#   scripts/kernel.sh names          the kernel names, in matrix order
#   scripts/kernel.sh tested TESTS   the kernels that run TESTS (suite,
#                                    package), in matrix order
#   scripts/kernel.sh upgrade NAME   the kernel NAME's package test
#                                    upgrades to, if any
#   scripts/kernel.sh set NAME       the tests NAME's suite runs: all,
#                                    genl,
#                                    module or new (tests/run.sh)
#   scripts/kernel.sh kind [NAME]    debian, or build (the debug kernel)
#   scripts/kernel.sh kver [NAME]    the kernel release (Debian ABI) of NAME
#   scripts/kernel.sh env [NAME]     fetch (Debian) or build (debug) NAME if
#                                    needed; print KERNEL= KIND= KVER=
#                                    KERNEL_DIR= VMLINUZ= MODULES= KDIR=
#   scripts/kernel.sh packages [NAME]  the apt packages NAME needs on the host
#
# NAME defaults to $KERNEL, else the first kernel of the list (6.1).
# KVER= pins the ABI of that default kernel (a Debian one); otherwise, and
# for the others, it is resolved from the metapackage, so a Debian point
# release that replaces the ABI does not break the build.
# Cache: ${TCPSM_CACHE:-/var/cache/tcpsm}/kernels/$KVER (outside the clone):
# the image unpacked with its modules (depmod'ed); KDIR is Debian's headers
# in /usr/src, or the debug kernel's own build tree.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
LIST=$ROOT/scripts/kernels/list
TCPSM_CACHE=${TCPSM_CACHE:-/var/cache/tcpsm}

die() { echo "kernel.sh: $*" >&2; exit 1; }

names() { awk '!/^#/ && NF { print $1 }' "$LIST"; }

# The kernels whose TESTS column names $1 (suite, package).
tested() { awk -v t="$1" '!/^#/ && NF && ("," $4 ",") ~ ("," t ",") { print $1 }' "$LIST"; }

# option_of NAME KEY: the value of KEY=VALUE in NAME's TESTS column
option_of()
{
	awk -v n="$1" -v key="$2=" '!/^#/ && $1 == n {
		k = split($4, t, ",")
		for (i = 1; i <= k; i++)
			if (index(t[i], key) == 1) print substr(t[i], length(key) + 1)
	}' "$LIST"
}

# lookup NAME -> "KIND IMAGE"
lookup()
{
	local l
	l=$(awk -v n="$1" '!/^#/ && $1 == n { print $2, $3 }' "$LIST")
	[ -n "$l" ] || die "unknown kernel '$1' (known: $(names | tr '\n' ' '))"
	echo "$l"
}

# The package a metapackage depends on, minus PREFIX ("linux-image-").
resolve_meta()
{
	local meta=$1 prefix=$2 k
	k=$(apt-cache depends "$meta" 2>/dev/null |
	    sed -n "s/^ *Depends: $prefix\(.*\)\$/\1/p" | head -n1)
	if [ -z "$k" ]; then
		# Fresh machine, or lists without the security suite: update.
		apt-get update -qq >&2 || true
		k=$(apt-cache depends "$meta" 2>/dev/null |
		    sed -n "s/^ *Depends: $prefix\(.*\)\$/\1/p" | head -n1)
	fi
	[ -n "$k" ] || die "cannot resolve the ABI of $meta; set KVER="
	echo "$k"
}

kver_of()
{
	local kind image
	read -r kind image < <(lookup "$1")
	case "$kind" in
	debian)
		if [ -n "${KVER:-}" ] && [ "$1" = "$(default_name)" ]; then
			echo "$KVER"
		else
			resolve_meta "$image" linux-image-
		fi
		;;
	build)
		"$ROOT/scripts/debug-kernel.sh" kver
		;;
	*)
		die "kernel $1: unknown kind $kind"
		;;
	esac
}

# Fetch + extract + depmod a Debian image into the cache unless there.
fetch_debian()
{
	local kver=$1
	local dir="$TCPSM_CACHE/kernels/$kver"
	local debs="$TCPSM_CACHE/debs"
	local deb tmp

	[ ! -f "$dir/.complete" ] || return 0
	mkdir -p "$debs"
	deb=$(ls "$debs"/linux-image-"$kver"_*.deb 2>/dev/null | head -n1 || true)
	if [ -z "$deb" ]; then
		echo "kernel.sh: downloading linux-image-$kver" >&2
		(cd "$debs" && apt-get download "linux-image-$kver" >&2) || {
			apt-get update -qq >&2
			(cd "$debs" && apt-get download "linux-image-$kver" >&2)
		}
		deb=$(ls "$debs"/linux-image-"$kver"_*.deb | head -n1)
	fi
	tmp="$dir.tmp.$$"
	rm -rf "$tmp"
	mkdir -p "$tmp"
	dpkg-deb -x "$deb" "$tmp"
	depmod -b "$tmp" "$kver"
	rm -rf "$dir"
	mv "$tmp" "$dir"
	touch "$dir/.complete"
}

env_of()
{
	local name=$1 kind image kver dir
	read -r kind image < <(lookup "$name")
	case "$kind" in
	debian)
		kver=$(kver_of "$name")
		fetch_debian "$kver"
		dir="$TCPSM_CACHE/kernels/$kver"
		echo "KERNEL=$name"
		echo "KIND=$kind"
		echo "KVER=$kver"
		echo "KERNEL_DIR=$dir"
		echo "VMLINUZ=$dir/boot/vmlinuz-$kver"
		echo "MODULES=$dir/lib/modules/$kver"
		echo "KDIR=/usr/src/linux-headers-$kver"
		;;
	build)
		echo "KERNEL=$name"
		echo "KIND=$kind"
		"$ROOT/scripts/debug-kernel.sh"
		;;
	esac
}

packages_of()
{
	local name=$1 kind image
	read -r kind image < <(lookup "$name")
	case "$kind" in
	debian) echo "linux-headers-$(kver_of "$name")" ;;
	build)  echo "linux-source-6.1 bc bison flex libelf-dev libssl-dev" ;;
	esac
}

default_name() { echo "${KERNEL:-$(names | head -n1)}"; }

case "${1:-}" in
names)
	names
	;;
tested)
	tested "${2:?usage: kernel.sh tested suite|package}"
	;;
upgrade)
	option_of "${2:?usage: kernel.sh upgrade NAME}" upgrade
	;;
set)
	set=$(option_of "${2:?usage: kernel.sh set NAME}" set)
	echo "${set:-all}"
	;;
kind)
	lookup "${2:-$(default_name)}" | cut -d' ' -f1
	;;
kver)
	kver_of "${2:-$(default_name)}"
	;;
env)
	env_of "${2:-$(default_name)}"
	;;
packages)
	packages_of "${2:-$(default_name)}"
	;;
*)
	sed -n '3,24p' "$0" >&2
	exit 2
	;;
esac
