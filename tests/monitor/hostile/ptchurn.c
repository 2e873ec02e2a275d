/*
 * ptchurn: page tables churned for n=N iterations (boot argument): each
 * iteration rewrites PTEs (to RAM, to the UART, outside RAM, to the table
 * itself, misaligned megapages), switches between 24 address spaces --
 * more than the monitor caches shadows for --, fences, and touches
 * memory through each.  The monitor must not grow with N: the tests run
 * it at N and 4N and compare the monitor's peak memory.
 */
#include "tests/monitor/hostile/hg.h"

#define SPACES 24
static uint32_t roots[SPACES][1024] __attribute__((aligned(4096)));
static uint32_t leaf[1024] __attribute__((aligned(4096)));
static uint32_t data[4][1024] __attribute__((aligned(4096)));

#define VA 0x40000000u

void hg_main(void)
{
	uint32_t n = hg_arg("n", 100), sum = 0, faults = 0;
	for (int s = 0; s < SPACES; s++) {
		roots[s][RAM >> 22] = PTE(RAM, PTE_RWX);
		roots[s][VA >> 22] = PTE_TABLE((uint32_t)(uintptr_t)leaf);
		roots[s][0x101 + s] = PTE(RAM + 0x1000u * (uint32_t)s, PTE_RW); /* misaligned */
	}
	for (int d = 0; d < 4; d++)
		data[d][0] = 0x1000u * (uint32_t)d + 1;
	puts_("ptchurn\n");
	for (uint32_t i = 0; i < n; i++) {
		uint32_t s = i % SPACES;
		leaf[0] = PTE((uint32_t)(uintptr_t)data[i & 3], PTE_RW);
		leaf[1] = PTE(0x10000000u, PTE_RW);
		leaf[2] = PTE(0xc0000000u + (i << 12), PTE_RW);
		leaf[3] = PTE((uint32_t)(uintptr_t)leaf, PTE_RW);
		leaf[4 + (i % 1000)] = PTE((uint32_t)(uintptr_t)data[(i >> 2) & 3], PTE_RW);
		csr_write(satp, SATP_SV32 | ((uint32_t)(uintptr_t)roots[s] >> 12));
		hg_sfence();
		sum += hg_load(VA);
		sum += hg_load(VA + 0x1000u) & 0xff; /* the UART's RBR: 0 */
		hg_load(VA + 0x2000u);
		faults += hg_cause == 5;
		hg_store(VA + 0x3000u + 4 * (4 + (i % 1000)), 0); /* a PTE, via itself */
		hg_load((0x101u + s) << 22);
		faults += hg_cause == 13;
		hg_sfence();
		sum += hg_load(VA + 0x1000u * (4 + (i % 1000))) & 0; /* just unmapped */
		faults += hg_cause == 13;
		csr_write(satp, 0);
	}
	puts_("sum ");
	puthex(sum);
	puts_(" faults ");
	putdec(faults);
	putc_('\n');
}
