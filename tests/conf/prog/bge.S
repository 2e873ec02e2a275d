/* bge: taken if rs1 >= rs2, signed. Taken and not taken, forward and
 * backward (unprivileged spec, "Conditional Branches"). */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_BR_TAKEN(1, bge, 3, 3)
	TEST_BR_TAKEN(2, bge, 0, 0xffffffff)
	TEST_BR_NOT(3, bge, 0xffffffff, 0)
	TEST_BR_TAKEN(4, bge, 0x00000000, 0x00000000)
	TEST_BR_TAKEN(5, bge, 0x00000001, 0x00000000)
	TEST_BR_NOT(6, bge, 0x00000000, 0x00000001)
	TEST_BR_NOT(7, bge, 0xffffffff, 0x00000000)
	TEST_BR_TAKEN(8, bge, 0x00000000, 0xffffffff)
	TEST_BR_NOT(9, bge, 0x80000000, 0x7fffffff)
	TEST_BR_TAKEN(10, bge, 0x7fffffff, 0x80000000)
	TEST_BR_TAKEN(11, bge, 0xffffffff, 0xffffffff)
	TEST_BR_NOT(12, bge, 0xfffffffe, 0xffffffff)
	TEST_BR_BACKWARD(13, bge, 0x00000005, 0x00000005)
CONF_END
