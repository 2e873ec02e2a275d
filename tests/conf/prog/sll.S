/* sll: shift left by rs2[4:0] (the upper bits of rs2 are ignored). */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_RR(1, sll, 0x80000000, 1, 31)
	TEST_RR(2, sll, 0x00000002, 1, 33) /* only rs2[4:0] counts */
	TEST_RR(3, sll, 0x00000000, 0x00000000, 0x00000000)
	TEST_RR(4, sll, 0x00000002, 0x00000001, 0x00000001)
	TEST_RR(5, sll, 0xfffffffe, 0xffffffff, 0x00000001)
	TEST_RR(6, sll, 0x00000000, 0x80000000, 0xffffffff)
	TEST_RR(7, sll, 0x7fffffff, 0x7fffffff, 0x80000000)
	TEST_RR(8, sll, 0x56780000, 0x12345678, 0x9abcdef0)
	TEST_RR(9, sll, 0x00000000, 0xffff8000, 0x00007fff)
	TEST_RR(10, sll, 0x60000000, 0x00000003, 0xfffffffd)
	TEST_RR_SRC1_EQ_DEST(11, sll, 0x00006800, 13, 11)
	TEST_RR_SRC2_EQ_DEST(12, sll, 0x00007000, 14, 11)
	TEST_RR_SRC12_EQ_DEST(13, sll, 0x0001a000, 13)
	TEST_RR_ZERO_SRC1(14, sll, 0x00000000, 15)
	TEST_RR_ZERO_SRC2(15, sll, 0x00000020, 32)
	TEST_RR_ZERO_DEST(16, sll, 16, 30)
CONF_END
