/* sw: store a word; misaligned stores are done in hardware (TRV32,
 * QEMU), byte by byte across the word boundary. */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_ST(1, 0xaabbccdd, 0, sw a2, 0(a1))
	TEST_ST(2, 0xaabbccdd, 4, sw a2, 4(a1))
	TEST_ST(3, 0xbbccdd00, 0, sw a2, 1(a1))	/* misaligned */
	TEST_ST(4, 0x000000aa, 4, sw a2, 1(a1))
	TEST_ST(5, 0xccdd0000, 0, sw a2, 2(a1))
	TEST_ST(6, 0x0000aabb, 4, sw a2, 2(a1))
	TEST_ST(7, 0xaabbccdd, 4, addi a1, a1, 8; sw a2, -4(a1); addi a1, a1, -8)
	TEST_ST(8, 0x00000000, 0, sw zero, 0(a1))
CONF_END
	CONF_ST_DATA
