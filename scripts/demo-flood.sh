#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The demo's SYN flood, INSIDE the VM (scripts/demo-guest.sh starts it):
# a service on 198.51.100.1:8443 (backlog 64, accepting) in the initial
# namespace, the one `tcpsm top` shows, and a flooder namespace joined to
# it by a veth pair. Every minute, 15 s of spoofed SYNs
# (build/tests/syn_flood, bounded, from 198.18.0.0/15, which the initial
# namespace routes to the flooder side, where the SYN-ACKs die): SYN_FLOOD
# is raised on the service's listener within seconds and cleared soon
# after the flood stops. Ends with its process group (SIGTERM).
set -u

ROOT=${TCPSM_ROOT:?run in the VM (scripts/demo-guest.sh)}
NS=tcpsmDemoFlood
SRV=198.51.100.1 FLD=198.51.100.2 SPOOF=198.18.0.0/15 PORT=8443

cleanup() {
	kill "$srv" 2>/dev/null
	ip link del tcpsm-dfl 2>/dev/null
	ip netns del "$NS" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 0' TERM INT

ip netns del "$NS" 2>/dev/null
ip netns add "$NS"
ip link add tcpsm-dfl type veth peer name tcpsm-dff netns "$NS"
ip addr add "$SRV/24" dev tcpsm-dfl
ip link set tcpsm-dfl up
ip -n "$NS" addr add "$FLD/24" dev tcpsm-dff
ip -n "$NS" link set lo up
ip -n "$NS" link set tcpsm-dff up
ip route add "$SPOOF" via "$FLD" dev tcpsm-dfl
sysctl -qw net.ipv4.tcp_syncookies=1

python3 - "$SRV" "$PORT" <<'EOF' &
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(64)
while True:
    c, _ = s.accept()
    c.close()
EOF
srv=$!

while :; do
	sleep 20
	ip netns exec "$NS" "$ROOT/build/tests/syn_flood" --dst "$SRV" \
		--dport "$PORT" --src "$SPOOF" --duration 15 --rate 1000 \
		> /dev/null 2>&1
	sleep 25
done
