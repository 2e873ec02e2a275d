/*
 * insn.h -- the instruction table (from insns.def) and the named operand
 * extractors that every tool uses.  Never shift an instruction word by
 * hand elsewhere: call these.
 */
#ifndef ISA_TOY_INSN_H
#define ISA_TOY_INSN_H

#include <stddef.h>
#include <stdint.h>

/* Operand layouts (how to extract operands and print them). */
enum insn_format {
	INSN_FMT_R,	 /* rd, rs1, rs2 */
	INSN_FMT_I,	 /* rd, rs1, imm */
	INSN_FMT_SH,	 /* rd, rs1, shamt */
	INSN_FMT_LD,	 /* rd, imm(rs1) */
	INSN_FMT_S,	 /* rs2, imm(rs1) */
	INSN_FMT_B,	 /* rs1, rs2, target */
	INSN_FMT_U,	 /* rd, imm[31:12] */
	INSN_FMT_J,	 /* rd, target */
	INSN_FMT_JR,	 /* rd, imm(rs1) */
	INSN_FMT_CSR,	 /* rd, csr, rs1 */
	INSN_FMT_CSRI,	 /* rd, csr, zimm */
	INSN_FMT_AMO,	 /* rd, rs2, (rs1) with .aq/.rl */
	INSN_FMT_LR,	 /* rd, (rs1) with .aq/.rl */
	INSN_FMT_FENCE,	 /* pred, succ */
	INSN_FMT_NONE,	 /* no operands */
	INSN_FMT_SFENCE, /* rs1, rs2 */
};

/* How an instruction ends, as far as the interpreter cares. */
enum insn_kind {
	INSN_KIND_ALU,	  /* computes, falls through */
	INSN_KIND_BRANCH, /* conditional pc-relative branch */
	INSN_KIND_JUMP,	  /* jal, jalr */
	INSN_KIND_LOAD,
	INSN_KIND_STORE,
	INSN_KIND_ATOMIC, /* lr/sc/amo */
	INSN_KIND_SYSTEM, /* csr*, ecall, ebreak, sret, wfi, sfence.vma */
};

/* Instruction ids: INSN_ILLEGAL (0) is "no row matched". */
enum insn_id {
	INSN_ILLEGAL = 0,
#define INSN(id, mn, match, mask, fmt, kind, body) INSN_##id,
#include "isa-toy/insns.def"
#undef INSN
	INSN_COUNT
};

struct insn_desc {
	const char *mnemonic;
	uint32_t match, mask;
	enum insn_format format;
	enum insn_kind kind;
};

/* The table, indexed by enum insn_id (row 0 describes "illegal"). */
extern const struct insn_desc insn_table[INSN_COUNT];

/* Operand extractors.  Immediates come back sign-extended. */
static inline unsigned insn_opcode(uint32_t i)
{
	return i & 0x7f;
}
static inline unsigned insn_rd(uint32_t i)
{
	return (i >> 7) & 31;
}
static inline unsigned insn_funct3(uint32_t i)
{
	return (i >> 12) & 7;
}
static inline unsigned insn_rs1(uint32_t i)
{
	return (i >> 15) & 31;
}
static inline unsigned insn_rs2(uint32_t i)
{
	return (i >> 20) & 31;
}
static inline unsigned insn_csr(uint32_t i)
{
	return i >> 20;
}
static inline unsigned insn_shamt(uint32_t i)
{
	return (i >> 20) & 31;
}
static inline unsigned insn_aq(uint32_t i)
{
	return (i >> 26) & 1;
}
static inline unsigned insn_rl(uint32_t i)
{
	return (i >> 25) & 1;
}
/* The low `bits` bits of `x` as a signed number (two's complement).
 * The immediates below gather their bits into an unsigned word first and
 * sign-extend it here: (x ^ sign) - sign flips the sign bit and subtracts
 * it back, all in unsigned arithmetic.  Shifting a negative int32_t left
 * instead ((int32_t)i >> 31 << 12) would be undefined behaviour in C. */
static inline int32_t insn_sext(uint32_t x, unsigned bits)
{
	uint32_t sign = 1u << (bits - 1);
	x &= sign | (sign - 1);
	return (int32_t)((x ^ sign) - sign);
}
static inline int32_t insn_imm_i(uint32_t i)
{
	return insn_sext(i >> 20, 12);
}
static inline int32_t insn_imm_s(uint32_t i)
{
	return insn_sext(((i >> 25) << 5) | ((i >> 7) & 0x1f), 12);
}
static inline int32_t insn_imm_b(uint32_t i)
{
	return insn_sext(
	    ((i >> 31) << 12) | ((i & 0x80) << 4) | ((i >> 20) & 0x7e0) | ((i >> 7) & 0x1e), 13);
}
static inline int32_t insn_imm_u(uint32_t i)
{
	return (int32_t)(i & 0xfffff000u);
}
static inline int32_t insn_imm_j(uint32_t i)
{
	return insn_sext(
	    ((i >> 31) << 20) | (i & 0xff000) | ((i >> 9) & 0x800) | ((i >> 20) & 0x7fe), 21);
}

/* Division as the M extension defines it: no traps, fixed answers. */
static inline uint32_t insn_div(uint32_t a, uint32_t b)
{
	if (b == 0)
		return 0xffffffffu; /* x / 0 = -1 */
	if (a == 0x80000000u && b == 0xffffffffu)
		return a; /* INT_MIN / -1 overflows: INT_MIN */
	return (uint32_t)((int32_t)a / (int32_t)b);
}

static inline uint32_t insn_rem(uint32_t a, uint32_t b)
{
	if (b == 0)
		return a; /* x % 0 = x */
	if (a == 0x80000000u && b == 0xffffffffu)
		return 0;
	return (uint32_t)((int32_t)a % (int32_t)b);
}

/* The id of instruction word `w`, or INSN_ILLEGAL.  (A scan of the table;
 * the interpreter calls it once per instruction address, not per step.) */
enum insn_id insn_decode(uint32_t w);

/* The immediate of `w` as its format defines it (shamt, csr number, zimm
 * for CSRI; 0 for formats without one). */
int32_t insn_imm(enum insn_id id, uint32_t w);

/* Disassemble `w` at address `pc` into `buf` in the style of GNU objdump
 * -M no-aliases,numeric ("addi x10,x11,-5", "beq x10,x11,80000000").
 * Returns `buf`. */
char *insn_disasm(uint32_t w, uint32_t pc, char *buf, size_t len);

/* Width in bytes of load/store `id`, and whether a load sign-extends;
 * 0 if `id` is not a load or store. */
unsigned insn_mem_width(enum insn_id id, int *sign);

/* The new memory value of AMO `id` from the old value and rs2 (the
 * bodies of the ATOMIC rows of insns.def); lr.w/sc.w leave `old`. */
uint32_t insn_amo(enum insn_id id, uint32_t old, uint32_t b);

/* The name of CSR number `csr`, or NULL if TRV32 has no such CSR. */
const char *insn_csr_name(unsigned csr);

#endif
