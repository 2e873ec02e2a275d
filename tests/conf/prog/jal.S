/* jal: rd = pc + 4, pc += the offset, forward and backward; rd = x0 is a
 * plain jump (unprivileged spec, "Unconditional Jumps"). */
#include "tests/conf/conf.h"
CONF_BEGIN
	li gp, 1
	jal a0, 1f
2:	j conf_fail
1:	la a1, 2b
	bne a0, a1, conf_fail
	/* Backward: jump ahead, then jal back, then on. */
	li gp, 2
	j 4f
3:	la a1, 5f
	bne a0, a1, conf_fail
	j 6f
4:	jal a0, 3b
5:	j conf_fail
6:	li gp, 3
	jal zero, 7f
	j conf_fail
7:	TEST_CASE(4, zero, 0, jal zero, 8f; 8:)
CONF_END
