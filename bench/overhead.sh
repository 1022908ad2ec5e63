#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What tcpsm costs a connection churn, in the VM (bench/run.sh runs it).
#
# Workload: a loopback connect/accept/close churn (tcpsm_traffic churn), one
# worker per vCPU, unpaced. Configurations, interleaved A B C D A B C D...:
#   A  no module
#   B  tcpsm loaded, no subscriber
#   C  tcpsm loaded, `tcpsm events --json > /dev/null` running
#   T  tcpsm loaded, `tcpsm events > /dev/null` (the text line) running
#   D  no module, `tcpstates` (Debian's libbpf-tools) > /dev/null running
#   N  tcpsm loaded without time in state (latency_sockets=0), no
#      subscriber: B/N is what time in state costs
# Prints the median connections/s of each, its ratio to A's median ("vs A",
# the number the targets use), and the median of its ratios to A in the
# same round ("paired": the same when the machine is steady; when other
# load comes and goes, it is the steadier of the two), and for C, T and D the
# CPU the subscriber process used during the churn ("sub%", median, percent
# of one vCPU: what it took from the churn's workers).
#
# Environment: TCPSM_BENCH_ROUNDS (default 7), TCPSM_BENCH_SECONDS per run
# (default 8), TCPSM_BENCH_CONFIGS (default "A B N C T D"), TCPSM_BENCH_WORKERS
# (default: the vCPUs), TCPSM_BENCH_PAUSE seconds between runs (default 1),
# TCPSM_BENCH_SETTLE seconds of unmeasured churn before each run (default
# 2: after insmod, TCG retranslates the patched code).
# A configuration that cannot run (no `tcpsm events` yet, tcpstates
# cannot attach) is reported n/a with the reason; that is not an error.
set -euo pipefail
PART=overhead
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

ROUNDS=${TCPSM_BENCH_ROUNDS:-7}
SECS=${TCPSM_BENCH_SECONDS:-8}
CONFIGS=${TCPSM_BENCH_CONFIGS:-A B N C T D}
PAUSE=${TCPSM_BENCH_PAUSE:-1}
SETTLE=${TCPSM_BENCH_SETTLE:-2}
PORT=41000
declare -A desc=(
	[A]="no module"
	[B]="tcpsm loaded, no subscriber"
	[C]="tcpsm + tcpsm events --json >/dev/null"
	[T]="tcpsm + tcpsm events >/dev/null (text)"
	[D]="no module, tcpstates >/dev/null"
	[N]="tcpsm without time in state"
)
declare -A runs=() why=() val=() cpu=()

# cpu_ticks PID: user + system CPU time of PID so far, in clock ticks
HZ=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# setup CONFIG: get the system into CONFIG; fails (reason in why[C]) if it
# cannot be had
setup() {
	case "$1" in
	A) mod_unload ;;
	B) mod_load ;;
	C)
		mod_load
		events_start /dev/null || { why[C]="tcpsm events: ${events_why:-exited}"; return 1; }
		;;
	T)
		mod_load
		events_start /dev/null text || { why[T]="tcpsm events: ${events_why:-exited}"; return 1; }
		;;
	D)
		mod_unload
		tcpstates_start || { why[D]="tcpstates: ${tcpstates_why:-exited}"; return 1; }
		;;
	N) mod_load latency_sockets=0 ;;
	*) fatal "unknown configuration $1" ;;
	esac
}

# teardown CONFIG: stop its subscriber; fails if it died during the run
teardown() {
	case "$1" in
	C|T)
		bg_alive "$events_pid" || { why[$1]="tcpsm events died during the run"; bg_stop "$events_pid" || :; return 1; }
		bg_stop "$events_pid" || :
		;;
	D)
		bg_alive "$tcpstates_pid" || { why[D]="tcpstates died during the run"; bg_stop "$tcpstates_pid" || :; return 1; }
		bg_stop "$tcpstates_pid" || :
		;;
	esac
}

bench_setup
say "overhead: $ROUNDS rounds of $CONFIGS, $SECS s each, $WORKERS workers"
mod_unload
say "warm-up: 3 s of churn"
churn 3 "$PORT" > /dev/null

for r in $(seq "$ROUNDS"); do
	for c in $CONFIGS; do
		[ -z "${why[$c]:-}" ] || continue	# could not run before: skip it
		sleep "$PAUSE"
		if ! setup "$c"; then
			say "round $r: $c: n/a (${why[$c]})"
			continue
		fi
		# steady state: loading the module patches kernel text, after
		# which TCG translates the code it runs again
		churn "$SETTLE" "$PORT" > /dev/null
		sub=
		case "$c" in C|T) sub=$events_pid ;; D) sub=$tcpstates_pid ;; esac
		[ -z "$sub" ] || c0=$(cpu_ticks "$sub")
		v=$(churn "$SECS" "$PORT")
		[ -z "$sub" ] || cpu[$c]="${cpu[$c]:-} $(calc "($(cpu_ticks "$sub") - $c0) * 100 / $HZ / $SECS" %.0f)"
		if teardown "$c"; then
			runs[$c]="${runs[$c]:-} $v"
			val[$c,$r]=$v
			say "round $r: $c: $v conn/s"
		else
			say "round $r: $c: n/a (${why[$c]})"
		fi
	done
done
mod_unload

# paired C [BASE]: the median over rounds of C's conn/s / BASE's (default
# A) in the same round
paired() {
	local r p=() base=${2:-A}
	for r in $(seq "$ROUNDS"); do
		if [ -z "${val[$1,$r]:-}" ] || [ -z "${val[$base,$r]:-}" ]; then continue; fi
		p+=("$(calc "${val[$1,$r]} / ${val[$base,$r]}")")
	done
	[ "${#p[@]}" -gt 0 ] || { echo -; return; }
	median "${p[@]}" | xargs printf %.3f
}

# ---- the table -----------------------------------------------------------
echo "Connection churn: loopback connect/accept/close, $WORKERS workers (one per vCPU),"
echo "$ROUNDS rounds of $SECS s, configurations interleaved; median connections/s"
echo
printf '  %-42s %8s %6s %7s %5s   %s\n' "configuration" "conn/s" "vs A" "paired" "sub%" "per round"
a=
for c in $CONFIGS; do
	if [ -n "${runs[$c]:-}" ]; then
		# shellcheck disable=SC2086 # a list of numbers
		m=$(median ${runs[$c]})
		result "median_$c" "$m"
		result "rounds_$c" "$(wc -w <<< "${runs[$c]}")"
		[ "$c" != A ] || a=$m
		if [ -n "$a" ]; then
			ratio=$(calc "$m / $a")
			result "ratio_$c" "$ratio"
		else
			ratio=-
		fi
		pr=$(paired "$c")
		result "paired_$c" "$pr"
		subcpu=-
		if [ -n "${cpu[$c]:-}" ]; then
			# shellcheck disable=SC2086 # a list of numbers
			subcpu=$(median ${cpu[$c]})
			result "subscriber_cpu_$c" "$subcpu"
		fi
		# shellcheck disable=SC2086 # a list of numbers
		printf '  %s  %-39s %8.0f %6s %7s %5s  %s\n' "$c" "${desc[$c]}" "$m" "$ratio" "$pr" \
			"$subcpu" "$(printf ' %.0f' ${runs[$c]})"
	else
		result "why_$c" "${why[$c]:-not run}"
		printf '  %s  %-39s %8s %6s %7s %5s   %s\n' "$c" "${desc[$c]}" n/a - - - "${why[$c]:-not run}"
	fi
done
echo "  (vs A: median / A's median; paired: median of the per-round ratios to A;"
echo "   sub%: CPU of the subscriber process during the churn, % of one vCPU)"
if [ -n "${runs[B]:-}" ] && [ -n "${runs[N]:-}" ]; then
	# shellcheck disable=SC2086 # lists of numbers
	bn=$(calc "$(median ${runs[B]}) / $(median ${runs[N]})")
	bnp=$(paired B N)
	result "ratio_B_N" "$bn"
	result "paired_B_N" "$bnp"
	echo "  time in state: B/N $bn, paired $bnp (N runs next to B in each round)"
fi
echo
