#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Reproducer for the guest oopses described in README "Known issues", with
# tcpsm never loaded: arm and disarm ordinary tracefs kprobe events on the
# functions tcpsm probes while a loopback churn runs.
#
#   TCPSM_VM_TCG_THREAD=multi  scripts/vm.sh run scripts/repro-tcg-text-patching.sh
#   TCPSM_VM_TCG_THREAD=single scripts/vm.sh run scripts/repro-tcg-text-patching.sh
#
# Seen here on Debian 6.1.0-56: multi-threaded TCG oopsed 2 of 2 runs (a
# call through NULL in the TCP receive path, untainted kernel);
# single-threaded TCG finished 2 of 2 runs cleanly.

set -u
T=/sys/kernel/tracing
TRAFFIC=${TCPSM_ROOT:?run in the VM}/build/tests/tcpsm_traffic

ip netns add repro && ip -n repro link set lo up || exit 1
setsid "$TRAFFIC" churn --ns-client repro --seconds 600 --workers 1 >/dev/null 2>&1 &
churn=$!
for f in inet_csk_reqsk_queue_hash_add __inet_csk_reqsk_queue_drop \
	 inet_csk_complete_hashdance inet_twsk_hashdance \
	 tcp_timewait_state_process __inet_twsk_schedule tcp_twsk_destructor; do
	echo "p:repro_$f $f" >>"$T/kprobe_events" || echo "cannot probe $f"
done
for _ in $(seq 40); do
	echo 1 >"$T/events/kprobes/enable"
	sleep 0.2
	echo 0 >"$T/events/kprobes/enable"
done
{ kill -KILL -- "-$churn"; wait; } 2>/dev/null
echo > "$T/kprobe_events"
ip netns del repro
echo "40 arm/disarm cycles of kprobe events under churn: no oops"
