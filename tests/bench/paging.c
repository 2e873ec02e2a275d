/*
 * paging.c -- Sv32 page tables for the benchmark guests on the bare board
 * (see bench_paging_on in bench.h).  Identity mapping, built in S-mode:
 *
 *   satp  = MODE (bit 31: Sv32) | ASID 0 | PPN of root
 *   root  = 1024 PTEs, one per 4 MiB of virtual space (VPN[1])
 *           leaf (R, W or X set) = a 4 MiB megapage; else the PPN of a
 *           second-level table of 1024 PTEs for 4 KiB pages (VPN[0])
 *
 *   PTE:  31            10 9 8  7 6 5 4 3 2 1 0
 *        +----------------+---+-+-+-+-+-+-+-+-+
 *        |      PPN       |RSW|D|A|G|U|X|W|R|V|
 *        +----------------+---+-+-+-+-+-+-+-+-+
 *
 * A and D are set up front: the hardware would set them on first use, and
 * the benchmark is about steady state.
 */
#include "tests/bench/bench.h"

#define PTE_V	  (1u << 0) /* valid */
#define PTE_R	  (1u << 1) /* readable */
#define PTE_W	  (1u << 2) /* writable */
#define PTE_X	  (1u << 3) /* executable */
#define PTE_A	  (1u << 6) /* accessed */
#define PTE_D	  (1u << 7) /* dirty */
#define SATP_SV32 (1u << 31)

#define PAGING_MEGA	 (4u << 20)   /* bytes per root entry */
#define PAGING_RAM	 0x80000000u  /* BOARD_RAM_BASE */
#define PAGING_RAM_MAP	 (256u << 20) /* identity-map this much RAM */
#define PAGING_MAX_SMALL 4	      /* 4 MiB regions with 4 KiB pages */

static uint32_t paging_root[1024] __attribute__((aligned(4096)));
static uint32_t paging_small[PAGING_MAX_SMALL][1024] __attribute__((aligned(4096)));

static uint32_t paging_pte(uint32_t pa, uint32_t flags)
{
	return (pa >> 12) << 10 | flags | PTE_V;
}

void bench_paging_on(void *base, uint32_t bytes)
{
	uint32_t b = (uint32_t)(uintptr_t)base, rwx = PTE_R | PTE_W | PTE_X | PTE_A | PTE_D;

	if ((b & (PAGING_MEGA - 1)) || bytes % PAGING_MEGA ||
	    bytes / PAGING_MEGA > PAGING_MAX_SMALL)
		bench_exit(3); /* a bad call: the finisher reports exit status 3 */

	/* Devices: the finisher (0x00100000) and the UART, read/write only. */
	paging_root[0x00000000u / PAGING_MEGA] =
	    paging_pte(0x00000000u, PTE_R | PTE_W | PTE_A | PTE_D);
	paging_root[0x10000000u / PAGING_MEGA] =
	    paging_pte(0x10000000u, PTE_R | PTE_W | PTE_A | PTE_D);
	/* RAM: megapages ... */
	for (uint32_t pa = PAGING_RAM; pa - PAGING_RAM < PAGING_RAM_MAP; pa += PAGING_MEGA)
		paging_root[pa / PAGING_MEGA] = paging_pte(pa, rwx);
	/* ... except the region asked for, in 4 KiB pages. */
	for (uint32_t m = 0; m < bytes / PAGING_MEGA; m++) {
		uint32_t va = b + m * PAGING_MEGA;
		for (uint32_t i = 0; i < 1024; i++)
			paging_small[m][i] = paging_pte(va + i * 4096, rwx);
		/* a pointer to the next level: V set, R/W/X clear */
		paging_root[va / PAGING_MEGA] = paging_pte((uint32_t)(uintptr_t)paging_small[m], 0);
	}

	uint32_t satp = SATP_SV32 | ((uint32_t)(uintptr_t)paging_root >> 12);
	__asm__ volatile("sfence.vma zero, zero\n\t"
			 "csrw satp, %0\n\t"
			 "sfence.vma zero, zero"
			 :
			 : "r"(satp)
			 : "memory");
}

void bench_trap_report(uint32_t cause, uint32_t epc, uint32_t tval) __attribute__((noreturn));

/* No workload should trap: stvec (peer_bare.S) lands here if one does. */
void bench_trap_report(uint32_t cause, uint32_t epc, uint32_t tval)
{
	bench_puts("\nbench: unexpected trap scause=");
	bench_hex(cause);
	bench_puts(" sepc=");
	bench_hex(epc);
	bench_puts(" stval=");
	bench_hex(tval);
	bench_putc('\n');
	bench_exit(4);
}
