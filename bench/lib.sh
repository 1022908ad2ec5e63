# shellcheck shell=bash disable=SC2034 # it sets variables for the parts
# SPDX-License-Identifier: GPL-2.0
# bench/lib.sh - helpers for the benchmark parts (bash; sourced, in the VM).
#
# Each part (bench/overhead.sh, bench/events_rate.sh, bench/stats_vs_ss.sh)
# prints its section of the table on stdout, progress lines starting with
# "# ", and writes its results as KEY=VALUE lines to $BENCH_OUT/PART.env for
# bench/run.sh, which prints the targets.
#
# Environment: TCPSM_ROOT, TCPSM_KO, TCPSM_CLI (scripts/vm.sh); BENCH_OUT
# (default $TCPSM_RESULTS, the results share); TCPSM_BENCH_WORKERS
# (default: the vCPUs); TCPSM_BENCH_SUB_WAIT: seconds a subscriber gets to
# subscribe (default 2).

ROOT=${TCPSM_ROOT:?run in the VM (scripts/bench.sh)}
TRAFFIC=$ROOT/build/tests/tcpsm_traffic
TCPSM=${TCPSM_CLI:-$ROOT/userspace/tcpsm}
BENCH_OUT=${BENCH_OUT:-${TCPSM_RESULTS:-/tmp/bench}}
WORKERS=${TCPSM_BENCH_WORKERS:-$(nproc)}
SUB_WAIT=${TCPSM_BENCH_SUB_WAIT:-2}
mkdir -p "$BENCH_OUT"
# scratch space: guest tmpfs, not the 9p results share
SCRATCH=$(mktemp -d /tmp/bench.XXXXXX)

say() { echo "# $*" >&2; }
fatal() { echo "bench: $*" >&2; exit 1; }

# result KEY VALUE: record a result of this part ($PART.env)
result() { printf '%s=%q\n' "$1" "$2" >> "$BENCH_OUT/$PART.env"; }
reset_results() { : > "$BENCH_OUT/$PART.env"; }

# median N...: the median of the numbers
median() {
	printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 }
		END { if (NR == 0) exit 1
		      if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# calc EXPR: floating point arithmetic (awk), e.g. calc "3 / 7" "%.3f"
calc() { awk "BEGIN { printf \"${2:-%.3f}\", $1 }"; }

# now_us: wall clock in microseconds (where a fork matters, time with
# ${EPOCHREALTIME/./} itself)
now_us() { echo "${EPOCHREALTIME/./}"; }

# ---- the module ----------------------------------------------------------
loaded() { grep -q '^tcpsm ' /proc/modules; }
# mod_load [PARAM=VALUE...]: tcpsm loaded with these parameters (reloaded
# if it was loaded with others)
MOD_ARGS=
mod_load() {
	if loaded && [ "$MOD_ARGS" != "$*" ]; then
		mod_unload
	fi
	loaded || insmod "$TCPSM_KO" "$@" || fatal "insmod $TCPSM_KO $* failed"
	MOD_ARGS="$*"
}
mod_unload() {
	for _ in $(seq 50); do
		loaded || return 0
		rmmod tcpsm 2>/dev/null && return 0
		sleep 0.2
	done
	fatal "rmmod tcpsm failed"
}

# ---- background jobs, each in a session of its own ----------------------
# bg_start OUT ERR CMD...: start CMD (stdout OUT, stderr ERR); its pid is
# in $bg_pid.
bg_pid=
bg_start() {
	local out=$1 err=$2
	shift 2
	setsid "$@" > "$out" 2> "$err" < /dev/null &
	bg_pid=$!
}
# bg_alive PID
bg_alive() { kill -0 "$1" 2>/dev/null; }
# bg_stop PID [SIGNAL]: SIGNAL (default INT) to its session, then KILL
# after 10 s; returns its exit status (or 0 when we killed it).
bg_stop() {
	local pid=$1 sig=${2:-INT} rc=0
	kill -"$sig" -- "-$pid" 2>/dev/null || kill -"$sig" "$pid" 2>/dev/null || :
	for _ in $(seq 100); do
		bg_alive "$pid" || break
		sleep 0.1
	done
	if bg_alive "$pid"; then
		kill -KILL -- "-$pid" 2>/dev/null || :
	fi
	wait "$pid" 2>/dev/null || rc=$?
	return "$rc"
}

# estab_hold COUNT PORT: COUNT loopback connections held open by
# tcpsm_traffic estab in the background ($estab_pid; its JSON report in
# $SCRATCH/estab.json once they are all up); fatal if they do not come up
estab_pid=''
estab_hold() {
	bg_start "$SCRATCH/estab.json" "$SCRATCH/estab.err" \
		"$TRAFFIC" estab --count "$1" --port-base "$2" --hold --hold-max 3600 --timeout-ms 30000
	estab_pid=$bg_pid
	for _ in $(seq 1200); do
		[ ! -s "$SCRATCH/estab.json" ] || break
		bg_alive "$estab_pid" || break
		sleep 0.5
	done
	[ -s "$SCRATCH/estab.json" ] || fatal "estab: $(cat "$SCRATCH/estab.err")"
	jq -e .ok "$SCRATCH/estab.json" > /dev/null || fatal "estab: $(cat "$SCRATCH/estab.json")"
}

# events_or_na OUT: events_start OUT, or, when the subscriber cannot run,
# say why in the part's results and table and end the part (not an error)
events_or_na() {
	events_start "$1" && return 0
	result why "tcpsm events: ${events_why:-exited}"
	echo "  n/a: tcpsm events: ${events_why:-exited}"
	echo
	exit 0
}

# ---- subscribers ---------------------------------------------------------
# events_start OUT [text]: `tcpsm events --json > OUT` (with text: the
# text line, no --json) in the background ($events_pid); fails (its stderr
# on ours) if it is gone after $SUB_WAIT s.
events_pid='' events_why=''
events_start() {
	local fmt=(--json)
	[ "${2:-}" != text ] || fmt=()
	bg_start "$1" "$SCRATCH/events.err" "$TCPSM" events "${fmt[@]}"
	events_pid=$bg_pid
	sleep "$SUB_WAIT"
	if ! bg_alive "$events_pid"; then
		wait "$events_pid" 2>/dev/null
		events_why=$(head -n 1 "$SCRATCH/events.err")
		return 1
	fi
}

# tcpstates_start: libbpf-tools' tcpstates > /dev/null in the background
# ($tcpstates_pid). It is attached once it polls its perf buffer, which it
# sets up after attaching: an eventpoll fd. Fails (reason in $tcpstates_why)
# if it died or did not get there in 60 s.
TCPSTATES=${TCPSM_BENCH_TCPSTATES:-$(command -v tcpstates || echo /usr/sbin/tcpstates)}
tcpstates_pid='' tcpstates_why=''
tcpstates_start() {
	local t0 fd
	t0=$(now_us)
	bg_start /dev/null "$SCRATCH/tcpstates.err" "$TCPSTATES"
	tcpstates_pid=$bg_pid
	for _ in $(seq 600); do
		if ! bg_alive "$tcpstates_pid"; then
			wait "$tcpstates_pid" 2>/dev/null
			tcpstates_why=$(grep -v '^libbpf: .*skip\|^$' "$SCRATCH/tcpstates.err" | tail -n 1)
			return 1
		fi
		for fd in "/proc/$tcpstates_pid"/fd/*; do
			[ "$(readlink "$fd" 2>/dev/null)" = "anon_inode:[eventpoll]" ] || continue
			say "tcpstates attached in $(calc "($(now_us) - $t0) / 1000000" %.1f) s"
			sleep 0.5
			return 0
		done
		sleep 0.1
	done
	tcpstates_why="not attached after 60 s"
	bg_stop "$tcpstates_pid" || :
	return 1
}

# events_dropped: "events_dropped" of `tcpsm stats --json`, or "" if the
# module does not report it
events_dropped() {
	"$TCPSM" stats --json 2>/dev/null | jq -r '.events_dropped // empty' 2>/dev/null
}

# churn SECONDS PORT_BASE [RATE_PER_WORKER]: the loopback churn with
# $WORKERS workers; prints connections/s (fails on any error)
churn() {
	local out
	out=$("$TRAFFIC" churn --workers "$WORKERS" --seconds "$1" --port-base "$2" \
		--rate "${3:-0}" 2> "$SCRATCH/churn.err") ||
		fatal "churn failed: $out $(cat "$SCRATCH/churn.err")"
	jq -r .conn_per_s <<< "$out"
}

bench_setup() {
	reset_results
	for m in tcp_diag inet_diag; do modprobe -q "$m" 2>/dev/null || :; done
	[ -x "$TRAFFIC" ] || fatal "$TRAFFIC missing (make tests)"
	[ -x "$TCPSM" ] || fatal "$TCPSM missing (make cli)"
	[ -r "$TCPSM_KO" ] || fatal "$TCPSM_KO missing"
}
