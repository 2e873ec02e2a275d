/*
 * progs.h -- the user programs built into the kernel image (progs.S
 * includes each ELF file with .incbin; user/programs.def lists them).
 */
#ifndef KERNEL_PROGS_H
#define KERNEL_PROGS_H

#include "kernel/types.h"

struct prog {
	const char *name;
	const uint8_t *start, *end; /* the ELF file's bytes */
};

/* progs_find: the program called `name`, or NULL. */
const struct prog *progs_find(const char *name);

#endif
