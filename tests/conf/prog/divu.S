/* divu: unsigned division; by zero gives 2^32 - 1. */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_RR(1, divu, 0x2aaaaaa7, -20, 6)
	TEST_RR(2, divu, 0xffffffff, 5, 0)
	TEST_RR(3, divu, 0xffffffff, 0x00000000, 0x00000000)
	TEST_RR(4, divu, 0x00000001, 0x00000001, 0x00000001)
	TEST_RR(5, divu, 0xffffffff, 0xffffffff, 0x00000001)
	TEST_RR(6, divu, 0x00000000, 0x80000000, 0xffffffff)
	TEST_RR(7, divu, 0x00000000, 0x7fffffff, 0x80000000)
	TEST_RR(8, divu, 0x00000000, 0x12345678, 0x9abcdef0)
	TEST_RR(9, divu, 0x00020003, 0xffff8000, 0x00007fff)
	TEST_RR(10, divu, 0x00000000, 0x00000003, 0xfffffffd)
	TEST_RR_SRC1_EQ_DEST(11, divu, 0x00000001, 13, 11)
	TEST_RR_SRC2_EQ_DEST(12, divu, 0x00000001, 14, 11)
	TEST_RR_SRC12_EQ_DEST(13, divu, 0x00000001, 13)
	TEST_RR_ZERO_SRC1(14, divu, 0x00000000, 15)
	TEST_RR_ZERO_SRC2(15, divu, 0xffffffff, 32)
	TEST_RR_ZERO_DEST(16, divu, 16, 30)
CONF_END
