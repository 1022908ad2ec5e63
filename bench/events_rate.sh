#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# How many events/s one subscriber gets before the first drop, in the VM
# (bench/run.sh runs it).
#
# With tcpsm loaded and `tcpsm events --json` writing to a file, a paced
# loopback churn (tcpsm_traffic churn --rate, one worker per vCPU) runs
# for a while at each step of a ramp of connection rates. A step is clean
# when the subscriber printed no {"lost":N} record and the module's
# events_dropped (tcpsm stats --json) did not move. Reported: the highest
# delivered events/s of a clean step (its "seq" records over the seconds
# of its churn), and the first step that lost events. The ramp stops at
# the first loss.
# The last step, "max", is the unpaced churn: if even that is clean, the
# result is a lower bound (the churn could not make more).
#
# Environment: TCPSM_BENCH_EV_RATES, connections/s in all, "max" = unpaced
# (default "100 200 400 800 1600 3200 max"); TCPSM_BENCH_EV_SECONDS per
# step (default 5).
set -euo pipefail
PART=events
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

RATES=${TCPSM_BENCH_EV_RATES:-100 200 400 800 1600 3200 max}
SECS=${TCPSM_BENCH_EV_SECONDS:-5}
PORT=42000
EV=$SCRATCH/events.json

bench_setup
mod_load
echo "Events delivered to one subscriber (tcpsm events --json > file) before the first drop"
echo "paced loopback churn, $WORKERS workers, $SECS s per step"
echo
events_or_na "$EV"
bg_stop "$events_pid" || :

printf '  %10s %10s %12s %6s %8s\n' "conn/s" "made" "events/s" "lost" "dropped"
best='' best_rate='' first_loss='' unbounded=''
for r in $RATES; do
	if [ "$r" = max ]; then per=0; else per=$(( (r + WORKERS - 1) / WORKERS )); fi
	events_start "$EV" || fatal "tcpsm events stopped working: ${events_why:-}"
	d0=$(events_dropped)
	made=$(churn "$SECS" "$PORT" "$per")
	sleep 1	# the module sends within 100 ms
	d1=$(events_dropped)
	alive=1
	bg_alive "$events_pid" || alive=0
	bg_stop "$events_pid" || :
	[ "$alive" = 1 ] || fatal "tcpsm events died at $r conn/s: $(head -n 1 "$SCRATCH/events.err")"
	n=$(grep -c '"seq"' "$EV" || :)
	lost=$(grep -c '"lost"' "$EV" || :)
	lostn=0
	[ "$lost" = 0 ] || lostn=$(grep '"lost"' "$EV" | jq -s 'map(.lost) | add' 2>/dev/null || echo "$lost?")
	if [ -n "$d0" ] && [ -n "$d1" ]; then dropped=$((d1 - d0)); else dropped="?"; fi
	# what the churn made, delivered over its own seconds (the drain after
	# it only lets the last ones arrive)
	evs=$(calc "$n / $SECS" "%.0f")
	printf '  %10s %10.0f %12s %6s %8s\n' "$r" "$made" "$evs" "$lostn" "$dropped"
	say "events: $r conn/s: made $made conn/s, $n events ($evs/s), lost $lostn, dropped $dropped"
	rm -f "$EV"
	if [ "$lost" = 0 ] && { [ "$dropped" = 0 ] || [ "$dropped" = "?" ]; }; then
		if [ -z "$best" ] || [ "$evs" -gt "$best" ]; then best=$evs best_rate=$made; fi
		[ "$r" != max ] || unbounded=1
	else
		first_loss=$r
		break
	fi
done
echo
if [ -z "$best" ]; then
	echo "  lost events already at the first step ($first_loss conn/s)"
	result why "lost events at the first step"
else
	result events_per_s "$best"
	result conn_per_s "$best_rate"
	if [ -n "$unbounded" ]; then
		echo "  no drop up to the unpaced churn: >= $best events/s ($best_rate conn/s)"
		result lower_bound 1
	else
		echo "  highest without a drop: $best events/s ($best_rate conn/s); first loss at ${first_loss:-?} conn/s"
	fi
fi
[ -n "$(events_dropped)" ] || echo "  (tcpsm stats --json has no events_dropped: only lost records were checked)"
mod_unload
echo
