#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# How many events/s one subscriber gets, and what is lost past that, at
# rates the VM's connections cannot make (bench/run.sh runs it).
#
# Loads the test build of tcpsm ($TCPSM_INJECT_KO, scripts/module.sh
# --inject: kmod/tcpsm_inject.c), whose /sys/kernel/debug/tcpsm/inject
# adds ESTABLISHED -> FIN_WAIT_1 edges of a kernel socket through the
# real events path at a given rate, one thread per vCPU, and nothing
# else (no gauge, no edge counter). With `tcpsm events --json` writing to
# a file, each step of a ramp of rates injects for a few seconds.
# Reported per step: edges injected per second (as the module timed
# them), events delivered per second (the subscriber's "seq" records),
# the module's events_dropped delta (its buffers were full), "overrun":
# injected - delivered - dropped (lost after the module sent them: the
# subscriber's socket buffer), and "lost": what the subscriber was told
# it lost ({"lost":N} records: the gaps in seq before its last record).
# A step is clean when all it injected was delivered. The ceiling is the
# highest delivered rate of a clean step before the first lossy one;
# every step runs, so the lines past it show how the losses grow.
# Last, the module is unloaded in the middle of an injection, with the
# subscriber running: rmmod must succeed at once and leave no thread
# (scripts/vm.sh fails the run on any warning in the kernel's log).
#
# Environment: TCPSM_INJECT_KO (scripts/bench.sh builds it);
# TCPSM_BENCH_INJ_RATES edges/s (default "20000 30000 40000 50000 70000
# 100000 200000 400000 800000"); TCPSM_BENCH_INJ_SECONDS per step (default 3).
set -euo pipefail
PART=inject
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

RATES=${TCPSM_BENCH_INJ_RATES:-20000 30000 40000 50000 70000 100000 200000 400000 800000}
SECS=${TCPSM_BENCH_INJ_SECONDS:-3}
INJ_KO=${TCPSM_INJECT_KO:-}
CTL=/sys/kernel/debug/tcpsm/inject
EV=$SCRATCH/events.json

# In a namespace of its own, where nothing but the injected edges
# happens: the churns of earlier parts leave thousands of TIME_WAIT
# sockets in the initial one, whose expiry is edges and events too.
NSI=tcpsmI
if [ -z "${TCPSM_INJECT_IN_NS:-}" ]; then
	ip netns del "$NSI" 2>/dev/null || :
	{ ip netns add "$NSI" && ip -n "$NSI" link set lo up; } || fatal "ip netns add $NSI failed"
	rc=0
	TCPSM_INJECT_IN_NS=1 ip netns exec "$NSI" bash "$0" "$@" || rc=$?
	ip netns del "$NSI" 2>/dev/null || :
	exit "$rc"
fi
# ip netns exec mounted a sysfs of this namespace over /sys: debugfs too
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug ||
	fatal "cannot mount debugfs"

bench_setup
echo "Events delivered to one subscriber (tcpsm events --json > file), edges injected at a known rate"
echo "test build of tcpsm (debugfs inject), ESTABLISHED -> FIN_WAIT_1 of one kernel socket, $SECS s per step,"
echo "in a namespace of its own"
echo
if [ -z "$INJ_KO" ] || [ ! -r "$INJ_KO" ]; then
	result why "no inject build (TCPSM_INJECT_KO: scripts/module.sh --inject)"
	echo "  n/a: no inject build of the module (TCPSM_INJECT_KO='$INJ_KO')"
	echo
	exit 0
fi

# The test build must not outlive this part: the next ones load the release one.
trap 'mod_unload' EXIT
mod_unload
insmod "$INJ_KO" || fatal "insmod $INJ_KO failed"
[ -w "$CTL" ] || fatal "$CTL missing: is $INJ_KO the inject build?"

# inject_field KEY: KEY's value in the last report read into $inj
inj=
inject_field() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<< " $inj"; }

# stats_counts: the gauges and edge counters, which injection must not move
stats_counts() { "$TCPSM" stats --json | jq -c '[.states, .transitions]'; }

events_or_na "$EV"
bg_stop "$events_pid" || :
counts0=$(stats_counts)

printf '  %10s %11s %12s %9s %9s %9s\n' "asked/s" "injected/s" "delivered/s" "dropped" "overrun" "lost"
best='' best_inj='' first_loss='' max_deliv=0 n_steps=0
for r in $RATES; do
	events_start "$EV" || fatal "tcpsm events stopped working: ${events_why:-}"
	d0=$(events_dropped)
	echo "$r $SECS" > "$CTL" || fatal "inject $r $SECS refused"
	sleep "$SECS"
	for _ in $(seq 300); do
		inj=$(cat "$CTL")
		[ "$(inject_field running)" != 1 ] || { sleep 0.1; continue; }
		break
	done
	[ "$(inject_field running)" = 0 ] || fatal "injection at $r/s did not end: $inj"
	# until the subscriber has written all it will: its file stops
	# growing (past the ceiling it reads behind the module's sends)
	size=-1
	for _ in $(seq 40); do
		sleep 0.5
		s1=$(stat -c %s "$EV")
		[ "$s1" != "$size" ] || break
		size=$s1
	done
	d1=$(events_dropped)
	alive=1
	bg_alive "$events_pid" || alive=0
	bg_stop "$events_pid" || :
	[ "$alive" = 1 ] || fatal "tcpsm events died at $r/s: $(head -n 1 "$SCRATCH/events.err")"

	injected=$(inject_field injected) elapsed=$(inject_field elapsed_ns)
	unheard=$(inject_field unheard) late=$(inject_field late)
	[ "${unheard:-0}" = 0 ] || say "inject: $unheard edges found no subscriber at $r/s"
	# one pass over a file that may hold millions of lines
	read -r n lostn < <(awk '/"seq"/ { n++ }
		/"lost"/ { if (match($0, /"lost": *[0-9]+/)) { s = substr($0, RSTART, RLENGTH); sub(/.*: */, "", s); l += s } }
		END { print n + 0, l + 0 }' "$EV")
	rm -f "$EV"
	if [ -z "$d0" ] || [ -z "$d1" ]; then fatal "tcpsm stats --json has no events_dropped"; fi
	dropped=$((d1 - d0))
	overrun=$((injected - n - dropped))
	inj_s=$(calc "$injected * 1e9 / $elapsed" "%.0f")
	evs=$(calc "$n * 1e9 / $elapsed" "%.0f")
	printf '  %10s %11s %12s %9s %9s %9s\n' "$r" "$inj_s" "$evs" "$dropped" "$overrun" "$lostn"
	say "inject: asked $r/s: injected $injected in $(calc "$elapsed / 1e9" %.2f) s ($inj_s/s, late $late), delivered $n ($evs/s), dropped $dropped, overrun $overrun, lost $lostn"
	n_steps=$((n_steps + 1))
	result "step${n_steps}" "$r $inj_s $evs $dropped $overrun $lostn"
	[ "$evs" -le "$max_deliv" ] || max_deliv=$evs
	if [ "$n" = "$injected" ] && [ "$lostn" = 0 ] && [ "$dropped" = 0 ]; then
		[ -n "$first_loss" ] || { best=$evs best_inj=$inj_s; }
	else
		[ -n "$first_loss" ] || first_loss=$r
	fi
done
echo
counts1=$(stats_counts)
[ "$counts0" = "$counts1" ] || fatal "injection moved the gauges or edge counters: $counts0 -> $counts1"

result max_delivered "$max_deliv"
if [ -z "$best" ]; then
	echo "  lost events already at the first step ($first_loss/s asked); most delivered: $max_deliv events/s"
	result why "lost events at the first step"
else
	result events_per_s "$best"
	result injected_per_s "$best_inj"
	if [ -z "$first_loss" ]; then
		echo "  no drop up to the last step: >= $best events/s"
		result lower_bound 1
	else
		echo "  highest without a drop: $best events/s ($best_inj/s injected); first loss at $first_loss/s asked; most delivered: $max_deliv events/s"
		result first_loss "$first_loss"
	fi
fi
echo "  gauges and edge counters unchanged by injection"

# rmmod in the middle of an injection, a subscriber reading
events_start /dev/null || fatal "tcpsm events stopped working: ${events_why:-}"
echo "200000 60" > "$CTL" || fatal "inject 200000 60 refused"
sleep 1
inj=$(cat "$CTL")
[ "$(inject_field running)" = 1 ] || fatal "injection not running before rmmod: $inj"
t0=$(now_us)
rmmod tcpsm || fatal "rmmod during an injection failed"
ms=$(( ($(now_us) - t0) / 1000 ))
! loaded || fatal "tcpsm still loaded after rmmod"
! grep -qs '^tcpsm_inject' /proc/[0-9]*/comm || fatal "injection threads left after rmmod"
bg_stop "$events_pid" || :
echo "  rmmod during an injection ($(inject_field injected) edges in): done in $ms ms, no thread left"
result unload_ms "$ms"
echo
