/* spin: a runaway guest, for --max-insns. */
#include "tests/guest/rt.h"

void test_main(void)
{
	puts_("spinning\n");
	for (;;)
		__asm__ volatile("");
}
