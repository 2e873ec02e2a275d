/* amomaxu.w: a0 = the old word, memory = (old unsigned maximum rs2), one atomic step
 * (unprivileged spec, "Atomic Memory Operations"); misaligned: causes.S. */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_AMO(1, amomaxu.w, 0x11112222, 0x33334444, 0x33334444)
	TEST_AMO(2, amomaxu.w, 0xffffffff, 0x00000002, 0xffffffff)
	TEST_AMO(3, amomaxu.w, 0xff00ff00, 0x0ff00ff0, 0xff00ff00)
	TEST_AMO(4, amomaxu.w, 0x80000000, 0x00000005, 0x80000000)
	TEST_AMO(5, amomaxu.w, 0x00000005, 0x80000000, 0x80000000)
	TEST_AMO(6, amomaxu.w, 0x7fffffff, 0xffffffff, 0xffffffff)
	TEST_AMO(7, amomaxu.w, 0x00000000, 0x00000000, 0x00000000)
	TEST_AMO(8, amomaxu.w, 0x00000001, 0x00000001, 0x00000001)
	TEST_AMO(9, amomaxu.w.aqrl, 0x12345678, 0x0f0f0f0f, 0x12345678)
	/* rd = x0: the memory still changes. */
	TEST_CASE(10, a3, 0x12345678, la a1, conf_amo_data; li a2, 0x12345678; sw a2, 0(a1); li a2, 0x0f0f0f0f; amomaxu.w zero, a2, (a1); lw a3, 0(a1))
CONF_END
	CONF_AMO_DATA
