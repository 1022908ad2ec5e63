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
# The debug kernel skips the userspace tests of USERSPACE_TESTS (below).
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

# The debug kernel (KASAN, lockdep, kmemleak) is there for the module's
# code: it runs the tests that drive it. These three exercise userspace
# and run on every Debian kernel instead: top.sh (the terminal rendering,
# under tmux), spec_sync.sh (the code generator, the Python YNL client)
# and exporter.sh (the HTTP server, Prometheus and Alertmanager; the
# all-netns dumps it reads are driven on the debug kernel by allnetns.sh,
# genl_errors and genl_fuzz). On the debug kernel the first two took
# 621 s (with the boot) of the 4 193 s its whole suite took. TCPSM_TESTS
# still runs them there.
USERSPACE_TESTS="top.sh spec_sync.sh exporter.sh"
not_here=()
if [ "${TCPSM_KERNEL_KIND:-}" = build ] && [ -z "${TCPSM_TESTS:-}" ]; then
	sel=()
	for t in "${tests[@]}"; do
		case " $USERSPACE_TESTS " in
		*" $(basename "$t") "*) not_here+=("$(basename "$t")") ;;
		*) sel+=("$t") ;;
		esac
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
	[ "${#not_here[@]}" -eq 0 ] ||
		echo "# not on the debug kernel (userspace; run on the Debian kernels): ${not_here[*]}"
} | tee "$RESULTS/tap"

pass=$(grep -c -E '^ok [0-9]+ ' "$RESULTS/tap" | tr -d '\n')
skip=$(grep -c -E '^ok [0-9]+ .*# SKIP' "$RESULTS/tap" | tr -d '\n')
fail=$(grep -c -E '^not ok [0-9]+ ' "$RESULTS/tap" | tr -d '\n')
echo "# tcpsm: $((pass - skip)) passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
