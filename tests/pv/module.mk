# tests/pv/: paravirtualization (--mode=pv) -- the PARAVIRT=1 teaching
# kernel on the pv monitor gives every transcript of tests/kernel, with far
# fewer traps than the strict kernel in trap mode; without the extension it
# stops at boot with a clear message; and the monitor's hypercalls refuse
# bad guest addresses with SBI errors.
#
#   make test-pv      (binary: build/tests/bin/pv)
#
# krun.c (the process runner and transcript checks) comes from tests/kernel.

PVTEST_DEFS := -DKRUN_ROOT='"$(CURDIR)"' -DKRUN_BUILD='"$(abspath $(B))"'
PVTEST_SRCS := tests/pv/pv_test.c tests/pv/hypercall_test.c
$(PVTEST_SRCS:%.c=$(B)/%.o): CFLAGS += $(PVTEST_DEFS)
$(PVTEST_SRCS:%.c=$(B)/%.o): tests/pv/module.mk

$(eval $(call criterion_test,pv,$(PVTEST_SRCS) tests/kernel/krun.c,$(B)/guests/kernel.elf $(B)/guests/kernel-pv.elf))
