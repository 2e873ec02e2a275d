/* ebreak: breakpoint exception, sepc = its address, stval = its address
 * or 0 (the privileged spec allows either for EBREAK: TRV32 writes the
 * address, QEMU 7.2 writes 0); an
 * illegal word (all zeros, all ones) gives cause 2 with the word in stval;
 * from U-mode, ecall gives cause 8. */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_TRAP(1, 3, 91: ebreak)
	la t6, 91b
	CHECK_WORD(conf_trap_epc, t6)
	la t4, conf_trap_tval
	lw t5, 0(t4)
	beqz t5, 1f
	bne t5, t6, conf_fail
1:	TEST_TRAP(2, 2, .word 0)
	CHECK_WORD(conf_trap_tval, zero)
	TEST_TRAP(3, 2, .word 0xffffffff)
	li t6, -1
	CHECK_WORD(conf_trap_tval, t6)
#if CONF_IN_U
	TEST_TRAP(4, 8, 92: ecall)
	la t6, 92b
	CHECK_WORD(conf_trap_epc, t6)
#endif
CONF_END
