#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# closewait.sh: CLOSE_WAIT leak detection in the VM (root, tcpsm loaded by
# tests/run.sh), against the traffic it makes (tests/cw_traffic.py), ss and
# its own clock. Each phase runs in a namespace of its own, on loopback.
#
#  1. leak: closewait.age=5 (count 16, window 5). A server accepts and
#     never closes; 50 clients connect and close. The CLOSE_WAIT_LEAK
#     raise (tcpsm alerts --json, each line time-stamped on arrival) names
#     the port, count 50 and the namespace; it arrives within age + 2 s of
#     the moment the 50th socket entered CLOSE_WAIT (the FIN of the last
#     client was sent: CLOCK_MONOTONIC, as the alarm's ts), and not before
#     the oldest could be older than the age (the count was reached at
#     once: the growth rule cannot have raised it). Its sockets are the
#     server's (inodes, uid 0, the clients' ports). tcpsm closewait --json:
#     count == ss, owners == the server's pid alone; stats alarms_active 1.
#     The server closes them: the alarm clears; one raise and one clear in
#     all; alarms_active 0.
#  2. prompt: a server that closes each connection as soon as it reads its
#     EOF serves ~1000 connections/s (asked; the achieved rate is printed)
#     for 10 s and until it served 2000 connections (at most 40 s: fewer
#     fail, the test proving too little), with closewait.age=1: each client
#     waits for the server's FIN before its next connection, so at most 4
#     (the clients) server sockets are ever in CLOSE_WAIT, fewer than the
#     count of 16: neither rule can hold. Nothing is raised (alerts --json
#     printed nothing) and alarms_active is 0.
#  3. growth: closewait.count=4, window=3, age=3600 (the age rule cannot
#     hold): one leaked socket every 0.6 s trips the growth rule. The
#     raise shows growth >= 4 and a count no larger than the leaks made
#     before its ts; the leaker ends, the server closes: one clear.
#  4. exact: per local port, tcpsm closewait --json == ss -tan state
#     close-wait, with IPv4 and IPv6 (one port with both) and client-side
#     CLOSE_WAIT sockets (their servers closed first) on ephemeral ports:
#     sockets made while tcpsm was unloaded (checked after insmod: owners
#     resolved, ages no older than the load), more after the load, then
#     after some are closed.
#  5. cap: tcpsm reloaded with closewait_max=10; 14, then 17 CLOSE_WAIT
#     sockets: the counts stay == ss, the ports' untracked sum to at least
#     the overflow, stats closewait_untracked > 0. The module is reloaded
#     with its defaults afterwards (also on any exit).
#
# The debug kernel (TCPSM_KERNEL_KIND=build) gets 6x the timeouts, fewer
# connections in 2 and more leaks in 3. TCPSM_CW_PHASES="leak growth" runs
# some phases only. KTAP-ish lines on stdout; exit 0 pass, 1 fail, 4 skip.
set -u

cd "$(dirname "$0")" || exit 1
# shellcheck source=tests/lib.sh
. ./lib.sh
tcpsm_test_start closewait ip ss jq python3 insmod rmmod cli ko root

PHASES=${TCPSM_CW_PHASES:-leak prompt growth exact cap}
# Phase 2's load is a number of connections, not a rate: the rate under
# TCG depends on what else the host runs (100 to 587/s on the Debian
# kernels), and a floor on it failed runs that had served 1 260
# connections. What the phase proves grows with the connections that
# passed through CLOSE_WAIT: a gauge that kept one in a hundred would
# hold 20 of 2 000, past closewait.count.
if [ "$K" != 1 ]; then		# the debug kernel
	CHURN_CONNS=${TCPSM_CW_CONNS:-300}
	GROWTH_LEAKS=50
else
	CHURN_CONNS=${TCPSM_CW_CONNS:-2000}
	GROWTH_LEAKS=25
fi
export TCPSM_AGENT_TIMEOUT=$((60 * K)) CW_TRAFFIC_TIMEOUT=$((30 * K))
AGE=5		# phase 1's closewait.age
SLACK=${TCPSM_CW_SLACK:-2}	# the issue's "within age + 2 s"

nss=()		# namespaces made
subs=()		# tcpsm alerts subscribers (and their stampers)
reloaded=	# tcpsm loaded with module parameters of ours

# shellcheck disable=SC2317 # called from the trap (tcpsm_test_end)
cleanup() {
	local p ns
	for p in "${subs[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${subs[@]}"; do wait "$p" 2>/dev/null; done
	tcpsm_agents_stop
	for ns in "${nss[@]}"; do ip netns del "$ns" 2>/dev/null; done
	if [ -n "$reloaded" ] && grep -q '^tcpsm ' /proc/modules; then
		rmmod tcpsm || echo "# cleanup: rmmod tcpsm failed"
	fi
}

# ---- helpers -----------------------------------------------------------------

mono_now() { python3 -c 'import time; print(time.clock_gettime(time.CLOCK_MONOTONIC))'; }

fresh_ns() { # NAME: tcpsm_fresh_ns, and cleanup deletes it
	tcpsm_fresh_ns "$1" || return 1
	nss+=("$1")
}
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# cfg NS KEY=VALUE...: tcpsm config set in NS (must succeed, print nothing)
cfg() {
	local ns=$1 out rc; shift
	out=$(in_ns "$ns" "$CLI" config set "$@" 2>&1)
	rc=$?
	if [ $rc = 0 ] && [ -z "$out" ]; then
		echo "# $ns: config set $* ($(in_ns "$ns" "$CLI" config get | tr '\n' ' '))"
		return 0
	fi
	fail "$ns: config set $*: exit $rc, '$out'"
	return 1
}

# sub_start NAME NS [stamp]: `tcpsm alerts --json` in NS, to $RUN/NAME.json
# (stamp: each line gains seen_mono/seen_wall, its arrival time); returns
# once it waits for notifications (tcpsm_sub_ready). Sets sub_pid. A
# subscriber that still came too late would print an alarm raised before
# it as replayed, and be reported so.
sub_start() {
	local name=$1 ns=$2
	if [ "${3:-}" = stamp ]; then
		mkfifo "$RUN/$name.fifo" || return 1
		python3 "$TESTS_DIR/cw_traffic.py" stamp < "$RUN/$name.fifo" > "$RUN/$name.json" &
		subs+=($!)
		ip netns exec "$ns" "$CLI" alerts --json > "$RUN/$name.fifo" 2> "$RUN/$name.err" &
	else
		ip netns exec "$ns" "$CLI" alerts --json > "$RUN/$name.json" 2> "$RUN/$name.err" &
	fi
	sub_pid=$!
	subs+=("$sub_pid")
	tcpsm_sub_ready "$sub_pid" $((10 * K)) && return 0
	fail "$name: tcpsm alerts did not start: $(cat "$RUN/$name.err")"
	return 1
}
# sub_stop NAME PID: SIGINT, exit 0, nothing on stderr; then its stamper
sub_stop() {
	local rc
	kill -INT "$2" 2>/dev/null
	wait "$2"
	rc=$?
	check "$1: tcpsm alerts exits 0 on SIGINT" 0 "$rc"
	check "$1: tcpsm alerts wrote nothing to stderr" "" "$(cat "$RUN/$1.err")"
	sleep 0.3	# the stamper reads the rest and ends at EOF
}

# tcpsm's per-port list: "PORT COUNT" of every port listed, except those
# listed with count 0 for an active alarm (the dump keeps them)
tcpsm_cw_ports() {
	jq -r '.ports[] | select(.count > 0 or (.alarm | not)) | "\(.port) \(.count)"' \
		<<< "$1" | sort -n
}
# cw_compare LABEL NS: tcpsm closewait --json per port == ss -tan state
# close-wait per port, in a quiet namespace: read until ss is the same
# before and after tcpsm and tcpsm agrees (the dump is as of the last
# sample, <= 1 s old), or the timeout. Sets CW (the JSON).
cw_compare() {
	local label=$1 ns=$2 s1 s2 t i
	for ((i = 0; i < 20 * K; i++)); do
		s1=$(tcpsm_ss_cw_ports "$ns")
		CW=$(in_ns "$ns" "$CLI" closewait --json) ||
			{ fail "$label: tcpsm closewait --json failed"; return 1; }
		s2=$(tcpsm_ss_cw_ports "$ns")
		t=$(tcpsm_cw_ports "$CW")
		[ "$s1" = "$s2" ] && [ "$t" = "$s1" ] && break
		sleep 0.5
	done
	if [ "$s1" = "$s2" ] && [ "$t" = "$s1" ]; then
		ok "$label: tcpsm closewait == ss per port (port:count): $(awk 'NF { printf "%s%s:%s", (NR > 1 ? " " : ""), $1, $2 } END { if (!NR || !NF) printf "none" }' <<< "$t")"
		return 0
	fi
	fail "$label: tcpsm closewait per port != ss -tan state close-wait"
	diff <(echo "$s2") <(echo "$t") | sed 's/^/#   (< ss, > tcpsm) /'
	echo "#   tcpsm: $(jq -c '[.ports[] | del(.sockets)]' <<< "$CW")"
	return 1
}
# port_json PORT: that port's entry of $CW
port_json() { jq -c --argjson p "$1" '.ports[] | select(.port == $p)' <<< "$CW"; }

# server_inodes AGENT PORT: the inodes of the sockets the server holds
server_inodes() {
	tcpsm_agent "$1" status | jq -c --arg p "$2" '.ports[$p].inodes // []'
}

# check_sockets LABEL JSON INODES LPORTS FAMILY DADDR: a raise's or a
# port's "sockets" are the server's (inodes), uid 0, the clients' ports,
# oldest first, 8 at most (min(count, 8) of them)
check_sockets() {
	local label=$1 j=$2 inos=$3 lports=$4 fam=$5 daddr=$6 bad
	check "$label: sockets listed" "$(jq '[.count, 8] | min' <<< "$j")" \
		"$(jq '.sockets | length' <<< "$j")"
	bad=$(jq -c --argjson i "$inos" --argjson l "$lports" --arg f "$fam" --arg d "$daddr" '
		[.sockets[] | select((.ino as $x | $i | index($x) | not) or .uid != 0 or
			.family != $f or .daddr != $d or .saddr != $d or
			(.dport as $x | $l | index($x) | not))]' <<< "$j")
	# on loopback the server's end has the client's address too
	check "$label: sockets are the server's (inodes), uid 0, $fam $daddr both ends, the clients' ports" "[]" "$bad"
	check "$label: sockets oldest first" true \
		"$(jq '[.sockets[].age_ms] | . == (sort | reverse)' <<< "$j")"
}

stats_of() { in_ns "$1" "$CLI" stats --json; }

# ---- 1. leak: 50 sockets, raised within age + 2 s, cleared once ---------------

if phase leak; then
	NS=tcpsm-cw1-$$ P=8080
	fresh_ns "$NS" || { fail "ip netns add $NS"; exit 1; }
	ino=$(ns_ino "$NS")
	cfg "$NS" closewait.count=16 closewait.age=$AGE closewait.window=5
	sub_start leak "$NS" stamp
	sub=$sub_pid
	if ! tcpsm_agent_start srv1 "$NS" || ! tcpsm_agent_start cli1 "$NS"; then
		fail "cw_traffic.py agents"; exit 1
	fi
	r=$(tcpsm_agent srv1 listen 4 $P) || { fail "listen $P: $r"; exit 1; }
	srvpid=$(jq .pid <<< "$r")
	leak=$(tcpsm_agent cli1 leak 4 $P 50) || { fail "leak: $leak"; exit 1; }
	tcpsm_agent srv1 waitaccept $P 50 > /dev/null || fail "the server did not accept 50"
	t_first=$(jq .t_first_mono <<< "$leak")
	t50=$(jq .t_last_mono <<< "$leak")
	echo "# 50 leaks: first FIN sent at $t_first, the 50th at $t50 (all acknowledged at $(jq .t_confirmed_mono <<< "$leak")), CLOCK_MONOTONIC"
	check "ss: 50 CLOSE_WAIT sockets, all on port $P" "$P 50" "$(tcpsm_ss_cw_ports "$NS")"
	inos=$(server_inodes srv1 $P)
	lports=$(jq -c .lports <<< "$leak")

	if raise=$(tcpsm_wait_alarm "$RUN/leak.json" $P raise $((AGE + 30 * K))); then
		seen=$(jq .seen_mono <<< "$raise")
		ts=$(jq .ts <<< "$raise")
		echo "# raise: $(jq -c 'del(.sockets)' <<< "$raise")"
		d_seen=$(calc "$seen - $t50")
		d_ts=$(calc "$ts / 1e9 - $t50")
		if le "$d_seen" $((AGE + SLACK)); then
			ok "raise printed $d_seen s after the 50th socket entered CLOSE_WAIT (<= age $AGE + $SLACK s)"
		else
			fail "raise printed $d_seen s after the 50th socket entered CLOSE_WAIT (> age $AGE + $SLACK s)"
		fi
		if le "$d_ts" $((AGE + SLACK)); then
			ok "raise ts $d_ts s after the 50th socket entered CLOSE_WAIT (<= age $AGE + $SLACK s)"
		else
			fail "raise ts $d_ts s after the 50th socket entered CLOSE_WAIT (> age $AGE + $SLACK s)"
		fi
		d=$(calc "$ts / 1e9 - $t_first")
		if le "$AGE" "$d"; then
			ok "raise ts $d s after the first FIN: not before the oldest was $AGE s old"
		else
			fail "raised $d s after the first FIN: before the oldest could be $AGE s old"
		fi
		check "raise: alarm, state, replayed, netns, port, count (50 leaked, ss 50)" \
			"CLOSE_WAIT_LEAK raise false $ino $P 50" \
			"$(jq -r '"\(.alarm) \(.state) \(.replayed) \(.netns) \(.port) \(.count)"' <<< "$raise")"
		a=$(jq .oldest_age_ms <<< "$raise")
		if le $((AGE * 1000)) "$a" && le "$a" "$(calc "($ts / 1e9 - $t_first) * 1000 + 1")"; then
			ok "raise: oldest_age_ms $a: over $AGE s, no more than since the first FIN"
		else
			fail "raise: oldest_age_ms $a: not in [$((AGE * 1000)), $(calc "($ts / 1e9 - $t_first) * 1000")]"
		fi
		check_sockets "raise" "$raise" "$inos" "$lports" inet 127.0.0.1
	else
		fail "no raise for port $P within $((AGE + 30 * K)) s: $(cat "$RUN/leak.json" "$RUN/leak.err")"
	fi

	cw_compare "leak" "$NS"
	e=$(port_json $P)
	check "closewait: port $P alarm" true "$(jq .alarm <<< "$e")"
	check "closewait: port $P owners = the server (pid $srvpid)" \
		"[{\"comm\":\"$(cat "/proc/$srvpid/comm")\",\"pid\":$srvpid}]" \
		"$(jq -cS '[.owners[] | {pid, comm}]' <<< "$e")"
	check "closewait: port $P unresolved, untracked" "0 0" "$(jq -r '"\(.unresolved) \(.untracked)"' <<< "$e")"
	check "closewait: port $P sockets' pid" "[$srvpid]" "$(jq -c '[.sockets[].pid] | unique' <<< "$e")"
	check "closewait: netns" "$ino" "$(jq .netns <<< "$CW")"
	check_sockets "closewait port $P" "$e" "$inos" "$lports" inet 127.0.0.1
	check "stats: alarms_active while leaking" 1 "$(stats_of "$NS" | jq .alarms_active)"

	tcpsm_agent srv1 close $P > /dev/null || fail "server close $P"
	check "ss: the server closed them" "" "$(tcpsm_ss_cw_ports "$NS")"
	if clear=$(tcpsm_wait_alarm "$RUN/leak.json" $P clear $((30 * K))); then
		echo "# clear: $(jq -c 'del(.sockets)' <<< "$clear")"
		c=$(jq .count <<< "$clear")
		if [ "$c" -lt 8 ]; then ok "clear: count $c < 16 / 2"; else fail "clear: count $c >= 16 / 2"; fi
		check "clear: replayed, netns" "false $ino" "$(jq -r '"\(.replayed) \(.netns)"' <<< "$clear")"
	else
		fail "no clear for port $P within $((30 * K)) s"
	fi
	sleep 3		# three more samples: nothing more may come
	check "one raise for port $P in all" 1 "$(tcpsm_n_alarms "$RUN/leak.json" $P raise)"
	check "one clear for port $P in all" 1 "$(tcpsm_n_alarms "$RUN/leak.json" $P clear)"
	check "no other alarm lines" 2 "$(grep -c . "$RUN/leak.json")"
	check "stats: alarms_active after the clear" 0 "$(stats_of "$NS" | jq .alarms_active)"
	cw_compare "leak, closed" "$NS"
	sub_stop leak "$sub"
	tcpsm_agents_stop
	ip netns del "$NS"
fi

# ---- 2. prompt: ~1000 connections/s closed at once: no alarm -------------------

if phase prompt; then
	NS=tcpsm-cw2-$$ P=8180 W=4
	fresh_ns "$NS" || { fail "ip netns add $NS"; exit 1; }
	cfg "$NS" closewait.count=16 closewait.age=1 closewait.window=5
	sub_start prompt "$NS"
	sub=$sub_pid
	ip netns exec "$NS" python3 ./cw_traffic.py churn --family 4 --port $P --seconds 10 \
		--connections "$CHURN_CONNS" --max-seconds 40 \
		--rate 1000 --workers $W > "$RUN/churn.out" 2> "$RUN/churn.err" &
	churn=$!
	peaks="" reads=0 badreads=0
	while kill -0 $churn 2>/dev/null; do
		sleep 2
		reads=$((reads + 1))
		if CW=$(in_ns "$NS" "$CLI" closewait --json 2> "$RUN/cw.err"); then
			peaks="$peaks $(jq '[.ports[].count] | max // 0' <<< "$CW")"
		else
			badreads=$((badreads + 1))
			sed 's/^/#   /' "$RUN/cw.err"
		fi
	done
	wait $churn
	check "churn exit status" 0 $?
	# sockets come and go between the samples: every read still succeeds
	check "tcpsm closewait under the churn: $reads reads, failed" 0 "$badreads"
	r=$(cat "$RUN/churn.out")
	echo "# churn: $r"
	echo "# tcpsm closewait's largest count, every 2 s:$peaks (at most $W by construction, plus what a walk of a changing table may count twice)"
	check "churn: every connection served and closed by the server" \
		"$(jq .connections <<< "$r") 0" "$(jq -r '"\(.served) \(.errors)"' <<< "$r")"
	made=$(jq .connections <<< "$r")
	if [ "$made" -ge "$CHURN_CONNS" ]; then
		ok "churn: $made connections in $(jq .seconds <<< "$r") s, $(jq .rate <<< "$r")/s (asked 1000/s and $CHURN_CONNS connections)"
	else
		fail "churn: $made connections in 40 s, fewer than $CHURN_CONNS: the test proves too little"
	fi
	sleep 2		# the samples of the churn's last second
	check "no alarm printed under the prompt server's load" "" "$(cat "$RUN/prompt.json")"
	st=$(stats_of "$NS")
	check "stats: alarms_active" 0 "$(jq .alarms_active <<< "$st")"
	echo "# stats: closewait_untracked $(jq .closewait_untracked <<< "$st")"
	sub_stop prompt "$sub"
	ip netns del "$NS"	# and its TIME_WAIT sockets, from the tables walked
fi

# ---- 3. growth: one leak every 0.6 s trips the growth rule -----------------------

if phase growth; then
	NS=tcpsm-cw3-$$ P=8280
	# The sampler runs once a second and its phase drifts against the
	# leaker's: with one leak per second a sample can see none (and the
	# streak restarts), and three samples see only 3 < count 4. A leak
	# every 0.6 s puts at least one in every sample and 4 or 5 in every
	# three of them, so each window of 3 samples grows by >= 4.
	PERIOD=0.6
	fresh_ns "$NS" || { fail "ip netns add $NS"; exit 1; }
	ino=$(ns_ino "$NS")
	cfg "$NS" closewait.count=4 closewait.window=3 closewait.age=3600
	sub_start growth "$NS" stamp
	sub=$sub_pid
	if ! tcpsm_agent_start srv3 "$NS" || ! tcpsm_agent_start cli3 "$NS"; then
		fail "cw_traffic.py agents"; exit 1
	fi
	tcpsm_agent srv3 listen 4 $P > /dev/null || fail "listen $P"
	k=$(tcpsm_agent_send cli3 leak 4 $P $GROWTH_LEAKS $PERIOD)
	tmo=$(awk -v n=$GROWTH_LEAKS -v p=$PERIOD -v k=$K 'BEGIN { printf "%d", n * p + 10 * k }')
	raise=$(tcpsm_wait_alarm "$RUN/growth.json" $P raise "$tmo")
	got=$?
	leak=$(tcpsm_agent_reply cli3 "$k" $((GROWTH_LEAKS + 60 * K))) ||
		fail "leaker: $leak"
	if [ $got = 0 ]; then
		echo "# raise: $(jq -c 'del(.sockets)' <<< "$raise")"
		ts=$(jq .ts <<< "$raise")
		t0=$(jq .t_first_mono <<< "$leak")
		before=$(jq --argjson t "$ts" '[.sent_mono[] | select(. * 1e9 < $t)] | length' <<< "$leak")
		echo "# raised $(calc "$ts / 1e9 - $t0") s after the first leak, $before leaks made by then"
		check "raise: alarm, state, replayed, netns, port" \
			"CLOSE_WAIT_LEAK raise false $ino $P" \
			"$(jq -r '"\(.alarm) \(.state) \(.replayed) \(.netns) \(.port)"' <<< "$raise")"
		g=$(jq .growth <<< "$raise")
		c=$(jq .count <<< "$raise")
		if [ "$g" -ge 4 ] && [ "$c" -ge "$g" ] && [ "$c" -le "$before" ]; then
			ok "raise: growth $g >= 4, count $c: between growth and the $before leaks made before its ts"
		else
			fail "raise: growth $g, count $c (want growth >= 4, growth <= count <= $before leaks made before its ts)"
		fi
	else
		fail "no raise for port $P while leaking one socket every $PERIOD s ($GROWTH_LEAKS leaks)"
	fi
	check "ss: every leak in CLOSE_WAIT" "$P $GROWTH_LEAKS" "$(tcpsm_ss_cw_ports "$NS")"
	cw_compare "growth" "$NS"
	tcpsm_agent srv3 close $P > /dev/null || fail "server close $P"
	tcpsm_wait_alarm "$RUN/growth.json" $P clear $((30 * K)) > /dev/null ||
		fail "no clear for port $P within $((30 * K)) s"
	sleep 2
	check "growth: one raise, one clear" "1 1" \
		"$(tcpsm_n_alarms "$RUN/growth.json" $P raise) $(tcpsm_n_alarms "$RUN/growth.json" $P clear)"
	check "stats: alarms_active after the clear" 0 "$(stats_of "$NS" | jq .alarms_active)"
	sub_stop growth "$sub"
	tcpsm_agents_stop
	ip netns del "$NS"
fi

# ---- 4. exact: per port == ss, sockets from before the load included ---------------

# owners_check LABEL PORTS PID: the ports' owners are PID alone, resolved, tracked
owners_check() {
	local label=$1 ports=$2 pid=$3 bad
	bad=$(jq -c --argjson ps "$ports" --argjson pid "$pid" '
		[.ports[] | select(.port as $p | $ps | index($p)) |
		 select(([.owners[].pid] != [$pid]) or .unresolved != 0 or .untracked != 0) |
		 {port, owners, unresolved, untracked}]' <<< "$CW")
	check "$label: ports $(jq -c . <<< "$ports"): owners = pid $pid, unresolved 0, untracked 0" "[]" "$bad"
}

# client_side N: N connections to 9004 whose server closes first and
# whose clients never do: N client-side CLOSE_WAIT sockets on their
# (ephemeral) local ports. Sets cl (the reply listing all such clients).
client_side() {
	if ! tcpsm_agent cli4 connect 4 9004 "$1" > /dev/null ||
	   ! tcpsm_agent srv4 waitaccept 9004 "$1" > /dev/null ||
	   ! tcpsm_agent srv4 close 9004 > /dev/null ||
	   ! cl=$(tcpsm_agent cli4 waitcw); then
		fail "client-side CLOSE_WAIT: $cl"
	fi
}

if phase exact; then
	NS=tcpsm-cw4-$$
	fresh_ns "$NS" || { fail "ip netns add $NS"; exit 1; }
	if ! tcpsm_agent_start srv4 "$NS" || ! tcpsm_agent_start cli4 "$NS"; then
		fail "cw_traffic.py agents"; exit 1
	fi
	srvpid=$(tcpsm_agent srv4 pid | jq .pid)
	clipid=$(tcpsm_agent cli4 pid | jq .pid)
	rmmod tcpsm || { fail "rmmod tcpsm"; exit 1; }
	echo "# tcpsm unloaded"
	for l in "4 9001" "6 9002" "4 9003" "6 9003" "4 9004" "6 9005"; do
		read -ra a <<< "$l"
		tcpsm_agent srv4 listen "${a[@]}" > /dev/null || fail "listen $l"
	done
	# server side: 7 (v4), 5 (v6), 3 + 4 (v4 + v6 on one port)
	for l in "4 9001 7" "6 9002 5" "4 9003 3" "6 9003 4"; do
		read -ra a <<< "$l"
		tcpsm_agent cli4 leak "${a[@]}" > /dev/null || fail "leak $l"
	done
	# client side: the server closes first, the clients never do
	client_side 3
	for w in "9001 7" "9002 5" "9003 7"; do
		read -ra a <<< "$w"
		tcpsm_agent srv4 waitaccept "${a[@]}" > /dev/null || fail "accept $w"
	done
	check "ss before the load (port:count)" \
		"$({ printf '%s\n' 9001:7 9002:5 9003:7; jq -r '.lports[] | "\(.):1"' <<< "$cl"; } | sort -n | tr '\n' ' ')" \
		"$(tcpsm_ss_cw_ports "$NS" | tr ' \n' ': ')"
	t_load=$(mono_now)
	insmod "$KO" || { fail "insmod $KO"; exit 1; }
	echo "# tcpsm loaded"
	cw_compare "sockets from before the load" "$NS"
	owners_check "before the load" "[9001,9002,9003]" "$srvpid"
	owners_check "before the load, client side" "$(jq -c .lports <<< "$cl")" "$clipid"
	t=$(mono_now)
	old=$(jq -r '[.ports[].oldest_age_ms] | max' <<< "$CW")
	if le "$old" "$(calc "($t - $t_load) * 1000")"; then
		ok "before the load: oldest_age_ms $old <= the $(calc "($t - $t_load) * 1000") ms since the load began"
	else
		fail "before the load: oldest_age_ms $old > the $(calc "($t - $t_load) * 1000") ms since the load began"
	fi

	for l in "4 9001 4" "6 9003 2" "6 9005 6"; do
		read -ra a <<< "$l"
		tcpsm_agent cli4 leak "${a[@]}" > /dev/null || fail "leak $l"
	done
	client_side 2
	for w in "9001 11" "9003 9" "9005 6"; do
		read -ra a <<< "$w"
		tcpsm_agent srv4 waitaccept "${a[@]}" > /dev/null || fail "accept $w"
	done
	cw_compare "more after the load" "$NS"
	owners_check "after the load" "[9001,9002,9003,9005]" "$srvpid"
	owners_check "after the load, client side" "$(jq -c .lports <<< "$cl")" "$clipid"

	tcpsm_agent srv4 close 9001 5 > /dev/null || fail "server close 9001 5"
	tcpsm_agent srv4 close 9002 > /dev/null || fail "server close 9002"
	cw_compare "after 5 of 9001 and all of 9002 closed" "$NS"
	check "9002 is gone from tcpsm closewait" "" "$(port_json 9002)"
	check "no alarm (all counts under 16)" 0 "$(stats_of "$NS" | jq .alarms_active)"
	tcpsm_agents_stop
	ip netns del "$NS"
fi

# ---- 5. cap: past closewait_max, counted and reported ------------------------------

if phase cap; then
	NS=tcpsm-cw5-$$
	if ! rmmod tcpsm || ! insmod "$KO" closewait_max=10; then
		fail "reload with closewait_max=10"; exit 1
	fi
	reloaded=1
	check "closewait_max" 10 "$(cat /sys/module/tcpsm/parameters/closewait_max 2>/dev/null)"
	fresh_ns "$NS" || { fail "ip netns add $NS"; exit 1; }
	if ! tcpsm_agent_start srv5 "$NS" || ! tcpsm_agent_start cli5 "$NS"; then
		fail "cw_traffic.py agents"; exit 1
	fi
	for l in "4 9101" "6 9102" "4 9103"; do
		read -ra a <<< "$l"
		tcpsm_agent srv5 listen "${a[@]}" > /dev/null || fail "listen $l"
	done
	n=0
	for l in "4 9101 6" "6 9102 8" "4 9103 3"; do
		read -ra a <<< "$l"
		tcpsm_agent cli5 leak "${a[@]}" > /dev/null || fail "leak $l"
		n=$((n + a[2]))
		[ $n -lt 14 ] && continue
		cw_compare "cap 10, $n sockets" "$NS"
		u=$(jq '[.ports[].untracked] | add' <<< "$CW")
		if [ "$u" -ge $((n - 10)) ] && [ "$u" -le "$n" ]; then
			ok "cap 10, $n sockets: $u untracked (at least $((n - 10)))"
		else
			fail "cap 10, $n sockets: $u untracked, want $((n - 10))..$n"
		fi
		su=$(stats_of "$NS" | jq .closewait_untracked)
		if [ "$su" -gt 0 ]; then
			ok "cap 10, $n sockets: stats closewait_untracked $su"
		else
			fail "cap 10, $n sockets: stats closewait_untracked $su"
		fi
	done
	for p in 9101 9102 9103; do tcpsm_agent srv5 close $p > /dev/null; done
	cw_compare "cap 10, all closed" "$NS"
	tcpsm_agents_stop
	ip netns del "$NS"
	if ! rmmod tcpsm || ! insmod "$KO"; then
		fail "reload with the defaults"; exit 1
	fi
	reloaded=
fi

if [ "$fails" -ne 0 ]; then
	echo "closewait.sh: FAIL ($fails)"
	exit 1
fi
echo "closewait.sh: PASS"
