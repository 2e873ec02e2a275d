/*
 * peer_qemu.S -- the benchmark guests' startup for qemu-riscv32 (Linux
 * user mode): a stack, bench_main, and the write/exit system calls.
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
	call	bench_main
	tail	bench_exit

	.text
	.globl bench_putc		/* void bench_putc(int c) */
bench_putc:
	addi	sp, sp, -16
	sb	a0, 0(sp)
	mv	a1, sp			/* buf */
	li	a0, 1			/* stdout */
	li	a2, 1			/* count */
	li	a7, 64			/* __NR_write */
	ecall
	addi	sp, sp, 16
	ret

	.globl bench_exit		/* void bench_exit(int code) */
bench_exit:
	li	a7, 93			/* __NR_exit */
	ecall
1:	j	1b

	.globl bench_paging_on		/* Linux has paging on already */
bench_paging_on:
	ret
