#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install everything tcpsm needs to build, lint and test (idempotent).
# Runs as root (CI) or through sudo. For each test kernel of
# scripts/kernels/list (KERNELS="6.1 6.12" narrows it): Debian's headers
# and image, or the debug kernel, built once per machine (7 minutes on 2
# cores in CI). The Debian ABIs are resolved from the metapackages now, so a
# point release does not break the build; KVER= pins one.
set -euo pipefail

cd "$(dirname "$0")/.."

SUDO=
if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive

PKGS=(
	build-essential pkg-config libnl-3-dev libnl-genl-3-dev libncurses-dev
	libmicrohttpd-dev
	# the exporter's tests: the real Prometheus, promtool, Alertmanager
	prometheus prometheus-alertmanager
	sparse linux-source-6.1
	linux-source-6.12 python3-yaml python3-jsonschema
	qemu-system-x86 busybox-static cpio kmod xz-utils zstd
	iproute2 jq tmux libbpf-tools
	# the tests' jq in the guest (tests/run.sh: jq 1.6 starts 7x slower)
	gojq
	# latency.sh: how many events tcpstates itself missed (bpftool prog)
	bpftool
	# make deb and the package tests (tests/package.sh, tests/install.sh)
	debhelper dh-dkms dkms lintian systemd
)

updated=
apt_update()
{
	if [ -z "$updated" ]; then
		$SUDO apt-get update -qq
		updated=1
	fi
}

missing()
{
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

# Package lists are needed to resolve the ABI on a fresh machine.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -print -quit 2>/dev/null)" ]; then
	apt_update
fi

KERNELS=${KERNELS:-$(scripts/kernel.sh names)}
# A package test that upgrades to another kernel needs its headers and
# its image (the modules the upgrade installs; the reboot boots it) too.
hdr_kernels=$KERNELS
for k in $KERNELS; do
	hdr_kernels+=" $(scripts/kernel.sh upgrade "$k")"
done
for k in $(printf '%s\n' $hdr_kernels | awk '!seen[$0]++'); do
	read -r -a p < <(scripts/kernel.sh packages "$k")
	PKGS+=("${p[@]}")
done

mapfile -t todo < <(missing "${PKGS[@]}")
if [ "${#todo[@]}" -gt 0 ]; then
	echo "deps.sh: installing ${todo[*]}"
	# The lists may be stale (an ABI the archive dropped): update first.
	apt_update
	$SUDO apt-get install -y -qq --no-install-recommends "${todo[@]}"
fi

# The VM kernels (cached outside the clone).
for k in $(printf '%s\n' $hdr_kernels | awk '!seen[$0]++'); do
	$SUDO env ${KVER:+KVER="$KVER"} ${TCPSM_CACHE:+TCPSM_CACHE="$TCPSM_CACHE"} \
		scripts/kernel.sh env "$k" | sed -n "s/^KVER=/deps.sh: kernel $k: /p"
done
echo "deps.sh: ok"
