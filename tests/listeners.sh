#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# listeners.sh: `tcpsm listeners --json` against ss and nstat, and
# listener tracking under a SYN flood (listeners opened and closed at a
# high rate, the module unloaded) in the VM (root, tcpsm loaded by
# tests/run.sh; left loaded). Topology and tools: tests/lib.sh
# tcpsm_flood_setup, tests/syn_flood, tests/syn_traffic (see synflood.sh).
#
#  1. compare: in S, listeners 0.0.0.0:9001 (backlog 16, never accepts,
#     5 clients connected: Recv-Q 5), 198.51.100.1:9002 (backlog 128),
#     [::]:9003 (backlog 32), 0.0.0.0:9004 (backlog 64, flooded for 2 s:
#     64 request sockets left in its SYN queue, retransmitting for a
#     minute). During the flood 9004 shows cookies and a full SYN queue,
#     the others do not. At quiescence (> 2 samples after the flood):
#     the listeners are exactly ss -ltn's; accept_queue == Recv-Q,
#     accept_queue_max == Send-Q, syn_queue == the port's ss state
#     syn-recv; "counters" values == nstat -az absolute values, rates 0;
#     the counters' growth over the flood == nstat's.
#  2. churn: listeners opened and closed at a high rate on 9100..9163
#     while a flood is spread over those ports and readers dump
#     `tcpsm listeners`: afterwards none of them is left (ss, tcpsm), a
#     port's raises are all cleared, tcpsm logs no leak, and the TCP
#     socket slab is back to where it was (the listener sockets were
#     freed: a reference kept would keep them allocated).
#  3. unload: the same churn and flood, with tcpsm unloaded and loaded
#     again $UNLOAD_CYCLES times under it: every rmmod succeeds, the same
#     checks after; the VM runner fails the run on any warning in the
#     kernel log. tcpsm is reloaded at the end.
# KTAP-ish lines on stdout; exit 0 pass, 1 fail, 4 skip.
set -u

cd "$(dirname "$0")" || exit 1
TCPSM_FL_S=tcpsm-lsS-$$
TCPSM_FL_F=tcpsm-lsF-$$
# shellcheck source=tests/lib.sh
. ./lib.sh
tcpsm_test_start listeners ip ss jq nstat insmod rmmod cli build/syn_flood \
	build/syn_traffic ko root
FLOOD=$BUILD/syn_flood
TRAFFIC=$BUILD/syn_traffic
PHASES=${TCPSM_LS_PHASES:-compare churn unload}
if [ "$K" != 1 ]; then		# the debug kernel
	FLOOD_RATE=300 CHURN_S=10 UNLOAD_CYCLES=${TCPSM_LS_UNLOAD_CYCLES:-3}
else
	FLOOD_RATE=1000 CHURN_S=8 UNLOAD_CYCLES=${TCPSM_LS_UNLOAD_CYCLES:-5}
fi
SLAB_SLACK=${TCPSM_LS_SLAB_SLACK:-64}	# TCP slab objects: per-CPU slabs are counted whole

if ! "$CLI" listeners --json > /dev/null 2>&1; then
	echo "SKIP: tcpsm listeners --json fails: $("$CLI" listeners --json 2>&1 | head -n 1)"
	exit $KSFT_SKIP
fi

bg=()

# shellcheck disable=SC2317 # called from the trap (tcpsm_test_end)
cleanup() {
	local p
	for p in "${bg[@]}"; do kill -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null; done
	for p in "${bg[@]}"; do tcpsm_wait_pid "$p" 5 2>/dev/null; done
	tcpsm_flood_teardown
}

# In S or F: inS/inF (lib.sh) in the foreground, bounded; in the
# background a plain `nsenter --net="$NS_S" PROG ... &` (or setsid ...),
# never `inS PROG &` (see lib.sh)
CMD_TIMEOUT=$((120 * K))
NS_S=/run/netns/$TCPSM_FL_S
NS_F=/run/netns/$TCPSM_FL_F
lst() { inS "$CLI" listeners --json; }

serve() { # NAME ADDR PORT BACKLOG [--noaccept]
	local name=$1 a=$2 port=$3 bl=$4; shift 4
	nsenter --net="$NS_S" "$TRAFFIC" serve --addr "$a" --port "$port" --backlog "$bl" "$@" \
		> "$RUN/$name.out" 2> "$RUN/$name.err" &
	bg+=($!)
	for _ in $(seq 100); do
		grep -q '"ready":true' "$RUN/$name.out" 2>/dev/null && return 0
		sleep 0.05
	done
	fail "listener $name on $a:$port: $(cat "$RUN/$name.out" "$RUN/$name.err")"
	return 1
}

# ss's listeners of S: "ADDR:PORT RECVQ SENDQ SYNRECV", by port then address
ss_view() {
	local syn
	syn=$(inS ss -Htn state syn-recv | awk '{ n = split($3, a, ":"); c[a[n]]++ } END { for (p in c) print p, c[p] }')
	inS ss -Hltn | awk -v syn="$syn" '
	BEGIN { n = split(syn, l, "\n"); for (i = 1; i <= n; i++) { split(l[i], f, " "); s[f[1]] = f[2] } }
	{ k = split($4, a, ":"); p = a[k]; print p, $4, $2, $3, s[p] + 0 }' |
		sort -n -k1,1 -k2,2 | cut -d' ' -f2-
}
# the same from tcpsm listeners --json
tcpsm_view() {
	jq -r '.listeners | sort_by(.port, .saddr)[] |
		"\(if .family == "inet6" then "[\(.saddr)]" else .saddr end):\(.port) \(.accept_queue) \(.accept_queue_max) \(.syn_queue)"' <<< "$1"
}
# tcpsm's counters as {name: value}
counters_of() { jq -cS '.counters | with_entries(.value |= .value)' <<< "$1"; }
# nstat_of: the seven counters' absolute values in S, keys sorted as counters_of's
nstat_of() { tcpsm_nstat_abs "$TCPSM_FL_S" $TCPSM_SYN_COUNTERS | jq -cS .; }

# TCP (and TCPv6) sockets in the slab, per-CPU partial slabs flushed first
tcp_objs() {
	local c
	for c in TCP TCPv6; do
		[ -w /sys/kernel/slab/$c/shrink ] && echo 1 > /sys/kernel/slab/$c/shrink
	done
	# "none" (fails the comparison) rather than a 0 nothing was counted in
	awk '$1 == "TCP" || $1 == "TCPv6" { n += $2; seen = 1 }
		END { print seen ? n + 0 : "none" }' /proc/slabinfo
}
tcpsm_leaks() { dmesg | tail -n +"$((dmesg0 + 1))" | grep -E 'tcpsm: .*(leak|missed)'; }
dmesg0=$(dmesg | wc -l)

# ---- 1. compare -------------------------------------------------------------------

if phase compare; then
	tcpsm_flood_setup || { fail "tcpsm_flood_setup"; exit 1; }
	serve n9001 0.0.0.0 9001 16 --noaccept && serve n9002 "$TCPSM_FL_S4" 9002 128 &&
		serve n9003 :: 9003 32 && serve n9004 0.0.0.0 9004 64 || exit 1
	nsenter --net="$NS_F" "$TRAFFIC" open --addr "$TCPSM_FL_S4" --port 9001 --rate 50 --count 5 \
		--seconds 600 > /dev/null 2>&1 &
	bg+=($!)
	sleep $((3 * K))
	L0=$(lst) || fail "tcpsm listeners --json"
	N0=$(nstat_of)
	# still flooding when looked at, 2 * K s in (so 15 s on the debug kernel)
	nsenter --net="$NS_F" "$FLOOD" --dst "$TCPSM_FL_S4" --dport 9004 --rate "$FLOOD_RATE" \
		--duration $((2 * K + 3)) > "$RUN/flood.out" 2>&1 &
	fl=$!
	bg+=("$fl")
	sleep $((2 * K))
	L=$(lst)
	echo "# during the flood: $(jq -c '[.listeners[] | {port, syn_queue, syn_queue_max, cookies, overflow, completion, score}]' <<< "$L")"
	check "during the flood: 9004 shows cookies and a full SYN queue" "true true" \
		"$(jq -r '.listeners[] | select(.port == 9004) | "\(.cookies) \(.syn_queue >= .syn_queue_max)"' <<< "$L")"
	check "during the flood: no other listener shows cookies" "" \
		"$(jq -r '.listeners[] | select(.port != 9004 and .cookies) | .port' <<< "$L")"
	tcpsm_wait_pid "$fl" $((4 + 10 * K)) || fail "syn_flood at 9004: exit $?"
	echo "# flood: $(cat "$RUN/flood.out")"
	sleep $((3 * K))	# quiescence: more than two samples since the last SYN

	for i in $(seq $((10 * K))); do
		s1=$(ss_view)
		L=$(lst)
		s2=$(ss_view)
		N1=$(nstat_of)
		t=$(tcpsm_view "$L")
		[ "$s1" = "$s2" ] && [ "$t" = "$s1" ] && [ "$(counters_of "$L")" = "$N1" ] && break
		sleep 0.5
	done
	if [ "$t" = "$s1" ] && [ "$s1" = "$s2" ]; then
		ok "listeners == ss -ltn (addr:port accept_queue/Recv-Q accept_queue_max/Send-Q syn_queue/syn-recv): $(tr '\n' ',' <<< "$t")"
	else
		fail "listeners != ss"
		diff <(echo "$s2") <(echo "$t") | sed 's/^/#   (< ss, > tcpsm) /'
	fi
	check "9001: 5 connections waiting to be accepted (ss Recv-Q)" "0.0.0.0:9001 5 16" \
		"$(grep ':9001 ' <<< "$s2" | cut -d' ' -f1-3)"
	check "9004: the flood's request sockets still queued (ss syn-recv > 0)" 1 \
		"$(grep ':9004 ' <<< "$s2" | awk '{ print ($4 > 0) }')"
	check "counters values == nstat -az (absolute)" "$N1" "$(counters_of "$L")"
	check "counters rates at quiescence" 0 "$(jq '[.counters[].rate] | max' <<< "$L")"
	check "all seven counters reported" 7 "$(jq '.counters | length' <<< "$L")"
	check "counters growth over the flood == nstat's" \
		"$(jq -cnS --argjson a "$N0" --argjson b "$N1" '$b | with_entries(.value -= $a[.key])')" \
		"$(jq -cnS --argjson a "$(counters_of "$L0")" --argjson b "$(counters_of "$L")" '$b | with_entries(.value -= $a[.key])')"
	check "netns" "$(stat -L -c %i "/run/netns/$TCPSM_FL_S")" "$(jq .netns <<< "$L")"
	check "no listener shows cookies at quiescence" "" \
		"$(jq -r '.listeners[] | select(.cookies) | .port' <<< "$L")"
	for p in "${bg[@]}"; do tcpsm_stop "$p" TERM $((5 * K)); done
	bg=()
	tcpsm_flood_teardown
fi

# ---- 2./3. churn, unload: listeners opened and closed under a flood ------------------

# churn_run LABEL CYCLES: flood 9100..9163, churn listeners there, readers;
# CYCLES > 0: unload and load tcpsm that often meanwhile
churn_run() {
	local label=$1 cycles=$2 objs0 objs1 r f i n sub rc
	tcpsm_flood_setup || { fail "tcpsm_flood_setup"; exit 1; }
	sleep 1
	objs0=$(tcp_objs)
	nsenter --net="$NS_S" "$CLI" alerts --json > "$RUN/$label.alerts" 2> "$RUN/$label.alerts.err" &
	sub=$!
	bg+=("$sub")
	tcpsm_sub_ready "$sub" $((10 * K)) || fail "$label: tcpsm alerts did not start"
	setsid ip netns exec "$TCPSM_FL_F" "$FLOOD" --dst "$TCPSM_FL_S4" --dport 9100-9163 \
		--rate "$FLOOD_RATE" --duration $((CHURN_S + 2)) > "$RUN/$label.flood" 2>&1 &
	f=$!
	bg+=("$f")
	setsid ip netns exec "$TCPSM_FL_S" "$TRAFFIC" listeners --addr 0.0.0.0 \
		--port 9100-9163 --seconds "$CHURN_S" --keep 16 --backlog 8 \
		> "$RUN/$label.churn" 2>&1 &
	r=$!
	bg+=("$r")
	setsid bash -c 'while :; do ip netns exec "$1" "$2" listeners --json > /dev/null 2>&1; sleep 0.1; done' \
		_ "$TCPSM_FL_S" "$CLI" &
	bg+=($!)
	n=0
	for ((i = 0; i < cycles; i++)); do
		sleep $(( (CHURN_S - 1) / (cycles + 1) + 1 ))
		for _ in $(seq 50); do rmmod tcpsm 2>/dev/null && break; sleep 0.1; done
		if grep -q '^tcpsm ' /proc/modules; then fail "$label: rmmod failed 50 times"; break; fi
		insmod "$KO" || { fail "$label: insmod"; break; }
		n=$((n + 1))
	done
	[ "$cycles" = 0 ] || check "$label: rmmod and insmod under the flood and churn" "$cycles" "$n"
	tcpsm_wait_pid "$r" $((CHURN_S + 30 * K)) || fail "$label: syn_traffic listeners: exit $?"
	tcpsm_wait_pid "$f" $((CHURN_S + 2 + 30 * K)) || fail "$label: syn_flood: exit $?"
	kill -- "-${bg[-1]}" 2>/dev/null
	tcpsm_wait_pid "${bg[-1]}" $((5 * K)) 2>/dev/null
	bg=("$sub")
	echo "# $label: listeners churn $(cat "$RUN/$label.churn"), flood $(cat "$RUN/$label.flood")"
	if [ "$(jq .listens "$RUN/$label.churn")" -gt 0 ]; then
		ok "$label: $(jq .listens "$RUN/$label.churn") listeners opened and closed in $CHURN_S s under the flood"
	else
		fail "$label: no listener opened: $(cat "$RUN/$label.churn")"
	fi
	sleep $((3 * K))
	check "$label: ss shows no listener left in S" "" "$(inS ss -Hltn)"
	check "$label: tcpsm listeners shows none left in S" 0 "$(lst | jq '.listeners | length')"
	tcpsm_stop "$sub" INT $((5 * K))
	rc=$?
	bg=()
	if [ "$cycles" = 0 ]; then
		check "$label: tcpsm alerts exits 0 on SIGINT (124: did not end), nothing on stderr" \
			"0 " "$rc $(cat "$RUN/$label.alerts.err")"
	else
		# the module went away under it: it said so and ended
		echo "# $label: tcpsm alerts exit $rc, stderr: $(cat "$RUN/$label.alerts.err")"
		[ "$rc" != 124 ] || fail "$label: tcpsm alerts did not end"
	fi
	if [ "$cycles" = 0 ]; then
		# every port's raises were cleared (a listener closing clears its alarm)
		bad=$(jq -sc '[.[] | select(.alarm != null)] | group_by(.port)[] |
			select(([.[] | select(.state == "raise")] | length) != ([.[] | select(.state == "clear")] | length)) |
			{port: .[0].port, n: length}' "$RUN/$label.alerts")
		check "$label: every raise cleared ($(jq -s '[.[] | select(.state == "raise")] | length' "$RUN/$label.alerts") raises)" "" "$bad"
	fi
	check "$label: tcpsm logged no leak" "" "$(tcpsm_leaks)"
	tcpsm_flood_teardown
	sleep 2
	objs1=$(tcp_objs)
	if [ "$objs0" != none ] && [ "$objs1" != none ] &&
	   [ $((objs1 - objs0)) -le "$SLAB_SLACK" ]; then
		ok "$label: TCP sockets in the slab $objs0 before, $objs1 after (<= +$SLAB_SLACK): the listeners were freed"
	else
		fail "$label: TCP sockets in the slab $objs0 before, $objs1 after (> +$SLAB_SLACK): listener sockets not freed"
	fi
}

phase churn && churn_run churn 0
phase unload && churn_run unload "$UNLOAD_CYCLES"

# leave tcpsm loaded, fresh, as unload_churn.sh does
if grep -q '^tcpsm ' /proc/modules; then
	rmmod tcpsm && insmod "$KO" || fail "final reload"
else
	insmod "$KO" || fail "final insmod"
fi

if [ "$fails" -ne 0 ]; then
	echo "listeners.sh: FAIL ($fails)"
	exit 1
fi
echo "listeners.sh: PASS"
