# tests/unit: host unit tests of the tables and the disassembler.
$(B)/tests/unit/all_insns.elf: tests/unit/all_insns.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  RVAS    $<")
	$(Q)$(RV_CC) $(RV_ARCH) -nostdlib -Wl,-N -Wl,-Ttext=0x80000000 -Wl,--no-warn-rwx-segments $< -o $@

$(eval $(call criterion_test,unit,$(wildcard tests/unit/*.c),$(B)/tests/unit/all_insns.elf $(B)/guests/kernel.elf))
