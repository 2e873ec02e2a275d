/*
 * insn.c -- the instruction table, the decoder and the disassembler, all
 * read from insns.def.
 */
#include "isa-toy/insn.h"

#include <stdio.h>
#include <string.h>

const struct insn_desc insn_table[INSN_COUNT] = {
	[INSN_ILLEGAL] = { "illegal", 0, 0, INSN_FMT_NONE, INSN_KIND_SYSTEM },
#define INSN(id, mn, match, mask, fmt, kind, body) \
	[INSN_##id] = { mn, match, mask, INSN_FMT_##fmt, INSN_KIND_##kind },
#include "isa-toy/insns.def"
#undef INSN
};

enum insn_id insn_decode(uint32_t w)
{
	/* The low two bits 11 mark a 32-bit instruction; anything else is a
	 * compressed (or longer) encoding, and TRV32 has none. */
	if ((w & 3) != 3)
		return INSN_ILLEGAL;
	for (int id = 1; id < INSN_COUNT; id++)
		if ((w & insn_table[id].mask) == insn_table[id].match)
			return (enum insn_id)id;
	return INSN_ILLEGAL;
}

int32_t insn_imm(enum insn_id id, uint32_t w)
{
	switch (insn_table[id].format) {
	case INSN_FMT_I:
	case INSN_FMT_LD:
	case INSN_FMT_JR: return insn_imm_i(w);
	case INSN_FMT_SH: return (int32_t)insn_shamt(w);
	case INSN_FMT_S: return insn_imm_s(w);
	case INSN_FMT_B: return insn_imm_b(w);
	case INSN_FMT_U: return insn_imm_u(w);
	case INSN_FMT_J: return insn_imm_j(w);
	case INSN_FMT_CSR:
	case INSN_FMT_CSRI: return (int32_t)insn_csr(w);
	default: return 0;
	}
}

const char *insn_csr_name(unsigned csr)
{
	switch (csr) {
#define CSR(id, name, num) \
	case num:          \
		return name;
#include "isa-toy/csrs.def"
#undef CSR
	default: return NULL;
	}
}

/* "sstatus", or the number in hex as objdump prints an unknown CSR. */
static const char *insn_csr_text(unsigned csr, char *tmp, size_t len)
{
	const char *name = insn_csr_name(csr);
	if (name)
		return name;
	snprintf(tmp, len, "0x%x", csr);
	return tmp;
}

/* A fence's predecessor or successor set: some of "iorw", or "0". */
static const char *insn_fence_set(unsigned bits, char *out)
{
	char *p = out;
	if (bits & 8)
		*p++ = 'i';
	if (bits & 4)
		*p++ = 'o';
	if (bits & 2)
		*p++ = 'r';
	if (bits & 1)
		*p++ = 'w';
	if (p == out)
		*p++ = '0';
	*p = 0;
	return out;
}

char *insn_disasm(uint32_t w, uint32_t pc, char *buf, size_t len)
{
	enum insn_id id = insn_decode(w);
	const struct insn_desc *d = &insn_table[id];
	unsigned rd = insn_rd(w), rs1 = insn_rs1(w), rs2 = insn_rs2(w);
	int32_t imm = insn_imm(id, w);
	char tmp[16], a[8], b[8];

	if (id == INSN_ILLEGAL) {
		snprintf(buf, len, ".word\t0x%08x", w);
		return buf;
	}
	switch (d->format) {
	case INSN_FMT_R: snprintf(buf, len, "%s\tx%u,x%u,x%u", d->mnemonic, rd, rs1, rs2); break;
	case INSN_FMT_I: snprintf(buf, len, "%s\tx%u,x%u,%d", d->mnemonic, rd, rs1, imm); break;
	case INSN_FMT_SH:
		snprintf(buf, len, "%s\tx%u,x%u,0x%x", d->mnemonic, rd, rs1, (unsigned)imm);
		break;
	case INSN_FMT_LD:
	case INSN_FMT_JR: snprintf(buf, len, "%s\tx%u,%d(x%u)", d->mnemonic, rd, imm, rs1); break;
	case INSN_FMT_S: snprintf(buf, len, "%s\tx%u,%d(x%u)", d->mnemonic, rs2, imm, rs1); break;
	case INSN_FMT_B:
		snprintf(buf, len, "%s\tx%u,x%u,%x", d->mnemonic, rs1, rs2, pc + (uint32_t)imm);
		break;
	case INSN_FMT_U:
		snprintf(buf, len, "%s\tx%u,0x%x", d->mnemonic, rd, (uint32_t)imm >> 12);
		break;
	case INSN_FMT_J:
		snprintf(buf, len, "%s\tx%u,%x", d->mnemonic, rd, pc + (uint32_t)imm);
		break;
	case INSN_FMT_CSR:
		snprintf(buf, len, "%s\tx%u,%s,x%u", d->mnemonic, rd,
			 insn_csr_text((unsigned)imm, tmp, sizeof(tmp)), rs1);
		break;
	case INSN_FMT_CSRI:
		snprintf(buf, len, "%s\tx%u,%s,%u", d->mnemonic, rd,
			 insn_csr_text((unsigned)imm, tmp, sizeof(tmp)), rs1);
		break;
	case INSN_FMT_AMO:
	case INSN_FMT_LR: {
		const char *order =
		    insn_aq(w) ? (insn_rl(w) ? ".aqrl" : ".aq") : (insn_rl(w) ? ".rl" : "");
		if (d->format == INSN_FMT_LR)
			snprintf(buf, len, "%s%s\tx%u,(x%u)", d->mnemonic, order, rd, rs1);
		else
			snprintf(buf, len, "%s%s\tx%u,x%u,(x%u)", d->mnemonic, order, rd, rs2, rs1);
		break;
	}
	case INSN_FMT_FENCE:
		if (w == 0x8330000f)
			snprintf(buf, len, "fence.tso");
		else if (w == 0x0100000f)
			snprintf(buf, len, "pause");
		else
			snprintf(buf, len, "fence\t%s,%s", insn_fence_set((w >> 24) & 15, a),
				 insn_fence_set((w >> 20) & 15, b));
		break;
	case INSN_FMT_SFENCE: snprintf(buf, len, "%s\tx%u,x%u", d->mnemonic, rs1, rs2); break;
	case INSN_FMT_NONE: snprintf(buf, len, "%s", d->mnemonic); break;
	}
	return buf;
}

uint32_t insn_amo(enum insn_id id, uint32_t old, uint32_t b)
{
#define OLD old
#define B   b
	switch (id) {
#define KIND_CASE_ALU(id, body)
#define KIND_CASE_BRANCH(id, body)
#define KIND_CASE_JUMP(id, body)
#define KIND_CASE_LOAD(id, body)
#define KIND_CASE_STORE(id, body)
#define KIND_CASE_SYSTEM(id, body)
#define KIND_CASE_ATOMIC(id, body) \
	case INSN_##id:            \
		return (body);
#define INSN(id, mn, match, mask, fmt, kind, body) KIND_CASE_##kind(id, body)
#include "isa-toy/insns.def"
#undef INSN
	default: return old;
	}
#undef OLD
#undef B
}

unsigned insn_mem_width(enum insn_id id, int *sign)
{
	*sign = id == INSN_lb || id == INSN_lh;
	switch (id) {
	case INSN_lb:
	case INSN_lbu:
	case INSN_sb: return 1;
	case INSN_lh:
	case INSN_lhu:
	case INSN_sh: return 2;
	case INSN_lw:
	case INSN_sw: return 4;
	default: return 0;
	}
}
