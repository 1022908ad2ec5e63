#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Count a KTAP file written by tests/run.sh and print the final line
# "N passed, N failed". Only top-level results count ("ok N", "not ok N";
# nested harness results are prefixed with "# "). SKIPs are reported on a
# line of their own and counted as neither.
#
#   scripts/tap-summary.sh TAPFILE [VM_RC]
#
# VM_RC is scripts/vm.sh's exit code: if it is non-zero while no test
# failed (kernel warning, taint, panic, timeout), that counts as one failure.
# Exit: 0 only if nothing failed and at least one test passed.
set -u
tap=${1:?usage: tap-summary.sh TAPFILE [VM_RC]}
vm_rc=${2:-0}

pass=0 fail=0 skip=0
if [ -r "$tap" ]; then
	pass=$(grep -c -E '^ok [0-9]+( |$)' "$tap")
	skip=$(grep -c -E '^ok [0-9]+ .*# (SKIP|skip)' "$tap")
	fail=$(grep -c -E '^not ok [0-9]+( |$)' "$tap")
	pass=$((pass - skip))
else
	echo "# no TAP in $tap"
fi
if [ "$vm_rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
	echo "# the VM run failed (scripts/vm.sh exit $vm_rc): kernel problem, panic or timeout; see build/vm/"
	fail=1
fi
[ "$skip" -eq 0 ] || echo "# $skip skipped"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
