/*
 * jit_x86.h -- just enough of an x86-64 assembler for the translator.
 *
 * An x86-64 instruction that touches a register and a register-or-memory
 * operand is laid out like this (Intel SDM vol. 2, chapter 2):
 *
 *   [66] [REX] opcode(1-2 bytes) ModRM [SIB] [disp8/disp32] [imm]
 *
 *   REX     = 0100 W R X B    W: 64-bit operand; R, X, B: the fourth bit
 *                             of ModRM.reg, SIB.index, ModRM.rm/SIB.base
 *   ModRM   = mod(2) reg(3) rm(3)   mod 11: rm is a register; 00/01/10:
 *                             memory at [rm] + no/8-bit/32-bit displacement
 *   SIB     = scale(2) index(3) base(3), needed when rm = 100 (rsp, r12)
 *
 * Two irregular cases every encoder must remember: rm = 100 means "a SIB
 * byte follows", so [rsp] and [r12] need one; and mod 00 with rm = 101
 * means "rip-relative", so [rbp] and [r13] need an explicit disp8 of 0.
 *
 * The translator names opcodes from the manual (X_MOV_LOAD is 8B /r...)
 * and calls these three emitters; nothing else writes bytes.
 */
#ifndef ISA_TOY_JIT_X86_H
#define ISA_TOY_JIT_X86_H

#include <stdint.h>
#include <string.h>

/* The host registers, numbered as the encoding numbers them. */
enum x_reg {
	RAX,
	RCX,
	RDX,
	RBX,
	RSP,
	RBP,
	RSI,
	RDI,
	R8,
	R9,
	R10,
	R11,
	R12,
	R13,
	R14,
	R15,
};

/* Where the bytes go: a window of the translation cache's writable view. */
struct jit_buf {
	uint8_t *p;   /* next byte */
	uint8_t *end; /* first byte past the window */
};

static inline void x_u8(struct jit_buf *b, unsigned v)
{
	if (b->p < b->end)
		*b->p = (uint8_t)v;
	b->p++; /* the caller checks b->p <= b->end once, at the end */
}

static inline void x_u32(struct jit_buf *b, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		x_u8(b, (v >> (8 * i)) & 0xff);
}

static inline void x_u64(struct jit_buf *b, uint64_t v)
{
	x_u32(b, (uint32_t)v);
	x_u32(b, (uint32_t)(v >> 32));
}

/* Operand-size flags of an instruction. */
#define X_W   1u /* REX.W: 64-bit operands */
#define X_16  2u /* 66 prefix: 16-bit operands */
#define X_REX 4u /* a REX byte even if empty (byte access to sil, dil) */

/* Prefixes and opcode: opc > 0xff means the two-byte 0F xx map. */
static inline void x_head(struct jit_buf *b, unsigned flags, unsigned opc, int reg, int index,
			  int base)
{
	if (flags & X_16)
		x_u8(b, 0x66);
	unsigned rex = 0x40 | ((flags & X_W) ? 8 : 0) | ((reg & 8) ? 4 : 0) |
		       ((index & 8) ? 2 : 0) | ((base & 8) ? 1 : 0);
	if (rex != 0x40 || (flags & X_REX))
		x_u8(b, rex);
	if (opc > 0xff)
		x_u8(b, opc >> 8);
	x_u8(b, opc & 0xff);
}

/* opc reg, rm-register (ModRM mod = 11).  For the "/digit" opcodes
 * (81 /0 ...), pass the digit as `reg`. */
static inline void x_rr(struct jit_buf *b, unsigned flags, unsigned opc, int reg, int rm)
{
	x_head(b, flags, opc, reg, 0, rm);
	x_u8(b, 0xc0 | ((reg & 7) << 3) | (rm & 7));
}

/* opc reg, [base + index + disp] (index < 0: none). */
static inline void x_rm(struct jit_buf *b, unsigned flags, unsigned opc, int reg, int base,
			int index, int32_t disp)
{
	x_head(b, flags, opc, reg, index < 0 ? 0 : index, base);
	unsigned mod = (disp == 0 && (base & 7) != RBP) ? 0 : (disp == (int8_t)disp) ? 1 : 2;
	if (index < 0 && (base & 7) != RSP) {
		x_u8(b, (mod << 6) | ((reg & 7) << 3) | (base & 7));
	} else {
		x_u8(b, (mod << 6) | ((reg & 7) << 3) | RSP); /* a SIB follows */
		x_u8(b, (((index < 0 ? RSP : index) & 7) << 3) | (base & 7));
	}
	if (mod == 1)
		x_u8(b, (uint8_t)disp);
	else if (mod == 2)
		x_u32(b, (uint32_t)disp);
}

/* The opcodes the translator uses, by the manual's names. */
#define X_ADD_LOAD   0x03  /* add r32, r/m32 */
#define X_OR_LOAD    0x0b  /* or */
#define X_AND_LOAD   0x23  /* and */
#define X_SUB_LOAD   0x2b  /* sub */
#define X_XOR_LOAD   0x33  /* xor */
#define X_CMP_LOAD   0x3b  /* cmp r32, r/m32 */
#define X_MOVSXD     0x63  /* movsxd r64, r/m32 (with X_W) */
#define X_GRP1_IMM32 0x81  /* add/or/and/sub/xor/cmp r/m32, imm32: /0 /1 /4 /5 /6 /7 */
#define X_TEST	     0x85  /* test r/m32, r32 */
#define X_MOV_STORE8 0x88  /* mov r/m8, r8 */
#define X_MOV_STORE  0x89  /* mov r/m32, r32 */
#define X_MOV_LOAD   0x8b  /* mov r32, r/m32 */
#define X_LEA	     0x8d  /* lea r32, m */
#define X_SHIFT_IMM  0xc1  /* shl/shr/sar r/m32, imm8: /4 /5 /7 */
#define X_MOV_IMM32  0xc7  /* mov r/m32, imm32: /0 */
#define X_SHIFT_CL   0xd3  /* shl/shr/sar r/m32, cl */
#define X_GRP3	     0xf7  /* /6 div, /7 idiv */
#define X_SETCC	     0xf90 /* 0F 90+cc setcc r/m8 */
#define X_IMUL	     0xfaf /* 0F AF imul r32, r/m32 */
#define X_MOVZX8     0xfb6 /* 0F B6 movzx r32, r/m8 */
#define X_MOVZX16    0xfb7 /* 0F B7 movzx r32, r/m16 */
#define X_MOVSX8     0xfbe /* 0F BE movsx r32, r/m8 */
#define X_MOVSX16    0xfbf /* 0F BF movsx r32, r/m16 */

/* Condition codes (the low nibble of Jcc and SETcc). */
enum x_cc {
	CC_B = 2,  /* unsigned < */
	CC_AE = 3, /* unsigned >= */
	CC_E = 4,
	CC_NE = 5,
	CC_A = 7, /* unsigned > */
	CC_L = 12,
	CC_GE = 13,
};

/* jcc rel32 / jmp rel32 with the target filled in later: returns the
 * position of the rel32 field for x_patch. */
static inline uint8_t *x_jcc(struct jit_buf *b, enum x_cc cc)
{
	x_u8(b, 0x0f);
	x_u8(b, 0x80 | cc);
	uint8_t *at = b->p;
	x_u32(b, 0);
	return at;
}

static inline uint8_t *x_jmp(struct jit_buf *b)
{
	x_u8(b, 0xe9);
	uint8_t *at = b->p;
	x_u32(b, 0);
	return at;
}

/* Point the rel32 at `at` (in the writable view) to `target`, where both
 * are writable-view addresses of the same cache (the distance is the same
 * in the executable view). */
static inline void x_patch(struct jit_buf *b, uint8_t *at, const uint8_t *target)
{
	if (at + 4 > b->end)
		return; /* overflowed: the block is thrown away anyway */
	int32_t rel = (int32_t)(target - (at + 4));
	memcpy(at, &rel, 4);
}

/* mov r64, imm64 */
static inline void x_mov_imm64(struct jit_buf *b, int reg, uint64_t v)
{
	x_head(b, X_W, 0xb8 + (reg & 7), 0, 0, reg);
	x_u64(b, v);
}

/* mov r32, imm32 */
static inline void x_mov_imm32(struct jit_buf *b, int reg, uint32_t v)
{
	x_head(b, 0, 0xb8 + (reg & 7), 0, 0, reg);
	x_u32(b, v);
}

/* call r64 (FF /2) */
static inline void x_call_reg(struct jit_buf *b, int reg)
{
	x_rr(b, 0, 0xff, 2, reg);
}

/* jmp r64 (FF /4) */
static inline void x_jmp_reg(struct jit_buf *b, int reg)
{
	x_rr(b, 0, 0xff, 4, reg);
}

#endif
