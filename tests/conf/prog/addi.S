/* addi and the other register-immediate ALU operations of RV32I: 12-bit
 * sign-extended immediates, shift amounts in imm[4:0]. */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_RI(1, addi, 0x00000802, 3, 0x7ff)
	TEST_RI(2, addi, 0xfffff803, 3, -0x800)
	TEST_RI(3, addi, 0x80000000, 0x7fffffff, 1)
	TEST_RI_SRC1_EQ_DEST(4, addi, 24, 13, 11)
	TEST_RI(5, andi, 0xff00ff00, 0xff00ff00, -1)
	TEST_RI(6, andi, 0x00000700, 0xff00ff00, 0x70f)
	TEST_RI(7, ori, 0xffffff0f, 0xff00ff00, -0xf1)
	TEST_RI(8, xori, 0x00ff000f, 0xff00ff0f, -1 ^ 0xff)
	TEST_RI(9, slli, 0x80000000, 1, 31)
	TEST_RI(10, srli, 0x00000001, 0x80000000, 31)
	TEST_RI(11, srai, 0xffff0000, 0x80000000, 15)
	TEST_RI(12, slti, 1, 0xffffffff, 0)
	TEST_RI(13, slti, 0, 0, -1)
	TEST_RI(14, sltiu, 1, 0, -1) /* -1 compares as 0xffffffff */
	TEST_RI(15, sltiu, 0, 0xffffffff, -1)
	TEST_RI_SRC1_EQ_DEST(16, sltiu, 1, 0, 1) /* seqz */
CONF_END
