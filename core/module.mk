# core/: the monitor and the command line.
TV_MAIN := core/main.c
TV_SRCS += $(filter-out core/main.c,$(wildcard core/*.c))
