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
 *   pv      as u_4k, for --mode=pv: this code is a paravirtual guest
 *           kernel (docs/pushf-popf.md, "Answer 2"): it registers a
 *           shared page and sets satp, enters the body and returns from
 *           traps through hypercalls instead of satp, sepc, sstatus,
 *           scause, stval accesses and sret; only the stvec write stays
 *           (a trapped one, as in the teaching kernel).  The body, U-mode
 *           code, is the same as in every other variant.
 *
 * In the paged variants this code, the handler and the finisher stay on
 * supervisor-only mappings (S-mode may never execute a user page), and the
 * U-mode body runs at the alias: its `la` addresses are PC-relative, so they
 * point into the alias too.  Everything starts in S-mode; an sret enters the
 * body in the variant's mode.
 */
#include "tests/conf/conf.h"
#if CONF_ENV == CONF_ENV_PV
#include "isa-toy/guests/kernel/pv_abi.h"
/* One hypercall: function fn, a0 (and a1) as set up by the caller. */
#define HYPERCALL(fn) li a7, PV_EID; li a6, fn; ecall
#endif

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
#elif CONF_ENV == CONF_ENV_U_4K || CONF_ENV == CONF_ENV_PV
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
#if CONF_ENV == CONF_ENV_PV
	/* The tables were filled with plain stores: no satp pointed at them
	 * yet.  Register the shared page (its address is guest-physical:
	 * paging is still off), then switch satp (which flushes). */
	mv s0, t0
	la a0, pv_shared
	HYPERCALL(PV_FN_REGISTER)
	bnez a0, conf_pv_broken
	mv a0, s0
	HYPERCALL(PV_FN_SET_SATP)
	bnez a0, conf_pv_broken
#else
	csrw satp, t0
	sfence.vma
#endif
#endif

	/* Enter the body with sret: sepc = where it runs, SPP = its mode. */
	la t0, conf_body
	la sp, user_stack_top
#if CONF_ALIASED
	li t1, 0x80000000 - CONF_ALIAS_VA
	sub t0, t0, t1
	sub sp, sp, t1
#endif
#if CONF_ENV == CONF_ENV_PV
	/* sret by hypercall: pc, mode (SPP = U, SPIE = 1), sscratch and the
	 * registers the call uses, from the shared page. */
	la t1, pv_shared
	sw t0, PV_R_SEPC(t1)
	li t2, 1 << 5 /* SPIE */
	sw t2, PV_R_SSTATUS(t1)
	sw zero, PV_R_SSCRATCH(t1)
	sw sp, PV_R_SP(t1)
	sw zero, PV_R_A0(t1)
	sw zero, PV_R_A6(t1)
	sw zero, PV_R_A7(t1)
	HYPERCALL(PV_FN_SRET)
	/* A hypercall the monitor refused (not --mode=pv): say so. */
conf_pv_broken:
	li a0, 0
	li a1, 0xfff
	call conf_report
#else
	csrw sepc, t0
	li t1, 1 << 8 /* sstatus.SPP */
#if CONF_IN_U
	csrc sstatus, t1
#else
	csrs sstatus, t1
#endif
	sret
#endif

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
#if CONF_ENV == CONF_ENV_PV
	/* The paravirtual handler: t4 (the macros' scratch) is free; save
	 * what the hypercalls use, get the trap CSRs as TRAP_ENTER copies
	 * them to the shared page, and resume with the SRET hypercall. */
	la t4, conf_save
	sw t0, 0(t4)
	sw t1, 4(t4)
	sw t2, 8(t4)
	sw t3, 12(t4)
	sw a0, 16(t4)
	sw a1, 20(t4)
	sw a6, 24(t4)
	sw a7, 28(t4)
	HYPERCALL(PV_FN_TRAP_ENTER)
	la t0, pv_shared
	la t1, conf_trap_ret
	lw t2, 0(t1)
	beqz t2, 2f
	sw zero, 0(t1)
	sw t2, PV_R_SEPC(t0) /* resume where the body asked */
	lw t3, PV_E_SEPC(t0)
	la t1, conf_trap_epc
	sw t3, 0(t1)
	lw t3, PV_E_SCAUSE(t0)
	la t1, conf_trap_cause
	sw t3, 0(t1)
	lw t3, PV_E_STVAL(t0)
	la t1, conf_trap_tval
	sw t3, 0(t1)
	lw t3, PV_E_SSTATUS(t0) /* back to U (SPP), SPIE as it was */
	sw t3, PV_R_SSTATUS(t0)
	sw zero, PV_R_SSCRATCH(t0)
	sw sp, PV_R_SP(t0)
	lw t3, 16(t4)
	sw t3, PV_R_A0(t0)
	lw t3, 24(t4)
	sw t3, PV_R_A6(t0)
	lw t3, 28(t4)
	sw t3, PV_R_A7(t0)
	lw a1, 20(t4)
	lw t0, 0(t4)
	lw t1, 4(t4)
	lw t2, 8(t4)
	lw t3, 12(t4)
	HYPERCALL(PV_FN_SRET)
2:	lw t1, PV_E_SCAUSE(t0)
	la sp, stack_top
	li t2, 8
	bne t1, t2, 3f
	lw t2, 28(t4)
	li t3, CONF_EXIT_A7
	bne t2, t3, 3f
	lw a0, 16(t4)
	li a1, -1
	call conf_report /* a0 = 0 or the failed case */
3:	mv a0, gp
	mv a1, t1
	call conf_report
#else
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

#endif

	.data
	.align 2
	.globl conf_trap_ret, conf_trap_cause, conf_trap_tval, conf_trap_epc
conf_trap_ret:   .word 0
conf_trap_cause: .word 0
conf_trap_tval:  .word 0
conf_trap_epc:   .word 0
conf_save:       .space 32

	.bss
	.align 12
#if CONF_ENV == CONF_ENV_PV
pv_shared: .space PV_SHARED_SIZE /* the page shared with the monitor */
#endif
conf_root: .space 4096
conf_l0:   .space 4096
	.space 4096
stack_top:
	.space 4096
	.globl user_stack_top
user_stack_top:
