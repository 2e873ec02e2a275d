/*
 * intr.h -- THE place where the kernel masks and unmasks interrupts.
 *
 * A single-hart kernel protects data it shares with interrupt handlers
 * (the console input buffer, the process table, the tick counter) by
 * turning interrupts off around the critical section.  On RISC-V that is
 * the SIE bit of sstatus:
 *
 *   intr_off()       csrc sstatus, SIE      x86: CLI
 *   intr_on()        csrs sstatus, SIE      x86: STI
 *   intr_save()      csrr sstatus, then     x86: PUSHF; POPF with IF
 *                    csrw it with SIE clear      cleared
 *   intr_restore(s)  csrw sstatus with SIE  x86: POPF
 *                    as it was in s
 *
 * Every one of these is a *sensitive* instruction: it reads or changes
 * the processor's privileged state.  On TRV32 (strict mode) each of them
 * traps when the kernel is deprivileged to U-mode, so a trap-and-emulate
 * monitor sees them all.  Later work replaces exactly this file:
 *   - `--isa=legacy` makes reading sstatus in U-mode *not* trap and
 *     writing it silently drop SIE (the PUSHF/POPF problem of IA-32);
 *     binary translation then has to find these instructions;
 *   - a PARAVIRT=1 build turns them into stores to a page shared with
 *     the monitor (and one hypercall when an interrupt waited).
 * So: no other file of the kernel touches sstatus.SIE.  Keep it that way.
 * (The trap entry and `sret` change SIE as part of taking and returning
 * from a trap; that is the hardware's doing, not a masking spot.)
 */
#ifndef KERNEL_INTR_H
#define KERNEL_INTR_H

#include "kernel/riscv.h"

#ifdef PARAVIRT
/*
 * The paravirtual version: no sensitive instruction at all.  Masking is a
 * word in the page shared with the monitor (PV_MASK, pv_abi.h), which the
 * monitor reads before it delivers a virtual interrupt -- Xen's
 * evtchn_upcall_mask.  A store costs nothing; a trapped csrc/csrs costs a
 * trip through the monitor.
 *
 * The one subtlety is unmasking.  An interrupt that arrived while we were
 * masked was held back, and the monitor runs only when we trap: nothing
 * would deliver it.  So the monitor leaves a note (PV_PENDING), and after
 * clearing the mask we look at it and, if set, make one hypercall; the
 * monitor delivers the interrupt on its way back to us, right after the
 * ecall -- "taken right after this instruction", as with csrs.  The order
 * matters: clear the mask first, then look.  An interrupt arriving in
 * between finds the mask clear and is delivered at once.
 */
#include "kernel/pv.h"

#define intr_barrier() __asm__ volatile("" : : : "memory") /* keep accesses inside */

static inline void intr_off(void)
{
	PV_SHARED(PV_MASK) = 1; /* CLI */
	intr_barrier();
}

static inline void intr_on(void)
{
	intr_barrier();
	PV_SHARED(PV_MASK) = 0; /* STI ... */
	if (PV_SHARED(PV_PENDING))
		pv_call(PV_FN_IRQ_UNMASKED, 0, 0); /* ... and take what waited */
}

static inline bool intr_enabled(void)
{
	return PV_SHARED(PV_MASK) == 0;
}

/* The same contract as below: the result has SSTATUS_SIE set if
 * interrupts were on. */
static inline uint32_t intr_save(void)
{
	uint32_t was_on = PV_SHARED(PV_MASK) == 0;
	intr_off();
	return was_on ? SSTATUS_SIE : 0;
}

static inline void intr_restore(uint32_t saved)
{
	if (saved & SSTATUS_SIE)
		intr_on();
	else
		intr_off();
}

#else  /* the strict kernel: sstatus.SIE */

/* intr_off: mask S-mode interrupts (clear sstatus.SIE). */
static inline void intr_off(void)
{
	csr_clear(sstatus, SSTATUS_SIE);
}

/* intr_on: unmask S-mode interrupts (set sstatus.SIE); a pending one is
 * taken right after this instruction. */
static inline void intr_on(void)
{
	csr_set(sstatus, SSTATUS_SIE);
}

/* intr_enabled: are interrupts on?  Reads sstatus (x86: PUSHF + test). */
static inline bool intr_enabled(void)
{
	return (csr_read(sstatus) & SSTATUS_SIE) != 0;
}

/* intr_save: mask interrupts and return the previous state, to be handed
 * to intr_restore() at the end of the critical section.  Sections nest.
 * Written the x86 way -- PUSHF, then POPF of the flags with IF clear:
 * read the whole of sstatus, write it back with SIE clear. */
static inline uint32_t intr_save(void)
{
	uint32_t s = csr_read(sstatus);	      /* PUSHF */
	csr_write(sstatus, s & ~SSTATUS_SIE); /* POPF, IF = 0 */
	return s & SSTATUS_SIE;
}

/* intr_restore: put SIE back as it was at intr_save() (x86: POPF). */
static inline void intr_restore(uint32_t saved)
{
	uint32_t s = csr_read(sstatus);
	csr_write(sstatus, (s & ~SSTATUS_SIE) | (saved & SSTATUS_SIE));
}
#endif /* PARAVIRT */

#endif
