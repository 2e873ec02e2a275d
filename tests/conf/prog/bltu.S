/* bltu: taken if rs1 < rs2, unsigned. Taken and not taken, forward and
 * backward (unprivileged spec, "Conditional Branches"). */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_BR_TAKEN(1, bltu, 0, 0xffffffff)
	TEST_BR_NOT(2, bltu, 0xffffffff, 0)
	TEST_BR_NOT(3, bltu, 0x00000000, 0x00000000)
	TEST_BR_NOT(4, bltu, 0x00000001, 0x00000000)
	TEST_BR_TAKEN(5, bltu, 0x00000000, 0x00000001)
	TEST_BR_NOT(6, bltu, 0xffffffff, 0x00000000)
	TEST_BR_TAKEN(7, bltu, 0x00000000, 0xffffffff)
	TEST_BR_NOT(8, bltu, 0x80000000, 0x7fffffff)
	TEST_BR_TAKEN(9, bltu, 0x7fffffff, 0x80000000)
	TEST_BR_NOT(10, bltu, 0xffffffff, 0xffffffff)
	TEST_BR_TAKEN(11, bltu, 0xfffffffe, 0xffffffff)
	TEST_BR_BACKWARD(12, bltu, 0x00000005, 0x00000006)
CONF_END
