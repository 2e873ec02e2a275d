/*
 * cpu_code.c -- the predecode cache: decoded instructions per RAM page.
 *
 * The hazard: guest code may change (a loader writes a program, a JIT,
 * self-modifying code, a page reused for data).  The rule that keeps the
 * cache right is simple: while a page holds decoded ops ("live"), no TLB
 * entry lets a store reach it on the fast path -- its write entries carry
 * TLB_CODE, so every store to it comes here and invalidates exactly the
 * ops it overwrites.  A live page that keeps being written without being
 * executed is dropped (it has probably become data), so data sharing a
 * page with code costs a little, not forever.
 */
#include "isa-toy/cpu.h"

#include "isa-toy/jit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Stores to a live page, without new decodes, before it is dropped. */
#define CODE_DROP_AFTER_WRITES 64

static void cpu_code_reset_ops(struct cpu_code_page *page)
{
	for (int i = 0; i < CPU_PAGE_OPS; i++)
		page->ops[i].id = CPU_OP_UNDECODED;
	page->ops[CPU_PAGE_OPS].id = CPU_OP_PAGE_END;
}

/* Mark (or unmark) every write-TLB entry of RAM page `ppage` as code,
 * in every tag's set (a guest's code is RAM like any other). */
static void cpu_code_mark_tlb(struct cpu *cpu, uint32_t ppage, bool code)
{
	for (int t = 0; t < TLB_TAGS; t++) {
		if (!cpu->tlb_sets[t])
			continue;
		for (int m = 0; m < 2; m++)
			for (int i = 0; i < TLB_SIZE; i++) {
				struct tlb_entry *e = &cpu->tlb_sets[t]->mode[m].write[i];
				if (e->tag == TLB_INVALID || e->ppage != ppage)
					continue;
				e->tag = code ? (e->tag | TLB_CODE) : (e->tag & ~TLB_CODE);
			}
	}
}

struct cpu_code_page *cpu_code_page(struct cpu *cpu, uint32_t ppage)
{
	struct cpu_code_page *page = cpu->code[ppage];
	if (!page) {
		page = malloc(sizeof(*page));
		if (!page) {
			/* A broken invariant of the host, not a guest error. */
			fprintf(stderr, "trapvisor: %s:%d: out of memory for decoded code\n",
				__FILE__, __LINE__);
			abort();
		}
		page->ppage = ppage;
		page->live = false;
		page->writes = 0;
		cpu_code_reset_ops(page);
		cpu->code[ppage] = page;
	}
	return page;
}

/* The page holds decoded ops now, so stores to it must come through
 * cpu_code_written: mark its write-TLB entries. */
static void cpu_code_went_live(struct cpu *cpu, struct cpu_code_page *page)
{
	page->writes = 0;
	if (page->live)
		return;
	page->live = true;
	cpu_code_mark_tlb(cpu, page->ppage, true);
}

void cpu_code_decode(struct cpu *cpu, struct cpu_code_page *page, struct cpu_op *op, uint32_t w)
{
	enum insn_id id = insn_decode(w);
	const struct insn_desc *d = &insn_table[id];
	unsigned rd = insn_rd(w);

	op->id = (uint8_t)id;
	op->rd = (uint8_t)(rd ? rd : 32); /* writes to x0 go to the sink */
	op->rs1 = (uint8_t)insn_rs1(w);
	op->rs2 = (uint8_t)insn_rs2(w);
	/* System instructions and illegal words keep the whole word: the
	 * slow path re-reads fields from it, and illegal-instruction
	 * reports it in stval. */
	if (d->kind == INSN_KIND_SYSTEM || d->kind == INSN_KIND_ATOMIC)
		op->imm = (int32_t)w;
	else
		op->imm = insn_imm(id, w);
	cpu_code_went_live(cpu, page);
}

void cpu_code_written(struct cpu *cpu, uint64_t pa, uint64_t len)
{
	if (len == 0 || pa < cpu->ram_base)
		return;
	uint64_t off = pa - cpu->ram_base;
	if (off >= cpu->ram_size)
		return;
	if (len > cpu->ram_size - off)
		len = cpu->ram_size - off;
	for (uint64_t p = off >> 12; p <= (off + len - 1) >> 12; p++) {
		struct cpu_code_page *page = cpu->code[p];
		if (!page || !page->live)
			continue;
		jit_page_written(cpu, (uint32_t)p); /* its translations go too */
		if (++page->writes > CODE_DROP_AFTER_WRITES) {
			/* Written a lot and not executed: it is data now. */
			cpu_code_reset_ops(page);
			page->live = false;
			cpu_code_mark_tlb(cpu, (uint32_t)p, false);
			cpu->code_flushes++;
			continue;
		}
		/* Invalidate just the ops that overlap [off, off+len). */
		uint64_t lo = off > (p << 12) ? off : (p << 12);
		uint64_t hi = off + len < ((p + 1) << 12) ? off + len : ((p + 1) << 12);
		for (uint64_t a = lo & ~3ull; a < hi; a += 4)
			page->ops[(a & 0xfff) >> 2].id = CPU_OP_UNDECODED;
	}
}

struct cpu_code_page *cpu_code_fetch_miss(struct cpu *cpu, struct tlb *tlb, uint32_t pc,
					  uint64_t instret)
{
	struct tlb_code_entry *e = &tlb->exec[(pc >> 12) & (TLB_SIZE - 1)];
	uint64_t pa;
	/* The state is the fetching instruction's before the walk: a VM
	 * exit in it (TVT's stage-2 fault) reports this pc, not the pc of
	 * whatever instruction last synced it. */
	cpu->pc = pc;
	cpu->csr.instret = instret;
	int cause = (pc & 3) ? EXC_insn_misaligned : mmu_translate(cpu, pc, ACCESS_EXEC, &pa);
	if (!cause && !mmu_ram_ptr(cpu, pa, 4))
		cause = EXC_insn_access; /* no executing from devices */
	if (cause) {
		cpu_exception(cpu, (uint32_t)cause, pc);
		return NULL;
	}
	e->tag = pc & ~0xfffu;
	e->page = cpu_code_page(cpu, (uint32_t)((pa - cpu->ram_base) >> 12));
	mmu_tlb_logged(tlb, pc);
	cpu->tlb_misses++;
	return e->page;
}
