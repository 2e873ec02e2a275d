/* The A extension: every AMO returns the old value and stores the
 * operation's result; lr.w/sc.w succeed on an untouched reservation and
 * fail without one; misaligned addresses trap (lr.w: load-address-
 * misaligned, the others: store-address-misaligned, docs/isa.md). */
#include "tests/conf/conf.h"
/* Case n: memory holds `old`, `inst` with `b`; a0 must read old and the
 * word then hold `want`. */
#define TEST_AMO(n, inst, old, b, want)                               \
	TEST_CASE(n, a0, old, la a1, amo_data; li a2, old; sw a2, 0(a1); \
		  li a2, b; inst a0, a2, (a1));                           \
	TEST_CASE(n, a3, want, lw a3, 0(a1))
CONF_BEGIN
	TEST_AMO(1, amoswap.w, 0x11112222, 0x33334444, 0x33334444)
	TEST_AMO(2, amoadd.w, 0xffffffff, 2, 1)
	TEST_AMO(3, amoxor.w, 0xff00ff00, 0x0ff00ff0, 0xf0f0f0f0)
	TEST_AMO(4, amoand.w, 0xff00ff00, 0x0ff00ff0, 0x0f000f00)
	TEST_AMO(5, amoor.w, 0xff00ff00, 0x0ff00ff0, 0xfff0fff0)
	TEST_AMO(6, amomin.w, 0x80000000, 5, 0x80000000)
	TEST_AMO(7, amomax.w, 0x80000000, 5, 5)
	TEST_AMO(8, amominu.w, 0x80000000, 5, 5)
	TEST_AMO(9, amomaxu.w, 0x80000000, 5, 0x80000000)
	TEST_AMO(10, amoadd.w.aqrl, 40, 2, 42)
	/* lr/sc: success writes 0 and stores, a second sc fails (no
	 * reservation left) and does not store. */
	TEST_CASE(11, a0, 7, la a1, amo_data; li a2, 7; sw a2, 0(a1); lr.w a0, (a1))
	TEST_CASE(12, a3, 0, li a2, 8; sc.w a3, a2, (a1))
	TEST_CASE(13, a0, 8, lw a0, 0(a1))
	TEST_CASE(14, a3, 1, li a2, 9; sc.w a3, a2, (a1)); bnez a3, 1f; j conf_fail; 1:
	TEST_CASE(15, a0, 8, lw a0, 0(a1))
	/* sc.w to another address than the reserved one fails. */
	TEST_CASE(16, a3, 1, lr.w a0, (a1); li a2, 10; addi a4, a1, 4; sc.w a3, a2, (a4); snez a3, a3)
	TEST_CASE(17, a0, 0, lw a0, 4(a1))
	TEST_TRAP(18, 4, la a1, amo_data + 1; lr.w a0, (a1))
	TEST_TRAP(19, 6, la a1, amo_data + 2; sc.w a0, a2, (a1))
	TEST_TRAP(20, 6, la a1, amo_data + 3; amoadd.w a0, a2, (a1))
	la t6, amo_data + 3
	CHECK_WORD(conf_trap_tval, t6)
CONF_END
	.data
	.align 2
amo_data:
	.word 0, 0
