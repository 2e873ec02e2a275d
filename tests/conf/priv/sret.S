/* sret: what a trap and an sret do to sstatus (privileged spec,
 * "Supervisor Status Register", "Trap-Return Instructions"): a trap saves
 * SIE in SPIE, clears SIE, sets SPP to the mode it came from; sret
 * returns to the mode in SPP at sepc, with SIE = SPIE, SPIE = 1, SPP = U.
 * And the registers a trap writes: sepc (the trapping instruction, from
 * S and from U), sepc bit 0 is never set. */
#include "tests/conf/priv.h"

#define BITS (SSTATUS_SIE | SSTATUS_SPIE | SSTATUS_SPP)
/* Case n: sstatus & BITS must be `want` (reg: where sstatus is). */
#define CHECK_BITS(n, reg, want) \
	li gp, n;                \
	andi a0, reg, BITS;      \
	li t6, want;             \
	bne a0, t6, conf_fail
#define SET_BITS(bits) li t6, BITS; csrc sstatus, t6; li t6, bits; csrs sstatus, t6
#define PROBE_STATUS(n, want) lw a3, priv_status; CHECK_BITS(n, a3, want)

PRIV_BEGIN
	csrw sie, zero
	/* sret to S with SPIE = 1: SIE = 1, SPIE = 1, SPP = U. */
	SET_BITS(SSTATUS_SPIE | SSTATUS_SPP)
	la t6, 1f
	csrw sepc, t6
	sret
	j conf_fail
1:	csrr a3, sstatus
	CHECK_BITS(1, a3, SSTATUS_SIE | SSTATUS_SPIE)
	/* sret to S with SPIE = 0 and SIE = 1: SIE = 0, SPIE = 1. */
	SET_BITS(SSTATUS_SIE | SSTATUS_SPP)
	la t6, 1f
	csrw sepc, t6
	sret
	j conf_fail
1:	csrr a3, sstatus
	CHECK_BITS(2, a3, SSTATUS_SPIE)
	/* A trap from S with SIE = 1, then with SIE = 0. */
	SET_BITS(SSTATUS_SIE)
	PROBE_S(3, CAUSE_OK, snip_ebreak)
	PROBE_STATUS(4, SSTATUS_SPIE | SSTATUS_SPP)
	la t6, snip_ebreak
	CHECK_WORD(priv_epc, t6)
	SET_BITS(SSTATUS_SPIE)
	PROBE_S(5, CAUSE_OK, snip_ebreak)
	PROBE_STATUS(6, SSTATUS_SPP)

	/* To U and back: PROBE_U's sret runs with SPIE as set here, so U
	 * runs with SIE = SPIE, which the trap from U saves in SPIE. */
	PRIV_PAGING_ON
	SET_BITS(SSTATUS_SPIE)
	PROBE_U(7, CAUSE_OK, snip_ebreak)
	PROBE_STATUS(8, SSTATUS_SPIE)
	la t6, snip_ebreak - 0x80000000 + PRIV_UALIAS
	CHECK_WORD(priv_epc, t6)
	SET_BITS(0)
	PROBE_U(9, CAUSE_OK, snip_ebreak)
	PROBE_STATUS(10, 0)
	/* An sret to U from S-mode with paging on runs at sepc in U: a fetch
	 * of a supervisor page from there is a fetch page fault at sepc. */
	la a1, snip_ebreak
	PRIV_ARM(2f)
	li gp, 12
	csrw sepc, a1
	li t6, SSTATUS_SPP
	csrc sstatus, t6
	sret
2:	li t6, CAUSE_FETCH_PF
	CHECK_WORD(priv_cause, t6)
	CHECK_WORD(priv_epc, a1)
	CHECK_WORD(priv_tval, a1)
	/* sepc: bit 0 is never set.  Last, because QEMU 7.2 keeps it
	 * (tests/peer/peer_conf.c). */
	li gp, 11
	la a1, snip_ebreak
	ori a2, a1, 1
	csrw sepc, a2
	csrr a0, sepc
	andi a0, a0, 1
	bnez a0, conf_fail
	j conf_pass

	PRIV_SNIPPETS
PRIV_END
	PRIV_HANDLER
