# tests/compare/: `trapvisor bench modes`, the software-versus-hardware
# comparison (issue 8) -- its counts per iteration checked against what
# the microbenchmarks' code implies (never its times), its options, its
# CSV, its SVG chart (xmllint) and its 2D-walk line.
#
#   make test-compare      (binary: build/tests/bin/compare)
#
# krun.c (the process runner) comes from tests/kernel.

CMPTEST_DEFS := -DKRUN_ROOT='"$(CURDIR)"' -DKRUN_BUILD='"$(abspath $(B))"'
CMPTEST_SRCS := tests/compare/cmp.c tests/compare/kinds_test.c tests/compare/options_test.c \
                tests/compare/disks_test.c
$(CMPTEST_SRCS:%.c=$(B)/%.o): CFLAGS += $(CMPTEST_DEFS)
$(CMPTEST_SRCS:%.c=$(B)/%.o): tests/compare/module.mk

$(eval $(call criterion_test,compare,$(CMPTEST_SRCS) tests/kernel/krun.c,$(B)/guests/kernel.elf $(B)/guests/kernel-pv.elf))
