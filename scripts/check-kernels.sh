#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The VM suite on each test kernel (make check): build tcpsm.ko against the
# kernel (scripts/module.sh, W=1), boot it (scripts/vm.sh), run
# tests/run.sh. Per kernel: build/vm/NAME/{tap,console.log,dmesg,kmemleak}
# and the whole run's output in build/vm/NAME.log.
#
#   scripts/check-kernels.sh [NAME...]   default: all of scripts/kernels/list
#
# Jobs run in two lanes side by side (below; TCPSM_CHECK_JOBS=1: one).
#
# Kernels whose TESTS column in scripts/kernels/list says "package" also
# run tests/package.sh in a second boot with a writable root: the .debs
# of build/deb (make deb) installed, built by DKMS, then for the kernel
# of "upgrade=" too where one is named, then purged. It runs from a copy of the tree
# under /tmp (the guest has its own /tmp: clones there must work too).
# Its results are the job "NAME/package" (build/vm/NAME-package/). With
# an upgrade kernel UP, the same job then boots UP on what the first boot
# wrote by the end of its upgrade (tests/package.sh): the reboot after the
# upgrade, whose results are the row "UP/upgrade" (build/vm/UP-upgrade/).
#
# Prints each job's log as it ends, a table, every failure named with
# its job, and finally the line "N passed, N failed" over all jobs
# together. A kernel problem the VM runner caught (KASAN, lockdep, a
# warning, a kmemleak report, a taint, a panic or timeout) with no failed
# test counts as one failure of that kernel. Exit: 0 only if nothing failed.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
read -r -a kernels <<< "${*:-$(scripts/kernel.sh tested suite | tr '\n' ' ')}"
jobs=${TCPSM_CHECK_JOBS:-2}
mapfile -t pkg_kernels < <(scripts/kernel.sh tested package)

# failures TAP: each failed test's "not ok N" line, and under it the
# first reasons the test gave (its "FAIL: " and "not ok - " lines, cut
# to 300 characters), so that the end of a run says why, not only what.
failures()
{
	awk '
	function flush() { n = 0; more = 0 }
	/^# selftests: / { flush(); next }
	/^# (FAIL: |not ok - )/ {
		if (n < 8) why[n++] = substr($0, 3, 300); else more++
		next
	}
	/^not ok [0-9]+ / {
		print
		for (i = 0; i < n; i++) print "  " why[i]
		if (more) print "  (" more " more: see the log)"
		flush(); next
	}
	/^ok [0-9]+ / { flush() }
	' "$1" 2>/dev/null
}

# write_result OUT RES T0 KVER VM_RC: RES from the TAP in OUT:
# "PASS FAIL SECONDS KVER" on its first line, then one failure per line.
write_result()
{
	local out=$1 res=$2 t0=$3 kver=$4 rc=$5 line pass fail
	line=$(scripts/tap-summary.sh "$out/tap" "$rc" | tail -n1)
	pass=${line%% passed*}
	fail=${line##*passed, }
	fail=${fail%% failed*}
	{
		echo "$pass $fail $(( $(date +%s) - t0 )) $kver"
		failures "$out/tap"
		if [ "$rc" -ne 0 ] && ! grep -qE '^not ok [0-9]+ ' "$out/tap" 2>/dev/null; then
			echo "the VM run failed (vm.sh exit $rc): kernel problem, panic or timeout; see $out/"
		fi
	} > "$res"
}

# one_kernel NAME: build, boot, run the suite; writes build/vm/NAME.result.
one_kernel()
{
	local k=$1 out=build/vm/$1 t0 ko kver rc
	local res=build/vm/$1.result
	t0=$(date +%s)
	rm -rf "$out"
	if ! ko=$(scripts/module.sh "$k"); then
		{ echo "0 1 $(( $(date +%s) - t0 )) -"
		  echo "tcpsm.ko does not build cleanly (build/kernels/$k/build.log)"; } > "$res"
		return
	fi
	kver=$(scripts/kernel.sh kver "$k")
	rc=0
	KERNEL=$k TCPSM_OUT=$out TCPSM_KO=$ko scripts/vm.sh run tests/run.sh || rc=$?
	write_result "$out" "$res" "$t0" "$kver" "$rc"
}

# one_package NAME: tests/package.sh on NAME, with the upgrade kernel the
# list names for it, if any; writes build/vm/NAME-package.result. Then,
# with an upgrade kernel UP, the reboot into it: build/vm/UP-upgrade.result.
one_package()
{
	local k=$1 out=build/vm/$1-package res=build/vm/$1-package.result
	local t0 kver mods up other='' other_mods='' clone rc
	t0=$(date +%s)
	rm -rf "$out"
	kver=$(scripts/kernel.sh kver "$k")
	mods=$(KERNEL=$k scripts/kernel.sh env | sed -n 's/^MODULES=//p')
	up=$(scripts/kernel.sh upgrade "$k")
	if [ -n "$up" ]; then
		other=$(scripts/kernel.sh kver "$up")
		other_mods=$(KERNEL=$up scripts/kernel.sh env | sed -n 's/^MODULES=//p')
	fi
	# From a copy of the tree under /tmp, which the guest mounts a tmpfs
	# over: every VM target must work from any clone path.
	clone=$(mktemp -d /tmp/tcpsm-clone.XXXXXX)
	scripts/copy-tree.sh "$clone"
	mkdir -p "$clone/build"
	cp -a build/deb "$clone/build/"
	rc=0
	KERNEL=$k TCPSM_OUT=$ROOT/$out TCPSM_VM_ROOT=overlay TCPSM_DEBS=$clone/build/deb \
		TCPSM_OTHER_KVER=$other TCPSM_OTHER_MODULES=$other_mods \
		"$clone/scripts/vm.sh" run tests/package.sh || rc=$?
	write_result "$out" "$res" "$t0" "$kver" "$rc"
	if [ -n "$up" ]; then
		local uout=build/vm/$up-upgrade ures=build/vm/$up-upgrade.result
		t0=$(date +%s)
		rm -rf "$uout"
		if [ -s "$out/upgrade/root.tar" ]; then
			rc=0
			KERNEL=$up TCPSM_OUT=$ROOT/$uout TCPSM_VM_ROOT=overlay TCPSM_DEBS=$clone/build/deb \
				TCPSM_PKG_FROM=$kver TCPSM_PKG_FROM_MODULES=$mods TCPSM_PKG_STATE=$ROOT/$out/upgrade \
				"$clone/scripts/vm.sh" run tests/package.sh || rc=$?
			write_result "$uout" "$ures" "$t0" "$other" "$rc"
		else
			{ echo "0 1 0 $other"
			  echo "$k/package saved no state to reboot into $up with (its upgrade test failed)"; } > "$ures"
		fi
	fi
	rm -rf "$clone"
}

# The jobs: NAME (the suite) and NAME/package, for the kernels asked for,
# in two lanes that run side by side, each a job at a time: the guests
# are CPU-bound (a TCG guest is a host thread at 1.1 cores), so more than
# two on two cores only stretch them. Lane 1: the debug kernel's suite
# (kind "build", the longest job), then the package jobs; lane 2: the
# Debian kernels' suites. On CI's machine (issue 16): the debug suite
# about 2 100 s and the packages 1 800, against 3 700 for the three
# Debian suites; a single queue in list order left the packages to run
# last beside nothing. TCPSM_CHECK_JOBS=1: one lane, everything in turn.
lane1=() lane2=()
for k in "${kernels[@]}"; do
	if [ "$(scripts/kernel.sh kind "$k")" = build ]; then lane1=("$k" "${lane1[@]}"); else lane2+=("$k"); fi
	for p in "${pkg_kernels[@]}"; do
		[ "$p" != "$k" ] || lane1+=("$k/package")
	done
done
order=("${lane1[@]}" "${lane2[@]}")

mkdir -p build/vm
# run_lane JOB...: each job in turn; its log printed when it ends (one
# lane at a time: build/vm/.print.lock)
run_lane()
{
	local k
	for k in "$@"; do
		echo "# ==== $k: started ===="
		rm -f "build/vm/${k/\//-}.result"
		case $k in
		*/package) one_package "${k%/package}" ;;
		*) one_kernel "$k" ;;
		esac > "build/vm/${k/\//-}.log" 2>&1
		# shellcheck disable=SC2016 # expanded by that sh
		flock build/vm/.print.lock sh -c 'echo "# ==== $1: done ===="; cat "$2"' _ \
			"$k" "build/vm/${k/\//-}.log"
	done
}
if [ "$jobs" -le 1 ]; then
	run_lane "${order[@]}"
else
	run_lane "${lane1[@]}" &
	l1=$!
	run_lane "${lane2[@]}" &
	l2=$!
	wait "$l1" "$l2"
fi

# The rows: the jobs, and after NAME/package the reboot into its upgrade.
rows=()
for k in "${order[@]}"; do
	rows+=("$k")
	case $k in
	*/package)
		up=$(scripts/kernel.sh upgrade "${k%/package}")
		[ -z "$up" ] || rows+=("$up/upgrade")
		;;
	esac
done

total_pass=0 total_fail=0
echo "#"
echo "# job             release                      passed failed   time"
for k in "${rows[@]}"; do
	res=build/vm/${k/\//-}.result
	if [ ! -s "$res" ]; then
		printf '# %-15s %-28s %6s %6s\n' "$k" "?" 0 1
		total_fail=$((total_fail + 1))
		continue
	fi
	read -r pass fail secs kver < "$res"
	printf '# %-15s %-28s %6s %6s %5ss\n' "$k" "$kver" "$pass" "$fail" "$secs"
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
done
for k in "${rows[@]}"; do
	res=build/vm/${k/\//-}.result
	if [ ! -s "$res" ]; then
		echo "# FAILED [$k] no result (see build/vm/${k/\//-}.log)"
		continue
	fi
	tail -n +2 "$res" | sed "s|^|# FAILED [$k] |"
done
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ] && [ "$total_pass" -gt 0 ]
