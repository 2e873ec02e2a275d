/*
 * trapvec.S -- the way into the kernel.  Every trap -- an exception, an
 * interrupt, an `ecall` from a program -- jumps to trap_vector (stvec)
 * with: sepc = the interrupted pc, scause = why, stval = the bad address
 * or instruction, and in sstatus SPP = the mode we came from, SPIE = the
 * old SIE, SIE = 0 (the hardware masks interrupts for us).
 *
 * Which stack?  A trap from user mode must not use the program's sp.
 * sscratch holds the top of the current process's kernel stack while the
 * program runs, and 0 while the kernel runs, so one swap tells the two
 * cases apart:
 *
 *                      from U-mode            from S-mode
 *   csrrw sp,sscratch  sp = kernel stack top  sp = 0
 *                      sscratch = user sp     sscratch = kernel sp
 *
 * From S-mode we swap back and push the frame on the kernel's own stack.
 *
 * With PARAVIRT the CSR reads and writes of both paths (and sret) become
 * two hypercalls, PV_FN_TRAP_ENTER and PV_FN_SRET, that carry the values
 * through the shared page (pv_abi.h).  Only the sscratch swap stays: it
 * runs before we have a single free register to make a call with.
 */
#include "kernel/pv_abi.h"

#define TF_SIZE 144     /* sizeof(struct trapframe), proc.h */
#define TF_SEPC 128
#define TF_SSTATUS 132

	.section .text
	.globl trap_vector
	.balign 4
trap_vector:
	csrrw sp, sscratch, sp
	bnez sp, 1f
	csrrw sp, sscratch, sp          # from S-mode: back to the kernel sp
1:	addi sp, sp, -TF_SIZE
	# Save x1 and x3..x31; x2 (sp) is handled below, x0 is always 0.
	sw x1, 4(sp)
	sw x3, 12(sp)
	sw x4, 16(sp)
	sw x5, 20(sp)
	sw x6, 24(sp)
	sw x7, 28(sp)
	sw x8, 32(sp)
	sw x9, 36(sp)
	sw x10, 40(sp)
	sw x11, 44(sp)
	sw x12, 48(sp)
	sw x13, 52(sp)
	sw x14, 56(sp)
	sw x15, 60(sp)
	sw x16, 64(sp)
	sw x17, 68(sp)
	sw x18, 72(sp)
	sw x19, 76(sp)
	sw x20, 80(sp)
	sw x21, 84(sp)
	sw x22, 88(sp)
	sw x23, 92(sp)
	sw x24, 96(sp)
	sw x25, 100(sp)
	sw x26, 104(sp)
	sw x27, 108(sp)
	sw x28, 112(sp)
	sw x29, 116(sp)
	sw x30, 120(sp)
	sw x31, 124(sp)
#ifdef PARAVIRT
	# One hypercall instead of six trapped CSR accesses: the monitor
	# copies sepc, scause, stval, sstatus and sscratch into the shared
	# page, zeroes sscratch, and masks us with PV_MASK (the hardware
	# cleared SIE; the monitor keeps SIE on and lets PV_MASK mask).
	# a6, a7 (and a0, a1 for the answer) are saved already.
	li a7, PV_EID
	li a6, PV_FN_TRAP_ENTER
	ecall
	la t1, pv_shared
	lw t0, PV_E_SSCRATCH(t1)        # the interrupted sp, as below
	bnez t0, 2f
	addi t0, sp, TF_SIZE
2:	sw t0, 8(sp)
	sw zero, PV_R_SSCRATCH(t1)      # "the kernel is running"
	lw t0, PV_E_SEPC(t1)
	sw t0, TF_SEPC(sp)
	lw t0, PV_E_SSTATUS(t1)
	sw t0, TF_SSTATUS(sp)
#else
	# The interrupted sp: the user's is in sscratch; a kernel trap left
	# 0 there, and the kernel's sp was just above our frame.
	csrr t0, sscratch
	bnez t0, 2f
	addi t0, sp, TF_SIZE
2:	sw t0, 8(sp)
	csrw sscratch, zero             # we are in the kernel now
	csrr t0, sepc
	sw t0, TF_SEPC(sp)
	# SPP and SPIE: where we came from, whether interrupts were on.  Read
	# with a set-bits instruction (csrrs with a register holding zero),
	# not a plain csrr: plain reads and writes of sstatus are TRV32's
	# PUSHF and POPF, which the --isa=legacy machine lets through without
	# a trap, and the kernel keeps those in intr.h alone.
	li t1, 0
	csrrs t0, sstatus, t1
	sw t0, TF_SSTATUS(sp)
#endif
	mv a0, sp
	call trap_handler
	mv a0, sp
	# fall through

/*
 * trap_return(tf): the way out.  Restore sepc and sstatus (whose SPP and
 * SPIE tell sret which mode to return to and whether interrupts come back
 * on), then every register, sp last, and sret.  Interrupts are off here.
 */
	.globl trap_return
trap_return:
	mv sp, a0
#ifdef PARAVIRT
	# What sret needs, and the four registers the hypercall itself
	# uses (sp, a0, a6, a7), go to the shared page; PV_FN_SRET puts
	# them in place and returns to sepc in the mode SPP says.
	la t1, pv_shared
	lw t0, TF_SEPC(sp)
	sw t0, PV_R_SEPC(t1)
	lw t0, TF_SSTATUS(sp)
	sw t0, PV_R_SSTATUS(t1)
	lw t0, 8(sp)
	sw t0, PV_R_SP(t1)
	lw t0, 40(sp)
	sw t0, PV_R_A0(t1)
	lw t0, 64(sp)
	sw t0, PV_R_A6(t1)
	lw t0, 68(sp)
	sw t0, PV_R_A7(t1)
#else
	lw t0, TF_SEPC(sp)
	csrw sepc, t0
	# Put back the two bits sret needs, bit by bit (csrc/csrs: the CLI/STI
	# kind of access, never a POPF-like whole write).
	lw t0, TF_SSTATUS(sp)
	li t1, 0x120                    # SSTATUS_SPP | SSTATUS_SPIE
	and t0, t0, t1
	csrc sstatus, t1
	csrs sstatus, t0
#endif
	# Every register but sp, a0, a6, a7 (x2, x10, x16, x17): those last.
	lw x1, 4(sp)
	lw x3, 12(sp)
	lw x4, 16(sp)
	lw x5, 20(sp)
	lw x6, 24(sp)
	lw x7, 28(sp)
	lw x8, 32(sp)
	lw x9, 36(sp)
	lw x11, 44(sp)
	lw x12, 48(sp)
	lw x13, 52(sp)
	lw x14, 56(sp)
	lw x15, 60(sp)
	lw x18, 72(sp)
	lw x19, 76(sp)
	lw x20, 80(sp)
	lw x21, 84(sp)
	lw x22, 88(sp)
	lw x23, 92(sp)
	lw x24, 96(sp)
	lw x25, 100(sp)
	lw x26, 104(sp)
	lw x27, 108(sp)
	lw x28, 112(sp)
	lw x29, 116(sp)
	lw x30, 120(sp)
	lw x31, 124(sp)
#ifdef PARAVIRT
	li a7, PV_EID
	li a6, PV_FN_SRET
	ecall                           # does not come back here
#else
	lw x10, 40(sp)
	lw x16, 64(sp)
	lw x17, 68(sp)
	lw sp, 8(sp)
	sret
#endif
