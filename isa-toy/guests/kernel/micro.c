/*
 * micro.c -- the kernel-side microbenchmarks (see micro.h): each is one
 * loop whose body executes exactly the same instructions every time, so
 * that only the loop's trip count differs between a run with n and one
 * with 2n.  What one iteration is, and what it costs:
 *
 *   mmio      one lbu of the UART's LSR: a load on the bare machine, a
 *             trap under the monitor (the UART is emulated MMIO).
 *   sstatus   one intr_restore(s) = csrr + csrw of sstatus: two sensitive
 *             instructions, two traps under the monitor.  --isa=legacy:
 *             neither traps (the POPF problem) unless binary translation
 *             rewrote them; PARAVIRT: a store to and a load from the
 *             shared page, no trap.
 *   ptewrite  one store to a leaf PTE of the caller's page table: a plain
 *             store on the bare machine; under the shadow-page-table
 *             monitor only the first write of the loop traps (see
 *             micro_ptewrite); PARAVIRT: one entry of the mmu_update
 *             queue, a hypercall per PV_MMU_MAX entries.
 * docs/kernel.md has the measured counts.
 */
#include "kernel/console.h"
#include "kernel/intr.h"
#include "kernel/kalloc.h"
#include "kernel/micro.h"
#include "kernel/proc.h"

/*
 * The 4 MiB of user address space ptewrite maps and unmaps: 0x40000000,
 * far above any heap a micro program grows and far below the stack.  Its
 * entry is in the *root* table of the caller (VPN[1] = 0x100), which is
 * in use by whatever runs, kernel included -- so a monitor that keeps
 * shadow tables must see every write (see micro_ptewrite).
 */
#define MICRO_PTE_VA 0x40000000u

/* micro_mmio: the paper's `in`: read a device register and ignore it.
 * LSR has no side effects on read (unlike RBR, which would take a byte
 * of input). */
static int micro_mmio(uint32_t n)
{
	const volatile uint8_t *lsr = uart_lsr_reg();

	for (uint32_t i = 0; i < n; i++)
		(void)*lsr;
	return 0;
}

/* micro_sstatus: the paper's cr8wr / POPF.  intr_save() once, with the
 * interrupt state the system call found (on), then intr_restore() n
 * times: each one sets SIE back as it was, the same write every time.
 * The last restore leaves the state as we found it, also for n = 0. */
static int micro_sstatus(uint32_t n)
{
	uint32_t s = intr_save();

	for (uint32_t i = 0; i < n; i++)
		intr_restore(s);
	intr_restore(s);
	return 0;
}

/*
 * micro_ptewrite: the paper's PTE write: n stores to one page-table entry
 * of the caller's address space through vm.c's write path (vm_pte_write),
 * alternating between invalid and a pointer to an empty second-level
 * table.  The alternation is an XOR, not an `if`, so every iteration runs
 * the same instructions.  No sfence.vma inside the loop; after it, the
 * entry invalid whatever n was, one flush, the table freed -- in that
 * order, so the page cannot be reached through a stale translation once
 * it is someone else's.
 *
 * Why the root table: it is the one table every shadow of this address
 * space derives from, the kernel's view included, so under trap-and-
 * emulate (and TVT with shadow paging) every one of the n writes traps.
 * A leaf table of user pages would be the source of the user view only,
 * idle while the kernel runs, and a monitor could stop protecting it
 * after the first write.
 */
static int micro_ptewrite(uint32_t n)
{
	pte_t *pte = &proc_current()->pagetable[VM_VPN1(MICRO_PTE_VA)];

	if (*pte & PTE_V)
		return -1;	/* the layout changed under us: vm.h */
	void *table = kalloc(); /* zeroed: every entry invalid */
	if (!table)
		return -1;
	pte_t on = PTE_MAKE(table, PTE_V), v = 0;
	for (uint32_t i = 0; i < n; i++) {
		v ^= on; /* valid, invalid, valid, ... */
		vm_pte_write(pte, v);
	}
	vm_pte_write(pte, 0);
	vm_flush_page(MICRO_PTE_VA);
	kfree(table);
	return 0;
}

/* The table: micro_kinds[kind] = function. */
static int (*const micro_kinds[])(uint32_t) = {
	[MICRO_MMIO] = micro_mmio,
	[MICRO_SSTATUS] = micro_sstatus,
	[MICRO_PTEWRITE] = micro_ptewrite,
};

int micro_run(uint32_t kind, uint32_t n)
{
	if (kind >= ARRAY_SIZE(micro_kinds) || !micro_kinds[kind])
		return -1;
	return micro_kinds[kind](n);
}
