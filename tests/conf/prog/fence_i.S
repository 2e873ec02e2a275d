/* fence.i: a store of an instruction followed by fence.i is what the next
 * fetch sees (unprivileged spec, "Zifencei"), twice at the same place
 * (a cached decoding must not survive) and once in another spot. */
#include "tests/conf/conf.h"
/* Case n: turn `li a0, OLD` at `site` into `li a0, OLD ^ x` (x flips imm
 * bits), fence.i, run it: a0 must be OLD ^ x. */
#define PATCH(n, site, x)        \
	li gp, n;                \
	la a1, site;             \
	lw a2, 0(a1);            \
	li a3, (x) << 20;        \
	xor a2, a2, a3;          \
	sw a2, 0(a1);            \
	fence.i
CONF_BEGIN
	li s1, 0
1:	PATCH(1, 2f, 3)	/* 1 -> 2, then 2 -> 1 */
	addi s1, s1, 1
2:	li a0, 1
	li t6, 2
	andi a4, s1, 1
	bnez a4, 3f
	li t6, 1
3:	bne a0, t6, conf_fail
	li t6, 2
	bltu s1, t6, 1b
	PATCH(2, 4f, 0x7f)	/* 0x100 -> 0x17f */
4:	li a0, 0x100
	li t6, 0x17f
	bne a0, t6, conf_fail
CONF_END
