#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Network namespace isolation of tcpsm (runs in the VM, as root, module
# loaded by tests/run.sh):
#   - two fresh namespaces with their own traffic (A: loopback connections
#     left ESTABLISHED, B: one listener) each see only their own gauges and
#     transition matrix, and the init namespace gains none of their edges;
#   - the netns inode tcpsm reports is the one of /proc/self/ns/net there;
#   - tcpsm stats --all-netns --json (root) lists init, A and B, each once,
#     with the same numbers as the per-namespace output;
#   - unprivileged (uid 65534, no capabilities): --all-netns exits 1 with one
#     line mentioning CAP_NET_ADMIN; plain tcpsm stats works (own netns);
#   - a deleted namespace disappears from --all-netns and nothing is logged.
# KTAP-ish lines on stdout; exit 0 pass, 1 fail, 4 skip (kselftest).

set -u
KSFT_SKIP=4

CLI=${TCPSM_CLI:-$(cd "$(dirname "$0")/.." && pwd)/userspace/tcpsm}
PY=/usr/bin/python3
NSA=tcpsm-nsA-$$
NSB=tcpsm-nsB-$$
NSC=tcpsm-nsC-$$
RUN=$(mktemp -d /tmp/tcpsm-netns.XXXXXX)
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all
	--bounding-set=-all)
pids=()
fails=0

cleanup()
{
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	ip netns del "$NSA" 2>/dev/null
	ip netns del "$NSB" 2>/dev/null
	ip netns del "$NSC" 2>/dev/null
	rm -rf "$RUN"
}
trap cleanup EXIT

# ok, fail, check and $fails
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

for t in jq setpriv ss ip; do
	command -v "$t" >/dev/null || { echo "SKIP: $t missing"; exit $KSFT_SKIP; }
done
[ -x "$PY" ] || { echo "SKIP: $PY missing"; exit $KSFT_SKIP; }
[ -x "$CLI" ] || { echo "SKIP: $CLI not built"; exit $KSFT_SKIP; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit $KSFT_SKIP; }

# A holds N loopback connections ESTABLISHED (both ends: 2N sockets), its
# listener closed; B holds one listener. Prints "ready", then waits.
cat > "$RUN/hold.py" <<'EOF'
import signal, socket, sys
mode, n = sys.argv[1], int(sys.argv[2])
keep = []
l = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
l.bind(("127.0.0.1", 0))
l.listen(n)
if mode == "est":
    for _ in range(n):
        c = socket.create_connection(l.getsockname())
        s, _ = l.accept()
        keep += [c, s]
    l.close()
else:
    keep.append(l)
print("ready", flush=True)
signal.pause()
EOF

ns_inode() { ip netns exec "$1" stat -L -c %i /proc/self/ns/net; }
ns_json()  { ip netns exec "$1" "$CLI" stats --json; }
# jq filter: edges into ESTABLISHED, summed
EST_IN='[.transitions[] | select(.to == "ESTABLISHED") | .count] | add // 0'

# start_hold NS MODE N: run hold.py in NS, wait for "ready"
start_hold()
{
	local out=$RUN/hold.$1 i
	ip netns exec "$1" "$PY" "$RUN/hold.py" "$2" "$3" > "$out" 2>&1 &
	pids+=($!)
	for ((i = 0; i < 200; i++)); do
		grep -q ready "$out" && return 0
		sleep 0.05
	done
	echo "# hold.py in $1 did not start: $(cat "$out")"
	return 1
}

init_before=$("$CLI" stats --json) || { fail "tcpsm stats (init)"; exit 1; }
init_ino=$(stat -L -c %i /proc/self/ns/net)
check "init netns inode" "$init_ino" "$(jq .netns <<< "$init_before")"

ip netns add "$NSA" && ip netns add "$NSB" || { fail "ip netns add"; exit 1; }
ip -n "$NSA" link set lo up
ip -n "$NSB" link set lo up
inoA=$(ns_inode "$NSA")
inoB=$(ns_inode "$NSB")

N=3
start_hold "$NSA" est $N || { fail "traffic in $NSA"; exit 1; }
start_hold "$NSB" listen 1 || { fail "listener in $NSB"; exit 1; }

jA=$(ns_json "$NSA") || fail "tcpsm stats in $NSA"
jB=$(ns_json "$NSB") || fail "tcpsm stats in $NSB"
echo "# $NSA: $jA"
echo "# $NSB: $jB"

# inodes
check "$NSA: netns = stat -L -c %i /proc/self/ns/net" "$inoA" "$(jq .netns <<< "$jA")"
check "$NSB: netns = stat -L -c %i /proc/self/ns/net" "$inoB" "$(jq .netns <<< "$jB")"

# gauges: only their own sockets (fresh namespaces had none); compared
# with keys sorted: the tests' jq may be gojq, which sorts them
check "$NSA gauges: ${N}x2 ESTABLISHED, nothing else" \
	"$(jq -cS . <<< '{"LISTEN":0,"SYN_SENT":0,"SYN_RCVD":0,"ESTABLISHED":6,"FIN_WAIT_1":0,"FIN_WAIT_2":0,"CLOSE_WAIT":0,"CLOSING":0,"LAST_ACK":0,"TIME_WAIT":0}')" \
	"$(jq -cS .states <<< "$jA")"
check "$NSB gauges: 1 LISTEN, nothing else" \
	"$(jq -cS . <<< '{"LISTEN":1,"SYN_SENT":0,"SYN_RCVD":0,"ESTABLISHED":0,"FIN_WAIT_1":0,"FIN_WAIT_2":0,"CLOSE_WAIT":0,"CLOSING":0,"LAST_ACK":0,"TIME_WAIT":0}')" \
	"$(jq -cS .states <<< "$jB")"

# the matrix: A's handshakes (N active + N passive opens) are A's alone
check "$NSA: edges into ESTABLISHED" $((2 * N)) "$(jq "$EST_IN" <<< "$jA")"
check "$NSA: SYN_SENT -> ESTABLISHED" $N \
	"$(jq '[.transitions[] | select(.from == "SYN_SENT" and .to == "ESTABLISHED") | .count] | add // 0' <<< "$jA")"
check "$NSA: SYN_RCVD -> ESTABLISHED" $N \
	"$(jq '[.transitions[] | select(.from == "SYN_RCVD" and .to == "ESTABLISHED") | .count] | add // 0' <<< "$jA")"
check "$NSB: only CLOSED/LISTEN edges" "[]" \
	"$(jq -c '[.transitions[] | select((.from != "CLOSED" and .from != "LISTEN") or (.to != "CLOSED" and .to != "LISTEN"))]' <<< "$jB")"
check "$NSB: CLOSED -> LISTEN taken" 1 \
	"$(jq '[.transitions[] | select(.from == "CLOSED" and .to == "LISTEN") | .count] | add // 0' <<< "$jB")"
init_after=$("$CLI" stats --json)
check "init netns gained none of $NSA's edges into ESTABLISHED" \
	"$(jq "$EST_IN" <<< "$init_before")" "$(jq "$EST_IN" <<< "$init_after")"

# the gauges agree with ss in each namespace
for ns in "$NSA" "$NSB"; do
	j=$(ns_json "$ns")
	for st in LISTEN ESTABLISHED; do
		case $st in LISTEN) ss_st=listening ;; *) ss_st=established ;; esac
		check "$ns: $st gauge = ss" \
			"$(ip netns exec "$ns" ss -Htn state "$ss_st" | wc -l)" \
			"$(jq ".states.$st" <<< "$j")"
	done
done

# --all-netns as root: init, A and B, once each, the same numbers
all=$("$CLI" stats --all-netns --json)
rc=$?
check "stats --all-netns --json as root exits 0" 0 $rc
echo "# all-netns: $(jq -c '[.[] | {netns, states}]' <<< "$all")"
for ino in "$init_ino" "$inoA" "$inoB"; do
	check "--all-netns lists netns $ino once" 1 \
		"$(jq "[.[] | select(.netns == $ino)] | length" <<< "$all")"
done
check "--all-netns: no netns listed twice" \
	"$(jq '[.[].netns] | length' <<< "$all")" \
	"$(jq '[.[].netns] | unique | length' <<< "$all")"
jA=$(ns_json "$NSA")
jB=$(ns_json "$NSB")
# an --all-netns entry is the namespace's own stats plus its netns_name
check "--all-netns entry of $NSA = tcpsm stats in $NSA, named" \
	"$(jq -cS --arg n "$NSA" '. + {netns_name: $n}' <<< "$jA")" \
	"$(jq -cS ".[] | select(.netns == $inoA)" <<< "$all")"
check "--all-netns entry of $NSB = tcpsm stats in $NSB, named" \
	"$(jq -cS --arg n "$NSB" '. + {netns_name: $n}' <<< "$jB")" \
	"$(jq -cS ".[] | select(.netns == $inoB)" <<< "$all")"
check "--all-netns entry of init: same gauges as tcpsm stats" \
	"$(jq -cS .states <<< "$init_after")" \
	"$(jq -cS ".[] | select(.netns == $init_ino) | .states" <<< "$all")"

# unprivileged
"${NOBODY[@]}" "$CLI" stats --all-netns --json > "$RUN/out" 2> "$RUN/err"
rc=$?
check "unprivileged stats --all-netns exits 1" 1 $rc
check "unprivileged stats --all-netns: nothing on stdout" "" "$(cat "$RUN/out")"
check "unprivileged stats --all-netns: one line on stderr" 1 "$(wc -l < "$RUN/err")"
echo "# stderr: $(cat "$RUN/err")"
if grep -q '^tcpsm: .*CAP_NET_ADMIN' "$RUN/err"; then
	ok "unprivileged stats --all-netns mentions CAP_NET_ADMIN"
else
	fail "unprivileged stats --all-netns does not mention CAP_NET_ADMIN"
fi
"${NOBODY[@]}" "$CLI" stats --all-netns > "$RUN/out" 2> "$RUN/err"
check "unprivileged stats --all-netns (text) exits 1" 1 $?

j=$("${NOBODY[@]}" "$CLI" stats --json 2> "$RUN/err")
check "unprivileged stats --json exits 0" 0 $?
check "unprivileged stats: own (init) netns" "$init_ino" "$(jq .netns <<< "$j")"
"${NOBODY[@]}" "$CLI" stats > "$RUN/out" 2> "$RUN/err"
check "unprivileged stats (text) exits 0" 0 $?
check "unprivileged stats (text): netns line" "netns $init_ino" "$(head -n1 "$RUN/out")"
j=$(ip netns exec "$NSA" "${NOBODY[@]}" "$CLI" stats --json)
check "unprivileged stats in $NSA exits 0" 0 $?
check "unprivileged stats in $NSA = root's" "$(jq -cS . <<< "$jA")" "$(jq -cS . <<< "$j")"

# a deleted namespace disappears, silently
ip netns add "$NSC" || { fail "ip netns add $NSC"; exit 1; }
inoC=$(ns_inode "$NSC")
check "--all-netns lists the new $NSC" 1 \
	"$("$CLI" stats --all-netns --json | jq "[.[] | select(.netns == $inoC)] | length")"
dmesg > "$RUN/dmesg.before"
ip netns del "$NSC"
gone=
for ((i = 0; i < 200; i++)); do # cleanup_net runs from a workqueue
	n=$("$CLI" stats --all-netns --json | jq "[.[] | select(.netns == $inoC)] | length")
	if [ "$n" = 0 ]; then
		gone=1
		break
	fi
	sleep 0.05
done
check "deleted $NSC is gone from --all-netns" 1 "${gone:-0}"
check "--all-netns still lists $NSA and $NSB" 2 \
	"$("$CLI" stats --all-netns --json | jq "[.[] | select(.netns == $inoA or .netns == $inoB)] | length")"
sleep 0.5
dmesg > "$RUN/dmesg.after"
# (TCG emulation noise aside: the VM's timers run late under load)
new=$(diff "$RUN/dmesg.before" "$RUN/dmesg.after" | grep '^>' |
	grep -v 'hrtimer: interrupt took')
check "nothing logged by the namespace deletion" "" "$new"

[ $fails -eq 0 ] || { echo "# $fails check(s) failed"; exit 1; }
exit 0
