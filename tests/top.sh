#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# top.sh: `tcpsm top` in the VM (root, module loaded by tests/run.sh):
#   1. batch: with sockets held in all ten states (tcpsm_traffic hold, in
#      tcpsmA and tcpsmB), the gauges of `tcpsm top --batch -n 2`, read as
#      NAME<blanks>COUNT in the last frame, equal `tcpsm stats --json`,
#      each state once; frames start with their header line and are
#      separated by a blank line; the first has no rates, the second has
#      the rates of connections made between the two;
#   2. full screen under tmux (160x50): the diagram with all 11 state
#      names; p shows PAUSED, ? the help, n another namespace (as root);
#      q ends it, exit 0, within a few seconds;
#   3. resized to 40x12 it shows the list and keeps running; back at
#      160x50 the diagram again;
#   4. unprivileged, n shows why in the status line and top goes on;
#      SIGTERM ends it with exit 0 and the terminal given back; a module
#      unloaded under it ends it with exit 1, one line, terminal given
#      back (the module is loaded again);
#   5. usage: -d 0, -d junk exit 64 with one line; so does a stdout that
#      is not a terminal, without --batch.
# KTAP-ish lines on stdout; exit 0 pass, 1 fail, 4 skip (kselftest).
set -u

cd "$(dirname "$0")" || exit 1
# shellcheck source=tests/lib.sh
. ./lib.sh
tcpsm_test_start top ip tc ss jq tmux setpriv pgrep python3 insmod rmmod \
	build/tcpsm_traffic cli root
TRAFFIC=$BUILD/tcpsm_traffic
NSL=tcpsm-top-$$		# a namespace for loopback connections
STATES11="CLOSED $TCPSM_STATES"
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all
	--bounding-set=-all)

# tmux keeps its socket in TMUX_TMPDIR: a directory of our own (not
# $TCPSM_RUNDIR, which tcpsm_ns_setup makes anew); a socket name of our
# own (-L) keeps any other tmux out of the way
RUN=$(mktemp -d /tmp/tcpsm-top-run.XXXXXX) || exit 1
export TMUX_TMPDIR=$RUN
chmod 755 "$RUN"	# nobody's top runs in a pane of this server
TM=(tmux -L tcpsm-top)
pids=()

# shellcheck disable=SC2317 # called from the trap (tcpsm_test_end)
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	pids=()
	"${TM[@]}" kill-server 2>/dev/null
	ip netns del "$NSL" 2>/dev/null
	tcpsm_ns_teardown
}

# frame N TEXT: frame N (from 1) of batch output
frame() { awk -v n="$1" '/^tcpsm top /{ f++ } f == n' <<< "$2"; }

# gauge STATE FRAME: the count after STATE's name; "" unless exactly once
gauge() {
	local m
	m=$(grep -oE "(^|[^A-Z_])$1 +[0-9-]+( |$)" <<< "$2")
	[ "$(grep -c . <<< "$m")" = 1 ] || return 0
	awk '{ print $NF }' <<< "$m"
}

# ---- 1. batch == stats, at quiescence -----------------------------------------

batch_vs_stats() { # NS
	local ns=$1 out st last first i bad line s g want
	for i in 1 2 3; do
		out=$(ip netns exec "$ns" "$CLI" top --batch -n 2 -d 0.5) ||
			{ fail "$ns: tcpsm top --batch -n 2 exit $?"; return; }
		st=$(ip netns exec "$ns" "$CLI" stats --json) ||
			{ fail "$ns: tcpsm stats --json"; return; }
		last=$(frame 2 "$out")
		bad=""
		for s in $TCPSM_STATES; do
			g=$(gauge "$s" "$last")
			want=$(jq -r ".states.$s" <<< "$st")
			[ "$g" = "$want" ] || bad="$bad $s=$g(stats $want)"
		done
		[ -z "$bad" ] && break
		echo "# $ns: try $i:$bad"
		sleep 1
	done
	if [ -n "$bad" ]; then
		fail "$ns: top --batch gauges == stats --json:$bad"
		printf '%s\n' "$out" | sed 's/^/#   /'
	else
		ok "$ns: top --batch gauges == stats --json ($(jq -c .states <<< "$st" | tr -d '"{}'))"
	fi
	check "$ns: CLOSED shows '-'" "-" "$(gauge CLOSED "$last")"
	check "$ns: 2 frames, each starting with its header" 2 \
		"$(grep -c '^tcpsm top .* frame [12]/2$' <<< "$out")"
	check "$ns: a blank line before the second frame" "" \
		"$(grep -B1 '^tcpsm top .*frame 2/2' <<< "$out" | head -n 1)"
	first=$(frame 1 "$out")
	check "$ns: no rates in the first frame" 0 "$(grep -c '/s' <<< "$first")"
	check "$ns: rates in the second frame" 1 \
		"$(grep -q '[0-9]/s' <<< "$last" && echo 1 || echo 0)"
	line=$(sed -n 2p <<< "$last")
	check "$ns: status line" \
		"netns $(jq .netns <<< "$st")   interval 0.5s   running   events dropped: " \
		"${line%%dropped: *}dropped: "
	check "$ns: alarm line" "alarms: none" "$(sed -n 3p <<< "$last")"
	check "$ns: no escape codes" 0 "$(grep -c $'\033' <<< "$out")"
}

if ! tcpsm_ns_setup; then
	echo "FAIL: namespace setup failed"
	exit 1
fi
"$TRAFFIC" hold --family 4 --count 1 --port-base 24000 --hold --hold-max 150 \
	--block-cmd "$TESTS_DIR/lib.sh" < /dev/null > "$RUN/hold.out" 2> "$RUN/hold.err" &
pids+=($!)
for _ in $(seq 1 600); do
	grep -q -v '^#' "$RUN/hold.out" 2>/dev/null && break
	sleep 0.1
done
hold=$(grep -v '^#' "$RUN/hold.out" | head -n 1)
echo "# hold: $hold"
if [ "$(jq -r .ok <<< "$hold" 2>/dev/null)" != true ]; then
	fail "tcpsm_traffic hold: $hold $(cat "$RUN/hold.err")"
else
	batch_vs_stats "$TCPSM_NS_A"
	batch_vs_stats "$TCPSM_NS_B"
fi

# rates: connections made between the two frames show on the second
if ! ip netns add "$NSL" || ! ip -n "$NSL" link set lo up; then
	fail "ip netns add $NSL"
	exit 1
fi
cat > "$RUN/accept.py" <<'EOF'
import socket
l = socket.socket()
l.bind(("127.0.0.1", 24999))
l.listen(64)
print("ready", flush=True)
while True:
    s, _ = l.accept()
    s.close()
EOF
ip netns exec "$NSL" python3 "$RUN/accept.py" > "$RUN/accept.out" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do grep -q ready "$RUN/accept.out" && break; sleep 0.1; done
ip netns exec "$NSL" "$CLI" top --batch -n 2 -d 4 > "$RUN/rates.out" 2>&1 &
toppid=$!
for _ in $(seq 1 50); do grep -q '^alarms' "$RUN/rates.out" && break; sleep 0.1; done
ip netns exec "$NSL" bash -c 'for i in 1 2 3 4 5 6; do
	exec 3<>/dev/tcp/127.0.0.1/24999 && exec 3>&-; done'
wait "$toppid"
check "rates: top --batch -n 2 -d 4 exit status" 0 "$?"
rates=$(frame 2 "$(cat "$RUN/rates.out")")
# six connections in 4 s: 1.5/s on CLOSED->SYN_SENT, LISTEN->SYN_RCVD,
# SYN_SENT->ESTABLISHED, SYN_RCVD->ESTABLISHED, and on the closing edges
if grep -qE '(^|[^0-9.])([1-9][0-9]*|[0-9]\.[0-9])/s' <<< "$rates" &&
   [ "$(grep -oE '[0-9.]+/s' <<< "$rates" | grep -vc '^0/s$')" -ge 4 ]; then
	ok "rates: connections between the frames show as rates"
else
	fail "rates: no non-zero rates in the second frame"
	sed 's/^/#   /' "$RUN/rates.out"
fi

# ---- 2. + 3. full screen under tmux -------------------------------------------

pane() { "${TM[@]}" capture-pane -p -t "$1" 2>/dev/null; }
pane_fmt() { "${TM[@]}" display-message -p -t "$1" "$2" 2>/dev/null; }

# wait_pane SESSION SECONDS CMD...: until CMD succeeds on the pane's text
wait_pane() {
	local s=$1 n=$(($2 * 10)); shift 2
	for _ in $(seq 1 $n); do
		"$@" "$(pane "$s")" && return 0
		sleep 0.1
	done
	return 1
}
has_all_states() {
	local s
	for s in $STATES11; do grep -q "$s" <<< "$1" || return 1; done
}
# has / lacks PATTERN TEXT (wait_pane passes the text last)
has() { grep -q -- "$1" <<< "$2"; }
lacks() { ! grep -q -- "$1" <<< "$2"; }
has_diagram() { has_all_states "$1" && grep -qE '┌─|\+-' <<< "$1"; }
has_list() { has_all_states "$1" && has '^states:' "$1" && ! grep -qE '┌|\[ ' <<< "$1"; }
sessions() { "${TM[@]}" has-session -t "$1" 2>/dev/null; }

# a session that keeps the server up while the tested ones come and go
"${TM[@]}" new-session -d -s keep "sleep 1000"

# exits 0 when q is pressed: the session ends with the pane
"${TM[@]}" new-session -d -s big -x 160 -y 50 \
	"$CLI top -d 0.5; echo \$? > $RUN/big.rc; sleep 30"
if wait_pane big 15 has_diagram; then
	ok "tmux 160x50: the diagram with all 11 states"
else
	fail "tmux 160x50: no diagram with all 11 states"
	pane big | sed 's/^/#   /'
fi
"${TM[@]}" send-keys -t big p
if wait_pane big 5 has PAUSED; then ok "p: PAUSED"; else fail "p: no PAUSED"; fi
"${TM[@]}" send-keys -t big p
if wait_pane big 5 has running; then ok "p again: running"; else fail "p again: not running"; fi
"${TM[@]}" send-keys -t big '?'
if wait_pane big 5 has 'tcpsm top: keys'; then ok "?: help"; else fail "?: no help"; fi
"${TM[@]}" send-keys -t big x
if wait_pane big 5 lacks 'tcpsm top: keys'; then ok "a key closes the help"; else fail "help stays"; fi
"${TM[@]}" send-keys -t big n
if wait_pane big 5 has ' of [0-9]'; then
	ok "n (root): $(pane big | grep -o 'netns [0-9]*[^ ]* ([0-9]* of [0-9]*)' | head -n 1)"
else
	fail "n (root): no other namespace shown"
	pane big | head -n 3 | sed 's/^/#   /'
fi

# 3. tiny: the list, then big again
"${TM[@]}" resize-window -t big -x 40 -y 12
if wait_pane big 10 has_list; then
	ok "tmux 40x12: the list"
else
	fail "tmux 40x12: no list"
	pane big | sed 's/^/#   /'
fi
"${TM[@]}" resize-window -t big -x 160 -y 50
if wait_pane big 10 has_diagram; then
	ok "tmux back to 160x50: the diagram"
else
	fail "tmux back to 160x50: no diagram"
	pane big | sed 's/^/#   /'
fi

"${TM[@]}" send-keys -t big q
for _ in $(seq 1 50); do [ -e "$RUN/big.rc" ] && break; sleep 0.1; done
check "q: top exits 0" 0 "$(cat "$RUN/big.rc" 2>/dev/null)"
"${TM[@]}" kill-session -t big 2>/dev/null

# the brief's form: the session is `tcpsm top` itself and goes with it
"${TM[@]}" new-session -d -s plain -x 160 -y 50 "$CLI top"
wait_pane plain 15 has_diagram || fail "tmux plain: no diagram"
"${TM[@]}" send-keys -t plain q
gone=0
for _ in $(seq 1 50); do sessions plain || { gone=1; break; }; sleep 0.1; done
check "q: the session goes away within 5 s" 1 "$gone"

# ---- 4. unprivileged n, SIGTERM, module unloaded --------------------------------

# run_top NAME CMD...: a 160x50 session whose shell runs CMD and writes
# its exit status to $RUN/NAME.rc, then stays 5 s: a pane whose process
# exits at once can die before tmux has read its last bytes (seen under
# load), and those bytes are what is checked; remain-on-exit keeps it
# after that
run_top() {
	local name=$1; shift
	"${TM[@]}" new-session -d -s "$name" -x 160 -y 50 \
		"$*; echo \$? > $RUN/$name.rc; sleep 5"
}
# top_rc NAME: its exit status, once it ended (10 s at most)
top_rc() {
	for _ in $(seq 1 100); do
		[ -s "$RUN/$1.rc" ] && break
		sleep 0.1
	done
	cat "$RUN/$1.rc" 2>/dev/null
}
# given_back NAME: the terminal as curses found it: normal screen, cursor on
given_back() { pane_fmt "$1" '#{alternate_on} #{cursor_flag}'; }

"${TM[@]}" set-option -g remain-on-exit on
run_top nobody "${NOBODY[*]}" "$CLI" top
wait_pane nobody 15 has_diagram || fail "tmux nobody: no diagram"
"${TM[@]}" send-keys -t nobody n
if wait_pane nobody 5 has 'CAP_NET_ADMIN'; then
	ok "n (nobody): the status line says CAP_NET_ADMIN"
	pane nobody | sed -n 2p | sed 's/^/# /'
else
	fail "n (nobody): no message"
	pane nobody | head -n 3 | sed 's/^/#   /'
fi
sleep 1.5
check "n (nobody): top goes on" "" "$(cat "$RUN/nobody.rc" 2>/dev/null)"
"${TM[@]}" send-keys -t nobody q
check "n (nobody): then q, exit 0" 0 "$(top_rc nobody)"

run_top term "$CLI" top
wait_pane term 15 has_diagram || fail "tmux term: no diagram"
toppid=$(pgrep -P "$(pane_fmt term '#{pane_pid}')")
kill -TERM "$toppid"
check "SIGTERM: exit 0" 0 "$(top_rc term)"
for _ in $(seq 1 50); do [ "$(given_back term)" = "0 1" ] && break; sleep 0.1; done
check "SIGTERM: terminal given back (no alternate screen, cursor on)" "0 1" \
	"$(given_back term)"

run_top unload "$CLI" top -d 0.5
wait_pane unload 15 has_diagram || fail "tmux unload: no diagram"
if rmmod tcpsm; then
	check "module unloaded: exit 1" 1 "$(top_rc unload)"
	# the status file can be there before tmux has read top's last bytes
	for _ in $(seq 1 50); do
		[ "$(given_back unload)" = "0 1" ] &&
			pane unload | grep -q '^tcpsm: ' && break
		sleep 0.1
	done
	check "module unloaded: terminal given back" "0 1" "$(given_back unload)"
	check "module unloaded: one line" 1 "$(pane unload | grep -c '^tcpsm: ')"
	pane unload | grep '^tcpsm: ' | sed 's/^/# /'
	[ "$(given_back unload)" = "0 1" ] ||
		pane unload | grep -v '^ *$' | tail -n 8 | sed 's/^/#   /'
	insmod "$KO" || fail "insmod $KO"
else
	fail "rmmod tcpsm"
fi
"${TM[@]}" kill-server 2>/dev/null

# ---- 5. usage ---------------------------------------------------------------------

usage_err() { # DESCRIPTION ARGS...
	local d=$1 rc; shift
	"$CLI" "$@" > "$RUN/u.out" 2> "$RUN/u.err" < /dev/null
	rc=$?
	check "$d: exit 64, one line, no output" "64 1 0" \
		"$rc $(wc -l < "$RUN/u.err") $(wc -c < "$RUN/u.out")"
	sed 's/^/# /' "$RUN/u.err"
}
usage_err "-d 0" top -d 0
usage_err "-d junk" top -d junk
usage_err "-d -1" top --batch -d -1
usage_err "stdout not a terminal" top
check "not a terminal: says --batch" 1 "$(grep -c -- '--batch' "$RUN/u.err")"

if [ "$fails" -ne 0 ]; then
	echo "top.sh: FAIL ($fails)"
	exit 1
fi
echo "top.sh: PASS"
