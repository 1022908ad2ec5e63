#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo: tcpsm live on a machine without module support. Boots the
# Debian kernel under QEMU (scripts/vm.sh console), loads tcpsm, starts a
# traffic mix and puts `tcpsm top` on this terminal (scripts/demo-guest.sh).
# q quits top and powers the VM off; Ctrl-A X kills the VM.
# Needs a terminal: without one it says so and exits 1.
#
#   scripts/demo.sh           (make demo: deps, the CLI and build/tests first)
#
# Environment: KERNEL (default: the first of scripts/kernels/list), TCPSM_KO
# (default: built by scripts/module.sh), TCPSM_OUT (default
# <repo>/build/demo: the VM's logs), DEMO_CMD (what to run instead of
# `tcpsm top`, e.g. DEMO_CMD='watch -n1 tcpsm stats'), DEMO_MIX (options for
# `tcpsm_traffic mix`, e.g. DEMO_MIX='--rate 50 --long 100').
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)

die() { echo "demo.sh: $*" >&2; exit 1; }

if [ ! -t 0 ] || [ ! -t 1 ]; then
	die "needs a terminal: it runs tcpsm top full screen in the VM (without one: make vm-test, make bench)"
fi
[ -x "$ROOT/build/tests/tcpsm_traffic" ] || die "build/tests/tcpsm_traffic missing (make tests)"
[ -x "$ROOT/userspace/tcpsm" ] || die "userspace/tcpsm missing (make cli)"

KERNEL=${KERNEL:-$("$ROOT/scripts/kernel.sh" names | head -n1)}
TCPSM_KO=${TCPSM_KO:-$("$ROOT/scripts/module.sh" "$KERNEL")}
read -r rows cols < <(stty size)
export KERNEL TCPSM_KO
export TCPSM_OUT=${TCPSM_OUT:-$ROOT/build/demo}
export TCPSM_DEMO_ROWS=$rows TCPSM_DEMO_COLS=$cols TCPSM_DEMO_TERM=${TERM:-vt100}
# UTF-8 line drawing only if this terminal's locale is UTF-8
TCPSM_DEMO_UTF8=0
[ "$(locale charmap 2>/dev/null)" != UTF-8 ] || TCPSM_DEMO_UTF8=1
export TCPSM_DEMO_UTF8
export TCPSM_DEMO_CMD=${DEMO_CMD:-tcpsm top}
export TCPSM_DEMO_MIX=${DEMO_MIX:-}

echo "demo.sh: booting $KERNEL under QEMU/TCG; '$TCPSM_DEMO_CMD' starts on this terminal in a minute or less."
echo "demo.sh: q quits it and powers the VM off (Ctrl-A X kills the VM)."
exec "$ROOT/scripts/vm.sh" console "$ROOT/scripts/demo-guest.sh"
