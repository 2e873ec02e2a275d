/*
 * pt_mmio: page tables that point at devices and outside RAM.
 *
 * The privileged spec: a walk that reads a PTE from something that is not
 * memory raises an access fault of the access's kind (load 5, store 7,
 * fetch 1), as does an access through a leaf to an address that is
 * neither RAM nor a device.  A leaf may map a device: loads and stores
 * reach it (that is how kernels map their UART), but a fetch from it is an
 * instruction access fault, and so is an atomic on it (TRV32: store access
 * fault, 7; lr.w: load access fault, 5).
 */
#include "tests/monitor/hostile/hg.h"

static uint32_t root[1024] __attribute__((aligned(4096)));
static uint32_t leaf[1024] __attribute__((aligned(4096)));

#define UART_PA	   0x10000000u
#define NOWHERE_PA 0x40000000u	  /* no device, no RAM */
#define PAST_RAM   0xc0000000u	  /* past the largest RAM (1 GiB) */
#define TOP_PA	   0x3fffff000ull /* the last page of the 34-bit space */

void hg_main(void)
{
	root[0] = PTE(0, PTE_RW); /* the finisher, for the end */
	root[RAM >> 22] = PTE(RAM, PTE_RWX);
	/* Second-level tables that are not memory. */
	root[1] = PTE_TABLE(UART_PA);
	root[2] = PTE_TABLE(NOWHERE_PA);
	root[3] = PTE_TABLE(PAST_RAM);
	root[4] = PTE_TABLE(TOP_PA);
	/* Leaves that point at a device and at nothing. */
	root[5] = PTE_TABLE((uint32_t)(uintptr_t)leaf);
	leaf[0] = PTE(UART_PA, PTE_RWX);
	leaf[1] = PTE(NOWHERE_PA, PTE_RWX);
	leaf[2] = PTE(PAST_RAM, PTE_RWX);
	leaf[3] = PTE(TOP_PA, PTE_RWX);
	leaf[4] = PTE(0x0c000000u, PTE_RW); /* the PLIC */
	/* Megapages over devices and nothing. */
	root[6] = PTE(UART_PA, PTE_RWX);
	root[7] = PTE(PAST_RAM, PTE_RWX);
	csr_write(satp, SATP_SV32 | ((uint32_t)(uintptr_t)root >> 12));
	hg_sfence();
	puts_("pt_mmio\n");

	hg_probe_three("table at uart", 0x00400000u);
	hg_probe_three("table at nothing", 0x00800000u);
	hg_probe_three("table past ram", 0x00c00000u);
	hg_probe_three("table at top", 0x01000000u);
	uint32_t l = 0x01400000u;
	uint32_t b;
	hg_cause = 0;
	__asm__ volatile("li %0, 0\n lbu %0, 5(%1)" : "=&r"(b) : "r"(l) : "memory");
	hg_report("leaf uart lsr", b); /* THR empty: 0x60 */
	hg_cause = 0;
	__asm__ volatile("sb %0, 0(%1)" ::"r"('U'), "r"(l) : "memory"); /* 'U' to THR */
	putc_('\n');
	hg_report("leaf uart store", 0);
	hg_probe_jump("leaf uart fetch", l);
	uint32_t old = 0;
	hg_cause = 0;
	__asm__ volatile("amoswap.w %0, %1, (%2)" : "=r"(old) : "r"(0), "r"(l) : "memory");
	hg_report("leaf uart amoswap", old);
	hg_cause = 0;
	__asm__ volatile("li %0, 0\n lr.w %0, (%1)" : "=&r"(old) : "r"(l) : "memory");
	hg_report("leaf uart lr.w", old);
	hg_probe_three("leaf nothing", l + 0x1000);
	hg_probe_three("leaf past ram", l + 0x2000);
	hg_probe_three("leaf top", l + 0x3000);
	hg_probe_load("leaf plic priority 10", l + 0x4000 + 40);
	hg_cause = 0;
	__asm__ volatile("li %0, 0\n lbu %0, 5(%1)" : "=&r"(b) : "r"(0x01800000u) : "memory");
	hg_report("mega uart lsr", b);
	hg_probe_load("mega uart+1M", 0x01800000u + 0x100000u);
	hg_probe_jump("mega uart fetch", 0x01800000u);
	hg_probe_three("mega past ram", 0x01c00000u);
	csr_write(satp, 0);
	puts_("done\n");
}
