/* crt0.S -- entry and trap vector of the one-feature guest programs. */
	.section .text.start
	.globl _start
_start:
	la sp, stack_top
	la t0, trap_vector
	csrw stvec, t0
	call test_main
	li a0, 0
	call finish

	/* Save the caller-saved registers, call trap_handler(regs), restore,
	 * sret.  32 slots: regs[i] is x_i (x0 slot unused). */
	.align 2
	.globl trap_vector
trap_vector:
	addi sp, sp, -128
	sw ra, 4(sp)
	sw t0, 20(sp)
	sw t1, 24(sp)
	sw t2, 28(sp)
	sw a0, 40(sp)
	sw a1, 44(sp)
	sw a2, 48(sp)
	sw a3, 52(sp)
	sw a4, 56(sp)
	sw a5, 60(sp)
	sw a6, 64(sp)
	sw a7, 68(sp)
	sw t3, 112(sp)
	sw t4, 116(sp)
	sw t5, 120(sp)
	sw t6, 124(sp)
	mv a0, sp
	call trap_handler
	lw ra, 4(sp)
	lw t0, 20(sp)
	lw t1, 24(sp)
	lw t2, 28(sp)
	lw a0, 40(sp)
	lw a1, 44(sp)
	lw a2, 48(sp)
	lw a3, 52(sp)
	lw a4, 56(sp)
	lw a5, 60(sp)
	lw a6, 64(sp)
	lw a7, 68(sp)
	lw t3, 112(sp)
	lw t4, 116(sp)
	lw t5, 120(sp)
	lw t6, 124(sp)
	addi sp, sp, 128
	sret

	.bss
	.align 4
	.space 8192
stack_top:
