/*
 * diff_test.c -- the differential test: trapvisor against qemu-riscv32.
 *
 * For each chunk of seeds (50 by default) the test
 *   1. writes the random bodies with diffgen            -> gen.S
 *   2. assembles them once, links them with each harness variant at the
 *      same addresses (tests/diff/link.ld)    -> qemu.elf bare.elf bare-paged.elf
 *   3. runs qemu.elf on qemu-riscv32 (Linux user mode), and bare.elf and
 *      bare-paged.elf (the same with Sv32 paging on, 4 KiB pages) on
 *      `trapvisor run --mode=bare`             -> qemu.out bare.out bare-paged.out
 *   4. compares each trapvisor output with qemu's line by line: one line
 *      per seed with x0, x1, x3..x31 and a hash of the scratch buffer.
 * All files stay in build/tests/diff/run-MODE/<first seed>/ for a post mortem
 * (MODE is DIFF_MODE: test-diff and test-diff-trap may run at once).
 *
 * Environment (all optional):
 *   DIFF_SEEDS=N   how many seeds (default 1000)     DIFF_FIRST=S  first seed (1)
 *   DIFF_CHUNK=K   bodies per program (50)           DIFF_LEN=L    items per body (200)
 *   DIFF_QEMU, DIFF_TRAPVISOR  the two peers' programs (qemu-riscv32, this build's trapvisor)
 *   DIFF_MODE      trapvisor's --mode (bare; `trap` runs the same programs as a
 *                  deprivileged guest kernel under the monitor)
 *   RV_PREFIX      the cross tools' prefix (riscv64-unknown-elf-)
 * Run from the top of the tree (make test-diff does).
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/diff/diff_proc.h"

/* DIFF_DIR, where the harness parts are and the programs are written, is
 * $(B)/tests/diff, from tests/diff/module.mk. */
#define DIFF_TIMEOUT_S	 120	     /* per tool or emulator run */
#define DIFF_MAX_INSNS	 "200000000" /* ~4000 x what a 50-body chunk needs */
#define DIFF_MAX_REPORTS 5	     /* differing seeds printed per chunk */

struct diff_chunk {
	uint32_t first, count, len;
};

static uint32_t diff_env(const char *name, uint32_t dflt, uint32_t lo, uint32_t hi)
{
	const char *s = getenv(name);
	char *end;
	if (!s || !*s)
		return dflt;
	unsigned long v = strtoul(s, &end, 0);
	if (*end || v < lo || v > hi) {
		fprintf(stderr,
			"diff: %s=%s is not in [%" PRIu32 ", %" PRIu32 "], using %" PRIu32 "\n",
			name, s, lo, hi, dflt);
		return dflt;
	}
	return (uint32_t)v;
}

static const char *diff_getenv(const char *name, const char *dflt)
{
	const char *s = getenv(name);
	return s && *s ? s : dflt;
}

/* The folder this run writes its programs to, DIFF_DIR/run-MODE: one per
 * DIFF_MODE, so that test-diff and test-diff-trap, which make may run at
 * the same time, never write each other's files. */
static const char *diff_run_dir(void)
{
	static char dir[200];
	snprintf(dir, sizeof(dir), DIFF_DIR "/run-%s", diff_getenv("DIFF_MODE", "bare"));
	mkdir(dir, 0755);
	return dir;
}

/* ---- running the tools ---------------------------------------------- */

/* Run argv; on anything but exit status 0 fail the test with the log. */
static void diff_must_run(char *const argv[], const char *out, const char *err)
{
	int rc = diff_proc_run(argv, out, err, DIFF_TIMEOUT_S, NULL);
	if (rc != 0) {
		char *log = err ? diff_proc_read(err) : NULL;
		cr_assert_fail("%s failed (status %d)%s%s", argv[0], rc, log ? ":\n" : "",
			       log ? log : "");
	}
}

/* Generate, assemble and link one chunk into dir; returns nothing, fails on error. */
static void diff_build_chunk(const struct diff_chunk *c, const char *dir)
{
	char first[16], count[16], len[16], path[3][512], log[512], cc[256];
	const char *prefix = diff_getenv("RV_PREFIX", "riscv64-unknown-elf-");

	snprintf(first, sizeof(first), "%" PRIu32, c->first);
	snprintf(count, sizeof(count), "%" PRIu32, c->count);
	snprintf(len, sizeof(len), "%" PRIu32, c->len);
	snprintf(path[0], sizeof(path[0]), "%s/gen.S", dir);
	snprintf(path[1], sizeof(path[1]), "%s/gen.o", dir);
	snprintf(log, sizeof(log), "%s/build.log", dir);
	snprintf(cc, sizeof(cc), "%sgcc", prefix);

	char *gen[] = {
		DIFF_DIR "/diffgen", "-s", first, "-n", count, "-l", len, "-o", path[0], NULL
	};
	diff_must_run(gen, NULL, log);

	char *as[] = {
		cc,  "-march=rv32ima_zicsr_zifencei", "-mabi=ilp32", "-c", path[0], "-o", path[1],
		NULL
	};
	diff_must_run(as, NULL, log);

	/* {ELF name, start file, harness}: bare-paged is bare with Sv32 on */
	static const char *peer[3][3] = { { "qemu", "qemu", "qemu" },
					  { "bare", "bare", "bare" },
					  { "bare-paged", "bare", "bare-paged" } };
	for (int p = 0; p < 3; p++) {
		char start[128], harness[128];
		snprintf(start, sizeof(start), DIFF_DIR "/start-%s.o", peer[p][1]);
		snprintf(harness, sizeof(harness), DIFF_DIR "/harness-%s.o", peer[p][2]);
		snprintf(path[2], sizeof(path[2]), "%s/%s.elf", dir, peer[p][0]);
		char *ld[] = { cc,
			       "-march=rv32ima_zicsr_zifencei",
			       "-mabi=ilp32",
			       "-nostdlib",
			       "-static",
			       "-Wl,--no-relax",
			       "-T",
			       "tests/diff/link.ld",
			       path[1],
			       start,
			       harness,
			       "-o",
			       path[2],
			       NULL };
		diff_must_run(ld, NULL, log);
	}
}

/* ---- comparing --------------------------------------------------------- */

/* The next line of *p (NUL-terminated in place), or NULL at the end. */
static char *diff_line(char **p)
{
	char *s = *p, *nl;
	if (!s || !*s)
		return NULL;
	nl = strchr(s, '\n');
	if (nl) {
		*nl = '\0';
		*p = nl + 1;
	} else {
		*p = s + strlen(s);
	}
	return s;
}

/*
 * Print which fields of two result lines differ ("x5: qemu 00000001,
 * trapvisor 00000000"); the lines are "seed N: x0=... x1=... mem=...".
 */
static void diff_explain(const char *q, const char *t, const char *label)
{
	char qa[1024], ta[1024], *qs, *ts, *qf, *tf;
	snprintf(qa, sizeof(qa), "%s", q);
	snprintf(ta, sizeof(ta), "%s", t);
	qf = strtok_r(qa, " ", &qs);
	tf = strtok_r(ta, " ", &ts);
	while (qf && tf) {
		if (strcmp(qf, tf)) {
			char *eq = strchr(qf, '=');
			char *teq = strchr(tf, '=');
			if (eq && teq)
				cr_log_error("    %.*s: qemu %s, %s %s", (int)(eq - qf), qf, eq + 1,
					     label, teq + 1);
			else
				cr_log_error("    qemu '%s', %s '%s'", qf, label, tf);
		}
		qf = strtok_r(NULL, " ", &qs);
		tf = strtok_r(NULL, " ", &ts);
	}
	if (qf || tf)
		cr_log_error("    the lines have different numbers of fields");
}

/* Compare the outputs; returns the number of differing seeds. */
static int diff_compare(const struct diff_chunk *c, const char *dir, char *qout, char *tout,
			const char *label)
{
	int bad = 0;
	uint32_t lines = 0;
	char *qp = qout, *tp = tout, *q, *t, env[96] = "";
	const char *mode = getenv("DIFF_MODE"), *len = getenv("DIFF_LEN");

	/* the settings a rerun needs besides the seeds */
	if (mode && *mode)
		snprintf(env, sizeof(env), "DIFF_MODE=%.20s ", mode);
	if (len && *len)
		snprintf(env + strlen(env), sizeof(env) - strlen(env), "DIFF_LEN=%.10s ", len);

	while ((q = diff_line(&qp)) != NULL) {
		t = diff_line(&tp);
		if (!t) {
			cr_log_error("%s's output ends before qemu's line '%.40s...'", label, q);
			return bad + 1;
		}
		if (!strncmp(q, "seed ", 5))
			lines++;
		if (!strcmp(q, t))
			continue;
		if (++bad > DIFF_MAX_REPORTS)
			continue;
		if (strncmp(q, "seed ", 5)) {
			cr_log_error("line differs: qemu '%.60s', %s '%.60s'", q, label, t);
			continue;
		}
		unsigned long seed = strtoul(q + 5, NULL, 10);
		cr_log_error("seed %lu differs (%s):", seed, label);
		diff_explain(q, t, label);
		cr_log_error("  the body:   sed -n '/-- seed %lu --/,/-- seed %lu --/p' %s/gen.S",
			     seed, seed + 1, dir);
		cr_log_error("  this seed alone: %sDIFF_FIRST=%lu DIFF_SEEDS=1 make test-diff", env,
			     seed);
		cr_log_error("  (then %s/%lu/ has gen.S, qemu.elf, bare.elf, "
			     "bare-paged.elf and their .out files)",
			     diff_run_dir(), seed);
		cr_log_error("  if it passes alone, it depends on where the code lies (a page "
			     "boundary?): %sDIFF_FIRST=%" PRIu32 " DIFF_SEEDS=%" PRIu32
			     " make test-diff",
			     env, c->first, c->count);
	}
	if (diff_line(&tp)) {
		cr_log_error("%s printed more lines than qemu", label);
		bad++;
	}
	if (lines != c->count) {
		cr_log_error("qemu printed %" PRIu32 " result lines, expected %" PRIu32, lines,
			     c->count);
		bad++;
	}
	return bad;
}

/* ---- the chunks: one Criterion test each, two run at a time ------------ */

static void diff_free_chunks(struct criterion_test_params *ctp)
{
	cr_free(ctp->params);
}

ParameterizedTestParameters(diff, peers)
{
	uint32_t seeds = diff_env("DIFF_SEEDS", 1000, 1, 10000000);
	uint32_t first = diff_env("DIFF_FIRST", 1, 0, 0xfff00000u);
	uint32_t chunk = diff_env("DIFF_CHUNK", 50, 1, 1000);
	uint32_t len = diff_env("DIFF_LEN", 200, 0, 5000);
	size_t n = (seeds + chunk - 1) / chunk;
	struct diff_chunk *c = cr_malloc(n * sizeof(*c));

	for (size_t i = 0; i < n; i++) {
		c[i].first = first + (uint32_t)i * chunk;
		c[i].count = (uint32_t)i + 1 < n ? chunk : seeds - (uint32_t)i * chunk;
		c[i].len = len;
	}
	return cr_make_param_array(struct diff_chunk, c, n, diff_free_chunks);
}

/*
 * Run one trapvisor variant (bare or bare-paged) of the chunk and compare
 * its output with qemu's; returns the number of differences.
 */
static int diff_trapvisor(const struct diff_chunk *c, const char *dir, const char *variant,
			  const char *qout_path)
{
	char elf[300], out[300], err[300], mode[64], label[64];
	snprintf(elf, sizeof(elf), "%s/%s.elf", dir, variant);
	snprintf(out, sizeof(out), "%s/%s.out", dir, variant);
	snprintf(err, sizeof(err), "%s/%s.err", dir, variant);
	snprintf(mode, sizeof(mode), "--mode=%s", diff_getenv("DIFF_MODE", "bare"));
	snprintf(label, sizeof(label), "trapvisor(%s)", variant);

	char *tv[] = { (char *)diff_getenv("DIFF_TRAPVISOR", TV_BIN),
		       "run",
		       mode,
		       "--max-insns",
		       DIFF_MAX_INSNS,
		       elf,
		       NULL };
	int trc = diff_proc_run(tv, out, err, DIFF_TIMEOUT_S, NULL);
	char *qout = diff_proc_read(qout_path), *tout = diff_proc_read(out);
	cr_assert(qout && tout, "cannot read %s or %s", qout_path, out);

	int bad = diff_compare(c, dir, qout, tout, label);
	free(qout);
	free(tout);
	if (trc != 0) {
		cr_log_error("%s %s: status %d, not 0 (stderr in %s)", label, elf, trc, err);
		bad++;
	}
	return bad;
}

ParameterizedTest(struct diff_chunk *c, diff, peers, .timeout = 600)
{
	char dir[256], qelf[300], qout[300], qerr[300];
	snprintf(dir, sizeof(dir), "%s/%" PRIu32, diff_run_dir(), c->first);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		cr_assert_fail("mkdir %s: %s", dir, strerror(errno));
	diff_build_chunk(c, dir);

	snprintf(qelf, sizeof(qelf), "%s/qemu.elf", dir);
	snprintf(qout, sizeof(qout), "%s/qemu.out", dir);
	snprintf(qerr, sizeof(qerr), "%s/qemu.err", dir);
	char *qemu[] = { (char *)diff_getenv("DIFF_QEMU", "qemu-riscv32"), qelf, NULL };
	int qrc = diff_proc_run(qemu, qout, qerr, DIFF_TIMEOUT_S, NULL);
	cr_assert_eq(qrc, 0, "qemu-riscv32 %s: status %d (see %s)", qelf, qrc, qerr);

	/* Paging off, then on: the same bodies through the MMU and its TLB. */
	int bad = diff_trapvisor(c, dir, "bare", qout);
	bad += diff_trapvisor(c, dir, "bare-paged", qout);
	cr_assert_eq(bad, 0,
		     "seeds %" PRIu32 "..%" PRIu32 ": %d differences between qemu-riscv32 and "
		     "trapvisor (the first %d of each variant listed above)",
		     c->first, c->first + c->count - 1, bad, DIFF_MAX_REPORTS);
}

/* ---- the generator itself ------------------------------------------- */

/* Generate seeds first..first+count-1 into path and return the text. */
static char *diff_generate(const char *path, const char *first, const char *count)
{
	char *gen[] = { DIFF_DIR "/diffgen", "-s", (char *)first, "-n",
			(char *)count,	     "-o", (char *)path,  NULL };
	diff_must_run(gen, NULL, NULL);
	char *text = diff_proc_read(path);
	cr_assert_not_null(text, "cannot read %s", path);
	return text;
}

/* The text of one body ("-- seed N --" up to the next marker or the table). */
static char *diff_body_of(const char *text, unsigned seed)
{
	char mark[64];
	snprintf(mark, sizeof(mark), "/* ---- seed %u ---- */", seed);
	const char *s = strstr(text, mark);
	cr_assert_not_null(s, "no body for seed %u", seed);
	const char *e = strstr(s + 1, "/* ---- seed ");
	if (!e)
		e = strstr(s, "\t.section .rodata");
	cr_assert_not_null(e);
	return strndup(s, (size_t)(e - s));
}

Test(diff, generator_is_seeded, .timeout = 60)
{
	char path[4][256];
	for (int i = 0; i < 4; i++)
		snprintf(path[i], sizeof(path[i]), "%s/seeded-%c.S", diff_run_dir(), 'a' + i);
	char *a = diff_generate(path[0], "42", "3");
	char *b = diff_generate(path[1], "42", "3");
	char *c = diff_generate(path[2], "43", "3");
	char *d = diff_generate(path[3], "44", "1");

	cr_expect_str_eq(a, b, "the same seeds must give the same file");
	cr_expect_str_neq(a, c, "different seeds must give different files");

	/* A body depends on its seed only, not on its neighbours in the file:
	 * that is what lets a failing seed be rerun alone. */
	char *in_chunk = diff_body_of(a, 44), *alone = diff_body_of(d, 44);
	cr_expect_str_eq(in_chunk, alone, "seed 44 alone differs from seed 44 in a chunk");
	free(in_chunk);
	free(alone);
	free(a);
	free(b);
	free(c);
	free(d);
}

/* Is there a line in text that starts with prefix and ends with suffix? */
static int diff_has_line(const char *text, const char *prefix, const char *suffix)
{
	size_t np = strlen(prefix), ns = strlen(suffix);
	for (const char *s = text; *s;) {
		size_t len = strcspn(s, "\n");
		if (len >= np + ns && !strncmp(s, prefix, np) && !strncmp(s + len - ns, suffix, ns))
			return 1;
		s += len + (s[len] == '\n');
	}
	return 0;
}

/*
 * Every instruction the test claims to cover appears in the first 50 bodies
 * (the default chunk), and so do the forced edge cases of division.
 */
Test(diff, generator_covers_rv32ima, .timeout = 60)
{
	static const char *mnemonic[] = {
		"add",	   "sub",      "sll",	   "slt",	"sltu",	     "xor",	 "srl",
		"sra",	   "or",       "and",	   "addi",	"slti",	     "sltiu",	 "xori",
		"ori",	   "andi",     "slli",	   "srli",	"srai",	     "lui",	 "auipc",
		"mul",	   "mulh",     "mulhsu",   "mulhu",	"div",	     "divu",	 "rem",
		"remu",	   "lr.w",     "sc.w",	   "amoswap.w", "amoadd.w",  "amoxor.w", "amoand.w",
		"amoor.w", "amomin.w", "amomax.w", "amominu.w", "amomaxu.w", "lb",	 "lbu",
		"lh",	   "lhu",      "lw",	   "sb",	"sh",	     "sw",	 "beq",
		"bne",	   "blt",      "bge",	   "bltu",	"bgeu",	     "jal",	 "jalr",
		"fence",   "fence.i",
	};
	char path[256];
	snprintf(path, sizeof(path), "%s/coverage.S", diff_run_dir());
	char *text = diff_generate(path, "1", "50");

	for (size_t i = 0; i < sizeof(mnemonic) / sizeof(mnemonic[0]); i++) {
		char plain[32], suffixed[32], bare[32];
		snprintf(plain, sizeof(plain), "\n\t%s\t", mnemonic[i]);
		snprintf(suffixed, sizeof(suffixed), "\n\t%s.", mnemonic[i]); /* .aq .rl .aqrl */
		snprintf(bare, sizeof(bare), "\n\t%s\n", mnemonic[i]);	      /* no operands */
		cr_expect(strstr(text, plain) || strstr(text, suffixed) || strstr(text, bare),
			  "no '%s' in 50 generated bodies", mnemonic[i]);
	}
	cr_expect_not_null(strstr(text, "\tli\tx"), "no register set up");
	cr_expect_not_null(strstr(text, ", 0x80000000\n"), "no INT_MIN operand forced");
	cr_expect(diff_has_line(text, "\tdiv\t", ", x0"), "no division by x0");
	cr_expect(diff_has_line(text, "\tli\t", ", 0"), "no divisor forced to 0");
	free(text);
}
