/* wfi_forever: waits for an interrupt nothing can raise. */
#include "tests/guest/rt.h"

void test_main(void)
{
	puts_("waiting\n");
	for (;;)
		__asm__ volatile("wfi");
}
