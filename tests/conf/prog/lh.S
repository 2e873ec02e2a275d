/* lh: load a halfword, sign-extended; a misaligned address is done in
 * hardware on TRV32 (docs/isa.md) and on QEMU. */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_LD(1, lh, 0xffff8281, 0)
	TEST_LD(2, lh, 0xffff8483, 2)
	TEST_LD(3, lh, 0x00002211, 4)
	TEST_LD(4, lh, 0xffff807f, 8)
	TEST_LD(5, lh, 0x000000ff, 10)
	TEST_LD(6, lh, 0x00001184, 3) /* misaligned */
	TEST_LD(7, lh, 0xffff8382, 1) /* misaligned */
	TEST_CASE(8, a0, 0xffff8281, la a1, conf_ld_data + 8; lh a0, -8(a1))
	TEST_CASE(9, zero, 0, la a1, conf_ld_data; lh zero, 0(a1))
CONF_END
	CONF_LD_DATA
