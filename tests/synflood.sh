#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# synflood.sh: SYN_FLOOD and ACCEPT_QUEUE_OVERFLOW alarms in the VM (root,
# tcpsm loaded by tests/run.sh), against the traffic the test makes and
# the kernel's own view (nstat, ss). Each phase builds the two-namespace
# topology of tests/lib.sh (tcpsm_flood_setup): the listeners live in the
# server namespace S, the flood (tests/syn_flood: raw IPv4 SYNs from
# spoofed sources in 198.18.0.0/15, which S routes back over the veth
# where nothing answers) and the legitimate clients (tests/syn_traffic)
# in F. Alarms are read with `tcpsm alerts --json` in S, each line
# time-stamped on arrival.
#
#  1. flood: listeners 8080 and 8081 (backlog 64, accepting). A flood at
#     8080 ($FLOOD_RATE SYNs/s for $FLOOD_S s): SYN_FLOOD raised within
#     3 s of its first SYN (arrival and ts), naming 8080 (port, listener
#     port and address, score >= synflood.raise) and no other listener
#     (8081 serves legitimate clients meanwhile); cookies were really
#     sent (nstat TcpExtSyncookiesSent, TcpExtTCPReqQFullDoCookies) and
#     the SYNs' checksums were good (TcpInCsumErrors 0); legitimate
#     clients connect to 8080 during the flood (syncookies=1: each is
#     accepted, it reads the server's close); the alarm clears within
#     10 s of the last SYN; one raise and one clear in all.
#  2. legit: 2 000 connections/s asked (the achieved rate is printed and
#     must reach a floor) for 10 s at a fresh backlog-64 listener: no
#     SYN_FLOOD.
#  3. noaccept: a listener (backlog 8) whose application never calls
#     accept(), 20 new clients/s for 8 s: ACCEPT_QUEUE_OVERFLOW raised
#     for it (nstat TcpExtListenOverflows grew, ss Recv-Q > backlog), no
#     SYN_FLOOD; the listener closes: its alarm clears.
#  4. cookies2: tcp_syncookies=2 in S (a cookie for every SYN: nstat
#     TcpExtSyncookiesSent grows by at least the connections made) and
#     500 legitimate connections/s for 8 s (no TIME_WAIT in S, so that
#     no SYN is taken by one without a cookie): no alarm at all.
#
# The debug kernel (TCPSM_KERNEL_KIND=build) gets 6x the timeouts and
# lower rates and floors. TCPSM_SF_PHASES="flood legit" runs some phases
# only. KTAP-ish lines on stdout; exit 0 pass, 1 fail, 4 skip.
set -u

cd "$(dirname "$0")" || exit 1
TCPSM_FL_S=tcpsm-sfS-$$
TCPSM_FL_F=tcpsm-sfF-$$
# shellcheck source=tests/lib.sh
. ./lib.sh
tcpsm_test_start synflood ip ss jq nstat python3 cli build/syn_flood \
	build/syn_traffic root
FLOOD=$BUILD/syn_flood
TRAFFIC=$BUILD/syn_traffic
PHASES=${TCPSM_SF_PHASES:-flood legit noaccept cookies2}
if [ "$K" != 1 ]; then		# the debug kernel
	# The flood generator's rate there is the CPU it gets: 300/s made
	# 233/s beside the 6.12-rt guest, 200/s made 146/s beside two. The
	# flood is real (the backlog of 64 overflows, cookies are sent, both
	# checked) at half of 200/s as well.
	FLOOD_RATE=${TCPSM_SF_FLOOD_RATE:-200}
	FLOOD_SHARE=0.5
	LEGIT_FLOOR=${TCPSM_SF_RATE_FLOOR:-30}
else
	FLOOD_RATE=${TCPSM_SF_FLOOD_RATE:-1000}
	# The floor says the load was real, so that "no SYN_FLOOD" means
	# something; it is not a speed goal. TCG reached 1145/s (6.1) and
	# 1264/s (6.12) of the 2 000/s asked alone, and 595.7/s on 6.12-rt
	# beside the debug guest: the floor is half of the lowest.
	LEGIT_FLOOR=${TCPSM_SF_RATE_FLOOR:-300}
	FLOOD_SHARE=0.8		# of the SYNs asked, sent
fi
FLOOD_S=8
RAISE_WITHIN=${TCPSM_SF_RAISE_WITHIN:-3}	# the issue's "within 3 s"
CLEAR_WITHIN=${TCPSM_SF_CLEAR_WITHIN:-10}	# "clears within 10 s"
if [ "$K" != 1 ]; then
	# The windows are promises of the production kernels, which keep
	# them. The debug guest (KASAN, lockdep, beside another guest on 2
	# cores) is here for what it catches, not for time: a raise while
	# the flood lasts, a clear within 30 s.
	RAISE_WITHIN=${TCPSM_SF_RAISE_WITHIN:-$FLOOD_S}
	CLEAR_WITHIN=${TCPSM_SF_CLEAR_WITHIN:-30}
fi

if [ "$("$CLI" config get --json 2>/dev/null | jq '."synflood.raise"')" = null ]; then
	echo "SKIP: tcpsm without SYN-flood alarms (config get has no synflood.raise)"
	exit $KSFT_SKIP
fi

subs=()		# tcpsm alerts subscribers and their stampers
declare -A spid	# listener NAME -> pid
declare -A stamper	# subscriber NAME -> pid of its stamper
bg=()		# traffic in the background

# shellcheck disable=SC2317 # called from the trap (tcpsm_test_end)
cleanup() {
	local p
	for p in "${bg[@]}" "${subs[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${bg[@]}" "${subs[@]}"; do tcpsm_wait_pid "$p" 5 2>/dev/null; done
	tcpsm_flood_teardown
}

# ---- helpers -----------------------------------------------------------------

# In S or F: inS/inF (lib.sh) in the foreground, bounded; in the
# background a plain `nsenter --net="$NS_S" PROG ... &` (see lib.sh)
CMD_TIMEOUT=$((120 * K))
NS_S=/run/netns/$TCPSM_FL_S
NS_F=/run/netns/$TCPSM_FL_F

# setup: a fresh topology for the phase
setup() {
	tcpsm_flood_setup || { fail "tcpsm_flood_setup"; exit 1; }
}

# sub_start NAME: `tcpsm alerts --json` in S, stamped, to $RUN/NAME.json
sub_start() {
	local name=$1
	mkfifo "$RUN/$name.fifo" || return 1
	python3 "$TESTS_DIR/cw_traffic.py" stamp < "$RUN/$name.fifo" > "$RUN/$name.json" &
	subs+=($!)
	stamper[$name]=$!
	nsenter --net="$NS_S" "$CLI" alerts --json > "$RUN/$name.fifo" 2> "$RUN/$name.err" &
	sub_pid=$!
	subs+=("$sub_pid")
	tcpsm_sub_ready "$sub_pid" $((10 * K)) && return 0
	fail "$name: tcpsm alerts did not start: $(cat "$RUN/$name.err")"
	return 1
}
# sub_stop NAME PID: SIGINT: exit 0 within 5 s, nothing on stderr; then
# its stamper ends at EOF
sub_stop() {
	tcpsm_stop "$2" INT $((5 * K))
	check "$1: tcpsm alerts exits 0 on SIGINT (124: did not end)" 0 "$?"
	check "$1: tcpsm alerts wrote nothing to stderr" "" "$(cat "$RUN/$1.err")"
	tcpsm_wait_pid "${stamper[$1]}" 5
}
# stop_bg PID...: SIGTERM, each ended within 5 s (else SIGKILL)
stop_bg() {
	local p
	for p in "$@"; do tcpsm_stop "$p" TERM $((5 * K)); done
}

# alarms FILE [JQ-FILTER]: the alarm lines (compact) that match
alarms() { jq -c "select(.alarm != null) | select(${2:-true})" "$1" 2>/dev/null; }
# wait_alarm FILE ALARM PORT STATE TIMEOUT_S: the first such line, or 1
wait_alarm() {
	local end=$(( $(date +%s) + $5 )) l
	while :; do
		l=$(alarms "$1" ".alarm == \"$2\" and .port == $3 and .state == \"$4\"" | head -n 1)
		[ -n "$l" ] && { echo "$l"; return 0; }
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.1
	done
}

# serve NAME PORT BACKLOG [--noaccept]: a listener in S on 0.0.0.0:PORT
serve() {
	local name=$1 port=$2 bl=$3; shift 3
	nsenter --net="$NS_S" "$TRAFFIC" serve --addr 0.0.0.0 --port "$port" --backlog "$bl" "$@" \
		> "$RUN/$name.out" 2> "$RUN/$name.err" &
	bg+=($!)
	spid[$name]=$!
	for _ in $(seq 100); do
		grep -q '"ready":true' "$RUN/$name.out" 2>/dev/null && { tracked "$port"; return; }
		sleep 0.05
	done
	fail "listener $name on port $port: $(cat "$RUN/$name.out" "$RUN/$name.err")"
	return 1
}
# tracked PORT: S's listener on PORT shows in tcpsm listeners within
# 3 s (the hook's scan, else the next samples'), so that no phase's
# "no alarm" holds only because tcpsm never saw the listener
tracked() {
	local t0 end
	t0=$(date +%s.%N)
	end=$(calc "$t0 + 3 * $K")
	while :; do
		if inS "$CLI" listeners --json |
		   jq -e --argjson p "$1" 'any(.listeners[]; .port == $p)' > /dev/null; then
			ok "listener $1 in tcpsm listeners ($(calc "$(date +%s.%N) - $t0") s after listen())"
			return 0
		fi
		le "$end" "$(date +%s.%N)" && break
		sleep 0.1
	done
	fail "listener $1 not in tcpsm listeners $((3 * K)) s after listen(): $(inS "$CLI" listeners --json 2>&1 | head -c 400)"
	return 1
}
# ss_listen PORT: "Recv-Q Send-Q" of S's listener on PORT (ss -ltn)
ss_listen() { inS ss -Hltn "sport = :$1" | awk '{ print $2, $3 }'; }
# ss_synrecv PORT: request sockets of PORT (ss state syn-recv)
ss_synrecv() { inS ss -Htn state syn-recv "sport = :$1" | wc -l; }

# ---- 1. flood: raised within 3 s, that listener only, cleared within 10 s -------

if phase flood; then
	setup
	raise_th=$(inS "$CLI" config get --json | jq '."synflood.raise"')
	echo "# synflood settings in S: $(inS "$CLI" config get --json | jq -c '{r: ."synflood.raise", c: ."synflood.clear", d: ."synflood.duration"}')"
	serve l8080 8080 64 && serve l8081 8081 64 || exit 1
	sub_start flood
	sub=$sub_pid
	tcpsm_nstat_snap "$TCPSM_FL_S"
	nsenter --net="$NS_F" "$FLOOD" --dst "$TCPSM_FL_S4" --dport 8080 --rate "$FLOOD_RATE" \
		--duration "$FLOOD_S" > "$RUN/flood.out" 2> "$RUN/flood.err" &
	fl=$!
	bg+=("$fl")
	sleep $((3 * K))
	echo "# during the flood: 8080 syn-recv $(ss_synrecv 8080), ss -ltn Recv-Q/Send-Q 8080: $(ss_listen 8080), 8081: $(ss_listen 8081)"
	r=$(inF "$TRAFFIC" connect --addr "$TCPSM_FL_S4" --port 8080 --count 5 --timeout $((5000 * K)))
	check "legitimate clients connect to 8080 during the flood (accepted, server's close read): $r" 5 "$(jq .ok <<< "$r")"
	r=$(inF "$TRAFFIC" connect --addr "$TCPSM_FL_S4" --port 8081 --count 5 --timeout $((5000 * K)))
	check "legitimate clients connect to 8081 during the flood" 5 "$(jq .ok <<< "$r")"
	tcpsm_wait_pid "$fl" $((FLOOD_S + 10 * K))
	check "syn_flood exit status" 0 $?
	f=$(cat "$RUN/flood.out")
	echo "# flood: $f"
	t0=$(jq .t_start_mono <<< "$f")
	t1=$(jq .t_end_mono <<< "$f")
	sent=$(jq .sent <<< "$f")
	if le "$(calc "$FLOOD_RATE * $FLOOD_S * $FLOOD_SHARE")" "$sent" && [ "$(jq .errors <<< "$f")" = 0 ]; then
		ok "flood: $sent SYNs in $(jq .seconds <<< "$f") s ($(jq .rate <<< "$f")/s, asked $FLOOD_RATE/s), no send error"
	else
		fail "flood: $f (asked $FLOOD_RATE/s for $FLOOD_S s)"
	fi
	d=$(tcpsm_nstat_delta "$TCPSM_FL_S" $TCPSM_SYN_COUNTERS TcpInCsumErrors TcpInErrs)
	echo "# nstat in S over the flood: $d"
	check "the SYNs' checksums were good (TcpInCsumErrors, TcpInErrs)" "0 0" \
		"$(jq -r '"\(.TcpInCsumErrors) \(.TcpInErrs)"' <<< "$d")"
	if [ "$(jq .TcpExtSyncookiesSent <<< "$d")" -gt 0 ] &&
	   [ "$(jq .TcpExtTCPReqQFullDoCookies <<< "$d")" -gt 0 ]; then
		ok "cookies were sent (SyncookiesSent $(jq .TcpExtSyncookiesSent <<< "$d"), TCPReqQFullDoCookies $(jq .TcpExtTCPReqQFullDoCookies <<< "$d"))"
	else
		fail "no cookies sent: the SYN queue never overflowed"
	fi

	if raise=$(wait_alarm "$RUN/flood.json" SYN_FLOOD 8080 raise $((5 * K))); then
		echo "# raise: $raise"
		seen=$(jq .seen_mono <<< "$raise")
		ts=$(jq .ts <<< "$raise")
		d_seen=$(calc "$seen - $t0")
		d_ts=$(calc "$ts / 1e9 - $t0")
		if le "$d_seen" "$RAISE_WITHIN"; then
			ok "SYN_FLOOD raise printed $d_seen s after the first SYN (<= $RAISE_WITHIN s)"
		else
			fail "SYN_FLOOD raise printed $d_seen s after the first SYN (> $RAISE_WITHIN s)"
		fi
		if le "$d_ts" "$RAISE_WITHIN" && le 0 "$d_ts"; then
			ok "SYN_FLOOD raise ts $d_ts s after the first SYN"
		else
			fail "SYN_FLOOD raise ts $d_ts s after the first SYN (want 0..$RAISE_WITHIN)"
		fi
		check "raise: port, listener's port, address, family, replayed" \
			"8080 8080 0.0.0.0 inet false" \
			"$(jq -r '"\(.port) \(.listener.port) \(.listener.saddr) \(.listener.family) \(.replayed)"' <<< "$raise")"
		sc=$(jq .score <<< "$raise")
		if [ "$sc" -ge "$raise_th" ] && [ "$sc" -le 100 ]; then
			ok "raise: score $sc >= synflood.raise $raise_th"
		else
			fail "raise: score $sc, want $raise_th..100"
		fi
		check "raise: the listener's syn_queue_max (backlog 64)" 64 "$(jq .listener.syn_queue_max <<< "$raise")"
	else
		fail "no SYN_FLOOD raise for 8080: $(cat "$RUN/flood.json" "$RUN/flood.err")"
	fi
	if clear=$(wait_alarm "$RUN/flood.json" SYN_FLOOD 8080 clear $((CLEAR_WITHIN * K + 2))); then
		echo "# clear: $clear"
		d=$(calc "$(jq .seen_mono <<< "$clear") - $t1")
		if le "$d" "$CLEAR_WITHIN"; then
			ok "SYN_FLOOD clear printed $d s after the last SYN (<= $CLEAR_WITHIN s)"
		else
			fail "SYN_FLOOD clear printed $d s after the last SYN (> $CLEAR_WITHIN s)"
		fi
		sc=$(jq .score <<< "$clear")
		clear_th=$(inS "$CLI" config get --json | jq '."synflood.clear"')
		if [ "$sc" -lt "$clear_th" ]; then
			ok "clear: score $sc < synflood.clear $clear_th"
		else
			fail "clear: score $sc >= synflood.clear $clear_th"
		fi
	else
		fail "no SYN_FLOOD clear for 8080 within $CLEAR_WITHIN s of the last SYN"
	fi
	sleep 3		# more samples: nothing more may come
	check "SYN_FLOOD for 8080: one raise, one clear" "1 1" \
		"$(alarms "$RUN/flood.json" '.alarm == "SYN_FLOOD" and .port == 8080 and .state == "raise"' | wc -l) $(alarms "$RUN/flood.json" '.alarm == "SYN_FLOOD" and .port == 8080 and .state == "clear"' | wc -l)"
	check "no alarm about any other listener or of another kind" "" \
		"$(alarms "$RUN/flood.json" '.alarm != "SYN_FLOOD" or .port != 8080 or .listener.port != 8080')"
	sub_stop flood "$sub"
	stop_bg "${spid[l8080]}" "${spid[l8081]}"
	tcpsm_flood_teardown
fi

# ---- 2. legit: 2 000 connections/s for 10 s: no SYN_FLOOD -----------------------

if phase legit; then
	setup
	serve l8180 8180 64 || exit 1
	sub_start legit
	sub=$sub_pid
	tcpsm_nstat_snap "$TCPSM_FL_S"
	r=$(inF "$TRAFFIC" churn --addr "$TCPSM_FL_S4" --port 8180 --rate 2000 \
		--seconds 10 --workers 8 --timeout $((5000 * K)))
	echo "# churn: $r"
	echo "# nstat in S: $(tcpsm_nstat_delta "$TCPSM_FL_S" $TCPSM_SYN_COUNTERS TcpPassiveOpens)"
	rate=$(jq .rate <<< "$r")
	if le "$LEGIT_FLOOR" "$rate"; then
		ok "legit: $rate connections/s achieved (asked 2000, floor $LEGIT_FLOOR), $(jq .connections <<< "$r") in $(jq .seconds <<< "$r") s"
	else
		fail "legit: $rate connections/s achieved (asked 2000, floor $LEGIT_FLOOR)"
	fi
	check "legit: no connection failed" 0 "$(jq .failed <<< "$r")"
	sleep $((2 * K))	# two more samples
	check "legit: no SYN_FLOOD" "" "$(alarms "$RUN/legit.json" '.alarm == "SYN_FLOOD"')"
	a=$(alarms "$RUN/legit.json")
	[ -z "$a" ] || echo "# other alarms: $a"
	sub_stop legit "$sub"
	stop_bg "${spid[l8180]}"
	tcpsm_flood_teardown
fi

# ---- 3. noaccept: ACCEPT_QUEUE_OVERFLOW, never SYN_FLOOD ---------------------------

if phase noaccept; then
	setup
	serve l8280 8280 8 --noaccept || exit 1
	sub_start noaccept
	sub=$sub_pid
	tcpsm_nstat_snap "$TCPSM_FL_S"
	nsenter --net="$NS_F" "$TRAFFIC" open --addr "$TCPSM_FL_S4" --port 8280 --rate 20 --seconds 8 \
		> "$RUN/open.out" 2>&1 &
	op=$!
	bg+=("$op")
	raise=
	if raise=$(wait_alarm "$RUN/noaccept.json" ACCEPT_QUEUE_OVERFLOW 8280 raise $((10 * K))); then
		echo "# raise: $raise"
		ok "ACCEPT_QUEUE_OVERFLOW raised for 8280 (score $(jq .score <<< "$raise"), accept queue $(jq -r '"\(.listener.accept_queue)/\(.listener.accept_queue_max)"' <<< "$raise"))"
		check "raise: listener port, accept_queue_max (backlog 8)" "8280 8" \
			"$(jq -r '"\(.listener.port) \(.listener.accept_queue_max)"' <<< "$raise")"
	else
		fail "no ACCEPT_QUEUE_OVERFLOW raise for 8280: $(cat "$RUN/noaccept.json" "$RUN/noaccept.err")"
	fi
	q=$(ss_listen 8280)
	echo "# ss -ltn 8280 Recv-Q Send-Q: $q"
	if [ "${q%% *}" -gt 8 ]; then ok "ss: accept queue of 8280 full ($q)"; else fail "ss: accept queue of 8280 not full ($q)"; fi
	tcpsm_wait_pid "$op" $((20 * K))
	o=$(cat "$RUN/open.out")
	echo "# clients: $o"
	if [ -n "${raise:-}" ] && t0=$(jq -e .t_start_mono <<< "$o"); then
		# informational (the issue sets no bound): the 10th client at
		# 20/s is the first the full queue (8 + 1) turns away
		echo "# ACCEPT_QUEUE_OVERFLOW raise printed $(calc "$(jq .seen_mono <<< "$raise") - $t0") s after the first client, $(calc "$(jq .seen_mono <<< "$raise") - $t0 - 9 / 20") s after the first overflow"
	fi
	d=$(tcpsm_nstat_delta "$TCPSM_FL_S" $TCPSM_SYN_COUNTERS)
	echo "# nstat in S: $d"
	if [ "$(jq .TcpExtListenOverflows <<< "$d")" -gt 0 ]; then
		ok "nstat: TcpExtListenOverflows grew by $(jq .TcpExtListenOverflows <<< "$d")"
	else
		fail "nstat: TcpExtListenOverflows did not grow"
	fi
	check "noaccept: no SYN_FLOOD" "" "$(alarms "$RUN/noaccept.json" '.alarm == "SYN_FLOOD"')"
	stop_bg "${spid[l8280]}"
	if wait_alarm "$RUN/noaccept.json" ACCEPT_QUEUE_OVERFLOW 8280 clear $((10 * K)) > /dev/null; then
		ok "ACCEPT_QUEUE_OVERFLOW for 8280 cleared once its listener closed"
	else
		fail "no ACCEPT_QUEUE_OVERFLOW clear for 8280 after its listener closed"
	fi
	sleep 2
	check "noaccept: one raise, one clear, nothing else" \
		"2 1 1" "$(alarms "$RUN/noaccept.json" | wc -l) $(alarms "$RUN/noaccept.json" '.state == "raise"' | wc -l) $(alarms "$RUN/noaccept.json" '.state == "clear"' | wc -l)"
	sub_stop noaccept "$sub"
	tcpsm_flood_teardown
fi

# ---- 4. cookies2: tcp_syncookies=2 and normal traffic: no alarm -------------------

if phase cookies2; then
	setup
	inS sysctl -qw net.ipv4.tcp_syncookies=2 || fail "sysctl tcp_syncookies=2"
	# The server closes first, so it holds each connection's TIME_WAIT;
	# a client that reuses a 4-tuple (6.12 did, for 301 of 4000) has its
	# SYN taken by that TIME_WAIT socket, which passes it to the listener
	# with an ISN: tcp_conn_request sends no cookie then, even at
	# tcp_syncookies=2. No TIME_WAIT in S (tcp_max_tw_buckets 0,
	# counted as TcpExtTCPTimeWaitOverflow): every SYN meets the
	# listener and the check below stays exact. (A segment that
	# arrives after the server's socket went without TIME_WAIT may reach
	# the listener as a bad cookie: SyncookiesFailed 78 on 6.12; the
	# score does not use that counter.)
	# TCPSM_SF_COOKIES2_TW=keep leaves it (to show the effect).
	if [ "${TCPSM_SF_COOKIES2_TW:-}" != keep ]; then
		inS sysctl -qw net.ipv4.tcp_max_tw_buckets=0 || fail "sysctl tcp_max_tw_buckets=0"
	fi
	serve l8380 8380 64 || exit 1
	sub_start cookies2
	sub=$sub_pid
	tcpsm_nstat_snap "$TCPSM_FL_S"
	r=$(inF "$TRAFFIC" churn --addr "$TCPSM_FL_S4" --port 8380 --rate 500 \
		--seconds 8 --workers 4 --timeout $((5000 * K)))
	echo "# churn: $r"
	d=$(tcpsm_nstat_delta "$TCPSM_FL_S" $TCPSM_SYN_COUNTERS TcpExtTCPTimeWaitOverflow TcpPassiveOpens)
	echo "# nstat in S: $d; TIME_WAIT sockets in S: $(inS ss -Htan state time-wait | wc -l)"
	n=$(jq .connections <<< "$r")
	if [ "$n" -gt 0 ] && [ "$(jq .TcpExtSyncookiesSent <<< "$d")" -ge "$n" ]; then
		ok "cookies2: a cookie for every SYN (SyncookiesSent $(jq .TcpExtSyncookiesSent <<< "$d") >= $n connections)"
	else
		fail "cookies2: SyncookiesSent $(jq .TcpExtSyncookiesSent <<< "$d"), $n connections"
	fi
	[ "${TCPSM_SF_COOKIES2_TW:-}" = keep ] ||
		check "cookies2: no TIME_WAIT in S (tcp_max_tw_buckets 0)" 0 "$(inS ss -Htan state time-wait | wc -l)"
	check "cookies2: no connection failed" 0 "$(jq .failed <<< "$r")"
	sleep $((2 * K))
	check "cookies2: no alarm at all" "" "$(alarms "$RUN/cookies2.json")"
	sub_stop cookies2 "$sub"
	stop_bg "${spid[l8380]}"
	tcpsm_flood_teardown
fi

if [ "$fails" -ne 0 ]; then
	echo "synflood.sh: FAIL ($fails)"
	exit 1
fi
echo "synflood.sh: PASS"
