/* bgeu: taken if rs1 >= rs2, unsigned. Taken and not taken, forward and
 * backward (unprivileged spec, "Conditional Branches"). */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_BR_TAKEN(1, bgeu, 0x80000000, 0x7fffffff)
	TEST_BR_NOT(2, bgeu, 1, 2)
	TEST_BR_TAKEN(3, bgeu, 0x00000000, 0x00000000)
	TEST_BR_TAKEN(4, bgeu, 0x00000001, 0x00000000)
	TEST_BR_NOT(5, bgeu, 0x00000000, 0x00000001)
	TEST_BR_TAKEN(6, bgeu, 0xffffffff, 0x00000000)
	TEST_BR_NOT(7, bgeu, 0x00000000, 0xffffffff)
	TEST_BR_TAKEN(8, bgeu, 0x80000000, 0x7fffffff)
	TEST_BR_NOT(9, bgeu, 0x7fffffff, 0x80000000)
	TEST_BR_TAKEN(10, bgeu, 0xffffffff, 0xffffffff)
	TEST_BR_NOT(11, bgeu, 0xfffffffe, 0xffffffff)
	TEST_BR_BACKWARD(12, bgeu, 0x00000005, 0x00000005)
CONF_END
