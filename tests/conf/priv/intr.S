/* intr: supervisor interrupts (privileged spec, "Supervisor Interrupt
 * Registers"): the software interrupt raised by writing sip.SSIP; the
 * external interrupt from the UART through the PLIC (claim, complete,
 * threshold); masking by sie and, in S-mode only, by sstatus.SIE;
 * priorities (external > software > timer); scause, stval and the
 * sstatus a trap leaves. */
#include "tests/conf/priv.h"

/* Case n: (sip & bit) must be `want`. */
#define CHECK_SIP(n, bit, want) \
	li gp, n;               \
	csrr a0, sip;           \
	li t6, bit;             \
	and a0, a0, t6;         \
	li t6, want;            \
	bne a0, t6, conf_fail
#define CHECK_A0(n, want) li gp, n; li t6, want; bne a0, t6, conf_fail

PRIV_BEGIN
	csrw sie, zero
	/* Software interrupt: pending once written, taken only when enabled. */
	CHECK_SIP(1, SIP_SSIP, 0)
	csrsi sip, SIP_SSIP
	CHECK_SIP(2, SIP_SSIP, SIP_SSIP)
	PROBE_S(3, CAUSE_OK, snip_sie_wait)	/* sie.SSIE = 0 */
	csrsi sie, SIP_SSIP
	PROBE_S(4, CAUSE_OK, snip_wait)		/* sstatus.SIE = 0 */
	PROBE_S(5, INTR(1), snip_sie_wait)
	CHECK_WORD(priv_tval, zero)
	/* The trap saved SIE (1) in SPIE, cleared SIE, SPP = S. */
	lw a0, priv_status
	andi a0, a0, SSTATUS_SIE | SSTATUS_SPIE | SSTATUS_SPP
	CHECK_A0(6, SSTATUS_SPIE | SSTATUS_SPP)
	CHECK_SIP(7, SIP_SSIP, SIP_SSIP)		/* taking it did not clear it */
	csrci sip, SIP_SSIP
	CHECK_SIP(8, SIP_SSIP, 0)

	/* External: the UART's line through the PLIC. */
	UART_IRQ_ON
	CHECK_SIP(9, SIP_SEIP, SIP_SEIP)
	li t6, SIP_SEIP
	csrw sie, t6
	PROBE_S(10, INTR(9), snip_sie_wait)
	UART_IRQ_OFF
	CHECK_A0(11, UART_SRC)			/* the claim names the source */
	CHECK_SIP(12, SIP_SEIP, 0)
	/* A priority not above the threshold is not delivered. */
	UART_IRQ_ON
	li t4, PLIC_THRESHOLD_S
	li t5, 1
	sw t5, 0(t4)
	CHECK_SIP(13, SIP_SEIP, 0)
	li t4, PLIC_THRESHOLD_S
	sw zero, 0(t4)
	CHECK_SIP(14, SIP_SEIP, SIP_SEIP)
	UART_IRQ_OFF
	CHECK_A0(15, UART_SRC)
	CHECK_SIP(16, SIP_SEIP, 0)

	/* Priorities: software before timer (external before software: at
	 * the end, cases 20 and 21). */
	csrw stimecmph, zero
	csrw stimecmp, zero			/* the timer is due */
	CHECK_SIP(17, SIP_STIP, SIP_STIP)
	csrsi sip, SIP_SSIP
	li t6, SIP_SSIP | SIP_STIP
	csrw sie, t6
	PROBE_S(18, INTR(1), snip_sie_wait)
	csrci sip, SIP_SSIP
	li t6, SIP_STIP
	csrw sie, t6
	PROBE_S(19, INTR(5), snip_sie_wait)
	li t6, -1
	csrw stimecmp, t6
	csrw stimecmph, t6

	/* U-mode takes enabled interrupts whatever sstatus.SIE says. */
	PRIV_PAGING_ON
	csrsi sip, SIP_SSIP
	csrw sie, zero
	PROBE_U(22, CAUSE_OK, snip_wait)		/* sie.SSIE = 0: not taken */
	li t6, SIP_SSIP
	csrw sie, t6
	PROBE_U(23, INTR(1), snip_wait)
	lw a0, priv_status
	andi a0, a0, SSTATUS_SPP
	CHECK_A0(24, 0)				/* it came from U */
	csrci sip, SIP_SSIP

	/* External before software.  Last, because QEMU 7.2 takes the
	 * software interrupt first (tests/peer/peer_conf.c). */
	csrw satp, zero
	sfence.vma
	UART_IRQ_ON
	csrsi sip, SIP_SSIP
	li t6, SIP_SSIP | SIP_SEIP
	csrw sie, t6
	PROBE_S(20, INTR(9), snip_sie_wait)
	UART_IRQ_OFF
	li t6, SIP_SSIP
	csrw sie, t6
	PROBE_S(21, INTR(1), snip_sie_wait)	/* still pending: next in line */
	csrci sip, SIP_SSIP
	j conf_pass

	PRIV_SNIPPETS
PRIV_END
	PRIV_HANDLER
