/*
 * virt.c -- two demonstrations of the lecture's PUSHF/POPF problem, as
 * system calls a user program can ask for.  On real hardware, and under
 * a monitor that sees every sensitive instruction, both report nothing
 * unusual.  On the `--isa=legacy` machine under a plain trap-and-emulate
 * monitor they go wrong in exactly the two ways the lecture names.
 *
 *  critical(rounds): "the VMM doesn't know what the guest wants IF to be"
 *    Each round masks interrupts with intr_save() -- on the legacy machine
 *    a non-trapping write to sstatus (POPF) the monitor never sees -- and
 *    updates a counter the timer interrupt also updates, slowly enough
 *    that a timer tick falls inside.  If the monitor believes interrupts
 *    are still on, it delivers the tick inside the critical section: the
 *    handler notices (virt_in_critical) and its update is lost.
 *
 *  probe(): "the guest can read IF and discover it's not the way it was
 *    set: the VMM isn't invisible any more"
 *    Turn interrupts on (STI: csrs, which traps), then read sstatus
 *    (PUSHF: csrr, which on the legacy machine does not).  A deprivileged
 *    kernel reads the *real* register, where SIE is not what it just set.
 *    Also read back the bytes of the probing code: binary translation
 *    rewrites that instruction, and must not let the guest see it did.
 */
#include "kernel/intr.h"
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "kernel/umem.h"

/* Spin long enough that a timer tick (every 1,000,000 cycles at 100 Hz
 * and 100 MHz) certainly falls inside: ~3 instructions per iteration. */
#define VIRT_SPIN 500000

static volatile uint32_t virt_in_critical; /* inside a critical section */
static volatile uint32_t virt_counter;	   /* shared with the timer */
static volatile uint32_t virt_interrupted; /* ticks taken inside */

/* The PUSHF of probe(), in assembly so its encoding is known:
 * csrrs a0, sstatus, zero = 0x10002573. */
#define VIRT_PUSHF_WORD 0x10002573u
uint32_t virt_pushf(void);
__asm__(".section .text\n"
	".globl virt_pushf\n"
	".balign 4\n"
	"virt_pushf:\n"
	"	csrr a0, sstatus\n"
	"	ret\n");

void virt_timer_tick(void)
{
	virt_counter++;
	if (virt_in_critical)
		virt_interrupted++;
}

static void virt_spin(uint32_t n)
{
	for (volatile uint32_t i = 0; i < n; i++)
		;
}

int virt_critical(uint32_t rounds, uint32_t *lost)
{
	if (rounds > 16)
		rounds = 16;
	intr_on(); /* let the timer in while we work */
	uint32_t t0 = timer_ticks();
	virt_counter = 0;
	virt_interrupted = 0;
	for (uint32_t r = 0; r < rounds; r++) {
		uint32_t s = intr_save();
		virt_in_critical = 1;
		uint32_t v = virt_counter; /* read ...                      */
		virt_spin(VIRT_SPIN);	   /* ... take our time ...          */
		virt_counter = v + 1;	   /* ... write: a tick in between is lost */
		virt_in_critical = 0;
		intr_restore(s);
		virt_spin(VIRT_SPIN / 4); /* ticks may come here, harmlessly */
	}
	intr_off();
	uint32_t ticks = timer_ticks() - t0;
	*lost = rounds + ticks - virt_counter;
	return (int)virt_interrupted;
}

int virt_probe(void)
{
	intr_on();		   /* STI */
	uint32_t s = virt_pushf(); /* PUSHF */
	intr_off();
	uint32_t word = *(volatile uint32_t *)(void *)virt_pushf;
	return ((s & SSTATUS_SIE) ? 1 : 0) | (word == VIRT_PUSHF_WORD ? 2 : 0);
}
