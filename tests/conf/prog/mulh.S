/* mulh: the high 32 bits of the signed x signed product. */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_RR(1, mulh, 0xffffffff, 0xffffffff, 1)
	TEST_RR(2, mulh, 0x40000000, 0x80000000, 0x80000000)
	TEST_RR(3, mulh, 0x00000000, 0x00000000, 0x00000000)
	TEST_RR(4, mulh, 0x00000000, 0x00000001, 0x00000001)
	TEST_RR(5, mulh, 0xffffffff, 0xffffffff, 0x00000001)
	TEST_RR(6, mulh, 0x00000000, 0x80000000, 0xffffffff)
	TEST_RR(7, mulh, 0xc0000000, 0x7fffffff, 0x80000000)
	TEST_RR(8, mulh, 0xf8cc93d6, 0x12345678, 0x9abcdef0)
	TEST_RR(9, mulh, 0xffffffff, 0xffff8000, 0x00007fff)
	TEST_RR(10, mulh, 0xffffffff, 0x00000003, 0xfffffffd)
	TEST_RR_SRC1_EQ_DEST(11, mulh, 0x00000000, 13, 11)
	TEST_RR_SRC2_EQ_DEST(12, mulh, 0x00000000, 14, 11)
	TEST_RR_SRC12_EQ_DEST(13, mulh, 0x00000000, 13)
	TEST_RR_ZERO_SRC1(14, mulh, 0x00000000, 15)
	TEST_RR_ZERO_SRC2(15, mulh, 0x00000000, 32)
	TEST_RR_ZERO_DEST(16, mulh, 16, 30)
CONF_END
