/* The M extension: mul, mulh, mulhsu, mulhu, div, divu, rem, remu,
 * including division by zero and the signed overflow case, which do not
 * trap (unprivileged spec, "Division Operations"). */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_RR(1, mul, 0x00012340, 0x1234, 0x10)
	TEST_RR(2, mul, 0xfffffffe, 0xffffffff, 2)
	TEST_RR(3, mul, 0x00000000, 0x80000000, 2)
	TEST_RR(4, mulh, 0xffffffff, 0xffffffff, 1)
	TEST_RR(5, mulh, 0x40000000, 0x80000000, 0x80000000)
	TEST_RR(6, mulhu, 0xfffffffe, 0xffffffff, 0xffffffff)
	TEST_RR(7, mulhu, 0x00000000, 0xffffffff, 1)
	TEST_RR(8, mulhsu, 0xffffffff, 0xffffffff, 0xffffffff)
	TEST_RR(9, mulhsu, 0xc0000000, 0x80000000, 0x80000000)
	TEST_RR(10, div, 0xfffffffd, 20, -6)
	TEST_RR(11, div, 0xffffffff, 0x80000000 | 0, 0) /* by zero: -1 */
	TEST_RR(12, div, 0x80000000, 0x80000000, -1)	  /* overflow */
	TEST_RR(13, divu, 0x2aaaaaa7, -20, 6)
	TEST_RR(14, divu, 0xffffffff, 5, 0)
	TEST_RR(15, rem, 2, 20, -6)
	TEST_RR(16, rem, 0xfffffffe, -20, 6)
	TEST_RR(17, rem, 0, 0x80000000, -1)
	TEST_RR(18, rem, 5, 5, 0) /* by zero: the dividend */
	TEST_RR(19, remu, 2, -20, 6)
	TEST_RR(20, remu, 0xffffffec, -20, 0)
	TEST_RR_SRC1_EQ_DEST(21, mul, 143, 13, 11)
CONF_END
