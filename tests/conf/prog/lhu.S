/* lhu: load a halfword, zero-extended (misaligned: in hardware). */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_LD(1, lhu, 0x00008281, 0)
	TEST_LD(2, lhu, 0x00008483, 2)
	TEST_LD(3, lhu, 0x00002211, 4)
	TEST_LD(4, lhu, 0x0000807f, 8)
	TEST_LD(5, lhu, 0x000000ff, 10)
	TEST_LD(6, lhu, 0x00008382, 1) /* misaligned */
	TEST_CASE(7, a0, 0x00008483, la a1, conf_ld_data + 8; lhu a0, -6(a1))
	TEST_CASE(8, zero, 0, la a1, conf_ld_data; lhu zero, 0(a1))
CONF_END
	CONF_LD_DATA
