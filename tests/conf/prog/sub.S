/* sub: rd = rs1 - rs2, wrapping. */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_RR(1, sub, 0xffffffff, 1, 2)
	TEST_RR(2, sub, 0x7fffffff, 0x80000000, 1)
	TEST_RR_SRC1_EQ_DEST(3, sub, 2, 13, 11)
	TEST_RR(4, sub, 0x00000000, 0x00000000, 0x00000000)
	TEST_RR(5, sub, 0x00000000, 0x00000001, 0x00000001)
	TEST_RR(6, sub, 0xfffffffe, 0xffffffff, 0x00000001)
	TEST_RR(7, sub, 0x80000001, 0x80000000, 0xffffffff)
	TEST_RR(8, sub, 0xffffffff, 0x7fffffff, 0x80000000)
	TEST_RR(9, sub, 0x77777788, 0x12345678, 0x9abcdef0)
	TEST_RR(10, sub, 0xffff0001, 0xffff8000, 0x00007fff)
	TEST_RR(11, sub, 0x00000006, 0x00000003, 0xfffffffd)
	TEST_RR_SRC2_EQ_DEST(12, sub, 0x00000003, 14, 11)
	TEST_RR_SRC12_EQ_DEST(13, sub, 0x00000000, 13)
	TEST_RR_ZERO_SRC1(14, sub, 0xfffffff1, 15)
	TEST_RR_ZERO_SRC2(15, sub, 0x00000020, 32)
	TEST_RR_ZERO_DEST(16, sub, 16, 30)
CONF_END
