/* lui: rd = the 20-bit immediate << 12, low bits zero (unprivileged spec,
 * "Integer Computational Instructions"). */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_CASE(1, a0, 0x12345000, lui a0, 0x12345)
	TEST_CASE(2, a0, 0xfffff000, lui a0, 0xfffff)
	TEST_CASE(3, a0, 0x80000000, lui a0, 0x80000)
	TEST_CASE(4, a0, 0x00000000, li a0, -1; lui a0, 0)
	TEST_CASE(5, a0, 0x00000800, lui a0, 0; addi a0, a0, 0x7ff; addi a0, a0, 1)
	TEST_CASE(6, a0, 0x7ffff800, lui a0, 0x80000; addi a0, a0, -0x800) /* li's carry */
	TEST_CASE(7, zero, 0, lui zero, 0x80000)
CONF_END
