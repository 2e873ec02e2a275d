/* exitstorm: a guest that never stops calling its monitor -- an SBI call
 * (a hypercall, or a VM exit under TVT) and a UART register read (a device
 * exit) in a loop.  Each retires an instruction, so --max-insns must stop
 * it in every mode, however much of the work is the monitor's. */
#include "tests/guest/rt.h"

void test_main(void)
{
	puts_("exits\n");
	for (;;) {
		sbi(0x10, 0, 0, 0, 0); /* base extension: get_spec_version */
		(void)UART[5];	       /* LSR */
	}
}
