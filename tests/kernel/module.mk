# tests/kernel/: the teaching kernel (isa-toy/guests) booted on trapvisor's
# bare machine, each run checked against a transcript written by hand in
# tests/kernel/expected/ (cases.def lists the runs).
#
#   make test-kernel      (binary: build/tests/bin/kernel)
#
# krun.c (the process runner and the checks) is shared with tests/peer.

KTEST_DEFS := -DKRUN_ROOT='"$(CURDIR)"' -DKRUN_BUILD='"$(abspath $(B))"'
$(B)/tests/kernel/krun.o $(B)/tests/kernel/kernel_test.o: CFLAGS += $(KTEST_DEFS)
$(B)/tests/kernel/krun.o $(B)/tests/kernel/kernel_test.o: tests/kernel/module.mk

$(eval $(call criterion_test,kernel,tests/kernel/kernel_test.c tests/kernel/krun.c,\
	$(B)/guests/kernel.elf))
