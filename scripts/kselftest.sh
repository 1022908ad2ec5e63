#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Extract the few kernel-tree files the tests and lint need from the
# linux-source tarball (never copied into git; build/ is ignored).
#
#   scripts/kselftest.sh [OUTDIR]   default OUTDIR: build
#
# Gives:
#   OUTDIR/kselftest/kselftest_harness.h, kselftest.h   (-I OUTDIR/kselftest)
#   OUTDIR/kselftest/kselftest/runner.sh, prefix.pl, module.sh
#   OUTDIR/checkpatch/checkpatch.pl, spelling.txt, const_structs.checkpatch
set -euo pipefail

OUT=${1:-build}
SRC_TAR=${LINUX_SOURCE_TAR:-$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n1)}
if [ -z "$SRC_TAR" ] || [ ! -r "$SRC_TAR" ]; then
	echo "kselftest.sh: no /usr/src/linux-source-*.tar.xz (run scripts/deps.sh)" >&2
	exit 1
fi
top=$(basename "$SRC_TAR" .tar.xz)
stamp="$OUT/.kselftest-stamp"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$SRC_TAR $(stat -c %Y "$SRC_TAR")" ]; then
	exit 0
fi

st=tools/testing/selftests
files=(
	"$st/kselftest_harness.h"
	"$st/kselftest.h"
	"$st/kselftest/runner.sh"
	"$st/kselftest/prefix.pl"
	"$st/kselftest/module.sh"
	scripts/checkpatch.pl
	scripts/spelling.txt
	scripts/const_structs.checkpatch
)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar -xJf "$SRC_TAR" -C "$tmp" "${files[@]/#/$top/}"

mkdir -p "$OUT/kselftest/kselftest" "$OUT/checkpatch"
cp "$tmp/$top/$st/kselftest_harness.h" "$tmp/$top/$st/kselftest.h" "$OUT/kselftest/"
cp "$tmp/$top/$st/kselftest/"* "$OUT/kselftest/kselftest/"
cp "$tmp/$top/scripts/checkpatch.pl" "$tmp/$top/scripts/spelling.txt" \
	"$tmp/$top/scripts/const_structs.checkpatch" "$OUT/checkpatch/"
chmod +x "$OUT/kselftest/kselftest/"*.sh "$OUT/kselftest/kselftest/prefix.pl" \
	"$OUT/checkpatch/checkpatch.pl"
echo "$SRC_TAR $(stat -c %Y "$SRC_TAR")" > "$stamp"
echo "kselftest.sh: extracted into $OUT/kselftest and $OUT/checkpatch"
