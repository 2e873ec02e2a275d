# tests/viz: the debugger (batch and curses under tmux), the drawings and
# the GDB stub, each against the real tools (nm, libcgraph, gdb-multiarch).
VIZ_T_COMMON := tests/viz/util.c tests/guest/runner.c
VIZ_T_PREREQS := $(B)/guests/kernel.elf
$(B)/tests/viz/dot_test.o: CFLAGS += $(VIZ_GVC_CFLAGS)
$(eval $(call criterion_test,viz,$(wildcard tests/viz/*_test.c) $(VIZ_T_COMMON),$(VIZ_T_PREREQS)))
