# SPDX-License-Identifier: GPL-2.0
# tcpsm top-level Makefile.
#
#   make / make all   build kmod/tcpsm.ko (for the running kernel, or KVER=)
#                     and userspace/tcpsm
#   make install      the module for the running kernel (KVER= another
#                     installed one) into /lib/modules/KVER/updates, depmod;
#                     the CLI, man page, bash completion, tcpsm-alert-syslog
#                     and the systemd unit under PREFIX (/usr/local);
#                     DESTDIR= stages it all. Stops, naming the package to
#                     install, when the kernel's headers are missing.
#   make uninstall    removes what make install put (same PREFIX, DESTDIR)
#   make deb          build/deb/tcpsm_V_ARCH.deb and tcpsm-dkms_V_all.deb
#                     (debhelper, DKMS), then lintian (scripts/deb.sh)
#   make version      print the version (scripts/version.sh)
#   make tests        build the C selftests into build/tests/ (and build/ynl)
#   make uapi         regenerate include/uapi/linux/tcpsm.h and kmod/tcpsm_nl.[ch]
#                     from the spec (ynl-gen-c.py)
#   make check        deps + lint + build + packages + the selftests in the
#                     VM, on every kernel of scripts/kernels/list
#                     (KERNELS="6.1" for one); ends with "N passed, N failed"
#   make vm-test      the selftests on one kernel (KERNEL=, default 6.1)
#   make vm           interactive shell in the VM, tcpsm.ko loaded (KERNEL=)
#   make demo         the VM with a traffic mix and `tcpsm top` on this
#                     terminal (needs one); q quits (scripts/demo.sh)
#   make bench        the benchmark in the VM: churn overhead, events/s,
#                     stats vs ss; prints a table (scripts/bench.sh)
#   make lint         checkpatch --strict, W=1 and sparse (C=2) builds
#   make deps         install packages and the VM kernel (scripts/deps.sh)
#   make clean
#
# KERNEL: a name from scripts/kernels/list (default: the first, Debian 6.1);
# KVER= pins its Debian ABI (default: resolved from the metapackage). The VM
# targets build the module against the VM kernel's own tree, in
# build/kernels/NAME/.

SHELL := /bin/bash
MAKEFLAGS += --no-print-directory
.SHELLFLAGS := -eo pipefail -c

# Resolved once, and only when used.
VM_KVER = $(eval VM_KVER := $$(shell $(CURDIR)/scripts/kernel.sh kver))$(VM_KVER)
VM_KDIR = /usr/src/linux-headers-$(VM_KVER)

# The one version, computed once (scripts/version.sh); VERSION= overrides.
ifeq ($(origin VERSION),undefined)
VERSION = $(eval VERSION := $$(shell $(CURDIR)/scripts/version.sh))$(VERSION)
endif

# make all / install: the running kernel, or the installed one named KVER=.
# Never another kernel's headers: a module for a kernel that is not
# running (or not named) would be installed in vain.
KREL := $(or $(KVER),$(shell uname -r))
KDIR ?= /lib/modules/$(KREL)/build

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
# Debian 12 keeps units in /lib/systemd/system; systemd also reads
# /usr/local/lib/systemd/system.
UNITDIR ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)
DKMSDIR  = /usr/src/tcpsm-$(VERSION)
INSTALL ?= install

CHECKPATCH := build/checkpatch/checkpatch.pl
# not the generated tcpsm_nl.[ch] (the kernel does not checkpatch its own either)
LINT_FILES = $(filter-out %.mod.c kmod/tcpsm_nl.%,$(wildcard kmod/*.c kmod/*.h))

.PHONY: all module cli tests kselftest ynl uapi check vm-test vm demo bench lint lint-contrib lint-spec \
	checkpatch lint-w1 lint-sparse install install-module install-cli \
	install-dkms uninstall deb version deps clean

all: module cli

module:
	@[ -r "$(KDIR)/Makefile" ] || { \
		echo "make: no headers for kernel $(KREL) ($(KDIR) is missing); install them: apt install linux-headers-$(KREL)" >&2; \
		exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) TCPSM_INJECT= TCPSM_VERSION=$(VERSION) modules

cli:
	$(MAKE) -C userspace VERSION=$(VERSION)

version:
	@echo $(VERSION)

kselftest:
	scripts/kselftest.sh build

tests: kselftest ynl
	$(MAKE) -C tests

# the kernel's YNL tools, from linux-source-6.12 (tests/spec_sync.sh)
ynl:
	scripts/ynl.sh

# Everything generated from the spec: the uapi header (with the spec's
# structs, which 6.12's generator leaves out: scripts/uapi-structs.py),
# and the kernel's policies, ops table and group enum (kmod/tcpsm_nl.[ch]);
# tests/spec_sync.sh
# fails when a checked-in copy differs from what this makes.
YNL_GEN = cd build/ynl && /usr/bin/python3 tools/net/ynl/ynl-gen-c.py \
	--spec Documentation/netlink/specs/tcpsm.yaml
uapi: ynl
	$(YNL_GEN) --mode uapi --header -o $(CURDIR)/include/uapi/linux/tcpsm.h
	scripts/uapi-structs.py Documentation/netlink/specs/tcpsm.yaml \
		include/uapi/linux/tcpsm.h
	$(YNL_GEN) --mode kernel --header -o $(CURDIR)/kmod/tcpsm_nl.h
	$(YNL_GEN) --mode kernel --source -o $(CURDIR)/kmod/tcpsm_nl.c

deps:
	scripts/deps.sh

# Sub-makes run in order; a fresh machine has nothing before deps.
check:
	scripts/deps.sh
	$(MAKE) lint
	$(MAKE) cli tests
	$(MAKE) -C userspace test
	$(MAKE) deb
	tests/install.sh
	scripts/check-kernels.sh $(KERNELS)

# Selftests in the VM on one kernel; TAP and logs in build/vm/$(VM_KERNEL)/.
VM_KERNEL = $(or $(KERNEL),$(shell scripts/kernel.sh names | head -n1))

vm-test: cli tests
	scripts/check-kernels.sh $(VM_KERNEL)

vm: cli
	TCPSM_KO=$$(scripts/module.sh $(VM_KERNEL)) KERNEL=$(VM_KERNEL) scripts/vm.sh shell

# Interactive: fails at once without a terminal, before installing or building.
demo:
	@[ -t 0 ] && [ -t 1 ] || { echo "make demo: needs a terminal (tcpsm top runs full screen in the VM)" >&2; exit 1; }
	KERNELS=$(VM_KERNEL) scripts/deps.sh
	$(MAKE) cli tests
	KERNEL=$(VM_KERNEL) scripts/demo.sh

# A missed target is reported, not an error; the table is in build/bench/table.
bench:
	KERNELS=$(VM_KERNEL) scripts/deps.sh
	$(MAKE) cli tests
	KERNEL=$(VM_KERNEL) scripts/bench.sh

lint: checkpatch lint-w1 lint-sparse lint-contrib lint-spec

# the generated uapi header and netlink glue are what the spec makes
# (the VM half of tests/spec_sync.sh checks the kernel against the spec)
lint-spec: ynl
	tests/spec_sync.sh gen

# the shipped Prometheus rules and Grafana dashboard (promtool, jq)
lint-contrib:
	scripts/contrib-check.sh

checkpatch: kselftest
	$(CHECKPATCH) --no-tree --strict --terse --show-types -f $(LINT_FILES)

# Both also build the bench's test variant (kmod/tcpsm_inject.c) in its own
# tree, build/kernels/KERNEL-inject (scripts/module.sh --inject): it is
# never in kmod/tcpsm.ko.
lint-w1:
	@mkdir -p build
	$(MAKE) -C $(VM_KDIR) M=$(CURDIR) TCPSM_INJECT= W=1 modules 2>&1 | tee build/lint-w1.log
	@! grep -iE 'warning:|error:' build/lint-w1.log
	scripts/module.sh --inject $(VM_KERNEL)

# The one diagnostic lint lets pass: before 6.2 struct nla_policy points to
# a non-const range, and the generated policy's ranges are const (6.2 made
# the pointer const); gcc is told the same in kmod/Kbuild.
SPARSE_KNOWN = tcpsm_nl\.c:[0-9]+:[0-9]+: warning: incorrect type in initializer \(different modifiers\)

lint-sparse:
	@mkdir -p build
	$(MAKE) -C $(VM_KDIR) M=$(CURDIR) TCPSM_INJECT= C=2 modules 2>&1 | tee build/lint-sparse.log
	@! grep -iE 'warning:|error:' build/lint-sparse.log | grep -vE '$(SPARSE_KNOWN)'
	scripts/module.sh --inject $(VM_KERNEL) > /dev/null
	$(MAKE) -C $(VM_KDIR) M=$(CURDIR)/build/kernels/$(VM_KERNEL)-inject/src TCPSM_INJECT=y W=1 C=2 \
		TCPSM_VERSION="$$(scripts/version.sh)" modules 2>&1 | \
		tee build/lint-sparse-inject.log
	@! grep -iE 'warning:|error:' build/lint-sparse-inject.log | grep -vE '$(SPARSE_KNOWN)'

# What the tcpsm package ships, and what tcpsm-dkms ships, are these two
# targets with PREFIX=/usr (debian/rules); tests/install.sh compares.
install: install-module install-cli

# The module goes where out-of-tree modules go, updates/ (DKMS uses
# updates/dkms/); depmod only on a live root, not a staging DESTDIR.
install-module: module
	rel=$$(sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h) && \
	$(INSTALL) -D -m 0644 kmod/tcpsm.ko $(DESTDIR)/lib/modules/$$rel/updates/tcpsm.ko && \
	if [ -z "$(DESTDIR)" ]; then depmod -a $$rel; fi

install-cli: cli
	$(MAKE) -C userspace install PREFIX=$(PREFIX) BINDIR=$(BINDIR) DESTDIR=$(DESTDIR) VERSION=$(VERSION)
	$(INSTALL) -D -m 0755 scripts/tcpsm-alert-syslog $(DESTDIR)$(BINDIR)/tcpsm-alert-syslog
	$(INSTALL) -d $(DESTDIR)$(UNITDIR)
	$(INSTALL) -D -m 0644 contrib/prometheus/tcpsm.rules.yml $(DESTDIR)$(PREFIX)/share/tcpsm/prometheus/tcpsm.rules.yml
	$(INSTALL) -D -m 0644 contrib/grafana/tcpsm.json $(DESTDIR)$(PREFIX)/share/tcpsm/grafana/tcpsm.json
	for u in tcpsm-alerts tcpsm-exporter; do \
		sed 's|@BINDIR@|$(BINDIR)|g' systemd/$$u.service.in > $(DESTDIR)$(UNITDIR)/$$u.service && \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$$u.service || exit 1; \
	done

# The DKMS source tree: the module's sources (not the bench's test-only
# kmod/tcpsm_inject.c), its one UAPI header, and the
# full version written into VERSION and dkms.conf. The modules-load.d
# snippet is shipped commented out: loading at boot is the operator's call.
install-dkms:
	$(INSTALL) -d $(DESTDIR)$(DKMSDIR)/kmod $(DESTDIR)$(DKMSDIR)/include/uapi/linux $(DESTDIR)$(DKMSDIR)/scripts
	$(INSTALL) -m 0644 Kbuild $(DESTDIR)$(DKMSDIR)/
	$(INSTALL) -m 0644 kmod/Kbuild $(filter-out %.mod.c kmod/tcpsm_inject.c,$(wildcard kmod/*.[ch])) $(DESTDIR)$(DKMSDIR)/kmod/
	$(INSTALL) -m 0644 include/uapi/linux/tcpsm.h $(DESTDIR)$(DKMSDIR)/include/uapi/linux/
	$(INSTALL) -m 0755 scripts/version.sh $(DESTDIR)$(DKMSDIR)/scripts/
	echo "$(VERSION)" > $(DESTDIR)$(DKMSDIR)/VERSION
	sed 's|^PACKAGE_VERSION=.*|PACKAGE_VERSION="$(VERSION)"|' dkms.conf > $(DESTDIR)$(DKMSDIR)/dkms.conf
	$(INSTALL) -D -m 0644 kmod/modules-load.conf $(DESTDIR)/etc/modules-load.d/tcpsm.conf

uninstall:
	rm -f $(DESTDIR)/lib/modules/$(KREL)/updates/tcpsm.ko
	if [ -z "$(DESTDIR)" ] && [ -d /lib/modules/$(KREL) ]; then depmod -a $(KREL); fi
	$(MAKE) -C userspace uninstall PREFIX=$(PREFIX) BINDIR=$(BINDIR) DESTDIR=$(DESTDIR)
	rm -f $(DESTDIR)$(BINDIR)/tcpsm-alert-syslog $(DESTDIR)$(UNITDIR)/tcpsm-alerts.service \
		$(DESTDIR)$(UNITDIR)/tcpsm-exporter.service \
		$(DESTDIR)$(PREFIX)/share/tcpsm/prometheus/tcpsm.rules.yml \
		$(DESTDIR)$(PREFIX)/share/tcpsm/grafana/tcpsm.json

deb:
	scripts/deb.sh

clean:
	if [ -d $(KDIR) ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	$(MAKE) -C userspace clean
	$(MAKE) -C tests clean
	rm -rf build
