#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# PID 1 in the test VM (started by scripts/vm.sh through the initramfs).
# The host root is / (read-only 9p); /run is a tmpfs; /run/tcpsm is the
# writable results share (TCPSM_OUT on the host) holding env.sh, cmd.sh.
# TCPSM_MODE: run (cmd.sh, output to the share), shell or console (cmd.sh
# on the serial console).
# Never run this on a host.
set -u
R=/run/tcpsm

if [ "$$" -ne 1 ]; then
	echo "guest.sh: must be PID 1 inside the VM (use scripts/vm.sh)" >&2
	exit 1
fi

# shellcheck source=/dev/null
. "$R/env.sh"
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp TERM=${TERM:-linux} LANG=C.UTF-8

poweroff_vm()
{
	sync
	# isa-debug-exit: QEMU exits with (value << 1) | 1; 0 = "finished".
	printf '\000' | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
	echo o > /proc/sysrq-trigger
	sleep 10
}

mnt() { mountpoint -q "$3" 2>/dev/null || mount -t "$1" "$2" "$3"; }
mnt proc proc /proc
mnt sysfs sysfs /sys
mnt devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
ln -sfn /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mnt devpts devpts /dev/pts
mnt tmpfs tmpfs /dev/shm
# A fresh /tmp for the tests; what the guest needs of the host's /tmp (a
# clone, a cache or a module under it) is bound back in: the top entry
# under /tmp of each such path.
mkdir -p /run/hosttmp
mount --bind /tmp /run/hosttmp
mount -t tmpfs -o mode=1777 tmpfs /tmp
for p in "$TCPSM_ROOT" "$TCPSM_KO" "$TCPSM_CLI" "$TCPSM_MODULES" ${TCPSM_DEBS:+"$TCPSM_DEBS"} \
	${TCPSM_OTHER_MODULES:+"$TCPSM_OTHER_MODULES"} ${TCPSM_PKG_STATE:+"$TCPSM_PKG_STATE"} \
	${TCPSM_PKG_FROM_MODULES:+"$TCPSM_PKG_FROM_MODULES"}; do
	case $p in
	/tmp/?*)
		top=${p#/tmp/}
		top=${top%%/*}
		if [ ! -e "/tmp/$top" ]; then
			mkdir -p "/tmp/$top"
			mount --bind "/run/hosttmp/$top" "/tmp/$top" ||
				echo "guest.sh: cannot bind /tmp/$top" >&2
		fi
		;;
	esac
done
mkdir -p /run/netns /run/lock /run/user
mnt debugfs debugfs /sys/kernel/debug
mnt tracefs tracefs /sys/kernel/tracing
mnt cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
if [ -d /run/overlay/upper ]; then
	# Writable root (TCPSM_VM_ROOT=overlay): only this kernel in
	# /lib/modules, as on a server running it: its modules below, the
	# headers' build link, and room for what depmod and DKMS write.
	mount -t tmpfs -o mode=0755 tmpfs /lib/modules
	mkdir -p "/lib/modules/$KVER" /run/modules/upper /run/modules/work
	mount -t overlay -o "lowerdir=$TCPSM_MODULES/$KVER,upperdir=/run/modules/upper,workdir=/run/modules/work" \
		overlay "/lib/modules/$KVER" || echo "guest.sh: cannot mount /lib/modules/$KVER" >&2
	if [ ! -e "/lib/modules/$KVER/build" ] && [ -d "/usr/src/linux-headers-$KVER" ]; then
		ln -s "/usr/src/linux-headers-$KVER" "/lib/modules/$KVER/build"
	fi
else
	mount --bind "$TCPSM_MODULES" /lib/modules || echo "guest.sh: cannot bind /lib/modules" >&2
fi
hostname tcpsm-vm 2>/dev/null
ip link set lo up

# kmemleak (debug kernel): forget what boot left, so that the report at
# the end is about what ran here; no periodic scans (a scan of guest
# memory takes a minute of TCG time), one at the end.
KMEMLEAK=/sys/kernel/debug/kmemleak
if [ -w "$KMEMLEAK" ]; then
	echo scan=off > "$KMEMLEAK"
	echo clear > "$KMEMLEAK"
fi

cd "$TCPSM_ROOT" || cd /

rc=0
case "$TCPSM_MODE" in
run)
	bash "$R/cmd.sh" > "$R/output" 2>&1 < /dev/null
	rc=$?
	;;
shell)
	if [ -e "$TCPSM_KO" ]; then
		insmod "$TCPSM_KO" && echo "guest.sh: loaded $TCPSM_KO"
	else
		echo "guest.sh: $TCPSM_KO not built; no module loaded"
	fi
	# the CLI on PATH, so `tcpsm stats` works as on a server
	printf 'export PATH=%q:$PATH\ncd %q\n' "$(dirname "$TCPSM_CLI")" "$TCPSM_ROOT" > /tmp/tcpsm.bashrc
	echo "guest.sh: tcpsm VM ($KVER). Try: tcpsm stats; exit the shell to power off."
	setsid -c bash --rcfile /tmp/tcpsm.bashrc -i < /dev/ttyS0 > /dev/ttyS0 2>&1
	rc=$?
	;;
console)
	# the command on the console, which is its controlling terminal
	setsid -c bash "$R/cmd.sh" < /dev/ttyS0 > /dev/ttyS0 2>&1
	rc=$?
	;;
esac

if [ -w "$KMEMLEAK" ]; then
	# An object is reported once it is unreferenced for a scan period and
	# two scans: wait that out, then scan and read the report.
	sleep 6
	echo scan > "$KMEMLEAK"
	echo scan > "$KMEMLEAK"
	cat "$KMEMLEAK" > "$R/kmemleak" 2>&1
fi
dmesg > "$R/dmesg" 2>&1
cat /proc/sys/kernel/tainted > "$R/tainted"
echo "$rc" > "$R/rc"
poweroff_vm
