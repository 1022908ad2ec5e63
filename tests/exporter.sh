#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# exporter.sh: `tcpsm exporter --all-netns` under Debian's real Prometheus
# (2.42) and Alertmanager (0.25), in the VM (root, tcpsm loaded by
# tests/run.sh), on loopback, with the shipped rules:
#
#  1. format: /metrics in the text format passes `promtool check metrics`;
#     with OpenMetrics asked for, the OpenMetrics content type and "# EOF".
#  2. truth: three namespaces (the initial one, one named by ip netns add,
#     one unnamed) with connections held open; Prometheus scrapes every
#     second; its query API returns tcpsm_sockets equal to ss -tan in each
#     child namespace (every state) and in the initial one (LISTEN), with
#     netns_name the name or empty; after C more connections in the named
#     namespace, its SYN_SENT -> ESTABLISHED counter in Prometheus grew by
#     exactly C.
#  3. alerting: a CLOSE_WAIT leak in the named namespace fires
#     TcpsmCloseWaitLeak in Prometheus and reaches Alertmanager's webhook
#     receiver with the namespace's name and the port; when the server
#     closes the sockets, the webhook gets it resolved.
#  4. bad input and load: malformed, oversized, slow requests, unknown
#     paths, wrong methods get their status and the exporter stays up;
#     then 1000 scrapes, 20 at a time, all answered, and the exporter's
#     RSS grows by less than 1 MiB from before them to after.
# KTAP-ish lines on stdout; exit 0 pass, 1 fail, 4 skip (kselftest).
set -u

cd "$(dirname "$0")" || exit 1
# shellcheck source=tests/lib.sh
. ./lib.sh
tcpsm_test_start exporter ip ss jq python3 unshare prometheus \
	prometheus-alertmanager promtool cli root loaded
export TCPSM_AGENT_TIMEOUT=$((60 * K)) CW_TRAFFIC_TIMEOUT=$((30 * K))

NSN=tcpsm-exp-$$
EXP=9477 PROM=9090 AM=9093 HOOK=9099
PORT=9311 LEAK=5 AGE=2 HOLD=4 MORE=7
pids=()
holder=

# shellcheck disable=SC2317 # called from the trap (tcpsm_test_end)
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	tcpsm_agents_stop
	[ -n "$holder" ] && kill "$holder" 2>/dev/null && wait "$holder" 2>/dev/null
	ip netns del "$NSN" 2>/dev/null
}

H=(python3 "$PWD/exporter_http.py")
# wait_http PORT PATH S: until GET PATH answers 200
wait_http() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		[ "$("${H[@]}" get 127.0.0.1 "$1" "$2" 2>/dev/null | head -n1)" = 200 ] && return 0
		sleep 0.1
	done
	return 1
}
# q PROMQL: the result vector of an instant query, as JSON
q() {
	python3 -c 'import sys, urllib.parse, urllib.request, json
u = "http://127.0.0.1:%s/api/v1/query?query=%s" % (sys.argv[1], urllib.parse.quote(sys.argv[2]))
print(json.dumps(json.load(urllib.request.urlopen(u, timeout=10))["data"]["result"]))' "$PROM" "$1"
}
# scrape_after: wait until Prometheus has scraped after this moment
scrape_after() {
	local t0 i
	t0=$(date +%s.%N)
	for ((i = 0; i < 100 * K; i++)); do
		[ "$(q 'timestamp(tcpsm_up{job="tcpsm"})' |
			jq --argjson t "$t0" '[.[] | select((.value[1] | tonumber) > $t + 0.2)] | length')" -ge 1 ] &&
			return 0
		sleep 0.2
	done
	return 1
}

# ---- the namespaces and their held connections ------------------------------------
tcpsm_fresh_ns "$NSN" || { fail "ip netns add"; exit 1; }
inoN=$(ns_ino "$NSN")
ip netns exec "$NSN" python3 "$PWD/hold_conns.py" "$RUN/named" $HOLD 1 &
pids+=($!)
named_pid=$!
unshare --net python3 "$PWD/hold_conns.py" "$RUN/unnamed" 2 1 up &
holder=$!
for ((i = 0; i < 100 * K; i++)); do
	[ -e "$RUN/named" ] && [ -e "$RUN/unnamed" ] && break
	sleep 0.1
done
if [ ! -e "$RUN/named" ] || [ ! -e "$RUN/unnamed" ]; then fail "held connections did not start"; exit 1; fi
inoU=$(stat -L -c %i "/proc/$holder/ns/net")
echo "# namespaces: init $(stat -L -c %i /proc/self/ns/net), $NSN $inoN, unnamed $inoU"

# ---- the exporter, Alertmanager with a webhook, Prometheus -------------------------
"$CLI" exporter --all-netns --listen 127.0.0.1:$EXP > "$RUN/exp.out" 2> "$RUN/exp.err" &
pids+=($!)
exp_pid=$!
wait_http $EXP /metrics $((10 * K)) || { fail "exporter: $(cat "$RUN/exp.err")"; exit 1; }

cat > "$RUN/hook.py" <<'EOF'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(sys.argv[2], "ab") as f:
            f.write(body.replace(b"\n", b" ") + b"\n")
        self.send_response(200)
        self.end_headers()
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
EOF
: > "$RUN/hook.log"
python3 "$RUN/hook.py" $HOOK "$RUN/hook.log" &
pids+=($!)
cat > "$RUN/am.yml" <<EOF
route:
  receiver: hook
  group_by: [alertname, netns, port]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: http://127.0.0.1:$HOOK/
        send_resolved: true
EOF
prometheus-alertmanager --config.file="$RUN/am.yml" --storage.path="$RUN/am" \
	--web.listen-address=127.0.0.1:$AM --cluster.listen-address= \
	> "$RUN/am.log" 2>&1 &
pids+=($!)
cp "$ROOT/contrib/prometheus/tcpsm.rules.yml" "$RUN/"
cat > "$RUN/prom.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [tcpsm.rules.yml]
alerting:
  alertmanagers:
    - static_configs:
        - targets: [127.0.0.1:$AM]
scrape_configs:
  - job_name: tcpsm
    static_configs:
      - targets: [127.0.0.1:$EXP]
EOF
prometheus --config.file="$RUN/prom.yml" --storage.tsdb.path="$RUN/prom" \
	--web.listen-address=127.0.0.1:$PROM > "$RUN/prom.log" 2>&1 &
pids+=($!)
wait_http $AM /-/ready $((30 * K)) || fail "alertmanager did not start: $(tail -n 3 "$RUN/am.log")"
wait_http $PROM /-/ready $((60 * K)) || { fail "prometheus did not start: $(tail -n 3 "$RUN/prom.log")"; exit 1; }

# ---- 1. format ------------------------------------------------------------------------
"${H[@]}" get 127.0.0.1 $EXP /metrics "text/plain;version=0.0.4" > "$RUN/text"
check "text format: 200, its content type" "200 text/plain; version=0.0.4; charset=utf-8" \
	"$(head -n2 "$RUN/text" | paste -sd' ')"
tail -n +3 "$RUN/text" > "$RUN/text.body"
out=$(promtool check metrics < "$RUN/text.body" 2>&1)
check "promtool check metrics: clean" "0 " "$? $out"
"${H[@]}" get 127.0.0.1 $EXP /metrics \
	"application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5" > "$RUN/om"
check "OpenMetrics: 200, its content type, ends with # EOF" \
	"200 application/openmetrics-text; version=1.0.0; charset=utf-8 # EOF" \
	"$(head -n2 "$RUN/om" | paste -sd' ') $(tail -n1 "$RUN/om")"

# ---- 2. truth: Prometheus against ss, per namespace ---------------------------------
scrape_after || fail "Prometheus did not scrape"
sockets() { # NETNS_INO: {"STATE": N} as Prometheus has it
	q "tcpsm_sockets{job=\"tcpsm\",netns=\"$1\"}" |
		jq -cS 'map({(.metric.state): (.value[1] | tonumber)}) | add'
}
ss_states() { # NSENTER...: {"STATE": N} from ss -tan, tcpsm's names
	"$@" ss -Htan | awk '{ print $1 }' | jq -RcS -s '
		split("\n") | map(select(. != "")) |
		map({"LISTEN":"LISTEN","SYN-SENT":"SYN_SENT","SYN-RECV":"SYN_RCVD","ESTAB":"ESTABLISHED",
		     "FIN-WAIT-1":"FIN_WAIT_1","FIN-WAIT-2":"FIN_WAIT_2","CLOSE-WAIT":"CLOSE_WAIT",
		     "CLOSING":"CLOSING","LAST-ACK":"LAST_ACK","TIME-WAIT":"TIME_WAIT"}[.]) |
		reduce .[] as $s ({"LISTEN":0,"SYN_SENT":0,"SYN_RCVD":0,"ESTABLISHED":0,"FIN_WAIT_1":0,
		  "FIN_WAIT_2":0,"CLOSE_WAIT":0,"CLOSING":0,"LAST_ACK":0,"TIME_WAIT":0}; .[$s] += 1)'
}
check "Prometheus: tcpsm_sockets of $NSN = ss -tan there" \
	"$(ss_states ip netns exec "$NSN")" "$(sockets "$inoN")"
check "Prometheus: tcpsm_sockets of the unnamed namespace = ss -tan there" \
	"$(ss_states nsenter --net="/proc/$holder/ns/net")" "$(sockets "$inoU")"
check "Prometheus: tcpsm_sockets of the initial namespace, LISTEN = ss" \
	"$(ss -Htln | wc -l)" \
	"$(q 'tcpsm_sockets{job="tcpsm",state="LISTEN",netns_name=""}' |
		jq --arg i "$(stat -L -c %i /proc/self/ns/net)" '.[] | select(.metric.netns == $i) | .value[1] | tonumber')"
check "Prometheus: netns_name of $NSN, none for the unnamed one" "$NSN " \
	"$(q "tcpsm_sockets{state=\"LISTEN\",netns=\"$inoN\"}" | jq -r '.[0].metric.netns_name') $(q "tcpsm_sockets{state=\"LISTEN\",netns=\"$inoU\"}" | jq -r '.[0].metric.netns_name // ""')"

edge='tcpsm_transitions_total{job="tcpsm",netns_name="'$NSN'",from="SYN_SENT",to="ESTABLISHED"}'
before=$(q "$edge" | jq -r '.[0].value[1]')
for ((i = 0; i < MORE; i++)); do kill -USR1 "$named_pid"; sleep 0.1; done
for ((i = 0; i < 50 * K; i++)); do
	[ "$(wc -l < "$RUN/named.n" 2>/dev/null || echo 0)" -ge $MORE ] && break
	sleep 0.1
done
scrape_after || fail "Prometheus did not scrape"
after=$(q "$edge" | jq -r '.[0].value[1]')
check "Prometheus: $NSN's SYN_SENT -> ESTABLISHED grew by the $MORE connections made" \
	"$MORE" "$((after - before))"
check "Prometheus: its rate is not zero" true \
	"$(q "rate(${edge}[30s])" | jq '.[0].value[1] | tonumber > 0')"

# ---- 3. alerting: a leak pages, with the namespace's name and the port ------------
ip netns exec "$NSN" "$CLI" config set closewait.count=4 closewait.age=$AGE ||
	fail "config set"
if ! tcpsm_agent_start srv "$NSN" || ! tcpsm_agent_start cli "$NSN"; then
	fail "cw_traffic.py agents"; exit 1
fi
tcpsm_agent srv listen 4 $PORT > /dev/null || { fail "listen"; exit 1; }
tcpsm_agent cli leak 4 $PORT $LEAK > /dev/null || { fail "leak"; exit 1; }
tcpsm_agent srv waitaccept $PORT $LEAK > /dev/null || fail "the server did not accept $LEAK"
# hook_has STATUS: a webhook message with TcpsmCloseWaitLeak in STATUS for the port
hook_has() {
	jq -c --arg s "$1" --arg p "$PORT" '.alerts[] |
		select(.labels.alertname == "TcpsmCloseWaitLeak" and .labels.port == $p and .status == $s) |
		{status, netns: .labels.netns, netns_name: .labels.netns_name, port: .labels.port,
		 summary: .annotations.summary}' "$RUN/hook.log" 2>/dev/null | head -n1
}
fired=
for ((i = 0; i < (AGE + 40) * K * 5; i++)); do
	fired=$(hook_has firing)
	[ -n "$fired" ] && break
	sleep 0.2
done
[ -n "$fired" ] || fired='{}'
echo "# webhook: $fired"
check "Prometheus: TcpsmCloseWaitLeak firing for $NSN, port $PORT" 1 \
	"$(python3 -c 'import json, urllib.request; print(json.dumps(json.load(urllib.request.urlopen("http://127.0.0.1:'$PROM'/api/v1/alerts"))))' |
		jq --arg n "$NSN" --arg p $PORT '[.data.alerts[] | select(.labels.alertname == "TcpsmCloseWaitLeak" and .state == "firing" and .labels.netns_name == $n and .labels.port == $p)] | length')"
check "Alertmanager's webhook: firing, with the namespace's inode, name and port" \
	"firing $inoN $NSN $PORT" "$(jq -r '"\(.status) \(.netns) \(.netns_name) \(.port)"' <<< "$fired")"
check "the summary names the namespace and the port" true \
	"$(jq --arg n "$NSN" --arg p $PORT '.summary | contains($n) and contains("port " + $p)' <<< "$fired")"
tcpsm_agent srv close $PORT > /dev/null || fail "server close"
resolved=
for ((i = 0; i < 60 * K * 5; i++)); do
	resolved=$(hook_has resolved)
	[ -n "$resolved" ] && break
	sleep 0.2
done
[ -n "$resolved" ] || resolved='{}'
check "Alertmanager's webhook: resolved once the server closed them" "resolved $NSN $PORT" \
	"$(jq -r '"\(.status) \(.netns_name) \(.port)"' <<< "$resolved")"

# ---- 4. bad input, then load and memory ---------------------------------------------
"${H[@]}" bad 127.0.0.1 $EXP > "$RUN/bad" 2>&1
while read -r l; do
	check "bad input: $(jq -r .case <<< "$l") ($(jq -r .status <<< "$l"))" true "$(jq .ok <<< "$l")"
done < "$RUN/bad"
check "bad input: the exporter is still running" 0 "$(kill -0 $exp_pid; echo $?)"
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$exp_pid/status"; }
"${H[@]}" load 127.0.0.1 $EXP 100 20 > /dev/null	# warm up: buffers at size
rss0=$(rss)
r=$("${H[@]}" load 127.0.0.1 $EXP 1000 20)
rss1=$(rss)
echo "# load: $r; RSS $rss0 -> $rss1 KiB"
check "1000 scrapes, 20 at a time: all answered" "1000 []" "$(jq -c '"\(.ok) \(.errors)"' -r <<< "$r")"
check "RSS growth over them < 1 MiB" true "$([ $((rss1 - rss0)) -lt 1024 ] && echo true || echo "false ($((rss1 - rss0)) KiB)")"
check "the exporter logged nothing" "" "$(cat "$RUN/exp.err")"
kill -TERM $exp_pid
tcpsm_wait_pid $exp_pid $((10 * K))
check "SIGTERM ends the exporter, exit 0" 0 $?

[ "$fails" -eq 0 ] || { echo "# $fails check(s) failed"; exit 1; }
exit 0
