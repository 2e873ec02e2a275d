# tests/guest: tiny guest programs, one feature each (built for the bare
# board), and the Criterion table that runs them through `trapvisor run`.
GUEST_T_B     := $(B)/tests/guest
GUEST_T_PROGS := $(filter-out rt runner guest_test,$(basename $(notdir $(wildcard tests/guest/*.c))))
GUEST_T_ELFS  := $(GUEST_T_PROGS:%=$(GUEST_T_B)/%.elf)
GUEST_T_RT    := tests/guest/crt0.S tests/guest/rt.c

$(GUEST_T_B)/%.elf: tests/guest/%.c $(GUEST_T_RT) tests/guest/rt.h tests/guest/link.ld
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  RVCC    $@")
	$(Q)$(RV_CC) $(RV_CFLAGS) -MF $@.d -I. $(RV_LDFLAGS) -Wl,--no-warn-rwx-segments -T tests/guest/link.ld -o $@ \
		$(GUEST_T_RT) $<

$(eval $(call criterion_test,guest,tests/guest/guest_test.c tests/guest/runner.c,$(GUEST_T_ELFS)))
