# tests/kernel/: the teaching kernel (isa-toy/guests) booted on trapvisor's
# bare machine, each run checked against a transcript written by hand in
# tests/kernel/expected/ (cases.def lists the runs).
#
#   make test-kernel      (binary: build/tests/bin/kernel)
#
# krun.c (the process runner and the checks) is shared with tests/peer.

# Where the expectations and the build are, compiled into the binaries.
KTEST_DEFS := -DKRUN_ROOT='"$(CURDIR)"' -DKRUN_BUILD='"$(abspath $(B))"'
KTEST_SRCS := tests/kernel/kernel_test.c tests/kernel/verdict_test.c tests/kernel/krun.c
$(KTEST_SRCS:%.c=$(B)/%.o): CFLAGS += $(KTEST_DEFS)
$(KTEST_SRCS:%.c=$(B)/%.o): tests/kernel/module.mk

$(eval $(call criterion_test,kernel,$(KTEST_SRCS),$(B)/guests/kernel.elf))

# The PUSHF/POPF problem (issue 7): the legacy machine, bare, under the
# plain monitor (broken on purpose) and under binary translation.
LTEST_SRCS := tests/kernel/legacy_test.c tests/kernel/krun.c
$(B)/tests/kernel/legacy_test.o: CFLAGS += $(KTEST_DEFS)
$(eval $(call criterion_test,legacy,$(LTEST_SRCS),$(B)/guests/kernel.elf))

# Hardware assist (issue 8): every case under --mode=vt, nested and shadow
# paging, strict and legacy machine, equal to bare to the instruction; and
# which exits happen.
VTEST_SRCS := tests/kernel/vt_test.c tests/kernel/krun.c
$(B)/tests/kernel/vt_test.o: CFLAGS += $(KTEST_DEFS)
$(eval $(call criterion_test,vt,$(VTEST_SRCS),$(B)/guests/kernel.elf))

# Disks (issue 14): the kernel's virtio-blk driver and the disk program on
# a scratch image, in every mode, the image checked afterwards.
DTEST_SRCS := tests/kernel/disk_test.c tests/kernel/krun.c
$(B)/tests/kernel/disk_test.o: CFLAGS += $(KTEST_DEFS)
$(eval $(call criterion_test,disk,$(DTEST_SRCS),$(B)/guests/kernel.elf $(B)/guests/kernel-pv.elf))

# The network (issue 14): two VMs on the switch, ping and a UDP file
# transfer, in every mode that runs several VMs.
NTEST_SRCS := tests/kernel/net_test.c tests/kernel/krun.c
$(B)/tests/kernel/net_test.o: CFLAGS += $(KTEST_DEFS)
$(eval $(call criterion_test,net,$(NTEST_SRCS),$(B)/guests/kernel.elf $(B)/guests/kernel-pv.elf))

# The reference engine.  On x86-64 the translating engine (isa-toy/jit*.c)
# is the default, so test-kernel, test-cpu and test-diff above run
# translated code; this runs the same three once more on the interpreter,
# so the whole kernel suite (transcripts and instruction counts) passes
# under both engines.  (tests/cpu/jit_test.c compares the two directly.)
test-interp: $(B)/tests/bin/kernel $(B)/tests/bin/cpu $(B)/tests/bin/diff $(B)/trapvisor
	$(Q)for t in kernel cpu diff; do \
		TRAPVISOR_ENGINE=interp $(B)/tests/bin/$$t --jobs=2 --short-filename || exit 1; \
	done
	@echo "test-interp: kernel, cpu and diff passed on the interpreter"
TEST_TARGETS += test-interp
