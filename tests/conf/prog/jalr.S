/* jalr: target = (rs1 + imm) with bit 0 cleared, rd = pc + 4, rd = rs1
 * reads rs1 first; a target that is not a multiple of 4 raises
 * instruction-address-misaligned (stval = target, rd not written),
 * since TRV32 has no compressed instructions (unprivileged spec,
 * "Unconditional Jumps"). */
#include "tests/conf/conf.h"
CONF_BEGIN
	li gp, 1
	la a1, 3f
	jalr a0, 0(a1)
4:	j conf_fail
3:	la a2, 4b
	bne a0, a2, conf_fail
	li gp, 2 /* bit 0 of the target is cleared */
	la a1, 5f
	addi a1, a1, 1
	jalr x0, 0(a1)
	j conf_fail
5:	li gp, 3 /* rd = rs1: the old rs1 is the target */
	la a1, 6f
	jalr a1, 0(a1)
7:	j conf_fail
6:	la a2, 7b
	bne a1, a2, conf_fail
	li gp, 4 /* an offset */
	la a1, 8f - 8
	jalr x0, 8(a1)
	j conf_fail
8:	li gp, 5 /* a negative offset, rd = ra */
	la a1, 10f + 16
	jalr ra, -16(a1)
11:	j conf_fail
10:	la a2, 11b
	bne ra, a2, conf_fail
	li a0, 0x55
	TEST_TRAP(6, 0, la a1, 9f; addi a1, a1, 2; jalr a0, 0(a1); 9: nop; nop)
	li t6, 0x55 /* rd unchanged */
	bne a0, t6, conf_fail
	la t6, 9b
	addi t6, t6, 2
	CHECK_WORD(conf_trap_tval, t6)
CONF_END
