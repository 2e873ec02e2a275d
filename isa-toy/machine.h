/*
 * machine.h -- the bare board put together: one TRV32 hart, RAM, the bus
 * with UART, PLIC and finisher, the firmware (SBI), the guest's ELF and
 * the device tree handed to it.  `trapvisor run --mode=bare` is this.
 */
#ifndef ISA_TOY_MACHINE_H
#define ISA_TOY_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/bus.h"
#include "devices/finisher.h"
#include "devices/plic.h"
#include "devices/uart16550.h"
#include "isa-toy/cpu.h"
#include "isa-toy/elf_load.h"
#include "isa-toy/sbi.h"

#define MACHINE_INPUT_BUF 4096

struct machine_config {
	uint32_t ram_size;      /* bytes, multiple of 4 KiB */
	const char *bootargs;   /* /chosen/bootargs, may be NULL */
	const char *elf_path;   /* the guest */
	int input_fd;           /* console input (stdin), -1 for none */
	/* Console output, one byte at a time; NULL = stdout. */
	void (*output)(void *ctx, uint8_t byte);
	void *output_ctx;
};

/* How a run ended. */
enum machine_end {
	MACHINE_EXITED,   /* finisher or SBI shutdown: see exit_code */
	MACHINE_LIMIT,    /* --max-insns reached */
	MACHINE_STUCK,    /* wfi with nothing left that could wake it */
};

struct machine {
	struct machine_config cfg;
	struct cpu cpu;
	struct bus bus;
	struct uart16550 uart;
	struct plic plic;
	struct finisher finisher;
	struct sbi_platform sbi;
	struct elf_image elf;
	uint8_t *ram;
	uint32_t fdt_addr, fdt_size;

	/* Console input waiting for the UART (or SBI getchar). */
	uint8_t input[MACHINE_INPUT_BUF];
	unsigned in_head, in_count;
	bool input_eof;
};

/* Build the board and load the guest.  Returns 0, or -1 after printing a
 * one-line message (bad ELF, no memory...). */
int machine_create(struct machine *m, const struct machine_config *cfg);
void machine_destroy(struct machine *m);

/* Run at most `max_insns` instructions (0 = no limit). */
enum machine_end machine_run(struct machine *m, uint64_t max_insns);

/* Copy from/to guest physical RAM: 0, or -1 if not all RAM. */
int machine_read_phys(struct machine *m, uint64_t pa, void *buf, uint32_t len);
int machine_write_phys(struct machine *m, uint64_t pa, const void *buf, uint32_t len);

#endif
