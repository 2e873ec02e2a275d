/* sh: store the low halfword of rs2; a misaligned one is done in
 * hardware (TRV32, QEMU), also across a word boundary. */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_ST(1, 0x0000ccdd, 0, sh a2, 0(a1))
	TEST_ST(2, 0xccdd0000, 0, sh a2, 2(a1))
	TEST_ST(3, 0x00ccdd00, 0, sh a2, 1(a1))	/* misaligned */
	TEST_ST(4, 0xdd000000, 0, sh a2, 3(a1))	/* across the word boundary */
	TEST_ST(5, 0x000000cc, 4, sh a2, 3(a1))
	TEST_ST(6, 0x0000ccdd, 4, addi a1, a1, 8; sh a2, -4(a1); addi a1, a1, -8)
CONF_END
	CONF_ST_DATA
