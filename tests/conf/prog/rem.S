/* rem: signed remainder (the sign of the dividend); by zero gives the dividend, the overflow case 0. */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_RR(1, rem, 2, 20, -6)
	TEST_RR(2, rem, 0xfffffffe, -20, 6)
	TEST_RR(3, rem, 0, 0x80000000, -1)
	TEST_RR(4, rem, 5, 5, 0) /* by zero: the dividend */
	TEST_RR(5, rem, 0x00000000, 0x00000000, 0x00000000)
	TEST_RR(6, rem, 0x00000000, 0x00000001, 0x00000001)
	TEST_RR(7, rem, 0x00000000, 0xffffffff, 0x00000001)
	TEST_RR(8, rem, 0x00000000, 0x80000000, 0xffffffff)
	TEST_RR(9, rem, 0x7fffffff, 0x7fffffff, 0x80000000)
	TEST_RR(10, rem, 0x12345678, 0x12345678, 0x9abcdef0)
	TEST_RR(11, rem, 0xffffffff, 0xffff8000, 0x00007fff)
	TEST_RR(12, rem, 0x00000000, 0x00000003, 0xfffffffd)
	TEST_RR_SRC1_EQ_DEST(13, rem, 0x00000002, 13, 11)
	TEST_RR_SRC2_EQ_DEST(14, rem, 0x00000003, 14, 11)
	TEST_RR_SRC12_EQ_DEST(15, rem, 0x00000000, 13)
	TEST_RR_ZERO_SRC1(16, rem, 0x00000000, 15)
	TEST_RR_ZERO_SRC2(17, rem, 0x00000020, 32)
	TEST_RR_ZERO_DEST(18, rem, 16, 30)
CONF_END
