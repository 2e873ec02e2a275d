/* selfmod: code written at run time runs as written, even when it
 * replaces code that already ran (the predecode cache must notice). */
#include "tests/guest/rt.h"

static uint32_t code[2] __attribute__((aligned(4)));

static int call_code(void)
{
	int r;
	__asm__ volatile("jalr ra, 0(%1)\n mv %0, a0" : "=r"(r) : "r"(code) : "ra", "a0", "memory");
	return r;
}

void test_main(void)
{
	code[0] = 0x00700513; /* addi a0, x0, 7 */
	code[1] = 0x00008067; /* jalr x0, 0(ra) */
	__asm__ volatile("fence.i");
	int first = call_code();
	code[0] = 0x00900513; /* addi a0, x0, 9 */
	__asm__ volatile("fence.i");
	int second = call_code();
	putdec((uint32_t)first);
	putc_(' ');
	putdec((uint32_t)second);
	putc_('\n');
}
