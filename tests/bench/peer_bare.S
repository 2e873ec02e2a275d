/*
 * peer_bare.S -- the benchmark guests' startup for trapvisor's bare board:
 * entered in S-mode at the ELF entry (a0 = hart id, a1 = device tree, both
 * unused), console through the SBI, exit through the test finisher.
 * Paging, and the report of an unexpected trap, are paging.c's.
 */
	.option norvc

	.section .bss
	.balign 16
bench_stack:
	.space 16384
bench_stack_top:

	.section .text.start, "ax"
	.globl _start
_start:
	lla	sp, bench_stack_top
	lla	t0, bench_trap		/* a trap would otherwise loop at stvec = 0 */
	csrw	stvec, t0
	call	bench_main
	tail	bench_exit

	.balign	4			/* stvec: direct mode */
bench_trap:
	csrw	satp, zero		/* paging off: the report must not fault too */
	sfence.vma
	lla	sp, bench_stack_top
	csrr	a0, scause
	csrr	a1, sepc
	csrr	a2, stval
	call	bench_trap_report	/* paging.c: prints, exits with 4 */

	.text
	.globl bench_putc		/* void bench_putc(int c) */
bench_putc:
	li	a7, 1			/* SBI legacy console putchar, a0 = c */
	ecall
	ret

	.globl bench_exit		/* void bench_exit(int code) */
bench_exit:
	li	t0, 0x00100000		/* BOARD_FINISHER_BASE (identity-mapped) */
	li	t1, 0x5555		/* FINISHER_PASS */
	beqz	a0, 1f
	slli	t1, a0, 16
	li	t2, 0x3333		/* FINISHER_FAIL | code << 16 */
	or	t1, t1, t2
1:	sw	t1, 0(t0)
2:	j	2b			/* not reached */
