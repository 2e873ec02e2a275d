/* sstatus from the body: in S-mode a plain CSR (read, set and clear SUM,
 * SPP/SPIE as crt.S's sret left them: SPP = U, SPIE = 1).  From U-mode on
 * the strict machine every access is an illegal instruction (stval = the
 * word); on --isa=legacy (docs/isa.md, built with CONF_EXPECT_LEGACY) a
 * plain read returns the real sstatus and a plain write writes nothing,
 * both without a trap, while set/clear still trap.  The legacy build
 * would fail on the strict machine and the strict one on legacy: case 1
 * (tests/conf/conf_test.c checks both). */
#include "tests/conf/conf.h"
#define SIE  (1 << 1)
#define SPIE (1 << 5)
#define SPP  (1 << 8)
#define SUM  (1 << 18)
CONF_BEGIN
#if !CONF_IN_U
	TEST_CASE(1, a0, SPIE, csrr a0, sstatus; andi a0, a0, SPP | SPIE)
	TEST_CASE(2, a0, SUM, li a1, SUM; csrs sstatus, a1; csrr a0, sstatus; and a0, a0, a1)
	TEST_CASE(3, a0, 0, li a1, SUM; csrc sstatus, a1; csrr a0, sstatus; and a0, a0, a1)
#elif !CONF_EXPECT_LEGACY
	TEST_TRAP(1, 2, csrr a0, sstatus)
	li t6, 0x10002573 /* csrr a0, sstatus */
	CHECK_WORD(conf_trap_tval, t6)
	TEST_TRAP(2, 2, csrw sstatus, a1)
	TEST_TRAP(3, 2, csrrsi a0, sstatus, 0)
	TEST_TRAP(4, 2, csrsi sstatus, SIE)
	TEST_TRAP(5, 2, csrc sstatus, a1)
#else
	/* PUSHF: no trap, the real register.  Under --mode=bt that is the
	 * machine's, not the guest's (bt translates only guest-kernel code,
	 * docs/pushf-popf.md; the monitor leaves SPIE = 0 where the guest's
	 * own sret made it 1), so only SPP = U is checked: every trap that
	 * ever came from the body came from U. */
	TEST_CASE(1, a0, 0, li a0, -1; csrr a0, sstatus; andi a0, a0, SPP)
	TEST_CASE(3, a0, 0, li a0, -1; csrrsi a0, sstatus, 0; andi a0, a0, SPP)
	/* POPF: no trap, rd = the old value, nothing written: flipping SIE
	 * and SUM changes neither. */
	li gp, 2
	csrr a3, sstatus
	li t6, SIE | SUM
	and a3, a3, t6
	xor a1, a3, t6
	li a0, -1
	csrrw a0, sstatus, a1
	and a0, a0, t6
	bne a0, a3, conf_fail
	li gp, 6
	csrr a0, sstatus
	and a0, a0, t6
	bne a0, a3, conf_fail
	/* CLI/STI: still illegal. */
	TEST_TRAP(4, 2, csrsi sstatus, SIE)
	TEST_TRAP(5, 2, csrc sstatus, a1)
#endif
CONF_END
