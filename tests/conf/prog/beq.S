/* beq: taken if rs1 = rs2. Taken and not taken, forward and
 * backward (unprivileged spec, "Conditional Branches"). */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_BR_TAKEN(1, beq, 5, 5)
	TEST_BR_NOT(2, beq, 5, 6)
	TEST_BR_TAKEN(3, beq, 0x00000000, 0x00000000)
	TEST_BR_NOT(4, beq, 0x00000001, 0x00000000)
	TEST_BR_NOT(5, beq, 0x00000000, 0x00000001)
	TEST_BR_NOT(6, beq, 0xffffffff, 0x00000000)
	TEST_BR_NOT(7, beq, 0x00000000, 0xffffffff)
	TEST_BR_NOT(8, beq, 0x80000000, 0x7fffffff)
	TEST_BR_NOT(9, beq, 0x7fffffff, 0x80000000)
	TEST_BR_TAKEN(10, beq, 0xffffffff, 0xffffffff)
	TEST_BR_NOT(11, beq, 0xfffffffe, 0xffffffff)
	TEST_BR_BACKWARD(12, beq, 0x00000005, 0x00000005)
CONF_END
