#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `tcpsm stats` against counting with ss, with 20 000 established sockets
# open, in the VM (bench/run.sh runs it).
#
# tcpsm_traffic estab holds 10 000 loopback connections (both ends: 20 000
# ESTABLISHED sockets). Then, alternately, REPS times each:
#   tcpsm stats                                   (one call: every state)
#   for s in <the 11 ss states>; do ss -tan state $s | wc -l; done
# Each is timed as one full pass (the commands' start-up included, as an
# operator runs them); the medians and their ratio are printed.
#
# Environment: TCPSM_BENCH_CONNS (default 10000), TCPSM_BENCH_STATS_REPS
# (default 10).
set -euo pipefail
PART=stats
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

CONNS=${TCPSM_BENCH_CONNS:-10000}
REPS=${TCPSM_BENCH_STATS_REPS:-10}
PORT=43000
SS_STATES="established syn-sent syn-recv fin-wait-1 fin-wait-2 time-wait closed close-wait last-ack listening closing"

ss_pass() {
	local s
	for s in $SS_STATES; do
		ss -tan state "$s" | wc -l
	done
}

bench_setup
# Sockets left by what ran before (TIME_WAIT) would cost ss more than
# tcpsm: wait up to 70 s for them to go.
for _ in $(seq 70); do
	[ "$(ss -Htan | wc -l)" -ge 100 ] || break
	sleep 1
done
others=$(ss -Htan | wc -l)
mod_load
say "stats: $others sockets before; opening $CONNS loopback connections"
estab_hold "$CONNS" "$PORT"
say "stats: $(jq -c '{setup_ms, established: .observed.ESTABLISHED}' "$SCRATCH/estab.json")"

estab_tcpsm=$("$TCPSM" stats --json | jq .states.ESTABLISHED)
estab_ss=$(ss -Htan state established | wc -l)
say "stats: ESTABLISHED: tcpsm $estab_tcpsm, ss $estab_ss"

# once each untimed: caches warm, binaries paged in over 9p
"$TCPSM" stats > /dev/null
ss_pass > /dev/null

t_stats=() t_ss=()
for i in $(seq "$REPS"); do
	t0=${EPOCHREALTIME/./}
	"$TCPSM" stats > /dev/null
	t1=${EPOCHREALTIME/./}
	ss_pass > /dev/null
	t2=${EPOCHREALTIME/./}
	t_stats+=("$(calc "($t1 - $t0) / 1000" %.2f)")
	t_ss+=("$(calc "($t2 - $t1) / 1000" %.2f)")
	say "stats: pass $i: tcpsm stats ${t_stats[-1]} ms, ss ${t_ss[-1]} ms"
done
bg_stop "$estab_pid" TERM || :
mod_unload

ms_stats=$(median "${t_stats[@]}")
ms_ss=$(median "${t_ss[@]}")
ratio=$(calc "$ms_ss / $ms_stats" %.1f)
result stats_ms "$ms_stats"
result ss_ms "$ms_ss"
result ratio "$ratio"
result established "$estab_tcpsm"

echo "Reading every state with $estab_ss ESTABLISHED sockets open (tcpsm counts $estab_tcpsm;"
echo "$others other sockets), median of $REPS passes, each pass timed whole"
echo
printf '  %-52s %10s\n' "tcpsm stats (one call, all states)" "$(calc "$ms_stats" %.1f) ms"
printf '  %-52s %10s\n' "ss -tan state X | wc -l, for the 11 ss states" "$(calc "$ms_ss" %.1f) ms"
printf '  %-52s %10s\n' "ratio" "${ratio}x"
echo
