#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sock:inet_sock_set_state also fires for SCTP and for MPTCP's
# connection-level sockets. tcpsm counts TCP only: SCTP traffic leaves the
# matrix empty, and one MPTCP connection counts as its one TCP subflow
# (what ss -tan shows), not twice.
#
# Runs in the VM with tcpsm loaded (tests/run.sh).

set -u
cd "$(dirname "$0")" || exit 1
. ./lib.sh

NS=tcpsmP
KSFT_SKIP=4
hold_pid=

cleanup() {
	[ -n "$hold_pid" ] && kill "$hold_pid" 2>/dev/null
	wait 2>/dev/null
	ip netns del "$NS" 2>/dev/null
}
trap cleanup EXIT

stats() {
	tcpsm_stats "$NS"
}


# connect, accept, exchange a byte and close (or hold with "hold")
pyconn() {	# proto port [hold]
	ip netns exec "$NS" python3 - "$@" <<'PY'
import socket, sys, time
proto = {"sctp": socket.IPPROTO_SCTP, "mptcp": 262}[sys.argv[1]]
port = int(sys.argv[2])
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM, proto)
srv.bind(("127.0.0.1", port))
srv.listen(8)
cli = socket.socket(socket.AF_INET, socket.SOCK_STREAM, proto)
cli.connect(("127.0.0.1", port))
acc, _ = srv.accept()
cli.sendall(b"x")
assert acc.recv(1) == b"x"
print("connected", flush=True)
if len(sys.argv) > 3:
    sys.stdin.read()	# hold until the test closes our stdin
for s in (cli, acc, srv):
    s.close()
PY
}

ip netns add "$NS" && ip -n "$NS" link set lo up || die "cannot create $NS"

# --- SCTP: nothing for tcpsm ----------------------------------------------
if modprobe sctp 2>/dev/null; then
	pyconn sctp 5000 >/dev/null || die "SCTP connection failed"
	sleep 0.5
	s=$(stats) || die "stats"
	[ "$(jq '.transitions | length' <<<"$s")" = 0 ] ||
		die "SCTP traffic counted as TCP: $(jq -c .transitions <<<"$s")"
	echo "ok: SCTP connect/close leaves the TCP matrix empty"
else
	echo "# sctp module not available: SCTP part skipped"
fi

# --- MPTCP: the subflow counts, the connection-level socket does not ------
ip netns exec "$NS" sysctl -qw net.mptcp.enabled=1 2>/dev/null ||
	{ echo "# no MPTCP in this kernel"; exit $KSFT_SKIP; }
before=$(stats) || die "stats"
coproc HOLD { pyconn mptcp 5001 hold; }
hold_pid=$HOLD_PID
read -r -t 10 line <&"${HOLD[0]}"
[ "$line" = connected ] || die "MPTCP connection failed"

s=$(stats) || die "stats"
# keys sorted on both sides: the tests' jq may be gojq, which sorts them
g=$(jq -cS .states <<<"$s")
want=$(tcpsm_ss_states "$NS" | jq -cS .)
[ "$g" = "$want" ] || die "gauges $g differ from ss -tan $want"
echo "ok: gauges with an MPTCP connection open equal ss -tan: $g"

for e in "CLOSED LISTEN" "CLOSED SYN_SENT" "SYN_SENT ESTABLISHED"; do
	# shellcheck disable=SC2086
	n=$(( $(tcpsm_edge "$s" $e) - $(tcpsm_edge "$before" $e) ))
	[ "$n" = 1 ] || die "MPTCP connection: ${e/ / -> } counted $n times, want 1 (its subflow)"
	echo "ok: MPTCP connection: ${e/ / -> } counted once"
done
exit 0
