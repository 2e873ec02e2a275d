/* misaligned_low: a misaligned load near address 0 (no RAM, no device
 * there) is the guest's load access fault -- never the host's problem. */
#include "tests/guest/rt.h"

void trap_handler(uint32_t *regs)
{
	(void)regs;
	puts_("cause ");
	putdec(csr_read(scause));
	puts_(" stval ");
	puthex(csr_read(stval));
	putc_('\n');
	finish(0);
}

void test_main(void)
{
	uint32_t addr = 1, v;
	__asm__ volatile("lh %0, 0(%1)" : "=r"(v) : "r"(addr));
	puts_("no fault?\n");
	finish(99);
}
