# devices/: the bus and the device models.
TV_SRCS += $(wildcard devices/*.c)
