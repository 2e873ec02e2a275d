/*
 * jit_impl.h -- the translating engine's insides, shared by jit.c (the
 * cache and the run loop) and jit_translate.c (the translator).
 *
 * While translated code runs, four host registers hold its context:
 *
 *   rbx  struct cpu *          guest registers are cpu->x[i] = [rbx + 4*i]
 *   r12  struct tlb *          the software TLB of the current privilege
 *   r13d vbase                 the virtual address of the running page
 *   rsp  16-byte aligned       so a block may call C helpers directly
 *
 * All four are callee-saved in the System V ABI, so the C helpers a block
 * calls leave them alone.  The guest's pc is never held anywhere: a block
 * knows its offset in the page, and vbase + offset is the pc.  That is
 * also why a block does not depend on the virtual address it runs at, so
 * blocks are cached by *physical* page: the same code mapped twice is
 * translated once.
 */
#ifndef ISA_TOY_JIT_IMPL_H
#define ISA_TOY_JIT_IMPL_H

#include <stddef.h>

#include "isa-toy/cpu.h"
#include "isa-toy/jit.h"

/* What a block (or a helper it calls) tells the run loop. */
enum jit_status {
	JIT_GO_ON = 0,	  /* helper: the instruction retired, carry on */
	JIT_CONTINUE = 1, /* go on at cpu->pc (another page, or code changed) */
	JIT_STOP = 2,	  /* return from cpu_exec_block (a trap, a system
			   * instruction, a device access) */
	JIT_BUDGET = 3,	  /* the block at cpu->pc is longer than the budget
			   * left: the interpreter finishes it */
};

/* The host code of the blocks starting at each op of one RAM page. */
struct jit_page {
	void *entry[CPU_PAGE_OPS]; /* executable-view address, or NULL */
};

/* Longest block, in guest instructions, and the most host code one can
 * need (the translator checks it never writes more). */
#define JIT_BLOCK_INSNS	    64
#define JIT_BLOCK_MAX_BYTES (JIT_BLOCK_INSNS * 160 + 256)

struct jit {
	/* The translation cache: one memory object mapped twice, writable
	 * at `rw` and executable at `rx` -- never both at one address. */
	uint8_t *rw, *rx;
	size_t size;
	size_t used;	   /* bytes filled, from the start */
	size_t code_start; /* after the shared routines (never flushed) */
	int fd;

	/* The shared routines at the start of the cache (jit.c). */
	int (*enter)(struct cpu *cpu, struct tlb *tlb, uint32_t vbase, const void *entry);
	size_t epilogue, dyn_exit, chain_exit; /* offsets in the cache */

	struct jit_page **pages; /* by RAM page; NULL: nothing translated */
	uint32_t npages;
	uint32_t *filled; /* the RAM pages that have a jit_page */
	uint32_t nfilled;

	bool dirty; /* translations were dropped during the running block */
	struct jit_stats stats;
};

/* Translate the block of `page` that starts at op `first`.  Returns its
 * executable-view entry, or NULL if the cache has no room (the caller
 * flushes and tries again). */
void *jit_translate(struct cpu *cpu, struct cpu_code_page *page, unsigned first);

/* Helpers translated code calls (jit.c): each gets the hart with pc and
 * instret already synced to the instruction's, and returns an enum
 * jit_status. */
int jit_mem_slow(struct cpu *cpu, const struct cpu_op *op, uint32_t va);
int jit_system(struct cpu *cpu, const struct cpu_op *op);
int jit_atomic(struct cpu *cpu, const struct cpu_op *op);
int jit_raise(struct cpu *cpu, uint32_t cause, uint32_t tval);
/* The host code for guest `pc` if it is translated and its page is in
 * the execute TLB, else NULL (and cpu->pc = pc either way). */
const void *jit_lookup(struct cpu *cpu, uint32_t pc);
/* The same for a jump inside the page, and patch the jump at `site` to
 * go there directly from now on (chaining). */
const void *jit_chain(struct cpu *cpu, uint32_t pc, uint8_t *site);
uint32_t jit_div(uint32_t a, uint32_t b);
uint32_t jit_divu(uint32_t a, uint32_t b);
uint32_t jit_rem(uint32_t a, uint32_t b);
uint32_t jit_remu(uint32_t a, uint32_t b);

#endif
