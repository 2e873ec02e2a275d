/* exit_code: the finisher's fail command carries the exit status. */
#include "tests/guest/rt.h"

void test_main(void)
{
	puts_("exiting with 42\n");
	finish(42);
}
