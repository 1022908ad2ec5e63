#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# On the host, after `make deb` (make check runs it): the install targets
# against the packages and the kernel headers there are.
#
#   1 make install DESTDIR PREFIX=/usr KVER=K puts the module in
#     lib/modules/K/updates, with the version, and every other file where
#     the tcpsm package has it; make install-dkms, where tcpsm-dkms has its
#   2 the man pages, the unit and the CLI carry the version and the paths
#     (tests/package.sh runs systemd-analyze verify on the installed unit)
#   3 make uninstall removes every file make install put
#   4 make install for a kernel without headers stops, naming the package
#     (for the running kernel too, where its headers are missing)
#   5 PREFIX=/usr/local is honoured end to end (the unit's ExecStart)
#   6 dkms.conf in the tree reads the VERSION file
#
# Prints one line per check and "install.sh: N passed, N failed".
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
V=$(scripts/version.sh)
K=$(scripts/kernel.sh kver "$(scripts/kernel.sh names | head -n1)")

check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		echo "ok - $name"
		pass=$((pass + 1))
	else
		printf '%s\n' "$out" | tail -n 30 | sed 's/^/# /'
		echo "not ok - $name"
		fail=$((fail + 1))
	fi
}

# files DIR: the regular files under DIR, as package paths
files() { (cd "$1" && find . -type f -o -type l) | sed 's|^\.||' | sort; }
# deb_files DEB: the files a package ships, less its Debian-only ones,
# with manual pages as make install writes them (uncompressed)
deb_files() {
	dpkg-deb -c "$1" | awk '$1 !~ /^d/ { print $6 }' | sed 's|^\.||; s|\(/man/.*\)\.gz$|\1|' |
		grep -v -e '^/usr/share/doc/' -e '^/usr/share/lintian/' | sort
}

t_layout() {
	local d=$tmp/usr cli_deb dkms_deb
	cli_deb=$(ls build/deb/tcpsm_*.deb) && dkms_deb=$(ls build/deb/tcpsm-dkms_*_all.deb) || return 1
	[ "$(dpkg-deb -f "$cli_deb" Version)" = "$V" ] || { echo "package version is not $V"; return 1; }
	make -s install DESTDIR="$d" PREFIX=/usr KVER="$K" > /dev/null || return 1
	[ "$(modinfo -F version "$d/lib/modules/$K/updates/tcpsm.ko")" = "$V" ] ||
		{ echo "module version is not $V"; return 1; }
	[ "$(modinfo -F vermagic "$d/lib/modules/$K/updates/tcpsm.ko" | cut -d' ' -f1)" = "$K" ] || return 1
	diff -u <(deb_files "$cli_deb") <(files "$d" | grep -v '^/lib/modules/') || return 1
	make -s install-dkms DESTDIR="$tmp/dkms" > /dev/null || return 1
	diff -u <(deb_files "$dkms_deb") <(files "$tmp/dkms")
}
check "make install DESTDIR PREFIX=/usr KVER=$K: the module for $K, the rest where the packages have it" t_layout

t_content() {
	local d=$tmp/usr
	grep -qx "ExecStart=/usr/bin/tcpsm-alert-syslog" "$d/lib/systemd/system/tcpsm-alerts.service" || return 1
	grep -q "\"tcpsm $V\"" "$d/usr/share/man/man8/tcpsm.8" || { echo "tcpsm.8 lacks $V"; return 1; }
	! grep -rIq '@[A-Z]*@' "$d" || { grep -rIl '@[A-Z]*@' "$d"; return 1; }
	[ "$("$d/usr/bin/tcpsm" --version | head -n1 | cut -d' ' -f1-2)" = "tcpsm $V" ]
}
check "man pages, unit and CLI carry the version and the paths" t_content

t_uninstall() {
	local left
	make -s uninstall DESTDIR="$tmp/usr" PREFIX=/usr KVER="$K" > /dev/null || return 1
	left=$(files "$tmp/usr")
	[ -z "$left" ] || { echo "left: $left"; return 1; }
}
check "make uninstall removes every file make install put" t_uninstall

t_no_headers() {
	local out rel
	if out=$(make -s install DESTDIR="$tmp/none" KVER=0.0.0-none 2>&1); then
		echo "make install succeeded without headers"; return 1
	fi
	echo "$out" | grep -q 'apt install linux-headers-0.0.0-none$' || { echo "$out"; return 1; }
	[ ! -e "$tmp/none" ] || { echo "installed something"; return 1; }
	rel=$(uname -r)
	if [ ! -e "/lib/modules/$rel/build/Makefile" ]; then
		if out=$(make -s install DESTDIR="$tmp/none" 2>&1); then
			echo "make install succeeded without the running kernel's headers"; return 1
		fi
		echo "$out" | grep -q "apt install linux-headers-$rel\$" || { echo "$out"; return 1; }
	fi
}
check "make install without the kernel's headers stops, naming linux-headers-KVER" t_no_headers

t_prefix() {
	local d=$tmp/local
	make -s install-cli DESTDIR="$d" > /dev/null || return 1
	[ -x "$d/usr/local/bin/tcpsm" ] && [ -x "$d/usr/local/bin/tcpsm-alert-syslog" ] &&
	[ -f "$d/usr/local/share/man/man8/tcpsm.8" ] &&
	[ -f "$d/usr/local/share/bash-completion/completions/tcpsm" ] || { files "$d"; return 1; }
	grep -qx "ExecStart=/usr/local/bin/tcpsm-alert-syslog" "$d/usr/local/lib/systemd/system/tcpsm-alerts.service"
}
check "PREFIX=/usr/local (the default): binaries, man pages, completion, unit" t_prefix

t_dkms_conf() {
	local v
	# shellcheck disable=SC2016 # dkms sources the file with bash
	v=$(bash -c '. ./dkms.conf && echo "$PACKAGE_NAME $PACKAGE_VERSION"') || return 1
	[ "$v" = "tcpsm $(cat VERSION)" ] || { echo "dkms.conf gives '$v'"; return 1; }
}
check "dkms.conf (in the tree) reads the VERSION file" t_dkms_conf

echo "install.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
