#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `tcpsm stats --all-netns` as namespaces are added, in the VM (bench/run.sh
# runs it): does one all-netns read cost one pass over the socket tables,
# whatever the number of namespaces?
#
# tcpsm_traffic estab holds 10 000 loopback connections (20 000 ESTABLISHED
# sockets) in the initial namespace; the same sockets at every count. Then
# empty named namespaces (`ip netns add`, lo up) are added up to each count
# of COUNTS, and at each count:
#   tcpsm stats --all-netns --json                 REPS times, the median
#   ss -tan in every namespace (ss -N NAME, and    SS_REPS times, the median
#   the initial one), | wc -l
# each timed whole, start-up included. Before the single pass, an
# all-netns read walked the tables once per namespace.
#
# Environment: TCPSM_BENCH_CONNS (default 10000), TCPSM_BENCH_ALLNS_COUNTS
# (default "5 100 400"), TCPSM_BENCH_ALLNS_REPS (default 7),
# TCPSM_BENCH_ALLNS_SS_REPS (default 1).
set -euo pipefail
PART=allns
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

CONNS=${TCPSM_BENCH_CONNS:-10000}
COUNTS=${TCPSM_BENCH_ALLNS_COUNTS:-5 100 400}
REPS=${TCPSM_BENCH_ALLNS_REPS:-7}
SS_REPS=${TCPSM_BENCH_ALLNS_SS_REPS:-1}
PORT=45000
NSP=tcpsm-bench-$$-
names=()

# shellcheck disable=SC2317 # called from the trap
cleanup() {
	[ "${#names[@]}" -eq 0 ] || printf 'netns del %s\n' "${names[@]}" | ip -force -batch - 2>/dev/null || :
	rm -rf "$SCRATCH"
}
trap cleanup EXIT

# lo up in the named namespaces given, from one process
cat > "$SCRATCH/lo_up.py" <<'EOF'
import ctypes, fcntl, os, socket, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET, SIOCSIFFLAGS, IFF_UP, IFF_LOOPBACK, IFF_RUNNING = 0x40000000, 0x8914, 1, 8, 0x40
for name in sys.argv[1:]:
    fd = os.open("/run/netns/" + name, os.O_RDONLY)
    if libc.setns(fd, CLONE_NEWNET):
        sys.exit("setns %s: %s" % (name, os.strerror(ctypes.get_errno())))
    os.close(fd)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH14x", b"lo",
                                                 IFF_UP | IFF_LOOPBACK | IFF_RUNNING))
EOF

# grow_to N: named namespaces up to N, each with lo up
grow_to() {
	local n=$1 new=() i
	for ((i = ${#names[@]}; i < n; i++)); do new+=("$NSP$i"); done
	[ "${#new[@]}" -gt 0 ] || return 0
	printf 'netns add %s\n' "${new[@]}" | ip -batch - || fatal "ip netns add"
	names+=("${new[@]}")
	python3 "$SCRATCH/lo_up.py" "${new[@]}" || fatal "lo up"
}

ss_pass() {
	local n
	ss -tan | wc -l
	for n in "${names[@]}"; do ss -N "$n" -tan | wc -l; done
}

bench_setup
mkdir -p /run/netns
mod_load
say "allns: opening $CONNS loopback connections"
estab_hold "$CONNS" "$PORT"

rows=()
declare -A med=()
for c in $COUNTS; do
	t0=$(now_us)
	grow_to "$c"
	say "allns: $c namespaces (+ the initial one), made in $(calc "($(now_us) - $t0) / 1000000" %.1f) s"
	j=$("$TCPSM" stats --all-netns --json)	# untimed: caches warm
	nns=$(jq length <<< "$j")
	est=$(jq '[.[].states.ESTABLISHED] | add' <<< "$j")
	[ "$nns" -gt "$c" ] || fatal "stats --all-netns: $nns namespaces, $c made"
	t_tcpsm=() t_ss=()
	for _ in $(seq "$REPS"); do
		t0=${EPOCHREALTIME/./}
		"$TCPSM" stats --all-netns --json > /dev/null
		t1=${EPOCHREALTIME/./}
		t_tcpsm+=("$(calc "($t1 - $t0) / 1000" %.2f)")
	done
	ss_est=$(ss -Htan state established | wc -l)
	for _ in $(seq "$SS_REPS"); do
		t0=${EPOCHREALTIME/./}
		ss_pass > /dev/null
		t1=${EPOCHREALTIME/./}
		t_ss+=("$(calc "($t1 - $t0) / 1000" %.2f)")
	done
	ms_tcpsm=$(median "${t_tcpsm[@]}")
	ms_ss=$(median "${t_ss[@]}")
	med[$c]=$ms_tcpsm
	say "allns: $c: tcpsm ${t_tcpsm[*]} ms; ss ${t_ss[*]} ms; $nns namespaces, ESTABLISHED tcpsm $est, ss $ss_est"
	result "tcpsm_ms_$c" "$ms_tcpsm"
	result "ss_ms_$c" "$ms_ss"
	result "estab_$c" "$est"
	rows+=("$(printf '  %-10s %10s %14s %12s\n' "$c" "$nns" "$(calc "$ms_tcpsm" %.1f) ms" "$(calc "$ms_ss" %.1f) ms")")
done
bg_stop "$estab_pid" TERM || :
mod_unload

read -ra cs <<< "$COUNTS"
first=${cs[0]} last=${cs[-1]}
ratio=$(calc "${med[$last]} / ${med[$first]}" %.2f)
result first "$first"
result last "$last"
result ratio "$ratio"

echo "tcpsm stats --all-netns --json (median of $REPS) against ss -tan in every"
echo "namespace (median of $SS_REPS), with $CONNS loopback connections open"
echo "in the initial namespace and N empty named namespaces"
echo
printf '  %-10s %10s %14s %12s\n' "N" "in dump" "tcpsm" "ss loop"
printf '%s\n' "${rows[@]}"
printf '  %-52s %10s\n' "tcpsm at $last / at $first namespaces" "${ratio}x"
echo
