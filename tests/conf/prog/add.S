/* add, sub, and the other register-register ALU operations of RV32I
 * (unprivileged spec, "Integer Register-Register Operations"). */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_RR(1, add, 3, 1, 2)
	TEST_RR(2, add, 0, 0xffffffff, 1)
	TEST_RR(3, add, 0x80000000, 0x7fffffff, 1)
	TEST_RR_SRC1_EQ_DEST(4, add, 24, 13, 11)
	TEST_RR_SRC2_EQ_DEST(5, add, 25, 14, 11)
	TEST_RR_ZERO_DEST(6, add, 1, 2)
	TEST_RR(7, sub, 0xffffffff, 1, 2)
	TEST_RR(8, sub, 0x7fffffff, 0x80000000, 1)
	TEST_RR_SRC1_EQ_DEST(9, sub, 2, 13, 11)
	TEST_RR(10, and, 0x0f000f00, 0xff00ff00, 0x0f0f0f0f)
	TEST_RR(11, or, 0xff0fff0f, 0xff00ff00, 0x0f0f0f0f)
	TEST_RR(12, xor, 0xf00ff00f, 0xff00ff00, 0x0f0f0f0f)
	TEST_RR(13, sll, 0x80000000, 1, 31)
	TEST_RR(14, sll, 0x00000002, 1, 33) /* only rs2[4:0] counts */
	TEST_RR(15, srl, 0x00000001, 0x80000000, 31)
	TEST_RR(16, srl, 0x40000000, 0x80000000, 0xffffffe1)
	TEST_RR(17, sra, 0xffffffff, 0x80000000, 31)
	TEST_RR(18, sra, 0x3fffffff, 0x7fffffff, 1)
	TEST_RR(19, slt, 1, 0x80000000, 0)
	TEST_RR(20, slt, 0, 0, 0x80000000)
	TEST_RR(21, slt, 0, 5, 5)
	TEST_RR(22, sltu, 0, 0x80000000, 0)
	TEST_RR(23, sltu, 1, 0, 0x80000000)
	TEST_RR_SRC2_EQ_DEST(24, sltu, 1, 3, 7)
CONF_END
