/*
 * locals.c -- a guest for the debugger's symbol tests.  `back2` is a
 * local assembly label (`t` in nm, STB_LOCAL), the kind the debugger
 * once refused; `twin` is a global function here and a local label of
 * the same name in locals_twin.S, where the global must win.
 */
#include "tests/guest/rt.h"

void local_twin_call(void);

__attribute__((noinline)) void twin(void)
{
	__asm__ volatile("nop");
}

void test_main(void)
{
	int n = 3;
	/* A loop on a local label: stops at back2 happen three times. */
	__asm__ volatile("back2:\n\t"
			 "addi %0, %0, -1\n\t"
			 "bnez %0, back2"
			 : "+r"(n));
	twin();
	local_twin_call();
	puts_("locals done\n");
}
