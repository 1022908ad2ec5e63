#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the tcpsm selftests INSIDE the VM:  scripts/vm.sh run tests/run.sh
# (make check does this). Prints KTAP on stdout (also saved to
# $TCPSM_RESULTS/tap, i.e. build/vm/tap on the host) and exits non-zero if
# any test failed.
#
# Module handling: the suite is framed by two pseudo-tests, insmod_tcpsm
# (insmod $TCPSM_KO unless already loaded) and rmmod_tcpsm (rmmod tcpsm must
# succeed). Tests that need load/unload cycles do them themselves and must
# leave the module loaded when they end; should one fail to (killed by its
# timeout), the next test's wrapper loads it again and says so.
#
# Environment (set by scripts/vm.sh): TCPSM_ROOT, TCPSM_KO, TCPSM_CLI, KVER,
# TCPSM_RESULTS. Per-test timeout: TCPSM_TEST_TIMEOUT, else "timeout=N" in
# tests/settings, else 600 s (times 3 on the debug kernel). Only run some tests: TCPSM_TESTS="a.sh b".
# Each kernel runs its set of tests (scripts/kernels/list; below).
set -u

ROOT=${TCPSM_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
export TCPSM_ROOT=$ROOT
export TCPSM_KO=${TCPSM_KO:-$ROOT/kmod/tcpsm.ko}
export TCPSM_CLI=${TCPSM_CLI:-$ROOT/userspace/tcpsm}
export BASE_DIR=$ROOT/build/kselftest
RESULTS=${TCPSM_RESULTS:-/tmp}

if [ ! -r "$BASE_DIR/kselftest/runner.sh" ]; then
	echo "run.sh: $BASE_DIR/kselftest/runner.sh missing (scripts/kselftest.sh build)" >&2
	exit 1
fi

# A timeout is for a hung test, not a slow one: events.sh ran past 300 s
# on 6.1 beside another guest while the host also compiled (its checks
# run jq over 200 000 events under TCG).
timeout=600
if [ -r "$ROOT/tests/settings" ]; then
	t=$(sed -n 's/^timeout=\([0-9]\+\)$/\1/p' "$ROOT/tests/settings" | tail -n1)
	[ -z "$t" ] || timeout=$t
fi
# The debug kernel (KASAN, lockdep) runs several times slower under TCG;
# its 50-cycle unload storm takes 7 to 10 minutes on CI machines.
[ "${TCPSM_KERNEL_KIND:-}" != build ] || timeout=$((timeout * 3))
timeout=${TCPSM_TEST_TIMEOUT:-$timeout}

mapfile -t tests < <(make -s --no-print-directory -C "$ROOT/tests" list)
if [ -n "${TCPSM_TESTS:-}" ]; then
	sel=()
	for t in "${tests[@]}"; do
		for want in $TCPSM_TESTS; do
			[ "$(basename "$t")" != "$want" ] || sel+=("$t")
		done
	done
	tests=("${sel[@]}")
fi

# Which tests a kernel runs: its set in scripts/kernels/list (TCPSM_SUITE
# overrides; TCPSM_TESTS picks tests by name whatever the set). The
# guests are CPU-bound, so a test runs where it can find something new:
#   all     every test (6.12);
#   genl    all but UI_TESTS (6.1): top.sh (the terminal rendering) and
#           exporter.sh (the HTTP server, Prometheus, Alertmanager) test
#           userspace over dumps the module answers alike everywhere;
#           spec_sync.sh stays, since 6.1 folds the ops (no split ops);
#   module  all but UI_TESTS and spec_sync.sh (6.12-rt);
#   new     NEW_TESTS (the debug kernel: KASAN, lockdep, kmemleak, three
#           to four times slower under TCG): the tests that drive the
#           kernel code of this phase. The packed event records and
#           their 16 KiB messages (tcpsm_events.c): events.sh, with its
#           storm and its reader; unload_churn.sh, the tables allocated
#           and freed under churn with readers and two subscribers. The
#           all-netns dumps and groups (tcpsm_genl.c, the *_nl.c files,
#           the one-pass gauges of tcpsm_gauge.c): allnetns.sh,
#           genl_errors, genl_fuzz. The others drive code this phase
#           left alone or changed only in passing; they ran on the debug
#           kernel when their code was new, and run on the three Debian
#           kernels: latency.sh and edges.sh (time in state, issue 15:
#           its histograms, and every branch where a start of time in
#           state is taken over or forgotten) ran there clean through
#           issues 15 and 16, whose code (tcpsm_hooks.c, tcpsm_tis.c)
#           issue 16 did not touch.
# When an issue changes kernel code, the tests that drive it join NEW_TESTS.
UI_TESTS="top.sh exporter.sh"
NEW_TESTS="smoke_module.sh unload_churn.sh events.sh allnetns.sh genl_errors genl_fuzz"
suite=${TCPSM_SUITE:-$("$ROOT/scripts/kernel.sh" set "${KERNEL:-6.1}")}
not_here=()
if [ -z "${TCPSM_TESTS:-}" ] && [ "$suite" != all ]; then
	sel=()
	for t in "${tests[@]}"; do
		n=$(basename "$t")
		case $suite in
		genl) [[ " $UI_TESTS " != *" $n "* ]] ;;
		module) [[ " $UI_TESTS spec_sync.sh " != *" $n "* ]] ;;
		new) [[ " $NEW_TESTS " == *" $n "* ]] ;;
		*) echo "run.sh: unknown test set '$suite'" >&2; exit 1 ;;
		esac && sel+=("$t") || not_here+=("$n")
	done
	tests=("${sel[@]}")
fi

# The module pseudo-tests live in /tmp (the root is read-only in the VM).
steps=$(mktemp -d /tmp/tcpsm-steps.XXXXXX)
cat > "$steps/insmod_tcpsm" <<'STEP'
#!/bin/bash
if grep -q '^tcpsm ' /proc/modules; then
	echo "tcpsm already loaded"
	exit 0
fi
if [ ! -e "$TCPSM_KO" ]; then
	echo "$TCPSM_KO not built"
	exit 1
fi
insmod "$TCPSM_KO"
STEP
cat > "$steps/rmmod_tcpsm" <<'STEP'
#!/bin/bash
if ! grep -q '^tcpsm ' /proc/modules; then
	echo "tcpsm not loaded at the end of the suite"
	exit 1
fi
rmmod tcpsm
STEP
chmod +x "$steps"/*

# jq 1.6 compiles its builtins at every start: 0.53 s a call under TCG
# (31 ms natively), and closewait.sh alone made 135 calls, 82 s of its
# 187 s. gojq (Debian's, the same language) starts in 0.073 s. The tests
# run jq through PATH; where gojq is installed, jq is gojq in the guest,
# through tests/gojq-as-jq (gojq always sorts keys and refuses -S).
# The CLI's JSON is still checked with jq itself by its unit tests.
if command -v gojq >/dev/null; then
	mkdir "$steps/bin"
	ln -s "$ROOT/tests/gojq-as-jq" "$steps/bin/jq"
	export PATH=$steps/bin:$PATH
fi

# Every test starts with the module loaded: one that was killed (by its
# timeout, say) while it had tcpsm unloaded fails alone, not with all that
# follow it. The wrapper keeps the test's name and runs it from its dir.
wrapped=()
for t in "${tests[@]}"; do
	w=$steps/wrap/$(basename "$t")
	mkdir -p "$steps/wrap"
	cat > "$w" <<WRAP
#!/bin/bash
if ! grep -q '^tcpsm ' /proc/modules; then
	echo "# tcpsm was not loaded (an earlier test left it so): insmod"
	insmod "\$TCPSM_KO" || exit 1
fi
echo "$(basename "$t") \$(date +%s)" >> "$steps/starts"
cd "$(dirname "$t")" && exec "$t"
WRAP
	chmod +x "$w"
	wrapped+=("$w")
done

set +u # runner.sh is not set -u clean
# shellcheck source=/dev/null
. "$BASE_DIR/kselftest/runner.sh"
export kselftest_default_timeout=$timeout
export logfile=/dev/stdout

cd "$ROOT/tests" || exit 1
{
	run_many "$steps/insmod_tcpsm" "${wrapped[@]}" "$steps/rmmod_tcpsm"
	# Where the suite's time goes: each test's wall time, from one
	# start to the next.
	echo "end $(date +%s)" >> "$steps/starts"
	awk 'NR > 1 { printf "%s%s %d s", sep, name, $2 - t; sep = ", " }
	     { name = $1; t = $2 }
	     END { if (NR > 1) print "" }' "$steps/starts" |
		sed 's/^/# time per test: /'
	[ "${#not_here[@]}" -eq 0 ] ||
		echo "# not in this kernel's set ($suite; see scripts/kernels/list): ${not_here[*]}"
} | tee "$RESULTS/tap"

pass=$(grep -c -E '^ok [0-9]+ ' "$RESULTS/tap" | tr -d '\n')
skip=$(grep -c -E '^ok [0-9]+ .*# SKIP' "$RESULTS/tap" | tr -d '\n')
fail=$(grep -c -E '^not ok [0-9]+ ' "$RESULTS/tap" | tr -d '\n')
echo "# tcpsm: $((pass - skip)) passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
