#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot the Debian kernel under QEMU/TCG with the host root as the guest root
# (read-only 9p) and run a command or an interactive shell in it.
#
#   scripts/vm.sh run CMD [ARGS...]   run CMD in the guest (cwd = repo root);
#                                     stdout = its output, exit code = its own
#   scripts/vm.sh shell               interactive shell, tcpsm.ko loaded
#   scripts/vm.sh console CMD [ARGS...]  run CMD on this terminal (the guest's
#                                     serial console), interactively; the VM
#                                     powers off when it exits (make demo)
#   scripts/vm.sh scan LOGFILE...     only scan logs for kernel problems
#
# Environment (host side):
#   KERNEL            which kernel of scripts/kernels/list to boot (default:
#                     the first, Debian 6.1); KVER= pins a Debian ABI
#   TCPSM_CACHE       kernel + initramfs cache (default /var/cache/tcpsm)
#   TCPSM_OUT         results dir (default <repo>/build/vm), cleared each run:
#                       console.log  guest serial console
#                       output       the command's stdout+stderr
#                       dmesg        dmesg at the end of the run
#                       tainted      /proc/sys/kernel/tainted at the end
#                       kmemleak     kmemleak's report after a final scan
#                                    (debug kernel)
#                       rc           the command's exit code
#   TCPSM_VM_TIMEOUT  seconds before the VM is killed (default 3000; 5400 on
#                     the debug kernel, whose suite takes 40 to 55 minutes
#                     beside another guest)
#   TCPSM_VM_MEM, TCPSM_VM_SMP  (default 2048, 2)
#   TCPSM_VM_ROOT     ro (default): the host root read-only; overlay: the
#                     same under a tmpfs overlay, writable (apt, dkms), with
#                     what was written in /run/overlay/upper (package tests)
#   TCPSM_VM_TCG_THREAD  single (default) or multi: under multi-threaded
#                     TCG the guest oopses when kernel text is patched
#                     under load, with or without tcpsm (reproducer:
#                     scripts/repro-tcg-text-patching.sh; README, "Known
#                     issues").
# Inside the guest: TCPSM_ROOT, TCPSM_KO, TCPSM_CLI, KERNEL, KVER,
# TCPSM_KERNEL_KIND (debian or build: the debug kernel), TCPSM_RESULTS
# (the results share, /run/tcpsm = TCPSM_OUT on the host); any other TCPSM_*
# and CI variables are passed through.
#
# Exit code: the command's; if the command passed but the kernel logged a
# problem (BUG/WARNING/Oops/...) or is tainted W or D: 1; if the VM gave no
# result (panic, timeout, boot failure): 125.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TCPSM_CACHE=${TCPSM_CACHE:-/var/cache/tcpsm}
OUT=${TCPSM_OUT:-$ROOT/build/vm}
# The 9p-over-virtio chain, as paths in load order for the kernel whose
# modules are in $1/lib/modules/$2: what is built in, and what a kernel
# merged (fscache into netfs in 6.x), drops out by itself.
mods9p() {
	modprobe -d "$1" -S "$2" --show-depends -a 9p 9pnet_virtio virtio_pci |
		awk '$1 == "insmod" && !seen[$2]++ { print $2 }'
	# overlayfs, for a writable root (TCPSM_VM_ROOT=overlay), where the
	# kernel has it as a module; the debug kernel has none.
	modprobe -d "$1" -S "$2" --show-depends overlay 2>/dev/null |
		awk '$1 == "insmod" { print $2 }'
}

# Kernel log lines that fail a run.
BAD_RE='BUG:|WARNING:|Oops|Call Trace|general protection|KASAN|UBSAN|suspected memory leak|unreferenced object|sleeping function called|Kernel panic|stack-protector|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|INFO: task .* blocked|rcu_sched self-detected stall|rcu: INFO|refcount_t:|list_add corruption|list_del corruption|double fault|kernel BUG'

die() { echo "vm.sh: $*" >&2; exit 125; }

# scan_logs FILE... : print offending lines, return 1 if any.
scan_logs()
{
	local f bad=0
	for f in "$@"; do
		[ -r "$f" ] || continue
		if grep -a -n -E "$BAD_RE" "$f" >/dev/null; then
			echo "vm.sh: kernel problem in $f:" >&2
			grep -a -n -E "$BAD_RE" "$f" | head -n 50 >&2
			bad=1
		fi
	done
	return $bad
}

# check_taint VALUE : fail on W (bit 9) or D (bit 7); O/E (12/13) are fine.
check_taint()
{
	local t=$1
	if ! [[ "$t" =~ ^[0-9]+$ ]]; then
		echo "vm.sh: no taint value from the guest" >&2
		return 1
	fi
	if (( t & (1 << 9) )); then
		echo "vm.sh: kernel tainted W (warning), tainted=$t" >&2
		return 1
	fi
	if (( t & (1 << 7) )); then
		echo "vm.sh: kernel tainted D (died/oops), tainted=$t" >&2
		return 1
	fi
	return 0
}

# Build (or reuse) the busybox initramfs for $KVER in the cache.
initramfs()
{
	local moddir=$1 key img m ko tmp mods
	local init
	init=$(cat <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
quit() {
	echo "tcpsm-init: $*"
	printf '\175' | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
	poweroff -f
}
for m in $(cat /mods/order); do
	insmod /mods/$m.ko || quit "insmod $m failed"
done
o=trans=virtio,version=9p2000.L,msize=262144
mkdir -p /newroot
if grep -qw tcpsmroot=overlay /proc/cmdline; then
	# A writable root for package tests: the host root read-only below,
	# a tmpfs above; /run/overlay/upper shows every file written.
	mkdir -p /lower /ovl
	mount -t 9p -o ro,$o,cache=loose hostroot /lower || quit "mount hostroot failed"
	mount -t tmpfs -o mode=0755 tmpfs /ovl || quit "mount overlay tmpfs failed"
	mkdir -p /ovl/upper /ovl/work
	mount -t overlay -o lowerdir=/lower,upperdir=/ovl/upper,workdir=/ovl/work overlay /newroot ||
		quit "mount overlay root failed"
else
	mount -t 9p -o ro,$o,cache=loose hostroot /newroot || quit "mount hostroot failed"
fi
mount -t tmpfs -o mode=0755 tmpfs /newroot/run || quit "mount /run failed"
mkdir -p /newroot/run/tcpsm
mount -t 9p -o $o results /newroot/run/tcpsm || quit "mount results failed"
if [ -d /ovl/upper ]; then
	mkdir -p /newroot/run/overlay
	mount --move /ovl /newroot/run/overlay || quit "move overlay tmpfs failed"
fi
mount --move /dev /newroot/dev
mount --move /proc /newroot/proc
mount --move /sys /newroot/sys
exec switch_root /newroot /bin/sh /run/tcpsm/boot.sh
INIT
)
	# Empty when 9p and virtio are built in (the debug kernel).
	mods=$(mods9p "${moddir%/lib/modules/*}" "${moddir##*/}")
	key=$( { echo "$init"; echo "$mods"; stat -c %Y /bin/busybox; } | md5sum | cut -c1-12)
	img="$TCPSM_CACHE/initramfs/$KVER-$key.cpio.gz"
	if [ -f "$img" ]; then
		echo "$img"
		return
	fi
	tmp=$(mktemp -d)
	mkdir -p "$tmp/bin" "$tmp/mods" "$tmp/proc" "$tmp/sys" "$tmp/dev" "$TCPSM_CACHE/initramfs"
	cp /bin/busybox "$tmp/bin/busybox"
	echo "$init" > "$tmp/init"
	chmod +x "$tmp/init"
	: > "$tmp/mods/order"
	for ko in $mods; do
		m=$(basename "$ko"); m=${m%%.ko*}
		# busybox insmod takes plain modules only
		case "$ko" in
		*.xz) xz -dc "$ko" > "$tmp/mods/$m.ko" ;;
		*.zst) zstd -qdc "$ko" > "$tmp/mods/$m.ko" ;;
		*.gz) gzip -dc "$ko" > "$tmp/mods/$m.ko" ;;
		*) cp "$ko" "$tmp/mods/$m.ko" ;;
		esac || die "cannot copy $ko"
		echo "$m" >> "$tmp/mods/order"
	done
	(cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -1) > "$img.tmp"
	mv "$img.tmp" "$img"
	rm -rf "$tmp"
	echo "$img"
}

# Write KEY=VALUE exports, shell-quoted.
export_line() { printf 'export %s=%q\n' "$1" "$2"; }

boot()
{
	local mode=$1; shift
	local kenv kdir vmlinuz moddir img qemu_rc rc taint t0 t1 vmt tailpid=
	local -a qemu

	command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing (scripts/deps.sh)"
	kenv=$("$ROOT/scripts/kernel.sh" env) || die "no kernel"
	KERNEL=$(sed -n 's/^KERNEL=//p' <<< "$kenv")
	KVER=$(sed -n 's/^KVER=//p' <<< "$kenv")
	TCPSM_KERNEL_KIND=$(sed -n 's/^KIND=//p' <<< "$kenv")
	kdir=$(sed -n 's/^KERNEL_DIR=//p' <<< "$kenv")
	vmlinuz=$(sed -n 's/^VMLINUZ=//p' <<< "$kenv")
	moddir=$(sed -n 's/^MODULES=//p' <<< "$kenv")
	export KERNEL KVER TCPSM_KERNEL_KIND
	vmt=${TCPSM_VM_TIMEOUT:-3000}
	[ -n "${TCPSM_VM_TIMEOUT:-}" ] || [ "$TCPSM_KERNEL_KIND" != build ] || vmt=5400
	[ -r "$vmlinuz" ] || die "no kernel image $vmlinuz"
	img=$(initramfs "$moddir")
	# The guest bind-mounts the cached modules over /lib/modules.
	mkdir -p /lib/modules

	rm -rf "$OUT"
	mkdir -p "$OUT"
	OUT=$(cd "$OUT" && pwd)
	{
		export_line TCPSM_MODE "$mode"
		export_line TCPSM_ROOT "$ROOT"
		export_line TCPSM_KO "$(realpath -m "${TCPSM_KO:-$ROOT/kmod/tcpsm.ko}")"
		export_line TCPSM_CLI "$(realpath -m "${TCPSM_CLI:-$ROOT/userspace/tcpsm}")"
		export_line TCPSM_RESULTS /run/tcpsm
		export_line TCPSM_MODULES "$kdir/lib/modules"
		export_line KVER "$KVER"
		export_line KERNEL "$KERNEL"
		export_line CI "${CI:-}"
		for k in $(compgen -e); do
			case "$k" in
			TCPSM_KO|TCPSM_CLI|TCPSM_ROOT|TCPSM_RESULTS|TCPSM_MODE|TCPSM_MODULES) ;;
			TCPSM_*) export_line "$k" "${!k}" ;;
			esac
		done
	} > "$OUT/env.sh"
	printf 'exec /bin/bash %q\n' "$ROOT/scripts/guest.sh" > "$OUT/boot.sh"
	if [ "$mode" = run ] || [ "$mode" = console ]; then
		{
			echo '#!/bin/bash'
			printf '%q ' "$@"
			echo
		} > "$OUT/cmd.sh"
	fi
	: > "$OUT/output"

	# shellcheck disable=SC2054 # commas are QEMU option syntax
	qemu=(qemu-system-x86_64
		-machine q35 -accel "tcg,thread=${TCPSM_VM_TCG_THREAD:-single}" -cpu "${TCPSM_VM_CPU:-max}"
		-smp "${TCPSM_VM_SMP:-2}" -m "${TCPSM_VM_MEM:-2048}"
		-nodefaults -no-reboot
		-kernel "$vmlinuz" -initrd "$img"
		-append "console=ttyS0 panic=-1 oops=panic quiet loglevel=5 tcpsmroot=${TCPSM_VM_ROOT:-ro} ${TCPSM_VM_APPEND:-}"
		-fsdev "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap"
		-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot
		-fsdev "local,id=results,path=$OUT,security_model=none,multidevs=remap"
		-device virtio-9p-pci,fsdev=results,mount_tag=results
		-device isa-debug-exit,iobase=0xf4,iosize=0x04)

	t0=$(date +%s)
	if [ "$mode" = shell ] || [ "$mode" = console ]; then
		# Console on this terminal; Ctrl-A X quits QEMU.
		qemu_rc=0
		qemu+=(-nographic -serial mon:stdio)
		"${qemu[@]}" || qemu_rc=$?
		# Keep a copy of the kernel log for the scan below.
		cp "$OUT/dmesg" "$OUT/console.log" 2>/dev/null || : > "$OUT/console.log"
	else
		qemu+=(-display none -monitor none -serial "file:$OUT/console.log")
		timeout -k 10 "$vmt" "${qemu[@]}" </dev/null &
		local qpid=$!
		tail -n +1 -F --pid=$qpid "$OUT/output" 2>/dev/null &
		tailpid=$!
		qemu_rc=0
		wait $qpid || qemu_rc=$?
		wait $tailpid || true
	fi
	t1=$(date +%s)
	echo "vm.sh: $KERNEL ($KVER) ran $((t1 - t0)) s (qemu rc $qemu_rc), console: $OUT/console.log" >&2

	rc=125
	if [ -s "$OUT/rc" ]; then
		rc=$(cat "$OUT/rc")
	else
		if [ "$qemu_rc" -eq 124 ]; then
			echo "vm.sh: VM timed out after $vmt s" >&2
		else
			echo "vm.sh: the guest gave no result (panic or boot failure); console tail:" >&2
		fi
		tail -n 40 "$OUT/console.log" >&2 || true
	fi
	if ! scan_logs "$OUT/console.log" "$OUT/dmesg" "$OUT/kmemleak"; then
		[ "$rc" -ne 0 ] || rc=1
	fi
	if [ -s "$OUT/rc" ]; then
		taint=$(cat "$OUT/tainted" 2>/dev/null || echo none)
		if ! check_taint "$taint"; then
			[ "$rc" -ne 0 ] || rc=1
		fi
	fi
	return "$rc"
}

case "${1:-}" in
run)
	shift
	[ $# -gt 0 ] || die "usage: vm.sh run CMD [ARGS...]"
	boot run "$@"
	;;
shell)
	boot shell
	;;
console)
	shift
	[ $# -gt 0 ] || die "usage: vm.sh console CMD [ARGS...]"
	boot console "$@"
	;;
scan)
	shift
	scan_logs "$@"
	;;
taint)
	check_taint "$2"
	;;
*)
	sed -n '3,/^set -euo/{/^set/!p}' "$0" >&2
	exit 2
	;;
esac
