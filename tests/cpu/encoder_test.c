/*
 * encoder_test.c -- the harness's instruction encoders, checked two ways:
 * against words GNU as produces for the same source line (an independent
 * peer), and round-trip through insn_decode and the named extractors for
 * every row of insns.def and the extremes of every immediate.
 */
#include <criterion/criterion.h>

#include "tests/cpu/harness.h"

TestSuite(encoder, .init = th_setup, .fini = th_teardown);

/* Words from `riscv64-unknown-elf-as -march=rv32ima_zicsr_zifencei`
 * (objdump -M no-aliases,numeric); branch offsets are relative to the
 * instruction. */
Test(encoder, matches_gnu_as)
{
	cr_assert_eq(enc_i(INSN_addi, 1, 2, -1), 0xfff10093);	      /* addi x1,x2,-1 */
	cr_assert_eq(enc_s(INSN_sw, 6, 5, 8), 0x00532423);	      /* sw x5,8(x6) */
	cr_assert_eq(enc_s(INSN_sw, 6, 5, -2048), 0x80532023);	      /* sw x5,-2048(x6) */
	cr_assert_eq(enc_b(INSN_beq, 0, 0, -4), 0xfe000ee3);	      /* beq x0,x0,.-4 */
	cr_assert_eq(enc_b(INSN_bne, 3, 4, 4094), 0x7e419fe3);	      /* bne x3,x4,.+4094 */
	cr_assert_eq(enc_b(INSN_blt, 3, 4, -4096), 0x8041c063);	      /* blt x3,x4,.-4096 */
	cr_assert_eq(enc_u(INSN_lui, 5, 0x12345000), 0x123452b7);     /* lui x5,0x12345 */
	cr_assert_eq(enc_u(INSN_auipc, 6, 0xfffff000), 0xfffff317);   /* auipc x6,0xfffff */
	cr_assert_eq(enc_j(INSN_jal, 1, 2046), 0x7fe000ef);	      /* jal x1,.+2046 */
	cr_assert_eq(enc_j(INSN_jal, 0, -1048576), 0x8000006f);	      /* jal x0,.-1048576 */
	cr_assert_eq(enc_i(INSN_jalr, 1, 2, -1), 0xfff100e7);	      /* jalr x1,-1(x2) */
	cr_assert_eq(enc_sh(INSN_srai, 7, 8, 31), 0x41f45393);	      /* srai x7,x8,31 */
	cr_assert_eq(enc_csr(INSN_csrrs, 5, 0xc01, 0), 0xc01022f3);   /* csrrs x5,time,x0 */
	cr_assert_eq(enc_csr(INSN_csrrwi, 5, 0x140, 31), 0x140fd2f3); /* csrrwi x5,sscratch,31 */
	cr_assert_eq(enc_amo(INSN_amomaxu_w, 5, 7, 6), 0xe063a2af);   /* amomaxu.w x5,x6,(x7) */
	cr_assert_eq(enc_amo(INSN_lr_w, 5, 6, 0), 0x100322af);	      /* lr.w x5,(x6) */
	cr_assert_eq(enc_amo(INSN_sc_w, 5, 7, 6), 0x1863a2af);	      /* sc.w x5,x6,(x7) */
	cr_assert_eq(enc_sys(INSN_fence_i), 0x0000100f);	      /* fence.i */
	cr_assert_eq(enc_r(INSN_sfence_vma, 0, 7, 0), 0x12038073);    /* sfence.vma x7,x0 */
	cr_assert_eq(ENC_LOOP, enc_j(INSN_jal, 0, 0));
	cr_assert_eq(ENC_NOP, enc_i(INSN_addi, 0, 0, 0));
}

/* Encode every instruction of the table with distinct operands; the
 * decoder must name the same row and the extractors give back each
 * operand. */
Test(encoder, round_trips_every_row)
{
	for (int id = 1; id < INSN_COUNT; id++) {
		const struct insn_desc *d = &insn_table[id];
		uint32_t w;
		int32_t imm = 0;
		switch (d->format) {
		case INSN_FMT_R: w = enc_r(id, 5, 6, 7); break;
		case INSN_FMT_I:
		case INSN_FMT_LD:
		case INSN_FMT_JR: w = enc_i(id, 5, 6, imm = -3); break;
		case INSN_FMT_SH:
			w = enc_sh(id, 5, 6, 17);
			imm = 17;
			break;
		case INSN_FMT_S: w = enc_s(id, 6, 7, imm = -3); break;
		case INSN_FMT_B: w = enc_b(id, 6, 7, imm = -6); break;
		case INSN_FMT_U:
			w = enc_u(id, 5, 0xabcde000u);
			imm = (int32_t)0xabcde000u;
			break;
		case INSN_FMT_J: w = enc_j(id, 5, imm = -10); break;
		case INSN_FMT_CSR:
		case INSN_FMT_CSRI:
			w = enc_csr(id, 5, 0x141, 6);
			imm = 0x141;
			break;
		case INSN_FMT_AMO:
		case INSN_FMT_LR: w = enc_amo(id, 5, 6, 7); break;
		case INSN_FMT_SFENCE: w = enc_r(id, 0, 6, 7); break;
		default: /* fixed words: fence, fence.i, ecall, ... */ w = d->match; break;
		}
		cr_assert_eq(insn_decode(w), id, "%s encodes as %#010x, decodes as %s", d->mnemonic,
			     w, insn_table[insn_decode(w)].mnemonic);
		cr_assert_eq(insn_imm(id, w), imm, "%s: imm %d, expected %d", d->mnemonic,
			     insn_imm(id, w), imm);
		if (d->format == INSN_FMT_R || d->format == INSN_FMT_AMO) {
			cr_assert_eq(insn_rd(w), 5);
			cr_assert_eq(insn_rs1(w), 6);
			cr_assert_eq(insn_rs2(w), 7);
		}
		if (d->format == INSN_FMT_S || d->format == INSN_FMT_B) {
			cr_assert_eq(insn_rs1(w), 6);
			cr_assert_eq(insn_rs2(w), 7);
		}
	}
}

/* The extremes of every immediate survive the trip (sign bit, all ones,
 * each boundary bit). */
Test(encoder, immediate_extremes)
{
	static const int32_t i_imms[] = { 0, 1, -1, 2047, -2048, 0x555, -0x556 };
	for (size_t k = 0; k < sizeof(i_imms) / sizeof(i_imms[0]); k++) {
		cr_assert_eq(insn_imm_i(enc_i(INSN_addi, 1, 2, i_imms[k])), i_imms[k]);
		cr_assert_eq(insn_imm_s(enc_s(INSN_sw, 1, 2, i_imms[k])), i_imms[k]);
	}
	static const int32_t b_imms[] = { 0, 2, -2, 4094, -4096, 2048, -2050, 0x554 };
	for (size_t k = 0; k < sizeof(b_imms) / sizeof(b_imms[0]); k++)
		cr_assert_eq(insn_imm_b(enc_b(INSN_beq, 1, 2, b_imms[k])), b_imms[k], "%d",
			     b_imms[k]);
	static const int32_t j_imms[] = { 0, 2, -2, 1048574, -1048576, 2048, 4096, -4098 };
	for (size_t k = 0; k < sizeof(j_imms) / sizeof(j_imms[0]); k++)
		cr_assert_eq(insn_imm_j(enc_j(INSN_jal, 1, j_imms[k])), j_imms[k], "%d", j_imms[k]);
	cr_assert_eq(insn_imm_u(enc_u(INSN_lui, 1, 0x80000000u)), INT32_MIN);
}
