#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fetch and unpack a Debian linux-image package for the test VM.
#
#   scripts/kernel.sh [KVER]      fetch + extract + depmod (cached), print paths
#   scripts/kernel.sh kver        print the resolved default KVER only
#   scripts/kernel.sh vmlinuz     print the path of the cached vmlinuz (fetches if needed)
#
# KVER is the Debian kernel ABI, e.g. 6.1.0-56-amd64 (example only: it is
# resolved from the linux-image-amd64 metapackage unless KVER= is set).
# Cache: ${TCPSM_CACHE:-/var/cache/tcpsm}/kernels/$KVER (outside the clone).
set -euo pipefail

TCPSM_CACHE=${TCPSM_CACHE:-/var/cache/tcpsm}
KMETA=${KMETA:-linux-image-amd64}

# Print the ABI the metapackage points at ("linux-image-X" -> "X").
resolve_kver()
{
	local k
	if [ -n "${KVER:-}" ]; then
		echo "$KVER"
		return
	fi
	k=$(apt-cache depends "$KMETA" 2>/dev/null |
	    sed -n 's/^ *Depends: linux-image-\(.*\)$/\1/p' | head -n1)
	if [ -z "$k" ]; then
		# Fresh machine: no package lists yet.
		apt-get update -qq >&2
		k=$(apt-cache depends "$KMETA" 2>/dev/null |
		    sed -n 's/^ *Depends: linux-image-\(.*\)$/\1/p' | head -n1)
	fi
	if [ -z "$k" ]; then
		echo "kernel.sh: cannot resolve the kernel ABI from $KMETA; set KVER=" >&2
		exit 1
	fi
	echo "$k"
}

# Fetch + extract + depmod into $TCPSM_CACHE/kernels/$1 unless already there.
fetch_kernel()
{
	local kver=$1
	local dir="$TCPSM_CACHE/kernels/$kver"
	local debs="$TCPSM_CACHE/debs"
	local deb tmp

	if [ -f "$dir/.complete" ]; then
		return
	fi
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

print_paths()
{
	local kver=$1
	local dir="$TCPSM_CACHE/kernels/$kver"

	echo "KVER=$kver"
	echo "KERNEL_DIR=$dir"
	echo "VMLINUZ=$dir/boot/vmlinuz-$kver"
	echo "MODULES=$dir/lib/modules/$kver"
}

main()
{
	local arg=${1:-}
	local kver

	case "$arg" in
	kver|--kver)
		resolve_kver
		;;
	vmlinuz)
		kver=$(resolve_kver)
		fetch_kernel "$kver"
		echo "$TCPSM_CACHE/kernels/$kver/boot/vmlinuz-$kver"
		;;
	-h|--help)
		sed -n '3,12p' "$0"
		;;
	*)
		if [ -n "$arg" ]; then
			KVER=$arg
		fi
		kver=$(resolve_kver)
		fetch_kernel "$kver"
		print_paths "$kver"
		;;
	esac
}

main "$@"
