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

for t in dpkg-buildpackage dh lintian; do
	command -v "$t" >/dev/null ||
		{ echo "deb.sh: $t missing (scripts/deps.sh installs it)" >&2; exit 1; }
done

rm -rf "$out"
mkdir -p "$src"
# The files of the tree as they are now: tracked ones in a clone, all but
# build outputs in a tarball.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard |
		xargs -0 -I{} sh -c '[ ! -e "$1" ] || cp -a --parents "$1" "$2"' _ {} "$src"
else
	tar -C "$ROOT" --exclude=./build --exclude=./.git -cf - . | tar -C "$src" -xf -
fi
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
