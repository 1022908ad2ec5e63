#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# One scrape of `tcpsm exporter --all-netns`, with 400 network namespaces
# and 20 000 established sockets, in the VM (bench/run.sh runs it).
#
# A process holds NS network namespaces (unshare(CLONE_NEWNET), one fd
# each); tcpsm_traffic estab holds 10 000 loopback connections (20 000
# ESTABLISHED sockets) in the initial one. The exporter runs with
# --all-netns; REPS scrapes of /metrics are timed one by one (the whole
# HTTP request, as Prometheus makes it), with the exporter's own figure
# for its kernel reads beside them; the medians, the size of a scrape and
# its series are printed.
#
# Environment: TCPSM_BENCH_CONNS (default 10000), TCPSM_BENCH_NETNS
# (default 400), TCPSM_BENCH_SCRAPE_REPS (default 20).
set -euo pipefail
PART=scrape
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

CONNS=${TCPSM_BENCH_CONNS:-10000}
NS=${TCPSM_BENCH_NETNS:-400}
REPS=${TCPSM_BENCH_SCRAPE_REPS:-20}
PORT=44000 EXP=9477

bench_setup
mod_load
cat > "$SCRATCH/hold_ns.py" <<'EOF'
import ctypes, os, signal, sys
libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000
fds = []
orig = os.open("/proc/self/ns/net", os.O_RDONLY)
for _ in range(int(sys.argv[1])):
    if libc.unshare(CLONE_NEWNET):
        sys.exit("unshare: %s" % os.strerror(ctypes.get_errno()))
    fds.append(os.open("/proc/self/ns/net", os.O_RDONLY))
if libc.setns(orig, CLONE_NEWNET):
    sys.exit("setns: %s" % os.strerror(ctypes.get_errno()))
print("ready", flush=True)
signal.pause()
EOF
bg_start "$SCRATCH/ns.out" "$SCRATCH/ns.err" python3 "$SCRATCH/hold_ns.py" "$NS"
ns_pid=$bg_pid
bg_start "$SCRATCH/estab.json" "$SCRATCH/estab.err" \
	"$TRAFFIC" estab --count "$CONNS" --port-base "$PORT" --hold --hold-max 3600 --timeout-ms 30000
estab_pid=$bg_pid
for _ in $(seq 1200); do
	[ ! -s "$SCRATCH/estab.json" ] || ! grep -q ready "$SCRATCH/ns.out" || break
	bg_alive "$estab_pid" || break
	grep -q ready "$SCRATCH/ns.out" || bg_alive "$ns_pid" || break
	sleep 0.5
done
grep -q ready "$SCRATCH/ns.out" || fatal "namespaces: $(cat "$SCRATCH/ns.err")"
jq -e .ok "$SCRATCH/estab.json" > /dev/null || fatal "estab: $(cat "$SCRATCH/estab.json" "$SCRATCH/estab.err")"

bg_start "$SCRATCH/exp.out" "$SCRATCH/exp.err" "$TCPSM" exporter --all-netns --listen 127.0.0.1:$EXP
exp_pid=$bg_pid
cat > "$SCRATCH/scrape.py" <<'EOF'
import json, re, sys, time, urllib.request
url, reps = sys.argv[1], int(sys.argv[2])
out = []
for i in range(reps + 1):
    t0 = time.monotonic()
    with urllib.request.urlopen(url, timeout=120) as r:
        body = r.read().decode()
    ms = (time.monotonic() - t0) * 1000
    m = re.search(r"^tcpsm_exporter_scrape_duration_seconds ([0-9.]+)$", body, re.M)
    if i:			# the first: caches warm, binary paged in
        out.append({"ms": ms, "read_ms": float(m.group(1)) * 1000 if m else None,
                    "bytes": len(body),
                    "series": sum(1 for l in body.splitlines() if l and l[0] != "#"),
                    "netns": len(set(re.findall(r'^tcpsm_sockets\{netns="(\d+)"', body, re.M))),
                    "estab": sum(int(v) for v in re.findall(
                        r'^tcpsm_sockets\{netns="\d+",netns_name="[^"]*",state="ESTABLISHED"\} (\d+)$', body, re.M))})
print(json.dumps(out))
EOF
for _ in $(seq 100); do
	python3 "$SCRATCH/scrape.py" "http://127.0.0.1:$EXP/metrics" 0 > /dev/null 2>&1 && break
	sleep 0.2
done
r=$(python3 "$SCRATCH/scrape.py" "http://127.0.0.1:$EXP/metrics" "$REPS") || fatal "scrape failed: $(cat "$SCRATCH/exp.err")"
bg_stop "$exp_pid" TERM || :
bg_stop "$estab_pid" TERM || :
bg_stop "$ns_pid" TERM || :
mod_unload

mapfile -t ms < <(jq '.[].ms' <<< "$r")
mapfile -t rd < <(jq '.[].read_ms' <<< "$r")
ms_med=$(median "${ms[@]}")
rd_med=$(median "${rd[@]}")
nns=$(jq '.[0].netns' <<< "$r")
est=$(jq '.[0].estab' <<< "$r")
series=$(jq '.[0].series' <<< "$r")
bytes=$(jq '.[0].bytes' <<< "$r")
result scrape_ms "$ms_med"
result read_ms "$rd_med"
result netns "$nns"
result series "$series"

echo "One scrape of tcpsm exporter --all-netns: $nns namespaces, $est ESTABLISHED"
echo "sockets, median of $REPS scrapes"
echo
printf '  %-52s %10s\n' "GET /metrics, whole request" "$(calc "$ms_med" %.1f) ms"
printf '  %-52s %10s\n' "of which reading the kernel (4 all-netns dumps)" "$(calc "$rd_med" %.1f) ms"
printf '  %-52s %10s\n' "size of a scrape" "$series series, $(calc "$bytes / 1024" %.0f) KiB"
echo
