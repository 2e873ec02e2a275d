/*
 * pv_abi.h -- the paravirtual interface between a kernel built PARAVIRT=1
 * and trapvisor's --mode=pv monitor: the contract both sides compile
 * against (the kernel, its trapvec.S, and the monitor's core/pv.c).  Only
 * #defines, so assembly can use it too.  docs/pushf-popf.md explains it.
 *
 * Hypercalls are SBI calls in the vendor range of extension ids
 * (0x09000000-0x09FFFFFF):  a7 = PV_EID, a6 = the function, arguments in
 * a0, a1; the answer in a0 (0 or an SBI error) and a1 (a value).  A
 * monitor without the extension (--mode=trap, the bare machine's SBI)
 * answers SBI_ERR_NOT_SUPPORTED, which is how the kernel finds out.
 */
#ifndef KERNEL_PV_ABI_H
#define KERNEL_PV_ABI_H

#define PV_EID 0x09545650 /* "\tTVP": vendor range, "TrapVisor Paravirt" */

/* Functions (a6).  Every one but REGISTER needs the shared page first. */
#define PV_FN_REGISTER	   0 /* a0 = guest-physical address of the shared page */
#define PV_FN_IRQ_UNMASKED 1 /* "I unmasked and saw PV_PENDING: deliver it" */
#define PV_FN_MMU_UPDATE   2 /* a0 = GPA of a list of PV_MMU_ENTRY, a1 = count */
#define PV_FN_SET_SATP	   3 /* a0 = new satp; the TLB is flushed too */
#define PV_FN_TRAP_ENTER   4 /* copy the trap CSRs to the shared page */
#define PV_FN_SRET	   5 /* return from a trap, from the shared page */
#define PV_FN_COUNT	   6

/* An SBI error the base spec defines and isa-toy/sbi.h does not need. */
#define PV_ERR_DENIED (-4) /* SBI_ERR_DENIED: register the shared page first */

/*
 * The shared page: one page of guest RAM, page-aligned, that the kernel
 * registers at boot.  Both sides read and write it as plain memory; the
 * monitor reaches it through guest-physical addresses.  Byte offsets:
 *
 *    0  PV_MASK        kernel: 1 = interrupts masked (replaces sstatus.SIE)
 *    4  PV_PENDING     monitor: 1 = it held an interrupt back while masked
 *       --- filled by the monitor on PV_FN_TRAP_ENTER (what the hardware
 *           would leave in the CSRs on a trap) ---
 *    8  PV_E_SEPC      sepc
 *   12  PV_E_SCAUSE    scause
 *   16  PV_E_STVAL     stval
 *   20  PV_E_SSTATUS   sstatus (SPP, SPIE as the trap set them)
 *   24  PV_E_SSCRATCH  sscratch as it was (the monitor then zeroes it)
 *       --- filled by the kernel before PV_FN_SRET (what sret needs, and
 *           the four registers the hypercall itself uses) ---
 *   32  PV_R_SEPC      where to return
 *   36  PV_R_SSTATUS   SPP (mode to return to), SPIE (mask after return)
 *   40  PV_R_SSCRATCH  sscratch after the return
 *   44  PV_R_SP        x2  \
 *   48  PV_R_A0        x10  | restored by the monitor: the hypercall
 *   52  PV_R_A6        x16  | needs a0, a6, a7 (and the kernel sp) for
 *   56  PV_R_A7        x17 /  itself
 */
#define PV_MASK	       0
#define PV_PENDING     4
#define PV_E_SEPC      8
#define PV_E_SCAUSE    12
#define PV_E_STVAL     16
#define PV_E_SSTATUS   20
#define PV_E_SSCRATCH  24
#define PV_E_WORDS     5 /* PV_E_SEPC .. PV_E_SSCRATCH */
#define PV_R_SEPC      32
#define PV_R_SSTATUS   36
#define PV_R_SSCRATCH  40
#define PV_R_SP	       44
#define PV_R_A0	       48
#define PV_R_A6	       52
#define PV_R_A7	       56
#define PV_R_WORDS     7 /* PV_R_SEPC .. PV_R_A7 */
#define PV_SHARED_SIZE 4096

/*
 * PV_FN_MMU_UPDATE: a list of `count` entries of two words, {ptr, val},
 * like Xen's mmu_update.  The low two bits of ptr say what to do (a PTE's
 * address is 4-aligned, so they are free):
 *
 *   ptr & 3 == PV_MMU_PT_UPDATE   write val to the PTE at guest-physical
 *                                 ptr (the monitor fixes its shadows)
 *   ptr & 3 == PV_MMU_FLUSH_VA    forget translations of virtual address
 *                                 val (sfence.vma val); ptr's rest is 0
 *   ptr & 3 == PV_MMU_FLUSH_ALL   forget all (sfence.vma); ptr's rest is 0
 *
 * Entries run in order; the first bad one stops the list with an error,
 * and a1 says how many were done.
 */
#define PV_MMU_PT_UPDATE 0
#define PV_MMU_FLUSH_VA	 1
#define PV_MMU_FLUSH_ALL 2
#define PV_MMU_CMD_MASK	 3
#define PV_MMU_ENTRY	 8   /* bytes per entry */
#define PV_MMU_MAX	 256 /* entries per call */

#endif
