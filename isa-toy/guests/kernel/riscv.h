/*
 * riscv.h -- the RISC-V supervisor-mode registers the kernel uses, with
 * their spec names and bits, and the two macros that read and write CSRs.
 *
 * Only *reading* CSRs is done freely (csr_read).  Every write that changes
 * privileged machine state goes through a small named function elsewhere
 * (intr.h, vm.c, timer.c), so that a monitor author can find each
 * sensitive spot by name.
 */
#ifndef KERNEL_RISCV_H
#define KERNEL_RISCV_H

#include "kernel/types.h"

#define csr_read(csr)                                          \
	({                                                     \
		uint32_t v_;                                   \
		__asm__ volatile("csrr %0, " #csr : "=r"(v_)); \
		v_;                                            \
	})
#define csr_write(csr, val) \
	__asm__ volatile("csrw " #csr ", %0" : : "r"((uint32_t)(val)) : "memory")
#define csr_set(csr, bits) \
	__asm__ volatile("csrs " #csr ", %0" : : "r"((uint32_t)(bits)) : "memory")
#define csr_clear(csr, bits) \
	__asm__ volatile("csrc " #csr ", %0" : : "r"((uint32_t)(bits)) : "memory")

/*
 * sstatus: supervisor status.
 *
 *   31      19   18   ...  8    5     1
 *  +--+----+---+----+-----+---+-----+---+-----+
 *  |SD|    |MXR|SUM |     |SPP|SPIE |   |SIE  |
 */
#define SSTATUS_SIE  (1u << 1)	/* S-mode interrupts enabled */
#define SSTATUS_SPIE (1u << 5)	/* SIE before the last trap */
#define SSTATUS_SPP  (1u << 8)	/* mode before the last trap: 1 = S, 0 = U */
#define SSTATUS_SUM  (1u << 18) /* S-mode may touch U pages */

/* sie / sip: which interrupts are enabled / pending. */
#define SIE_SSIE (1u << 1) /* software */
#define SIE_STIE (1u << 5) /* timer (stimecmp) */
#define SIE_SEIE (1u << 9) /* external (PLIC) */

/* scause: top bit set for interrupts, the rest is the cause number. */
#define SCAUSE_INTERRUPT     (1u << 31)
#define IRQ_S_SOFT	     1
#define IRQ_S_TIMER	     5
#define IRQ_S_EXT	     9
#define EXC_INSN_MISALIGNED  0
#define EXC_INSN_ACCESS	     1
#define EXC_ILLEGAL_INSN     2
#define EXC_BREAKPOINT	     3
#define EXC_LOAD_MISALIGNED  4
#define EXC_LOAD_ACCESS	     5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS     7
#define EXC_ECALL_U	     8
#define EXC_ECALL_S	     9
#define EXC_INSN_PAGE_FAULT  12
#define EXC_LOAD_PAGE_FAULT  13
#define EXC_STORE_PAGE_FAULT 15

/*
 * satp in Sv32 mode:
 *
 *   31  30     22 21                       0
 *  +----+--------+--------------------------+
 *  |MODE|  ASID  |  PPN of the root table   |
 */
#define SATP_SV32	   (1u << 31)
#define SATP_MAKE(root_pa) (SATP_SV32 | ((uint32_t)(root_pa) >> 12))

#endif
