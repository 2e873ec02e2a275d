/* vec: vectored stvec (MODE = 1, docs/isa.md; privileged spec,
 * "Supervisor Trap Vector Base Address Register"): exceptions go to BASE,
 * interrupt n to BASE + 4 * n; MODE 0 sends everything to BASE.  Each
 * table entry notes its number in vec_hit and goes on to priv_vector. */
#include "tests/conf/priv.h"

/* Case n: vec_hit must be `want`; then it is reset to -1. */
#define CHECK_HIT(n, want)  \
	li gp, n;           \
	la t4, vec_hit;     \
	lw a0, 0(t4);       \
	li t6, -1;          \
	sw t6, 0(t4);       \
	li t6, want;        \
	bne a0, t6, conf_fail

PRIV_BEGIN
	csrw sie, zero
	la t4, vec_hit
	li t6, -1
	sw t6, 0(t4)
	la a1, vec_table
	ori a1, a1, 1
	csrw stvec, a1
	li gp, 1
	csrr a0, stvec
	bne a0, a1, conf_fail		/* BASE and MODE read back */

	PROBE_S(2, CAUSE_OK, snip_ebreak)	/* an exception: BASE */
	CHECK_HIT(3, 0)
	csrsi sip, SIP_SSIP
	csrsi sie, SIP_SSIP
	PROBE_S(4, INTR(1), snip_sie_wait)
	CHECK_HIT(5, 1)
	csrci sip, SIP_SSIP
	csrw stimecmph, zero
	csrw stimecmp, zero
	li t6, SIP_STIP
	csrw sie, t6
	PROBE_S(6, INTR(5), snip_sie_wait)
	CHECK_HIT(7, 5)
	li t6, -1
	csrw stimecmp, t6
	csrw stimecmph, t6
	UART_IRQ_ON
	li t6, SIP_SEIP
	csrw sie, t6
	PROBE_S(8, INTR(9), snip_sie_wait)
	CHECK_HIT(9, 9)
	UART_IRQ_OFF
	/* From U-mode too. */
	PRIV_PAGING_ON
	csrsi sip, SIP_SSIP
	csrsi sie, SIP_SSIP
	PROBE_U(10, INTR(1), snip_wait)
	CHECK_HIT(11, 1)
	PROBE_U(12, CAUSE_OK, snip_ebreak)
	CHECK_HIT(13, 0)
	/* MODE 0: an interrupt goes to BASE as well. */
	la a1, vec_table
	csrw stvec, a1
	csrsi sip, SIP_SSIP
	csrsi sie, SIP_SSIP
	PROBE_S(14, INTR(1), snip_sie_wait)
	CHECK_HIT(15, 0)
	csrci sip, SIP_SSIP
	j conf_pass

	PRIV_SNIPPETS
PRIV_END
	PRIV_HANDLER

	.text
	.align 8
vec_table:
	j vec_0
	j vec_1
	.rept 3
	j vec_bad
	.endr
	j vec_5
	.rept 3
	j vec_bad
	.endr
	j vec_9
	.rept 6
	j vec_bad
	.endr
#define VEC(n, v) vec_##n: la t4, vec_hit; li t5, v; sw t5, 0(t4); j priv_vector
VEC(0, 0)
VEC(1, 1)
VEC(5, 5)
VEC(9, 9)
VEC(bad, 0xbad)
	.data
	.align 2
vec_hit: .word -1
