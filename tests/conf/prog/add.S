/* add: rd = rs1 + rs2, wrapping (unprivileged spec, "Integer Register-Register Operations"). */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_RR(1, add, 3, 1, 2)
	TEST_RR(2, add, 0, 0xffffffff, 1)
	TEST_RR(3, add, 0x80000000, 0x7fffffff, 1)
	TEST_RR_SRC1_EQ_DEST(4, add, 24, 13, 11)
	TEST_RR_SRC2_EQ_DEST(5, add, 25, 14, 11)
	TEST_RR_ZERO_DEST(6, add, 1, 2)
	TEST_RR(7, add, 0x00000000, 0x00000000, 0x00000000)
	TEST_RR(8, add, 0x00000002, 0x00000001, 0x00000001)
	TEST_RR(9, add, 0x00000000, 0xffffffff, 0x00000001)
	TEST_RR(10, add, 0x7fffffff, 0x80000000, 0xffffffff)
	TEST_RR(11, add, 0xffffffff, 0x7fffffff, 0x80000000)
	TEST_RR(12, add, 0xacf13568, 0x12345678, 0x9abcdef0)
	TEST_RR(13, add, 0xffffffff, 0xffff8000, 0x00007fff)
	TEST_RR(14, add, 0x00000000, 0x00000003, 0xfffffffd)
	TEST_RR_SRC12_EQ_DEST(15, add, 0x0000001a, 13)
	TEST_RR_ZERO_SRC1(16, add, 0x0000000f, 15)
	TEST_RR_ZERO_SRC2(17, add, 0x00000020, 32)
	TEST_RR_ZERO_DEST(18, add, 16, 30)
CONF_END
