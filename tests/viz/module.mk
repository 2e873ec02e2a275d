# tests/viz: the debugger (batch and curses under tmux), the drawings and
# the GDB stub, each against the real tools (nm, libcgraph, gdb-multiarch).
VIZ_T_COMMON  := tests/viz/util.c tests/guest/runner.c
VIZ_T_PREREQS := $(B)/guests/kernel.elf
# The drawing tests read .dot files back with libcgraph.  (criterion_test
# expands LDLIBS when it is called, before viz/module.mk is read, so the
# library goes in here.)
LDLIBS += $(shell pkg-config --libs libcgraph 2>/dev/null || echo -lcgraph -lcdt)
$(B)/tests/viz/dot_test.o: CFLAGS += $(shell pkg-config --cflags libcgraph 2>/dev/null)
$(eval $(call criterion_test,viz,$(wildcard tests/viz/*_test.c) $(VIZ_T_COMMON),$(VIZ_T_PREREQS)))
