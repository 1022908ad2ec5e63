#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The tcpsm benchmark, INSIDE the VM: scripts/vm.sh run bench/run.sh
# (scripts/bench.sh, i.e. make bench, does this). Runs the parts, prints
# their tables and then the targets, PASS or MISS:
#   stats     bench/stats_vs_ss.sh  tcpsm stats >= 20x faster than ss
#   overhead  bench/overhead.sh     B >= 99% of A; C and T >= 95% of A; C > D;
#                                   B >= 99% of N (time in state)
#   events    bench/events_rate.sh  (reported, no target)
#   allns     bench/allns.sh        stats --all-netns at 400 namespaces
#                                   within 1.5x of at 5
#   inject    bench/inject.sh       (reported, no target; needs the test
#                                   build, TCPSM_INJECT_KO)
# stats runs first, on socket tables that the churns have not yet filled
# with TIME_WAIT sockets.
# A missed target is not an error; the exit code is non-zero only when a
# part failed. The table is also saved to $TCPSM_RESULTS/table (on the
# host: build/bench/table), the parts' results to $TCPSM_RESULTS/PART.env.
#
# Environment: TCPSM_BENCH_PARTS (default "stats allns overhead events inject
# scrape"), and those of the parts.
set -uo pipefail
DIR=$(cd "$(dirname "$0")" && pwd)
BENCH_OUT=${TCPSM_RESULTS:-/tmp/bench}
export BENCH_OUT
mkdir -p "$BENCH_OUT"
PARTS=${TCPSM_BENCH_PARTS:-stats allns overhead events inject scrape}
TABLE=$BENCH_OUT/table
: > "$TABLE"

declare -A script=([overhead]=overhead.sh [events]=events_rate.sh [inject]=inject.sh
	[stats]=stats_vs_ss.sh [scrape]=scrape.sh [allns]=allns.sh)
failed=()

{
	echo "tcpsm bench: $(uname -r), $(nproc) vCPUs (QEMU TCG, ${TCPSM_VM_TCG_THREAD:-single}-threaded), $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo
} | tee -a "$TABLE"

for p in $PARTS; do
	[ -n "${script[$p]:-}" ] || { echo "bench: unknown part '$p' (${!script[*]})" >&2; exit 2; }
	rm -f "$BENCH_OUT/$p.env"
	t0=$(date +%s)
	if ! bash "$DIR/${script[$p]}" | tee -a "$TABLE"; then
		failed+=("$p")
		echo "  $p: FAILED (see the lines above)" | tee -a "$TABLE"
		echo | tee -a "$TABLE"
	fi
	echo "# $p: $(( $(date +%s) - t0 )) s" >&2
done

# ---- targets -------------------------------------------------------------
calc() { awk "BEGIN { printf \"${2:-%.3f}\", $1 }"; }
# get PART KEY: a result of a part, "" if none
get() {
	[ -r "$BENCH_OUT/$1.env" ] || return 0
	# shellcheck source=/dev/null
	( . "$BENCH_OUT/$1.env"; eval "echo \"\${$2:-}\"" )
}
# target NAME OK_EXPR VALUE: PASS, MISS or n/a
target() {
	local name=$1 expr=$2 shown=$3 v
	if [ -z "$expr" ]; then
		v=n/a
	elif awk "BEGIN { exit !($expr) }"; then
		v=PASS
	else
		v=MISS
	fi
	printf '  %-5s %-38s %s\n' "$v" "$name" "$shown"
}

# ceiling PART LABEL [AFTER]: PART's events/s without a loss (">=" when
# the load could make no more), reported without a target, or why n/a
ceiling() {
	local ev
	ev=$(get "$1" events_per_s)
	if [ -z "$ev" ]; then
		printf '  %-5s %-38s %s\n' "n/a" "$2" "$(get "$1" why)"
		return
	fi
	[ -z "$(get "$1" lower_bound)" ] || ev=">= $ev"
	printf '  %-5s %-38s %s\n' "" "$2" "$ev${3:-}"
}

{
	echo "Targets"
	if [[ " $PARTS " == *" overhead "* ]]; then
		b=$(get overhead ratio_B) c=$(get overhead ratio_C) d=$(get overhead ratio_D)
		target "B >= 99% of A" "${b:+$b >= 0.99}" "B/A = ${b:-n/a}"
		cp=$(get overhead paired_C) t=$(get overhead ratio_T) tp=$(get overhead paired_T)
		target "C >= 95% of A" "${c:+$c >= 0.95}" "C/A = ${c:-n/a} (paired ${cp:-n/a})"
		target "T (text line) >= 95% of A" "${t:+$t >= 0.95}" "T/A = ${t:-n/a} (paired ${tp:-n/a})"
		e=
		[ -z "$c" ] || [ -z "$d" ] || e="$c > $d"
		target "C above D" "$e" "C/A = ${c:-n/a}, D/A = ${d:-n/a}"
		# time in state: B against N (the same module without it)
		bn=$(get overhead ratio_B_N) bnp=$(get overhead paired_B_N)
		target "time in state costs <= 1% (B/N)" "${bn:+$bn >= 0.99}" \
			"B/N = ${bn:-n/a} (paired ${bnp:-n/a})"
	fi
	if [[ " $PARTS " == *" events "* ]]; then
		ceiling events "events/s before the first drop"
	fi
	if [[ " $PARTS " == *" inject "* ]]; then
		ceiling inject "injected ceiling" \
			" events/s (most delivered $(get inject max_delivered)/s)"
	fi
	if [[ " $PARTS " == *" stats "* ]]; then
		r=$(get stats ratio)
		target "stats >= 20x faster than ss" "${r:+$r >= 20}" "${r:-n/a}${r:+x}"
	fi
	if [[ " $PARTS " == *" allns "* ]]; then
		r=$(get allns ratio) f=$(get allns first) l=$(get allns last)
		target "all-netns read at ${l:-400} ns within 1.5x of ${f:-5} ns" "${r:+$r <= 1.5}" \
			"${r:-n/a}${r:+x} ($(get allns "tcpsm_ms_${l:-400}") ms / $(get allns "tcpsm_ms_${f:-5}") ms)"
	fi
	if [[ " $PARTS " == *" scrape "* ]]; then
		m=$(get scrape scrape_ms)
		[ -z "$m" ] || m="$(calc "$m" %.1f) ms"
		printf '  %-5s %-38s %s\n' "" "one scrape, $(get scrape netns) namespaces" "${m:-n/a}"
	fi
	if [ "${#failed[@]}" -gt 0 ]; then
		echo
		echo "bench: part(s) failed: ${failed[*]}"
	fi
} | tee -a "$TABLE"
[ "${#failed[@]}" -eq 0 ]
