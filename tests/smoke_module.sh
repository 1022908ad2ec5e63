#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Smoke test: tcpsm.ko is loaded and its generic netlink family answers.
# Runs in the VM (tests/run.sh loads $TCPSM_KO before the suite).

if ! grep -q '^tcpsm ' /proc/modules; then
	echo "tcpsm is not in /proc/modules"
	exit 1
fi
if [ ! -d /sys/module/tcpsm ]; then
	echo "/sys/module/tcpsm missing"
	exit 1
fi
echo "module loaded: $(grep '^tcpsm ' /proc/modules)"

if [ ! -x "${TCPSM_CLI:-}" ]; then
	echo "CLI ${TCPSM_CLI:-<unset>} not built: checked /proc/modules only"
	exit 0
fi
if ! out=$("$TCPSM_CLI" stats --json); then
	echo "'$TCPSM_CLI stats --json' failed"
	exit 1
fi
if ! echo "$out" | jq . ; then
	echo "'$TCPSM_CLI stats --json' is not JSON: $out"
	exit 1
fi
exit 0
