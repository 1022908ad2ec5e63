#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make deb: the Debian packages, built with debhelper from a copy of the
# tree (so that nothing is written outside build/ and a dirty tree is
# built as it is), then checked with lintian.
#
#   scripts/deb.sh        build/deb/tcpsm_V_ARCH.deb, tcpsm-dkms_V_all.deb
#
# V is scripts/version.sh's; the copy's VERSION file and the top entry
# of its debian/changelog are set to it. Tags lintian reports are errors,
# except those overridden in debian/*.lintian-overrides (each says why).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
v=$(scripts/version.sh)
out=$ROOT/build/deb
src=$out/tcpsm-$v

# What building needs, from apt, as scripts/deps.sh does: the tools, then
# debian/control's Build-Depends (a server that only builds the packages
# needs nothing of the test VMs).
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
apt_install() {
	echo "deb.sh: installing $*"
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" ||
		{ $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			$SUDO apt-get install -y -qq --no-install-recommends "$@"; }
}
command -v dpkg-checkbuilddeps >/dev/null && command -v lintian >/dev/null ||
	apt_install build-essential dpkg-dev lintian
if ! unmet=$(dpkg-checkbuilddeps 2>&1); then
	# "...: Unmet build dependencies: debhelper-compat (= 13) dh-sequence-dkms"
	read -r -a want < <(sed -n 's/.*Unmet build dependencies: //p' <<< "$unmet" |
		sed 's/([^)]*)//g; s/|[^ ]*//g')
	[ "${#want[@]}" -gt 0 ] || { echo "$unmet" >&2; exit 1; }
	apt_install "${want[@]}"
fi

rm -rf "$out"
scripts/copy-tree.sh "$src"
echo "$v" > "$src/VERSION"
sed -i "1s/^tcpsm ([^)]*)/tcpsm ($v)/" "$src/debian/changelog"

(cd "$src" && dpkg-buildpackage -us -uc -b) > "$out/build.log" 2>&1 || {
	tail -n 60 "$out/build.log" >&2
	echo "deb.sh: dpkg-buildpackage failed (build/deb/build.log)" >&2
	exit 1
}
changes=$(ls "$out"/tcpsm_*.changes)
if ! lintian --fail-on error,warning --info --display-level '>=info' "$changes" > "$out/lintian.log" 2>&1; then
	cat "$out/lintian.log" >&2
	echo "deb.sh: lintian found problems (build/deb/lintian.log)" >&2
	exit 1
fi
cat "$out/lintian.log"
ls "$out"/*.deb
