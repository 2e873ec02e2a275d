/* sb: store the low byte of rs2; only that byte changes (unprivileged
 * spec, "Load and Store Instructions"). */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_ST(1, 0x000000dd, 0, sb a2, 0(a1))
	TEST_ST(2, 0x0000dd00, 0, sb a2, 1(a1))
	TEST_ST(3, 0x00dd0000, 0, sb a2, 2(a1))
	TEST_ST(4, 0xdd000000, 0, sb a2, 3(a1))
	TEST_ST(5, 0x000000dd, 4, addi a1, a1, 8; sb a2, -4(a1); addi a1, a1, -8)
	TEST_ST(6, 0x00000000, 0, sb zero, 0(a1))
CONF_END
	CONF_ST_DATA
