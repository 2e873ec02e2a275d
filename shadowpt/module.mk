# shadowpt/: memory virtualization -- machine frames, the P->R map,
# shadow page tables.
TV_SRCS += $(wildcard shadowpt/*.c)
