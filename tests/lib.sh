#!/bin/sh
# tests/lib.sh - shell helpers for tcpsm tests (POSIX sh; bash and dash OK).
#
# Usage:   . tests/lib.sh            (source it, then call tcpsm_* functions)
#   or:    tests/lib.sh CMD ARGS...  (run one function: "tests/lib.sh block a2b 4 40001"
#                                     == tcpsm_block a2b 4 40001; used by
#                                     tcpsm_traffic --block-cmd tests/lib.sh)
#
# Topology made by tcpsm_ns_setup (all addresses live only inside the netns):
#
#   netns $TCPSM_NS_A (tcpsmA)                      netns $TCPSM_NS_B (tcpsmB)
#   dev $TCPSM_DEV_A (tcpsm-a)  <----- veth ----->  dev $TCPSM_DEV_B (tcpsm-b)
#   192.0.2.1/24  2001:db8::1/64 nodad              192.0.2.2/24  2001:db8::2/64 nodad
#
# Neighbours are static (nud permanent) so no ARP/ND traffic exists and the
# ingress drop filters only ever see our TCP segments.
#
# Loss is simulated at the RECEIVING side's ingress (tc ingress qdisc + u32):
#   "a2b" = segments from A to B are dropped at B's ingress,
#   "b2a" = segments from B to A are dropped at A's ingress.
# (A drop at the sender's own egress would be a local transmit failure, which
# e.g. removes a request socket at its first SYN-ACK retransmit.)
# Drop action: "gact drop" (act_gact); if act_gact is unavailable we fall back
# to "mirred egress redirect" to a veth device that is kept DOWN, which the
# kernel drops (TC_ACT_SHOT). Force one with TCPSM_DROP=gact|mirred.

: "${TCPSM_NS_A:=tcpsmA}"
: "${TCPSM_NS_B:=tcpsmB}"
: "${TCPSM_DEV_A:=tcpsm-a}"
: "${TCPSM_DEV_B:=tcpsm-b}"
: "${TCPSM_A4:=192.0.2.1}"
: "${TCPSM_B4:=192.0.2.2}"
: "${TCPSM_A6:=2001:db8::1}"
: "${TCPSM_B6:=2001:db8::2}"
: "${TCPSM_RUNDIR:=/tmp/tcpsm-test.$$}"
: "${TCPSM_DROP:=auto}"
TCPSM_BH_DEV=tcpsm-bh0
# the ten gauge states, in the order tcpsm prints them
TCPSM_STATES="LISTEN SYN_SENT SYN_RCVD ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 CLOSE_WAIT CLOSING LAST_ACK TIME_WAIT"

tcpsm_log() { echo "lib.sh: $*" >&2; }

# tcpsm_modprobe: load what the tests need (ignore failures: may be built in)
tcpsm_modprobe() {
	for m in veth sch_ingress cls_u32 act_gact act_mirred sch_netem tcp_diag inet_diag; do
		modprobe -q "$m" 2>/dev/null || :
	done
}

# tcpsm_veth_pair NS1 DEV1 V4_1 V6_1 NS2 DEV2 V4_2 V6_2: create netns NS1
# and NS2 joined by a veth pair DEV1 <-> DEV2 with those addresses (/24,
# /64), lo up, static neighbours (no ARP/ND traffic), and wait until both
# ends are usable (veth carrier comes up almost at once).
tcpsm_veth_pair() {
	ip netns add "$1" || return 1
	ip netns add "$5" || return 1
	ip link add "$2" netns "$1" type veth peer name "$6" netns "$5" || return 1
	ip -n "$1" link set lo up
	ip -n "$5" link set lo up
	ip -n "$1" addr add "$3/24" dev "$2" || return 1
	ip -n "$1" -6 addr add "$4/64" dev "$2" nodad || return 1
	ip -n "$5" addr add "$7/24" dev "$6" || return 1
	ip -n "$5" -6 addr add "$8/64" dev "$6" nodad || return 1
	ip -n "$1" link set "$2" up || return 1
	ip -n "$5" link set "$6" up || return 1
	_vp_m1=$(ip -n "$1" -o link show "$2" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
	_vp_m2=$(ip -n "$5" -o link show "$6" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
	ip -n "$1" neigh replace "$7" lladdr "$_vp_m2" dev "$2" nud permanent &&
	ip -n "$1" neigh replace "$8" lladdr "$_vp_m2" dev "$2" nud permanent &&
	ip -n "$5" neigh replace "$3" lladdr "$_vp_m1" dev "$6" nud permanent &&
	ip -n "$5" neigh replace "$4" lladdr "$_vp_m1" dev "$6" nud permanent || return 1
	_vp_i=0
	while [ $_vp_i -lt 100 ]; do
		if ip -n "$1" link show "$2" | grep -q LOWER_UP &&
		   ip -n "$5" link show "$6" | grep -q LOWER_UP; then
			return 0
		fi
		sleep 0.05; _vp_i=$((_vp_i + 1))
	done
	tcpsm_log "veth $2 <-> $6 did not come up"; return 1
}

# tcpsm_ns_setup: create netns A and B joined by a veth pair, each end
# with an ingress qdisc (idempotent: it destroys an old pair of the same
# names first).
tcpsm_ns_setup() {
	tcpsm_ns_teardown 2>/dev/null
	tcpsm_modprobe
	mkdir -p "$TCPSM_RUNDIR" || return 1
	tcpsm_veth_pair "$TCPSM_NS_A" "$TCPSM_DEV_A" "$TCPSM_A4" "$TCPSM_A6" \
		"$TCPSM_NS_B" "$TCPSM_DEV_B" "$TCPSM_B4" "$TCPSM_B6" || return 1
	tc -n "$TCPSM_NS_A" qdisc add dev "$TCPSM_DEV_A" ingress &&
	tc -n "$TCPSM_NS_B" qdisc add dev "$TCPSM_DEV_B" ingress
}

tcpsm_ns_teardown() {
	ip netns del "$TCPSM_NS_A" 2>/dev/null
	ip netns del "$TCPSM_NS_B" 2>/dev/null
	rm -rf "$TCPSM_RUNDIR" 2>/dev/null
	return 0
}

# internal: receiving namespace/device for a direction
_tcpsm_rx() { # DIR -> sets _ns _dev _src4 _src6
	case "$1" in
	a2b) _ns=$TCPSM_NS_B _dev=$TCPSM_DEV_B _src4=$TCPSM_A4 _src6=$TCPSM_A6 ;;
	b2a) _ns=$TCPSM_NS_A _dev=$TCPSM_DEV_A _src4=$TCPSM_B4 _src6=$TCPSM_B6 ;;
	*) tcpsm_log "bad direction '$1' (a2b|b2a|both)"; return 1 ;;
	esac
}

# internal: add one u32 filter with a drop action, gact or mirred fallback
_tcpsm_add_drop() { # NS DEV PREF PROTO MATCH...
	ns=$1 dev=$2 pref=$3 proto=$4; shift 4
	if [ "$TCPSM_DROP" != mirred ] &&
	   tc -n "$ns" filter add dev "$dev" ingress pref "$pref" protocol "$proto" \
		u32 "$@" action drop 2>/dev/null; then
		return 0
	fi
	[ "$TCPSM_DROP" = gact ] && { tcpsm_log "gact drop failed"; return 1; }
	if ! ip -n "$ns" link show "$TCPSM_BH_DEV" >/dev/null 2>&1; then
		# a veth pair that stays DOWN: mirred redirect to it => TC_ACT_SHOT
		ip -n "$ns" link add "$TCPSM_BH_DEV" type veth peer name tcpsm-bh1 || return 1
	fi
	tc -n "$ns" filter add dev "$dev" ingress pref "$pref" protocol "$proto" \
		u32 "$@" action mirred egress redirect dev "$TCPSM_BH_DEV"
}

# tcpsm_block DIR [FAMILY [CLIENT_PORT]]
#   DIR: a2b | b2a | both.  FAMILY: 4 | 6 | all (default all).
#   CLIENT_PORT (the A-side TCP port): only that flow is blocked (a2b matches
#   tcp sport, b2a matches tcp dport).  Without a port the whole direction of
#   that family is blocked.  Filter pref = port (or 1 for v4 / 2 for v6
#   whole-direction), so ports must be > 2 and a port can only be blocked for
#   one family at a time.
tcpsm_block() {
	dir=$1 fam=${2:-all} port=${3:-}
	if [ "$dir" = both ]; then
		tcpsm_block a2b "$fam" "$port" && tcpsm_block b2a "$fam" "$port"; return
	fi
	if [ "$fam" = all ]; then
		tcpsm_block "$dir" 4 "$port" && tcpsm_block "$dir" 6 "$port"; return
	fi
	_tcpsm_rx "$dir" || return 1
	if [ "$fam" = 4 ]; then proto=ip sel=ip src=$_src4/32 pref=${port:-1}
	else proto=ipv6 sel=ip6 src=$_src6/128 pref=${port:-2}; fi
	if [ -n "$port" ]; then
		if [ "$dir" = a2b ]; then pm="sport"; else pm="dport"; fi
		_tcpsm_add_drop "$_ns" "$_dev" "$pref" "$proto" \
			match $sel src "$src" match $sel protocol 6 0xff match $sel $pm "$port" 0xffff
	else
		_tcpsm_add_drop "$_ns" "$_dev" "$pref" "$proto" match $sel src "$src"
	fi
}

# tcpsm_unblock DIR [FAMILY [CLIENT_PORT]]   (same arguments as tcpsm_block)
# tcpsm_unblock all                          (remove every drop filter)
tcpsm_unblock() {
	dir=$1 fam=${2:-all} port=${3:-}
	if [ "$dir" = all ]; then
		for x in "$TCPSM_NS_A:$TCPSM_DEV_A" "$TCPSM_NS_B:$TCPSM_DEV_B"; do
			tc -n "${x%%:*}" filter del dev "${x#*:}" ingress 2>/dev/null
		done
		return 0
	fi
	if [ "$dir" = both ]; then
		tcpsm_unblock a2b "$fam" "$port"; tcpsm_unblock b2a "$fam" "$port"; return 0
	fi
	if [ "$fam" = all ]; then
		tcpsm_unblock "$dir" 4 "$port"; tcpsm_unblock "$dir" 6 "$port"; return 0
	fi
	_tcpsm_rx "$dir" || return 1
	if [ "$fam" = 4 ]; then pref=${port:-1}; else pref=${port:-2}; fi
	tc -n "$_ns" filter del dev "$_dev" ingress pref "$pref" 2>/dev/null
	return 0
}

# tcpsm_blocks: show installed drop filters (debug)
tcpsm_blocks() {
	for x in "$TCPSM_NS_A:$TCPSM_DEV_A" "$TCPSM_NS_B:$TCPSM_DEV_B"; do
		echo "== ${x%%:*} ${x#*:} ingress"
		tc -n "${x%%:*}" -s filter show dev "${x#*:}" ingress
	done
}

# tcpsm_delay on|off [MS]: netem delay on both veth egress qdiscs (needs
# sch_netem).  Used by "tcpsm_traffic edges simclose-both".
tcpsm_delay() {
	case "$1" in
	on)  tc -n "$TCPSM_NS_A" qdisc replace dev "$TCPSM_DEV_A" root netem delay "${2:-50}ms" &&
	     tc -n "$TCPSM_NS_B" qdisc replace dev "$TCPSM_DEV_B" root netem delay "${2:-50}ms" ;;
	off) tc -n "$TCPSM_NS_A" qdisc del dev "$TCPSM_DEV_A" root 2>/dev/null
	     tc -n "$TCPSM_NS_B" qdisc del dev "$TCPSM_DEV_B" root 2>/dev/null; return 0 ;;
	*) tcpsm_log "tcpsm_delay on|off [ms]"; return 1 ;;
	esac
}

# tcpsm_ss_states NS [FAMILY]: count `ss -Htan` states in NS (FAMILY 4|6|all;
# NS "-" = the current namespace) and print one JSON object with all 10 tcpsm
# state names, e.g. {"LISTEN":1,"SYN_SENT":0,...,"TIME_WAIT":2}
tcpsm_ss_states() {
	ns=$1 fam=${2:-all} local_re=${3:-}
	case "$fam" in 4) f=-4 ;; 6) f=-6 ;; *) f= ;; esac
	if [ "$ns" = - ]; then set -- ; else set -- ip netns exec "$ns"; fi
	"$@" ss -Htan $f | awk -v order_s="$TCPSM_STATES" -v local_re="$local_re" '
	BEGIN {
		n = split(order_s, order, " ")
		m["LISTEN"]="LISTEN"; m["SYN-SENT"]="SYN_SENT"; m["SYN-RECV"]="SYN_RCVD"
		m["ESTAB"]="ESTABLISHED"; m["FIN-WAIT-1"]="FIN_WAIT_1"; m["FIN-WAIT-2"]="FIN_WAIT_2"
		m["CLOSE-WAIT"]="CLOSE_WAIT"; m["CLOSING"]="CLOSING"; m["LAST-ACK"]="LAST_ACK"
		m["TIME-WAIT"]="TIME_WAIT"
		for (i = 1; i <= n; i++) c[order[i]] = 0
	}
	local_re != "" && $4 !~ local_re { next }
	{ if ($1 in m) c[m[$1]]++; else other[$1]++ }
	END {
		s = "{"
		for (i = 1; i <= n; i++) s = s (i > 1 ? "," : "") "\"" order[i] "\":" c[order[i]]
		for (k in other) s = s ",\"" k "\":" other[k]
		print s "}"
	}'
}

# tcpsm_ss_count NS STATE [FAMILY]: print the number of sockets in tcpsm STATE
tcpsm_ss_count() {
	tcpsm_ss_states "$1" "${3:-all}" | sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p"
}

# tcpsm_wait_count NS STATE N [TIMEOUT_S]: poll ss until STATE has exactly N
# sockets in NS (default timeout 10 s); returns 1 on timeout.
tcpsm_wait_count() {
	end=$(( $(date +%s) + ${4:-10} ))
	while :; do
		[ "$(tcpsm_ss_count "$1" "$2")" = "$3" ] && return 0
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.02
	done
}

# tcpsm_nstat_snap NS: remember absolute SNMP/netstat counters of NS
# tcpsm_nstat_delta NS [COUNTER...]: print JSON {"Counter":delta,...} since
#   the last snap (default counters below).  Uses `nstat -asz` (absolute, no
#   history update) so nstat's shared history file is never involved.
TCPSM_NSTAT_DEFAULT="TcpActiveOpens TcpPassiveOpens TcpAttemptFails TcpEstabResets TcpCurrEstab TcpOutRsts TcpExtTW TcpExtTCPAbortOnClose TcpExtTCPAbortOnData TcpExtTCPAbortOnLinger TcpExtTCPAbortOnTimeout"
tcpsm_nstat_snap() {
	mkdir -p "$TCPSM_RUNDIR"
	ip netns exec "$1" nstat -asz > "$TCPSM_RUNDIR/nstat.$1" 2>/dev/null
}
tcpsm_nstat_delta() {
	ns=$1; shift
	[ $# -eq 0 ] && set -- $TCPSM_NSTAT_DEFAULT
	ip netns exec "$ns" nstat -asz 2>/dev/null | awk -v want="$*" -v snap="$TCPSM_RUNDIR/nstat.$ns" '
	BEGIN { while ((getline l < snap) > 0) { split(l, f, " "); old[f[1]] = f[2] } }
	$1 !~ /^#/ { now[$1] = $2 }
	END {
		n = split(want, w, " "); s = "{"
		for (i = 1; i <= n; i++) s = s (i > 1 ? "," : "") "\"" w[i] "\":" (now[w[i]] - old[w[i]])
		print s "}"
	}'
}


# tcpsm_stats NS: `tcpsm stats --json` in namespace NS ('-' = current)
tcpsm_stats() {
	if [ "$1" = - ]; then "$TCPSM_CLI" stats --json
	else ip netns exec "$1" "$TCPSM_CLI" stats --json; fi
}

# tcpsm_edge STATS_JSON FROM TO: how often FROM -> TO was taken
tcpsm_edge() {
	printf '%s' "$1" | jq -r --arg f "$2" --arg t "$3" \
		'[.transitions[] | select(.from == $f and .to == $t) | .count] | add // 0'
}

# tcpsm_edges_into STATS_JSON STATE: the sum of all edges into STATE
tcpsm_edges_into() {
	printf '%s' "$1" | jq -r --arg t "$2" \
		'[.transitions[] | select(.to == $t) | .count] | add // 0'
}

# ---- CLOSE_WAIT traffic (tests/closewait.sh, tests/alerts.sh) ------------
# tcpsm_agent_start NAME NS: start "cw_traffic.py agent" in namespace NS,
#   driven through the FIFO $TCPSM_RUNDIR/agent.NAME.in, replies (one JSON
#   line per command, in order) in agent.NAME.out, its pid in agent.NAME.pid.
#   Not from a subshell: the agent is a child of the calling shell.
# tcpsm_agent NAME CMD...: send CMD, wait for its reply and print it;
#   returns 1 if the reply is not ok or does not come (TCPSM_AGENT_TIMEOUT s).
# tcpsm_agent_send NAME CMD...: send CMD without waiting; prints its number
#   N, for tcpsm_agent_reply NAME N [TIMEOUT_S] (same returns as tcpsm_agent).
# tcpsm_agents_stop: end all agents (SIGTERM; their sockets go with them).
: "${TCPSM_CW_TRAFFIC:=$PWD/cw_traffic.py}"
tcpsm_agent_start() {
	_ag_d=$TCPSM_RUNDIR/agent.$1
	mkdir -p "$TCPSM_RUNDIR" && rm -f "$_ag_d.in" && mkfifo "$_ag_d.in" || return 1
	: > "$_ag_d.out"
	echo 0 > "$_ag_d.n"
	ip netns exec "$2" python3 "$TCPSM_CW_TRAFFIC" agent "$_ag_d.in" \
		> "$_ag_d.out" 2> "$_ag_d.err" &
	echo $! > "$_ag_d.pid"
	tcpsm_agent "$1" pid > /dev/null
}
tcpsm_agent_send() {
	_ag_d=$TCPSM_RUNDIR/agent.$1; shift
	_ag_n=$(( $(cat "$_ag_d.n") + 1 ))
	echo "$_ag_n" > "$_ag_d.n"
	echo "$*" > "$_ag_d.in"
	echo "$_ag_n"
}
tcpsm_agent_reply() {
	_ag_d=$TCPSM_RUNDIR/agent.$1
	_ag_end=$(( $(date +%s) + ${3:-${TCPSM_AGENT_TIMEOUT:-60}} ))
	while [ "$(wc -l < "$_ag_d.out")" -lt "$2" ]; do
		if [ "$(date +%s)" -ge "$_ag_end" ] ||
		   ! kill -0 "$(cat "$_ag_d.pid")" 2>/dev/null; then
			tcpsm_log "agent $1: no reply $2: $(tail -n 3 "$_ag_d.err")"
			return 1
		fi
		sleep 0.05
	done
	_ag_line=$(sed -n "${2}p" "$_ag_d.out")
	echo "$_ag_line"
	case "$_ag_line" in *'"ok": true'*) return 0 ;; esac
	tcpsm_log "agent $1: $_ag_line"
	return 1
}
tcpsm_agent() {
	_ag_k=$(tcpsm_agent_send "$@") && tcpsm_agent_reply "$1" "$_ag_k"
}
tcpsm_agents_stop() {
	for _ag_p in "$TCPSM_RUNDIR"/agent.*.pid; do
		[ -e "$_ag_p" ] || continue
		_ag_pid=$(cat "$_ag_p")
		kill "$_ag_pid" 2>/dev/null && wait "$_ag_pid" 2>/dev/null
		rm -f "$_ag_p"
	done
	return 0
}

# tcpsm_ss_cw_ports NS: "PORT COUNT" per local port of the sockets that
# `ss -tan state close-wait` lists in NS (both families), by port
tcpsm_ss_cw_ports() {
	ip netns exec "$1" ss -Htan state close-wait |
		awk '{ n = split($3, a, ":"); c[a[n]]++ } END { for (p in c) print p, c[p] }' |
		sort -n
}

# tcpsm_sub_ready PID [TIMEOUT_S]: wait until process PID (a `tcpsm alerts`
# just started, maybe through ip netns exec and setpriv) is tcpsm and
# sleeps with a socket open, i.e. waits for notifications; then 0.5 s
# more. 1 if it ended or the timeout (default 10 s) passed.
tcpsm_sub_ready() {
	_sr_end=$(( $(date +%s) + ${2:-10} ))
	while kill -0 "$1" 2>/dev/null; do
		if [ "$(cat "/proc/$1/comm" 2>/dev/null)" = tcpsm ] &&
		   [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" = S ]; then
			for _sr_f in /proc/"$1"/fd/*; do
				case $(readlink "$_sr_f" 2>/dev/null) in
				socket:*) sleep 0.5; return 0 ;;
				esac
			done
		fi
		[ "$(date +%s)" -ge "$_sr_end" ] && return 1
		sleep 0.1
	done
	return 1
}

# tcpsm_wait_pid PID TIMEOUT_S: wait at most TIMEOUT_S for PID, a
# background child of this shell, to end; return its exit status. If it
# has not ended by then: SIGKILL, log it, reap it and return 124, so
# that no test ever hangs in `wait`. (Start such children with a simple
# command, e.g. `nsenter --net=/run/netns/NS prog &`, not through a
# shell function: `f &` forks a subshell, and $! is that subshell, which
# as a background job of a non-interactive shell ignores SIGINT.)
tcpsm_wait_pid() {
	_wp_end=$(( $(date +%s) + $2 ))
	while kill -0 "$1" 2>/dev/null &&
	      [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" != Z ]; do
		if [ "$(date +%s)" -ge "$_wp_end" ]; then
			tcpsm_log "pid $1 ($(cat "/proc/$1/comm" 2>/dev/null)) still running after $2 s: SIGKILL"
			kill -KILL "$1" 2>/dev/null
			wait "$1" 2>/dev/null
			return 124
		fi
		sleep 0.1
	done
	wait "$1"
}
# tcpsm_stop PID SIGNAL TIMEOUT_S: send SIGNAL, then tcpsm_wait_pid
tcpsm_stop() {
	kill -"$2" "$1" 2>/dev/null
	tcpsm_wait_pid "$1" "$3"
}

# tcpsm_wait_alarm FILE PORT STATE TIMEOUT_S: wait for a line of
# `tcpsm alerts --json` output FILE about PORT in STATE (raise|clear);
# print the first one (compact). 1 on timeout.
# tcpsm_n_alarms FILE PORT STATE: how many such lines FILE has.
tcpsm_wait_alarm() {
	_wa_end=$(( $(date +%s) + $4 ))
	while :; do
		_wa_l=$(jq -c --argjson p "$2" --arg s "$3" \
			'select(.port == $p and .state == $s)' "$1" 2>/dev/null | head -n 1)
		[ -n "$_wa_l" ] && { echo "$_wa_l"; return 0; }
		[ "$(date +%s)" -ge "$_wa_end" ] && return 1
		sleep 0.1
	done
}
tcpsm_n_alarms() {
	jq -n --argjson p "$2" --arg s "$3" \
		'[inputs | select(.port == $p and .state == $s)] | length' "$1"
}

# ---- SYN flood topology (tests/synflood.sh, tests/listeners.sh) ---------
#
#   netns $TCPSM_FL_S (server)                   netns $TCPSM_FL_F (flooder, clients)
#   dev tcpsm-fs  <-------------- veth -------------->  dev tcpsm-ff
#   198.51.100.1/24 2001:db8:f::1/64                     198.51.100.2/24 2001:db8:f::2/64
#   route $TCPSM_FL_SPOOF via 198.51.100.2               ip_forward 0, no address in
#                                                        $TCPSM_FL_SPOOF
#
# tests/syn_flood (in F) sends SYNs whose sources are drawn from
# $TCPSM_FL_SPOOF (198.18.0.0/15). The server routes that range back over
# the veth, so its SYN-ACKs (and their retransmits) really leave it; F owns
# none of those addresses and does not forward, so it drops them on
# arrival (IpInAddrErrors, no ICMP: forwarding is off) and nothing ever
# answers: the request sockets sit in the SYN queue as under a real flood.
# (A SYN-ACK that failed to leave the server would instead remove its
# request socket at the first retransmit.) Legitimate clients connect
# from F's own addresses. Neighbours are static: no ARP/ND traffic.
# tcp_syncookies is 1 in S (set, not inherited).
: "${TCPSM_FL_S:=tcpsmFS}"
: "${TCPSM_FL_F:=tcpsmFF}"
TCPSM_FL_S4=198.51.100.1 TCPSM_FL_F4=198.51.100.2
TCPSM_FL_S6=2001:db8:f::1 TCPSM_FL_F6=2001:db8:f::2
TCPSM_FL_SPOOF=198.18.0.0/15
tcpsm_flood_setup() {
	tcpsm_flood_teardown
	tcpsm_modprobe
	tcpsm_veth_pair "$TCPSM_FL_S" tcpsm-fs "$TCPSM_FL_S4" "$TCPSM_FL_S6" \
		"$TCPSM_FL_F" tcpsm-ff "$TCPSM_FL_F4" "$TCPSM_FL_F6" || return 1
	ip -n "$TCPSM_FL_S" route add "$TCPSM_FL_SPOOF" via "$TCPSM_FL_F4" dev tcpsm-fs || return 1
	ip netns exec "$TCPSM_FL_F" sysctl -qw net.ipv4.ip_forward=0 \
		net.ipv4.ip_local_port_range="10000 65000" || return 1
	ip netns exec "$TCPSM_FL_S" sysctl -qw net.ipv4.tcp_syncookies=1
}
# tcpsm_flood_teardown: delete both namespaces (their sockets, the veth)
tcpsm_flood_teardown() {
	ip netns del "$TCPSM_FL_S" 2>/dev/null
	ip netns del "$TCPSM_FL_F" 2>/dev/null
	return 0
}
# inS CMD... / inF CMD...: CMD in S or F, in the foreground, bounded
# ($CMD_TIMEOUT s, default 120). nsenter: no mount namespace nor sysfs
# remount per command, as for the readers of unload_churn.sh. Start a
# background process with a plain `nsenter --net=/run/netns/$TCPSM_FL_S
# PROG ... &`, never `inS PROG &`: that would fork a subshell to run the
# function, $! would be the subshell (not tcpsm: tcpsm_sub_ready fails),
# and the subshell, a background job of a non-interactive shell, ignores
# SIGINT, so `kill -INT` would never end tcpsm and `wait` would hang.
inS() { timeout -k 5 "${CMD_TIMEOUT:-120}" nsenter --net="/run/netns/$TCPSM_FL_S" "$@"; }
inF() { timeout -k 5 "${CMD_TIMEOUT:-120}" nsenter --net="/run/netns/$TCPSM_FL_F" "$@"; }
# tcpsm_nstat_abs NS COUNTER...: the counters' absolute values in NS as one
# JSON object (nstat -asz: no history file involved)
tcpsm_nstat_abs() {
	_na_ns=$1; shift
	ip netns exec "$_na_ns" nstat -asz 2>/dev/null | awk -v want="$*" '
	$1 !~ /^#/ { v[$1] = $2 }
	END {
		n = split(want, w, " "); s = "{"
		for (i = 1; i <= n; i++) s = s (i > 1 ? "," : "") "\"" w[i] "\":" (v[w[i]] + 0)
		print s "}"
	}'
}
# The seven SNMP counters tcpsm listeners reports per namespace
TCPSM_SYN_COUNTERS="TcpExtTCPReqQFullDoCookies TcpExtTCPReqQFullDrop TcpExtSyncookiesSent TcpExtSyncookiesRecv TcpExtSyncookiesFailed TcpExtListenOverflows TcpExtListenDrops"

# TAP-style checks for tests that report several results: each failure
# is counted in $fails, the test exits non-zero at the end if any.
fails=0
ok()   { echo "ok - $*"; }
fail() { echo "not ok - $*"; fails=$((fails + 1)); }
# Tests that go on after a failure and exit non-zero at the end: err
# flags it in $fail. Tests that stop at the first: die.
err() { echo "FAIL: $*"; fail=1; }
die() { echo "FAIL: $*"; exit 1; }
# check DESCRIPTION EXPECTED ACTUAL
check() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		fail "$1: expected '$2', got '$3'"
	fi
}

# ---- the start and end of a test script ------------------------------------
# Every test script begins with
#	cd "$(dirname "$0")" || exit 1
#	. ./lib.sh
#	tcpsm_test_start NAME [REQUIREMENT...]
# which sets TESTS_DIR (tests/), ROOT (the tree), CLI, KO, BUILD (the C test
# programs), KSFT_SKIP (4), K (the timeout factor: 6 on the debug kernel,
# else 1) and RUN = TCPSM_RUNDIR (a fresh /tmp/tcpsm-NAME.XXXXXX, exported);
# then checks each REQUIREMENT in order and at the first that does not hold
# prints why and exits $KSFT_SKIP:
#	root     running as root
#	cli      the CLI $CLI is built
#	build/P  the C test program P is built ($BUILD/P)
#	ko       the module file $KO exists
#	loaded   tcpsm is loaded (else FAIL, exit 1: run.sh loads it first)
#	NAME     a command NAME on $PATH
# and installs the traps: at EXIT the script's own cleanup function (if it
# has defined one by then), then tcpsm_test_end; INT and TERM exit 1.
# shellcheck disable=SC2034 # TESTS_DIR, K: for the scripts
tcpsm_test_start() {
	TESTS_DIR=$PWD
	ROOT=${TCPSM_ROOT:-$(cd .. && pwd)}
	CLI=${TCPSM_CLI:-$ROOT/userspace/tcpsm}
	KO=${TCPSM_KO:-$ROOT/kmod/tcpsm.ko}
	BUILD=$ROOT/build/tests
	KSFT_SKIP=4
	K=1
	[ "${TCPSM_KERNEL_KIND:-}" != build ] || K=6	# the debug kernel: slower
	TCPSM_RUNDIR=$(mktemp -d "/tmp/tcpsm-$1.XXXXXX") || exit 1
	export TCPSM_RUNDIR
	RUN=$TCPSM_RUNDIR
	shift
	trap tcpsm_test_end EXIT
	trap 'exit 1' INT TERM
	for _ts_r in "$@"; do
		case "$_ts_r" in
		root) [ "$(id -u)" = 0 ] ||
			{ echo "SKIP: needs root"; exit $KSFT_SKIP; } ;;
		cli) [ -x "$CLI" ] ||
			{ echo "SKIP: $CLI not built"; exit $KSFT_SKIP; } ;;
		build/*) [ -x "$BUILD/${_ts_r#build/}" ] || {
			echo "SKIP: $BUILD/${_ts_r#build/} not built (make tests)"
			exit $KSFT_SKIP; } ;;
		ko) [ -e "$KO" ] ||
			{ echo "SKIP: $KO not built"; exit $KSFT_SKIP; } ;;
		loaded) grep -q '^tcpsm ' /proc/modules ||
			{ echo "FAIL: tcpsm is not loaded"; exit 1; } ;;
		*) command -v "$_ts_r" >/dev/null ||
			{ echo "SKIP: $_ts_r not installed"; exit $KSFT_SKIP; } ;;
		esac
	done
}

# tcpsm_test_end: the EXIT trap of tcpsm_test_start: the script's cleanup,
# then load tcpsm again if the test left it unloaded (the next test expects
# it loaded) and remove $RUN. The exit status stays the script's.
tcpsm_test_end() {
	_ts_rc=$?
	if command -v cleanup >/dev/null 2>&1; then cleanup; fi
	grep -q '^tcpsm ' /proc/modules || insmod "$KO" ||
		echo "# cleanup: insmod $KO failed"
	rm -rf "$RUN"
	exit $_ts_rc
}

# phase NAME: is phase NAME in $PHASES (a test's TCPSM_*_PHASES)? Says so.
phase() { case " $PHASES " in *" $1 "*) echo "# ---- $1"; return 0 ;; esac; return 1; }
# calc EXPR: awk arithmetic, 3 decimals
calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }
# le A B: A <= B, as numbers with decimals
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
# tcpsm_fresh_ns NAME: a new network namespace NAME (an old one is deleted), lo up
tcpsm_fresh_ns() {
	ip netns del "$1" 2>/dev/null
	ip netns add "$1" && ip -n "$1" link set lo up
}
# ns_ino NAME: the inode of network namespace NAME (tcpsm's netns id)
ns_ino() { stat -L -c %i "/run/netns/$1"; }

# When executed (not sourced): tests/lib.sh FUNC ARGS -> tcpsm_FUNC ARGS
case "${0##*/}" in
lib.sh)
	if [ $# -gt 0 ]; then
		f=$1; shift
		"tcpsm_$f" "$@"
		exit $?
	fi ;;
esac
