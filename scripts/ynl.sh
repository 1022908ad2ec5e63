#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Extract the kernel's YNL tools (tools/net/ynl) and the netlink spec
# schemas (Documentation/netlink/genetlink*.yaml) from Debian's
# linux-source-6.12 into build/ynl, add an empty MAINTAINERS at its root
# (ynl-gen-c.py walks up to the tree root looking for it and loops forever
# without one) and copy our spec into build/ynl/Documentation/netlink/specs/.
# Runs on the host (make tests / make uapi); the VM only reads build/ynl.
#
#   scripts/ynl.sh [OUTDIR]     (default <repo>/build/ynl)
#
# Environment: YNL_SRC  the source tarball (default
# /usr/src/linux-source-6.12.tar.xz, from the linux-source-6.12 package).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$ROOT/build/ynl}
SRC=${YNL_SRC:-/usr/src/linux-source-6.12.tar.xz}
SPEC=$ROOT/Documentation/netlink/specs/tcpsm.yaml

if [ ! -r "$SRC" ]; then
	echo "ynl.sh: $SRC missing (apt-get install linux-source-6.12, or make deps)" >&2
	exit 1
fi

# Extract once per tarball; a newer tarball re-extracts.
stamp=$OUT/.extracted
if [ ! -e "$stamp" ] || [ "$SRC" -nt "$stamp" ] ||
   [ ! -e "$OUT/tools/net/ynl/ynl-gen-c.py" ]; then
	mkdir -p "${OUT%/*}"
	tmp=$(mktemp -d "${OUT%/*}/.ynl.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	top=$(set +o pipefail; tar -tJf "$SRC" | head -n1 | cut -d/ -f1)
	tar -xJf "$SRC" -C "$tmp" --strip-components=1 \
		--wildcards "$top/tools/net/ynl" \
		"$top/Documentation/netlink/genetlink*.yaml"
	: > "$tmp/MAINTAINERS"
	mkdir -p "$tmp/Documentation/netlink/specs"
	touch "$tmp/.extracted"
	rm -rf "$OUT"
	mv "$tmp" "$OUT"
	trap - EXIT
fi

# The spec is copied every time: it is the file that changes.
mkdir -p "$OUT/Documentation/netlink/specs"
if ! cmp -s "$SPEC" "$OUT/Documentation/netlink/specs/tcpsm.yaml"; then
	cp "$SPEC" "$OUT/Documentation/netlink/specs/tcpsm.yaml"
fi
