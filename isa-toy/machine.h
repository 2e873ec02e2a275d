/*
 * machine.h -- the bare board: one TRV32 hart on its RAM, with the
 * platform's devices and firmware.  `trapvisor run --mode=bare` is this.
 */
#ifndef ISA_TOY_MACHINE_H
#define ISA_TOY_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "isa-toy/cpu.h"
#include "isa-toy/elf_load.h"
#include "isa-toy/platform.h"

struct machine_config {
	uint32_t ram_size;	       /* bytes, multiple of 4 KiB */
	const char *bootargs;	       /* /chosen/bootargs, may be NULL */
	const char *elf_path;	       /* the guest; NULL: none (a resume) */
	int input_fd;		       /* console input (stdin), -1 for none */
	bool legacy;		       /* --isa=legacy */
	const struct disk_spec *disks; /* --disk, ndisks of them */
	int ndisks;
	/* The DMA copy engine on the board (`--assign dma,emulated`): its
	 * registers reached through the bus, its DMA into this RAM. */
	bool dma;
	/* Console output, one byte at a time; NULL = stdout. */
	void (*output)(void *ctx, uint8_t byte);
	void *output_ctx;
};

/* How a run ended. */
enum machine_end {
	MACHINE_EXITED, /* finisher or SBI shutdown: see exit_code */
	MACHINE_LIMIT,	/* --max-insns reached */
	MACHINE_STUCK,	/* wfi with nothing left that could wake it */
};

struct machine {
	struct machine_config cfg;
	struct cpu cpu;
	struct platform plat;
	struct elf_image elf;
	uint8_t *ram;
	uint32_t fdt_addr;
	uint32_t dma_regs[DMA_COPY_PAGE / 4]; /* the engine's register page */
};

/* Build the board and load the guest.  Returns 0, or -1 after printing a
 * one-line message (bad ELF, no memory...). */
int machine_create(struct machine *m, const struct machine_config *cfg);
void machine_destroy(struct machine *m);

/* Run at most `max_insns` instructions (0 = no limit). */
enum machine_end machine_run(struct machine *m, uint64_t max_insns);

#endif
