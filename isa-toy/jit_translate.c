/*
 * jit_translate.c -- one guest basic block in, host x86-64 code out.
 *
 * A block is the run of instructions from a start op to the first one
 * that may leave straight-line code (a branch, a jump, a system
 * instruction, an atomic), to the end of the page, or to JIT_BLOCK_INSNS.
 * Its code has four parts:
 *
 *   entry:  instret += n; if that passes cpu->jit_end, undo and return
 *           JIT_BUDGET (the interpreter runs the rest of the budget)
 *   body:   each instruction, reading and writing cpu->x[] in memory;
 *           loads and stores look up the software TLB inline
 *   exit:   to the next block: chained (a patched jmp) inside the page,
 *           through jit_lookup across pages, or back to the run loop
 *   stubs:  out of the hot path, one per load/store: sync pc and
 *           instret, call the interpreter's slow path, go on or leave
 *
 * Counting instructions: the block adds all n at its entry.  Whenever it
 * calls C at instruction i, it first takes back the n - i instructions
 * not yet retired, so the helper sees exactly the interpreter's instret;
 * if the helper retires the instruction and the block goes on, the block
 * adds the n - i - 1 still ahead back.  So instret is exact wherever
 * anyone can look at it.
 */
#include "isa-toy/jit_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa-toy/jit_x86.h"

/* Offsets the generated code uses, checked against the C layout. */
#define OFF_X(r)    ((int32_t)(4 * (r)))
#define OFF_PC	    ((int32_t)offsetof(struct cpu, pc))
#define OFF_INSTRET ((int32_t)offsetof(struct cpu, csr.instret))
#define OFF_END	    ((int32_t)offsetof(struct cpu, jit_end))
_Static_assert(offsetof(struct cpu, x) == 0, "x[] must be at the start of struct cpu");
_Static_assert(sizeof(struct tlb_entry) == 16, "the inline TLB index scales by 16");
_Static_assert(offsetof(struct tlb_entry, addend) == 8, "addend follows tag and ppage");
_Static_assert(offsetof(struct tlb, read) == 0, "read entries start struct tlb");

/* How the translator writes each ALU instruction: one row per insns.def
 * id that computes and falls through.  `form` is the shape of the x86
 * code, `opc` and `arg` fill it in. */
enum jit_form {
	F_NONE,	 /* not an ALU op (or fence: nothing to do) */
	F_RR,	 /* eax = x[rs1]; opc eax, x[rs2]; x[rd] = eax */
	F_RI,	 /* eax = x[rs1]; 81 /arg eax, imm; x[rd] = eax */
	F_SHI,	 /* eax = x[rs1]; C1 /arg eax, imm8 */
	F_SHR,	 /* eax = x[rs1]; ecx = x[rs2]; D3 /arg eax, cl */
	F_SETR,	 /* edx = (x[rs1] cmp x[rs2]) under condition arg */
	F_SETI,	 /* edx = (x[rs1] cmp imm) under condition arg */
	F_MULH,	 /* the high word of a 64-bit product; arg: bit 0 = rs1
		  * signed, bit 1 = rs2 signed */
	F_CALL,	 /* x[rd] = helper(x[rs1], x[rs2]) (division) */
	F_LUI,	 /* x[rd] = imm */
	F_AUIPC, /* x[rd] = pc + imm */
	F_NOP,
};
struct jit_alu {
	uint8_t form;
	uint16_t opc;
	uint8_t arg;
	uint32_t (*fn)(uint32_t, uint32_t);
};
static const struct jit_alu jit_alu[INSN_COUNT] = {
	[INSN_lui] = { F_LUI, 0, 0, 0 },
	[INSN_auipc] = { F_AUIPC, 0, 0, 0 },
	[INSN_addi] = { F_RI, X_GRP1_IMM32, 0, 0 },
	[INSN_slti] = { F_SETI, 0, CC_L, 0 },
	[INSN_sltiu] = { F_SETI, 0, CC_B, 0 },
	[INSN_xori] = { F_RI, X_GRP1_IMM32, 6, 0 },
	[INSN_ori] = { F_RI, X_GRP1_IMM32, 1, 0 },
	[INSN_andi] = { F_RI, X_GRP1_IMM32, 4, 0 },
	[INSN_slli] = { F_SHI, X_SHIFT_IMM, 4, 0 },
	[INSN_srli] = { F_SHI, X_SHIFT_IMM, 5, 0 },
	[INSN_srai] = { F_SHI, X_SHIFT_IMM, 7, 0 },
	[INSN_add] = { F_RR, X_ADD_LOAD, 0, 0 },
	[INSN_sub] = { F_RR, X_SUB_LOAD, 0, 0 },
	[INSN_sll] = { F_SHR, X_SHIFT_CL, 4, 0 },
	[INSN_slt] = { F_SETR, 0, CC_L, 0 },
	[INSN_sltu] = { F_SETR, 0, CC_B, 0 },
	[INSN_xor] = { F_RR, X_XOR_LOAD, 0, 0 },
	[INSN_srl] = { F_SHR, X_SHIFT_CL, 5, 0 },
	[INSN_sra] = { F_SHR, X_SHIFT_CL, 7, 0 },
	[INSN_or] = { F_RR, X_OR_LOAD, 0, 0 },
	[INSN_and] = { F_RR, X_AND_LOAD, 0, 0 },
	[INSN_fence] = { F_NOP, 0, 0, 0 },
	[INSN_fence_i] = { F_NOP, 0, 0, 0 }, /* stores to code are watched */
	[INSN_mul] = { F_RR, X_IMUL, 0, 0 },
	[INSN_mulh] = { F_MULH, 0, 3, 0 },
	[INSN_mulhsu] = { F_MULH, 0, 1, 0 },
	[INSN_mulhu] = { F_MULH, 0, 0, 0 },
	[INSN_div] = { F_CALL, 0, 0, jit_div },
	[INSN_divu] = { F_CALL, 0, 0, jit_divu },
	[INSN_rem] = { F_CALL, 0, 0, jit_rem },
	[INSN_remu] = { F_CALL, 0, 0, jit_remu },
};

/* The condition of each branch, as an x86 Jcc condition. */
static const uint8_t jit_branch_cc[INSN_COUNT] = {
	[INSN_beq] = CC_E,  [INSN_bne] = CC_NE, [INSN_blt] = CC_L,
	[INSN_bge] = CC_GE, [INSN_bltu] = CC_B, [INSN_bgeu] = CC_AE,
};

/* A load or store whose slow path is emitted after the block's body. */
struct jit_stub {
	uint8_t *jne;	 /* the rel32 of the fast path's "miss" jump */
	uint8_t *resume; /* where the fast path continues */
	unsigned i;	 /* which instruction of the block */
};

struct jit_ctx {
	struct cpu *cpu;
	struct jit *j;
	struct jit_buf b;
	struct cpu_code_page *page;
	unsigned first, n; /* first op index; instructions in the block */
	struct jit_stub stubs[JIT_BLOCK_INSNS];
	unsigned nstubs;
	/* The guest register whose value eax holds, or -1.  An instruction
	 * that reads the register the one before it wrote (a chain of
	 * dependent instructions, the common case) then skips reloading it:
	 * the reload would wait for the store before it. */
	int eax_reg;
};

/* The page offset of instruction i of the block. */
static int32_t jit_off(const struct jit_ctx *c, unsigned i)
{
	return (int32_t)((c->first + i) * 4);
}

static void jit_mov_load(struct jit_ctx *c, int reg, unsigned r)
{
	x_rm(&c->b, 0, X_MOV_LOAD, reg, RBX, -1, OFF_X(r));
}

/* eax = x[r], unless eax holds it already.  The caller is about to change
 * eax, so afterwards eax holds no register. */
static void jit_eax_from(struct jit_ctx *c, unsigned r)
{
	if (c->eax_reg != (int)r)
		jit_mov_load(c, RAX, r);
	c->eax_reg = -1;
}

static void jit_mov_store(struct jit_ctx *c, int reg, unsigned r)
{
	x_rm(&c->b, 0, X_MOV_STORE, reg, RBX, -1, OFF_X(r));
}

/* reg = vbase + off (a guest address in this page, or just past it). */
static void jit_lea_pc(struct jit_ctx *c, int reg, int32_t off)
{
	x_rm(&c->b, 0, X_LEA, reg, R13, -1, off);
}

/* add/sub qword [rbx + disp], imm */
static void jit_add_mem64(struct jit_ctx *c, int32_t disp, int32_t v)
{
	if (v > 0)
		x_rm(&c->b, X_W, X_GRP1_IMM32, 0, RBX, -1, disp), x_u32(&c->b, (uint32_t)v);
	else if (v < 0)
		x_rm(&c->b, X_W, X_GRP1_IMM32, 5, RBX, -1, disp), x_u32(&c->b, (uint32_t)-v);
}

/* Make cpu->pc and cpu->instret those of instruction i (before it). */
static void jit_sync(struct jit_ctx *c, unsigned i)
{
	jit_add_mem64(c, OFF_INSTRET, -(int32_t)(c->n - i));
	jit_lea_pc(c, RAX, jit_off(c, i));
	x_rm(&c->b, 0, X_MOV_STORE, RAX, RBX, -1, OFF_PC);
}

/* Call C function `fn` (arguments already in rdi, rsi, rdx). */
static void jit_call(struct jit_ctx *c, const void *fn)
{
	x_mov_imm64(&c->b, RAX, (uint64_t)(uintptr_t)fn);
	x_call_reg(&c->b, RAX);
}

/* jmp to one of the shared routines at the start of the cache. */
static void jit_jmp_shared(struct jit_ctx *c, size_t off)
{
	x_patch(&c->b, x_jmp(&c->b), c->j->rw + off);
}

/* After a helper: a non-zero status leaves through the epilogue. */
static void jit_leave_if_status(struct jit_ctx *c)
{
	x_rr(&c->b, 0, X_TEST, RAX, RAX);
	x_patch(&c->b, x_jcc(&c->b, CC_NE), c->j->rw + c->j->epilogue);
}

/* mov rdi, rbx: the first argument of every helper. */
static void jit_arg_cpu(struct jit_ctx *c)
{
	x_rr(&c->b, X_W, X_MOV_STORE, RBX, RDI);
}

/* Raise `cause` with stval = edx at instruction i, and leave. */
static void jit_emit_raise(struct jit_ctx *c, unsigned i, uint32_t cause)
{
	jit_sync(c, i); /* (keeps edx) */
	jit_arg_cpu(c);
	x_mov_imm32(&c->b, RSI, cause);
	jit_call(c, (const void *)jit_raise);
	jit_jmp_shared(c, c->j->epilogue);
}

/* Leave the block for guest address vbase + off.  Inside the page the
 * jump is chained: the first time, jit_chain finds (or the run loop
 * makes) the target and patches the leading jmp to go there directly. */
static void jit_exit_to(struct jit_ctx *c, int32_t off)
{
	if (off >= 0 && off < 4096) {
		uint8_t *site = c->b.p;
		uint8_t *rel = x_jmp(&c->b); /* jmp +0 until chained */
		x_patch(&c->b, rel, c->b.p);
		jit_lea_pc(c, RAX, off);
		/* lea rdx, [rip + (site - next)]: the site's executable address */
		x_u8(&c->b, 0x48), x_u8(&c->b, 0x8d), x_u8(&c->b, 0x15);
		x_u32(&c->b, (uint32_t)(int32_t)(site - (c->b.p + 4)));
		jit_jmp_shared(c, c->j->chain_exit);
		return;
	}
	jit_lea_pc(c, RAX, off);
	jit_jmp_shared(c, c->j->dyn_exit);
}

/* A computing instruction: its row of jit_alu. */
static void jit_emit_alu(struct jit_ctx *c, unsigned i, const struct cpu_op *op)
{
	const struct jit_alu *a = &jit_alu[op->id];
	struct jit_buf *b = &c->b;
	switch (a->form) {
	case F_RR:
		jit_eax_from(c, op->rs1);
		x_rm(b, 0, a->opc, RAX, RBX, -1, OFF_X(op->rs2));
		break;
	case F_RI:
		jit_eax_from(c, op->rs1);
		x_rr(b, 0, a->opc, a->arg, RAX);
		x_u32(b, (uint32_t)op->imm);
		break;
	case F_SHI:
		jit_eax_from(c, op->rs1);
		x_rr(b, 0, a->opc, a->arg, RAX);
		x_u8(b, (uint32_t)op->imm & 31);
		break;
	case F_SHR:
		jit_eax_from(c, op->rs1);
		jit_mov_load(c, RCX, op->rs2);
		x_rr(b, 0, a->opc, a->arg, RAX); /* x86 masks the count to 5 bits, as RISC-V */
		break;
	case F_SETR:
	case F_SETI:
		jit_mov_load(c, RCX, op->rs1);
		x_rr(b, 0, 0x31, RAX, RAX); /* xor eax, eax (before cmp: it sets flags) */
		if (a->form == F_SETR)
			x_rm(b, 0, X_CMP_LOAD, RCX, RBX, -1, OFF_X(op->rs2));
		else
			x_rr(b, 0, X_GRP1_IMM32, 7, RCX), x_u32(b, (uint32_t)op->imm);
		x_rr(b, 0, X_SETCC | a->arg, 0, RAX);
		break;
	case F_MULH:
		/* 32 x 32 -> 64 bits in a 64-bit register, keep the top half. */
		x_rm(b, (a->arg & 1) ? X_W : 0, (a->arg & 1) ? X_MOVSXD : X_MOV_LOAD, RAX, RBX, -1,
		     OFF_X(op->rs1));
		x_rm(b, (a->arg & 2) ? X_W : 0, (a->arg & 2) ? X_MOVSXD : X_MOV_LOAD, RCX, RBX, -1,
		     OFF_X(op->rs2));
		x_rr(b, X_W, X_IMUL, RAX, RCX);
		x_rr(b, X_W, X_SHIFT_IMM, 5, RAX), x_u8(b, 32);
		break;
	case F_CALL:
		jit_mov_load(c, RDI, op->rs1);
		jit_mov_load(c, RSI, op->rs2);
		jit_call(c, (const void *)a->fn);
		break;
	case F_LUI:
		x_rm(b, 0, X_MOV_IMM32, 0, RBX, -1, OFF_X(op->rd));
		x_u32(b, (uint32_t)op->imm);
		if (c->eax_reg == (int)op->rd)
			c->eax_reg = -1; /* x[rd] changed behind eax's back */
		return;
	case F_AUIPC: jit_lea_pc(c, RAX, jit_off(c, i) + op->imm); break;
	default: return; /* fence, fence.i */
	}
	jit_mov_store(c, RAX, op->rd);
	c->eax_reg = (int)op->rd;
}

/* A load or store: the TLB lookup inline, as in the interpreter.
 *
 *   eax = va = x[rs1] + imm
 *   ecx = ((va >> 12) & 1023) * 16          the TLB slot's byte offset
 *   edx = va & (~0xfff | (size - 1))        misaligned never matches
 *   if (edx != slot.tag) goto stub          (TLB_CODE makes stores miss)
 *   access [slot.addend + va]
 */
static void jit_emit_mem(struct jit_ctx *c, unsigned i, const struct cpu_op *op)
{
	struct jit_buf *b = &c->b;
	int sign;
	unsigned size = insn_mem_width((enum insn_id)op->id, &sign);
	bool load = insn_table[op->id].kind == INSN_KIND_LOAD;
	int32_t table = load ? 0 : (int32_t)offsetof(struct tlb, write);

	jit_eax_from(c, op->rs1); /* eax: the address from here on */
	if (op->imm)
		x_rr(b, 0, X_GRP1_IMM32, 0, RAX), x_u32(b, (uint32_t)op->imm);
	x_rr(b, 0, X_MOV_STORE, RAX, RCX);
	x_rr(b, 0, X_SHIFT_IMM, 5, RCX), x_u8(b, 8);
	x_rr(b, 0, X_GRP1_IMM32, 4, RCX), x_u32(b, (TLB_SIZE - 1) << 4);
	x_rr(b, 0, X_MOV_STORE, RAX, RDX);
	x_rr(b, 0, X_GRP1_IMM32, 4, RDX), x_u32(b, ~0xfffu | (size - 1));
	x_rm(b, 0, X_CMP_LOAD, RDX, R12, RCX, table);
	struct jit_stub *s = &c->stubs[c->nstubs++];
	s->i = i;
	s->jne = x_jcc(b, CC_NE);
	x_rm(b, X_W, X_MOV_LOAD, RDX, R12, RCX, table + 8); /* rdx = addend */
	if (load) {
		unsigned opc = size == 4   ? X_MOV_LOAD
			       : size == 2 ? (sign ? X_MOVSX16 : X_MOVZX16)
					   : (sign ? X_MOVSX8 : X_MOVZX8);
		x_rm(b, 0, opc, RCX, RDX, RAX, 0);
		jit_mov_store(c, RCX, op->rd);
	} else {
		jit_mov_load(c, RCX, op->rs2);
		x_rm(b, size == 2 ? X_16 : 0, size == 1 ? X_MOV_STORE8 : X_MOV_STORE, RCX, RDX, RAX,
		     0);
	}
	s->resume = b->p;
}

/* The slow path of a load or store: the interpreter's, with the state
 * synced.  It goes on, or leaves with the status the helper gave. */
static void jit_emit_stub(struct jit_ctx *c, const struct jit_stub *s)
{
	struct jit_buf *b = &c->b;
	x_patch(b, s->jne, b->p);
	x_rr(b, 0, X_MOV_STORE, RAX, RDX); /* va: the third argument */
	jit_sync(c, s->i);
	jit_arg_cpu(c);
	x_mov_imm64(b, RSI, (uint64_t)(uintptr_t)&c->page->ops[c->first + s->i]);
	jit_call(c, (const void *)jit_mem_slow);
	jit_leave_if_status(c);
	jit_add_mem64(c, OFF_INSTRET, (int32_t)(c->n - s->i - 1));
	x_patch(b, x_jmp(b), s->resume);
}

/* The last instruction of a block: where control goes next. */
static void jit_emit_end(struct jit_ctx *c, unsigned i, const struct cpu_op *op)
{
	struct jit_buf *b = &c->b;
	int32_t off = jit_off(c, i);
	const struct insn_desc *d = &insn_table[op->id];

	if (d->kind == INSN_KIND_BRANCH) {
		int32_t target = off + op->imm;
		jit_eax_from(c, op->rs1);
		x_rm(b, 0, X_CMP_LOAD, RAX, RBX, -1, OFF_X(op->rs2));
		uint8_t *taken = x_jcc(b, (enum x_cc)jit_branch_cc[op->id]);
		jit_exit_to(c, off + 4);
		x_patch(b, taken, b->p);
		if (target & 3) { /* a misaligned target faults on the branch */
			jit_lea_pc(c, RDX, target);
			jit_emit_raise(c, i, EXC_insn_misaligned);
		} else {
			jit_exit_to(c, target);
		}
	} else if (op->id == INSN_jal) {
		int32_t target = off + op->imm;
		if (target & 3) { /* faults before writing rd */
			jit_lea_pc(c, RDX, target);
			jit_emit_raise(c, i, EXC_insn_misaligned);
			return;
		}
		jit_lea_pc(c, RAX, off + 4);
		jit_mov_store(c, RAX, op->rd);
		jit_exit_to(c, target);
	} else if (op->id == INSN_jalr) {
		jit_eax_from(c, op->rs1);
		x_rr(b, 0, X_GRP1_IMM32, 0, RAX), x_u32(b, (uint32_t)op->imm);
		x_rr(b, 0, X_GRP1_IMM32, 4, RAX), x_u32(b, ~1u);
		x_u8(b, 0xa9), x_u32(b, 3); /* test eax, 3 */
		uint8_t *misaligned = x_jcc(b, CC_NE);
		jit_lea_pc(c, RCX, off + 4); /* rd after the target: rd may be rs1 */
		jit_mov_store(c, RCX, op->rd);
		jit_jmp_shared(c, c->j->dyn_exit);
		x_patch(b, misaligned, b->p);
		x_rr(b, 0, X_MOV_STORE, RAX, RDX);
		jit_emit_raise(c, i, EXC_insn_misaligned);
	} else {
		/* System or atomic: out of line, and always the block's end
		 * (they change modes, translations, interrupt enables). */
		jit_sync(c, i);
		jit_arg_cpu(c);
		x_mov_imm64(b, RSI, (uint64_t)(uintptr_t)op);
		jit_call(c, d->kind == INSN_KIND_ATOMIC ? (const void *)jit_atomic
							: (const void *)jit_system);
		jit_jmp_shared(c, c->j->epilogue);
	}
}

/* Does instruction `op` end a block? */
static bool jit_ends_block(const struct cpu_op *op)
{
	enum insn_kind k = insn_table[op->id].kind;
	return op->id == INSN_ILLEGAL || k == INSN_KIND_BRANCH || k == INSN_KIND_JUMP ||
	       k == INSN_KIND_SYSTEM || k == INSN_KIND_ATOMIC;
}

void *jit_translate(struct cpu *cpu, struct cpu_code_page *page, unsigned first)
{
	struct jit *j = cpu->jit;
	if (j->used + JIT_BLOCK_MAX_BYTES > j->size)
		return NULL;
	struct jit_ctx c = { .cpu = cpu, .j = j, .page = page, .first = first, .eax_reg = -1 };
	c.b.p = j->rw + j->used;
	c.b.end = c.b.p + JIT_BLOCK_MAX_BYTES;

	/* Decode the block's instructions (as the interpreter would on
	 * their first run) and find its end. */
	bool ends = false;
	while (first + c.n < CPU_PAGE_OPS && c.n < JIT_BLOCK_INSNS && !ends) {
		struct cpu_op *op = &page->ops[first + c.n];
		if (op->id == CPU_OP_UNDECODED) {
			uint32_t w;
			memcpy(&w, cpu->ram + ((uint64_t)page->ppage << 12) + (first + c.n) * 4u,
			       4);
			cpu_code_decode(cpu, page, op, w);
		}
		ends = jit_ends_block(op);
		c.n++;
	}

	/* Entry: take the whole block's instructions from the budget. */
	uint8_t *start = c.b.p;
	struct jit_buf *b = &c.b;
	x_rm(b, X_W, X_MOV_LOAD, RAX, RBX, -1, OFF_INSTRET);
	x_rr(b, X_W, X_GRP1_IMM32, 0, RAX), x_u32(b, c.n);
	x_rm(b, X_W, X_CMP_LOAD, RAX, RBX, -1, OFF_END);
	uint8_t *over = x_jcc(b, CC_A);
	x_rm(b, X_W, X_MOV_STORE, RAX, RBX, -1, OFF_INSTRET);

	for (unsigned i = 0; i < c.n; i++) {
		const struct cpu_op *op = &page->ops[first + i];
		enum insn_kind k = insn_table[op->id].kind;
		if (i == c.n - 1 && ends)
			jit_emit_end(&c, i, op);
		else if (k == INSN_KIND_LOAD || k == INSN_KIND_STORE)
			jit_emit_mem(&c, i, op);
		else
			jit_emit_alu(&c, i, op);
	}
	if (!ends) /* ran into the page's end or the length limit */
		jit_exit_to(&c, jit_off(&c, c.n));

	/* Out of the hot path: over budget, and the memory slow paths. */
	x_patch(b, over, b->p);
	jit_lea_pc(&c, RAX, jit_off(&c, 0));
	x_rm(b, 0, X_MOV_STORE, RAX, RBX, -1, OFF_PC);
	x_mov_imm32(b, RAX, JIT_BUDGET);
	jit_jmp_shared(&c, j->epilogue);
	for (unsigned s = 0; s < c.nstubs; s++)
		jit_emit_stub(&c, &c.stubs[s]);

	if (b->p > b->end) {
		/* A broken invariant: JIT_BLOCK_MAX_BYTES is too small. */
		fprintf(stderr, "trapvisor: %s:%d: a translated block overflowed\n", __FILE__,
			__LINE__);
		abort();
	}
	j->used += (size_t)(b->p - start);
	j->stats.blocks++;
	j->stats.guest_insns += c.n;
	j->stats.code_bytes += (uint64_t)(b->p - start);
	return j->rx + (start - j->rw);
}
