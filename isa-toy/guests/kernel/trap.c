/*
 * trap.c -- what the kernel does with a trap, once trapvec.S has saved
 * the registers.  Follow a system call:
 *
 *   user: li a7, SYS_write; ecall        (user/lib/usys.S)
 *   hw:   sepc = pc of the ecall, scause = 8 (ecall from U), SPP = 0,
 *         SIE = 0, pc = stvec = trap_vector
 *   trapvec.S: switch to the kernel stack, save all registers -> tf
 *   trap_handler(tf): scause 8 -> sepc += 4, interrupts on,
 *         syscall_dispatch(tf) puts the result in tf->regs[a0]
 *   proc_preempt(): if a tick ended the time slice, others run first
 *   trap_return_to_user(): interrupts off, sscratch = kernel stack top
 *   trapvec.S trap_return: restore registers from tf, sret
 *   hw:   pc = sepc, mode = U (SPP was 0), SIE = SPIE (1)
 */
#include "kernel/console.h"
#include "kernel/disk.h"
#include "kernel/intr.h"
#include "kernel/kernel.h"
#include "kernel/net.h"
#include "kernel/plic.h"
#include "kernel/balloon.h"
#include "kernel/dma.h"
#include "kernel/pv.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "kernel/umem.h"

extern char trap_vector[];

/* Names for messages, indexed by exception cause. */
static const char *const trap_names[] = {
	[EXC_INSN_MISALIGNED] = "instruction address misaligned",
	[EXC_INSN_ACCESS] = "instruction access fault",
	[EXC_ILLEGAL_INSN] = "illegal instruction",
	[EXC_BREAKPOINT] = "breakpoint",
	[EXC_LOAD_MISALIGNED] = "load address misaligned",
	[EXC_LOAD_ACCESS] = "load access fault",
	[EXC_STORE_MISALIGNED] = "store address misaligned",
	[EXC_STORE_ACCESS] = "store access fault",
	[EXC_ECALL_U] = "ecall from U-mode",
	[EXC_ECALL_S] = "ecall from S-mode",
	[EXC_INSN_PAGE_FAULT] = "instruction page fault",
	[EXC_LOAD_PAGE_FAULT] = "load page fault",
	[EXC_STORE_PAGE_FAULT] = "store page fault",
};

static const char *trap_name(uint32_t cause)
{
	if (cause < ARRAY_SIZE(trap_names) && trap_names[cause])
		return trap_names[cause];
	return "unknown exception";
}

void trap_init(void)
{
	/* stvec in direct mode (low bits 00): every trap to trap_vector. */
	csr_write(stvec, (uint32_t)trap_vector);
	csr_write(sscratch, 0); /* "the kernel is running" (see trapvec.S) */
	csr_set(sie, SIE_SEIE | SIE_STIE);
}

/* trap_interrupt: a device or the timer wants attention.  Runs with
 * interrupts masked. */
static void trap_interrupt(uint32_t irq)
{
	if (irq == IRQ_S_TIMER) {
		timer_intr();
		proc_tick();
	} else if (irq == IRQ_S_EXT) {
		/* Ask the PLIC which device it was; tell it when we are done
		 * so it can raise that source again. */
		uint32_t src = plic_claim();
		if (src) {
			if (!disk_intr(src) && !net_intr(src) && !dma_intr(src) &&
			    !balloon_intr(src))
				uart_intr(); /* not the disk, card or engine: the UART */
			plic_complete(src);
		}
	} else {
		panic("unexpected interrupt %u", irq);
	}
}

void trap_handler(struct trapframe *tf)
{
#ifdef PARAVIRT
	/* trapvec.S asked the monitor for them (PV_FN_TRAP_ENTER). */
	uint32_t scause = PV_SHARED(PV_E_SCAUSE);
	uint32_t stval = PV_SHARED(PV_E_STVAL);
#else
	uint32_t scause = csr_read(scause);
	uint32_t stval = csr_read(stval);
#endif
	uint32_t cause = scause & ~SCAUSE_INTERRUPT;
	bool from_user = !(tf->sstatus & SSTATUS_SPP);
	struct proc *p = proc_current();
	int fault = -1;

	if (scause & SCAUSE_INTERRUPT) {
		/* A device or the timer.  A tick ends the time slice, but
		 * the switch waits for the return to user mode below: the
		 * kernel is not preemptive. */
		trap_interrupt(cause);
	} else if (!from_user) {
		/* The kernel itself faulted: a bug.  Say where, and stop. */
		panic("kernel trap: %s (scause %u), sepc %p, stval %p", trap_name(cause), scause,
		      (void *)tf->sepc, (void *)stval);
	} else if (cause == EXC_ECALL_U) {
		/* A system call.  Return to the instruction after the ecall,
		 * and let interrupts in while the call runs: it may be long
		 * (a big write) or block (read, wait), and the UART and timer
		 * must still be heard. */
		tf->sepc += 4;
		intr_on();
		syscall_dispatch(tf);
		intr_off();
	} else if ((cause == EXC_LOAD_PAGE_FAULT || cause == EXC_STORE_PAGE_FAULT) &&
		   (fault = umem_fault(p, stval)) == 0) {
		/* Demand-zero: a first touch of a heap page, now mapped.
		 * sepc still points at the instruction, which runs again. */
	} else if (fault == UMEM_FAULT_NOMEM) {
		/* No page for the heap: the program dies, the kernel lives.
		 * (No address: how far it got depends on the machine's RAM
		 * and where the firmware put things, and transcripts should
		 * not.) */
		kprintf("kernel: pid %d (%s) killed: out of memory\n", p->pid, p->name);
		proc_exit(-1);
	} else {
		/* A program's fault is the program's problem: report and kill
		 * it, and the kernel goes on.  (stval only means an address
		 * for the memory faults.) */
		kprintf("kernel: pid %d (%s) killed: %s", p->pid, p->name, trap_name(cause));
		if (cause != EXC_ILLEGAL_INSN && cause != EXC_BREAKPOINT)
			kprintf(" at address %p", (void *)stval);
		kprintf("\n");
		proc_exit(-1);
	}
	if (from_user) {
		/* Preemptive round robin: if a tick came while p ran (in
		 * user mode or in the kernel), let the next process run
		 * before p goes back to its program. */
		proc_preempt();
		trap_return_to_user(p);
	}
	/* From S-mode: return to trapvec.S, which restores the kernel. */
}

void trap_return_to_user(struct proc *p)
{
	/* From here to sret no trap may come: sscratch is about to point
	 * at the kernel stack that the frame we restore lives on. */
	intr_off();
#ifdef PARAVIRT
	PV_SHARED(PV_R_SSCRATCH) = p->kstack_top; /* PV_FN_SRET installs it */
	vm_sync(); /* the program must see the page tables we changed */
#else
	csr_write(sscratch, p->kstack_top);
#endif
	trap_return(p->tf);
}
