# tests/diff/: the differential test, trapvisor against qemu-riscv32.
#
#   make test-diff                       1,000 seeds (20 programs of 50 bodies)
#   make test-diff-trap                  the same under --mode=trap
#   DIFF_SEEDS=20000 make test-diff      more; DIFF_FIRST=S starts at seed S
#   DIFF_FIRST=1234 DIFF_SEEDS=1 make test-diff    one seed alone
#
# What is built here (in build/tests/diff/):
#   diffgen            host tool: seeded random RV32IMA bodies -> .S
#   start-{qemu,bare}.o, harness-{qemu,bare,bare-paged}.o
#                      the harness variants (guest code, cross-compiled);
#                      bare-paged turns Sv32 paging on before the bodies run
# The Criterion test build/tests/bin/diff generates, links and runs the
# programs at test time (see diff_test.c).

DIFF_B := $(B)/tests/diff

$(DIFF_B)/diffgen: tests/diff/gen.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(CC) $(CFLAGS) -o $@ $<

# The harness, once per peer: -DDIFF_PEER_QEMU or -DDIFF_PEER_BARE.
$(DIFF_B)/start-%.o: tests/diff/harness.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  RVAS    $@")
	$(Q)$(RV_CC) $(RV_CFLAGS) -DDIFF_PEER_$(shell echo $* | tr a-z A-Z) -c $< -o $@

$(DIFF_B)/harness-%.o: tests/diff/harness.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  RVCC    $@")
	$(Q)$(RV_CC) $(RV_CFLAGS) -DDIFF_PEER_$(shell echo $* | tr a-z A-Z) -c $< -o $@

# The bare board again, with Sv32 paging on (same start file).
$(DIFF_B)/harness-bare-paged.o: tests/diff/harness.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  RVCC    $@")
	$(Q)$(RV_CC) $(RV_CFLAGS) -DDIFF_PEER_BARE -DDIFF_PAGING -c $< -o $@

DIFF_GUEST_PARTS := $(foreach p,qemu bare,$(DIFF_B)/start-$(p).o $(DIFF_B)/harness-$(p).o) \
		    $(DIFF_B)/harness-bare-paged.o

# The test finds the harness, and writes its programs, in its own build.
$(B)/tests/diff/diff_test.o: CFLAGS += -DDIFF_DIR='"$(DIFF_B)"'

$(eval $(call criterion_test,diff,tests/diff/diff_test.c tests/diff/diff_proc.c,\
	$(DIFF_B)/diffgen $(DIFF_GUEST_PARTS) tests/diff/link.ld))

# The same 1,000 seeds under the trap-and-emulate monitor: random
# instruction streams must agree with qemu-riscv32 there too.
test-diff-trap: $(B)/tests/bin/diff $(B)/trapvisor
	$(Q)DIFF_MODE=trap $(B)/tests/bin/diff --jobs=2 --short-filename
TEST_TARGETS += test-diff-trap
