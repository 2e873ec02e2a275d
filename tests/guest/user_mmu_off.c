/* user_mmu_off: with the MMU off (satp = 0), S-mode and U-mode take turns
 * on the same pages -- the same data words written and read by both, the
 * same function executed by both, with SUM off and on.  On the machine
 * every access is allowed in either mode; a monitor's shadow entries for
 * one mode must not stop the other (each switch may cost it a refill). */
#include "tests/guest/rt.h"

static volatile uint32_t shared[4];
static volatile int round_;

/* Executed in both modes. */
static __attribute__((noinline)) uint32_t mix(uint32_t a, uint32_t b)
{
	return a * 31u + b;
}

static void user_code(void)
{
	for (;;) {
		shared[0] = mix(shared[1], (uint32_t)round_); /* U writes, reads */
		shared[2] = shared[3] + 1;
		__asm__ volatile("li a7, 1\n ecall" ::: "a7", "memory");
	}
}

void trap_handler(uint32_t *regs)
{
	(void)regs;
	if (csr_read(scause) != 8) {
		puts_("unexpected trap ");
		putdec(csr_read(scause));
		putc_('\n');
		finish(99);
	}
	/* S reads what U wrote, and writes what U will read. */
	shared[1] = mix(shared[0], shared[2]);
	shared[3] = shared[2] * 3u;
	puts_("round ");
	putdec((uint32_t)round_);
	puts_(" ");
	puthex(shared[1]);
	putc_('\n');
	if (++round_ == 4)
		finish(0);
	if (round_ == 2)
		csr_set(sstatus, 1u << 18); /* SUM on for the last rounds */
	csr_write(sepc, csr_read(sepc) + 4);
}

void test_main(void)
{
	shared[1] = mix(1, 2); /* S touches the pages first */
	csr_clear(sstatus, 1u << 8);
	csr_write(sepc, (uint32_t)(uintptr_t)user_code);
	__asm__ volatile("sret");
}
