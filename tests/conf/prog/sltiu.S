/* sltiu: 1 if rs1 < the sign-extended immediate, both unsigned (sltiu rd, rs, 1 is seqz). */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_RI(1, sltiu, 1, 0, -1) /* -1 compares as 0xffffffff */
	TEST_RI(2, sltiu, 0, 0xffffffff, -1)
	TEST_RI_SRC1_EQ_DEST(3, sltiu, 1, 0, 1) /* seqz */
	TEST_RI(4, sltiu, 0x00000000, 0x00000000, 0)
	TEST_RI(5, sltiu, 0x00000001, 0x00000000, 1)
	TEST_RI(6, sltiu, 0x00000001, 0x00000000, -1)
	TEST_RI(7, sltiu, 0x00000001, 0x00000000, 2047)
	TEST_RI(8, sltiu, 0x00000001, 0x00000000, -2048)
	TEST_RI(9, sltiu, 0x00000001, 0x00000000, 1365)
	TEST_RI(10, sltiu, 0x00000001, 0x00000000, -1366)
	TEST_RI(11, sltiu, 0x00000000, 0x80000000, 0)
	TEST_RI(12, sltiu, 0x00000001, 0x80000000, -1)
	TEST_RI(13, sltiu, 0x00000001, 0x80000000, -2048)
	TEST_RI(14, sltiu, 0x00000001, 0x80000000, -1366)
	TEST_RI(15, sltiu, 0x00000000, 0x7fffffff, 0)
	TEST_RI(16, sltiu, 0x00000001, 0x7fffffff, -1)
	TEST_RI(17, sltiu, 0x00000001, 0x7fffffff, -2048)
	TEST_RI(18, sltiu, 0x00000001, 0x7fffffff, -1366)
	TEST_RI(19, sltiu, 0x00000000, 0x12345678, 0)
	TEST_RI(20, sltiu, 0x00000001, 0x12345678, -1)
	TEST_RI(21, sltiu, 0x00000001, 0x12345678, -2048)
	TEST_RI(22, sltiu, 0x00000001, 0x12345678, -1366)
	TEST_RI(23, sltiu, 0x00000000, 0xfffffffe, 0)
	TEST_RI(24, sltiu, 0x00000001, 0xfffffffe, -1)
	TEST_RI(25, sltiu, 0x00000000, 0xfffffffe, -2048)
	TEST_RI(26, sltiu, 0x00000000, 0xfffffffe, -1366)
	TEST_RI_ZERO_SRC1(27, sltiu, 0x00000001, 5)
	TEST_RI_ZERO_DEST(28, sltiu, 33, 5)
CONF_END
