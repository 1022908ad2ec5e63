#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Load and unload tcpsm 20 times (50 on the debug kernel, where KASAN,
# lockdep and kmemleak watch every cycle; TCPSM_UNLOAD_CYCLES overrides)
# while connections churn, readers query it and subscribers stream its
# events (the module unloads under them), then check that nothing was
# left behind and that counts are exact:
#
#  - every rmmod succeeds (retried while a reader holds the module), no
#    reader dies of a signal, and tcpsm logs no leak; the VM runner fails
#    the run on any WARNING, BUG or Oops in the kernel log;
#  - after the last load, under a fresh churn of thousands of connections
#    on 2 CPUs, the matrix agrees with the kernel's own SNMP counters
#    (TcpActiveOpens, TcpPassiveOpens, TcpExtTW) and every gauge equals
#    what ss shows.
#
# Runs in the VM with tcpsm loaded (tests/run.sh) and leaves it loaded.

set -u
cd "$(dirname "$0")" || exit 1
# shellcheck source=tests/lib.sh
. ./lib.sh
tcpsm_test_start unload_churn

TRAFFIC=$BUILD/tcpsm_traffic
NS=tcpsmU
# On the debug kernel everything costs ten times more, and the guest's two
# vCPUs share one host thread: the churn is paced, the readers pause
# between reads and only two of them run (every process started costs
# about a second there), so that the load/unload cycles get the CPU.
if [ "${TCPSM_KERNEL_KIND:-}" = build ]; then
	DEBUG_KERNEL=1
	# 25: a cycle took 8 s there alone and 12 s beside another guest,
	# and 22 s since time in state (7 December 2026: 50 cycles, 1 118 s
	# of a CI that must end in 90 minutes)
	CYCLES=${TCPSM_UNLOAD_CYCLES:-25}
	READER_PAUSE=2
	CHURN_RATE=50
	MIN_CONNS=100
else
	DEBUG_KERNEL=0
	CYCLES=${TCPSM_UNLOAD_CYCLES:-20}
	READER_PAUSE=0
	CHURN_RATE=0
	MIN_CONNS=1000
fi
pids=()

# background jobs run in process groups of their own: stop them whole
stop_jobs() {
	for p in "${pids[@]}"; do kill -KILL -- "-$p" 2>/dev/null; done
	wait 2>/dev/null || :
	pids=()
}

cleanup() {
	stop_jobs
	ip netns del "$NS" 2>/dev/null
}

stats() {
	tcpsm_stats "$NS"
}



ip netns add "$NS" && ip -n "$NS" link set lo up || die "cannot create $NS"
dmesg_before=$(dmesg | wc -l)

# --- load/unload cycles under churn and readers --------------------------
setsid "$TRAFFIC" churn --ns-client "$NS" --seconds 1800 --workers 1 \
	--rate "$CHURN_RATE" >"$TCPSM_RUNDIR/churn1" 2>&1 &
pids+=($!)

# readers; exit 2 (module gone) and 1 (family gone
# mid-request) are expected while cycling, a signal is not
reader() {
	while :; do
		"$@" >/dev/null 2>&1
		rc=$?
		if [ "$rc" -gt 2 ]; then
			echo "reader '$*' exited $rc" >>"$TCPSM_RUNDIR/readers"
		fi
		[ "$READER_PAUSE" = 0 ] || sleep "$READER_PAUSE"
	done
}
export -f reader
export TCPSM_RUNDIR READER_PAUSE
# nsenter, not ip netns exec: no mount namespace and sysfs remount per read
in_ns() { nsenter --net="/run/netns/$NS" "$@"; }
export -f in_ns
export NS
setsid bash -c 'reader "$@"' _ "$TCPSM_CLI" stats --all-netns --json &
pids+=($!)
# subscribers: in the churning namespace (and, but for the debug kernel,
# in the initial one); exit 2 when the module goes away under them, 0 when
# their time is up (SIGINT)
setsid bash -c 'reader "$@"' _ in_ns \
	timeout --preserve-status -s INT 5 "$TCPSM_CLI" events --json &
pids+=($!)
if [ "$DEBUG_KERNEL" = 0 ]; then
	setsid bash -c 'reader "$@"' _ in_ns "$TCPSM_CLI" stats &
	pids+=($!)
	setsid bash -c 'reader "$@"' _ \
		timeout --preserve-status -s INT 5 "$TCPSM_CLI" events &
	pids+=($!)
fi

sleep 1
for i in $(seq "$CYCLES"); do
	for _ in $(seq 50); do
		rmmod tcpsm 2>/dev/null && break
		sleep 0.1
	done
	grep -q '^tcpsm ' /proc/modules && die "cycle $i: rmmod failed 50 times"
	insmod "$TCPSM_KO" || die "cycle $i: insmod failed"
	stats >/dev/null || die "cycle $i: stats failed right after insmod"
	[ $((i % 10)) -ne 0 ] || echo "# $i cycles, ${SECONDS} s"
done
echo "ok: $CYCLES load/unload cycles under churn"

stop_jobs 2>/dev/null
[ -s "$TCPSM_RUNDIR/readers" ] && die "$(cat "$TCPSM_RUNDIR/readers")"

if dmesg | tail -n +"$((dmesg_before + 1))" | grep -E 'tcpsm: .*(leak|missed)'; then
	die "tcpsm reported leaked or missed state (above)"
fi

# --- exact counts after the last load -------------------------------------
# A reload starts a fresh matrix: compare what the next churn did with the
# kernel's own counters for the same namespace.
rmmod tcpsm && insmod "$TCPSM_KO" || die "final reload"
tcpsm_nstat_snap "$NS"
"$TRAFFIC" churn --ns-client "$NS" --seconds 5 --workers 2 \
	>"$TCPSM_RUNDIR/churn2" 2>&1 || die "churn: $(cat "$TCPSM_RUNDIR/churn2")"
echo "churn: $(cat "$TCPSM_RUNDIR/churn2")"
sleep 1		# the last FINs and ACKs in flight on loopback
s=$(stats) || die "stats after churn"
nstat=$(tcpsm_nstat_delta "$NS" TcpActiveOpens TcpPassiveOpens TcpExtTW)
echo "nstat delta: $nstat"

check() {	# name tcpsm kernel
	if [ "$2" != "$3" ]; then
		echo "$s" | jq .
		die "$1: tcpsm $2, kernel $3"
	fi
	echo "ok: $1 = $2"
}
check "CLOSED->SYN_SENT vs TcpActiveOpens" \
	"$(tcpsm_edge "$s" CLOSED SYN_SENT)" "$(jq .TcpActiveOpens <<<"$nstat")"
check "LISTEN->SYN_RCVD vs TcpPassiveOpens" \
	"$(tcpsm_edge "$s" LISTEN SYN_RCVD)" "$(jq .TcpPassiveOpens <<<"$nstat")"
check "edges into TIME_WAIT vs TcpExtTW" \
	"$(tcpsm_edges_into "$s" TIME_WAIT)" "$(jq .TcpExtTW <<<"$nstat")"
[ "$(tcpsm_edge "$s" CLOSED SYN_SENT)" -gt "$MIN_CONNS" ] ||
	die "churn made too few connections to mean anything"

# Gauges against ss. TIME_WAIT sockets of the first churn keep expiring
# (nothing creates new ones now), so each count can only fall while ss
# walks the table: ss must lie between a read before it and a read after.
g1=$(stats | jq -c '.states')
want=$(tcpsm_ss_states "$NS")
g2=$(stats | jq -c '.states')
bad=$(jq -n -r --argjson a "$g1" --argjson ss "$want" --argjson b "$g2" '
	$a | keys[] | select(($a[.] < $ss[.]) or ($ss[.] < $b[.]) or ($b[.] > $a[.]))')
[ -z "$bad" ] || die "gauges disagree with ss in $bad: tcpsm before $g1, ss $want, tcpsm after $g2"
echo "ok: gauges bracket ss: before $g1, ss $want, after $g2"
exit 0
