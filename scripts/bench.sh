#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: what tcpsm costs and how fast it reads, measured in the VM.
# Builds tcpsm.ko for the kernel, boots it under QEMU (scripts/vm.sh) and
# runs bench/run.sh there, which prints a table:
#   - connections/s of a loopback churn, one worker per vCPU, with (A) no
#     module, (B) tcpsm loaded, (C) tcpsm and `tcpsm events --json` running,
#     (T) the same with the text line,
#     (D) no module and libbpf-tools' tcpstates running, (N) tcpsm loaded
#     without time in state (latency_sockets=0); medians over interleaved
#     rounds, ratios to A (bench/overhead.sh);
#   - events/s one subscriber gets before the first drop (bench/events_rate.sh);
#   - the same with edges injected at known rates past what the churn can
#     make, and the drops past the ceiling (bench/inject.sh): needs the
#     test build of the module (scripts/module.sh --inject, with
#     kmod/tcpsm_inject.c), which this script makes for that part only;
#   - `tcpsm stats` against `ss -tan state X | wc -l` over all states with
#     20 000 established sockets (bench/stats_vs_ss.sh);
#   - `tcpsm stats --all-netns` with the same 20 000 sockets and 5, 100 and
#     400 namespaces, against `ss -tan` in each namespace (bench/allns.sh);
#     one all-netns read walks the tables once, whatever the namespaces;
#   - the targets, PASS or MISS. A miss does not fail the run: exit 1 means
#     an error, not a slow result.
# Under TCG, absolute numbers mean little: read the ratios.
#
#   scripts/bench.sh          (make bench; the CLI and build/tests first)
#
# Environment: KERNEL (default: the first of scripts/kernels/list), TCPSM_KO
# (default: built by scripts/module.sh), TCPSM_INJECT_KO (the inject part's
# test build; default: built by scripts/module.sh --inject), TCPSM_OUT (default
# <repo>/build/bench: the VM's logs, the table in table, the parts' results
# in *.env), TCPSM_VM_SMP (vCPUs, default 2), and for the guest:
#   TCPSM_BENCH_PARTS     default "stats allns overhead events inject scrape"
#   TCPSM_BENCH_ROUNDS    rounds of A B N C T D (default 7)
#   TCPSM_BENCH_SECONDS   seconds per run (default 8)
#   TCPSM_BENCH_CONFIGS   default "A B N C T D"
#   TCPSM_BENCH_EV_RATES  the events ramp, conn/s (default "100 200 400 800
#                         1600 3200 max"); TCPSM_BENCH_EV_SECONDS per step (5)
#   TCPSM_BENCH_INJ_RATES the inject ramp, edges/s (default "20000 30000
#                         40000 50000 70000 100000 200000 400000 800000");
#                         TCPSM_BENCH_INJ_SECONDS per step (3)
#   TCPSM_BENCH_CONNS     connections for the stats part (default 10000)
#   TCPSM_BENCH_STATS_REPS  timed passes (default 10)
#   TCPSM_BENCH_ALLNS_COUNTS  namespace counts of allns (default "5 100 400");
#                         TCPSM_BENCH_ALLNS_REPS, _SS_REPS timed reads (7, 1)
# The defaults take about 20 minutes on a 2-core host: overhead 10, allns 3,
# inject 2, stats, events and scrape 3 together, booting and building 1.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
KERNEL=${KERNEL:-$("$ROOT/scripts/kernel.sh" names | head -n1)}
export KERNEL
export TCPSM_OUT=${TCPSM_OUT:-$ROOT/build/bench}

die() { echo "bench.sh: $*" >&2; exit 1; }

[ -x "$ROOT/build/tests/tcpsm_traffic" ] || die "build/tests/tcpsm_traffic missing (make tests)"
[ -x "$ROOT/userspace/tcpsm" ] || die "userspace/tcpsm missing (make cli)"
# The guest runs the host's binaries (its root is the host's, read-only).
command -v tcpstates > /dev/null || [ -x /usr/sbin/tcpstates ] ||
	die "tcpstates missing: scripts/deps.sh installs libbpf-tools"
command -v jq > /dev/null || die "jq missing (scripts/deps.sh)"

TCPSM_KO=${TCPSM_KO:-$("$ROOT/scripts/module.sh" "$KERNEL")}
export TCPSM_KO
# The inject part loads a test build, with kmod/tcpsm_inject.c; only the
# bench uses it, and it lives in its own tree (build/kernels/KERNEL-inject).
if [[ " ${TCPSM_BENCH_PARTS:-inject} " == *" inject "* ]]; then
	TCPSM_INJECT_KO=${TCPSM_INJECT_KO:-$("$ROOT/scripts/module.sh" --inject "$KERNEL")}
	export TCPSM_INJECT_KO
fi
# The guest's clock as a server's: the TSC. Debian's 6.1 finds the TCG
# vCPUs' TSCs unsynchronized at boot (they run in turn) and falls back
# to the HPET, whose every read is an emulated MMIO access, far slower
# than a TSC read, in TCP's timestamps and tcpsm's alike. 6.12 keeps the
# TSC in the same VM. (The tests keep the kernel's own choice.)
export TCPSM_VM_APPEND="${TCPSM_VM_APPEND-tsc=reliable}"
rc=0
"$ROOT/scripts/vm.sh" run bench/run.sh || rc=$?
echo "bench.sh: table in $TCPSM_OUT/table" >&2
exit "$rc"
