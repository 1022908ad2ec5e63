#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The shipped Prometheus rules and Grafana dashboard (contrib/), checked on
# the host (make lint):
#   - promtool check rules, and promtool test rules (each alert fires on
#     the series the exporter serves, with namespace and port in its text);
#   - the dashboard is JSON, every panel has a query;
#   - every tcpsm_* metric the rules and the dashboard query is one the
#     exporter writes (exporter/metrics.c), so that a rename breaks here.
# Prints "ok - ..." / "not ok - ..." lines; exit 1 on any failure.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RULES=$ROOT/contrib/prometheus/tcpsm.rules.yml
DASH=$ROOT/contrib/grafana/tcpsm.json
fails=0
ok()   { echo "ok - $*"; }
fail() { echo "not ok - $*"; fails=$((fails + 1)); }

for t in promtool jq; do
	command -v "$t" > /dev/null || { echo "contrib-check.sh: $t missing (make deps)" >&2; exit 1; }
done

if out=$(promtool check rules "$RULES" 2>&1); then ok "promtool check rules"; else fail "promtool check rules: $out"; fi
if out=$(cd "$ROOT/contrib/prometheus" && promtool test rules tcpsm.rules.test.yml 2>&1); then
	ok "promtool test rules"
else
	fail "promtool test rules: $out"
fi

if jq -e '.panels | length > 0' "$DASH" > /dev/null; then ok "dashboard: JSON with panels"; else fail "dashboard: not JSON or no panels"; fi
n=$(jq '[.panels[] | select((.targets // []) | length == 0)] | length' "$DASH")
[ "$n" = 0 ] && ok "dashboard: every panel has a query" || fail "dashboard: $n panels without a query"

# the exporter's metric names: the string literals of metrics.c
exported=$(grep -o '"tcpsm_[a-z_]*"' "$ROOT/userspace/exporter/metrics.c" | tr -d '"' | sort -u)
# listener families are written through a macro with the full name too
# (a histogram's series are its name with _bucket, _sum or _count)
used=$( { jq -r '.. | .expr? // empty' "$DASH"; grep -E '^\s+expr:' "$RULES"; } |
	grep -o 'tcpsm_[a-z_]*' | sed -E 's/_seconds_(bucket|sum|count)$/_seconds/' | sort -u)
missing=$(comm -13 <(echo "$exported") <(echo "$used"))
if [ -z "$missing" ]; then
	ok "rules and dashboard query only metrics the exporter writes ($(echo "$used" | wc -l) names)"
else
	fail "rules or dashboard query metrics the exporter does not write: $(echo "$missing" | tr '\n' ' ')"
fi
[ "$fails" -eq 0 ]
