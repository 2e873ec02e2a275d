/* lb: load a byte, sign-extended (unprivileged spec, "Load and Store
 * Instructions"); negative offsets; rd = x0 writes nothing. */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_LD(1, lb, 0xffffff81, 0)
	TEST_LD(2, lb, 0xffffff84, 3)
	TEST_LD(3, lb, 0x00000011, 4)
	TEST_LD(4, lb, 0x0000007f, 8)
	TEST_LD(5, lb, 0xffffff80, 9)
	TEST_LD(6, lb, 0xffffffff, 10)
	TEST_LD(7, lb, 0x00000000, 11)
	TEST_CASE(8, a0, 0xffffff82, la a1, conf_ld_data + 8; lb a0, -7(a1))
	TEST_CASE(9, zero, 0, la a1, conf_ld_data; lb zero, 0(a1))
	TEST_CASE(10, a1, 0xffffff81, la a1, conf_ld_data; lb a1, 0(a1)) /* rd = rs1 */
CONF_END
	CONF_LD_DATA
