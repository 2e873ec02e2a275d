/*
 * alu_test.c -- RV32I computational instructions, jumps and branches, and
 * the M extension, against the unprivileged spec (ch. 2 "RV32I Base
 * Integer Instruction Set" and ch. "M" Extension for Integer Multiplication
 * and Division").  Every expected value is worked out from the spec's
 * definition in the row's comment.
 */
#include <criterion/criterion.h>

#include "tests/cpu/harness.h"

TestSuite(alu, .init = th_setup, .fini = th_teardown);

#define MIN    0x80000000u /* INT32_MIN */
#define MAX    0x7fffffffu /* INT32_MAX */
#define NEG(n) ((uint32_t) - (n))

struct rrow {
	enum insn_id id;
	uint32_t a, b, want;
};

/* `op x3, x1, x2` with x1 = a, x2 = b: one instruction, falls through. */
static uint32_t run_r(enum insn_id id, uint32_t a, uint32_t b)
{
	th_cpu.x[1] = a;
	th_cpu.x[2] = b;
	th_cpu.x[3] = 0x5a5a5a5a;
	uint32_t at = TH_RUN(enc_r(id, 3, 1, 2));
	cr_assert_eq(th_cpu.pc, at + 4, "%s falls through", insn_table[id].mnemonic);
	return th_cpu.x[3];
}

static void check_r(const struct rrow *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct rrow *r = &rows[i];
		uint32_t got = run_r(r->id, r->a, r->b);
		cr_expect_eq(got, r->want, "%s %#x, %#x = %#x, expected %#x",
			     insn_table[r->id].mnemonic, r->a, r->b, got, r->want);
	}
	th_assert_no_trap();
}
#define CHECK_R(rows) check_r(rows, sizeof(rows) / sizeof(rows[0]))

Test(alu, register_register)
{
	static const struct rrow rows[] = {
		/* add/sub: modulo 2^32, overflow ignored (2.4.2) */
		{ INSN_add, 1, 2, 3 },
		{ INSN_add, 0xffffffff, 1, 0 },
		{ INSN_add, MAX, 1, MIN },
		{ INSN_sub, 0, 1, 0xffffffff },
		{ INSN_sub, MIN, 1, MAX },
		{ INSN_sub, 5, 5, 0 },
		/* slt signed, sltu unsigned */
		{ INSN_slt, NEG(1), 0, 1 },
		{ INSN_slt, 0, NEG(1), 0 },
		{ INSN_slt, MIN, MAX, 1 },
		{ INSN_slt, 5, 5, 0 },
		{ INSN_sltu, NEG(1), 0, 0 },
		{ INSN_sltu, 0, NEG(1), 1 },
		{ INSN_sltu, MIN, MAX, 0 },
		{ INSN_sltu, 0, 0, 0 },
		/* logic */
		{ INSN_xor, 0xf0f0f0f0, 0xff00ff00, 0x0ff00ff0 },
		{ INSN_or, 0xf0f0f0f0, 0xff00ff00, 0xfff0fff0 },
		{ INSN_and, 0xf0f0f0f0, 0xff00ff00, 0xf000f000 },
		/* sll/srl/sra: shift amount is the low 5 bits of rs2 (2.4.2) */
		{ INSN_sll, 1, 31, MIN },
		{ INSN_sll, 1, 32, 1 },
		{ INSN_sll, 1, 33, 2 },
		{ INSN_sll, 0xffffffff, 0xffffffe4, 0xfffffff0 },
		{ INSN_srl, MIN, 31, 1 },
		{ INSN_srl, MIN, 32, MIN },
		{ INSN_srl, MIN, 63, 1 },
		{ INSN_srl, 0xffffffff, 4, 0x0fffffff },
		{ INSN_sra, MIN, 31, 0xffffffff },
		{ INSN_sra, MIN, 32, MIN },
		{ INSN_sra, MIN, 4, 0xf8000000 },
		{ INSN_sra, 0x40000000, 30, 1 },
		{ INSN_sra, MIN, 0xffffffff, 0xffffffff },
	};
	CHECK_R(rows);
}

Test(alu, multiply)
{
	static const struct rrow rows[] = {
		/* mul: low 32 bits of the product, signedness irrelevant */
		{ INSN_mul, 0xffffffff, 0xffffffff, 1 },
		{ INSN_mul, 0x10000, 0x10000, 0 },
		{ INSN_mul, 7, NEG(3), NEG(21) },
		{ INSN_mul, 0x12345678, 0x10, 0x23456780 },
		/* mulh: high half of signed x signed */
		{ INSN_mulh, NEG(1), NEG(1), 0 },     /* 1 */
		{ INSN_mulh, NEG(1), 1, 0xffffffff }, /* -1 */
		{ INSN_mulh, MIN, MIN, 0x40000000 },  /* 2^62 */
		{ INSN_mulh, MIN, MAX, 0xc0000000 },  /* -2^62 + 2^31 */
		{ INSN_mulh, MAX, MAX, 0x3fffffff },  /* 2^62 - 2^32 + 1 */
		{ INSN_mulh, MIN, NEG(1), 0 },	      /* 2^31 */
		/* mulhsu: rs1 signed, rs2 unsigned */
		{ INSN_mulhsu, NEG(1), 0xffffffff, 0xffffffff }, /* -(2^32-1) */
		{ INSN_mulhsu, 1, 0xffffffff, 0 },
		{ INSN_mulhsu, MIN, 0xffffffff, 0x80000000 }, /* -2^63 + 2^31 */
		{ INSN_mulhsu, NEG(2), 2, 0xffffffff },	      /* -4 */
		{ INSN_mulhsu, 2, MIN, 1 },		      /* 2^32 */
		/* mulhu: unsigned x unsigned */
		{ INSN_mulhu, 0xffffffff, 0xffffffff, 0xfffffffe },
		{ INSN_mulhu, MIN, 2, 1 },
		{ INSN_mulhu, NEG(1), 1, 0 },
	};
	CHECK_R(rows);
}

/* Division: rounds toward zero; the remainder has the dividend's sign.
 * Table "Semantics for division by zero and division overflow": x/0 gives
 * all ones (div, divu) and remainder x; INT_MIN / -1 gives INT_MIN with
 * remainder 0.  None of them traps. */
Test(alu, divide)
{
	static const struct rrow rows[] = {
		{ INSN_div, 7, 2, 3 },
		{ INSN_div, NEG(7), 2, NEG(3) },
		{ INSN_div, 7, NEG(2), NEG(3) },
		{ INSN_div, NEG(7), NEG(2), 3 },
		{ INSN_div, 42, 0, 0xffffffff },
		{ INSN_div, NEG(42), 0, 0xffffffff },
		{ INSN_div, 0, 0, 0xffffffff },
		{ INSN_div, MIN, NEG(1), MIN },
		{ INSN_divu, 7, 2, 3 },
		{ INSN_divu, 0xffffffff, 2, 0x7fffffff },
		{ INSN_divu, 42, 0, 0xffffffff },
		{ INSN_divu, MIN, 0xffffffff, 0 },
		{ INSN_rem, 7, 2, 1 },
		{ INSN_rem, NEG(7), 2, NEG(1) },
		{ INSN_rem, 7, NEG(2), 1 },
		{ INSN_rem, 42, 0, 42 },
		{ INSN_rem, NEG(7), 0, NEG(7) },
		{ INSN_rem, MIN, NEG(1), 0 },
		{ INSN_remu, 7, 2, 1 },
		{ INSN_remu, 42, 0, 42 },
		{ INSN_remu, MIN, 0xffffffff, MIN },
		{ INSN_remu, 0xffffffff, 0x10, 0xf },
	};
	CHECK_R(rows);
}

struct irow {
	enum insn_id id;
	uint32_t a;
	int32_t imm;
	uint32_t want;
};

Test(alu, register_immediate)
{
	static const struct irow rows[] = {
		/* the 12-bit immediate is sign-extended (2.4.1) */
		{ INSN_addi, 1, -1, 0 },
		{ INSN_addi, 0, -2048, 0xfffff800 },
		{ INSN_addi, MAX, 1, MIN },
		/* slti: signed compare with the sign-extended immediate */
		{ INSN_slti, NEG(5), -4, 1 },
		{ INSN_slti, NEG(3), -4, 0 },
		{ INSN_slti, 0, -1, 0 },
		{ INSN_slti, MIN, -2048, 1 },
		/* sltiu: the immediate is sign-extended, then compared as
		 * unsigned, so -1 is 0xffffffff; sltiu rd, rs1, 1 is seqz */
		{ INSN_sltiu, 0, -1, 1 },
		{ INSN_sltiu, 0xfffffffe, -1, 1 },
		{ INSN_sltiu, 0xffffffff, -1, 0 },
		{ INSN_sltiu, 0, 1, 1 },
		{ INSN_sltiu, 5, 1, 0 },
		{ INSN_xori, 0x12345678, -1, 0xedcba987 }, /* not */
		{ INSN_ori, 0, -2048, 0xfffff800 },
		{ INSN_andi, 0xffffffff, 0x7ff, 0x7ff },
		{ INSN_andi, 0x12345678, -16, 0x12345670 },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct irow *r = &rows[i];
		th_cpu.x[1] = r->a;
		uint32_t at = TH_RUN(enc_i(r->id, 3, 1, r->imm));
		cr_assert_eq(th_cpu.pc, at + 4);
		cr_expect_eq(th_cpu.x[3], r->want, "%s %#x, %d = %#x, expected %#x",
			     insn_table[r->id].mnemonic, r->a, r->imm, th_cpu.x[3], r->want);
	}
	th_assert_no_trap();
}

Test(alu, shift_immediate)
{
	static const struct irow rows[] = {
		{ INSN_slli, 1, 31, MIN },
		{ INSN_slli, 0x12345678, 0, 0x12345678 },
		{ INSN_slli, 0xffffffff, 4, 0xfffffff0 },
		{ INSN_srli, MIN, 31, 1 },
		{ INSN_srli, 0xffffffff, 4, 0x0fffffff },
		{ INSN_srai, MIN, 31, 0xffffffff },
		{ INSN_srai, MAX, 31, 0 },
		{ INSN_srai, 0xf0000000, 4, 0xff000000 },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct irow *r = &rows[i];
		th_cpu.x[1] = r->a;
		TH_RUN(enc_sh(r->id, 3, 1, (unsigned)r->imm));
		cr_expect_eq(th_cpu.x[3], r->want, "%s %#x, %d = %#x, expected %#x",
			     insn_table[r->id].mnemonic, r->a, r->imm, th_cpu.x[3], r->want);
	}
	th_assert_no_trap();
}

/* lui places the U-immediate in the top 20 bits, low bits zero; auipc
 * adds it to the address of the auipc itself (2.4.1). */
Test(alu, lui_auipc)
{
	uint32_t at = TH_RUN(enc_u(INSN_lui, 5, 0xfffff000), enc_u(INSN_lui, 6, 0x80000000),
			     enc_u(INSN_auipc, 7, 0), enc_u(INSN_auipc, 8, 0xfffff000),
			     enc_u(INSN_auipc, 9, 0x00001000));
	cr_assert_eq(th_cpu.x[5], 0xfffff000);
	cr_assert_eq(th_cpu.x[6], 0x80000000);
	cr_assert_eq(th_cpu.x[7], at + 8);
	cr_assert_eq(th_cpu.x[8], at + 12 - 4096);
	cr_assert_eq(th_cpu.x[9], at + 16 + 4096);
	cr_assert_eq(th_cpu.pc, at + 20);
}

/* jal: rd = pc+4, pc += offset (2.5.1). */
Test(alu, jal)
{
	uint32_t at = TH_PROG(enc_j(INSN_jal, 1, 12), ENC_NOP, ENC_NOP, enc_j(INSN_jal, 2, -8));
	/* two steps: jal(+12) lands on the second jal, which goes back to at+4 */
	th_run(2);
	cr_assert_eq(th_cpu.x[1], at + 4);
	cr_assert_eq(th_cpu.x[2], at + 16);
	cr_assert_eq(th_cpu.pc, at + 4);
	/* jal x0 is a plain jump: nothing written */
	at = TH_RUN(enc_j(INSN_jal, 0, 4));
	cr_assert_eq(th_cpu.pc, at + 4);
	cr_assert_eq(th_cpu.x[0], 0);
	th_assert_no_trap();
}

/* jalr: target = (rs1 + imm) with bit 0 cleared; rd = pc+4, computed from
 * the *old* rs1 when rd == rs1 (2.5.1). */
Test(alu, jalr)
{
	uint32_t target = TH_CODE + 0x800;
	th_cpu.x[2] = target + 1; /* odd: bit 0 is dropped, no trap */
	uint32_t at = TH_RUN(enc_i(INSN_jalr, 1, 2, 0));
	cr_assert_eq(th_cpu.pc, target);
	cr_assert_eq(th_cpu.x[1], at + 4);

	th_cpu.x[2] = target + 8;
	at = TH_RUN(enc_i(INSN_jalr, 1, 2, -7)); /* (t+8-7) & ~1 = t */
	cr_assert_eq(th_cpu.pc, target);
	cr_assert_eq(th_cpu.x[1], at + 4);

	th_cpu.x[1] = target;
	at = TH_RUN(enc_i(INSN_jalr, 1, 1, 4)); /* rd == rs1 */
	cr_assert_eq(th_cpu.pc, target + 4, "jumps through the old x1");
	cr_assert_eq(th_cpu.x[1], at + 4, "then x1 = pc+4");
	th_assert_no_trap();
}

struct brow {
	enum insn_id id;
	uint32_t a, b;
	int taken;
};

/* Branches compare rs1 with rs2 (blt/bge signed, bltu/bgeu unsigned) and
 * go to pc + offset when taken, else fall through (2.5.2). */
Test(alu, branches)
{
	static const struct brow rows[] = {
		{ INSN_beq, 5, 5, 1 },	     { INSN_beq, 5, 6, 0 },
		{ INSN_bne, 5, 6, 1 },	     { INSN_bne, 5, 5, 0 },
		{ INSN_blt, NEG(1), 1, 1 },  { INSN_blt, 1, NEG(1), 0 },
		{ INSN_blt, MIN, MAX, 1 },   { INSN_blt, 5, 5, 0 },
		{ INSN_bge, 1, NEG(1), 1 },  { INSN_bge, 5, 5, 1 },
		{ INSN_bge, NEG(1), 1, 0 },  { INSN_bltu, 1, NEG(1), 1 },
		{ INSN_bltu, NEG(1), 1, 0 }, { INSN_bltu, 5, 5, 0 },
		{ INSN_bgeu, NEG(1), 1, 1 }, { INSN_bgeu, 5, 5, 1 },
		{ INSN_bgeu, MAX, MIN, 0 },
	};
	static const int32_t offs[] = { 16, -16, 4094 & ~3, -4096 };
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct brow *r = &rows[i];
		for (size_t k = 0; k < sizeof(offs) / sizeof(offs[0]); k++) {
			th_cpu.x[1] = r->a;
			th_cpu.x[2] = r->b;
			uint32_t at = TH_RUN(enc_b(r->id, 1, 2, offs[k]));
			uint32_t want = r->taken ? at + (uint32_t)offs[k] : at + 4;
			cr_expect_eq(th_cpu.pc, want, "%s %#x, %#x, %+d: pc %#x, expected %#x",
				     insn_table[r->id].mnemonic, r->a, r->b, offs[k], th_cpu.pc,
				     want);
		}
	}
	th_assert_no_trap();
}

/* x0 is hardwired to zero: writes are discarded, reads give 0 (2.1). */
Test(alu, writes_to_x0_are_discarded)
{
	th_cpu.x[1] = 77;
	TH_RUN(enc_i(INSN_addi, 0, 1, 5), enc_r(INSN_add, 5, 0, 0), enc_u(INSN_lui, 0, 0x12345000),
	       enc_r(INSN_or, 6, 0, 1), enc_u(INSN_auipc, 0, 0x1000), enc_r(INSN_mul, 0, 1, 1),
	       enc_r(INSN_sltu, 7, 0, 1), enc_r(INSN_add, 8, 0, 0));
	cr_assert_eq(th_cpu.x[0], 0);
	cr_assert_eq(th_cpu.x[5], 0, "x0 read back as zero after addi x0");
	cr_assert_eq(th_cpu.x[6], 77);
	cr_assert_eq(th_cpu.x[7], 1);
	cr_assert_eq(th_cpu.x[8], 0, "x0 read back as zero after lui/auipc/mul x0");
}

/* Same register as source and destination: reads happen before writes. */
Test(alu, rd_equals_sources)
{
	th_cpu.x[4] = 21;
	TH_RUN(enc_r(INSN_add, 4, 4, 4), enc_r(INSN_mul, 4, 4, 4), enc_i(INSN_addi, 4, 4, -1));
	cr_assert_eq(th_cpu.x[4], 42 * 42 - 1);
}

/* instret counts every retired instruction (Zicntr), here 3 + 2. */
Test(alu, instret_counts_retired)
{
	uint64_t before = th_cpu.csr.instret;
	TH_RUN(ENC_NOP, ENC_NOP, ENC_NOP);
	cr_assert_eq(th_cpu.csr.instret - before, 3);
	TH_RUN(enc_j(INSN_jal, 0, 8), ENC_NOP, ENC_NOP);
	cr_assert_eq(th_cpu.csr.instret - before, 6);
}

/* cpu_run(n) stops after exactly n retired instructions, whatever the
 * block structure: here a two-instruction loop run 1001 steps ends after
 * the 501st addi, with the jal next. */
Test(alu, run_stops_after_exactly_n)
{
	uint32_t at = TH_PROG(enc_i(INSN_addi, 6, 6, 1), enc_j(INSN_jal, 0, -4));
	th_run(1001);
	cr_assert_eq(th_cpu.csr.instret, 1001);
	cr_assert_eq(th_cpu.x[6], 501);
	cr_assert_eq(th_cpu.pc, at + 4);
}

/* Running one instruction at a time gives the same machine as one long
 * run (the predecoded blocks must not change what happens). */
Test(alu, stepping_equals_running)
{
	const uint32_t prog[] = {
		enc_i(INSN_addi, 5, 5, 3),   enc_s(INSN_sw, 10, 5, 0), enc_i(INSN_lw, 6, 10, 0),
		enc_r(INSN_add, 7, 7, 6),    enc_r(INSN_mul, 8, 7, 5), enc_i(INSN_addi, 10, 10, 4),
		enc_b(INSN_bltu, 5, 9, -24), enc_j(INSN_jal, 0, 0),
	};
	uint32_t regs[2][33], pcs[2];
	for (int mode = 0; mode < 2; mode++) {
		for (int r = 1; r < 32; r++)
			th_cpu.x[r] = 0;
		th_cpu.x[9] = 90;
		th_cpu.x[10] = TH_DATA;
		th_load(TH_CODE + 0x1000, prog, 8);
		th_cpu.pc = TH_CODE + 0x1000;
		if (mode == 0)
			th_run(250);
		else
			for (int i = 0; i < 250; i++)
				th_run(1);
		for (int r = 0; r < 32; r++)
			regs[mode][r] = th_cpu.x[r];
		pcs[mode] = th_cpu.pc;
	}
	for (int r = 0; r < 32; r++)
		cr_assert_eq(regs[0][r], regs[1][r], "x%d: %#x vs %#x", r, regs[0][r], regs[1][r]);
	cr_assert_eq(pcs[0], pcs[1]);
	cr_assert_eq(regs[0][5], 90, "30 iterations of +3");
	cr_assert_eq(th_cpu.csr.instret, 500);
}
