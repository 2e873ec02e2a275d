/*
 * grade.c -- the grader of lab interrupts: one Criterion suite per step.
 * Steps 1 and 2 set the vCPU's virtual interrupt state by hand (a timer
 * that is due, the UART's line raised through the PLIC, enables on or
 * off) and call the monitor where its loop would (monitor_inject before
 * each run of the guest, monitor_trap for a wfi); step 3 boots the kernel.
 */
#include <criterion/criterion.h>

#include "labs/lab.h"

#define PC    0x80002000u
#define STVEC 0x80004000u
#define WFI   0x10500073u

static struct csr_file *vc(void)
{
	return &lab_vm->vcpu.csr;
}

/* The guest in mode `priv` with sstatus `sstatus` and sie `sie`, at PC,
 * its handler at STVEC, nothing pending. */
static void guest(enum cpu_priv priv, uint32_t sstatus, uint32_t sie)
{
	vc()->priv = priv;
	vc()->sstatus = sstatus;
	vc()->sie = sie;
	vc()->stvec = STVEC;
	vc()->stimecmp = ~0ull;
	vc()->seip = false;
	lab_mon.hw.pc = PC;
	vm_switch_shadow(lab_vm);
}

/* The virtual timer is due: stimecmp at or before the guest's time. */
static void timer_due(void)
{
	vc()->stimecmp = 0;
}

/* Was interrupt `code` delivered to the guest's handler? */
static void delivered(uint32_t code)
{
	cr_assert_eq(lab_mon.hw.pc, STVEC, "interrupt %u was not delivered (pc %#x)", code,
		     lab_mon.hw.pc);
	cr_assert_eq(vc()->scause, CAUSE_INTERRUPT | code, "scause %#x, want %#x", vc()->scause,
		     CAUSE_INTERRUPT | code);
	cr_assert_eq(vc()->sepc, PC, "sepc must be where the guest was interrupted");
	cr_assert_eq(vc()->priv, PRIV_S);
}

static void not_delivered(const char *why)
{
	cr_assert_eq(lab_mon.hw.pc, PC, "an interrupt was delivered %s", why);
	cr_assert_eq(vc()->traps, 0);
}

/* --- step 1: deliver a due interrupt, only when enabled --- */

TestSuite(step1, .init = lab_setup, .fini = lab_teardown, .timeout = 30);

Test(step1, timer_to_the_kernel)
{
	guest(PRIV_S, SSTATUS_SIE, (1u << IRQ_sti));
	timer_due();
	monitor_inject(lab_vm);
	delivered(IRQ_sti);
	cr_assert_eq(vc()->sstatus & (SSTATUS_SIE | SSTATUS_SPIE), SSTATUS_SPIE,
		     "delivery clears SIE and saves it in SPIE");
}

Test(step1, masked_by_sstatus_sie_in_the_kernel)
{
	guest(PRIV_S, 0, (1u << IRQ_sti));
	timer_due();
	monitor_inject(lab_vm);
	not_delivered("to the guest kernel with sstatus.SIE clear");
}

Test(step1, masked_by_sie)
{
	guest(PRIV_S, SSTATUS_SIE, 0);
	timer_due();
	monitor_inject(lab_vm);
	not_delivered("whose sie bit is clear");
}

Test(step1, always_enabled_in_user_mode)
{
	/* In U-mode S-mode interrupts are taken whatever sstatus.SIE says. */
	guest(PRIV_U, 0, (1u << IRQ_sti));
	timer_due();
	monitor_inject(lab_vm);
	delivered(IRQ_sti);
	cr_assert_eq(lab_vm->spt.cur->view, SPT_VIEW_S);
}

Test(step1, the_uart_through_the_plic)
{
	/* The external line, and its priority over the timer. */
	guest(PRIV_U, 0, (1u << IRQ_sti) | (1u << IRQ_sei));
	timer_due();
	vc()->seip = true;
	monitor_inject(lab_vm);
	delivered(IRQ_sei);
}

Test(step1, nothing_pending)
{
	guest(PRIV_S, SSTATUS_SIE, (1u << IRQ_sti) | (1u << IRQ_sei));
	monitor_inject(lab_vm);
	not_delivered("with nothing pending");
	cr_assert_not(lab_vm->halted);
}

/* --- step 2: wfi --- */

TestSuite(step2, .init = lab_setup, .fini = lab_teardown, .timeout = 30);

Test(step2, wfi_sleeps)
{
	guest(PRIV_S, SSTATUS_SIE, (1u << IRQ_sti));
	uint64_t n = vc()->instret;
	lab_trap(EXC_illegal, WFI, PC);
	cr_assert_eq(lab_mon.hw.pc, PC + 4, "wfi retires: the pc moves on");
	cr_assert_eq(vc()->instret, n + 1);
	cr_assert(lab_vm->vcpu.wfi, "nothing pending: the vCPU must wait (vcpu.wfi)");
}

Test(step2, a_due_interrupt_wakes_it)
{
	guest(PRIV_S, SSTATUS_SIE, (1u << IRQ_sti));
	lab_trap(EXC_illegal, WFI, PC);
	cr_assert(lab_vm->vcpu.wfi);
	timer_due();
	monitor_inject(lab_vm);
	cr_assert_not(lab_vm->vcpu.wfi, "the timer is due: the vCPU must wake");
}

Test(step2, wakes_even_when_masked)
{
	/* wfi wakes on a pending enabled-in-sie interrupt even with SIE
	 * clear (then the kernel runs on, and takes it when it sets SIE). */
	guest(PRIV_S, 0, (1u << IRQ_sti));
	lab_trap(EXC_illegal, WFI, PC);
	cr_assert(lab_vm->vcpu.wfi);
	timer_due();
	monitor_inject(lab_vm);
	cr_assert_not(lab_vm->vcpu.wfi, "a pending interrupt wakes wfi even with SIE clear");
	cr_assert_eq(lab_mon.hw.pc, PC + 4, "...but is not taken while SIE is clear");
}

Test(step2, no_sleep_when_already_pending)
{
	guest(PRIV_S, 0, (1u << IRQ_sti));
	timer_due();
	lab_trap(EXC_illegal, WFI, PC);
	cr_assert_eq(lab_mon.hw.pc, PC + 4);
	cr_assert_not(lab_vm->vcpu.wfi, "an interrupt is already pending: wfi must not wait");
}

/* --- step 3: the whole kernel: preemption and console input --- */

TestSuite(step3, .timeout = 150);

Test(step3, preemption)
{
	lab_equal_to_bare("trap", "run=critical,pingpong:2,primes:30", NULL);
}

Test(step3, console_input)
{
	lab_equal_to_bare("trap", "run=echo:2", "echo.in");
}
