/* chatter: numbered console lines, forever.  For the run whose reader
 * goes away (`trapvisor run chatter.elf | head -1`): the run must end when
 * its stdout's pipe closes, with its trace whole, rather than hang. */
#include "tests/guest/rt.h"

void test_main(void)
{
	for (uint32_t n = 0;; n++) {
		puts_("line ");
		putdec(n);
		putc_('\n');
	}
}
