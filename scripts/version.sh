#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The one version of tcpsm: module (MODULE_VERSION, `modinfo tcpsm`), CLI
# (`tcpsm --version`), man page and Debian packages all print this.
#
#   scripts/version.sh        e.g. 0.2.0, 0.2.0+14.g6c99ca5, 0.2.0+14.g6c99ca5.dirty
#
# In a git work tree: `git describe` of the newest v* tag, as 0.2.0+N.gHASH
# (N commits after it); without a tag, VERSION and the commits since
# VERSION last changed, in the same form. Outside git (a release tarball,
# the DKMS tree in /usr/src): the VERSION file, which `make deb` and `make
# dist` write with the full version. Debian's version order holds: a later
# commit gives a larger N.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
base=$(cat "$top/VERSION")

# Only the repository whose top this is: a tarball unpacked inside some
# other git tree must not take that tree's history.
if command -v git >/dev/null 2>&1 &&
   [ "$(git -C "$top" rev-parse --show-toplevel 2>/dev/null)" = "$top" ]; then
	if d=$(git -C "$top" describe --tags --match 'v[0-9]*' --long 2>/dev/null); then
		# v0.2.0-14-g6c99ca5 -> 0.2.0+14.g6c99ca5 (+0.gHASH on the tag: 0.2.0)
		n=${d%-g*}; n=${n##*-}; tag=${d%-*-g*}
		base=${tag#v}
		[ "$n" = 0 ] || base="$base+$n.g${d##*-g}"
	elif since=$(git -C "$top" log -1 --format=%H -- VERSION 2>/dev/null) && [ -n "$since" ]; then
		n=$(git -C "$top" rev-list --count "$since..HEAD")
		[ "$n" = 0 ] || base="$base+$n.g$(git -C "$top" rev-parse --short=7 HEAD)"
	fi
	if ! git -C "$top" diff --quiet HEAD -- 2>/dev/null; then
		case $base in
		*+*) base="$base.dirty" ;;
		*) base="$base+dirty" ;;
		esac
	fi
fi
echo "$base"
