/* blt: taken if rs1 < rs2, signed. Taken and not taken, forward and
 * backward (unprivileged spec, "Conditional Branches"). */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_BR_TAKEN(1, blt, 0x80000000, 0)
	TEST_BR_NOT(2, blt, 0, 0x80000000)
	TEST_BR_NOT(3, blt, 3, 3)
	TEST_BR_NOT(4, blt, 0x00000000, 0x00000000)
	TEST_BR_NOT(5, blt, 0x00000001, 0x00000000)
	TEST_BR_TAKEN(6, blt, 0x00000000, 0x00000001)
	TEST_BR_TAKEN(7, blt, 0xffffffff, 0x00000000)
	TEST_BR_NOT(8, blt, 0x00000000, 0xffffffff)
	TEST_BR_TAKEN(9, blt, 0x80000000, 0x7fffffff)
	TEST_BR_NOT(10, blt, 0x7fffffff, 0x80000000)
	TEST_BR_NOT(11, blt, 0xffffffff, 0xffffffff)
	TEST_BR_TAKEN(12, blt, 0xfffffffe, 0xffffffff)
	TEST_BR_BACKWARD(13, blt, 0x00000005, 0x00000006)
CONF_END
