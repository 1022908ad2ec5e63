#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Debian packages on a server, in the VM: booted with a writable root
# (TCPSM_VM_ROOT=overlay: the host root read-only under a tmpfs) and only
# the running kernel in /lib/modules, with its headers. Prints KTAP (also
# to $TCPSM_RESULTS/tap). scripts/check-kernels.sh runs it as
#
#   TCPSM_VM_ROOT=overlay TCPSM_DEBS=build/deb \
#       [TCPSM_OTHER_KVER=K TCPSM_OTHER_MODULES=DIR] \
#       scripts/vm.sh run tests/package.sh
#
# and, with K, boots K on what that run wrote (the reboot after the
# upgrade), with TCPSM_PKG_FROM=its kernel, TCPSM_PKG_FROM_MODULES=that
# kernel's modules and TCPSM_PKG_STATE=its upgrade/: both kernels in
# /lib/modules, as on a server after an upgrade.
#
# TCPSM_DEBS holds tcpsm_*.deb and tcpsm-dkms_*.deb (make deb). K, if
# given, is another kernel whose headers are on the host and whose
# modules are in DIR: the upgrade. After the install, K's modules appear
# in /lib/modules/K as linux-image-K installs them, then its build link
# as linux-headers-K does, and the hook the headers' postinst runs is
# run. What the system wrote by then is saved in $TCPSM_RESULTS/upgrade/:
# the overlay layers of the root and of both kernels' /lib/modules, as
# tar files, and the paths each deleted.
#
#   1 apt install of both packages builds tcpsm.ko by DKMS for the running
#     kernel, with the packages' version, for this kernel only; or, after
#     the upgrade (TCPSM_PKG_STATE): the files the old kernel's system
#     wrote are restored, as a reboot finds them, and the module DKMS
#     built for this kernel at the upgrade is the one modprobe finds
#   2 the first `tcpsm stats` loads it through the family alias
#   3 `tcpsm --version` shows the CLI's and the module's version
#   4 modprobe -r / modprobe
#   5 the unit passes systemd-analyze verify; its ExecStart, run as the
#     unit runs it (a non-root user, no capability), logs an alarm
#   6 tcpsm-exporter.service verifies; its ExecStart, as a non-root user
#     with CAP_NET_ADMIN alone, serves every namespace, a named one too
#   7 with K, the kernel upgrade: DKMS builds it for K too, and what the
#     system wrote is saved for the reboot into K, where the purge is
#     tested (a server's life: install, upgrade, reboot, purge); without
#     K: apt purge leaves no file behind
set -u

export DEBIAN_FRONTEND=noninteractive
R=${TCPSM_RESULTS:-/tmp}
DEBS=${TCPSM_DEBS:-}
OTHER=${TCPSM_OTHER_KVER:-}
FROM=${TCPSM_PKG_FROM:-}
STATE=${TCPSM_PKG_STATE:-}
KREL=$(uname -r)
n=0 failed=0
exec > >(tee "$R/tap") 2>&1

ok() { n=$((n + 1)); echo "ok $n $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }
skip() { n=$((n + 1)); echo "ok $n $* # SKIP"; }
# diagnostics, each line with the seconds since the start: where a job
# of minutes under TCG spends them
diag() { local l; while IFS= read -r l; do printf '# %4ds %s\n' "$SECONDS" "$l"; done; }
# check NAME CMD...: one result, the command's output as diagnostics
# (as it comes: a DKMS build under TCG takes minutes)
check() {
	local name=$1 rc
	shift
	"$@" < /dev/null 2>&1 | diag
	rc=${PIPESTATUS[0]}
	if [ "$rc" -eq 0 ]; then ok "$name"; else not_ok "$name"; fi
}

plan=7
echo "TAP version 13"
echo "1..$plan"

if [ ! -d /run/overlay/upper ]; then
	for i in $(seq $plan); do skip "package: needs the writable root (TCPSM_VM_ROOT=overlay)"; done
	exit 0
fi
dkms_deb=$(ls "$DEBS"/tcpsm-dkms_*_all.deb 2>/dev/null | head -n1)
cli_deb=$(ls "$DEBS"/tcpsm_*.deb 2>/dev/null | head -n1)
if [ -z "$dkms_deb" ] || [ -z "$cli_deb" ]; then
	echo "# no packages in '$DEBS' (make deb)"
	for i in $(seq $plan); do not_ok "package: packages missing"; done
	exit 1
fi
V=$(dpkg-deb -f "$dkms_deb" Version)
if [ -n "$STATE" ]; then
	echo "# packages $V; kernel $KREL, after the upgrade from $FROM"
else
	echo "# packages $V; kernel $KREL; upgrade to ${OTHER:-none}"
fi

# man-db's trigger would index every manual page under TCG; not tested here
echo 'man-db man-db/auto-update boolean false' | debconf-set-selections
rm -f /var/lib/man-db/auto-update

# dkms_ko KREL: the module DKMS installed for KREL, with the packages'
# version and KREL's vermagic; its path on stdout. DKMS compresses it as
# the kernel's own modules are (6.12: .ko.xz).
dkms_ko() {
	local ko
	ko=$(ls /lib/modules/"$1"/updates/dkms/tcpsm.ko* 2>/dev/null | head -n1)
	[ -n "$ko" ] || { echo "no /lib/modules/$1/updates/dkms/tcpsm.ko*"; return 1; }
	[ "$(modinfo -F version "$ko")" = "$V" ] ||
		{ echo "modinfo version '$(modinfo -F version "$ko")', packages $V"; return 1; }
	[ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$1" ] ||
		{ echo "vermagic $(modinfo -F vermagic "$ko"), not $1"; return 1; }
	echo "$ko"
}

t_install() {
	local ko
	if grep -q '^tcpsm ' /proc/modules; then
		echo "tcpsm is loaded before the install"
		return 1
	fi
	apt-get install -y -q --no-install-recommends "$dkms_deb" "$cli_deb" || return 1
	dkms status tcpsm
	ko=$(dkms_ko "$KREL") || { echo "$ko"; return 1; }
	[ "$(modinfo -n tcpsm)" = "$ko" ] || { echo "modprobe finds $(modinfo -n tcpsm)"; return 1; }
	# the upgrade kernel is not there yet: nothing built for it
	[ -z "$OTHER" ] || [ ! -e "/lib/modules/$OTHER" ] || { echo "/lib/modules/$OTHER exists"; return 1; }
	echo "built in $((SECONDS - t0)) s: $ko, signer: $(modinfo -F signer "$ko")"
}
# modules_of KVER DIR: /lib/modules/KVER, writable as on disk, with the
# modules of DIR (the kernel's image, unpacked) below; its layer in
# /run/modules-KVER/upper. The running kernel's is scripts/guest.sh's.
modules_of() {
	local up=/run/modules-$1
	[ -d "$2" ] || { echo "no modules for $1 ('$2')"; return 1; }
	mkdir -p "/lib/modules/$1" "$up/upper" "$up/work"
	mount -t overlay -o "lowerdir=$2,upperdir=$up/upper,workdir=$up/work" \
		overlay "/lib/modules/$1"
}

# restore DIR NAME: what a reboot finds under DIR, from save()'s NAME.*
# in $STATE: the paths the old system deleted are gone, and so is what
# was below its opaque directories; the files it wrote are there.
restore() {
	local w
	cat "$STATE/$2.whiteouts" "$STATE/$2.opaque" | while IFS= read -r w; do
		rm -rf "${1%/}$w"
	done
	tar -C "$1" -xpf "$STATE/$2.tar"
}

t_reboot() {
	local ko
	if grep -q '^tcpsm ' /proc/modules; then
		echo "tcpsm is loaded before the restore"
		return 1
	fi
	restore / root || return 1
	restore "/lib/modules/$KREL" "modules-$KREL" || return 1
	# the old kernel, still installed: its modules, and what was written there
	modules_of "$FROM" "${TCPSM_PKG_FROM_MODULES:-}" || return 1
	restore "/lib/modules/$FROM" "modules-$FROM" || return 1
	ko=$(dkms_ko "$FROM") || { echo "$FROM: $ko"; return 1; }
	[ "$(modinfo -k "$FROM" -n tcpsm)" = "$ko" ] ||
		{ echo "modprobe would find $(modinfo -k "$FROM" -n tcpsm) on $FROM"; return 1; }
	dkms status tcpsm
	dpkg-query -W tcpsm tcpsm-dkms || return 1
	ko=$(dkms_ko "$KREL") || { echo "$ko"; return 1; }
	[ "$(modinfo -n tcpsm)" = "$ko" ] || { echo "modprobe finds $(modinfo -n tcpsm)"; return 1; }
	echo "restored in $((SECONDS - t0)) s: $ko, built by DKMS on $FROM at the upgrade"
}
t0=$SECONDS
if [ -n "$STATE" ]; then
	check "package: after the upgrade from $FROM and a reboot, DKMS's tcpsm.ko $V for $KREL is installed" t_reboot
else
	check "package: apt install builds tcpsm.ko $V by DKMS for $KREL" t_install
fi

t_autoload() {
	local out
	! grep -q '^tcpsm ' /proc/modules || { echo "tcpsm loaded before tcpsm stats"; return 1; }
	out=$(tcpsm stats --json) || { echo "tcpsm stats failed"; return 1; }
	echo "$out" | jq -e '.states.LISTEN >= 0' >/dev/null || { echo "not stats: $out"; return 1; }
	grep '^tcpsm ' /proc/modules || { echo "tcpsm not in /proc/modules"; return 1; }
	[ "$(cat /sys/module/tcpsm/version)" = "$V" ] ||
		{ echo "/sys/module/tcpsm/version: $(cat /sys/module/tcpsm/version)"; return 1; }
}
check "package: the first tcpsm stats loads the module (family alias)" t_autoload

t_version() {
	local out
	out=$(tcpsm --version) || return 1
	echo "$out"
	[ "$(echo "$out" | sed -n 1p | cut -d' ' -f1-2)" = "tcpsm $V" ] &&
	[ "$(echo "$out" | sed -n 2p)" = "module $V" ]
}
check "package: tcpsm --version shows both versions" t_version

t_modprobe() {
	modprobe -r tcpsm || return 1
	! grep -q '^tcpsm ' /proc/modules || { echo "still loaded after modprobe -r"; return 1; }
	modprobe tcpsm || return 1
	grep '^tcpsm ' /proc/modules && tcpsm stats > /dev/null
}
check "package: modprobe -r tcpsm, modprobe tcpsm" t_modprobe

# The unit's own checks, then its ExecStart as the unit runs it: a user
# that is not root, with no capability, sees an alarm of this namespace.
t_unit() {
	local unit=/lib/systemd/system/tcpsm-alerts.service dir log pid i
	systemd-analyze verify "$unit" || return 1
	grep -qx 'CapabilityBoundingSet=' "$unit" && grep -qx 'DynamicUser=yes' "$unit" ||
		{ echo "the unit is not unprivileged"; return 1; }
	dir=$(mktemp -d)
	log=$dir/log
	chmod 755 "$dir"
	# logger needs a syslog socket: a stand-in for /dev/log
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
import os; os.chmod("/dev/log", 0o666)
sys.stdout.write("ready\n"); sys.stdout.flush()
while True:
    sys.stdout.write(s.recv(4096).decode(errors="replace") + "\n"); sys.stdout.flush()
' > "$log" &
	pid=$!
	for i in $(seq 50); do grep -q ready "$log" && break; sleep 0.1; done
	tcpsm config set closewait.count=2 closewait.age=1 > /dev/null || return 1
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all \
		--no-new-privs /usr/bin/tcpsm-alert-syslog > "$dir/out" 2>&1 &
	local alerts=$!
	sleep 2
	# a leak: a server that never closes 3 accepted connections
	python3 -c '
import socket, time
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("127.0.0.1", 8097)); l.listen(8)
c = [socket.create_connection(("127.0.0.1", 8097)) for _ in range(3)]
a = [l.accept()[0] for _ in range(3)]
for s in c: s.close()
time.sleep(6)
' &
	local leak=$!
	for i in $(seq 100); do grep -q 'CLOSE_WAIT_LEAK raised on port 8097' "$log" && break; sleep 0.1; done
	wait "$leak"
	kill "$alerts" "$pid" 2>/dev/null
	wait "$alerts" "$pid" 2>/dev/null
	rm -f /dev/log
	grep tcpsm "$log"
	cat "$dir/out"
	grep -q 'CLOSE_WAIT_LEAK raised on port 8097' "$log"
}
check "package: tcpsm-alerts.service verifies; its ExecStart, unprivileged, logs a leak" t_unit

# tcpsm-exporter.service: its checks, then its ExecStart as the unit runs
# it: a user that is not root, with CAP_NET_ADMIN alone (ambient), serves
# every namespace, its own and a new one.
t_exporter_unit() {
	local unit=/lib/systemd/system/tcpsm-exporter.service out pid i ok=
	systemd-analyze verify "$unit" || return 1
	grep -qx 'CapabilityBoundingSet=CAP_NET_ADMIN' "$unit" &&
		grep -qx 'AmbientCapabilities=CAP_NET_ADMIN' "$unit" &&
		grep -qx 'DynamicUser=yes' "$unit" || { echo "the unit is not as confined as it says"; return 1; }
	grep -qx 'ExecStart=/usr/bin/tcpsm exporter $TCPSM_EXPORTER_ARGS' "$unit" || return 1
	ip netns add tcpsm-pkg-exp || return 1
	out=$(mktemp)
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all,+net_admin \
		--ambient-caps=-all,+net_admin --bounding-set=-all,+net_admin \
		/usr/bin/tcpsm exporter --all-netns --listen 127.0.0.1:9477 > "$out.log" 2>&1 &
	pid=$!
	for i in $(seq 100); do
		python3 -c 'import urllib.request; print(urllib.request.urlopen("http://127.0.0.1:9477/metrics", timeout=5).read().decode())' \
			> "$out" 2>/dev/null && { ok=1; break; }
		sleep 0.1
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	ip netns del tcpsm-pkg-exp
	cat "$out.log"
	grep -E '^tcpsm_(up|build_info)' "$out"
	[ -n "$ok" ] && grep -qx 'tcpsm_up 1' "$out" &&
		grep -q 'netns_name="tcpsm-pkg-exp",state="LISTEN"' "$out"
}
check "package: tcpsm-exporter.service verifies; its ExecStart, CAP_NET_ADMIN alone, serves every namespace" t_exporter_unit

# save LAYER NAME: an overlay's upper layer into upgrade/NAME.tar, its
# whiteouts (what was deleted below it: character devices 0/0) as paths
# in upgrade/NAME.whiteouts
save() {
	local d=$R/upgrade
	mkdir -p "$d" || return 1
	(cd "$1" && find . -type c -printf '/%P\n') > "$d/$2.whiteouts" || return 1
	# opaque directories: what lies below them is hidden. overlayfs
	# marks every directory made in a merged one so, when nothing is below
	python3 - "$1" > "$d/$2.opaque" <<'PY' || return 1
import os, sys
top = sys.argv[1]
for d, _, _ in os.walk(top):
    if d == top:
        continue
    try:
        if os.getxattr(d, "trusted.overlay.opaque", follow_symlinks=False) == b"y":
            print("/" + os.path.relpath(d, top))
    except OSError:
        pass
PY
	(cd "$1" && find . -mindepth 1 ! -type c -print0 |
		tar --null --no-recursion -T - -cpf "$d/$2.tar") || return 1
	echo "saved $2: $(tar -tf "$d/$2.tar" | wc -l) paths, $(wc -l < "$d/$2.whiteouts") deleted, $(wc -l < "$d/$2.opaque") opaque"
}

t_upgrade() {
	local ko
	[ -d "/usr/src/linux-headers-$OTHER" ] || { echo "no headers for $OTHER"; return 1; }
	# what linux-image-$OTHER installs (its modules), what
	# linux-headers-$OTHER installs, then what the latter's postinst runs
	modules_of "$OTHER" "${TCPSM_OTHER_MODULES:-}" || return 1
	ln -s "/usr/src/linux-headers-$OTHER" "/lib/modules/$OTHER/build"
	t0=$SECONDS
	run-parts --verbose --exit-on-error --arg="$OTHER" /etc/kernel/header_postinst.d || return 1
	dkms status tcpsm
	ko=$(dkms_ko "$OTHER") || { echo "$ko"; return 1; }
	[ "$(modinfo -k "$OTHER" -n tcpsm)" = "$ko" ] ||
		{ echo "modprobe would find $(modinfo -k "$OTHER" -n tcpsm) on $OTHER"; return 1; }
	echo "built in $((SECONDS - t0)) s: $ko"
	# what the reboot into $OTHER finds (scripts/check-kernels.sh)
	save /run/overlay/upper root && save /run/modules/upper "modules-$KREL" &&
		save "/run/modules-$OTHER/upper" "modules-$OTHER"
}
[ -z "$OTHER" ] || check "package: a new kernel's image and headers: DKMS builds tcpsm.ko for $OTHER too" t_upgrade

t_purge() {
	local left
	modprobe -r tcpsm || return 1
	apt-get purge -y -q tcpsm tcpsm-dkms || return 1
	if dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' tcpsm tcpsm-dkms 2>/dev/null | grep -v '^un '; then
		echo "still known to dpkg"
		return 1
	fi
	# Every file written since boot is in the overlay's upper layer. Not
	# counted: man-db's formatted copy of a page that was read (here by
	# systemd-analyze's Documentation= check), which man-db expires.
	left=$(find /run/overlay/upper /lib/modules -name '*tcpsm*' \
		-not -path '/run/overlay/upper/var/cache/man/*' 2>/dev/null)
	[ -z "$left" ] || { echo "left behind:"; echo "$left"; return 1; }
	[ ! -e /var/lib/dkms/tcpsm ] || { echo "/var/lib/dkms/tcpsm left"; return 1; }
	! modinfo tcpsm > /dev/null 2>&1 || { echo "modprobe still finds tcpsm"; return 1; }
}
[ -n "$OTHER" ] || check "package: apt purge leaves no file behind" t_purge

echo "# package: $((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
