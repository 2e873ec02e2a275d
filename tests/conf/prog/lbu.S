/* lbu: load a byte, zero-extended. */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_LD(1, lbu, 0x00000081, 0)
	TEST_LD(2, lbu, 0x00000084, 3)
	TEST_LD(3, lbu, 0x00000011, 4)
	TEST_LD(4, lbu, 0x0000007f, 8)
	TEST_LD(5, lbu, 0x00000080, 9)
	TEST_LD(6, lbu, 0x000000ff, 10)
	TEST_LD(7, lbu, 0x00000000, 11)
	TEST_CASE(8, a0, 0x00000082, la a1, conf_ld_data + 8; lbu a0, -7(a1))
	TEST_CASE(9, zero, 0, la a1, conf_ld_data; lbu zero, 0(a1))
CONF_END
	CONF_LD_DATA
