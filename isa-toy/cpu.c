/*
 * cpu.c -- creating a hart and the outer run loop.
 *
 * cpu_run alternates between two things: checking for interrupts (and
 * waiting in wfi), and running a block of instructions in the hot loop
 * (cpu_exec.c).  A block never runs past the next timer deadline, so a
 * timer interrupt is taken on exactly the right instruction.
 */
#include "isa-toy/cpu.h"

#include "isa-toy/jit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cpu_init(struct cpu *cpu, uint8_t *ram, uint32_t ram_base, uint32_t ram_size, struct bus *bus)
{
	memset(cpu, 0, sizeof(*cpu));
	cpu->ram = ram;
	cpu->ram_base = ram_base;
	cpu->ram_size = ram_size;
	cpu->bus = bus;
	cpu->code = calloc((ram_size + 4095) / 4096, sizeof(*cpu->code));
	if (!cpu->code) {
		fprintf(stderr, "trapvisor: no memory for the decode cache\n");
		return -1;
	}
	/* Root operation's TLB set (tag 0). */
	if (mmu_select_tag(cpu, 0)) {
		fprintf(stderr, "trapvisor: no memory for the TLB\n");
		free(cpu->code);
		cpu->code = NULL;
		return -1;
	}
	/* The engine: if the translation cache cannot be had, interpret. */
	if (cpu_engine_default() == CPU_ENGINE_JIT)
		(void)jit_create(cpu);
	return 0;
}

void cpu_exec_block(struct cpu *cpu, uint64_t budget)
{
	if (cpu->jit)
		jit_exec_block(cpu, budget);
	else
		cpu_interp_block(cpu, budget);
}

void cpu_destroy(struct cpu *cpu)
{
	jit_destroy(cpu);
	if (!cpu->code)
		return;
	for (uint32_t i = 0; i < (cpu->ram_size + 4095) / 4096; i++)
		free(cpu->code[i]);
	free(cpu->code);
	cpu->code = NULL;
	for (int t = 0; t < TLB_TAGS; t++) {
		free(cpu->tlb_sets[t]);
		cpu->tlb_sets[t] = NULL;
	}
}

/* The hardware's side effects of CSR writes: translations depend on satp
 * and on sstatus.SUM/MXR, and the TLB caches them, so forget them. */
void cpu_csr_changed(void *ctx, unsigned csr, uint32_t old)
{
	struct cpu *cpu = ctx;
	if (csr == CSR_satp ||
	    (csr == CSR_sstatus && ((old ^ cpu->csr.sstatus) & (SSTATUS_SUM | SSTATUS_MXR))))
		mmu_flush(cpu);
}

void cpu_reset(struct cpu *cpu, uint32_t pc, uint32_t a1)
{
	memset(cpu->x, 0, sizeof(cpu->x));
	cpu->x[10] = 0;	 /* a0: hart id */
	cpu->x[11] = a1; /* a1: device tree */
	cpu->pc = pc;
	csr_reset(&cpu->csr);
	cpu->csr.changed = cpu_csr_changed;
	cpu->csr.ctx = cpu;
	cpu->resv_valid = false;
	cpu->halted = cpu->wfi = cpu->trap_stop = false;
	mmu_flush(cpu);
}

void cpu_set_irq(void *opaque, int irq, int level)
{
	struct cpu *cpu = opaque;
	if (irq == IRQ_sei)
		cpu->csr.seip = level != 0;
	cpu->exit_request = true;
}

enum cpu_stop cpu_run(struct cpu *cpu, uint64_t max_insns)
{
	uint64_t end = csr_progress(&cpu->csr) + max_insns;
	if (end < max_insns)
		end = UINT64_MAX;

	while (!cpu->halted) {
		cpu->exit_request = false;
		cpu_check_interrupts(cpu);
		if (cpu->trap_stop)
			return CPU_STOP_TRAP;
		if (cpu->wfi) {
			if (!csr_idle_to_timer(&cpu->csr))
				return CPU_STOP_WFI;
			continue;
		}
		if (csr_progress(&cpu->csr) >= end)
			return CPU_STOP_LIMIT;

		/* Run up to the budget, but stop at the timer deadline when a
		 * timer interrupt could be taken there. */
		uint64_t budget = end - csr_progress(&cpu->csr);
		if (csr_timer_can_fire(&cpu->csr)) {
			uint64_t t = csr_cycles_to_timer(&cpu->csr);
			if (t < budget)
				budget = t ? t : 1;
		}
		if (budget > (1ull << 40))
			budget = 1ull << 40;
		cpu_exec_block(cpu, budget);
		if (cpu->trap_stop)
			return CPU_STOP_TRAP;
	}
	return CPU_STOP_HALT;
}
