# tests/viz: the debugger (batch and curses under tmux), the drawings and
# the GDB stub, each against the real tools (nm, libcgraph, gdb-multiarch).
VIZ_T_COMMON  := tests/viz/util.c tests/guest/runner.c
VIZ_T_PREREQS := $(B)/guests/kernel.elf $(B)/tests/viz/locals.elf
# The drawing tests read .dot files back with libcgraph.
LDLIBS += $(shell pkg-config --libs libcgraph 2>/dev/null || echo -lcgraph -lcdt)
$(B)/tests/viz/dot_test.o: CFLAGS += $(shell pkg-config --cflags libcgraph 2>/dev/null)
$(eval $(call criterion_test,viz,$(wildcard tests/viz/*_test.c) $(VIZ_T_COMMON),$(VIZ_T_PREREQS)))

# A guest with local labels (locals.c, locals_twin.S), built like the
# one-feature guests of tests/guest.
VIZ_T_LOCALS := $(B)/tests/viz/locals.elf
$(VIZ_T_LOCALS): tests/viz/guests/locals.c tests/viz/guests/locals_twin.S \
		 tests/guest/crt0.S tests/guest/rt.c tests/guest/rt.h tests/guest/link.ld
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  RVCC    $@")
	$(Q)$(RV_CC) $(RV_CFLAGS) -MF $@.d -I. $(RV_LDFLAGS) -Wl,--no-warn-rwx-segments \
		-T tests/guest/link.ld -o $@ tests/guest/crt0.S tests/guest/rt.c \
		tests/viz/guests/locals.c tests/viz/guests/locals_twin.S
