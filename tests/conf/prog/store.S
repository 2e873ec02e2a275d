/* sb, sh, sw: only the addressed bytes change, misaligned stores are done
 * byte by byte (TRV32). */
#include "tests/conf/conf.h"
#define RESET la a1, st_data; sw zero, 0(a1); sw zero, 4(a1)
CONF_BEGIN
	TEST_CASE(1, a0, 0xaabbccdd, RESET; li a2, 0xaabbccdd; sw a2, 0(a1); lw a0, 0(a1))
	TEST_CASE(2, a0, 0x0000ccdd, RESET; li a2, 0xaabbccdd; sh a2, 0(a1); lw a0, 0(a1))
	TEST_CASE(3, a0, 0x00dd0000, RESET; li a2, 0xaabbccdd; sb a2, 2(a1); lw a0, 0(a1))
	TEST_CASE(4, a0, 0xbbccdd00, RESET; li a2, 0xaabbccdd; sw a2, 1(a1); lw a0, 0(a1))
	TEST_CASE(5, a0, 0x000000aa, RESET; li a2, 0xaabbccdd; sw a2, 1(a1); lw a0, 4(a1))
	TEST_CASE(6, a0, 0xdd000000, RESET; li a2, 0xaabbccdd; sh a2, 3(a1); lw a0, 0(a1))
	TEST_CASE(7, a0, 0x12345678, RESET; addi a1, a1, 8; li a2, 0x12345678; sw a2, -4(a1); lw a0, -4(a1))
CONF_END
	.data
	.align 2
st_data:
	.word 0, 0
