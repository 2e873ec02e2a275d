/* sra: arithmetic shift right by rs2[4:0] (the sign bit is copied in). */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_RR(1, sra, 0xffffffff, 0x80000000, 31)
	TEST_RR(2, sra, 0x3fffffff, 0x7fffffff, 1)
	TEST_RR(3, sra, 0x00000000, 0x00000000, 0x00000000)
	TEST_RR(4, sra, 0x00000000, 0x00000001, 0x00000001)
	TEST_RR(5, sra, 0xffffffff, 0xffffffff, 0x00000001)
	TEST_RR(6, sra, 0xffffffff, 0x80000000, 0xffffffff)
	TEST_RR(7, sra, 0x7fffffff, 0x7fffffff, 0x80000000)
	TEST_RR(8, sra, 0x00001234, 0x12345678, 0x9abcdef0)
	TEST_RR(9, sra, 0xffffffff, 0xffff8000, 0x00007fff)
	TEST_RR(10, sra, 0x00000000, 0x00000003, 0xfffffffd)
	TEST_RR_SRC1_EQ_DEST(11, sra, 0x00000000, 13, 11)
	TEST_RR_SRC2_EQ_DEST(12, sra, 0x00000000, 14, 11)
	TEST_RR_SRC12_EQ_DEST(13, sra, 0x00000000, 13)
	TEST_RR_ZERO_SRC1(14, sra, 0x00000000, 15)
	TEST_RR_ZERO_SRC2(15, sra, 0x00000020, 32)
	TEST_RR_ZERO_DEST(16, sra, 16, 30)
CONF_END
