#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# alerts.sh: the alarm settings (tcpsm config) and the delivery of alarms
# (tcpsm alerts, --exec, replay), in the VM (root, tcpsm loaded by
# tests/run.sh), on loopback in namespaces of its own:
#
#  1. config: a new namespace has the module's defaults (its parameters:
#     16/30/5 and 60/20/2), `config get` prints key=value lines and --json
#     the netns inode; root sets them (exit 0, silent); uid 65534 without
#     capabilities cannot set (exit 1, one line naming CAP_NET_ADMIN,
#     nothing changed) but can get; out-of-range values (count 0 and
#     1000001, age 86401, window 0 and 61, raise 0 and 101, clear 100,
#     duration 0 and 61) and a clear not below raise are refused (exit 1,
#     one line naming the key) and change nothing, not even the valid key of the
#     same request; the bounds are accepted; an unknown key or a value
#     that is not a number is a usage error (exit 64, naming the key);
#     settings of namespace A leave B and the init namespace as they were.
#  2. exec and replay: closewait.count=4, age=3. A subscriber with --json
#     --exec HOOK; a server leaks 6 sockets: the hook runs once for the
#     raise, after it was printed, with TCPSM_* equal to the printed line
#     and to the traffic (port, count 6 == ss, uids "0", the server's
#     inodes oldest first, REPLAYED=0). While it is active: a second
#     --json --exec subscriber prints it first, replayed, and its hook has
#     TCPSM_REPLAYED=1; so does a text subscriber ("RAISE ... (replayed)")
#     and an unprivileged one (alerts are open to all); stats counts it
#     (json and text), top --batch and closewait (text) show it. The
#     server closes: every subscriber prints one clear, each hook runs
#     once more, for it, and nothing else comes; a subscriber in another
#     namespace saw nothing. SIGINT ends each with exit 0.
#  3. unload: tcpsm unloaded under a subscriber ends it with exit 2 and
#     one line on stderr (the module is loaded again).
# KTAP-ish lines on stdout; exit 0 pass, 1 fail, 4 skip (kselftest).
set -u

cd "$(dirname "$0")" || exit 1
# shellcheck source=tests/lib.sh
. ./lib.sh
tcpsm_test_start alerts ip ss jq python3 setpriv insmod rmmod cli root
export TCPSM_AGENT_TIMEOUT=$((60 * K)) CW_TRAFFIC_TIMEOUT=$((30 * K))
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all
	--bounding-set=-all)

NSA=tcpsm-al-a-$$
NSB=tcpsm-al-b-$$
NSX=tcpsm-al-x-$$
NSY=tcpsm-al-y-$$
subs=()
declare -A spid	# subscriber NAME -> pid

# shellcheck disable=SC2317 # called from the trap (tcpsm_test_end)
cleanup() {
	local p ns
	for p in "${subs[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${subs[@]}"; do wait "$p" 2>/dev/null; done
	tcpsm_agents_stop
	for ns in "$NSA" "$NSB" "$NSX" "$NSY"; do ip netns del "$ns" 2>/dev/null; done
}

# ---- 1. config -------------------------------------------------------------------

# run NAME CMD...: run CMD, stdout to $RUN/NAME.out, stderr to $RUN/NAME.err;
# sets rc
run() {
	local name=$1; shift
	"$@" > "$RUN/$name.out" 2> "$RUN/$name.err"
	rc=$?
}
# conf NS: `tcpsm config get --json` in NS, without the netns, keys sorted
conf() { ip netns exec "$1" "$CLI" config get --json | jq -cS 'del(.netns)'; }
# conf_is COUNT AGE WINDOW [RAISE CLEAR DURATION]: the JSON conf() prints
# for those values (the synflood.* ones default to the module's)
conf_is() {
	jq -cnS --argjson c "$1" --argjson a "$2" --argjson w "$3" \
		--argjson r "${4:-$dr}" --argjson l "${5:-$dl}" --argjson d "${6:-$dd}" \
		'{"closewait.count": $c, "closewait.age": $a, "closewait.window": $w,
		  "synflood.raise": $r, "synflood.clear": $l, "synflood.duration": $d}'
}
# refused DESC NS EXIT KEY CMD...: CMD exits EXIT with one line on stderr
# that names KEY, nothing on stdout, and NS's settings are unchanged
refused() {
	local desc=$1 ns=$2 want=$3 key=$4 before; shift 4
	before=$(conf "$ns")
	run refused "$@"
	if [ "$rc" = "$want" ] && [ "$(grep -c . "$RUN/refused.err")" = 1 ] &&
	   grep -qF -- "$key" "$RUN/refused.err" && [ ! -s "$RUN/refused.out" ]; then
		ok "$desc: exit $rc: $(cat "$RUN/refused.err")"
	else
		fail "$desc: exit $rc (want $want, one line naming $key): '$(cat "$RUN/refused.err")' '$(cat "$RUN/refused.out")'"
	fi
	check "$desc: settings unchanged" "$before" "$(conf "$ns")"
}
# set_ok NS KEY=VALUE...: config set as root: exit 0, silent
set_ok() {
	local ns=$1; shift
	run set ip netns exec "$ns" "$CLI" config set "$@"
	check "config set $* in $ns: exit 0, no output" "0" \
		"$rc$(cat "$RUN/set.out" "$RUN/set.err")"
}

if ! tcpsm_fresh_ns "$NSA" || ! tcpsm_fresh_ns "$NSB"; then fail "ip netns add"; exit 1; fi
inoA=$(ns_ino "$NSA")
P=/sys/module/tcpsm/parameters
# the defaults of new namespaces are the module parameters (16, 30, 5)
dc=$(cat $P/closewait_count 2>/dev/null || echo 16)
da=$(cat $P/closewait_age 2>/dev/null || echo 30)
dw=$(cat $P/closewait_window 2>/dev/null || echo 5)
dr=$(cat $P/synflood_raise 2>/dev/null || echo 60)
dl=$(cat $P/synflood_clear 2>/dev/null || echo 20)
dd=$(cat $P/synflood_duration 2>/dev/null || echo 2)
echo "# module parameters: closewait_count=$dc closewait_age=$da closewait_window=$dw synflood_raise=$dr synflood_clear=$dl synflood_duration=$dd"
init_before=$("$CLI" config get --json)
check "config get --json: netns inode" "$inoA" \
	"$(ip netns exec "$NSA" "$CLI" config get --json | jq .netns)"
check "new namespace: the module's defaults" "$(conf_is "$dc" "$da" "$dw")" "$(conf "$NSA")"
check "config get (text): key=value lines" \
	"closewait.count=$dc closewait.age=$da closewait.window=$dw synflood.raise=$dr synflood.clear=$dl synflood.duration=$dd" \
	"$(ip netns exec "$NSA" "$CLI" config get | tr '\n' ' ' | sed 's/ $//')"

set_ok "$NSA" closewait.count=20 closewait.age=10 closewait.window=7
check "$NSA: get shows the new values" "$(conf_is 20 10 7)" "$(conf "$NSA")"
check "$NSB: still the defaults" "$(conf_is "$dc" "$da" "$dw")" "$(conf "$NSB")"

refused "unprivileged config set" "$NSA" 1 CAP_NET_ADMIN \
	ip netns exec "$NSA" "${NOBODY[@]}" "$CLI" config set closewait.count=3
run nobody_get ip netns exec "$NSA" "${NOBODY[@]}" "$CLI" config get --json
check "unprivileged config get: exit 0, root's view" "0 $(conf_is 20 10 7)" \
	"$rc $(jq -cS 'del(.netns)' "$RUN/nobody_get.out")"

for kv in closewait.count=0 closewait.count=1000001 closewait.age=86401 \
	closewait.window=0 closewait.window=61 synflood.raise=0 \
	synflood.raise=101 synflood.clear=100 synflood.duration=0 \
	synflood.duration=61; do
	refused "out of range: $kv" "$NSA" 1 "${kv%=*}" \
		ip netns exec "$NSA" "$CLI" config set "$kv"
done
refused "a good and a bad value: all or nothing" "$NSA" 1 closewait.window \
	ip netns exec "$NSA" "$CLI" config set closewait.count=5 closewait.window=61
refused "synflood.clear at synflood.raise" "$NSA" 1 "synflood.clear must be below" \
	ip netns exec "$NSA" "$CLI" config set synflood.raise=50 synflood.clear=50
refused "unknown key" "$NSA" 64 closewait.bogus \
	ip netns exec "$NSA" "$CLI" config set closewait.bogus=1
refused "not a number" "$NSA" 64 closewait.count \
	ip netns exec "$NSA" "$CLI" config set closewait.count=many

set_ok "$NSA" closewait.count=1 closewait.age=0 closewait.window=1
check "the lower bounds are accepted" "$(conf_is 1 0 1)" "$(conf "$NSA")"
set_ok "$NSA" closewait.count=1000000 closewait.age=86400 closewait.window=60
check "the upper bounds are accepted" "$(conf_is 1000000 86400 60)" "$(conf "$NSA")"
set_ok "$NSA" synflood.raise=100 synflood.clear=99 synflood.duration=60
check "synflood.*: the upper bounds are accepted" \
	"$(conf_is 1000000 86400 60 100 99 60)" "$(conf "$NSA")"
set_ok "$NSA" synflood.raise=1 synflood.clear=0 synflood.duration=1
check "synflood.*: the lower bounds are accepted" \
	"$(conf_is 1000000 86400 60 1 0 1)" "$(conf "$NSA")"

set_ok "$NSB" closewait.count=40
check "$NSB: its own count" "$(conf_is 40 "$da" "$dw")" "$(conf "$NSB")"
check "$NSA: unchanged by $NSB's" "$(conf_is 1000000 86400 60 1 0 1)" "$(conf "$NSA")"
check "init namespace: unchanged" "$init_before" "$("$CLI" config get --json)"
ip netns del "$NSA"
ip netns del "$NSB"

# ---- 2. --exec and replay ----------------------------------------------------------

# The hook appends one line per run (one write): the number of lines its
# subscriber had printed by then, then TCPSM_*=... fields, tab-separated.
cat > "$RUN/hook.sh" <<'EOF'
#!/bin/sh
# hook.sh LOG OUT
l="LINES=$(grep -c . "$2")$(env | grep '^TCPSM_' | sort |
	while IFS= read -r v; do printf '\t%s' "$v"; done)"
printf '%s\n' "$l" >> "$1"
EOF
chmod +x "$RUN/hook.sh"
# hook_json LOG N: run N of a hook log as a JSON object of strings
hook_json() {
	sed -n "${2}p" "$1" | jq -cR 'split("\t") | map(capture("^(?<key>[^=]*)=(?<value>.*)$")) | from_entries'
}
# sub NAME NS [PREFIX...] -- ARGS...: `tcpsm alerts ARGS` in NS (PREFIX:
# e.g. setpriv) to $RUN/NAME.out; returns when ready; its pid: spid[NAME]
sub() {
	local name=$1 ns=$2 pre=()
	shift 2
	while [ "$1" != -- ]; do pre+=("$1"); shift; done
	shift
	ip netns exec "$ns" "${pre[@]}" "$CLI" alerts "$@" > "$RUN/$name.out" 2> "$RUN/$name.err" &
	spid[$name]=$!
	subs+=("$!")
	tcpsm_sub_ready "${spid[$name]}" $((10 * K)) ||
		fail "$name: tcpsm alerts did not start: $(cat "$RUN/$name.err")"
}
# wait_lines FILE N TIMEOUT_S: until FILE has N complete lines
wait_lines() {
	local end=$(($(date +%s) + $3))
	until [ "$(wc -l 2>/dev/null < "$1" || echo 0)" -ge "$2" ]; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.1
	done
}
# stop NAME PID: SIGINT: exit 0, nothing on stderr
stop() {
	kill -INT "$2" 2>/dev/null
	wait "$2"
	check "$1: exit 0 on SIGINT, nothing on stderr" "0 " "$? $(cat "$RUN/$1.err")"
}

PORT=9201 N=6 AGE=3
if ! tcpsm_fresh_ns "$NSX" || ! tcpsm_fresh_ns "$NSY"; then fail "ip netns add"; exit 1; fi
inoX=$(ns_ino "$NSX")
set_ok "$NSX" closewait.count=4 closewait.age=$AGE closewait.window=5
sub s1 "$NSX" -- --json --exec "$RUN/hook.sh $RUN/s1.hook $RUN/s1.out"
sub sy "$NSY" -- --json
if ! tcpsm_agent_start srv "$NSX" || ! tcpsm_agent_start cli "$NSX"; then
	fail "cw_traffic.py agents"; exit 1
fi
r=$(tcpsm_agent srv listen 4 $PORT) || { fail "listen: $r"; exit 1; }
srvpid=$(jq .pid <<< "$r")
leak=$(tcpsm_agent cli leak 4 $PORT $N) || { fail "leak: $leak"; exit 1; }
tcpsm_agent srv waitaccept $PORT $N > /dev/null || fail "the server did not accept $N"
check "ss: $N CLOSE_WAIT on port $PORT" "$PORT $N" "$(tcpsm_ss_cw_ports "$NSX")"
inos=$(tcpsm_agent srv status | jq -c --arg p $PORT '.ports[$p].inodes')

raise=$(tcpsm_wait_alarm "$RUN/s1.out" $PORT raise $((AGE + 30 * K))) ||
	fail "no raise for port $PORT within $((AGE + 30 * K)) s: $(cat "$RUN/s1.out" "$RUN/s1.err")"
echo "# raise: $raise"
wait_lines "$RUN/s1.hook" 1 $((10 * K)) || fail "the hook did not run for the raise"
h=$(hook_json "$RUN/s1.hook" 1)
echo "# hook: $(jq -c 'with_entries(select(.key | test("^(LINES|TCPSM_(ALARM|STATE|REPLAYED|NETNS|PORT|COUNT|OLDEST_AGE_MS|GROWTH|TS|UIDS|INODES))$")))' <<< "$h")"
# want: the variables as the contract names them, from the printed line
want=$(jq -cS '{TCPSM_ALARM: .alarm, TCPSM_STATE: .state,
	TCPSM_REPLAYED: (if .replayed then "1" else "0" end),
	TCPSM_NETNS: (.netns | tostring), TCPSM_PORT: (.port | tostring),
	TCPSM_COUNT: (.count | tostring), TCPSM_OLDEST_AGE_MS: (.oldest_age_ms | tostring),
	TCPSM_GROWTH: (.growth | tostring), TCPSM_TS: (.ts | tostring),
	TCPSM_UIDS: ([.sockets[].uid] | unique | map(tostring) | join(" ")),
	TCPSM_INODES: ([.sockets[].ino] | map(tostring) | join(" "))}' <<< "$raise")
# (the test's own TCPSM_* environment reaches the hook too: left out)
check "hook (raise): TCPSM_* == the printed alarm" "$want" \
	"$(jq -cS --argjson w "$want" 'with_entries(select(.key as $k | $w | has($k)))' <<< "$h")"
check "hook (raise): the truth: alarm, state, replayed, netns, port, count ($N leaked), uids" \
	"CLOSE_WAIT_LEAK raise 0 $inoX $PORT $N 0" \
	"$(jq -r '"\(.TCPSM_ALARM) \(.TCPSM_STATE) \(.TCPSM_REPLAYED) \(.TCPSM_NETNS) \(.TCPSM_PORT) \(.TCPSM_COUNT) \(.TCPSM_UIDS)"' <<< "$h")"
check "hook (raise): TCPSM_INODES are the server's $N sockets" \
	"$(jq -c 'sort' <<< "$inos")" \
	"$(jq -c '.TCPSM_INODES | split(" ") | map(tonumber) | sort' <<< "$h")"
a=$(jq -r .TCPSM_OLDEST_AGE_MS <<< "$h")
if [ "${a:-0}" -gt $((AGE * 1000)) ] 2>/dev/null; then
	ok "hook (raise): TCPSM_OLDEST_AGE_MS $a > $((AGE * 1000))"
else
	fail "hook (raise): TCPSM_OLDEST_AGE_MS '$a', want > $((AGE * 1000))"
fi
check "hook (raise): ran after the line was printed" 1 "$(jq -r .LINES <<< "$h")"

# while it is active
sub s2 "$NSX" -- --json --exec "$RUN/hook.sh $RUN/s2.hook $RUN/s2.out"
sub s3 "$NSX" -- # text
sub s4 "$NSX" "${NOBODY[@]}" -- --json
for s in s2 s3 s4; do
	wait_lines "$RUN/$s.out" 1 $((10 * K)) || fail "$s: nothing replayed"
done
ts=$(jq .ts <<< "$raise")
for s in s2 s4; do
	check "$s: first line: the active alarm, replayed (same ts)" \
		"CLOSE_WAIT_LEAK raise true $PORT $ts" \
		"$(head -n 1 "$RUN/$s.out" | jq -r '"\(.alarm) \(.state) \(.replayed) \(.port) \(.ts)"')"
done
wait_lines "$RUN/s2.hook" 1 $((10 * K)) || fail "s2: the hook did not run for the replay"
check "s2: hook: TCPSM_REPLAYED=1, TCPSM_STATE=raise, same TCPSM_TS" "1 raise $ts" \
	"$(hook_json "$RUN/s2.hook" 1 | jq -r '"\(.TCPSM_REPLAYED) \(.TCPSM_STATE) \(.TCPSM_TS)"')"
line=$(head -n 1 "$RUN/s3.out")
echo "# s3 (text): $line"
inodes_csv=$(jq -r '[.sockets[].ino] | map(tostring) | join(",")' <<< "$raise")
re="^RAISE CLOSE_WAIT_LEAK netns $inoX port $PORT count $N oldest [0-9]+\.[0-9]s growth [+-]?[0-9]+ uid 0 inodes $inodes_csv \(replayed\)$"
if [[ $line =~ $re ]]; then
	ok "s3: text: RAISE line, replayed"
else
	fail "s3: text line '$line' does not match '$re'"
fi

st=$(ip netns exec "$NSX" "$CLI" stats --json)
check "stats --json: alarms_active" 1 "$(jq .alarms_active <<< "$st")"
check "stats (text): the alarms line" "alarms active: 1 (see tcpsm alerts)" \
	"$(ip netns exec "$NSX" "$CLI" stats | grep '^alarms active')"
top=$(ip netns exec "$NSX" "$CLI" top --batch -n 1)
if grep -q "CLOSE_WAIT_LEAK port $PORT ($N sockets" <<< "$top"; then
	ok "top --batch: $(grep -o "ALARM CLOSE_WAIT_LEAK port ${PORT}[^)]*)" <<< "$top")"
else
	fail "top --batch: no 'CLOSE_WAIT_LEAK port $PORT ($N sockets' line"
	printf '%s\n' "$top" | head -n 5 | sed 's/^/#   /'
fi
row=$(ip netns exec "$NSX" "$CLI" closewait | awk -v p=$PORT '$1 == p')
echo "# closewait (text): $row"
check "closewait (text): port, count, ALARM, owner" \
	"$PORT $N LEAK $(cat "/proc/$srvpid/comm")(pid $srvpid)" \
	"$(awk '{ o = $7; for (i = 8; i <= NF; i++) o = o " " $i; print $1, $2, $6, o }' <<< "$row")"

tcpsm_agent srv close $PORT > /dev/null || fail "server close"
check "ss: the server closed them" "" "$(tcpsm_ss_cw_ports "$NSX")"
clear=$(tcpsm_wait_alarm "$RUN/s1.out" $PORT clear $((30 * K))) ||
	fail "no clear for port $PORT within $((30 * K)) s"
echo "# clear: $clear"
for s in s2 s3 s4; do wait_lines "$RUN/$s.out" 2 $((10 * K)); done
for s in s1 s2; do
	wait_lines "$RUN/$s.hook" 2 $((10 * K)) || fail "$s: the hook did not run for the clear"
done
sleep 2		# two more samples: nothing more may come
h=$(hook_json "$RUN/s1.hook" 2)
check "hook (clear): alarm, state, replayed, netns, port, ts == the printed clear" \
	"CLOSE_WAIT_LEAK clear 0 $inoX $PORT $(jq .ts <<< "$clear")" \
	"$(jq -r '"\(.TCPSM_ALARM) \(.TCPSM_STATE) \(.TCPSM_REPLAYED) \(.TCPSM_NETNS) \(.TCPSM_PORT) \(.TCPSM_TS)"' <<< "$h")"
c=$(jq -r .TCPSM_COUNT <<< "$h")
if [ "${c:-9}" -lt 2 ] 2>/dev/null; then
	ok "hook (clear): TCPSM_COUNT $c < 4 / 2"
else
	fail "hook (clear): TCPSM_COUNT '$c', want < 2"
fi
check "s2: hook (clear): TCPSM_STATE, TCPSM_REPLAYED" "clear 0" \
	"$(hook_json "$RUN/s2.hook" 2 | jq -r '"\(.TCPSM_STATE) \(.TCPSM_REPLAYED)"')"
check "hook runs: once per raise, once per clear" "2 2" \
	"$(grep -c . "$RUN/s1.hook") $(grep -c . "$RUN/s2.hook")"
check "s1 (live): a raise, then a clear" "raise false,clear false" \
	"$(jq -r '"\(.state) \(.replayed)"' "$RUN/s1.out" | paste -sd,)"
for s in s2 s4; do
	check "$s (started while active): the raise replayed, then the clear" \
		"raise true,clear false" "$(jq -r '"\(.state) \(.replayed)"' "$RUN/$s.out" | paste -sd,)"
done
check "s3 (text): two lines, the second a CLEAR of port $PORT" \
	"2 CLEAR CLOSE_WAIT_LEAK netns $inoX port $PORT" \
	"$(grep -c . "$RUN/s3.out") $(sed -n 2p "$RUN/s3.out" | cut -d' ' -f1-6)"
check "$NSY's subscriber saw nothing of $NSX's" "" "$(cat "$RUN/sy.out")"
check "stats: alarms_active after the clear" 0 \
	"$(ip netns exec "$NSX" "$CLI" stats --json | jq .alarms_active)"
for s in s1 s2 s3 s4 sy; do stop "$s" "${spid[$s]}"; done
subs=()
tcpsm_agents_stop

# ---- 3. unload --------------------------------------------------------------------------

sub su "$NSY" -- --json
su=${spid[su]}
if rmmod tcpsm; then
	for ((i = 0; i < 100 * K; i++)); do kill -0 "$su" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$su" 2>/dev/null; then
		fail "module unloaded: tcpsm alerts still running after $((10 * K)) s"
		kill "$su"
	fi
	wait "$su"
	rc=$?
	check "module unloaded: exit 2, one line on stderr" "2 1" "$rc $(grep -c . "$RUN/su.err")"
	echo "# stderr: $(cat "$RUN/su.err")"
	insmod "$KO" || fail "insmod $KO"
else
	fail "rmmod tcpsm"
fi
subs=()

if [ "$fails" -ne 0 ]; then
	echo "alerts.sh: FAIL ($fails)"
	exit 1
fi
echo "alerts.sh: PASS"
