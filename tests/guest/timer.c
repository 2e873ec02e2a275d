/* timer: Sstc timer interrupts through stimecmp, taken from wfi. */
#include "tests/guest/rt.h"

static volatile int ticks;

static uint64_t now(void)
{
	uint32_t hi, lo;
	do {
		hi = csr_read(timeh);
		lo = csr_read(time);
	} while (hi != csr_read(timeh));
	return ((uint64_t)hi << 32) | lo;
}

static void arm(uint64_t when)
{
	csr_write(stimecmp, (uint32_t)when);
	csr_write(stimecmph, (uint32_t)(when >> 32));
}

void trap_handler(uint32_t *regs)
{
	(void)regs;
	if (csr_read(scause) != 0x80000005u) {
		puts_("unexpected trap\n");
		finish(99);
	}
	ticks++;
	/* Writing stimecmp clears STIP.  The third tick is the last: on
	 * QEMU the timer runs on host time, and a loaded host could let a
	 * fourth one in before the loop below turns interrupts off. */
	arm(ticks < 3 ? now() + 1000 : UINT64_MAX);
}

void test_main(void)
{
	arm(now() + 1000);
	csr_set(sie, 1u << 5);	   /* STIE */
	csr_set(sstatus, 1u << 1); /* SIE */
	while (ticks < 3)
		__asm__ volatile("wfi");
	csr_clear(sstatus, 1u << 1);
	puts_("ticks ");
	putdec((uint32_t)ticks);
	puts_(now() >= 3000 ? " time ok\n" : " time BAD\n");
}
