/* mulhsu: the high 32 bits of signed rs1 x unsigned rs2. */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_RR(1, mulhsu, 0xffffffff, 0xffffffff, 0xffffffff)
	TEST_RR(2, mulhsu, 0xc0000000, 0x80000000, 0x80000000)
	TEST_RR(3, mulhsu, 0x00000000, 0x00000000, 0x00000000)
	TEST_RR(4, mulhsu, 0x00000000, 0x00000001, 0x00000001)
	TEST_RR(5, mulhsu, 0xffffffff, 0xffffffff, 0x00000001)
	TEST_RR(6, mulhsu, 0x80000000, 0x80000000, 0xffffffff)
	TEST_RR(7, mulhsu, 0x3fffffff, 0x7fffffff, 0x80000000)
	TEST_RR(8, mulhsu, 0x0b00ea4e, 0x12345678, 0x9abcdef0)
	TEST_RR(9, mulhsu, 0xffffffff, 0xffff8000, 0x00007fff)
	TEST_RR(10, mulhsu, 0x00000002, 0x00000003, 0xfffffffd)
	TEST_RR_SRC1_EQ_DEST(11, mulhsu, 0x00000000, 13, 11)
	TEST_RR_SRC2_EQ_DEST(12, mulhsu, 0x00000000, 14, 11)
	TEST_RR_SRC12_EQ_DEST(13, mulhsu, 0x00000000, 13)
	TEST_RR_ZERO_SRC1(14, mulhsu, 0x00000000, 15)
	TEST_RR_ZERO_SRC2(15, mulhsu, 0x00000000, 32)
	TEST_RR_ZERO_DEST(16, mulhsu, 16, 30)
CONF_END
