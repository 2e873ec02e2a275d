/*
 * gen.c -- diffgen, the seeded generator of the differential test.
 *
 *   diffgen [-s FIRST] [-n COUNT] [-l LEN] [-o FILE]
 *
 * writes one GNU assembly file (.S) with COUNT test bodies, for the seeds
 * FIRST .. FIRST+COUNT-1, each LEN random "items" (an item is one
 * instruction or a small group: a branch over a few instructions, an LR/SC
 * pair, an address computation and the AMO that uses it).  The same seed
 * always gives the same body, byte for byte: the generator has its own
 * PRNG (splitmix64) and never looks at the clock, the host's rand() or
 * pointer values.
 *
 * What a body looks like (harness.S and harness.c call it, print the
 * registers and a hash of the scratch buffer afterwards):
 *
 *   diff_body_SEED:                    sp  = the harness's stack (reserved)
 *       lla   gp, diff_scratch_SEED     gp  = 256-byte scratch buffer (reserved)
 *       li    x1, ...                   every other register from the seed
 *       ...
 *       li    x31, ...
 *       <LEN random items>
 *       j     diff_body_end             the harness saves x0..x31
 *
 * Instructions covered: RV32I register-register and register-immediate
 * ALU ops with lui/auipc, every M op (with divisors of 0 and INT_MIN / -1
 * forced often), every A op (lr.w/sc.w: successful, failed on another
 * address, and without a reservation; all amo*.w with random aq/rl),
 * loads and stores of every width and signedness at aligned offsets in
 * the scratch buffer, forward branches of every kind, jal and jalr forward
 * skips, fence and fence.i.  Nothing jumps backwards, so every body ends.
 *
 * The only PC-dependent values (auipc, jal/jalr links) agree between the
 * peers because both harness variants link the bodies at the same address
 * (link.ld puts .text.diff first at 0x80000000).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GEN_SCRATCH_BYTES 256	 /* size of each body's scratch buffer */
#define GEN_DEFAULT_LEN	  200	 /* items per body */
#define GEN_MAX_COUNT	  100000 /* bodies per file: a sanity bound */
#define GEN_MAX_LEN	  100000 /* items per body: a sanity bound */

/* ---- the PRNG: splitmix64, fixed and portable -------------------------- */

struct gen_rng {
	uint64_t s;
};

static uint64_t gen_next(struct gen_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A uniform number in [0, n), n > 0 (the modulo bias is irrelevant here). */
static uint32_t gen_below(struct gen_rng *r, uint32_t n)
{
	return (uint32_t)(gen_next(r) % n);
}

/* True with probability pct percent. */
static int gen_chance(struct gen_rng *r, uint32_t pct)
{
	return gen_below(r, 100) < pct;
}

/* ---- registers ---------------------------------------------------------- */

/*
 * x2 (sp) and x3 (gp) are reserved: sp is the harness's stack (its value
 * differs between the peers, so it is never read or printed), gp the base
 * of the scratch buffer (never written by a body, freely read).
 */
#define GEN_REG_SP 2
#define GEN_REG_GP 3

/* A destination: any register but sp and gp; x0 included on purpose. */
static int gen_rd(struct gen_rng *r)
{
	int x;
	do
		x = (int)gen_below(r, 32);
	while (x == GEN_REG_SP || x == GEN_REG_GP);
	return x;
}

/* A destination that really holds a value: not x0, sp or gp. */
static int gen_rd_live(struct gen_rng *r)
{
	int x;
	do
		x = (int)gen_below(r, 32);
	while (x == 0 || x == GEN_REG_SP || x == GEN_REG_GP);
	return x;
}

/* A source: anything but sp (gp is fine: same address on both peers). */
static int gen_rs(struct gen_rng *r)
{
	int x;
	do
		x = (int)gen_below(r, 32);
	while (x == GEN_REG_SP);
	return x;
}

/* A "live" destination different from the registers in avoid[0..n). */
static int gen_rd_live_except(struct gen_rng *r, const int *avoid, int n)
{
	for (;;) {
		int x = gen_rd_live(r), clash = 0;
		for (int i = 0; i < n; i++)
			clash |= (x == avoid[i]);
		if (!clash)
			return x;
	}
}

/* Edge values that find bugs: zero, signs, extremes, shift counts. */
static const uint32_t gen_special[] = {
	0,  1,		 0xffffffffu, 0x80000000u, 0x7fffffffu, 2,	     0xfffffffeu, 31,
	32, 0x0000ffffu, 0xffff8000u, 0x00000080u, 0xffffff80u, 0x80000001u, 0x00008000u,
};
#define GEN_NSPECIAL (sizeof(gen_special) / sizeof(gen_special[0]))

/* A register value: a quarter edge values, some small, the rest random. */
static uint32_t gen_value(struct gen_rng *r)
{
	uint32_t k = gen_below(r, 100);
	if (k < 25)
		return gen_special[gen_below(r, GEN_NSPECIAL)];
	if (k < 40)
		return (uint32_t)((int32_t)gen_below(r, 129) - 64);
	return (uint32_t)gen_next(r);
}

/* A 12-bit signed immediate, biased towards the edges. */
static int32_t gen_imm12(struct gen_rng *r)
{
	static const int32_t edge[] = { 0, 1, -1, 2047, -2048, 0x7ff, 0x800 - 4096, 255, -256 };
	if (gen_chance(r, 25))
		return edge[gen_below(r, sizeof(edge) / sizeof(edge[0]))];
	return (int32_t)gen_below(r, 4096) - 2048;
}

/* ---- the output --------------------------------------------------------- */

struct gen_out {
	FILE *f;
	uint32_t seed;	/* labels are .L<seed>_<n>: a body's text does not */
	unsigned label; /* depend on the other bodies in the same file     */
};

/* Align an offset down to the access width and keep it in the buffer. */
static int32_t gen_offset(struct gen_rng *r, int width)
{
	return (int32_t)(gen_below(r, GEN_SCRATCH_BYTES / width) * width);
}

/* ---- the instruction classes -------------------------------------------- */

static void gen_alu_rr(struct gen_rng *r, struct gen_out *o)
{
	static const char *op[] = { "add", "sub", "sll", "slt", "sltu",
				    "xor", "srl", "sra", "or",	"and" };
	int rs1 = gen_rs(r), rs2 = gen_chance(r, 10) ? rs1 : gen_rs(r);
	fprintf(o->f, "\t%s\tx%d, x%d, x%d\n", op[gen_below(r, 10)], gen_rd(r), rs1, rs2);
}

static void gen_alu_imm(struct gen_rng *r, struct gen_out *o)
{
	static const char *op[] = { "addi", "slti", "sltiu", "xori", "ori", "andi" };
	static const char *sh[] = { "slli", "srli", "srai" };
	if (gen_chance(r, 33))
		fprintf(o->f, "\t%s\tx%d, x%d, %u\n", sh[gen_below(r, 3)], gen_rd(r), gen_rs(r),
			gen_below(r, 32));
	else
		fprintf(o->f, "\t%s\tx%d, x%d, %d\n", op[gen_below(r, 6)], gen_rd(r), gen_rs(r),
			gen_imm12(r));
}

static void gen_upper(struct gen_rng *r, struct gen_out *o)
{
	uint32_t imm =
	    gen_chance(r, 20) ? (gen_chance(r, 50) ? 0 : 0xfffff) : gen_below(r, 1u << 20);
	fprintf(o->f, "\t%s\tx%d, 0x%" PRIx32 "\n", gen_chance(r, 50) ? "lui" : "auipc", gen_rd(r),
		imm);
}

/*
 * M extension.  Division is where emulators go wrong, so a third of the
 * time the divisor is forced to 0 and another sixth of the time the
 * operands are forced to INT_MIN / -1 (the one signed overflow).
 */
static void gen_muldiv(struct gen_rng *r, struct gen_out *o)
{
	static const char *op[] = {
		"mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu"
	};
	int k = (int)gen_below(r, 8), rs1 = gen_rs(r), rs2 = gen_rs(r);
	uint32_t how = gen_below(r, 6);
	if (k >= 4 && how <= 1) { /* divisor 0 */
		if (gen_chance(r, 25)) {
			rs2 = 0; /* x0 itself */
		} else {
			rs2 = gen_rd_live(r);
			fprintf(o->f, "\tli\tx%d, 0\n", rs2);
		}
	} else if (how == 2) { /* INT_MIN / -1, and INT_MIN * -1 for mul */
		rs1 = gen_rd_live(r);
		rs2 = gen_rd_live(r);
		fprintf(o->f, "\tli\tx%d, 0x80000000\n", rs1);
		fprintf(o->f, "\tli\tx%d, -1\n", rs2);
	}
	fprintf(o->f, "\t%s\tx%d, x%d, x%d\n", op[k], gen_rd(r), rs1, rs2);
}

/*
 * Loads and stores: most use gp plus an aligned offset; a quarter go
 * through a temporary base (gp + a, then an offset b with a + b aligned),
 * so negative displacements and other base registers are exercised too.
 */
static void gen_mem(struct gen_rng *r, struct gen_out *o, int store)
{
	static const char *ld[] = { "lb", "lbu", "lh", "lhu", "lw" };
	static const int ldw[] = { 1, 1, 2, 2, 4 };
	static const char *st[] = { "sb", "sh", "sw" };
	static const int stw[] = { 1, 2, 4 };
	int k = (int)gen_below(r, store ? 3 : 5);
	int width = store ? stw[k] : ldw[k];
	int32_t off = gen_offset(r, width);
	int base = GEN_REG_GP;
	if (gen_chance(r, 25)) {
		int32_t a = (int32_t)gen_below(r, 512) - 128; /* base anywhere near */
		base = gen_rd_live(r);
		fprintf(o->f, "\taddi\tx%d, gp, %d\n", base, a);
		off -= a;
	}
	if (store)
		fprintf(o->f, "\t%s\tx%d, %d(x%d)\n", st[k], gen_rs(r), off, base);
	else
		fprintf(o->f, "\t%s\tx%d, %d(x%d)\n", ld[k], gen_rd(r), off, base);
}

static const char *gen_ordering(struct gen_rng *r)
{
	static const char *ord[] = { "", ".aq", ".rl", ".aqrl" };
	return ord[gen_below(r, 4)];
}

/* An AMO on an aligned word: the address goes into a live register first. */
static void gen_amo(struct gen_rng *r, struct gen_out *o)
{
	static const char *op[] = { "amoswap", "amoadd", "amoxor",  "amoand", "amoor",
				    "amomin",  "amomax", "amominu", "amomaxu" };
	int a = gen_rd_live(r);
	fprintf(o->f, "\taddi\tx%d, gp, %d\n", a, gen_offset(r, 4));
	fprintf(o->f, "\t%s.w%s\tx%d, x%d, (x%d)\n", op[gen_below(r, 9)], gen_ordering(r),
		gen_rd(r), gen_rs(r), a);
}

static void gen_simple(struct gen_rng *r, struct gen_out *o);

/*
 * LR/SC.  Every lr.w is followed in the same group by its sc.w, with at
 * most a few ALU instructions between them and no store: how a hart's own
 * stores affect its reservation differs between implementations (QEMU
 * compares the loaded value, others keep the reservation), so the
 * generator does not go there.  The cases:
 *   - sc.w on the reserved address: succeeds, rd = 0, memory written;
 *   - sc.w on another word: fails, rd = 1, memory unchanged;
 *   - a second sc.w after the first: no reservation any more, fails.
 * The harness clears any reservation before each body, so a body's own
 * lone sc.w (gen_sc_alone) fails too.
 */
static void gen_lrsc(struct gen_rng *r, struct gen_out *o)
{
	int a = gen_rd_live(r), avoid[2] = { a, a };
	int32_t off = gen_offset(r, 4);
	int rd = gen_rd_live_except(r, avoid, 1);
	uint32_t kind = gen_below(r, 10);
	fprintf(o->f, "\taddi\tx%d, gp, %d\n", a, off);
	fprintf(o->f, "\tlr.w%s\tx%d, (x%d)\n", gen_ordering(r), gen_chance(r, 10) ? 0 : rd, a);
	if (kind >= 6) { /* another word for the failing sc.w */
		int32_t off2;
		do
			off2 = gen_offset(r, 4);
		while (off2 == off);
		avoid[1] = gen_rd_live_except(r, avoid, 1);
		fprintf(o->f, "\taddi\tx%d, gp, %d\n", avoid[1], off2);
	}
	for (uint32_t n = gen_below(r, 3); n > 0; n--) {
		/* ALU only, never writing an address register */
		int rdx = gen_chance(r, 10) ? 0 : gen_rd_live_except(r, avoid, 2);
		fprintf(o->f, "\txor\tx%d, x%d, x%d\n", rdx, gen_rs(r), gen_rs(r));
	}
	/* the first sc.w must not overwrite the address a second one uses */
	int rd2 = gen_chance(r, 10) ? 0 : gen_rd_live_except(r, avoid, 2);
	fprintf(o->f, "\tsc.w%s\tx%d, x%d, (x%d)\n", gen_ordering(r), rd2, gen_rs(r),
		kind >= 6 ? avoid[1] : a);
	if (kind == 5 || kind == 9) /* and once more, without a reservation */
		fprintf(o->f, "\tsc.w%s\tx%d, x%d, (x%d)\n", gen_ordering(r), gen_rd(r), gen_rs(r),
			a);
}

static void gen_sc_alone(struct gen_rng *r, struct gen_out *o)
{
	int a = gen_rd_live(r);
	fprintf(o->f, "\taddi\tx%d, gp, %d\n", a, gen_offset(r, 4));
	fprintf(o->f, "\tsc.w%s\tx%d, x%d, (x%d)\n", gen_ordering(r), gen_rd(r), gen_rs(r), a);
}

/* A forward conditional branch over 1..4 simple instructions. */
static void gen_branch(struct gen_rng *r, struct gen_out *o)
{
	static const char *op[] = { "beq", "bne", "blt", "bge", "bltu", "bgeu" };
	unsigned l = o->label++;
	int rs1 = gen_rs(r), rs2 = gen_chance(r, 15) ? rs1 : gen_rs(r);
	fprintf(o->f, "\t%s\tx%d, x%d, .L%" PRIu32 "_%u\n", op[gen_below(r, 6)], rs1, rs2, o->seed,
		l);
	for (uint32_t n = 1 + gen_below(r, 4); n > 0; n--)
		gen_simple(r, o);
	fprintf(o->f, ".L%" PRIu32 "_%u:\n", o->seed, l);
}

/* jal over 0..3 instructions, the link register random (x0 included). */
static void gen_jal(struct gen_rng *r, struct gen_out *o)
{
	unsigned l = o->label++;
	fprintf(o->f, "\tjal\tx%d, .L%" PRIu32 "_%u\n", gen_rd(r), o->seed, l);
	for (uint32_t n = gen_below(r, 4); n > 0; n--)
		gen_simple(r, o);
	fprintf(o->f, ".L%" PRIu32 "_%u:\n", o->seed, l);
}

/*
 * jalr over 0..3 instructions: the target minus a displacement goes into a
 * register (lla: pc-relative), jalr adds the displacement back.  Sometimes
 * the target is odd, since jalr clears bit 0 of the sum; sometimes rd is
 * the base register itself (jalr reads rs1 before it writes rd).
 */
static void gen_jalr(struct gen_rng *r, struct gen_out *o)
{
	unsigned l = o->label++;
	int base = gen_rd_live(r);
	int disp = ((int)gen_below(r, 9) - 4) * 4;
	int odd = gen_chance(r, 20);
	int rd = gen_chance(r, 20) ? base : gen_rd(r);
	fprintf(o->f, "\tlla\tx%d, .L%" PRIu32 "_%u%+d\n", base, o->seed, l, odd - disp);
	fprintf(o->f, "\tjalr\tx%d, %d(x%d)\n", rd, disp, base);
	for (uint32_t n = gen_below(r, 4); n > 0; n--)
		gen_simple(r, o);
	fprintf(o->f, ".L%" PRIu32 "_%u:\n", o->seed, l);
}

/*
 * fence and fence.i: no visible effect on one hart, but fence.i must drop
 * an interpreter's predecoded code (trapvisor's cache of decoded pages),
 * and the program must go on correctly after it.
 */
static void gen_fence(struct gen_rng *r, struct gen_out *o)
{
	static const char *f[] = { "fence", "fence\trw, rw", "fence\tr, r", "fence\tw, w",
				   "fence.i" };
	fprintf(o->f, "\t%s\n", f[gen_below(r, 5)]);
}

/* One instruction that falls through: used inside skipped blocks too. */
static void gen_simple(struct gen_rng *r, struct gen_out *o)
{
	uint32_t k = gen_below(r, 64);
	if (k < 18)
		gen_alu_rr(r, o);
	else if (k < 32)
		gen_alu_imm(r, o);
	else if (k < 36)
		gen_upper(r, o);
	else if (k < 46)
		gen_muldiv(r, o);
	else if (k < 53)
		gen_mem(r, o, 0);
	else if (k < 60)
		gen_mem(r, o, 1);
	else /* a fresh value: addresses pile up in registers otherwise */
		fprintf(o->f, "\tli\tx%d, 0x%08" PRIx32 "\n", gen_rd_live(r), gen_value(r));
}

/* One item of a body, drawn from the weighted table of classes. */
static void gen_item(struct gen_rng *r, struct gen_out *o)
{
	uint32_t k = gen_below(r, 100);
	if (k < 60)
		gen_simple(r, o);
	else if (k < 70)
		gen_amo(r, o);
	else if (k < 76)
		gen_lrsc(r, o);
	else if (k < 78)
		gen_sc_alone(r, o);
	else if (k < 90)
		gen_branch(r, o);
	else if (k < 94)
		gen_jal(r, o);
	else if (k < 99)
		gen_jalr(r, o);
	else
		gen_fence(r, o);
}

/* ---- a whole body and a whole file -------------------------------------- */

static void gen_body(struct gen_out *o, uint32_t seed, int len)
{
	/* Mix the seed so neighbouring seeds start far apart in the stream. */
	struct gen_rng r = { 0x5eed0000ull ^ ((uint64_t)seed << 32) ^ seed };
	gen_next(&r);
	o->seed = seed;
	o->label = 0;

	fprintf(o->f, "\n/* ---- seed %" PRIu32 " ---- */\n", seed);
	fprintf(o->f, "\t.section .data.diff, \"aw\"\n\t.balign 8\n");
	fprintf(o->f, "diff_scratch_%" PRIu32 ":\n", seed);
	for (int i = 0; i < GEN_SCRATCH_BYTES / 4; i++)
		fprintf(o->f, "\t.word\t0x%08" PRIx32 "\n", gen_value(&r));

	fprintf(o->f, "\t.section .text.diff, \"ax\"\n\t.balign 4\n");
	fprintf(o->f, "diff_body_%" PRIu32 ":\n", seed);
	fprintf(o->f, "\tlla\tgp, diff_scratch_%" PRIu32 "\n", seed);
	for (int x = 1; x < 32; x++)
		if (x != GEN_REG_SP && x != GEN_REG_GP)
			fprintf(o->f, "\tli\tx%d, 0x%08" PRIx32 "\n", x, gen_value(&r));
	for (int i = 0; i < len; i++)
		gen_item(&r, o);
	fprintf(o->f, "\tj\tdiff_body_end\n");
}

static void gen_file(FILE *f, uint32_t first, uint32_t count, int len)
{
	struct gen_out o = { f, 0, 0 };
	fprintf(f, "/* Generated by diffgen -s %" PRIu32 " -n %" PRIu32 " -l %d: do not edit. */\n",
		first, count, len);
	fprintf(f, "\t.option norvc\n\t.option norelax\n");
	for (uint32_t i = 0; i < count; i++)
		gen_body(&o, first + i, len);

	/* The table the harness walks: {seed, body, scratch} per test. */
	fprintf(f, "\n\t.section .rodata\n\t.balign 4\n\t.globl diff_table\ndiff_table:\n");
	for (uint32_t i = 0; i < count; i++)
		fprintf(f,
			"\t.word\t%" PRIu32 ", diff_body_%" PRIu32 ", diff_scratch_%" PRIu32 "\n",
			first + i, first + i, first + i);
	fprintf(f, "\t.globl diff_count\ndiff_count:\n\t.word\t%" PRIu32 "\n", count);
}

static void gen_usage(FILE *f)
{
	fprintf(f,
		"usage: diffgen [-s FIRST] [-n COUNT] [-l LEN] [-o FILE]\n"
		"  writes RV32IMA test bodies for seeds FIRST..FIRST+COUNT-1 (default 1, 1),\n"
		"  LEN items each (default %d), as GNU assembly to FILE (default stdout)\n",
		GEN_DEFAULT_LEN);
}

/* Parse a decimal number in [lo, hi]; -1 with a message if it is not one. */
static int gen_number(const char *what, const char *s, unsigned long lo, unsigned long hi,
		      unsigned long *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);
	if (*s == '\0' || *s == '-' || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "diffgen: %s must be a number in [%lu, %lu], not '%s'\n", what, lo,
			hi, s);
		return -1;
	}
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long first = 1, count = 1, len = GEN_DEFAULT_LEN;
	const char *path = NULL;
	int c;

	while ((c = getopt(argc, argv, "s:n:l:o:h")) != -1) {
		switch (c) {
		case 's':
			if (gen_number("FIRST", optarg, 0, UINT32_MAX - GEN_MAX_COUNT, &first))
				return 2;
			break;
		case 'n':
			if (gen_number("COUNT", optarg, 1, GEN_MAX_COUNT, &count))
				return 2;
			break;
		case 'l':
			if (gen_number("LEN", optarg, 0, GEN_MAX_LEN, &len))
				return 2;
			break;
		case 'o': path = optarg; break;
		case 'h': gen_usage(stdout); return 0;
		default: gen_usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		gen_usage(stderr);
		return 2;
	}

	FILE *f = path ? fopen(path, "w") : stdout;
	if (!f) {
		perror(path);
		return 1;
	}
	gen_file(f, (uint32_t)first, (uint32_t)count, (int)len);
	if (ferror(f) || (path && fclose(f) != 0)) {
		fprintf(stderr, "diffgen: writing %s failed\n", path ? path : "stdout");
		return 1;
	}
	return 0;
}
