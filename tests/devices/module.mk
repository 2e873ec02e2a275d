# tests/devices/: Criterion unit tests of the device models (UART, PLIC,
# finisher, bus), the board's device tree and the ELF loader.
#
#   make test-devices        build and run them (binary: build/tests/bin/devices)

DEVTEST_DIR  := $(B)/tests/devices
# Guest ELFs the loader tests read, built by the RISC-V cross compiler.
# tiny.elf: the normal case.  `-Wl,-n` (no page alignment) keeps the ELF
# header out of the loaded segment: with -Ttext alone, ld maps the headers
# in a segment just *below* 0x80000000, which the loader rightly refuses
# (hdrseg.elf checks that it does).
DEVTEST_ELFS := $(DEVTEST_DIR)/tiny.elf $(DEVTEST_DIR)/hdrseg.elf $(DEVTEST_DIR)/far.elf
DEVTEST_RVLD := $(RV_ARCH) -nostdlib -static -Wl,--no-warn-rwx-segments

# The loader and device-tree sources come from libtrapvisor.a once the
# isa-toy module lists them; until then the test links them itself.
DEVTEST_SRCS := $(sort $(wildcard tests/devices/*_test.c)) \
                $(filter-out $(TV_SRCS),isa-toy/board_fdt.c isa-toy/elf_load.c)

$(DEVTEST_DIR)/tiny.elf: tests/devices/guests/tiny.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  RVCC    $@")
	$(Q)$(RV_CC) $(DEVTEST_RVLD) -Wl,-Ttext=0x80000000 -Wl,-n -o $@ $<

$(DEVTEST_DIR)/hdrseg.elf: tests/devices/guests/tiny.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  RVCC    $@")
	$(Q)$(RV_CC) $(DEVTEST_RVLD) -Wl,-Ttext=0x80000000 -o $@ $<

# Linked below RAM: every segment is outside it.
$(DEVTEST_DIR)/far.elf: tests/devices/guests/tiny.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  RVCC    $@")
	$(Q)$(RV_CC) $(DEVTEST_RVLD) -Wl,-Ttext=0x40000000 -Wl,-n -o $@ $<

$(eval $(call criterion_test,devices,$(DEVTEST_SRCS),$(DEVTEST_ELFS)))

# The ELF tests need the guests even when the binary is run by hand
# (order-only: they must not end up on the link line), and find them by
# an absolute path compiled in, so they run from any directory.
$(B)/tests/bin/devices: | $(DEVTEST_ELFS)
$(B)/tests/devices/elf_test.o: CFLAGS += -DDEVTEST_DIR='"$(abspath $(DEVTEST_DIR))"'
$(B)/tests/devices/virtio_vm_test.o: CFLAGS += -DDEVTEST_DIR='"$(abspath $(DEVTEST_DIR))"'
