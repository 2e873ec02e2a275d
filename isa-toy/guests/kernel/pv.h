/*
 * pv.h -- the kernel's side of paravirtualization (built with -DPARAVIRT,
 * `build/guests/kernel-pv.elf`).  The interface itself -- hypercall ids,
 * the shared page's layout -- is in pv_abi.h, which the monitor compiles
 * against too.
 *
 * A PARAVIRT kernel knows it runs on trapvisor's --mode=pv monitor and,
 * instead of executing sensitive instructions for the monitor to trap
 * and emulate, asks for what it wants:
 *   intr.h      masks interrupts with PV_MASK in the shared page (no trap)
 *   vm.c        batches PTE writes and TLB flushes (PV_FN_MMU_UPDATE) and
 *               switches address spaces with PV_FN_SET_SATP
 *   timer.c     sets the timer with the SBI TIME call
 *   trapvec.S   enters and leaves traps with PV_FN_TRAP_ENTER / _SRET
 */
#ifndef KERNEL_PV_H
#define KERNEL_PV_H

#include "kernel/pv_abi.h"
#include "kernel/sbi.h"

#ifdef PARAVIRT
/* The shared page (page-aligned, in .data).  The kernel maps RAM at
 * virtual = physical, so its address is also the guest-physical one the
 * monitor is told. */
extern uint32_t pv_shared[PV_SHARED_SIZE / 4];

/* PV_SHARED(off): the word at byte offset `off` of the shared page, as a
 * volatile lvalue: the monitor reads and writes it between any two of our
 * instructions, so the compiler must neither cache nor drop accesses. */
#define PV_SHARED(off) (((volatile uint32_t *)pv_shared)[(off) / 4])

/* pv_init: register the shared page; panics with "PARAVIRT kernel needs
 * --mode=pv" if the monitor does not know our extension. */
void pv_init(void);

/* pv_call: one hypercall of our extension (a wrapper of sbi_call). */
static inline struct sbi_ret pv_call(uint32_t fn, uint32_t a0, uint32_t a1)
{
	return sbi_call(PV_EID, fn, a0, a1, 0);
}
#endif

#endif
