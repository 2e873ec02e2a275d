/* beq, bne, blt, bge, bltu, bgeu: taken and not taken, signed and
 * unsigned, forward and backward. */
#include "tests/conf/conf.h"
#define TEST_BR_TAKEN(n, inst, a, b) \
	li gp, n; li a1, a; li a2, b; inst a1, a2, 91f; j conf_fail; 91:
#define TEST_BR_NOT(n, inst, a, b) \
	li gp, n; li a1, a; li a2, b; inst a1, a2, conf_fail
CONF_BEGIN
	TEST_BR_TAKEN(1, beq, 5, 5)
	TEST_BR_NOT(2, beq, 5, 6)
	TEST_BR_TAKEN(3, bne, 5, 6)
	TEST_BR_NOT(4, bne, 0x80000000, 0x80000000)
	TEST_BR_TAKEN(5, blt, 0x80000000, 0)
	TEST_BR_NOT(6, blt, 0, 0x80000000)
	TEST_BR_NOT(7, blt, 3, 3)
	TEST_BR_TAKEN(8, bge, 3, 3)
	TEST_BR_TAKEN(9, bge, 0, 0xffffffff)
	TEST_BR_NOT(10, bge, 0xffffffff, 0)
	TEST_BR_TAKEN(11, bltu, 0, 0xffffffff)
	TEST_BR_NOT(12, bltu, 0xffffffff, 0)
	TEST_BR_TAKEN(13, bgeu, 0x80000000, 0x7fffffff)
	TEST_BR_NOT(14, bgeu, 1, 2)
	/* A backward branch: a loop counting to 5. */
	li gp, 15
	li a0, 0
	li a1, 5
92:	addi a0, a0, 1
	bltu a0, a1, 92b
	bne a0, a1, conf_fail
CONF_END
