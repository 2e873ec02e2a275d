/* mulhu: the high 32 bits of the unsigned product. */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_RR(1, mulhu, 0xfffffffe, 0xffffffff, 0xffffffff)
	TEST_RR(2, mulhu, 0x00000000, 0xffffffff, 1)
	TEST_RR(3, mulhu, 0x00000000, 0x00000000, 0x00000000)
	TEST_RR(4, mulhu, 0x00000000, 0x00000001, 0x00000001)
	TEST_RR(5, mulhu, 0x00000000, 0xffffffff, 0x00000001)
	TEST_RR(6, mulhu, 0x7fffffff, 0x80000000, 0xffffffff)
	TEST_RR(7, mulhu, 0x3fffffff, 0x7fffffff, 0x80000000)
	TEST_RR(8, mulhu, 0x0b00ea4e, 0x12345678, 0x9abcdef0)
	TEST_RR(9, mulhu, 0x00007ffe, 0xffff8000, 0x00007fff)
	TEST_RR(10, mulhu, 0x00000002, 0x00000003, 0xfffffffd)
	TEST_RR_SRC1_EQ_DEST(11, mulhu, 0x00000000, 13, 11)
	TEST_RR_SRC2_EQ_DEST(12, mulhu, 0x00000000, 14, 11)
	TEST_RR_SRC12_EQ_DEST(13, mulhu, 0x00000000, 13)
	TEST_RR_ZERO_SRC1(14, mulhu, 0x00000000, 15)
	TEST_RR_ZERO_SRC2(15, mulhu, 0x00000000, 32)
	TEST_RR_ZERO_DEST(16, mulhu, 16, 30)
CONF_END
