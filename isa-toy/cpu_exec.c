/*
 * cpu_exec.c -- the interpreter's hot loop.
 *
 * How it is fast, in four ideas:
 *
 * 1. Predecode.  Every instruction is decoded once, into a struct cpu_op
 *    kept per physical page (cpu_code.c), not on every execution.
 * 2. Threaded dispatch.  Each instruction's handler ends by jumping
 *    straight to the next one's handler (`goto *labels[id]`, a GNU C
 *    computed goto) instead of returning to one central switch, so the
 *    host's branch predictor learns the guest's instruction sequences.
 * 3. A software TLB.  A load or store looks up its page in a 256-entry
 *    table holding "host address minus guest virtual address": one
 *    compare and one add on a hit.  Misses, devices and misaligned
 *    accesses go to the slow path (mmu.c).
 * 4. No per-instruction bookkeeping.  The pc is not stored while running
 *    straight-line code: it is recomputed from the op's position in its
 *    page when needed.  Interrupts and timers are checked between blocks
 *    (cpu_run), and the block's length is chosen so the timer is never
 *    late.
 *
 * Every instruction's semantics come from insns.def; this file only says
 * what each *kind* of instruction does around its body.
 */
#include "isa-toy/cpu.h"

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

void cpu_interp_block(struct cpu *cpu, uint64_t budget_in)
{
	static const void *const labels[INSN_COUNT + 2] = {
		[INSN_ILLEGAL] = &&kind_system,
#define INSN(id, mn, match, mask, fmt, kind, body) [INSN_##id] = &&insn_##id,
#include "isa-toy/insns.def"
#undef INSN
		[CPU_OP_UNDECODED] = &&op_undecoded,
		[CPU_OP_PAGE_END] = &&op_page_end,
	};
	uint32_t *const x = cpu->x;
	const uint64_t base_instret = cpu->csr.instret;
	int64_t budget = (int64_t)budget_in;
	struct tlb *tlb;
	struct cpu_op *op, *ops0; /* current op; first op of its page */
	uint32_t vbase;		  /* virtual address of ops0 */
	uint32_t pc, va;

/* The pc of the current op, and the count of instructions retired before
 * it in this block (the current op has already taken its budget). */
#define PC		  (vbase + (uint32_t)(op - ops0) * 4u)
#define RETIRED_BEFORE_OP ((uint64_t)((int64_t)budget_in - budget - 1))
#define SYNC()		  (cpu->pc = PC, cpu->csr.instret = base_instret + RETIRED_BEFORE_OP)

/* Start the next op, unless the block's budget is spent. */
#define DISPATCH()                          \
	do {                                \
		if (unlikely(--budget < 0)) \
			goto out_limit;     \
		goto *labels[op->id];       \
	} while (0)
#define NEXT()              \
	do {                \
		op++;       \
		DISPATCH(); \
	} while (0)

/* Operands and results, as insns.def names them. */
#define A	 (x[op->rs1])
#define B	 (x[op->rs2])
#define SA	 ((int32_t)A)
#define SB	 ((int32_t)B)
#define IMM	 ((uint32_t)op->imm)
#define WRITE(v) (x[op->rd] = (uint32_t)(v))

/* Go to `t`: a jump inside the current page just moves `op`; anything
 * else (another page, or a misaligned target) takes the long way. */
#define JUMP_TO(t)                                                        \
	do {                                                              \
		pc = (t);                                                 \
		if (likely(((pc ^ vbase) & ~0xfffu) == 0 && !(pc & 3))) { \
			op = ops0 + ((pc & 0xfffu) >> 2);                 \
			DISPATCH();                                       \
		}                                                         \
		goto jump_far;                                            \
	} while (0)
/* jal/jalr: check the target before writing rd, since a misaligned
 * target faults on the jump itself, which then must not retire. */
#define JUMP_LINK(t)                          \
	do {                                  \
		uint32_t t_ = (t);            \
		if (unlikely(t_ & 3)) {       \
			va = t_;              \
			goto jump_misaligned; \
		}                             \
		WRITE(PC + 4);                \
		JUMP_TO(t_);                  \
	} while (0)

/* Loads and stores: the TLB fast path, else the slow path with `va`. */
#define TLB_HIT(e, addr, size) ((e)->tag == ((addr) & (~0xfffu | ((size)-1))))
#define LOADX(type, addr)                                                             \
	({                                                                            \
		va = (addr);                                                          \
		const struct tlb_entry *e_ = &tlb->read[(va >> 12) & (TLB_SIZE - 1)]; \
		if (unlikely(!TLB_HIT(e_, va, sizeof(type))))                         \
			goto mem_slow;                                                \
		*(const type *)(e_->addend + va);                                     \
	})
#define STOREX(type, addr, v)                                                          \
	do {                                                                           \
		va = (addr);                                                           \
		const struct tlb_entry *e_ = &tlb->write[(va >> 12) & (TLB_SIZE - 1)]; \
		if (unlikely(!TLB_HIT(e_, va, sizeof(type))))                          \
			goto mem_slow;                                                 \
		*(type *)(e_->addend + va) = (type)(v);                                \
	} while (0)
#define LOAD8(a)      LOADX(uint8_t, a)
#define LOAD16(a)     LOADX(uint16_t, a)
#define LOAD32(a)     LOADX(uint32_t, a)
#define STORE8(a, v)  STOREX(uint8_t, a, v)
#define STORE16(a, v) STOREX(uint16_t, a, v)
#define STORE32(a, v) STOREX(uint32_t, a, v)

/* What each kind of instruction does around its body. */
#define KIND_ALU(body) \
	{              \
		body;  \
	}              \
	NEXT();
#define KIND_BRANCH(cond)          \
	if (cond)                  \
		JUMP_TO(PC + IMM); \
	NEXT();
#define KIND_JUMP(body) \
	{               \
		body;   \
	}
#define KIND_LOAD(body)	  KIND_ALU(body)
#define KIND_STORE(body)  KIND_ALU(body)
#define KIND_ATOMIC(body) goto kind_atomic;
#define KIND_SYSTEM(body) goto kind_system;

	/* Enter at cpu->pc in the current privilege mode. */
	if (cpu->halted || cpu->trap_stop)
		return;
	tlb = &cpu->tlb[cpu->csr.priv];
	pc = cpu->pc;
fetch : {
	/* Find the decoded page holding `pc` through the execute TLB. */
	struct cpu_code_page *page =
	    cpu_code_fetch(cpu, tlb, pc, base_instret + (uint64_t)((int64_t)budget_in - budget));
	if (unlikely(!page))
		return; /* the fetch faulted */
	vbase = pc & ~0xfffu;
	ops0 = page->ops;
	op = ops0 + ((pc & 0xfffu) >> 2);
	DISPATCH();
}

/* One label per instruction, its body from insns.def. */
#define INSN(id, mn, match, mask, fmt, kind, body) insn_##id : KIND_##kind(body)
#include "isa-toy/insns.def"
#undef INSN

op_undecoded : {
	/* First execution of this address: decode it in place, then run it. */
	struct cpu_code_page *page = (struct cpu_code_page *)ops0;
	uint32_t off = (uint32_t)(op - ops0) * 4u;
	uint32_t w;
	__builtin_memcpy(&w, cpu->ram + ((uint64_t)page->ppage << 12) + off, 4);
	cpu_code_decode(cpu, page, op, w);
	goto *labels[op->id];
}

op_page_end:
	/* Straight-line code ran off its page: continue on the next one.
	 * The sentinel is not an instruction, so give its budget back. */
	budget++;
	pc = vbase + 4096u;
	goto fetch;

jump_far:
	if (unlikely(pc & 3)) {
		va = pc;
		goto jump_misaligned;
	}
	goto fetch;

jump_misaligned:
	SYNC();
	cpu_exception(cpu, EXC_insn_misaligned, va);
	return;

mem_slow:
	/* A load or store missed the TLB (or is misaligned, or is MMIO). */
	SYNC();
	if (!cpu_exec_memory(cpu, op, va))
		return; /* it trapped */
	if (cpu->exit_request || cpu->trap_stop)
		goto out_next; /* a device may have raised an interrupt */
	NEXT();

kind_atomic:
	SYNC();
	if (!cpu_exec_atomic(cpu, op))
		return;
	goto out_next;

kind_system:
	/* csr*, ecall, ebreak, sret, wfi, sfence.vma, illegal: out of line,
	 * and always the end of the block (they change modes, translations,
	 * interrupt enables...). */
	SYNC();
	cpu_exec_system(cpu, (enum insn_id)op->id, (uint32_t)op->imm);
	return;

out_next:
	/* The current op retired (the slow path counted it); stop after it. */
	cpu->pc = PC + 4;
	return;

out_limit:
	SYNC();
	return;
}
