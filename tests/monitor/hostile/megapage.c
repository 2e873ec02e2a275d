/*
 * megapage: 4 MiB leaves that break the rules.  The spec: a leaf at
 * level 1 whose PPN[0] is not zero is a misaligned superpage -- a page
 * fault of the access's kind (load 13, store 15, fetch 12), stval the
 * address; so are W without R (reserved) and a missing permission.  A
 * misaligned word access that straddles two megapages, the second one
 * bad, faults without writing any byte.
 */
#include "tests/monitor/hostile/hg.h"

static uint32_t root[1024] __attribute__((aligned(4096)));
static volatile uint32_t scratch[4];

#define MB4(j) ((uint32_t)(j) << 22)

void hg_main(void)
{
	root[0] = PTE(0, PTE_RW);
	root[RAM >> 22] = PTE(RAM, PTE_RWX);
	root[0x101] = PTE(RAM + 0x1000u, PTE_RWX);     /* PPN[0] = 1 */
	root[0x102] = PTE(RAM + 0x200000u, PTE_RWX);   /* PPN[0] = 0x200 */
	root[0x103] = PTE(RAM, PTE_V | PTE_R | PTE_A); /* read-only */
	root[0x104] = PTE(RAM, PTE_RWX & ~PTE_V);      /* not valid */
	root[0x105] = PTE(RAM, PTE_V | PTE_W | PTE_A); /* W without R */
	root[0x106] = PTE(RAM, PTE_RWX | PTE_U);       /* a user page */
	root[0x107] = PTE(RAM, PTE_RW);		       /* good, then ... */
	root[0x108] = PTE(RAM + 0x3000u, PTE_RW);      /* ... misaligned */
	root[0x109] = PTE(0x3ffc00000ull, PTE_RW);     /* aligned, past everything */
	root[0x10a] = PTE(RAM, PTE_RW);		       /* two good ones, */
	root[0x10b] = PTE(RAM, PTE_RW);		       /* side by side */
	csr_write(satp, SATP_SV32 | ((uint32_t)(uintptr_t)root >> 12));
	hg_sfence();
	puts_("megapage\n");

	uint32_t off = (uint32_t)(uintptr_t)&scratch[0] - RAM;
	hg_probe_three("ppn0=1", MB4(0x101) + off);
	hg_probe_three("ppn0=0x200", MB4(0x102) + off);
	hg_probe_three("read-only", MB4(0x103) + off);
	hg_probe_three("invalid", MB4(0x104) + off);
	hg_probe_three("w without r", MB4(0x105) + off);
	hg_probe_three("user page", MB4(0x106) + off);
	csr_set(sstatus, SSTATUS_SUM);
	hg_probe_load("user page with SUM", MB4(0x106) + off);
	csr_clear(sstatus, SSTATUS_SUM);
	hg_probe_three("past everything", MB4(0x109));
	/* Straddling: bytes 0-1 in the good megapage, 2-3 in the bad one. */
	scratch[0] = 0xa1b2c3d4;
	uint32_t edge = MB4(0x108) - 2, v = 0;
	hg_cause = 0;
	__asm__ volatile("li %0, 0\n lw %0, 0(%1)" : "=&r"(v) : "r"(edge) : "memory");
	hg_report("straddle load", v);
	hg_probe_store("straddle store", edge, 0xffffffffu);
	/* The good half is the last two bytes of RAM's first 4 MiB. */
	volatile uint8_t *tail = (volatile uint8_t *)(RAM + 0x400000u - 2);
	puts_(tail[0] != 0xff || tail[1] != 0xff ? "straddle store wrote nothing\n"
						 : "straddle store wrote its first half\n");
	/* Straddling two good megapages, neither touched yet: bytes 0-1 are
	 * the top of RAM's first 4 MiB, bytes 2-3 its first word. */
	edge = MB4(0x10b) - 2;
	hg_probe_store("good straddle store", edge, 0xcafef00du);
	hg_cause = 0;
	__asm__ volatile("li %0, 0\n lw %0, 0(%1)" : "=&r"(v) : "r"(edge) : "memory");
	hg_report("good straddle load", v);
	csr_write(satp, 0);
	puts_("done\n");
}
