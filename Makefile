# SPDX-License-Identifier: GPL-2.0
# tcpsm top-level Makefile.
#
#   make / make all   build kmod/tcpsm.ko and userspace/tcpsm
#   make tests        build the C selftests into build/tests/ (and build/ynl)
#   make uapi         regenerate include/uapi/linux/tcpsm.h from the spec
#   make check        deps + lint + build + selftests in the VM;
#                     ends with "N passed, N failed"
#   make vm           interactive shell in the VM, tcpsm.ko loaded
#   make lint         checkpatch --strict, W=1 and sparse (C=2) builds
#   make install      module (+ depmod), CLI and man page under /usr/local
#   make deps         install packages and the VM kernel (scripts/deps.sh)
#   make clean
#
# KVER: Debian kernel ABI of the VM (default: what linux-image-amd64 points
# at, resolved by scripts/kernel.sh). KDIR: kernel build tree for make all /
# install (default: the running kernel's, else the Debian headers of KVER).
# check, lint and vm always build against /usr/src/linux-headers-$(KVER), the
# tree matching the VM kernel.

SHELL := /bin/bash
MAKEFLAGS += --no-print-directory
.SHELLFLAGS := -eo pipefail -c

# Resolved once, and only when used.
ifeq ($(origin KVER),undefined)
KVER = $(eval KVER := $$(shell $(CURDIR)/scripts/kernel.sh kver))$(KVER)
endif
VM_KDIR = /usr/src/linux-headers-$(KVER)
HOST_KDIR := /lib/modules/$(shell uname -r)/build
KDIR ?= $(if $(wildcard $(HOST_KDIR)/Makefile),$(HOST_KDIR),$(VM_KDIR))

CHECKPATCH := build/checkpatch/checkpatch.pl
LINT_FILES = $(filter-out %.mod.c,$(wildcard kmod/*.c kmod/*.h))

.PHONY: all module cli tests kselftest ynl uapi check vm-test vm lint checkpatch \
	lint-w1 lint-sparse install deps clean

all: module cli

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

cli:
	$(MAKE) -C userspace

kselftest:
	scripts/kselftest.sh build

tests: kselftest ynl
	$(MAKE) -C tests

# the kernel's YNL tools, from linux-source-6.12 (tests/spec_sync.sh)
ynl:
	scripts/ynl.sh

uapi: ynl
	cd build/ynl && /usr/bin/python3 tools/net/ynl/ynl-gen-c.py --mode uapi \
		--header --spec Documentation/netlink/specs/tcpsm.yaml \
		-o $(CURDIR)/include/uapi/linux/tcpsm.h

deps:
	scripts/deps.sh

# Sub-makes run in order; a fresh machine has nothing before deps.
check:
	scripts/deps.sh
	$(MAKE) lint
	$(MAKE) all tests KDIR=$(VM_KDIR)
	$(MAKE) -C userspace test
	$(MAKE) vm-test

# Selftests in the VM; the TAP is in build/vm/tap, the logs in build/vm/.
vm-test:
	rc=0; KVER=$(KVER) scripts/vm.sh run tests/run.sh || rc=$$?; \
	scripts/tap-summary.sh build/vm/tap $$rc

vm:
	$(MAKE) all KDIR=$(VM_KDIR)
	KVER=$(KVER) scripts/vm.sh shell

lint: checkpatch lint-w1 lint-sparse

checkpatch: kselftest
	$(CHECKPATCH) --no-tree --strict --terse --show-types -f $(LINT_FILES)

lint-w1:
	@mkdir -p build
	$(MAKE) -C $(VM_KDIR) M=$(CURDIR) W=1 modules 2>&1 | tee build/lint-w1.log
	@! grep -iE 'warning:|error:' build/lint-w1.log

lint-sparse:
	@mkdir -p build
	$(MAKE) -C $(VM_KDIR) M=$(CURDIR) C=2 modules 2>&1 | tee build/lint-sparse.log
	@! grep -iE 'warning:|error:' build/lint-sparse.log

install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) -a $$(sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h)
	$(MAKE) -C userspace install PREFIX=/usr/local

clean:
	if [ -d $(KDIR) ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	$(MAKE) -C userspace clean
	$(MAKE) -C tests clean
	rm -rf build
