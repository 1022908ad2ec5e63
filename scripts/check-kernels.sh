#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The VM suite on each test kernel (make check): build tcpsm.ko against the
# kernel (scripts/module.sh, W=1), boot it (scripts/vm.sh), run
# tests/run.sh. Per kernel: build/vm/NAME/{tap,console.log,dmesg,kmemleak}.
#
#   scripts/check-kernels.sh [NAME...]   default: all of scripts/kernels/list
#
# Prints a table per kernel, every failure named with its kernel, and ends
# with the line "N passed, N failed" over all kernels together. A kernel
# problem the VM runner caught (KASAN, lockdep, a warning, a kmemleak
# report, a taint, a panic or timeout) with no failed test counts as one
# failure of that kernel. Exit: 0 only if nothing failed.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
read -r -a kernels <<< "${*:-$(scripts/kernel.sh names | tr '\n' ' ')}"

total_pass=0 total_fail=0
rows=() failures=()
for k in "${kernels[@]}"; do
	out=build/vm/$k
	t0=$(date +%s)
	echo "# ==== kernel $k ===="
	if ! ko=$(scripts/module.sh "$k"); then
		failures+=("[$k] tcpsm.ko does not build cleanly (build/kernels/$k/build.log)")
		total_fail=$((total_fail + 1))
		rows+=("$(printf '%-10s %-28s %6s %6s %6s' "$k" "-" 0 1 0)")
		continue
	fi
	kver=$(scripts/kernel.sh kver "$k")
	rc=0
	KERNEL=$k TCPSM_OUT=$out TCPSM_KO=$ko scripts/vm.sh run tests/run.sh || rc=$?
	line=$(scripts/tap-summary.sh "$out/tap" "$rc" | tail -n1)
	pass=${line%% passed*}
	fail=${line##*passed, }
	fail=${fail%% failed*}
	while read -r l; do
		[ -z "$l" ] || failures+=("[$k] $l")
	done < <(grep -E '^not ok [0-9]+ ' "$out/tap" 2>/dev/null)
	if [ "$rc" -ne 0 ] && ! grep -qE '^not ok [0-9]+ ' "$out/tap" 2>/dev/null; then
		failures+=("[$k] the VM run failed (vm.sh exit $rc): kernel problem, panic or timeout; see $out/")
	fi
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	rows+=("$(printf '%-10s %-28s %6s %6s %5ss' "$k" "$kver" "$pass" "$fail" "$(( $(date +%s) - t0 ))")")
done

echo "#"
echo "# kernel     release                      passed failed   time"
for r in "${rows[@]}"; do
	echo "# $r"
done
for f in "${failures[@]}"; do
	echo "# FAILED $f"
done
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ] && [ "$total_pass" -gt 0 ]
