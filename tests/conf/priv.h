/*
 * priv.h -- the framework of the privileged programs (tests/conf/priv/).
 *
 * These programs test what a normal body cannot: page-table permissions,
 * A/D updates, SUM and MXR, sfence.vma, interrupts, vectored stvec, sret
 * into either mode.  So they build their own Sv32 tables and switch modes
 * themselves.  They are linked in variant s only (crt.S enters the body
 * in S-mode with paging off) and install their own trap handler,
 * priv_vector, which makes every trap the end of a *probe*:
 *
 *	PROBE_S(n, want_cause, snippet)   run `snippet` in S-mode
 *	PROBE_U(n, want_cause, snippet)   run it in U-mode (at its user alias)
 *
 * A snippet is a label of code that does one thing (a load, a store, a
 * jump) and then executes ebreak.  Whatever happens, a trap ends the
 * probe: priv_vector records scause, stval, sepc and sstatus in
 * priv_cause, priv_tval, priv_epc and priv_status and returns, in S-mode, behind the probe, which
 * then checks that scause was `want_cause` (3, the ebreak, means the
 * access itself went through).
 *
 * Paging, when a program turns it on with PRIV_PAGING_ON: root entry 0x200
 * maps RAM at its own address for S-mode (supervisor-only), entry 0 the
 * finisher (so the report still works), entry 0x100 RAM again at
 * PRIV_UALIAS for U-mode (user, R+X: where PROBE_U runs a snippet).  The
 * program adds its own entries with PRIV_ROOT_SET / PRIV_L0_SET.
 *
 * Registers: t4, t5, t6 and gp belong to the macros; the snippets get
 * a1 (an address) and a2 (a value) from the caller and leave a0.
 */
#ifndef TESTS_CONF_PRIV_H
#define TESTS_CONF_PRIV_H
#include "tests/conf/conf.h"

/* clang-format off */
#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_U 0x10
#define PTE_G 0x20
#define PTE_A 0x40
#define PTE_D 0x80
#define PRIV_UALIAS 0x40000000 /* U-mode's view of RAM (root entry 0x100) */
#define CAUSE_OK 3             /* the snippet's ebreak: no fault on the way */
#define CAUSE_FETCH_PF 12
#define CAUSE_LOAD_PF 13
#define CAUSE_STORE_PF 15
#define SSTATUS_SIE (1 << 1)
#define SSTATUS_SPIE (1 << 5)
#define SSTATUS_SPP (1 << 8)
#define SSTATUS_SUM (1 << 18)
#define SSTATUS_MXR (1 << 19)
#define SIP_SSIP (1 << 1)
#define SIP_STIP (1 << 5)
#define SIP_SEIP (1 << 9)
#define INTR(n) (0x80000000 | (n)) /* scause of interrupt n */
/* The PLIC and the UART (both boards: QEMU virt and trapvisor's), for an
 * external interrupt: the UART (source 10) raises its line when its
 * "transmitter empty" interrupt is enabled; the S-mode context is 1. */
#define PLIC_PRIORITY(src) (0x0c000000 + 4 * (src))
#define PLIC_ENABLE_S 0x0c002080
#define PLIC_THRESHOLD_S 0x0c201000
#define PLIC_CLAIM_S 0x0c201004
#define UART_SRC 10
#define UART_IER 0x10000001
#define UART_IIR 0x10000002

#ifdef __ASSEMBLER__

/* PRIV_BEGIN: the body's start; installs priv_vector. */
#define PRIV_BEGIN              \
	CONF_BEGIN              \
	la t4, priv_vector;     \
	csrw stvec, t4

/* PRIV_END: pass/fail as CONF_END, with paging turned off first (the
 * report runs on crt.S's unpaged view of the machine). */
#define PRIV_END                \
	conf_pass : li a0, 0;   \
	j 1f;                   \
	conf_fail : mv a0, gp;  \
	1 : csrw satp, zero;    \
	sfence.vma;             \
	j conf_report_s

/* Root entry `idx` (VA idx << 22) := pte (a register). */
#define PRIV_ROOT_SET(idx, pte)   \
	la t4, priv_root;         \
	li t5, (idx) * 4;         \
	add t4, t4, t5;           \
	sw pte, 0(t4)
/* Level-0 entry `idx` of priv_l0 (VA 0x00400000 + idx * 4096) := pte. */
#define PRIV_L0_SET(idx, pte)     \
	la t4, priv_l0;           \
	sw pte, (idx) * 4(t4)
/* reg := a leaf PTE for the physical address of `label` with `flags`. */
#define PRIV_PTE(reg, label, flags) \
	la reg, label;              \
	srli reg, reg, 12;          \
	slli reg, reg, 10;          \
	ori reg, reg, flags
/* Turn Sv32 on with the standard entries above, and priv_l0 as the table
 * of VA 0x00400000..0x007fffff (PRIV_L0_VA). */
#define PRIV_L0_VA 0x00400000
#define PRIV_PAGING_ON                                                  \
	li t6, (0x80000 << 10) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D; \
	PRIV_ROOT_SET(0x200, t6);                                       \
	li t6, (0x80000 << 10) | PTE_V | PTE_R | PTE_X | PTE_U | PTE_A | PTE_D; \
	PRIV_ROOT_SET(0x100, t6);                                       \
	li t6, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;                   \
	PRIV_ROOT_SET(0, t6);                                           \
	PRIV_PTE(t6, priv_l0, PTE_V);                                   \
	PRIV_ROOT_SET(1, t6);                                           \
	la t6, priv_root;                                               \
	srli t6, t6, 12;                                                \
	li t5, 0x80000000;                                              \
	or t6, t6, t5;                                                  \
	csrw satp, t6;                                                  \
	sfence.vma

/* The UART's line through the PLIC to S-mode: priority 1, enabled,
 * threshold 0, then IER.ETBEI raises the line (the THR is empty). */
#define UART_IRQ_ON                       \
	li t4, PLIC_PRIORITY(UART_SRC);   \
	li t5, 1;                         \
	sw t5, 0(t4);                     \
	li t4, PLIC_ENABLE_S;             \
	li t5, 1 << UART_SRC;             \
	sw t5, 0(t4);                     \
	li t4, PLIC_THRESHOLD_S;          \
	sw zero, 0(t4);                   \
	li t4, UART_IER;                  \
	li t5, 2;                         \
	sb t5, 0(t4)
/* ... and down again: a0 := the claimed source; reading IIR clears the
 * UART's one-shot "THR empty" interrupt, IER = 0, complete the claim. */
#define UART_IRQ_OFF                      \
	li t4, PLIC_CLAIM_S;              \
	lw a0, 0(t4);                     \
	li t4, UART_IIR;                  \
	lb t5, 0(t4);                     \
	li t4, UART_IER;                  \
	sb zero, 0(t4);                   \
	li t4, PLIC_CLAIM_S;              \
	sw a0, 0(t4)

/* Arm the handler: the next trap returns to `resume` (in S-mode). */
#define PRIV_ARM(resume)           \
	li t5, -1;                 \
	la t4, priv_cause;         \
	sw t5, 0(t4);              \
	la t5, resume;             \
	sw t5, 4 * 3(t4)

/* Case n: `snippet` run in S-mode must end with scause `want`. */
#define PROBE_S(n, want, snippet) \
	li gp, n;                 \
	PRIV_ARM(90f);            \
	j snippet;                \
	90 : li t6, want;         \
	CHECK_WORD(priv_cause, t6)

/* Case n: the same, with the snippet run in U-mode at its user alias. */
#define PROBE_U(n, want, snippet)          \
	li gp, n;                          \
	PRIV_ARM(90f);                     \
	la t4, snippet;                    \
	li t5, 0x80000000 - PRIV_UALIAS;   \
	sub t4, t4, t5;                    \
	csrw sepc, t4;                     \
	li t4, SSTATUS_SPP;                \
	csrc sstatus, t4;                  \
	sret;                              \
	90 : li t6, want;                  \
	CHECK_WORD(priv_cause, t6)

/* The snippets most programs need (PRIV_SNIPPETS puts them in the body):
 * a load from a1, a store of a2 to a1, a jump to a1, a bounded wait (an
 * interrupt ends it with its cause; if none comes, the ebreak does), the
 * same with sstatus.SIE set first, a lone ebreak. */
#define PRIV_SNIPPETS                      \
	.align 2;                          \
	snip_load : lw a0, 0(a1); ebreak;  \
	snip_store : sw a2, 0(a1); ebreak; \
	snip_exec : jr a1;                 \
	snip_sie_wait : csrsi sstatus, SSTATUS_SIE; \
	snip_wait : li a0, 1000;           \
	1 : addi a0, a0, -1;               \
	bnez a0, 1b;                       \
	snip_ebreak : ebreak

/* The trap handler and its records.  Every trap ends a probe: record
 * scause, stval and sepc, mask an interrupt (sie = 0, or it would be
 * taken again at once), and return in S-mode with interrupts off to the
 * address PRIV_ARM left in priv_resume. */
#define PRIV_HANDLER                       \
	.align 2;                          \
	priv_vector : la t4, priv_cause;   \
	csrr t5, scause;                   \
	sw t5, 0(t4);                      \
	bgez t5, 1f;                       \
	csrw sie, zero;                    \
	1 : csrr t5, stval;                \
	sw t5, 4(t4);                      \
	csrr t5, sepc;                     \
	sw t5, 8(t4);                      \
	csrr t5, sstatus;                  \
	sw t5, 16(t4);                     \
	lw t5, 12(t4);                     \
	csrw sepc, t5;                     \
	li t5, SSTATUS_SPP;                \
	csrs sstatus, t5;                  \
	li t5, SSTATUS_SPIE;               \
	csrc sstatus, t5;                  \
	sret;                              \
	.data;                             \
	.align 2;                          \
	priv_cause : .word 0;              \
	priv_tval : .word 0;               \
	priv_epc : .word 0;                \
	priv_resume : .word 0;             \
	priv_status : .word 0;             \
	.bss;                              \
	.align 12;                         \
	priv_root : .space 4096;           \
	priv_l0 : .space 4096;             \
	.text

#endif /* __ASSEMBLER__ */
/* clang-format on */
#endif
