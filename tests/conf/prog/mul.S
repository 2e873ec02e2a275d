/* mul: the low 32 bits of rs1 x rs2 (unprivileged spec, "M" extension). */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_RR(1, mul, 0x00012340, 0x1234, 0x10)
	TEST_RR(2, mul, 0xfffffffe, 0xffffffff, 2)
	TEST_RR(3, mul, 0x00000000, 0x80000000, 2)
	TEST_RR_SRC1_EQ_DEST(4, mul, 143, 13, 11)
	TEST_RR(5, mul, 0x00000000, 0x00000000, 0x00000000)
	TEST_RR(6, mul, 0x00000001, 0x00000001, 0x00000001)
	TEST_RR(7, mul, 0xffffffff, 0xffffffff, 0x00000001)
	TEST_RR(8, mul, 0x80000000, 0x80000000, 0xffffffff)
	TEST_RR(9, mul, 0x80000000, 0x7fffffff, 0x80000000)
	TEST_RR(10, mul, 0x242d2080, 0x12345678, 0x9abcdef0)
	TEST_RR(11, mul, 0xc0008000, 0xffff8000, 0x00007fff)
	TEST_RR(12, mul, 0xfffffff7, 0x00000003, 0xfffffffd)
	TEST_RR_SRC2_EQ_DEST(13, mul, 0x0000009a, 14, 11)
	TEST_RR_SRC12_EQ_DEST(14, mul, 0x000000a9, 13)
	TEST_RR_ZERO_SRC1(15, mul, 0x00000000, 15)
	TEST_RR_ZERO_SRC2(16, mul, 0x00000000, 32)
	TEST_RR_ZERO_DEST(17, mul, 16, 30)
CONF_END
