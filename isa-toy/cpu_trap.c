/*
 * cpu_trap.c -- the hart taking traps: exceptions and interrupts.
 *
 * What the hardware does on a trap into S-mode (privileged spec 4.1.1) is
 * csr_trap_enter (csr.c):
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

#include "isa-toy/tvt.h"

static void cpu_trap_enter(struct cpu *cpu, uint32_t cause, uint32_t tval)
{
	/* A guest in TVT non-root operation: its traps are its own, unless
	 * the VMCS's controls make this one exit to the monitor. */
	if (cpu->tvt && tvt_trap_exits(cpu, cause, tval))
		return;
	if (cpu->host_traps) {
		/* The monitor decides.  The LR reservation stays: a trap the
		 * guest never sees (a shadow fill between lr.w and sc.w) must
		 * not make its sc.w fail; the monitor clears it when it
		 * reflects a trap into the guest. */
		cpu->trap = (struct cpu_trap){ cause, tval, cpu->pc };
		cpu->trap_stop = true;
		return;
	}
	cpu->resv_valid = false; /* a trap ends any LR reservation */
	csr_trap_enter(&cpu->csr, &cpu->pc, cause, tval);
}

void cpu_exception(struct cpu *cpu, uint32_t cause, uint32_t tval)
{
	if (cause == CPU_CAUSE_VMEXIT)
		return; /* not a trap: the instruction caused a VM exit */
	cpu->exc_count[cause & 15]++;
	cpu_trap_enter(cpu, cause, tval);
}

bool cpu_check_interrupts(struct cpu *cpu)
{
	/* Any pending enabled interrupt ends a wfi, even one we cannot take
	 * now (S-mode with SIE clear just continues after the wfi). */
	if (csr_wfi_wakes(&cpu->csr))
		cpu->wfi = false;
	int code = csr_interrupt(&cpu->csr);
	if (code < 0)
		return false;
	cpu->irq_count[code]++;
	cpu_trap_enter(cpu, CAUSE_INTERRUPT | (uint32_t)code, 0);
	return true;
}
