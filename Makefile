# SPDX-License-Identifier: GPL-2.0
#
# vhv top-level Makefile.
#
#   make              modules for every target kernel installed, userspace, test VMM
#   make KVER=x       modules for one kernel release (KDIR=path for a kernel tree)
#   make setup        install what the project needs (root, Debian archive only)
#   make check        setup, build, host unit tests, then one VM boot per kernel
#   make check-debug  the in-guest suites on debug kernels (lockdep, KASAN, kmemleak)
#   make check-debug-planted  proof that check-debug sees planted bugs
#   make demo         setup, build, boot 6.1 and show what vhv does
#   make bench        benchmarks (ratios against peers in the same boot)
#   make debug        modules built with -DDEBUG (create/destroy lines)
#   make deb          Debian packages vhv-dkms and vhvstat into build/deb/
#   make install      modules into /lib/modules/<kver>/extra (depmod), tools
#                     into /usr/local (KVER=$(uname -r) for this host only;
#                     DESTDIR=dir to stage)

SHELL := /bin/bash
TOP := $(CURDIR)
BUILD := $(TOP)/build

# Target kernels: Debian 12's 6.1 and 6.12 lines when their headers are
# installed, plus the running kernel when its headers are (a real KVM host).
# PREEMPT_RT kernels (-rt-amd64) are left out: vhv refuses them (see
# Documentation/vhv/admin-guide.rst, "Kernels").
ifeq ($(origin KVER),undefined)
KVERS := $(sort $(filter-out %-rt-amd64,$(notdir $(patsubst %/build,%,$(wildcard \
	/lib/modules/6.1.*-amd64/build /lib/modules/6.12.*-amd64/build \
	/lib/modules/$(shell uname -r)/build)))))
else
KVERS := $(KVER)
endif
kdir = $(if $(KDIR),$(KDIR),/lib/modules/$(1)/build)

USERSPACE := bpf userspace/vhvstat userspace/vswctl userspace/vtpmctl tools/testing/vmm \
	tools/testing/bench tools/testing/vtpm-sim \
	tools/testing/selftests/vswitch

.PHONY: all modules userspace setup check check-debug check-debug-planted unit \
	demo bench debug clean help install deb \
	$(addprefix modules-,$(KVERS)) $(addprefix install-,$(KVERS))

all: modules userspace

help:
	@sed -n '3,18s/^# \{0,1\}//p' Makefile

modules: $(addprefix modules-,$(KVERS))
	@[ -n "$(KVERS)" ] || { echo "no kernel headers found: run 'make setup'" >&2; exit 1; }

# kbuild writes objects beside the sources, so each kernel gets a tree of
# symlinks under build/<kver>/ and builds there.
$(addprefix modules-,$(KVERS)): modules-%:
	@mkdir -p $(BUILD)/$*
	@cp -rsf $(TOP)/Kbuild $(TOP)/kmod $(wildcard $(TOP)/include) $(BUILD)/$*/
	$(MAKE) -C $(call kdir,$*) M=$(BUILD)/$* W=1 $(if $(VHV_DEBUG),VHV_DEBUG=y) modules

debug:
	$(MAKE) VHV_DEBUG=y modules

# kbuild's modules_install into extra/ of the kernel's module tree,
# unsigned (Debian's headers have no signing key: sign them with your MOK
# under Secure Boot), then depmod (kbuild skips it without a System.map),
# so that modprobe finds vhv, vswitch and vtpm; with DESTDIR, no depmod.
install: $(addprefix install-,$(KVERS))
	@for d in userspace/vhvstat userspace/vswctl userspace/vtpmctl; do $(MAKE) -C $$d install || exit 1; done

$(addprefix install-,$(KVERS)): install-%: modules-%
	$(MAKE) -C $(call kdir,$*) M=$(BUILD)/$* INSTALL_MOD_DIR=extra \
		CONFIG_MODULE_SIG_ALL= $(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR)) \
		modules_install 2>&1 | grep -v "missing 'System.map'"; \
		exit $${PIPESTATUS[0]}
	$(if $(DESTDIR),@echo "DESTDIR: depmod $* is for the package's install",depmod $*)

userspace:
	@for d in $(USERSPACE); do $(MAKE) -C $$d || exit 1; done

deb:
	@tools/packaging/deb.sh

setup:
	@tools/setup.sh

unit: userspace
	@tools/testing/selftests/run-unit.sh

check: setup
	@$(MAKE) -s all deb
	@KVERS="$(KVERS)" tools/testing/selftests/run.sh

# Debug kernels are built once and cached (tools/testing/debug-kernel/).
check-debug:
	@tools/testing/debug-kernel/check-debug.sh

check-debug-planted:
	@tools/testing/debug-kernel/planted.sh

demo: setup
	@$(MAKE) -s all
	@tools/testing/demo/demo.sh

bench: setup
	@$(MAKE) -s all
	@KVERS="$(KVERS)" tools/testing/bench/run.sh

clean:
	rm -rf $(BUILD)
	@for d in $(USERSPACE); do $(MAKE) -C $$d clean; done
