/* xor: bitwise exclusive or. */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_RR(1, xor, 0xf00ff00f, 0xff00ff00, 0x0f0f0f0f)
	TEST_RR(2, xor, 0x00000000, 0x00000000, 0x00000000)
	TEST_RR(3, xor, 0x00000000, 0x00000001, 0x00000001)
	TEST_RR(4, xor, 0xfffffffe, 0xffffffff, 0x00000001)
	TEST_RR(5, xor, 0x7fffffff, 0x80000000, 0xffffffff)
	TEST_RR(6, xor, 0xffffffff, 0x7fffffff, 0x80000000)
	TEST_RR(7, xor, 0x88888888, 0x12345678, 0x9abcdef0)
	TEST_RR(8, xor, 0xffffffff, 0xffff8000, 0x00007fff)
	TEST_RR(9, xor, 0xfffffffe, 0x00000003, 0xfffffffd)
	TEST_RR_SRC1_EQ_DEST(10, xor, 0x00000006, 13, 11)
	TEST_RR_SRC2_EQ_DEST(11, xor, 0x00000005, 14, 11)
	TEST_RR_SRC12_EQ_DEST(12, xor, 0x00000000, 13)
	TEST_RR_ZERO_SRC1(13, xor, 0x0000000f, 15)
	TEST_RR_ZERO_SRC2(14, xor, 0x00000020, 32)
	TEST_RR_ZERO_DEST(15, xor, 16, 30)
CONF_END
