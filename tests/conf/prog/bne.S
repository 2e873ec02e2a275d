/* bne: taken if rs1 != rs2. Taken and not taken, forward and
 * backward (unprivileged spec, "Conditional Branches"). */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_BR_TAKEN(1, bne, 5, 6)
	TEST_BR_NOT(2, bne, 0x80000000, 0x80000000)
	TEST_BR_NOT(3, bne, 0x00000000, 0x00000000)
	TEST_BR_TAKEN(4, bne, 0x00000001, 0x00000000)
	TEST_BR_TAKEN(5, bne, 0x00000000, 0x00000001)
	TEST_BR_TAKEN(6, bne, 0xffffffff, 0x00000000)
	TEST_BR_TAKEN(7, bne, 0x00000000, 0xffffffff)
	TEST_BR_TAKEN(8, bne, 0x80000000, 0x7fffffff)
	TEST_BR_TAKEN(9, bne, 0x7fffffff, 0x80000000)
	TEST_BR_NOT(10, bne, 0xffffffff, 0xffffffff)
	TEST_BR_TAKEN(11, bne, 0xfffffffe, 0xffffffff)
	TEST_BR_BACKWARD(12, bne, 0x00000005, 0x00000006)
CONF_END
