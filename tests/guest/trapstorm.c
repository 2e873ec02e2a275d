/* trapstorm: a guest caught in a loop of traps retires nothing, yet
 * --max-insns must stop it (traps count toward the budget). */
#include "tests/guest/rt.h"

void test_main(void)
{
	puts_("storm\n");
	/* stvec = 0, then jump there: instruction access fault, whose
	 * handler is at 0 again, forever. */
	__asm__ volatile("csrw stvec, zero\n jr zero");
}
