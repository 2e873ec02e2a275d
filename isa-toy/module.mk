# isa-toy/: the TRV32 machine (instruction table, interpreter, MMU, board).
TV_SRCS += $(wildcard isa-toy/*.c)
# The interpreter's hot loop is worth the optimizer's best effort.
$(B)/isa-toy/cpu_exec.o: CFLAGS += -O3 -fno-gcse
