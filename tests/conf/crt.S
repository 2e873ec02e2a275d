/*
 * crt.S -- start-up and trap handler of the conformance programs.
 *
 * The same body (conf_body, from one program's .S file) is linked with this
 * file once per variant; CONF_ENV (conf.h) chooses the environment the body
 * runs in:
 *
 *   s       S-mode, satp = 0
 *   u       U-mode, satp = 0
 *   s_vm    S-mode, Sv32: RAM mapped at its own address by one megapage
 *   u_4k    U-mode, Sv32: RAM also seen at 0x40000000 through 1024 4 KiB
 *           user pages (one level-0 table)
 *   u_mega  U-mode, Sv32: the same alias through one user megapage
 *
 * In the paged variants this code, the handler and the finisher stay on
 * supervisor-only mappings (S-mode may never execute a user page), and the
 * U-mode body runs at the alias: its `la` addresses are PC-relative, so they
 * point into the alias too.  Everything starts in S-mode; an sret enters the
 * body in the variant's mode.
 */
#include "tests/conf/conf.h"

#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_U 0x10
#define PTE_A 0x40
#define PTE_D 0x80
#define RAM_PPN 0x80000 /* 0x80000000 >> 12 */

	.section .text.start
	.globl _start
_start:
	la sp, stack_top
	la t0, conf_vector
	csrw stvec, t0

#if CONF_PAGING
	/* Root table: 1024 entries of 4 MiB.  Entry 0x200 maps RAM at its
	 * own address for S-mode, entry 0 the finisher (0x00100000). */
	la t0, conf_root
	li t1, (RAM_PPN << 10) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
	li t3, 0x200 * 4 /* beyond a 12-bit offset */
	add t3, t0, t3
	sw t1, 0(t3)
	li t1, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
	sw t1, 0(t0)
#if CONF_ENV == CONF_ENV_U_MEGA
	/* Entry 0x100 (VA 0x40000000): one user megapage onto RAM. */
	li t1, (RAM_PPN << 10) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D
	sw t1, 0x100 * 4(t0)
#elif CONF_ENV == CONF_ENV_U_4K
	/* Entry 0x100 points to a level-0 table (a pointer: only V set)
	 * whose 1024 user pages cover RAM page by page. */
	la t2, conf_l0
	srli t1, t2, 12
	slli t1, t1, 10
	ori t1, t1, PTE_V
	sw t1, 0x100 * 4(t0)
	li t1, (RAM_PPN << 10) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D
	li t3, 1024
1:	sw t1, 0(t2)
	addi t2, t2, 4
	addi t1, t1, 1 << 10 /* next physical page */
	addi t3, t3, -1
	bnez t3, 1b
#endif
	srli t0, t0, 12
	li t1, 0x80000000 /* MODE = Sv32 */
	or t0, t0, t1
	csrw satp, t0
	sfence.vma
#endif

	/* Enter the body with sret: sepc = where it runs, SPP = its mode. */
	la t0, conf_body
	la sp, user_stack_top
#if CONF_ALIASED
	li t1, 0x80000000 - CONF_ALIAS_VA
	sub t0, t0, t1
	sub sp, sp, t1
#endif
	csrw sepc, t0
	li t1, 1 << 8 /* sstatus.SPP */
#if CONF_IN_U
	csrc sstatus, t1
#else
	csrs sstatus, t1
#endif
	sret

	/* An S-mode body ends here (a0 = 0 or the failed case). */
	.globl conf_report_s
conf_report_s:
	la sp, stack_top
	li a1, -1
	call conf_report

	/* The trap handler.  A trap the body announced with EXPECT_TRAP is
	 * recorded and resumed (an
	 * interrupt also clears sie); an ecall from U with a7 = CONF_EXIT_A7 is the
	 * body's end; anything else fails the case in gp. */
	.align 2
conf_vector:
	csrw sscratch, t0
	la t0, conf_save
	sw t1, 0(t0)
	sw t2, 4(t0)
	sw t3, 8(t0)
	la t1, conf_trap_ret
	lw t2, 0(t1)
	beqz t2, 2f
	sw zero, 0(t1)
	csrr t3, sepc
	la t1, conf_trap_epc
	sw t3, 0(t1)
	csrw sepc, t2 /* resume where the body asked */
	csrr t2, scause
	la t1, conf_trap_cause
	sw t2, 0(t1)
	bgez t2, 1f
	csrw sie, zero /* an interrupt: mask it, or sret would take it again */
1:
	csrr t2, stval
	la t1, conf_trap_tval
	sw t2, 0(t1)
	lw t1, 0(t0)
	lw t2, 4(t0)
	lw t3, 8(t0)
	csrr t0, sscratch
	sret
2:	csrr t1, scause
	la sp, stack_top
	li t2, 8
	bne t1, t2, 3f
	li t2, CONF_EXIT_A7
	bne a7, t2, 3f
	li a1, -1
	call conf_report /* a0 = 0 or the failed case */
3:	mv a0, gp
	mv a1, t1
	call conf_report

	.data
	.align 2
	.globl conf_trap_ret, conf_trap_cause, conf_trap_tval, conf_trap_epc
conf_trap_ret:   .word 0
conf_trap_cause: .word 0
conf_trap_tval:  .word 0
conf_trap_epc:   .word 0
conf_save:       .space 16

	.bss
	.align 12
conf_root: .space 4096
conf_l0:   .space 4096
	.space 4096
stack_top:
	.space 4096
	.globl user_stack_top
user_stack_top:
