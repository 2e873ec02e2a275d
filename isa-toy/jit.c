/*
 * jit.c -- the translating engine's translation cache and run loop.
 *
 * The translation cache.  Generated code is chosen by the guest (it is a
 * function of the guest's instructions), so the cache must never be
 * writable and executable at one address: that would turn any bug into
 * a way to run arbitrary host code.  Instead one memory object (a memfd)
 * is mapped twice: the translator writes through the read-write view,
 * the CPU runs the same bytes through the read-execute view.  (W^X: a
 * page is writable or executable, never both.)  The cache has a fixed
 * size; when it is full, everything in it is thrown away and translation
 * starts over -- simple, and rare.
 *
 * The run loop (jit_exec_block) does what the interpreter does between
 * instructions, but once per block: find the code page of pc through the
 * execute TLB, find (or make) the block's host code, and run it.  Blocks
 * hand control to each other without coming back here (chaining), so
 * straight guest loops run entirely in host code.
 */
#define _GNU_SOURCE /* memfd_create */
#include "isa-toy/jit_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__linux__)
#define JIT_HOST 1
#include <sys/mman.h>
#include <unistd.h>

#include "isa-toy/jit_x86.h"
#else
#define JIT_HOST 0
#endif

/* Bytes of host code per hart: room for about 10,000 blocks. */
#define JIT_CACHE_SIZE (16u << 20)

/* --- choosing the engine ------------------------------------------------ */

static int cpu_engine_chosen = -1; /* -1: not chosen yet */

bool jit_supported(void)
{
	return JIT_HOST;
}

enum cpu_engine cpu_engine_default(void)
{
	if (cpu_engine_chosen < 0) {
		const char *e = getenv("TRAPVISOR_ENGINE");
		if (e && cpu_engine_set_default(e) == 0)
			return (enum cpu_engine)cpu_engine_chosen;
		cpu_engine_chosen = JIT_HOST ? CPU_ENGINE_JIT : CPU_ENGINE_INTERP;
	}
	return (enum cpu_engine)cpu_engine_chosen;
}

int cpu_engine_set_default(const char *name)
{
	if (strcmp(name, "interp") == 0) {
		cpu_engine_chosen = CPU_ENGINE_INTERP;
		return 0;
	}
	if (strcmp(name, "jit") == 0) {
		if (!JIT_HOST) {
			fprintf(stderr, "trapvisor: --engine=jit needs an x86-64 Linux host\n");
			return -1;
		}
		cpu_engine_chosen = CPU_ENGINE_JIT;
		return 0;
	}
	fprintf(stderr, "trapvisor: unknown engine '%s' (jit or interp)\n", name);
	return -1;
}

const char *cpu_engine_name(const struct cpu *cpu)
{
	return cpu->jit ? "jit" : "interp";
}

struct jit_stats jit_stats(const struct cpu *cpu)
{
	return cpu->jit ? cpu->jit->stats : (struct jit_stats){ 0 };
}

#if JIT_HOST

/* --- the helpers translated code calls ---------------------------------- */

uint32_t jit_div(uint32_t a, uint32_t b)
{
	return insn_div(a, b);
}
uint32_t jit_divu(uint32_t a, uint32_t b)
{
	return b ? a / b : 0xffffffffu;
}
uint32_t jit_rem(uint32_t a, uint32_t b)
{
	return insn_rem(a, b);
}
uint32_t jit_remu(uint32_t a, uint32_t b)
{
	return b ? a % b : a;
}

/* A load or store that missed the inline TLB: the interpreter's
 * mem_slow, step for step. */
int jit_mem_slow(struct cpu *cpu, const struct cpu_op *op, uint32_t va)
{
	uint32_t pc = cpu->pc;
	if (!cpu_exec_memory(cpu, op, va))
		return JIT_STOP; /* it trapped */
	cpu->pc = pc + 4;
	if (cpu->exit_request || cpu->trap_stop)
		return JIT_STOP; /* a device may have raised an interrupt */
	if (cpu->jit->dirty)
		return JIT_CONTINUE; /* it wrote code: this block may be stale */
	return JIT_GO_ON;
}

int jit_system(struct cpu *cpu, const struct cpu_op *op)
{
	cpu_exec_system(cpu, (enum insn_id)op->id, (uint32_t)op->imm);
	return JIT_STOP;
}

int jit_atomic(struct cpu *cpu, const struct cpu_op *op)
{
	cpu_exec_atomic(cpu, op); /* retired: pc += 4; trapped: at stvec */
	return JIT_STOP;
}

int jit_raise(struct cpu *cpu, uint32_t cause, uint32_t tval)
{
	cpu_exception(cpu, cause, tval);
	return JIT_STOP;
}

const void *jit_lookup(struct cpu *cpu, uint32_t pc)
{
	cpu->pc = pc;
	const struct tlb_code_entry *e = &cpu->tlb[cpu->csr.priv].exec[(pc >> 12) & (TLB_SIZE - 1)];
	if (e->tag != (pc & ~0xfffu) || (pc & 3))
		return NULL; /* a miss may fault: the run loop fetches */
	struct jit_page *jp = cpu->jit->pages[e->page->ppage];
	return jp ? jp->entry[(pc & 0xfff) >> 2] : NULL;
}

const void *jit_chain(struct cpu *cpu, uint32_t pc, uint8_t *site)
{
	const void *to = jit_lookup(cpu, pc);
	if (to) {
		/* Patch through the writable view: jmp rel32 at `site`. */
		struct jit *j = cpu->jit;
		int32_t rel = (int32_t)((const uint8_t *)to - (site + 5));
		memcpy(j->rw + (site - j->rx) + 1, &rel, 4);
		j->stats.chains++;
	}
	return to;
}

/* --- the shared routines ------------------------------------------------ */

/* Emit, at the start of the cache, the code every block shares:
 *
 *   enter(cpu, tlb, vbase, entry)  save the callee-saved registers, load
 *                                  rbx/r12/r13, jump to the block
 *   epilogue                       restore them, return eax (a status)
 *   dyn_exit (eax = pc)            jump to pc's block if it is
 *                                  translated, else back to the run loop
 *   chain_exit (eax = pc, rdx = site)  the same inside the page, and
 *                                  patch the site to jump there directly
 */
static void jit_emit_shared(struct jit *j)
{
	static const int saved[] = { RBX, RBP, R12, R13, R14, R15 };
	struct jit_buf b = { j->rw, j->rw + 512 };

	for (int i = 0; i < 6; i++) /* push */
		x_head(&b, 0, 0x50 + (saved[i] & 7), 0, 0, saved[i]);
	x_rr(&b, X_W, 0x83, 5, RSP), x_u8(&b, 8); /* sub rsp, 8: align */
	x_rr(&b, X_W, X_MOV_STORE, RDI, RBX);
	x_rr(&b, X_W, X_MOV_STORE, RSI, R12);
	x_rr(&b, 0, X_MOV_STORE, RDX, R13);
	x_jmp_reg(&b, RCX);

	j->epilogue = (size_t)(b.p - j->rw);
	x_rr(&b, X_W, 0x83, 0, RSP), x_u8(&b, 8); /* add rsp, 8 */
	for (int i = 5; i >= 0; i--)		  /* pop */
		x_head(&b, 0, 0x58 + (saved[i] & 7), 0, 0, saved[i]);
	x_u8(&b, 0xc3); /* ret */

	for (int chain = 0; chain < 2; chain++) {
		if (chain)
			j->chain_exit = (size_t)(b.p - j->rw);
		else
			j->dyn_exit = (size_t)(b.p - j->rw);
		x_rr(&b, 0, X_MOV_STORE, RAX, RSI);
		x_rr(&b, X_W, X_MOV_STORE, RBX, RDI);
		x_mov_imm64(&b, RAX,
			    (uint64_t)(uintptr_t)(chain ? (const void *)jit_chain
							: (const void *)jit_lookup));
		x_call_reg(&b, RAX);
		x_rr(&b, X_W, X_TEST, RAX, RAX);
		uint8_t *miss = x_jcc(&b, CC_E);
		if (!chain) { /* another page: vbase = pc & ~0xfff */
			x_rm(&b, 0, X_MOV_LOAD, R13, RBX, -1, (int32_t)offsetof(struct cpu, pc));
			x_rr(&b, 0, X_GRP1_IMM32, 4, R13), x_u32(&b, ~0xfffu);
		}
		x_jmp_reg(&b, RAX);
		x_patch(&b, miss, b.p);
		x_mov_imm32(&b, RAX, JIT_CONTINUE);
		x_patch(&b, x_jmp(&b), j->rw + j->epilogue);
	}
	j->code_start = j->used = (size_t)(b.p - j->rw);
	j->enter = (int (*)(struct cpu *, struct tlb *, uint32_t, const void *))(void *)j->rx;
}

/* --- the cache ------------------------------------------------------------ */

int jit_create(struct cpu *cpu)
{
	return jit_create_sized(cpu, JIT_CACHE_SIZE);
}

int jit_create_sized(struct cpu *cpu, size_t bytes)
{
	if (bytes < 4 * JIT_BLOCK_MAX_BYTES)
		bytes = 4 * JIT_BLOCK_MAX_BYTES;
	struct jit *j = calloc(1, sizeof(*j));
	if (!j)
		goto out;
	j->npages = (cpu->ram_size + 4095) / 4096;
	j->pages = calloc(j->npages, sizeof(*j->pages));
	j->filled = calloc(j->npages, sizeof(*j->filled));
	if (!j->pages || !j->filled)
		goto out_free;
	j->size = bytes;
	j->fd = memfd_create("trapvisor-jit", MFD_CLOEXEC);
	if (j->fd < 0)
		goto out_free;
	if (ftruncate(j->fd, (off_t)j->size))
		goto out_fd;
	j->rw = mmap(NULL, j->size, PROT_READ | PROT_WRITE, MAP_SHARED, j->fd, 0);
	if (j->rw == MAP_FAILED)
		goto out_fd;
	j->rx = mmap(NULL, j->size, PROT_READ | PROT_EXEC, MAP_SHARED, j->fd, 0);
	if (j->rx == MAP_FAILED)
		goto out_rw;
	jit_emit_shared(j);
	cpu->jit = j;
	return 0;
out_rw:
	munmap(j->rw, j->size);
out_fd:
	close(j->fd);
out_free:
	free(j->pages);
	free(j->filled);
	free(j);
out:
	fprintf(stderr, "trapvisor: no memory for the translation cache\n");
	return -1;
}

void jit_destroy(struct cpu *cpu)
{
	struct jit *j = cpu->jit;
	if (!j)
		return;
	for (uint32_t i = 0; i < j->nfilled; i++)
		free(j->pages[j->filled[i]]);
	munmap(j->rx, j->size);
	munmap(j->rw, j->size);
	close(j->fd);
	free(j->pages);
	free(j->filled);
	free(j);
	cpu->jit = NULL;
}

/* The cache is full: forget every block and start again. */
static void jit_flush(struct jit *j)
{
	for (uint32_t i = 0; i < j->nfilled; i++) {
		free(j->pages[j->filled[i]]);
		j->pages[j->filled[i]] = NULL;
	}
	j->nfilled = 0;
	j->used = j->code_start;
	j->stats.flushes++;
}

void jit_page_written(struct cpu *cpu, uint32_t ppage)
{
	struct jit *j = cpu->jit;
	if (!j || ppage >= j->npages || !j->pages[ppage])
		return;
	/* Unlink the page's blocks.  Their code stays in the cache (one of
	 * them may be running right now: it leaves as soon as the store
	 * that got here returns, seeing `dirty`); chains only ever join
	 * blocks of one page, so nothing else jumps into them. */
	memset(j->pages[ppage]->entry, 0, sizeof(j->pages[ppage]->entry));
	j->dirty = true;
	j->stats.invalidations++;
}

/* The host code of op `idx` of `page`, translated now if need be. */
static const void *jit_block(struct cpu *cpu, struct cpu_code_page *page, unsigned idx)
{
	struct jit *j = cpu->jit;
	struct jit_page *jp = j->pages[page->ppage];
	if (jp && jp->entry[idx])
		return jp->entry[idx];
	void *code = jit_translate(cpu, page, idx);
	if (!code) {
		jit_flush(j);
		code = jit_translate(cpu, page, idx);
		if (!code)
			return NULL;
	}
	jp = j->pages[page->ppage];
	if (!jp) {
		jp = calloc(1, sizeof(*jp));
		if (!jp)
			return NULL; /* run it in the interpreter */
		j->pages[page->ppage] = jp;
		j->filled[j->nfilled++] = page->ppage;
	}
	jp->entry[idx] = code;
	return code;
}

void jit_exec_block(struct cpu *cpu, uint64_t budget)
{
	struct jit *j = cpu->jit;
	if (cpu->halted || cpu->trap_stop)
		return;
	cpu->jit_end = cpu->csr.instret + budget;
	for (;;) {
		/* Fetch first, count second: the interpreter takes an
		 * instruction-fetch fault even with no budget left. */
		struct tlb *tlb = &cpu->tlb[cpu->csr.priv];
		uint32_t pc = cpu->pc;
		struct cpu_code_page *page = cpu_code_fetch(cpu, tlb, pc, cpu->csr.instret);
		if (!page)
			return; /* the fetch trapped */
		if (cpu->csr.instret >= cpu->jit_end)
			return;
		const void *code = jit_block(cpu, page, (pc & 0xfffu) >> 2);
		if (!code) {
			cpu_interp_block(cpu, cpu->jit_end - cpu->csr.instret);
			return;
		}
		j->dirty = false;
		int status = j->enter(cpu, tlb, pc & ~0xfffu, code);
		if (status == JIT_CONTINUE)
			continue;
		if (status == JIT_BUDGET) {
			/* Fewer instructions left than the next block has: the
			 * interpreter stops at exactly the right one. */
			j->stats.interp_tails++;
			cpu_interp_block(cpu, cpu->jit_end - cpu->csr.instret);
		}
		return;
	}
}

#else /* no translation on this host: the interpreter runs everything */

int jit_create(struct cpu *cpu)
{
	(void)cpu;
	return -1;
}
int jit_create_sized(struct cpu *cpu, size_t bytes)
{
	(void)cpu, (void)bytes;
	return -1;
}
void jit_destroy(struct cpu *cpu)
{
	(void)cpu;
}
void jit_page_written(struct cpu *cpu, uint32_t ppage)
{
	(void)cpu, (void)ppage;
}
void jit_exec_block(struct cpu *cpu, uint64_t budget)
{
	cpu_interp_block(cpu, budget);
}

#endif
