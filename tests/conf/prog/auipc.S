/* auipc: rd = the pc of the auipc itself + (imm << 12), wrapping; checked
 * against a label's address, so it holds at either address the body runs
 * at (crt.S). */
#include "tests/conf/conf.h"
CONF_BEGIN
	li gp, 1
1:	auipc a0, 0
	la a1, 1b
	bne a0, a1, conf_fail
	li gp, 2
2:	auipc a0, 1
	la a1, 2b
	sub a0, a0, a1
	li t6, 0x1000
	bne a0, t6, conf_fail
	li gp, 3
3:	auipc a0, 0xfffff /* pc - 4096, wrapping */
	la a1, 3b
	sub a0, a1, a0
	li t6, 0x1000
	bne a0, t6, conf_fail
	li gp, 4
4:	auipc a0, 0x80000 /* pc + 2^31 */
	la a1, 4b
	sub a0, a0, a1
	li t6, 0x80000000
	bne a0, t6, conf_fail
	TEST_CASE(5, zero, 0, auipc zero, 1)
CONF_END
