#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Copy the tree's own files, as they are now, into DEST: in a clone the
# tracked files and the untracked ones git does not ignore (so a change
# not yet committed is in the copy), elsewhere everything but build/.
# make deb builds from such a copy; make check runs the package test
# from one under /tmp (a clone anywhere must work).
#
#   scripts/copy-tree.sh DEST
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
dst=${1:?usage: copy-tree.sh DEST}
mkdir -p "$dst"
cd "$ROOT"
if [ "$(git rev-parse --show-toplevel 2>/dev/null)" = "$ROOT" ]; then
	git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do
			[ ! -e "$f" ] || printf '%s\0' "$f"
		done | tar --null -T - -cf - | tar -C "$dst" -xf -
else
	tar --exclude=./build --exclude=./.git -cf - . | tar -C "$dst" -xf -
fi
