/* sstatus on a trap and sret, and the Sstc timer (privileged spec,
 * "Supervisor Status Register", "stimecmp"): a trap from S with SIE = 1
 * leaves SIE = 0, SPIE = 1, SPP = S, and the handler's sret restores
 * SIE = 1, SPIE = 1, SPP = U; time >= stimecmp sets sip.STIP, wfi returns
 * with it pending even while SIE = 0, and setting SIE takes the interrupt
 * (scause = bit 31 | 5).  From U-mode, stimecmp is not accessible. */
#include "tests/conf/conf.h"
#define SIE  (1 << 1)
#define SPIE (1 << 5)
#define SPP  (1 << 8)
#define STIP (1 << 5)
CONF_BEGIN
#if CONF_IN_U
	TEST_TRAP(1, 2, csrw stimecmp, a0)
#else
	li gp, 1
	csrsi sstatus, SIE
	EXPECT_TRAP(1f)
	ebreak
	j conf_fail
1:	csrr a0, sstatus
	andi a0, a0, SIE | SPIE | SPP
	li t6, SIE | SPIE
	bne a0, t6, conf_fail
	csrci sstatus, SIE
	/* The timer: due 100000 ticks from now (stimecmph first, so that the
	 * pair never passes through an earlier value).  Far enough ahead that
	 * it is not due yet at the next instruction even on QEMU, whose time
	 * is the host's clock (10 ms there; wfi skips ahead on TRV32). */
	li gp, 2
	li a0, -1
	csrw stimecmp, a0
	csrw stimecmph, zero
	rdtime a1
	li a3, 100000
	add a1, a1, a3
	csrw stimecmp, a1
	li a2, STIP
	csrs sie, a2
	csrr a0, sip
	and a0, a0, a2
	bnez a0, conf_fail /* not due yet */
	li gp, 3
2:	wfi
	csrr a0, sip
	and a0, a0, a2
	beqz a0, 2b
	li gp, 4
	EXPECT_TRAP(3f)
	csrsi sstatus, SIE
	j conf_fail
3:	csrci sstatus, SIE
	li t6, 0x80000005
	CHECK_WORD(conf_trap_cause, t6)
	li a0, -1
	csrw stimecmp, a0
	csrw stimecmph, a0
	csrr a0, sip
	li gp, 5
	andi a0, a0, STIP
	bnez a0, conf_fail /* no longer pending */
#endif
CONF_END
