/*
 * stvec_forever: a trap vector that itself traps, so every trap leads to
 * another, forever, retiring nothing.  Selected by the boot argument
 * v=N: 0 stvec at address 0 (instruction access fault), 1 at the UART
 * (access fault), 2 past RAM, 3 at an illegal instruction, 4 at an
 * unmapped page with paging on (instruction page fault), 5 at a page
 * without X.  Only --max-insns ends it: a trap counts as one.
 */
#include "tests/monitor/hostile/hg.h"

static uint32_t root[1024] __attribute__((aligned(4096)));
static uint32_t leaf[1024] __attribute__((aligned(4096)));
static const uint32_t illegal[1] __attribute__((aligned(4))) = { 0 };

void hg_main(void)
{
	uint32_t v = hg_arg("v", 0);
	uint32_t target[] = { 0,	   0x10000000u, 0xc0000000u, (uint32_t)(uintptr_t)illegal,
			      0x40000000u, 0x40400000u };
	puts_("storm ");
	putdec(v);
	putc_('\n');
	if (v >= 4) {
		root[RAM >> 22] = PTE(RAM, PTE_RWX);
		root[0x101] = PTE_TABLE((uint32_t)(uintptr_t)leaf);
		leaf[0] = PTE(RAM, PTE_RW); /* no X */
		csr_write(satp, SATP_SV32 | ((uint32_t)(uintptr_t)root >> 12));
		hg_sfence();
	}
	csr_write(stvec, target[v % 6]);
	__asm__ volatile("ebreak"); /* the first trap */
	puts_("BAD: returned\n");
}
