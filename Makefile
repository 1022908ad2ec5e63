# SPDX-License-Identifier: GPL-2.0
# tcpsm top-level Makefile.
#
#   make / make all   build kmod/tcpsm.ko and userspace/tcpsm
#   make tests        build the C selftests into build/tests/ (and build/ynl)
#   make uapi         regenerate include/uapi/linux/tcpsm.h from the spec
#   make check        deps + lint + build + the selftests in the VM, on every
#                     kernel of scripts/kernels/list (KERNELS="6.1" for one);
#                     ends with "N passed, N failed" over all of them
#   make vm-test      the selftests on one kernel (KERNEL=, default 6.1)
#   make vm           interactive shell in the VM, tcpsm.ko loaded (KERNEL=)
#   make demo         the VM with a traffic mix and `tcpsm top` on this
#                     terminal (needs one); q quits (scripts/demo.sh)
#   make bench        the benchmark in the VM: churn overhead, events/s,
#                     stats vs ss; prints a table (scripts/bench.sh)
#   make lint         checkpatch --strict, W=1 and sparse (C=2) builds
#   make install      module (+ depmod), CLI and man page under /usr/local
#   make deps         install packages and the VM kernel (scripts/deps.sh)
#   make clean
#
# KERNEL: a name from scripts/kernels/list (default: the first, Debian 6.1);
# KVER= pins its Debian ABI (default: resolved from the metapackage).
# KDIR: kernel build tree for make all / install (default: the running
# kernel's, else the Debian headers of KERNEL). The VM targets build the
# module against the VM kernel's own tree, in build/kernels/NAME/.

SHELL := /bin/bash
MAKEFLAGS += --no-print-directory
.SHELLFLAGS := -eo pipefail -c

# Resolved once, and only when used.
VM_KVER = $(eval VM_KVER := $$(shell $(CURDIR)/scripts/kernel.sh kver))$(VM_KVER)
VM_KDIR = /usr/src/linux-headers-$(VM_KVER)
HOST_KDIR := /lib/modules/$(shell uname -r)/build
KDIR ?= $(if $(wildcard $(HOST_KDIR)/Makefile),$(HOST_KDIR),$(VM_KDIR))

CHECKPATCH := build/checkpatch/checkpatch.pl
LINT_FILES = $(filter-out %.mod.c,$(wildcard kmod/*.c kmod/*.h))

.PHONY: all module cli tests kselftest ynl uapi check vm-test vm demo bench lint \
	checkpatch lint-w1 lint-sparse install deps clean

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
	$(MAKE) cli tests
	$(MAKE) -C userspace test
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
