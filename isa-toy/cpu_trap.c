/*
 * cpu_trap.c -- taking traps: exceptions and interrupts.
 *
 * What the hardware does on a trap into S-mode (privileged spec 4.1.1):
 *
 *   sepc    <- pc of the trapping instruction (or, for an interrupt, of
 *              the next instruction to run)
 *   scause  <- cause (bit 31 set for interrupts)
 *   stval   <- bad address / instruction bits / 0
 *   sstatus.SPP  <- the mode we were in
 *   sstatus.SPIE <- sstatus.SIE,   sstatus.SIE <- 0
 *   mode    <- S,   pc <- stvec (+ 4 * cause if vectored and interrupt)
 *
 * With cpu->host_traps set (the monitor's modes), none of this happens:
 * the trap is recorded in cpu->trap and cpu_run returns to the monitor,
 * which then decides -- exactly the "trap to the VMM" of the lecture.
 */
#include "isa-toy/cpu.h"

const char *cpu_cause_name(uint32_t cause)
{
	if (cause & CAUSE_INTERRUPT) {
		switch (cause & ~CAUSE_INTERRUPT) {
#define EXC(id, name, code)
#define IRQ(id, name, code) \
	case code:          \
		return name;
#include "isa-toy/traps.def"
#undef EXC
#undef IRQ
		}
	} else {
		switch (cause) {
#define EXC(id, name, code) \
	case code:          \
		return name;
#define IRQ(id, name, code)
#include "isa-toy/traps.def"
#undef EXC
#undef IRQ
		}
	}
	return "unknown";
}

/* Enter the S-mode handler for `cause`. */
static void cpu_trap_enter(struct cpu *cpu, uint32_t cause, uint32_t tval)
{
	cpu->resv_valid = false;
	if (cpu->host_traps) {
		cpu->trap = (struct cpu_trap){ cause, tval, cpu->pc };
		cpu->trap_stop = true;
		return;
	}
	uint32_t s = cpu->sstatus;
	s = cpu->priv == PRIV_S ? (s | SSTATUS_SPP) : (s & ~SSTATUS_SPP);
	s = (s & SSTATUS_SIE) ? (s | SSTATUS_SPIE) : (s & ~SSTATUS_SPIE);
	s &= ~SSTATUS_SIE;
	cpu->sstatus = s;
	cpu->sepc = cpu->pc;
	cpu->scause = cause;
	cpu->stval = tval;
	cpu->priv = PRIV_S;
	uint32_t base = cpu->stvec & ~3u;
	if ((cpu->stvec & STVEC_VECTORED) && (cause & CAUSE_INTERRUPT))
		cpu->pc = base + 4 * (cause & ~CAUSE_INTERRUPT);
	else
		cpu->pc = base;
}

void cpu_exception(struct cpu *cpu, uint32_t cause, uint32_t tval)
{
	cpu->exc_count[cause & 15]++;
	cpu_trap_enter(cpu, cause, tval);
}

bool cpu_check_interrupts(struct cpu *cpu)
{
	uint32_t pending = cpu_sip(cpu) & cpu->sie;
	if (!pending)
		return false;
	/* Any pending enabled interrupt ends a wfi, even one we cannot take
	 * now (S-mode with SIE clear just continues after the wfi). */
	cpu->wfi = false;
	/* In U-mode, S-mode interrupts are always enabled; in S-mode only
	 * while sstatus.SIE is set. */
	if (cpu->priv == PRIV_S && !(cpu->sstatus & SSTATUS_SIE))
		return false;
	static const uint32_t by_priority[] = {
#define EXC(id, name, code)
#define IRQ(id, name, code) code,
#include "isa-toy/traps.def"
#undef EXC
#undef IRQ
	};
	for (unsigned i = 0; i < sizeof(by_priority) / sizeof(by_priority[0]); i++) {
		uint32_t code = by_priority[i];
		if (pending & (1u << code)) {
			cpu->irq_count[code]++;
			cpu_trap_enter(cpu, CAUSE_INTERRUPT | code, 0);
			return true;
		}
	}
	return false;
}
