#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# allnetns.sh: node-wide views (--all-netns) in the VM (root, tcpsm loaded
# by tests/run.sh), as a container host uses them: one tcpsm in the
# initial namespace, pods in namespaces of their own, one named by
# `ip netns add` (bind-mounted in /run/netns), one not named (held by a
# process only).
#
#  1. events --all-netns --json and alerts --all-netns --json run in the
#     initial namespace. In the named namespace a server leaks N
#     connections into CLOSE_WAIT (closewait.count=4, age=2); in the
#     unnamed one a client makes M connections to a local listener.
#     events: the named namespace's SYN_SENT -> ESTABLISHED edges are the
#     N connections made, each with netns (its inode) and netns_name (its
#     name); the unnamed one's are the M, with netns_name null; no lost
#     record. alerts: CLOSE_WAIT_LEAK raised for the leak's port with the
#     named namespace's inode and name, and, once the server closes the
#     sockets, cleared.
#  2. closewait, listeners and stats --all-netns --json: each namespace
#     with its name (null where none); closewait's count for the port =
#     ss in that namespace; the named namespace's listener is there.
#  2b. one pass for many namespaces: MANY more named namespaces, one made
#     with net.ipv4.tcp_child_ehash_entries set (an established hash of
#     its own), connections held in some: stats --all-netns gives each
#     namespace the ESTABLISHED and LISTEN counts ss shows there, also
#     for reads made while namespaces are added and deleted.
#  3. refused: root of a child namespace (CAP_NET_ADMIN over the initial
#     user namespace, all the same) gets exit 1 and one line naming the
#     initial namespace, from each of the five; uid 65534 without
#     capabilities in the initial namespace gets one naming CAP_NET_ADMIN.
# KTAP-ish lines on stdout; exit 0 pass, 1 fail, 4 skip (kselftest).
set -u

cd "$(dirname "$0")" || exit 1
# shellcheck source=tests/lib.sh
. ./lib.sh
tcpsm_test_start allnetns ip ss jq python3 setpriv unshare nsenter cli root
export TCPSM_AGENT_TIMEOUT=$((60 * K)) CW_TRAFFIC_TIMEOUT=$((30 * K))
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all
	--bounding-set=-all)

NSN=tcpsm-pod-$$	# named (ip netns add)
PORT=9301 N=5 M=3 AGE=2
subs=()
holder=
MANY=24 MP=tcpsm-many-$$- CHURN=tcpsm-churn-$$-
many=() held=() churn=

# churn_del: the namespaces section 2b's churn left
churn_del() {
	ip netns list | awk -v c="$CHURN" 'index($1, c) == 1 { print "netns del " $1 }' |
		ip -force -batch - > /dev/null 2>&1
}

# shellcheck disable=SC2317 # called from the trap (tcpsm_test_end)
cleanup() {
	local p
	for p in "${subs[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${subs[@]}"; do wait "$p" 2>/dev/null; done
	tcpsm_agents_stop
	[ -n "$holder" ] && kill "$holder" 2>/dev/null && wait "$holder" 2>/dev/null
	[ -n "$churn" ] && kill "$churn" 2>/dev/null && wait "$churn" 2>/dev/null
	for p in "${held[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${held[@]}"; do wait "$p" 2>/dev/null; done
	ip netns del "$NSN" 2>/dev/null
	for p in "${many[@]}"; do ip netns del "$p" 2>/dev/null; done
	churn_del
}

# start NAME ARGS...: `tcpsm ARGS` in the initial namespace into
# $RUN/NAME.out; returns once it waits for messages
start() {
	local name=$1
	shift
	"$CLI" "$@" > "$RUN/$name.out" 2> "$RUN/$name.err" &
	subs+=("$!")
	eval "pid_$name=$!"
	tcpsm_sub_ready "$!" $((10 * K)) ||
		fail "$name: tcpsm $* did not start: $(cat "$RUN/$name.err")"
}

tcpsm_fresh_ns "$NSN" || { fail "ip netns add"; exit 1; }
inoN=$(ns_ino "$NSN")
init_ino=$(stat -L -c %i /proc/self/ns/net)

# the unnamed namespace: a process that holds it, lo up, a listener
unshare --net python3 "$PWD/hold_conns.py" "$RUN/unnamed.port" 0 $M up \
	2> "$RUN/unnamed.err" &
holder=$!
for ((i = 0; i < 100 * K; i++)); do [ -e "$RUN/unnamed.port" ] && break; sleep 0.1; done
[ -e "$RUN/unnamed.port" ] || { fail "unnamed namespace: $(cat "$RUN/unnamed.err")"; exit 1; }
inoU=$(stat -L -c %i "/proc/$holder/ns/net")
echo "# namespaces: init $init_ino, $NSN $inoN, unnamed $inoU"

# ---- 1. events and alerts of every namespace ------------------------------------
ip netns exec "$NSN" "$CLI" config set closewait.count=4 closewait.age=$AGE ||
	fail "config set in $NSN"
start ev events --all-netns --json
start al alerts --all-netns --json

if ! tcpsm_agent_start srv "$NSN" || ! tcpsm_agent_start cli "$NSN"; then
	fail "cw_traffic.py agents"; exit 1
fi
tcpsm_agent srv listen 4 $PORT > /dev/null || { fail "listen"; exit 1; }
tcpsm_agent cli leak 4 $PORT $N > /dev/null || { fail "leak"; exit 1; }
tcpsm_agent srv waitaccept $PORT $N > /dev/null || fail "the server did not accept $N"
kill -USR1 "$holder"
for ((i = 0; i < 100 * K; i++)); do [ -e "$RUN/unnamed.port.n" ] && break; sleep 0.1; done
[ -e "$RUN/unnamed.port.n" ] || fail "unnamed namespace: no connections"
check "ss: $N CLOSE_WAIT on port $PORT in $NSN" "$PORT $N" "$(tcpsm_ss_cw_ports "$NSN")"

raise=$(tcpsm_wait_alarm "$RUN/al.out" $PORT raise $((AGE + 30 * K))) ||
	fail "no raise for port $PORT: $(cat "$RUN/al.out" "$RUN/al.err")"
echo "# raise: $(jq -c '{alarm, state, netns, netns_name, port, count}' <<< "$raise")"
check "alerts --all-netns: the leak's alarm, its namespace and name, the count ss shows" \
	"CLOSE_WAIT_LEAK $inoN \"$NSN\" $N" \
	"$(jq -r '"\(.alarm) \(.netns) \(.netns_name | tojson) \(.count)"' <<< "$raise")"

# events: the edges the traffic made, by namespace, named
sleep 0.5	# the module sends within 100 ms
est() { # NETNS: SYN_SENT -> ESTABLISHED edges seen there, and their names
	jq -sc --argjson n "$1" '[.[] | select(.netns == $n and .from == "SYN_SENT" and .to == "ESTABLISHED")] |
		[length, (map(.netns_name) | unique)]' "$RUN/ev.out"
}
check "events --all-netns: $NSN's connects, named" "[$N,[\"$NSN\"]]" "$(est "$inoN")"
check "events --all-netns: the unnamed namespace's connects, netns_name null" "[$M,[null]]" "$(est "$inoU")"
check "events --all-netns: no record lost" 0 "$(jq -s '[.[] | select(has("lost"))] | length' "$RUN/ev.out")"
check "events --all-netns: every record has netns_name" 0 \
	"$(jq -s '[.[] | select(has("netns_name") | not)] | length' "$RUN/ev.out")"

# ---- 2. closewait, listeners, stats ---------------------------------------------
j=$("$CLI" closewait --all-netns --json)
check "closewait --all-netns: exit 0" 0 $?
echo "# closewait: $(jq -c '[.[] | {netns, netns_name, ports: [.ports[] | {port, count}]}]' <<< "$j")"
check "closewait --all-netns: $NSN, named, port $PORT count = ss" "\"$NSN\" $N" \
	"$(jq -r --argjson n "$inoN" --argjson p $PORT \
		'.[] | select(.netns == $n) | "\(.netns_name | tojson) \(.ports[] | select(.port == $p) | .count)"' <<< "$j")"
j=$("$CLI" listeners --all-netns --json)
check "listeners --all-netns: exit 0" 0 $?
check "listeners --all-netns: $NSN, named, its listener on $PORT" "\"$NSN\" 1" \
	"$(jq -r --argjson n "$inoN" --argjson p $PORT \
		'.[] | select(.netns == $n) | "\(.netns_name | tojson) \([.listeners[] | select(.port == $p)] | length)"' <<< "$j")"
check "listeners --all-netns: the unnamed namespace's listener, netns_name null" "null 1" \
	"$(jq -r --argjson n "$inoU" --argjson p "$(cat "$RUN/unnamed.port")" \
		'.[] | select(.netns == $n) | "\(.netns_name | tojson) \([.listeners[] | select(.port == $p)] | length)"' <<< "$j")"
j=$("$CLI" stats --all-netns --json)
check "stats --all-netns: names (init, $NSN, unnamed)" "null \"$NSN\" null" \
	"$(jq -r --argjson i "$init_ino" --argjson n "$inoN" --argjson u "$inoU" \
		'[(.[] | select(.netns == $i)), (.[] | select(.netns == $n)), (.[] | select(.netns == $u))] |
		 map(.netns_name | tojson) | join(" ")' <<< "$j")"
check "stats --all-netns: $NSN's ESTABLISHED gauge = ss" \
	"$(ip netns exec "$NSN" ss -Htn state established | wc -l)" \
	"$(jq --argjson n "$inoN" '.[] | select(.netns == $n) | .states.ESTABLISHED' <<< "$j")"
t=$("$CLI" closewait --all-netns)
check "closewait --all-netns (text): the namespace's line" 1 \
	"$(grep -c "^netns $inoN ($NSN)\$" <<< "$t")"

# the leak ends: cleared, named
tcpsm_agent srv close $PORT > /dev/null || fail "server close"
clear=$(tcpsm_wait_alarm "$RUN/al.out" $PORT clear $((30 * K))) ||
	fail "no clear for port $PORT: $(cat "$RUN/al.out")"
check "alerts --all-netns: cleared, named" "CLOSE_WAIT_LEAK $inoN \"$NSN\"" \
	"$(jq -r '"\(.alarm) \(.netns) \(.netns_name | tojson)"' <<< "$clear")"
for s in ev al; do
	eval "p=\$pid_$s"
	kill -INT "$p"
	wait "$p"
	check "$s: exit 0 on SIGINT, nothing on stderr" "0 " "$? $(cat "$RUN/$s.err")"
done
subs=()

# ---- 2b. one pass for many namespaces --------------------------------------------
# the first with an established hash of its own, if the kernel can
ehash=$(sysctl -n net.ipv4.tcp_child_ehash_entries 2>/dev/null)
[ -z "$ehash" ] || sysctl -qw net.ipv4.tcp_child_ehash_entries=256
tcpsm_fresh_ns "${MP}0" || fail "ip netns add ${MP}0"
[ -z "$ehash" ] || sysctl -qw net.ipv4.tcp_child_ehash_entries="$ehash"
many=("${MP}0")
for ((i = 1; i < MANY; i++)); do many+=("$MP$i"); done
printf 'netns add %s\n' "${many[@]:1}" | ip -batch - || fail "ip netns add x$((MANY - 1))"
for p in "${many[@]:1}"; do ip -n "$p" link set lo up; done
[ -z "$ehash" ] || echo "# ${MP}0: tcp_ehash_entries $(ip netns exec "${MP}0" sysctl -n net.ipv4.tcp_ehash_entries) (> 0: its own)"
# connections held in every third namespace, a different number in each
for ((i = 0; i < MANY; i += 3)); do
	"$BUILD/tcpsm_traffic" estab --count $((i + 2)) --ns-client "$MP$i" \
		--port-base 9400 --hold --hold-max $((300 * K)) > "$RUN/held$i.json" 2> "$RUN/held$i.err" &
	held+=("$!")
done
for ((i = 0; i < MANY; i += 3)); do
	for ((t = 0; t < 100 * K; t++)); do [ -s "$RUN/held$i.json" ] && break; sleep 0.1; done
	jq -e .ok "$RUN/held$i.json" > /dev/null ||
		fail "estab in $MP$i: $(cat "$RUN/held$i.json" "$RUN/held$i.err")"
done
# many_ss / many_tcpsm JSON: "NAME ESTABLISHED LISTEN" for each of them
many_ss() {
	local p
	for p in "${many[@]}"; do
		echo "$p $(ss -N "$p" -Htn state established | wc -l) $(ss -N "$p" -Hltn | wc -l)"
	done
}
many_tcpsm() {
	jq -r --arg p "$MP" '[.[] | select(.netns_name // "" | startswith($p))] | sort_by(.netns_name | ltrimstr($p) | tonumber) |
		.[] | "\(.netns_name) \(.states.ESTABLISHED) \(.states.LISTEN)"' <<< "$1"
}
want=$(many_ss)
echo "# ss: $(awk '$2 > 0' <<< "$want" | tr '\n' ' ')"
j=$("$CLI" stats --all-netns --json)
check "stats --all-netns: $MANY namespaces' ESTABLISHED and LISTEN = ss" "$want" "$(many_tcpsm "$j")"
# namespaces come and go while dumps run
(
	i=0
	while :; do
		ip netns add "$CHURN$i" && ip netns del "$CHURN$((i - 1))" 2>/dev/null
		i=$((i + 1))
	done
) > /dev/null 2>&1 &
churn=$!
bad=0
for ((r = 0; r < 5; r++)); do
	j=$("$CLI" stats --all-netns --json) || bad=$((bad + 1))
	[ "$(many_tcpsm "$j")" = "$want" ] || bad=$((bad + 1))
done
kill "$churn"; wait "$churn" 2>/dev/null; churn=
churn_del
check "stats --all-netns x5 while namespaces come and go: exit 0, the same counts" 0 "$bad"
for p in "${held[@]}"; do kill "$p" 2>/dev/null; done
for p in "${held[@]}"; do wait "$p" 2>/dev/null; done
held=()

# ---- 3. refused -------------------------------------------------------------------
# refused WHO WHY CMD...: exit 1, nothing on stdout, one line naming WHY
refused() {
	local who=$1 why=$2 rc
	shift 2
	timeout $((20 * K)) "$@" > "$RUN/r.out" 2> "$RUN/r.err"
	rc=$?
	check "$who: ${*: -2}: exit 1, one line naming '$why', no output" "1 1 1 0" \
		"$rc $(wc -l < "$RUN/r.err") $(grep -c "$why" "$RUN/r.err") $(wc -c < "$RUN/r.out")"
	echo "# $(head -n 1 "$RUN/r.err")"
}
for c in events alerts closewait listeners stats; do
	refused "root of $NSN" "initial network namespace" \
		ip netns exec "$NSN" "$CLI" "$c" --all-netns
	refused "uid 65534" CAP_NET_ADMIN "${NOBODY[@]}" "$CLI" "$c" --all-netns
done

[ "$fails" -eq 0 ] || { echo "# $fails check(s) failed"; exit 1; }
exit 0
