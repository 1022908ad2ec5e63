#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The demo, INSIDE the VM, on its serial console (scripts/demo.sh runs it
# with scripts/vm.sh console): load tcpsm, start a traffic mix in the
# background (tcpsm_traffic mix: short connections, long-lived ones,
# half-closes, resets, refused connects; scripts/demo-leak.py: a service
# leaking sockets in CLOSE_WAIT; scripts/demo-flood.sh: a service under a
# spoofed SYN flood 15 s a minute), and run `tcpsm top` in the
# foreground. Quitting it (q) ends the demo and powers the VM off.
#
# Environment (from scripts/demo.sh): TCPSM_DEMO_ROWS, TCPSM_DEMO_COLS (the
# host terminal's size: a serial console has none), TCPSM_DEMO_TERM (its
# TERM), TCPSM_DEMO_UTF8 (1: its locale is UTF-8), TCPSM_DEMO_CMD (default "tcpsm top"; run by bash -c, tcpsm on PATH),
# TCPSM_DEMO_MIX (options for tcpsm_traffic mix, default none).
set -euo pipefail

ROOT=${TCPSM_ROOT:?run in the VM (scripts/demo.sh)}
export TERM=${TCPSM_DEMO_TERM:-vt100}
if [ "${TCPSM_DEMO_UTF8:-0}" = 1 ]; then export LANG=C.UTF-8; else export LANG=C; fi
stty rows "${TCPSM_DEMO_ROWS:-24}" cols "${TCPSM_DEMO_COLS:-80}"
# kernel messages stay in dmesg, off the screen
dmesg -n 1
PATH=$(dirname "$TCPSM_CLI"):$PATH

insmod "$TCPSM_KO"
# shellcheck disable=SC2086 # options, split on purpose
setsid "$ROOT/build/tests/tcpsm_traffic" mix ${TCPSM_DEMO_MIX:-} \
	> /tmp/mix.json 2> /tmp/mix.err < /dev/null &
mix=$!
# and a service that leaks sockets in CLOSE_WAIT, with thresholds low
# enough that its alarm is raised (and cleared) within a minute
tcpsm config set closewait.count=12 closewait.age=10
setsid "$ROOT/scripts/demo-leak.py" > /dev/null 2>&1 < /dev/null &
leak=$!
setsid "$ROOT/scripts/demo-flood.sh" > /tmp/flood.log 2>&1 < /dev/null &
flood=$!
stop_mix() {
	kill -TERM -- "-$mix" "-$leak" "-$flood" 2>/dev/null || :
	wait "$mix" "$leak" "$flood" 2>/dev/null || :
}
trap stop_mix EXIT

rc=0
bash -c "${TCPSM_DEMO_CMD:-tcpsm top}" || rc=$?
stop_mix
trap - EXIT
if [ "$rc" -ne 0 ]; then
	echo "demo: '${TCPSM_DEMO_CMD:-tcpsm top}' exited $rc"
	cat /tmp/mix.err
fi
echo "demo: traffic made: $(jq -r '[to_entries[] | select(.value | type == "object" and has("n"))
	| "\(.key) \(.value.n)"] | join(", ")' /tmp/mix.json 2>/dev/null)"
echo "demo: powering off"
exit "$rc"
