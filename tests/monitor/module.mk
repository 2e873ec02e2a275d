# tests/monitor: the trap-and-emulate monitor -- resource control under
# hostile guests, several VMs, the trace.
#
# tests/monitor/hostile/: targeted hostile guests, one attack each, built
# like the one-feature guests of tests/guest (same crt0, runtime and link
# script) plus their shared probes (hg.c); victim.c is the well-behaved VM
# that runs beside them.
HOSTILE_G_B     := $(B)/tests/monitor/hostile
HOSTILE_G_PROGS := $(filter-out hg,$(basename $(notdir $(wildcard tests/monitor/hostile/*.c))))
HOSTILE_G_ELFS  := $(HOSTILE_G_PROGS:%=$(HOSTILE_G_B)/%.elf)

$(HOSTILE_G_B)/%.elf: tests/monitor/hostile/%.c tests/monitor/hostile/hg.c tests/monitor/hostile/hg.h $(GUEST_T_RT) tests/guest/rt.h tests/guest/link.ld
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  RVCC    $@")
	$(Q)$(RV_CC) $(RV_CFLAGS) -MF $@.d -I. $(RV_LDFLAGS) -Wl,--no-warn-rwx-segments -T tests/guest/link.ld -o $@ \
		$(GUEST_T_RT) tests/monitor/hostile/hg.c $<

$(eval $(call criterion_test,monitor,$(wildcard tests/monitor/*.c) tests/guest/runner.c,$(B)/tests/guest/spin.elf $(B)/tests/guest/chatter.elf $(B)/tests/guest/trapstorm.elf $(B)/tests/guest/hello.elf $(B)/tests/guest/exit_code.elf $(B)/guests/kernel.elf $(B)/guests/kernel-pv.elf $(HOSTILE_G_ELFS)))
