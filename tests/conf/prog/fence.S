/* fence and fence.i: a store of an instruction followed by fence.i is
 * what the next fetch sees (unprivileged spec, "Zifencei"). */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_CASE(1, a0, 5, li a0, 5; fence; fence rw, rw; fence iorw, iorw)
	/* Patch `li a0, 1` at fence_site into `li a0, 2`, then run it. */
	li gp, 2
	la a1, fence_site
	lw a2, 0(a1)
	li a3, 3 << 20 /* imm field of addi: 1 -> 2 (1 ^ 3 = 2) */
	xor a2, a2, a3
	sw a2, 0(a1)
	fence.i
fence_site:
	li a0, 1
	li t6, 2
	bne a0, t6, conf_fail
CONF_END
