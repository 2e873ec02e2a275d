# tests/peer/: QEMU as an independent peer for the teaching kernel.
#
#   build/tests/peer/shim.elf      the M-mode boot shim (see shim/)
#   build/tests/peer/shim.pflash   it, as QEMU virt's 32 MiB flash bank 0
#   test-peer                      every program on QEMU, checked against
#                                  tests/kernel/expected/; the conformance
#                                  programs and the one-feature guests too

PEER_B      := $(B)/tests/peer
PEER_SHIM_OBJS := $(PEER_B)/shim/shim_entry.S.o $(PEER_B)/shim/shim_sbi.c.o

$(PEER_B)/shim/%.c.o: tests/peer/shim/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  RVCC    $<")
	$(Q)$(RV_CC) $(RV_CFLAGS) -c $< -o $@

$(PEER_B)/shim/%.S.o: tests/peer/shim/%.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  RVAS    $<")
	$(Q)$(RV_CC) $(RV_CFLAGS) -c $< -o $@

$(PEER_B)/shim.elf: $(PEER_SHIM_OBJS) tests/peer/shim/shim.ld
	@$(if $(Q),echo "  RVLD    $@")
	$(Q)$(RV_CC) $(RV_LDFLAGS) -T tests/peer/shim/shim.ld -o $@ $(PEER_SHIM_OBJS)

# QEMU wants a flash image of exactly the bank's size (32 MiB; sparse).
$(PEER_B)/shim.pflash: $(PEER_B)/shim.elf
	$(Q)$(RV_PREFIX)objcopy -O binary $< $@.tmp
	$(Q)truncate -s 32M $@.tmp && mv $@.tmp $@

ALL_TARGETS += $(PEER_B)/shim.pflash

# The Criterion test (krun.c comes from tests/kernel).
PEER_T_SRCS := tests/peer/peer_test.c tests/peer/peer_conf.c tests/peer/peer_guest.c
$(PEER_T_SRCS:%.c=$(B)/%.o): CFLAGS += $(KTEST_DEFS)
$(PEER_T_SRCS:%.c=$(B)/%.o): tests/peer/module.mk

# peer_conf.c runs the conformance programs (CONF_ELFS, tests/conf/module.mk),
# peer_guest.c the one-feature guests (GUEST_T_ELFS, tests/guest/module.mk).
$(eval $(call criterion_test,peer,$(PEER_T_SRCS) tests/kernel/krun.c,\
	$(B)/guests/kernel.elf $(PEER_B)/shim.pflash $(CONF_ELFS) $(GUEST_T_ELFS)))
