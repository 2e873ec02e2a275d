/* or: bitwise or. */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_RR(1, or, 0xff0fff0f, 0xff00ff00, 0x0f0f0f0f)
	TEST_RR(2, or, 0x00000000, 0x00000000, 0x00000000)
	TEST_RR(3, or, 0x00000001, 0x00000001, 0x00000001)
	TEST_RR(4, or, 0xffffffff, 0xffffffff, 0x00000001)
	TEST_RR(5, or, 0xffffffff, 0x80000000, 0xffffffff)
	TEST_RR(6, or, 0xffffffff, 0x7fffffff, 0x80000000)
	TEST_RR(7, or, 0x9abcdef8, 0x12345678, 0x9abcdef0)
	TEST_RR(8, or, 0xffffffff, 0xffff8000, 0x00007fff)
	TEST_RR(9, or, 0xffffffff, 0x00000003, 0xfffffffd)
	TEST_RR_SRC1_EQ_DEST(10, or, 0x0000000f, 13, 11)
	TEST_RR_SRC2_EQ_DEST(11, or, 0x0000000f, 14, 11)
	TEST_RR_SRC12_EQ_DEST(12, or, 0x0000000d, 13)
	TEST_RR_ZERO_SRC1(13, or, 0x0000000f, 15)
	TEST_RR_ZERO_SRC2(14, or, 0x00000020, 32)
	TEST_RR_ZERO_DEST(15, or, 16, 30)
CONF_END
