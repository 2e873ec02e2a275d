/* srst: SBI system reset (shutdown) with an exit status in the reason. */
#include "tests/guest/rt.h"

void test_main(void)
{
	puts_("shutting down\n");
	sbi(0x53525354, 0, 0, 0xf0000007, 0); /* SRST: shutdown, exit 7 */
	puts_("still here?\n");
	finish(99);
}
