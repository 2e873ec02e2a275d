/* div: signed division rounding towards zero; by zero gives -1, the overflow -2^31 / -1 gives -2^31, neither traps. */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_RR(1, div, 0xfffffffd, 20, -6)
	TEST_RR(2, div, 0xffffffff, 0x80000000 | 0, 0) /* by zero: -1 */
	TEST_RR(3, div, 0x80000000, 0x80000000, -1) /* overflow */
	TEST_RR(4, div, 0xffffffff, 0x00000000, 0x00000000)
	TEST_RR(5, div, 0x00000001, 0x00000001, 0x00000001)
	TEST_RR(6, div, 0xffffffff, 0xffffffff, 0x00000001)
	TEST_RR(7, div, 0x80000000, 0x80000000, 0xffffffff)
	TEST_RR(8, div, 0x00000000, 0x7fffffff, 0x80000000)
	TEST_RR(9, div, 0x00000000, 0x12345678, 0x9abcdef0)
	TEST_RR(10, div, 0xffffffff, 0xffff8000, 0x00007fff)
	TEST_RR(11, div, 0xffffffff, 0x00000003, 0xfffffffd)
	TEST_RR_SRC1_EQ_DEST(12, div, 0x00000001, 13, 11)
	TEST_RR_SRC2_EQ_DEST(13, div, 0x00000001, 14, 11)
	TEST_RR_SRC12_EQ_DEST(14, div, 0x00000001, 13)
	TEST_RR_ZERO_SRC1(15, div, 0x00000000, 15)
	TEST_RR_ZERO_SRC2(16, div, 0xffffffff, 32)
	TEST_RR_ZERO_DEST(17, div, 16, 30)
CONF_END
