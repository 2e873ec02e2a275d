/*
 * jit.h -- the translating engine: TRV32 basic blocks to x86-64 code.
 *
 * The interpreter (cpu_exec.c) looks at every guest instruction each time
 * it runs.  This engine looks at it once: it turns a guest basic block
 * into a piece of host machine code, keeps that code in a cache, and from
 * then on runs the host code directly.  docs/jit.md tells the whole story;
 * in short:
 *
 *   guest block at physical page P, op index i
 *        |  jit_translate (jit_translate.c), once
 *        v
 *   host code in the translation cache (jit.c), entered through
 *   jit->pages[P]->entry[i], chained to the next block of P directly
 *
 * Nothing the guest can observe changes: the engine stops, traps and
 * counts instructions exactly where the interpreter does, and falls back
 * to the interpreter whenever a block would not fit the instruction
 * budget it was given.  The interpreter stays the reference.
 */
#ifndef ISA_TOY_JIT_H
#define ISA_TOY_JIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cpu;

/* Which engine runs a hart's instructions. */
enum cpu_engine {
	CPU_ENGINE_INTERP, /* the interpreter: every host, the reference */
	CPU_ENGINE_JIT,	   /* translation to x86-64: x86-64 hosts only */
};

/* The engine new harts get: jit on x86-64 hosts, else the interpreter;
 * the environment variable TRAPVISOR_ENGINE=interp|jit and the command
 * line's --engine (cpu_engine_set_default) override it. */
enum cpu_engine cpu_engine_default(void);
/* Choose the engine for harts made from now on.  Returns 0, or -1 with
 * a message if `name` is no engine or the jit cannot run on this host. */
int cpu_engine_set_default(const char *name);
/* "jit" or "interp": the engine `cpu` runs on. */
const char *cpu_engine_name(const struct cpu *cpu);

/* Is translation possible on this host at all? */
bool jit_supported(void);

/* Give `cpu` a translating engine (its code cache and tables).  Returns
 * 0, or -1 if the host refused the memory (the hart keeps interpreting). */
int jit_create(struct cpu *cpu);
/* The same with a translation cache of `bytes` (tests use a small one to
 * make it fill up and flush). */
int jit_create_sized(struct cpu *cpu, size_t bytes);
void jit_destroy(struct cpu *cpu);

/* Run translated code for at most `budget` instructions, with exactly the
 * interpreter's stops (cpu_exec_block's contract). */
void jit_exec_block(struct cpu *cpu, uint64_t budget);

/* RAM page `ppage` changed under its translations: forget them.  Called
 * by cpu_code_written for every live page a write touches. */
void jit_page_written(struct cpu *cpu, uint32_t ppage);

/* What the engine did, for `run` statistics and the benchmarks. */
struct jit_stats {
	uint64_t blocks;	/* blocks translated */
	uint64_t guest_insns;	/* guest instructions translated */
	uint64_t code_bytes;	/* host code bytes written */
	uint64_t flushes;	/* whole-cache flushes (cache full) */
	uint64_t invalidations; /* pages whose blocks a store dropped */
	uint64_t chains;	/* direct jumps patched block to block */
	uint64_t interp_tails;	/* budgets finished by the interpreter */
};
/* Zeros when `cpu` interprets. */
struct jit_stats jit_stats(const struct cpu *cpu);

#endif
