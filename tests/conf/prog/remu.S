/* remu: unsigned remainder; by zero gives the dividend. */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_RR(1, remu, 2, -20, 6)
	TEST_RR(2, remu, 0xffffffec, -20, 0)
	TEST_RR(3, remu, 0x00000000, 0x00000000, 0x00000000)
	TEST_RR(4, remu, 0x00000000, 0x00000001, 0x00000001)
	TEST_RR(5, remu, 0x00000000, 0xffffffff, 0x00000001)
	TEST_RR(6, remu, 0x80000000, 0x80000000, 0xffffffff)
	TEST_RR(7, remu, 0x7fffffff, 0x7fffffff, 0x80000000)
	TEST_RR(8, remu, 0x12345678, 0x12345678, 0x9abcdef0)
	TEST_RR(9, remu, 0x00000003, 0xffff8000, 0x00007fff)
	TEST_RR(10, remu, 0x00000003, 0x00000003, 0xfffffffd)
	TEST_RR_SRC1_EQ_DEST(11, remu, 0x00000002, 13, 11)
	TEST_RR_SRC2_EQ_DEST(12, remu, 0x00000003, 14, 11)
	TEST_RR_SRC12_EQ_DEST(13, remu, 0x00000000, 13)
	TEST_RR_ZERO_SRC1(14, remu, 0x00000000, 15)
	TEST_RR_ZERO_SRC2(15, remu, 0x00000020, 32)
	TEST_RR_ZERO_DEST(16, remu, 16, 30)
CONF_END
