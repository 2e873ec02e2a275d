# viz/: the inspectors -- curses debugger, Graphviz drawings, GDB stub.
# They link ncurses, readline and libgvc into trapvisor.
TV_SRCS += $(wildcard viz/*.c)
VIZ_GVC_CFLAGS := $(shell pkg-config --cflags libgvc 2>/dev/null)
VIZ_LIBS       := $(shell pkg-config --libs libgvc 2>/dev/null || echo -lgvc -lcgraph -lcdt) \
                  $(shell pkg-config --libs ncursesw 2>/dev/null || echo -lncursesw) -lreadline
LDLIBS += $(VIZ_LIBS)
# Only the Graphviz files see its headers (and their feature macros).
$(B)/viz/dot.o: CFLAGS += $(VIZ_GVC_CFLAGS)
