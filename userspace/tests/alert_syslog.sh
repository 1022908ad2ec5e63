#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# scripts/tcpsm-alert-syslog, no kernel needed: fixed alarms, as the
# environment of `tcpsm alerts --exec` and as `tcpsm alerts --json` lines
# (those of tests/unit_cw.c and tests/unit_syn.c), through --dry-run,
# against the lines it must log. Ends with "N passed, N failed"; exits 1
# if anything failed. The --json cases need jq (skipped without it).
#
#   tests/alert_syslog.sh [path/to/tcpsm-alert-syslog]
set -u

script=${1:-$(dirname "$0")/../../scripts/tcpsm-alert-syslog}
pass=0 fail=0

# expect NAME WANT GOT
expect() {
	if [ "$3" = "$2" ]; then
		echo "ok   $1"
		pass=$((pass + 1))
	else
		printf 'FAIL %s\n  want: %s\n  got:  %s\n' "$1" "$2" "$3"
		fail=$((fail + 1))
	fi
}

# exec_mode NAME WANT [--no-replayed] -- VAR=VALUE...: as --exec runs it,
# with every variable tcpsm alerts sets ("" when not known)
exec_mode() {
	name=$1 want=$2 opt=
	shift 2
	[ "$1" = --no-replayed ] && { opt=$1; shift; }
	shift	# --
	got=$(env -i PATH="$PATH" TCPSM_ALARM= TCPSM_STATE= TCPSM_REPLAYED=0 \
		TCPSM_NETNS= TCPSM_PORT= TCPSM_COUNT= TCPSM_OLDEST_AGE_MS= \
		TCPSM_GROWTH= TCPSM_TS=1 TCPSM_UIDS= TCPSM_INODES= TCPSM_SCORE= \
		TCPSM_ADDR= "$@" bash "$script" --dry-run ${opt:+"$opt"} 2>&1)
	expect "exec: $name" "$want" "$got"
}

# json_mode NAME WANT LINE [--no-replayed]
json_mode() {
	if ! command -v jq >/dev/null; then
		echo "skip json: $1 (no jq)"
		return
	fi
	got=$(printf '%s\n' "$3" | env -i PATH="$PATH" bash "$script" --json --dry-run ${4:+"$4"} 2>&1)
	expect "json: $1" "$2" "$got"
}

ns=4026531840

# CLOSE_WAIT_LEAK: as before the listener alarms came
exec_mode "CLOSE_WAIT_LEAK raise" \
	"daemon.warning CLOSE_WAIT_LEAK raised on port 8080 (netns $ns): 50 sockets in CLOSE_WAIT, oldest 31.2s, growth +50, owner uids 0,1000, inodes 4567 4568" \
	-- TCPSM_ALARM=CLOSE_WAIT_LEAK TCPSM_STATE=raise TCPSM_NETNS=$ns \
	TCPSM_PORT=8080 TCPSM_COUNT=50 TCPSM_OLDEST_AGE_MS=31250 TCPSM_GROWTH=50 \
	TCPSM_UIDS="0 1000" TCPSM_INODES="4567 4568"
exec_mode "CLOSE_WAIT_LEAK clear, replayed" \
	"daemon.notice CLOSE_WAIT_LEAK cleared on port 8080 (netns $ns): 3 sockets in CLOSE_WAIT, oldest 0.1s, growth -47 (active at start)" \
	-- TCPSM_ALARM=CLOSE_WAIT_LEAK TCPSM_STATE=clear TCPSM_REPLAYED=1 \
	TCPSM_NETNS=$ns TCPSM_PORT=8080 TCPSM_COUNT=3 TCPSM_OLDEST_AGE_MS=120 \
	TCPSM_GROWTH=-47
cw='{"alarm": "CLOSE_WAIT_LEAK", "state": "raise", "replayed": false, "ts": 123456789, "netns": 4026531840, "port": 8080, "count": 50, "oldest_age_ms": 31250, "growth": 50, "sockets": [{"uid": 0, "ino": 4567, "cookie": 99, "cgroup": 1, "age_ms": 31250, "family": "inet", "saddr": null, "daddr": "127.0.0.1", "dport": 40000}, {"uid": 1000, "ino": 4568, "cookie": 100, "cgroup": 2, "age_ms": 30000, "family": "inet6", "saddr": null, "daddr": "2001:db8::2", "dport": 40001}, {"uid": 0, "ino": 0, "cookie": 101, "cgroup": 0, "age_ms": 29999, "family": "inet", "saddr": null, "daddr": "10.0.0.9", "dport": 40002}], "score": null, "listener": null}'
json_mode "CLOSE_WAIT_LEAK raise" \
	"daemon.warning CLOSE_WAIT_LEAK raised on port 8080 (netns $ns): 50 sockets in CLOSE_WAIT, oldest 31.2s, growth +50, owner uids 0,1000, inodes 4567 4568" \
	"$cw"

# SYN_FLOOD: the listener and its score (and, from JSON, its SYN queue)
exec_mode "SYN_FLOOD raise" \
	"daemon.warning SYN_FLOOD raised on listener 10.0.0.1:8080 (netns $ns): score 87" \
	-- TCPSM_ALARM=SYN_FLOOD TCPSM_STATE=raise TCPSM_NETNS=$ns \
	TCPSM_PORT=8080 TCPSM_SCORE=87 TCPSM_ADDR=10.0.0.1
exec_mode "SYN_FLOOD clear, IPv6, replayed" \
	"daemon.notice SYN_FLOOD cleared on listener [2001:db8::1]:443 (netns $ns): score 12 (active at start)" \
	-- TCPSM_ALARM=SYN_FLOOD TCPSM_STATE=clear TCPSM_REPLAYED=1 \
	TCPSM_NETNS=$ns TCPSM_PORT=443 TCPSM_SCORE=12 TCPSM_ADDR=2001:db8::1
exec_mode "SYN_FLOOD replayed, --no-replayed" "" --no-replayed \
	-- TCPSM_ALARM=SYN_FLOOD TCPSM_STATE=raise TCPSM_REPLAYED=1 \
	TCPSM_NETNS=$ns TCPSM_PORT=443 TCPSM_SCORE=90 TCPSM_ADDR=0.0.0.0
exec_mode "SYN_FLOOD without listener or score" \
	"daemon.notice SYN_FLOOD cleared on port 443 (netns 1)" \
	-- TCPSM_ALARM=SYN_FLOOD TCPSM_STATE=clear TCPSM_NETNS=1 TCPSM_PORT=443
flood='{"alarm": "SYN_FLOOD", "state": "raise", "replayed": false, "ts": 42, "netns": 4026531840, "port": 8080, "count": null, "oldest_age_ms": null, "growth": null, "sockets": [], "score": 87, "listener": {"family": "inet", "saddr": "0.0.0.0", "port": 8080, "syn_queue": 64, "syn_queue_max": 64, "accept_queue": 0, "accept_queue_max": 64, "cookies": true, "synack_retrans": 0, "drops": 0, "overflow": 512, "completion": 3, "score": 87, "accept_score": 0, "alarms": ["SYN_FLOOD"]}}'
json_mode "SYN_FLOOD raise" \
	"daemon.warning SYN_FLOOD raised on listener 0.0.0.0:8080 (netns $ns): score 87, synq 64/64" \
	"$flood"
json_mode "SYN_FLOOD without listener or score" \
	"daemon.notice SYN_FLOOD cleared on port 443 (netns 1)" \
	'{"alarm": "SYN_FLOOD", "state": "clear", "replayed": false, "ts": 1, "netns": 1, "port": 443, "count": null, "oldest_age_ms": null, "growth": null, "sockets": [], "score": null, "listener": null}'

# ACCEPT_QUEUE_OVERFLOW: the same with the accept queue
exec_mode "ACCEPT_QUEUE_OVERFLOW raise, IPv6" \
	"daemon.warning ACCEPT_QUEUE_OVERFLOW raised on listener [::]:8080 (netns $ns): score 100" \
	-- TCPSM_ALARM=ACCEPT_QUEUE_OVERFLOW TCPSM_STATE=raise TCPSM_NETNS=$ns \
	TCPSM_PORT=8080 TCPSM_SCORE=100 TCPSM_ADDR=::
exec_mode "ACCEPT_QUEUE_OVERFLOW clear" \
	"daemon.notice ACCEPT_QUEUE_OVERFLOW cleared on listener 127.0.0.1:9000 (netns $ns): score 0" \
	-- TCPSM_ALARM=ACCEPT_QUEUE_OVERFLOW TCPSM_STATE=clear TCPSM_NETNS=$ns \
	TCPSM_PORT=9000 TCPSM_SCORE=0 TCPSM_ADDR=127.0.0.1
slow='{"alarm": "ACCEPT_QUEUE_OVERFLOW", "state": "clear", "replayed": true, "ts": 42, "netns": 4026531840, "port": 8080, "count": null, "oldest_age_ms": null, "growth": null, "sockets": [], "score": 100, "listener": {"family": "inet6", "saddr": "::", "port": 8080, "syn_queue": 0, "syn_queue_max": 128, "accept_queue": 128, "accept_queue_max": 128, "cookies": false, "synack_retrans": 0, "drops": 12, "overflow": 0, "completion": 0, "score": 0, "accept_score": 100, "alarms": []}}'
json_mode "ACCEPT_QUEUE_OVERFLOW clear, IPv6, replayed" \
	"daemon.notice ACCEPT_QUEUE_OVERFLOW cleared on listener [::]:8080 (netns $ns): score 100, acceptq 128/128 (active at start)" \
	"$slow"
json_mode "ACCEPT_QUEUE_OVERFLOW replayed, --no-replayed" "" "$slow" --no-replayed

# a kind from a newer module: both queues; lines that are no alarm: skipped
json_mode "unknown kind with a listener" \
	"daemon.warning ALARM_77 raised on listener 0.0.0.0:8080 (netns $ns): score 87, synq 64/64, acceptq 0/64" \
	"$(printf '%s' "$flood" | sed 's/"alarm": "SYN_FLOOD"/"alarm": "ALARM_77"/')"
json_mode "not an alarm, not JSON" "" '{"lost": 2}
garbage'

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
