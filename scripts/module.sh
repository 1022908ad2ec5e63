#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build tcpsm.ko for one test kernel of scripts/kernels/list, W=1, in its
# own copy of the sources (build/kernels/NAME/), so that the kernels of the
# matrix never share object files. Any compiler warning fails the build.
#
#   scripts/module.sh NAME     prints the path of the built tcpsm.ko
#   scripts/module.sh --inject NAME
#                              the test build with the edge injector
#                              (kmod/tcpsm_inject.c, for bench/inject.sh),
#                              in build/kernels/NAME-inject/: never the
#                              release module
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
inject=
if [ "${1:-}" = --inject ]; then
	inject=y
	shift
fi
name=${1:?usage: module.sh [--inject] NAME}
kenv=$("$ROOT/scripts/kernel.sh" env "$name")
KDIR=$(sed -n 's/^KDIR=//p' <<< "$kenv")
KVER=$(sed -n 's/^KVER=//p' <<< "$kenv")
[ -r "$KDIR/Makefile" ] || { echo "module.sh: no kernel tree $KDIR for $name (scripts/deps.sh)" >&2; exit 1; }

dst=$ROOT/build/kernels/$name${inject:+-inject}
mkdir -p "$dst/src/kmod" "$dst/src/include"
# Only the sources: stale copies are replaced, objects kept for make.
cp "$ROOT/Kbuild" "$dst/src/"
cp "$ROOT"/kmod/Kbuild "$ROOT"/kmod/*.[ch] "$dst/src/kmod/"
rm -f "$dst/src/kmod/tcpsm.mod.c"
cp -r "$ROOT/include/uapi" "$dst/src/include/"
for f in "$dst"/src/kmod/*.[ch]; do
	[ -e "$ROOT/kmod/${f##*/}" ] || [ "${f##*/}" = tcpsm.mod.c ] || rm -f "$f"
done

# TCPSM_INJECT on the command line: an environment's cannot leak in
if ! make -C "$KDIR" M="$dst/src" W=1 TCPSM_INJECT="$inject" \
	TCPSM_VERSION="$("$ROOT/scripts/version.sh")" modules > "$dst/build.log" 2>&1; then
	cat "$dst/build.log" >&2
	echo "module.sh: build against $name ($KVER) failed" >&2
	exit 1
fi
if grep -iE 'warning:|error:' "$dst/build.log" >&2; then
	echo "module.sh: warnings building against $name ($KVER)" >&2
	exit 1
fi
echo "$dst/src/kmod/tcpsm.ko"
