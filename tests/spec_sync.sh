#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The spec, the uapi header and the kernel agree.
#
#   tests/spec_sync.sh gen   on the host, by make lint (no module needed):
#   - include/uapi/linux/tcpsm.h, and the module's netlink glue
#     kmod/tcpsm_nl.h and kmod/tcpsm_nl.c (policies, ops, group enum), are
#     exactly what the kernel's ynl-gen-c.py makes of
#     Documentation/netlink/specs/tcpsm.yaml (--mode uapi --header, and
#     the spec's structs by scripts/uapi-structs.py; --mode
#     kernel --header and --source; regenerated into a temp dir as the
#     Makefile's uapi target does; any difference fails: run make uapi).
#     Under TCG the three generator runs took a minute of each kernel's
#     suite, for a check that does not depend on the kernel.
#
#   tests/spec_sync.sh       in the VM, as root, module loaded by
#                            tests/run.sh (the repo is read-only there):
#   - the multicast groups the module registers are the spec's, and who
#     may join them is what the spec says: a group with admin-perm in its
#     flags refuses an unprivileged subscriber (uid 65534, no capability,
#     cli.py --subscribe) with EPERM, the others take it, and root joins
#     every one (the generator writes no group flags, kmod/tcpsm_genl.c
#     does: this checks the two agree);
#   - the kernel's generic YNL client, tools/net/ynl/cli.py driven by our
#     spec alone, can talk to the module: --do get-stats and
#     --dump get-stats --json '{"all-netns": true}' decode, and agree with
#     tcpsm stats --json (netns inode and gauges, at quiescence), and
#     --subscribe events decodes the events group's notifications.
# Needs build/ynl (scripts/ynl.sh, run on the host by make tests) and
# /usr/bin/python3 with yaml and jsonschema. Exit 0 pass, 1 fail, 4 skip.

set -u
KSFT_SKIP=4

ROOT=${TCPSM_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
CLI=${TCPSM_CLI:-$ROOT/userspace/tcpsm}
YNL=$ROOT/build/ynl
PY=/usr/bin/python3
SPEC=$ROOT/Documentation/netlink/specs/tcpsm.yaml
HDR=$ROOT/include/uapi/linux/tcpsm.h
TMP=$(mktemp -d /tmp/tcpsm-spec.XXXXXX)
hold=
trap '[ -z "$hold" ] || { kill "$hold"; wait "$hold"; } 2>/dev/null; rm -rf "$TMP"' EXIT
fails=0

# ok, fail, check and $fails
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

if [ ! -r "$YNL/tools/net/ynl/ynl-gen-c.py" ] ||
   [ ! -r "$YNL/Documentation/netlink/genetlink.yaml" ]; then
	echo "SKIP: $YNL not extracted (scripts/ynl.sh, make tests)"
	exit $KSFT_SKIP
fi
if ! "$PY" -c 'import yaml, jsonschema' 2>/dev/null; then
	echo "SKIP: $PY lacks yaml/jsonschema (python3-yaml python3-jsonschema)"
	exit $KSFT_SKIP
fi
command -v jq >/dev/null || { echo "SKIP: jq missing"; exit $KSFT_SKIP; }

# ynl-gen-c.py walks up from the spec to a tree root with MAINTAINERS (it
# never returns without one) and names the spec relative to it; the schema
# is ../genetlink.yaml next to specs/. Build that tree around the CURRENT
# spec of the repo, not build/ynl's copy, which may be stale.
tree=$TMP/tree
mkdir -p "$tree/Documentation/netlink/specs"
: > "$tree/MAINTAINERS"
cp "$YNL"/Documentation/netlink/genetlink*.yaml "$tree/Documentation/netlink/"
cp "$SPEC" "$tree/Documentation/netlink/specs/tcpsm.yaml"
if [ "${1:-}" = gen ]; then
	if (cd "$tree" && timeout 120 "$PY" "$YNL/tools/net/ynl/ynl-gen-c.py" \
		--mode uapi --header --spec Documentation/netlink/specs/tcpsm.yaml \
		-o "$TMP/tcpsm.h") > "$TMP/gen.log" 2>&1 &&
	   "$PY" "$ROOT/scripts/uapi-structs.py" "$SPEC" "$TMP/tcpsm.h" \
		>> "$TMP/gen.log" 2>&1; then
		ok "ynl-gen-c.py accepts the spec"
	else
		fail "ynl-gen-c.py failed: $(tail -n 5 "$TMP/gen.log")"
		exit 1
	fi
	if diff -u "$HDR" "$TMP/tcpsm.h" > "$TMP/diff"; then
		ok "include/uapi/linux/tcpsm.h is generated from the spec"
	else
		sed 's/^/# /' "$TMP/diff"
		fail "include/uapi/linux/tcpsm.h differs from the spec (run make uapi)"
	fi

	# The module's netlink glue, as make uapi makes it: the same invocations,
	# and the same file names (the source includes the header by the name of
	# its own output file).
	mkdir -p "$TMP/kmod"
	for part in header:h source:c; do
		mode=${part%%:*}
		f=tcpsm_nl.${part##*:}
		if ! (cd "$tree" && timeout 120 "$PY" "$YNL/tools/net/ynl/ynl-gen-c.py" \
			--mode kernel --"$mode" \
			--spec Documentation/netlink/specs/tcpsm.yaml \
			-o "$TMP/kmod/$f") > "$TMP/gen.log" 2>&1; then
			fail "ynl-gen-c.py --mode kernel --$mode failed: $(tail -n 5 "$TMP/gen.log")"
		elif diff -u "$ROOT/kmod/$f" "$TMP/kmod/$f" > "$TMP/diff"; then
			ok "kmod/$f is generated from the spec (--mode kernel --$mode)"
		else
			sed 's/^/# /' "$TMP/diff"
			fail "kmod/$f differs from the spec (run make uapi)"
		fi
	done
	[ "$fails" -eq 0 ] && echo "spec_sync gen: all generated files match the spec"
	exit $((fails > 0))
fi

# the kernel's YNL client, driven by the spec alone. cli.py validates the
# spec against the schema at every start: 0.3 of its 0.5 s natively, 8 s
# under TCG. It does so once, in the first check below; the other calls
# pass --no-schema.
ynl()
{
	"$PY" "$YNL/tools/net/ynl/cli.py" --spec "$tree/Documentation/netlink/specs/tcpsm.yaml" \
		--no-schema --output-json "$@"
}
"$PY" "$YNL/tools/net/ynl/cli.py" --spec "$tree/Documentation/netlink/specs/tcpsm.yaml" \
	--list-ops > "$TMP/ops" 2> "$TMP/schema.err"
rc=$?
[ "$rc" -eq 0 ] || sed 's/^/# /' "$TMP/schema.err"
check "cli.py validates the spec against the schema and lists its ops" "0 yes" \
	"$rc $(grep -q get-stats "$TMP/ops" && echo yes)"

# Something to see: a listener and two loopback connections, held open.
cat > "$TMP/hold.py" <<'EOF'
import signal, socket
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(4)
keep = []
for _ in range(2):
    keep.append(socket.create_connection(l.getsockname()))
    keep.append(l.accept()[0])
print("ready", flush=True)
signal.pause()
EOF
"$PY" "$TMP/hold.py" > "$TMP/hold.out" 2>&1 &
hold=$!
for ((i = 0; i < 200; i++)); do
	grep -q ready "$TMP/hold.out" && break
	sleep 0.05
done
grep -q ready "$TMP/hold.out" || { fail "hold.py: $(cat "$TMP/hold.out")"; exit 1; }

# gauges as {"LISTEN": n, ...} from ynl's list of state nests
YNL_STATES='[.state[] | {key: (.state | ascii_upcase | gsub("-"; "_")), value: .count}] | from_entries'
YNL_EDGES='[(.transition // [])[] | {from: (.from | ascii_upcase | gsub("-"; "_")), to: (.to | ascii_upcase | gsub("-"; "_")), count}] | sort_by(.from, .to)'
CLI_EDGES='[.transitions[]] | sort_by(.from, .to)'

# Quiescence: the counts must not move between the two reads, so retry a
# few times if something (a timer) moved them.
for _ in 1 2 3 4 5; do
	do_out=$(ynl --do get-stats 2> "$TMP/ynl.err")
	rc=$?
	cli_out=$("$CLI" stats --json)
	do_again=$(ynl --do get-stats 2>/dev/null)
	[ "$rc" -ne 0 ] || [ "$do_out" = "$do_again" ] && break
	sleep 0.2
done
check "cli.py --do get-stats exits 0" 0 "$rc"
[ "$rc" -eq 0 ] || echo "# $(cat "$TMP/ynl.err")"
echo "# ynl do: $(jq -c . <<< "$do_out")"
check "do: netns = tcpsm stats" "$(jq .netns <<< "$cli_out")" "$(jq .netns <<< "$do_out")"
check "do: netns = /proc/self/ns/net" "$(stat -L -c %i /proc/self/ns/net)" \
	"$(jq .netns <<< "$do_out")"
check "do: ten gauges" 10 "$(jq '.state | length' <<< "$do_out")"
check "do: our listener and connections are seen" true \
	"$(jq '[.state[] | select(.state == "listen" or .state == "established") | .count >= 1] | all' <<< "$do_out")"
check "do: gauges = tcpsm stats" "$(jq -cS .states <<< "$cli_out")" \
	"$(jq -cS "$YNL_STATES" <<< "$do_out")"
check "do: transitions = tcpsm stats" "$(jq -cS "$CLI_EDGES" <<< "$cli_out")" \
	"$(jq -cS "$YNL_EDGES" <<< "$do_out")"

for _ in 1 2 3 4 5; do
	dump_out=$(ynl --dump get-stats --json '{"all-netns": true}' 2> "$TMP/ynl.err")
	rc=$?
	cli_all=$("$CLI" stats --all-netns --json)
	dump_again=$(ynl --dump get-stats --json '{"all-netns": true}' 2>/dev/null)
	[ "$rc" -ne 0 ] || [ "$dump_out" = "$dump_again" ] && break
	sleep 0.2
done
check "cli.py --dump get-stats all-netns exits 0" 0 "$rc"
[ "$rc" -eq 0 ] || echo "# $(cat "$TMP/ynl.err")"
echo "# ynl dump: $(jq -c '[.[] | {netns}]' <<< "$dump_out")"
check "dump: same namespaces, same order, as tcpsm stats --all-netns" \
	"$(jq -c '[.[].netns]' <<< "$cli_all")" "$(jq -c '[.[].netns]' <<< "$dump_out")"
check "dump: gauges of every namespace = tcpsm stats --all-netns" \
	"$(jq -cS '[.[].states]' <<< "$cli_all")" \
	"$(jq -cS "[.[] | $YNL_STATES]" <<< "$dump_out")"
check "dump: transitions of every namespace = tcpsm stats --all-netns" \
	"$(jq -cS "[.[] | $CLI_EDGES]" <<< "$cli_all")" \
	"$(jq -cS "[.[] | $YNL_EDGES]" <<< "$dump_out")"
check "dump: lists our netns" 1 \
	"$(jq "[.[] | select(.netns == $(stat -L -c %i /proc/self/ns/net))] | length" <<< "$dump_out")"

# a dump without all-netns: our namespace only
out=$(ynl --dump get-stats)
check "cli.py --dump get-stats: one namespace, ours" \
	"[$(stat -L -c %i /proc/self/ns/net)]" "$(jq -c '[.[].netns]' <<< "$out")"

# and the kernel refuses all-netns in a do, with its reason
ynl --do get-stats --json '{"all-netns": true}' > "$TMP/out" 2>&1
rc=$?
if [ $rc -ne 0 ] && grep -q 'dump' "$TMP/out"; then
	ok "cli.py --do get-stats all-netns refused with the extack"
else
	fail "cli.py --do get-stats all-netns: rc $rc, $(tail -n 3 "$TMP/out")"
fi

# --subscribe events: ynl decodes the notifications of the events group
# from the spec alone. In a namespace of its own (nothing else happens
# there); ynl takes seconds to start under TCG, so connections are made
# every half second until its --sleep is over.
ns=tcpsmY
ip netns del $ns 2>/dev/null
ip netns add $ns && ip -n $ns link set lo up
ip netns exec $ns "$PY" "$YNL/tools/net/ynl/cli.py" \
	--spec "$tree/Documentation/netlink/specs/tcpsm.yaml" --no-schema --output-json \
	--subscribe events --sleep 10 > "$TMP/ntf" 2> "$TMP/ntf.err" &
sub=$!
cat > "$TMP/conn.py" <<'EOF2'
import socket, sys, time
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(4)
for _ in range(60):
    c = socket.create_connection(l.getsockname())
    a = l.accept()[0]
    c.close(); a.close()
    time.sleep(0.5)
EOF2
ip netns exec $ns "$PY" "$TMP/conn.py" &
conn=$!
wait $sub
rc=$?
kill $conn 2>/dev/null; wait $conn 2>/dev/null
ip netns del $ns
check "cli.py --subscribe events exits 0" 0 "$rc"
[ "$rc" -eq 0 ] || echo "# $(tail -n 3 "$TMP/ntf.err")"
evs=$(jq -c '[.[] | select(.name == "event") | .msg.record[]]' "$TMP/ntf" 2>/dev/null)
echo "# ynl events: $(jq 'length' <<< "${evs:-[]}") in $(jq length "$TMP/ntf" 2>/dev/null) notifications"
check "ynl: events with every field, from a connect to its close" true \
	"$(jq '(length > 0) and all(.[]; has("seq") and has("ts") and has("saddr") and
		has("sport") and has("from") and has("to") and has("cookie")) and
		(map(select(.from == "closed" and .to == "syn-sent")) | length > 0) and
		(map(select(.from == "last-ack" and .to == "closed")) | length > 0)' <<< "${evs:-[]}")"
check "ynl: sequence numbers without a gap" true \
	"$(jq '[.[].seq] as $s | $s == [range($s[0]; $s[0] + ($s | length))]' <<< "${evs:-[]}")"

# The groups: the spec's, "NAME admin" or "NAME open" a line (admin-perm
# in the group's flags: joining needs CAP_NET_ADMIN).
spec_groups=$("$PY" - "$SPEC" <<'EOF3'
import sys, yaml
spec = yaml.safe_load(open(sys.argv[1]))
for g in spec.get("mcast-groups", {}).get("list", []):
    print(g["name"], "admin" if "admin-perm" in g.get("flags", []) else "open")
EOF3
)
echo "# spec groups: $(tr '\n' ' ' <<< "$spec_groups")"
check "the spec has multicast groups, one admin-only at least" true \
	"$([ -n "$spec_groups" ] && grep -q ' admin$' <<< "$spec_groups" && echo true || echo false)"
# and the module's, as the generic netlink controller lists them
kernel_groups=$(genl ctrl get name "$(sed -n 's/^#define TCPSM_FAMILY_NAME[[:space:]]*"\(.*\)"/\1/p' "$HDR")" 2>&1 |
	grep -o 'name: [a-z0-9_-]*' | sed 's/^name: //' | sort | tr '\n' ' ')
check "the module's groups are the spec's" \
	"$(cut -d' ' -f1 <<< "$spec_groups" | sort | tr '\n' ' ')" "$kernel_groups"

# a subscriber without privilege: uid/gid 65534, no group, no capability
# (a uid change from 0 clears them); it reads the spec from $tree
if command -v setpriv >/dev/null; then
	nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
elif command -v runuser >/dev/null; then
	nobody=(runuser -u "$(id -nu 65534)" --)
else
	nobody=()
fi
# build/ynl is private to root (scripts/ynl.sh extracts it into a mktemp
# -d and moves that): the subscribers run a copy of cli.py and its lib
chmod 755 "$TMP"
mkdir -p "$TMP/ynl"
cp -r "$YNL/tools/net/ynl/cli.py" "$YNL/tools/net/ynl/lib" "$TMP/ynl/"
chmod -R a+rX "$TMP/ynl" "$tree"
if [ ${#nobody[@]} -eq 0 ]; then
	fail "neither setpriv nor runuser: cannot subscribe unprivileged"
else
	# shellcheck disable=SC2016 # expanded by the unprivileged sh
	check "the unprivileged subscriber has no capability" \
		"65534 0000000000000000" \
		"$("${nobody[@]}" sh -c 'echo "$(id -u) $(sed -n "s/^CapEff:[[:space:]]*//p" /proc/self/status)"')"
fi
# subscribe [PREFIX...] -- GROUP: cli.py --subscribe GROUP for a second,
# as PREFIX runs it; output in $TMP/sub.out, $TMP/sub.err; its exit code.
# A refused subscription: ntf_subscribe()'s setsockopt(NETLINK_ADD_MEMBERSHIP)
# raises PermissionError (EPERM, genl_bind()).
subscribe()
{
	local pre=()

	while [ "$1" != -- ]; do
		pre+=("$1")
		shift
	done
	shift
	"${pre[@]}" "$PY" "$TMP/ynl/cli.py" \
		--spec "$tree/Documentation/netlink/specs/tcpsm.yaml" --no-schema --output-json \
		--subscribe "$1" --sleep 1 > "$TMP/sub.out" 2> "$TMP/sub.err"
}
while read -r grp perm; do
	[ -n "$grp" ] || continue
	subscribe -- "$grp"
	rc=$?
	check "root subscribes to $grp" "0 array" \
		"$rc $(jq -r type "$TMP/sub.out" 2>/dev/null)"
	[ "$rc" -eq 0 ] || echo "# $(tail -n 1 "$TMP/sub.err")"
	[ ${#nobody[@]} -gt 0 ] || continue
	subscribe "${nobody[@]}" -- "$grp"
	rc=$?
	if [ "$perm" = admin ]; then
		# ntf_subscribe(): NETLINK_ADD_MEMBERSHIP fails, EPERM
		if [ "$rc" -ne 0 ] && grep -q 'PermissionError: \[Errno 1\]' "$TMP/sub.err"; then
			ok "$grp (admin-perm): an unprivileged subscriber is refused, EPERM"
		else
			fail "$grp (admin-perm): unprivileged subscriber: rc $rc, $(tail -n 1 "$TMP/sub.err")"
		fi
	else
		check "$grp: an unprivileged subscriber is taken" "0 array" \
			"$rc $(jq -r type "$TMP/sub.out" 2>/dev/null)"
		[ "$rc" -eq 0 ] || echo "# $(tail -n 1 "$TMP/sub.err")"
	fi
done <<< "$spec_groups"

[ $fails -eq 0 ] || { echo "# $fails check(s) failed"; exit 1; }
exit 0
