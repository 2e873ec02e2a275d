/* lr.w and sc.w: sc.w succeeds (rd = 0, stores) on the reservation lr.w
 * made, fails (rd != 0, no store) without one, or on another address;
 * misaligned lr.w raises load-address-misaligned, sc.w
 * store-address-misaligned (unprivileged spec, "Load-Reserved/
 * Store-Conditional Instructions"). */
#include "tests/conf/conf.h"
CONF_BEGIN
	TEST_CASE(1, a0, 7, la a1, conf_amo_data; li a2, 7; sw a2, 0(a1); lr.w a0, (a1))
	TEST_CASE(2, a3, 0, li a2, 8; sc.w a3, a2, (a1))
	TEST_CASE(3, a0, 8, lw a0, 0(a1))
	/* The reservation is gone: the second sc.w fails, stores nothing. */
	TEST_CASE(4, a3, 1, li a2, 9; sc.w a3, a2, (a1); snez a3, a3)
	TEST_CASE(5, a0, 8, lw a0, 0(a1))
	/* sc.w to another address than the reserved one fails. */
	TEST_CASE(6, a3, 1, lr.w a0, (a1); li a2, 10; addi a4, a1, 4; sc.w a3, a2, (a4); snez a3, a3)
	TEST_CASE(7, a0, 0, lw a0, 4(a1))
	/* With ordering bits, and rd = rs2. */
	TEST_CASE(8, a2, 0, lr.w.aq a0, (a1); li a2, 11; sc.w.rl a2, a2, (a1))
	TEST_CASE(9, a0, 11, lw a0, 0(a1))
	TEST_TRAP(10, 4, la a1, conf_amo_data + 1; lr.w a0, (a1))
	la t6, conf_amo_data + 1
	CHECK_WORD(conf_trap_tval, t6)
	/* Last: QEMU 7.2 fails this sc.w without a trap (peer_conf.c). */
	TEST_TRAP(11, 6, la a1, conf_amo_data + 2; sc.w a0, a2, (a1))
CONF_END
	CONF_AMO_DATA
