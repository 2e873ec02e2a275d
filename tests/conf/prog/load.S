/* lb, lh, lw, lbu, lhu: sign and zero extension, negative offsets, and
 * misaligned addresses, which TRV32 performs in hardware (docs/isa.md). */
#include "tests/conf/conf.h"
#define TEST_LD(n, inst, want, off) \
	TEST_CASE(n, a0, want, la a1, ld_data; inst a0, off(a1))
CONF_BEGIN
	TEST_LD(1, lb, 0xffffff81, 0)
	TEST_LD(2, lbu, 0x00000081, 0)
	TEST_LD(3, lh, 0xffff8281, 0)
	TEST_LD(4, lhu, 0x00008281, 0)
	TEST_LD(5, lw, 0x84838281, 0)
	TEST_LD(6, lb, 0x00000011, 4)
	TEST_LD(7, lh, 0x00002211, 4)
	TEST_LD(8, lw, 0x44332211, 4)
	TEST_CASE(9, a0, 0x84838281, la a1, ld_data + 8; lw a0, -8(a1))
	TEST_LD(10, lw, 0x11848382, 1) /* misaligned word */
	TEST_LD(11, lh, 0x00001184, 3) /* misaligned half */
	TEST_LD(12, lhu, 0x00008382, 1)
	TEST_CASE(13, zero, 0, la a1, ld_data; lw zero, 0(a1))
CONF_END
	.data
	.align 2
ld_data:
	.byte 0x81, 0x82, 0x83, 0x84, 0x11, 0x22, 0x33, 0x44
