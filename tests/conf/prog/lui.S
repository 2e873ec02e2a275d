/* lui and auipc: 20-bit upper immediates; auipc adds the pc of the
 * auipc itself (checked against the address of a label). */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_CASE(1, a0, 0x12345000, lui a0, 0x12345)
	TEST_CASE(2, a0, 0xfffff000, lui a0, 0xfffff)
	TEST_CASE(3, a0, 0x00000800, lui a0, 0; addi a0, a0, 0x7ff; addi a0, a0, 1)
	TEST_CASE(4, zero, 0, lui zero, 0x80000)
	li gp, 5
1:	auipc a0, 0
	la a1, 1b
	bne a0, a1, conf_fail
	li gp, 6
2:	auipc a0, 1
	la a1, 2b
	sub a0, a0, a1
	li t6, 0x1000
	bne a0, t6, conf_fail
	li gp, 7
3:	auipc a0, 0xfffff /* pc - 4096, wrapping */
	la a1, 3b
	sub a0, a1, a0
	li t6, 0x1000
	bne a0, t6, conf_fail
CONF_END
