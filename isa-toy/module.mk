# isa-toy/: the TRV32 machine (instruction table, interpreter, MMU, board).
TV_SRCS += $(wildcard isa-toy/*.c)
# The interpreter's hot loop is worth the optimizer's best effort.
# -fno-gcse and -fno-crossjumping keep GCC from merging the handlers'
# indirect jumps back into one shared dispatch (which would defeat the
# point of threaded code); the param lets it copy each dispatch sequence.
$(B)/isa-toy/cpu_exec.o: CFLAGS += -O3 -fno-gcse -fno-crossjumping \
	--param max-goto-duplication-insns=100
