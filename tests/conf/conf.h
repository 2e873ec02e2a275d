/*
 * conf.h -- the macro framework of the conformance programs (tests/conf/).
 *
 * Each program is one assembly file written from the RISC-V specification:
 *
 *	#include "tests/conf/conf.h"
 *	CONF_BEGIN
 *	TEST_RR(1, add, 3, 1, 2)          # case 1: add 1 + 2 gives 3
 *	CONF_END
 *
 * Every check loads its case number into gp first, so a failing program
 * reports which case failed ("NAME: FAIL case N", exit status N), in the
 * manner of riscv-tests' TESTNUM.  The body runs in the environment crt.S
 * sets up for the variant it was built for (CONF_ENV, see crt.S): S- or
 * U-mode, paging off or on.  Bodies use only PC-relative addresses (`la`),
 * so the same code runs at its link address or at the U-mode alias.
 *
 * Registers: bodies may use every register except sp; t4-t6 are scratch of
 * the macros.
 */
#ifndef TESTS_CONF_CONF_H
#define TESTS_CONF_CONF_H

/* The macros below are assembly, not C: clang-format leaves them alone. */
/* clang-format off */
#define CONF_ENV_S	0 /* S-mode, satp = 0 */
#define CONF_ENV_U	1 /* U-mode, satp = 0 */
#define CONF_ENV_S_VM	2 /* S-mode, Sv32 on: identity megapage */
#define CONF_ENV_U_4K	3 /* U-mode, Sv32 on: alias made of 4 KiB pages */
#define CONF_ENV_U_MEGA 4 /* U-mode, Sv32 on: alias made of one megapage */
#define CONF_ENV_PV	5 /* as U_4K, set up through paravirtual hypercalls */

/* Built for --isa=legacy's U-mode sstatus semantics (docs/isa.md): the
 * PROG.VARIANT.legacy.elf files of tests/conf/module.mk. */
#ifndef CONF_EXPECT_LEGACY
#define CONF_EXPECT_LEGACY 0
#endif
#define CONF_IN_U     (CONF_ENV == CONF_ENV_U || CONF_ENV == CONF_ENV_U_4K || CONF_ENV == CONF_ENV_U_MEGA || CONF_ENV == CONF_ENV_PV)
#define CONF_ALIASED  (CONF_ENV == CONF_ENV_U_4K || CONF_ENV == CONF_ENV_U_MEGA || CONF_ENV == CONF_ENV_PV)
#define CONF_PAGING   (CONF_ENV >= CONF_ENV_S_VM)
#define CONF_ALIAS_VA 0x40000000 /* where U-mode sees RAM in the aliased variants */
#define CONF_EXIT_A7  93	 /* the ecall a U-mode body ends with */

#ifdef __ASSEMBLER__

/* How a body ends: from U-mode an ecall to crt.S's handler (which runs in S
 * and prints); from S-mode a jump straight to the same report code. */
#if CONF_IN_U
#define CONF_EXIT li a7, CONF_EXIT_A7; ecall
#else
#define CONF_EXIT j conf_report_s
#endif

#define CONF_BEGIN              \
	.section .text.body;    \
	.globl conf_body;       \
	.align 2;               \
	conf_body:

#define CONF_END                \
	conf_pass : li a0, 0;   \
	j conf_done;            \
	conf_fail : mv a0, gp;  \
	conf_done : CONF_EXIT

/* Case n: run `code`, then register `reg` must hold `want`. */
#define TEST_CASE(n, reg, want, code...) \
	li gp, n;                        \
	code;                            \
	li t6, want;                     \
	bne reg, t6, conf_fail

/* Register-register and register-immediate forms, including the rd = rs
 * cases that catch an implementation reading a source after writing rd. */
#define TEST_RR(n, inst, want, a, b) \
	TEST_CASE(n, a0, want, li a1, a; li a2, b; inst a0, a1, a2)
#define TEST_RR_SRC1_EQ_DEST(n, inst, want, a, b) \
	TEST_CASE(n, a1, want, li a1, a; li a2, b; inst a1, a1, a2)
#define TEST_RR_SRC2_EQ_DEST(n, inst, want, a, b) \
	TEST_CASE(n, a2, want, li a1, a; li a2, b; inst a2, a1, a2)
#define TEST_RR_ZERO_DEST(n, inst, a, b) \
	TEST_CASE(n, zero, 0, li a1, a; li a2, b; inst zero, a1, a2)
#define TEST_RR_SRC12_EQ_DEST(n, inst, want, a) \
	TEST_CASE(n, a1, want, li a1, a; inst a1, a1, a1)
/* x0 as a source reads 0 (whatever was written to it). */
#define TEST_RR_ZERO_SRC1(n, inst, want, b) \
	TEST_CASE(n, a0, want, li a2, b; inst a0, zero, a2)
#define TEST_RR_ZERO_SRC2(n, inst, want, a) \
	TEST_CASE(n, a0, want, li a1, a; inst a0, a1, zero)
#define TEST_RI(n, inst, want, a, imm) \
	TEST_CASE(n, a0, want, li a1, a; inst a0, a1, imm)
#define TEST_RI_SRC1_EQ_DEST(n, inst, want, a, imm) \
	TEST_CASE(n, a1, want, li a1, a; inst a1, a1, imm)
#define TEST_RI_ZERO_SRC1(n, inst, want, imm) \
	TEST_CASE(n, a0, want, inst a0, zero, imm)
#define TEST_RI_ZERO_DEST(n, inst, a, imm) \
	TEST_CASE(n, zero, 0, li a1, a; inst zero, a1, imm)

/* Branches: case n, `inst a1, a2` with a1 = a, a2 = b must (not) be
 * taken; the backward form branches to an earlier address. */
#define TEST_BR_TAKEN(n, inst, a, b) \
	li gp, n; li a1, a; li a2, b; inst a1, a2, 91f; j conf_fail; 91:
#define TEST_BR_NOT(n, inst, a, b) \
	li gp, n; li a1, a; li a2, b; inst a1, a2, conf_fail
#define TEST_BR_BACKWARD(n, inst, a, b) \
	li gp, n; j 92f;                \
	91 : j 93f;                     \
	92 : li a1, a; li a2, b;        \
	inst a1, a2, 91b;               \
	j conf_fail;                    \
	93 :

/* Loads: case n, `inst a0, off(a1)` with a1 = conf_ld_data (CONF_LD_DATA
 * puts it in the program's .data) must give `want`. */
#define TEST_LD(n, inst, want, off) \
	TEST_CASE(n, a0, want, la a1, conf_ld_data; inst a0, off(a1))
#define CONF_LD_DATA                                                \
	.data;                                                      \
	.align 2;                                                   \
	conf_ld_data : .byte 0x81, 0x82, 0x83, 0x84, 0x11, 0x22, 0x33, 0x44; \
	.byte 0x7f, 0x80, 0xff, 0x00

/* Stores: case n, zero the 8 bytes at conf_st_data (CONF_ST_DATA), run
 * `code` with a1 = conf_st_data and a2 = 0xaabbccdd, then the word at
 * `off`(a1) must be `want`. */
#define TEST_ST(n, want, off, code...) \
	TEST_CASE(n, a0, want, la a1, conf_st_data; sw zero, 0(a1); sw zero, 4(a1); \
		  li a2, 0xaabbccdd; code; lw a0, off(a1))
#define CONF_ST_DATA  \
	.data;        \
	.align 2;     \
	conf_st_data : .word 0, 0

/* AMOs: case n, memory at conf_amo_data (CONF_AMO_DATA) holds `old`,
 * `inst a0, a2, (a1)` with a2 = b; a0 must read old and the word then
 * hold `want`. */
#define TEST_AMO(n, inst, old, b, want)                                        \
	TEST_CASE(n, a0, old, la a1, conf_amo_data; li a2, old; sw a2, 0(a1);  \
		  li a2, b; inst a0, a2, (a1));                                 \
	TEST_CASE(n, a3, want, lw a3, 0(a1))
#define CONF_AMO_DATA \
	.data;        \
	.align 2;     \
	conf_amo_data : .word 0, 0

/* Expected traps: EXPECT_TRAP(resume) asks crt.S's handler to record the
 * next trap's scause, stval and sepc in conf_trap_cause/_tval/_epc and to
 * resume at `resume` in the mode the trap came from. */
#define EXPECT_TRAP(resume)    \
	la t5, resume;         \
	la t4, conf_trap_ret;  \
	sw t5, 0(t4)
#define CHECK_WORD(var, want_reg) \
	la t4, var;               \
	lw t5, 0(t4);             \
	bne t5, want_reg, conf_fail
/* Case n: `code` must trap with scause `cause` (stval checked by the caller
 * through CHECK_WORD(conf_trap_tval, reg) if it matters). */
#define TEST_TRAP(n, cause, code...) \
	li gp, n;                    \
	EXPECT_TRAP(90f);            \
	code;                        \
	j conf_fail;                 \
	90 : li t6, cause;           \
	CHECK_WORD(conf_trap_cause, t6)

#endif /* __ASSEMBLER__ */
/* clang-format on */
#endif
