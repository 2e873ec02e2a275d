/* Zicsr: the six forms on sscratch from S-mode (csrrw/s/c and their
 * immediate forms, rd = x0 and rs1 = x0 variants); from U-mode every
 * access to an S-level CSR is an illegal instruction with stval = the
 * instruction word, and so is sret. */
#include "tests/conf/conf.h"
CONF_BEGIN
#if CONF_IN_U
	TEST_TRAP(1, 2, 91: csrr a0, sscratch)
	li t6, 0x14002573 /* csrr a0, sscratch */
	CHECK_WORD(conf_trap_tval, t6)
	TEST_TRAP(2, 2, csrw sscratch, a0)
	TEST_TRAP(3, 2, csrr a0, satp)
	TEST_TRAP(4, 2, sret)
	TEST_TRAP(5, 2, sfence.vma)
#else
	TEST_CASE(1, a0, 0x12345678, li a1, 0x12345678; csrw sscratch, a1; csrr a0, sscratch)
	TEST_CASE(2, a0, 0x12345678, li a1, 0xf0; csrrw a0, sscratch, a1)
	TEST_CASE(3, a0, 0xf0, li a1, 0x0f; csrrs a0, sscratch, a1)
	TEST_CASE(4, a0, 0xff, li a1, 0x3c; csrrc a0, sscratch, a1)
	TEST_CASE(5, a0, 0xc3, csrr a0, sscratch)
	TEST_CASE(6, a0, 0xc3, csrrwi a0, sscratch, 0x1f)
	TEST_CASE(7, a0, 0x1f, csrrsi a0, sscratch, 0x10)
	TEST_CASE(8, a0, 0x1f, csrrci a0, sscratch, 0x0f)
	TEST_CASE(9, a0, 0x10, csrrs a0, sscratch, x0)
	TEST_CASE(10, a0, 0x10, csrrsi x0, sscratch, 0; csrr a0, sscratch)
	/* A read-only CSR: reading is legal, writing is illegal. */
	TEST_TRAP(11, 2, csrw cycle, a0)
	/* cycle never goes backwards */
	TEST_CASE(12, a0, 0, rdcycle a1; rdcycle a2; sltu a0, a2, a1)
#endif
CONF_END
