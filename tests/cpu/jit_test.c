/*
 * jit_test.c -- the translating engine against the interpreter.
 *
 * Two harts with the same RAM: one interprets (the reference), one runs
 * translated code.  A seeded random program -- every kind of instruction,
 * branches and jumps inside the program, loads and stores to a data page,
 * stores into the program itself (self-modifying code), atomics, CSR
 * reads of the counters, traps -- runs on both, a random budget at a time
 * (1 to 100 instructions, so blocks are cut anywhere).  After every run
 * the whole state must be equal: registers, pc, instret, the trap, the
 * CSRs, the reservation, and RAM.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa-toy/jit.h"
#include "tests/cpu/harness.h"

#define JT_RAM_SIZE (1u << 20)
#define JT_CODE	    TH_RAM_BASE /* two pages of program */
#define JT_CODE_LEN 0x2000u
#define JT_DATA	    (TH_RAM_BASE + 0x10000) /* a page of data */
#define JT_STEPS    20000		    /* instructions per seed */

struct jt_hart {
	struct cpu cpu;
	struct bus bus;
	uint8_t *ram;
};

static uint64_t jt_rng;
static uint32_t jt_rand(void)
{
	/* xorshift64*: small, seeded, the same on every host */
	jt_rng ^= jt_rng >> 12, jt_rng ^= jt_rng << 25, jt_rng ^= jt_rng >> 27;
	return (uint32_t)((jt_rng * 2685821657736338717ull) >> 32);
}

static void jt_init(struct jt_hart *h, bool jit, size_t cache)
{
	h->ram = calloc(1, JT_RAM_SIZE);
	cr_assert_not_null(h->ram);
	bus_init(&h->bus);
	cr_assert_eq(cpu_init(&h->cpu, h->ram, TH_RAM_BASE, JT_RAM_SIZE, &h->bus), 0);
	jit_destroy(&h->cpu); /* whatever the default, choose here */
	if (jit)
		cr_assert_eq(jit_create_sized(&h->cpu, cache), 0);
	cpu_reset(&h->cpu, JT_CODE, 0);
	h->cpu.host_traps = true; /* traps come back to the test */
}

static void jt_fini(struct jt_hart *h)
{
	cpu_destroy(&h->cpu);
	free(h->ram);
}

/* Registers, mostly from a few (x0, x7-x10), so that instructions often
 * read what the one before wrote: dependencies are where a translator
 * keeps values in host registers, and where it goes wrong. */
static unsigned jt_reg(void)
{
	static const unsigned few[] = { 0, 7, 8, 9, 10 };
	return jt_rand() % 4 ? few[jt_rand() % 5] : jt_rand() % 32;
}

/* Registers x5 and x6 hold the data page and the program: no random
 * instruction writes them. */
static unsigned jt_rd(void)
{
	unsigned r = jt_reg();
	return r == 5 || r == 6 ? 7 : r;
}

/* One random instruction at program offset `off`. */
static uint32_t jt_insn(uint32_t off)
{
	static const enum insn_id r_ops[] = {
		INSN_add,    INSN_sub,	 INSN_sll, INSN_slt,  INSN_sltu, INSN_xor,
		INSN_srl,    INSN_sra,	 INSN_or,  INSN_and,  INSN_mul,	 INSN_mulh,
		INSN_mulhsu, INSN_mulhu, INSN_div, INSN_divu, INSN_rem,	 INSN_remu,
	};
	static const enum insn_id i_ops[] = { INSN_addi, INSN_slti, INSN_sltiu,
					      INSN_xori, INSN_ori,  INSN_andi };
	static const enum insn_id sh_ops[] = { INSN_slli, INSN_srli, INSN_srai };
	static const enum insn_id ld_ops[] = { INSN_lb, INSN_lh, INSN_lw, INSN_lbu, INSN_lhu };
	static const enum insn_id st_ops[] = { INSN_sb, INSN_sh, INSN_sw };
	static const enum insn_id br_ops[] = { INSN_beq, INSN_bne,  INSN_blt,
					       INSN_bge, INSN_bltu, INSN_bgeu };
	static const enum insn_id amo_ops[] = { INSN_lr_w,	INSN_sc_w,     INSN_amoswap_w,
						INSN_amoadd_w,	INSN_amoxor_w, INSN_amoand_w,
						INSN_amoor_w,	INSN_amomin_w, INSN_amomax_w,
						INSN_amominu_w, INSN_amomaxu_w };
#define PICK(a) a[jt_rand() % (sizeof(a) / sizeof(a[0]))]
	unsigned k = jt_rand() % 100;
	unsigned rs1 = jt_reg(), rs2 = jt_reg();
	/* A branch or jump target inside the program, 4-aligned mostly. */
	int32_t target = (int32_t)(jt_rand() % (JT_CODE_LEN / 4)) * 4 - (int32_t)off;
	if (jt_rand() % 50 == 0)
		target += 2; /* misaligned: faults */
	if (k < 30)
		return enc_r(PICK(r_ops), jt_rd(), rs1, rs2);
	if (k < 45)
		return enc_i(PICK(i_ops), jt_rd(), rs1, (int32_t)(jt_rand() % 4096) - 2048);
	if (k < 50)
		return enc_sh(PICK(sh_ops), jt_rd(), rs1, jt_rand() % 32);
	if (k < 53)
		return enc_u(jt_rand() % 2 ? INSN_lui : INSN_auipc, jt_rd(), jt_rand());
	if (k < 65) /* loads: mostly the data page, sometimes the program */
		return enc_i(PICK(ld_ops), jt_rd(), jt_rand() % 8 ? 5 : 6,
			     (int32_t)(jt_rand() % 2048));
	if (k < 75) /* stores: the data page, now and then the program */
		return enc_s(PICK(st_ops), jt_rand() % 16 ? 5 : 6, rs2,
			     (int32_t)(jt_rand() % 2048));
	if (k < 85)
		return enc_b(PICK(br_ops), rs1, rs2, target);
	if (k < 88)
		return enc_j(INSN_jal, jt_rd(), target);
	if (k < 90) /* jalr into the program, off x6 */
		return enc_i(INSN_jalr, jt_rd(), 6, (int32_t)(jt_rand() % 2048) & ~1);
	if (k < 91)
		return enc_i(INSN_jalr, jt_rd(), rs1, 0); /* anywhere: faults */
	if (k < 93)
		return enc_amo(PICK(amo_ops), jt_rd(), 5, rs2);
	if (k < 96) /* the counters: instret must be exact */
		return enc_csr(INSN_csrrs, jt_rd(), 0xc00 + jt_rand() % 3, 0);
	if (k < 97)
		return enc_sys(jt_rand() % 2 ? INSN_ecall : INSN_fence_i);
	if (k < 98)
		return enc_i(INSN_fence, 0, 0, 0x0ff);
	return jt_rand(); /* any word: mostly illegal */
#undef PICK
}

static void jt_compare(const struct jt_hart *a, const struct jt_hart *b, unsigned seed,
		       uint64_t step)
{
	const struct cpu *x = &a->cpu, *y = &b->cpu;
	for (int r = 0; r < 32; r++)
		cr_assert_eq(x->x[r], y->x[r], "seed %u after %llu: x%d interp %#x jit %#x", seed,
			     (unsigned long long)step, r, x->x[r], y->x[r]);
	cr_assert_eq(x->pc, y->pc, "seed %u after %llu: pc interp %#x jit %#x", seed,
		     (unsigned long long)step, x->pc, y->pc);
	cr_assert_eq(x->csr.instret, y->csr.instret, "seed %u after %llu: instret %llu vs %llu",
		     seed, (unsigned long long)step, (unsigned long long)x->csr.instret,
		     (unsigned long long)y->csr.instret);
	cr_assert_eq(x->csr.traps, y->csr.traps, "seed %u: traps", seed);
	cr_assert_eq(x->trap_stop, y->trap_stop, "seed %u after %llu: trap_stop", seed,
		     (unsigned long long)step);
	if (x->trap_stop) {
		cr_assert_eq(x->trap.cause, y->trap.cause, "seed %u: cause %#x vs %#x", seed,
			     x->trap.cause, y->trap.cause);
		cr_assert_eq(x->trap.tval, y->trap.tval, "seed %u: tval", seed);
		cr_assert_eq(x->trap.pc, y->trap.pc, "seed %u: trap pc", seed);
	}
	cr_assert_eq(x->csr.priv, y->csr.priv);
	cr_assert_eq(x->csr.sstatus, y->csr.sstatus);
	cr_assert_eq(x->resv_valid, y->resv_valid, "seed %u: reservation", seed);
	cr_assert_eq(memcmp(a->ram, b->ram, 0x20000), 0, "seed %u after %llu: RAM differs", seed,
		     (unsigned long long)step);
}

/* Run seed `seed` on an interpreting and a translating hart. */
static struct jit_stats jt_run_seed(unsigned seed, size_t cache)
{
	struct jt_hart a, b;
	jt_init(&a, false, 0);
	jt_init(&b, true, cache);
	jt_rng = 0x9e3779b97f4a7c15ull ^ seed;
	for (uint32_t off = 0; off < JT_CODE_LEN; off += 4) {
		uint32_t w = jt_insn(off);
		memcpy(a.ram + off, &w, 4);
		memcpy(b.ram + off, &w, 4);
	}
	for (uint32_t i = 0; i < 4096; i += 4) {
		uint32_t v = jt_rand();
		memcpy(a.ram + (JT_DATA - TH_RAM_BASE) + i, &v, 4);
		memcpy(b.ram + (JT_DATA - TH_RAM_BASE) + i, &v, 4);
	}
	for (int r = 1; r < 32; r++)
		a.cpu.x[r] = b.cpu.x[r] = jt_rand() % 4 ? jt_rand() : jt_rand() % 64;
	a.cpu.x[5] = b.cpu.x[5] = JT_DATA;
	a.cpu.x[6] = b.cpu.x[6] = JT_CODE;

	uint64_t steps = 0;
	while (steps < JT_STEPS) {
		uint64_t n = 1 + jt_rand() % 100;
		enum cpu_stop sa = cpu_run(&a.cpu, n), sb = cpu_run(&b.cpu, n);
		cr_assert_eq(sa, sb, "seed %u after %llu: stop %d vs %d", seed,
			     (unsigned long long)steps, sa, sb);
		jt_compare(&a, &b, seed, steps);
		steps += n;
		if (sa == CPU_STOP_TRAP) {
			/* "Handle" the trap: go on somewhere in the program. */
			uint32_t to = JT_CODE + (jt_rand() % (JT_CODE_LEN / 4)) * 4;
			a.cpu.trap_stop = b.cpu.trap_stop = false;
			a.cpu.pc = b.cpu.pc = to;
		} else if (sa != CPU_STOP_LIMIT) {
			break;
		}
	}
	struct jit_stats s = jit_stats(&b.cpu);
	jt_fini(&a);
	jt_fini(&b);
	return s;
}

Test(jit, random_streams_match_the_interpreter, .timeout = 120)
{
	struct jit_stats total = { 0 };
	for (unsigned seed = 1; seed <= 300; seed++) {
		struct jit_stats s = jt_run_seed(seed, 16u << 20);
		total.blocks += s.blocks;
		total.chains += s.chains;
		total.invalidations += s.invalidations;
		total.interp_tails += s.interp_tails;
	}
	/* The streams exercised what they are for. */
	cr_assert_gt(total.blocks, 1000);
	cr_assert_gt(total.chains, 100, "no block was ever chained");
	cr_assert_gt(total.invalidations, 10, "no store ever hit translated code");
	cr_assert_gt(total.interp_tails, 100, "no budget ever cut a block");
}

Test(jit, a_full_cache_flushes_and_stays_exact, .timeout = 60)
{
	uint64_t flushes = 0;
	for (unsigned seed = 1000; seed < 1020; seed++)
		flushes += jt_run_seed(seed, 64u << 10).flushes;
	cr_assert_gt(flushes, 0, "a 64 KiB cache never filled up");
}

/* W^X: after translating and running code, no mapping of the process is
 * writable and executable at once. */
Test(jit, no_mapping_is_writable_and_executable)
{
	struct jit_stats s = jt_run_seed(7, 16u << 20);
	cr_assert_gt(s.blocks, 0);
	struct jt_hart h;
	jt_init(&h, true, 1u << 20);
	cr_assert_eq(cpu_run(&h.cpu, 100) != CPU_STOP_HALT, 1);
	FILE *f = fopen("/proc/self/maps", "r");
	cr_assert_not_null(f);
	char line[512];
	int mappings = 0;
	while (fgets(line, sizeof(line), f)) {
		char perms[8] = "";
		cr_assert_eq(sscanf(line, "%*s %7s", perms), 1);
		cr_assert(!(perms[1] == 'w' && perms[2] == 'x'), "W+X mapping: %s", line);
		mappings++;
	}
	fclose(f);
	cr_assert_gt(mappings, 2);
	jt_fini(&h);
}
