/*
 * machine.c -- assembling and running the bare board (machine.h).
 */
#include "isa-toy/machine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa-toy/board.h"
#include "isa-toy/ram.h"

static int machine_read_phys(void *owner, uint64_t pa, void *buf, uint32_t len)
{
	struct machine *m = owner;
	uint8_t *p = mmu_ram_ptr(&m->cpu, pa, len);
	if (!p)
		return -1;
	memcpy(buf, p, len);
	return 0;
}

static int machine_write_phys(void *owner, uint64_t pa, const void *buf, uint32_t len)
{
	struct machine *m = owner;
	uint8_t *p = mmu_ram_ptr(&m->cpu, pa, len);
	if (!p)
		return -1;
	memcpy(p, buf, len);
	cpu_code_written(&m->cpu, pa, len); /* it may have been code */
	return 0;
}

static void machine_set_timer(void *owner, uint64_t when)
{
	struct machine *m = owner;
	m->cpu.csr.stimecmp = when;
}

static void machine_set_seip(void *owner, int level)
{
	struct machine *m = owner;
	cpu_set_irq(&m->cpu, IRQ_sei, level);
}

static void machine_halt(void *owner)
{
	struct machine *m = owner;
	m->cpu.halted = true; /* cpu_run returns after this instruction */
}

static const struct platform_ops machine_platform_ops = {
	machine_read_phys, machine_write_phys, machine_set_timer, machine_set_seip, machine_halt,
};

/* The DMA engine's "IOMMU" on the bare board: there is one machine, so
 * guest physical is machine physical, and only RAM translates. */
static uint8_t *machine_dma_translate(void *ctx, uint64_t addr, uint32_t len)
{
	struct machine *m = ctx;
	return mmu_ram_ptr(&m->cpu, addr, len);
}

static void machine_dma_written(void *ctx, uint64_t addr, uint32_t len)
{
	struct machine *m = ctx;
	cpu_code_written(&m->cpu, addr, len); /* it may have been code */
}

/* The firmware: S-mode ecalls go to the platform's SBI. */
static int machine_ecall(struct cpu *cpu, void *ctx)
{
	struct machine *m = ctx;
	return platform_sbi(&m->plat, cpu->x);
}

int machine_create(struct machine *m, const struct machine_config *cfg)
{
	memset(m, 0, sizeof(*m));
	m->cfg = *cfg;
	m->ram = ram_reserve(cfg->ram_size); /* zero, backed on first touch */
	if (!m->ram)
		return -1;
	if (platform_init(&m->plat, &machine_platform_ops, m, cfg->output, cfg->output_ctx,
			  cfg->input_fd))
		goto out_ram;
	if (platform_add_disks(&m->plat, cfg->disks, cfg->ndisks))
		goto out_plat;
	/* The hart's bus is the platform's: MMIO goes straight to devices. */
	if (cpu_init(&m->cpu, m->ram, BOARD_RAM_BASE, cfg->ram_size, &m->plat.bus))
		goto out_plat;
	m->cpu.ecall_s = machine_ecall;
	m->cpu.ecall_ctx = m;
	if (cfg->dma) {
		if (platform_add_dma(&m->plat, m->dma_regs, machine_dma_translate, m))
			goto out_cpu;
		m->plat.dma.written = machine_dma_written;
	}
	/* No ELF: a machine being resumed (core/state.c), whose RAM will
	 * hold the guest and its device tree as they were. */
	if (cfg->elf_path && platform_load(&m->plat, cfg->elf_path, cfg->ram_size, cfg->bootargs,
					   &m->elf, &m->fdt_addr))
		goto out_cpu;
	cpu_reset(&m->cpu, m->elf.entry, m->fdt_addr);
	m->cpu.csr.legacy = cfg->legacy;
	return 0;

out_cpu:
	cpu_destroy(&m->cpu);
out_plat:
	platform_destroy(&m->plat);
out_ram:
	ram_release(m->ram, m->cfg.ram_size);
	m->ram = NULL;
	return -1;
}

void machine_destroy(struct machine *m)
{
	elf_image_free(&m->elf);
	cpu_destroy(&m->cpu);
	platform_destroy(&m->plat);
	ram_release(m->ram, m->cfg.ram_size);
	m->ram = NULL;
}

enum machine_end machine_run(struct machine *m, uint64_t max_insns)
{
	uint64_t end = max_insns ? csr_progress(&m->cpu.csr) + max_insns : UINT64_MAX;

	for (;;) {
		uint64_t left = end - csr_progress(&m->cpu.csr);
		uint64_t idle_before = m->cpu.csr.idle;
		enum cpu_stop stop =
		    cpu_run(&m->cpu, left < PLATFORM_SLICE ? left : PLATFORM_SLICE);

		if (m->plat.halted || m->cpu.halted) {
			m->cpu.halted = true;
			m->cpu.exit_code = m->plat.exit_code;
			fflush(stdout);
			return MACHINE_EXITED;
		}
		if (stop == CPU_STOP_WFI) {
			/* Only the console can wake the guest now: wait for it. */
			platform_poll_input(&m->plat, 0);
			if (platform_input_done(&m->plat)) {
				fflush(stdout);
				return MACHINE_STUCK;
			}
			platform_poll_input(&m->plat, 100);
			continue;
		}
		/* A guest that mostly idles in wfi waiting for its timer
		 * while the console could still speak: give the host a
		 * breather instead of spinning through virtual time. */
		bool idling = m->cpu.csr.idle - idle_before > PLATFORM_SLICE;
		platform_poll_input(&m->plat, idling && !m->plat.input_eof ? 1 : 0);
		if (csr_progress(&m->cpu.csr) >= end) {
			fflush(stdout);
			return MACHINE_LIMIT;
		}
	}
}
