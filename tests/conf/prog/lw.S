/* lw: load a word (misaligned: in hardware on TRV32 and QEMU). */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_LD(1, lw, 0x84838281, 0)
	TEST_LD(2, lw, 0x44332211, 4)
	TEST_LD(3, lw, 0x00ff807f, 8)
	TEST_LD(4, lw, 0x11848382, 1) /* misaligned */
	TEST_LD(5, lw, 0x22118483, 2) /* misaligned */
	TEST_LD(6, lw, 0x7f443322, 5) /* misaligned */
	TEST_CASE(7, a0, 0x84838281, la a1, conf_ld_data + 8; lw a0, -8(a1))
	TEST_CASE(8, zero, 0, la a1, conf_ld_data; lw zero, 0(a1))
	TEST_CASE(9, a1, 0x84838281, la a1, conf_ld_data; lw a1, 0(a1)) /* rd = rs1 */
CONF_END
	CONF_LD_DATA
