/*
 * harness.S -- the assembly half of the differential-test harness: the
 * entry point, the call into a generated body and the way back, and the
 * two primitives that differ between the peers (print a character, exit).
 *
 * Assembled twice:
 *   -DDIFF_PEER_QEMU  Linux user mode (qemu-riscv32): write(2) and exit(2)
 *                     through `ecall` with a7 = 64 / 93.
 *   -DDIFF_PEER_BARE  trapvisor's bare board (S-mode at the ELF entry):
 *                     SBI legacy console putchar (a7 = 1, a0 = char) and
 *                     the test finisher at 0x00100000 (0x5555 = pass,
 *                     0x3333 | code << 16 = fail with `code`).
 */
#if !defined(DIFF_PEER_QEMU) && !defined(DIFF_PEER_BARE)
#error "define DIFF_PEER_QEMU or DIFF_PEER_BARE"
#endif

	.option norvc
	.option norelax

#define DIFF_STACK_BYTES 16384

	.section .bss
	.balign 16
diff_stack:
	.space DIFF_STACK_BYTES
diff_stack_top:

	.section .text.start, "ax"
	.globl _start
_start:
	/* bare: a0 = hart id, a1 = device tree; Linux: sp = argc... Neither
	 * matters: the harness has its own stack and takes no arguments. */
	lla	sp, diff_stack_top
#ifdef DIFF_PEER_BARE
	/* No body should trap; if one does, say so and stop, rather than
	 * jump to stvec = 0 and fault there forever. */
	lla	t0, diff_trap
	csrw	stvec, t0
#endif
	call	diff_main
	tail	diff_exit

#ifdef DIFF_PEER_BARE
	.balign	4			/* stvec: direct mode, 4-byte aligned */
diff_trap:
	csrw	satp, zero		/* paging off: the report must not fault too */
	sfence.vma
	lla	sp, diff_stack_top	/* the body's state is lost anyway */
	csrr	a0, scause
	csrr	a1, sepc
	csrr	a2, stval
	call	diff_trap_report	/* harness.c: prints, exits with 3 */
#endif

	.text
/*
 * void diff_putc(int c): one character to the console.
 */
	.globl diff_putc
diff_putc:
#ifdef DIFF_PEER_QEMU
	addi	sp, sp, -16
	sb	a0, 0(sp)
	mv	a1, sp		/* buf */
	li	a0, 1		/* fd: stdout */
	li	a2, 1		/* count */
	li	a7, 64		/* __NR_write */
	ecall
	addi	sp, sp, 16
	ret
#else
	li	a7, 1		/* SBI legacy console putchar */
	ecall
	ret
#endif

/*
 * void diff_exit(int code): end the program with an exit status.
 */
	.globl diff_exit
diff_exit:
#ifdef DIFF_PEER_QEMU
	li	a7, 93		/* __NR_exit */
	ecall
#else
	li	t0, 0x00100000	/* BOARD_FINISHER_BASE */
	li	t1, 0x5555	/* FINISHER_PASS */
	beqz	a0, 1f
	slli	t1, a0, 16
	li	t2, 0x3333	/* FINISHER_FAIL | code << 16 */
	or	t1, t1, t2
1:	sw	t1, 0(t0)
#endif
2:	j	2b		/* not reached; --max-insns ends it if it is */

/*
 * void diff_call(void (*body)(void), uint32_t regs[32])
 *
 * Runs one generated body and stores x0..x31 as the body left them into
 * regs[].  A body clobbers every register except sp and gp (it *sets* gp),
 * and ends with `j diff_body_end` instead of returning, so this function
 * saves what C needs on the stack first:
 *
 *   sp+0   ra      sp+4..48  s0..s11   sp+52  regs   sp+56  gp   sp+60  spare
 */
	.globl diff_call
diff_call:
	addi	sp, sp, -64
	sw	ra, 0(sp)
	sw	s0, 4(sp)
	sw	s1, 8(sp)
	sw	s2, 12(sp)
	sw	s3, 16(sp)
	sw	s4, 20(sp)
	sw	s5, 24(sp)
	sw	s6, 28(sp)
	sw	s7, 32(sp)
	sw	s8, 36(sp)
	sw	s9, 40(sp)
	sw	s10, 44(sp)
	sw	s11, 48(sp)
	sw	a1, 52(sp)
	sw	gp, 56(sp)
	/* An sc.w always ends this hart's reservation, whether it succeeds
	 * or not: so no body inherits one from the body before it. */
	addi	t0, sp, 60
	sc.w	zero, zero, (t0)
	jr	a0

	.globl diff_body_end
diff_body_end:
	addi	sp, sp, -128	/* x0..x31 below the frame above */
	sw	x0, 0(sp)
	sw	x1, 4(sp)
	sw	x2, 8(sp)	/* not the body's: sp is reserved (never printed) */
	sw	x3, 12(sp)
	sw	x4, 16(sp)
	sw	x5, 20(sp)
	sw	x6, 24(sp)
	sw	x7, 28(sp)
	sw	x8, 32(sp)
	sw	x9, 36(sp)
	sw	x10, 40(sp)
	sw	x11, 44(sp)
	sw	x12, 48(sp)
	sw	x13, 52(sp)
	sw	x14, 56(sp)
	sw	x15, 60(sp)
	sw	x16, 64(sp)
	sw	x17, 68(sp)
	sw	x18, 72(sp)
	sw	x19, 76(sp)
	sw	x20, 80(sp)
	sw	x21, 84(sp)
	sw	x22, 88(sp)
	sw	x23, 92(sp)
	sw	x24, 96(sp)
	sw	x25, 100(sp)
	sw	x26, 104(sp)
	sw	x27, 108(sp)
	sw	x28, 112(sp)
	sw	x29, 116(sp)
	sw	x30, 120(sp)
	sw	x31, 124(sp)
	/* copy the 32 words to regs[] (now every register is free) */
	lw	t0, 128+52(sp)
	mv	t1, sp
	addi	t2, sp, 128
1:	lw	t3, 0(t1)
	sw	t3, 0(t0)
	addi	t1, t1, 4
	addi	t0, t0, 4
	bne	t1, t2, 1b
	addi	sp, sp, 128
	lw	ra, 0(sp)
	lw	s0, 4(sp)
	lw	s1, 8(sp)
	lw	s2, 12(sp)
	lw	s3, 16(sp)
	lw	s4, 20(sp)
	lw	s5, 24(sp)
	lw	s6, 28(sp)
	lw	s7, 32(sp)
	lw	s8, 36(sp)
	lw	s9, 40(sp)
	lw	s10, 44(sp)
	lw	s11, 48(sp)
	lw	gp, 56(sp)
	addi	sp, sp, 64
	ret
