/* paging: Sv32 with a megapage for ourselves and a 4 KiB page mapped
 * elsewhere; hardware A/D bits; a page fault with stval. */
#include "tests/guest/rt.h"

#define PTE_V 1u
#define PTE_R 2u
#define PTE_W 4u
#define PTE_X 8u
#define PTE_A 64u
#define PTE_D 128u

static uint32_t root[1024] __attribute__((aligned(4096)));
static uint32_t leaf[1024] __attribute__((aligned(4096)));
static uint32_t data[1024] __attribute__((aligned(4096)));

#define VA 0x40000000u

void trap_handler(uint32_t *regs)
{
	(void)regs;
	puts_("fault cause ");
	putdec(csr_read(scause));
	puts_(" stval ");
	puthex(csr_read(stval));
	putc_('\n');
	finish(0);
}

void test_main(void)
{
	/* 0x00000000: identity megapage for the finisher at 0x100000. */
	root[0] = PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;
	/* 0x80000000: a 4 MiB identity megapage (VPN[1] = 0x200). */
	root[0x200] = (0x80000000u >> 12 << 10) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D;
	/* 0x40000000: a pointer to `leaf`, whose entry 0 maps `data`. */
	root[VA >> 22] = ((uint32_t)(uintptr_t)leaf >> 12 << 10) | PTE_V;
	leaf[0] = ((uint32_t)(uintptr_t)data >> 12 << 10) | PTE_V | PTE_R | PTE_W;
	csr_write(satp, (1u << 31) | ((uint32_t)(uintptr_t)root >> 12));
	__asm__ volatile("sfence.vma");

	volatile uint32_t *pte = &leaf[0]; /* the hardware changes it */
	uint32_t before = *pte;
	volatile uint32_t *v = (volatile uint32_t *)VA;
	uint32_t x = v[5]; /* a read: sets A */
	uint32_t after_read = *pte;
	v[5] = 0x1234abcd; /* a write: sets D */
	puts_("data[5] ");
	puthex(data[5]);
	puts_(x == 0 ? "\n" : " BAD\n");
	puts_((before & (PTE_A | PTE_D)) == 0 ? "A/D clear at first\n" : "BAD\n");
	puts_((after_read & (PTE_A | PTE_D)) == PTE_A ? "A after read\n" : "BAD\n");
	puts_((*pte & (PTE_A | PTE_D)) == (PTE_A | PTE_D) ? "A+D after write\n" : "BAD\n");
	(void)*(volatile uint32_t *)(VA + 0x1000); /* unmapped: load page fault */
	puts_("no fault?\n");
	finish(99);
}
