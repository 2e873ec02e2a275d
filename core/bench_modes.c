/*
 * bench_modes.c -- `trapvisor bench modes`: every microbenchmark kind of
 * the teaching kernel in every configuration row, measured in this
 * process through the mode table (core/run.h), printed as a table, as
 * CSV, and drawn as an SVG chart (core/bench_svg.c).  bench.h explains
 * the differencing that turns two runs into figures per iteration.
 *
 * Everything but the host time is counted by the machine and is
 * deterministic: the guest's clock is its instruction count (isa-toy
 * csr_time), so even the timer interrupts land on the same instructions
 * in every repetition.  The repetitions (--runs) are there for the host
 * time alone, and a count that differs between two of them is a broken
 * invariant.
 */
#define _GNU_SOURCE /* asprintf, strchrnul */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/bench.h"
#include "core/run.h"
#include "isa-toy/board.h"

/*
 * The kinds.  The default N makes one bare run of 2N last roughly
 * 50-120 ms of host time, boot (about 35 ms) included, on a 2-core
 * development VM: the difference between the two runs must stand well
 * above the host's noise for the ns column to mean anything.  pgfault's
 * 2N = 4000 pages are 16 MiB of the default 64 MiB of guest RAM; past
 * the first ~1000 pages every 1024 faults also allocate a page table
 * (user/micro.c), a share of about 1/1000 of one per iteration.
 */
static const struct bench_kind bench_kinds[] = {
	{ "call", 1000000, "a call and return in user mode (the baseline)" },
	{ "syscall", 40000, "getpid(): a round trip into the kernel" },
	{ "mmio", 200000, "a read of the UART's status register (x86: in)" },
	{ "sstatus", 200000, "intr_restore(): an sstatus write (x86: cr8wr, POPF)" },
	{ "pgfault", 2000, "a store to a fresh page: a demand-zero page fault" },
	{ "ptewrite", 300000, "a store to a page-table entry, no sfence.vma" },
	{ "ctxsw", 10000, "yield() to a process that yields back" },
	{ "spawn", 100, "create a process, let it exit, wait() for it" },
};
#define BENCH_NKINDS (int)(sizeof(bench_kinds) / sizeof(bench_kinds[0]))

static const struct bench_row bench_rows[] = {
	{ "bare", "bare", NULL, false, false, "the kernel on the machine itself, no monitor",
	  "#4d4d4d" },
	{ "trap", "trap", NULL, false, false, "trap-and-emulate, shadow page tables", "#d95f02" },
	{ "bt", "bt", NULL, true, false, "--isa=legacy, binary translation", "#e6ab02" },
	{ "pv", "pv", NULL, false, true, "the PARAVIRT=1 kernel, hypercalls", "#1b9e77" },
	{ "vt-nested", "vt", "nested", false, false, "TVT hardware assist, nested paging",
	  "#7570b3" },
	{ "vt-shadow", "vt", "shadow", false, false, "TVT for the CPU, shadow page tables",
	  "#e7298a" },
};
#define BENCH_NROWS (int)(sizeof(bench_rows) / sizeof(bench_rows[0]))

/* The cost model's weights, by name (--cost NAME=N,...). */
static const struct {
	const char *name;
	size_t off; /* in struct bench_cost */
	double def;
} bench_weights[] = {
	{ "trap", offsetof(struct bench_cost, trap), 100 },
	{ "switch", offsetof(struct bench_cost, sw), 1000 },
	{ "walk", offsetof(struct bench_cost, walk), 10 },
	{ "emulate", offsetof(struct bench_cost, emulate), 200 },
};
#define BENCH_NWEIGHTS (int)(sizeof(bench_weights) / sizeof(bench_weights[0]))

/* The counts of struct run_counts that become per-iteration figures,
 * and where each goes in struct bench_cell.  Each one is also checked
 * to be the same in every repetition. */
static const struct {
	const char *name;
	size_t counts, cell;
} bench_fields[] = {
	{ "insns", offsetof(struct run_counts, insns), offsetof(struct bench_cell, insns) },
	{ "traps", offsetof(struct run_counts, traps), offsetof(struct bench_cell, traps) },
	{ "exits", offsetof(struct run_counts, exits), offsetof(struct bench_cell, exits) },
	{ "handled", offsetof(struct run_counts, handled), offsetof(struct bench_cell, handled) },
	{ "walk_refs", offsetof(struct run_counts, walk_refs),
	  offsetof(struct bench_cell, walk_refs) },
	{ "tlb_fills", offsetof(struct run_counts, tlb_fills),
	  offsetof(struct bench_cell, tlb_fills) },
};
#define BENCH_NFIELDS (int)(sizeof(bench_fields) / sizeof(bench_fields[0]))

struct bench_opts {
	struct bench_table t; /* the kinds and rows chosen */
	struct bench_cost cost;
	double scale; /* --iters */
	int runs;
	bool csv;
	FILE *svg; /* opened before the runs, so a bad path fails first */
	const char *svg_path;
	const char *kernel, *pv_kernel;
};

/* bench_weight: where weight i lives in *c. */
static double *bench_weight(struct bench_cost *c, int i)
{
	return (double *)((char *)c + bench_weights[i].off);
}

double bench_cost_of(const struct bench_cost *c, const struct bench_cell *x)
{
	return x->insns + c->trap * x->traps + c->sw * x->exits + c->walk * x->walk_refs +
	       c->emulate * x->handled;
}

/* --- the options --- */

static void bench_usage(FILE *f)
{
	fprintf(f, "usage: trapvisor bench modes [OPTIONS]\n"
		   "\n"
		   "Run each microbenchmark of the teaching kernel's `micro` program in each\n"
		   "configuration row, twice, with N and 2N iterations, and print what one\n"
		   "iteration costs: (count at 2N - count at N) / N, so that boot and\n"
		   "start-up cancel out.  Everything is counted by the machine and is the\n"
		   "same in every run, except the host time (the best of --runs runs).\n"
		   "\n"
		   "kinds (default N in brackets; --iters scales it):\n");
	for (int i = 0; i < BENCH_NKINDS; i++)
		fprintf(f, "  %-10s %s [%.0f]\n", bench_kinds[i].name, bench_kinds[i].what,
			bench_kinds[i].n1);
	fprintf(f, "rows:\n");
	for (int i = 0; i < BENCH_NROWS; i++)
		fprintf(f, "  %-10s %s\n", bench_rows[i].name, bench_rows[i].what);
	fprintf(f, "\n"
		   "columns, per iteration: guest instructions; traps (into the guest kernel\n"
		   "in bare and vt, into the monitor in trap, bt and pv); VM exits (vt); page-\n"
		   "table entries read by the hardware walker; the cost; host nanoseconds.\n"
		   "\n"
		   "cost model, in instruction units (an instruction costs 1):\n"
		   "  cost = insns + trap x traps + switch x exits + walk x walk_refs\n"
		   "              + emulate x (events the monitor handled in software)\n"
		   "  defaults:");
	for (int i = 0; i < BENCH_NWEIGHTS; i++)
		fprintf(f, " %s=%.0f", bench_weights[i].name, bench_weights[i].def);
	fprintf(f,
		" (placeholders, justified in\n"
		"  docs/comparison.md)\n"
		"\n"
		"options:\n"
		"  --kinds LIST       comma-separated kinds (default all)\n"
		"  --rows LIST        comma-separated rows (default all; a row whose mode\n"
		"                     this trapvisor lacks is skipped with a note)\n"
		"  --iters SCALE      multiply every N by SCALE (e.g. 0.01; N >= 1)\n"
		"  --runs R           runs of each size, for the best host time (default 3)\n"
		"  --cost W=N,...     cost weights to change: trap, switch, walk, emulate\n"
		"  --csv              CSV instead of the table: kind,row,insns,traps,exits,\n"
		"                     walk_refs,cost,ns (per iteration)\n"
		"  --svg FILE         also draw the cost per iteration as an SVG bar chart\n"
		"  --kernel PATH      the teaching kernel (default guests/kernel.elf beside\n"
		"                     the trapvisor executable)\n"
		"  --pv-kernel PATH   the PARAVIRT=1 kernel (default guests/kernel-pv.elf)\n"
		"  -h, --help         this text\n"
		"\n"
		"exit status: 0; 1 if a run fails; %d for a bad option or a missing kernel.\n",
		TV_EXIT_USAGE);
}

static int bench_find_kind(const char *name)
{
	for (int i = 0; i < BENCH_NKINDS; i++)
		if (!strcmp(bench_kinds[i].name, name))
			return i;
	return -1;
}

static int bench_find_row(const char *name)
{
	for (int i = 0; i < BENCH_NROWS; i++)
		if (!strcmp(bench_rows[i].name, name))
			return i;
	return -1;
}

/* bench_parse_list: split "a,b,c" and look each name up with `find`;
 * the indexes go to out[] (at most max).  The count, or -1 with one line
 * on stderr for an empty item, an unknown name or a repeated one. */
static int bench_parse_list(const char *opt, const char *list, int (*find)(const char *), int *out,
			    int max)
{
	char item[64];
	int n = 0;

	for (const char *p = list;; p++) {
		const char *end = strchrnul(p, ',');
		size_t len = (size_t)(end - p);
		if (!len || len >= sizeof(item)) {
			fprintf(stderr, "trapvisor bench modes: %s '%s': empty or overlong item\n",
				opt, list);
			return -1;
		}
		memcpy(item, p, len);
		item[len] = 0;
		int idx = find(item);
		if (idx < 0) {
			fprintf(stderr,
				"trapvisor bench modes: %s: unknown name '%s' (try --help)\n", opt,
				item);
			return -1;
		}
		for (int i = 0; i < n; i++)
			if (out[i] == idx) {
				fprintf(stderr, "trapvisor bench modes: %s: '%s' given twice\n",
					opt, item);
				return -1;
			}
		if (n == max)
			return -1; /* cannot happen: the names are distinct */
		out[n++] = idx;
		if (!*end)
			return n;
		p = end;
	}
}

/* bench_parse_number: a finite double in [lo, hi], the whole string.
 * It must start with a digit or '.': strtod alone would skip blanks and
 * take a sign, "inf" or "nan". */
static int bench_parse_number(const char *s, double lo, double hi, double *out)
{
	char *end;
	if (!isdigit((unsigned char)*s) && *s != '.')
		return -1;
	errno = 0;
	double v = strtod(s, &end);
	if (*end || errno || !isfinite(v) || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* bench_parse_cost: "trap=N,walk=N" -- any subset of the weights. */
static int bench_parse_cost(const char *s, struct bench_cost *c)
{
	char buf[256];
	if (strlen(s) >= sizeof(buf))
		goto bad;
	strcpy(buf, s);
	for (char *p = buf, *next; p; p = next) {
		next = strchr(p, ',');
		if (next)
			*next++ = 0;
		char *eq = strchr(p, '=');
		if (!eq)
			goto bad;
		*eq = 0;
		int i = 0;
		while (i < BENCH_NWEIGHTS && strcmp(bench_weights[i].name, p))
			i++;
		if (i == BENCH_NWEIGHTS || bench_parse_number(eq + 1, 0, 1e12, bench_weight(c, i)))
			goto bad;
	}
	return 0;
bad:
	fprintf(stderr,
		"trapvisor bench modes: --cost '%s': want NAME=N,... with NAME trap, switch, "
		"walk or emulate and N >= 0\n",
		s);
	return -1;
}

/* bench_beside_exe: "DIR/guests/NAME" for the directory of this
 * executable (build/trapvisor -> build/guests/NAME).  malloc'd, or NULL. */
static char *bench_beside_exe(const char *name)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = 0;
	char *slash = strrchr(exe, '/');
	if (slash)
		*slash = 0;
	char *path = NULL;
	if (asprintf(&path, "%s/guests/%s", exe, name) < 0)
		return NULL;
	return path;
}

/* bench_need_file: 0 if `path` (the --OPT kernel) can be read. */
static int bench_need_file(const char *opt, const char *path)
{
	if (path && access(path, R_OK) == 0)
		return 0;
	fprintf(stderr, "trapvisor bench modes: %s %s: %s (build it with make, or give --%s)\n",
		opt, path ? path : "(unknown)", path ? strerror(errno) : "no path", opt);
	return -1;
}

/* bench_parse: fill *o from the command line.  0; 1 for --help (done);
 * -1 after one line on stderr. */
static int bench_parse(int argc, char **argv, struct bench_opts *o)
{
	enum {
		OPT_KINDS = 256,
		OPT_ROWS,
		OPT_ITERS,
		OPT_RUNS,
		OPT_COST,
		OPT_CSV,
		OPT_SVG,
		OPT_KERNEL,
		OPT_PV_KERNEL
	};
	static const struct option opts[] = {
		{ "kinds", required_argument, NULL, OPT_KINDS },
		{ "rows", required_argument, NULL, OPT_ROWS },
		{ "iters", required_argument, NULL, OPT_ITERS },
		{ "runs", required_argument, NULL, OPT_RUNS },
		{ "cost", required_argument, NULL, OPT_COST },
		{ "csv", no_argument, NULL, OPT_CSV },
		{ "svg", required_argument, NULL, OPT_SVG },
		{ "kernel", required_argument, NULL, OPT_KERNEL },
		{ "pv-kernel", required_argument, NULL, OPT_PV_KERNEL },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int kinds[BENCH_MAX_KINDS], rows[BENCH_MAX_ROWS];
	int nkinds = BENCH_NKINDS, nrows = BENCH_NROWS;
	double v;
	int c;

	for (int i = 0; i < BENCH_NKINDS; i++)
		kinds[i] = i;
	for (int i = 0; i < BENCH_NROWS; i++)
		rows[i] = i;
	for (int i = 0; i < BENCH_NWEIGHTS; i++)
		*bench_weight(&o->cost, i) = bench_weights[i].def;
	o->scale = 1;
	o->runs = 3;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_KINDS:
			nkinds = bench_parse_list("--kinds", optarg, bench_find_kind, kinds,
						  BENCH_MAX_KINDS);
			if (nkinds < 0)
				return -1;
			break;
		case OPT_ROWS:
			nrows = bench_parse_list("--rows", optarg, bench_find_row, rows,
						 BENCH_MAX_ROWS);
			if (nrows < 0)
				return -1;
			break;
		case OPT_ITERS:
			if (bench_parse_number(optarg, 1e-9, 1e6, &o->scale)) {
				fprintf(stderr,
					"trapvisor bench modes: --iters %s: need a scale > 0, "
					"e.g. 0.01\n",
					optarg);
				return -1;
			}
			break;
		case OPT_RUNS:
			if (bench_parse_number(optarg, 1, 1000, &v) || v != floor(v)) {
				fprintf(stderr,
					"trapvisor bench modes: --runs %s: need a whole number "
					"1..1000\n",
					optarg);
				return -1;
			}
			o->runs = (int)v;
			break;
		case OPT_COST:
			if (bench_parse_cost(optarg, &o->cost))
				return -1;
			break;
		case OPT_CSV: o->csv = true; break;
		case OPT_SVG: o->svg_path = optarg; break;
		case OPT_KERNEL: o->kernel = optarg; break;
		case OPT_PV_KERNEL: o->pv_kernel = optarg; break;
		case 'h': bench_usage(stdout); return 1;
		default:
			fprintf(stderr,
				"trapvisor bench modes: unknown or incomplete option '%s' (try "
				"--help)\n",
				argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "trapvisor bench modes: unexpected argument '%s' (try --help)\n",
			argv[optind]);
		return -1;
	}

	/* N and 2N must fit the guest's int. */
	for (int i = 0; i < nkinds; i++) {
		o->t.kind[i] = &bench_kinds[kinds[i]];
		if (o->t.kind[i]->n1 * o->scale > INT_MAX / 2) {
			fprintf(stderr, "trapvisor bench modes: --iters %g: too many iterations\n",
				o->scale);
			return -1;
		}
	}
	o->t.nkinds = nkinds;
	/* The rows this trapvisor can run; the others are skipped, with a
	 * note (mode vt is newer than this command). */
	for (int i = 0; i < nrows; i++) {
		const struct bench_row *r = &bench_rows[rows[i]];
		if (!run_find_mode(r->mode)) {
			fprintf(stderr,
				"trapvisor bench modes: row %s skipped: this trapvisor has no "
				"--mode=%s\n",
				r->name, r->mode);
			continue;
		}
		o->t.row[o->t.nrows++] = r;
	}
	return 0;
}

/* bench_find_kernels: the default kernel paths, and a check that the
 * kernels the chosen rows need are there.  0, or -1 (one line). */
static int bench_find_kernels(struct bench_opts *o, char **own1, char **own2)
{
	bool pv = false, strict = false;
	for (int i = 0; i < o->t.nrows; i++) {
		pv |= o->t.row[i]->pv_kernel;
		strict |= !o->t.row[i]->pv_kernel;
	}
	if (!o->kernel)
		o->kernel = *own1 = bench_beside_exe("kernel.elf");
	if (!o->pv_kernel)
		o->pv_kernel = *own2 = bench_beside_exe("kernel-pv.elf");
	if (strict && bench_need_file("kernel", o->kernel))
		return -1;
	if (pv && bench_need_file("pv-kernel", o->pv_kernel))
		return -1;
	return 0;
}

/* --- the runs --- */

#define BENCH_N_DIGITS 10 /* N fits: it is at most INT_MAX (bench_parse) */

/* bench_run: one run of `n` iterations of kind k in row r, muted;
 * *counts filled in.  Returns the run's exit status. */
static int bench_run(const struct bench_opts *o, const struct bench_row *r,
		     const struct bench_kind *k, uint64_t n, struct run_counts *counts)
{
	/* N zero-padded to a fixed width: the kernel copies argv byte by
	 * byte, so N and 2N written with different numbers of digits would
	 * differ by more than the N extra iterations (about 190 instructions
	 * a digit). */
	char bootargs[96];
	snprintf(bootargs, sizeof(bootargs), "run=micro:%s:%0*llu", k->name, BENCH_N_DIGITS,
		 (unsigned long long)n);
	struct run_config cfg = {
		.mode = r->mode,
		.paging = r->paging,
		.nguests = 1,
		.legacy = r->legacy,
		.mute = true,
		.counts = counts,
	};
	cfg.guest[0] = (struct run_guest){ r->pv_kernel ? o->pv_kernel : o->kernel,
					   BOARD_RAM_DEFAULT, bootargs };
	*counts = (struct run_counts){ .status = -1 }; /* -1: not filled in */
	return run_find_mode(r->mode)->run(&cfg);
}

static uint64_t bench_count(const struct run_counts *c, int f)
{
	return *(const uint64_t *)((const char *)c + bench_fields[f].counts);
}

/* bench_same: the counts of repetition `rep` against the first; a
 * difference means the machine is not deterministic, which everything
 * here relies on (a broken invariant: stop, saying where). */
static void bench_same(const struct run_counts *first, const struct run_counts *c, int rep,
		       const struct bench_row *r, const struct bench_kind *k, uint64_t n)
{
	for (int f = 0; f < BENCH_NFIELDS; f++) {
		if (bench_count(first, f) == bench_count(c, f))
			continue;
		fprintf(stderr,
			"trapvisor: %s:%d: internal error: row %s, kind %s, N %llu: %s %llu in "
			"run 1 but %llu in run %d (the machine should be deterministic)\n",
			__FILE__, __LINE__, r->name, k->name, (unsigned long long)n,
			bench_fields[f].name, (unsigned long long)bench_count(first, f),
			(unsigned long long)bench_count(c, f), rep + 1);
		abort();
	}
}

/* bench_failed: the one line for a run that failed, with the command
 * that shows why (the guest's console was muted here). */
static void bench_failed(const struct bench_opts *o, const struct bench_row *r,
			 const struct bench_kind *k, uint64_t n, int status, bool no_counts)
{
	fprintf(stderr,
		"trapvisor bench modes: row %s, kind %s, N %llu: %s (exit status %d); see "
		"trapvisor run --mode=%s%s%s%s --append run=micro:%s:%0*llu %s\n",
		r->name, k->name, (unsigned long long)n,
		no_counts && !status ? "the mode reported no counts" : "the run failed", status,
		r->mode, r->paging ? " --paging=" : "", r->paging ? r->paging : "",
		r->legacy ? " --isa=legacy" : "", k->name, BENCH_N_DIGITS, (unsigned long long)n,
		r->pv_kernel ? o->pv_kernel : o->kernel);
}

/* bench_measure: --runs runs of N and of 2N; the cell, per iteration.
 * 0, or -1 (one line) if a run failed. */
static int bench_measure(const struct bench_opts *o, const struct bench_row *r,
			 const struct bench_kind *k, struct bench_cell *x)
{
	uint64_t n[2];
	struct run_counts first[2], c;
	uint64_t best_ns[2] = { UINT64_MAX, UINT64_MAX };

	n[0] = (uint64_t)llround(k->n1 * o->scale);
	if (n[0] < 1)
		n[0] = 1;
	n[1] = 2 * n[0];
	/* Alternate the sizes, so that a slow patch of the host hits both. */
	for (int rep = 0; rep < o->runs; rep++) {
		for (int s = 0; s < 2; s++) {
			int status = bench_run(o, r, k, n[s], &c);
			if (status || c.status) {
				bench_failed(o, r, k, n[s], status, c.status == -1);
				return -1;
			}
			if (rep == 0)
				first[s] = c;
			else
				bench_same(&first[s], &c, rep, r, k, n[s]);
			if (c.ns < best_ns[s])
				best_ns[s] = c.ns;
		}
	}
	double dn = (double)(n[1] - n[0]);
	*x = (struct bench_cell){ .n1 = n[0], .n2 = n[1] };
	for (int f = 0; f < BENCH_NFIELDS; f++)
		*(double *)((char *)x + bench_fields[f].cell) =
		    ((double)bench_count(&first[1], f) - (double)bench_count(&first[0], f)) / dn;
	x->ns = ((double)best_ns[1] - (double)best_ns[0]) / dn;
	return 0;
}

/* --- the output --- */

#define BENCH_COLS "%-9s %-10s %8s %11s %9s %9s %10s %12s %8s %10s\n"

static void bench_print_head(const struct bench_opts *o)
{
	if (o->csv) {
		printf("kind,row,insns,traps,exits,walk_refs,cost,ns\n");
		return;
	}
	printf("trapvisor bench modes: each kind run with N and 2N iterations; figures per\n"
	       "iteration = (count at 2N - count at N) / N; host ns the best of %d run%s each\n",
	       o->runs, o->runs == 1 ? "" : "s");
	printf("cost = insns + %g x traps + %g x exits + %g x walk refs + %g x handled\n\n",
	       o->cost.trap, o->cost.sw, o->cost.walk, o->cost.emulate);
	printf(BENCH_COLS, "kind", "row", "N", "insns", "traps", "exits", "walk refs", "cost",
	       "vs bare", "host ns");
}

/* bench_print_kind: the lines of kind i, once all its rows ran. */
static void bench_print_kind(const struct bench_opts *o, int i)
{
	const struct bench_table *t = &o->t;
	double bare = 0;
	for (int j = 0; j < t->nrows; j++)
		if (!strcmp(t->row[j]->name, "bare"))
			bare = bench_cost_of(&o->cost, &t->cell[i][j]);
	for (int j = 0; j < t->nrows; j++) {
		const struct bench_cell *x = &t->cell[i][j];
		double cost = bench_cost_of(&o->cost, x);
		if (o->csv) {
			printf("%s,%s,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f\n", t->kind[i]->name,
			       t->row[j]->name, x->insns, x->traps, x->exits, x->walk_refs, cost,
			       x->ns);
			continue;
		}
		char n[24], vs[24];
		snprintf(n, sizeof(n), "%llu", (unsigned long long)x->n1);
		if (bare > 0)
			snprintf(vs, sizeof(vs), "%.2fx", cost / bare);
		else
			snprintf(vs, sizeof(vs), "-");
		printf("%-9s %-10s %8s %11.2f %9.3f %9.3f %10.2f %12.1f %8s %10.1f\n",
		       j ? "" : t->kind[i]->name, t->row[j]->name, n, x->insns, x->traps, x->exits,
		       x->walk_refs, cost, vs, x->ns);
	}
	fflush(stdout);
}

/* bench_print_walks: the 2D walk, measured on ctxsw (every switch writes
 * satp and so empties the TLB: its refills are page walks). */
static void bench_print_walks(const struct bench_opts *o)
{
	const struct bench_table *t = &o->t;
	static const char *const rows[] = { "bare", "vt-nested" };
	int k = 0;

	while (k < t->nkinds && strcmp(t->kind[k]->name, "ctxsw"))
		k++;
	printf("\n2D walk: a TLB fill reads at most 2 page-table entries natively on Sv32, and\n"
	       "  (2+1)x(2+1)-1 = 8 with nested paging (x86-64, 4 levels: 4 and 24; Bhargava\n"
	       "  et al. 2008).  Measured, walk refs per TLB fill in ctxsw:");
	for (int r = 0; r < 2; r++) {
		int j = 0;
		while (j < t->nrows && strcmp(t->row[j]->name, rows[r]))
			j++;
		printf("%s %s ", r ? "," : "", rows[r]);
		if (k == t->nkinds || j == t->nrows || t->cell[k][j].tlb_fills <= 0)
			printf("n/a");
		else
			printf("%.2f", t->cell[k][j].walk_refs / t->cell[k][j].tlb_fills);
	}
	printf("\n");
}

int bench_modes_main(int argc, char **argv)
{
	struct bench_opts *o = calloc(1, sizeof(*o));
	char *own1 = NULL, *own2 = NULL;
	int status = TV_EXIT_USAGE;

	if (!o) {
		fprintf(stderr, "trapvisor: out of memory\n");
		return 1;
	}
	int p = bench_parse(argc, argv, o);
	if (p) {
		status = p > 0 ? 0 : TV_EXIT_USAGE;
		goto out;
	}
	if (bench_find_kernels(o, &own1, &own2))
		goto out;
	if (o->svg_path && !(o->svg = fopen(o->svg_path, "w"))) {
		fprintf(stderr, "trapvisor bench modes: --svg %s: %s\n", o->svg_path,
			strerror(errno));
		goto out;
	}

	status = 1;
	bench_print_head(o);
	for (int i = 0; i < o->t.nkinds; i++) {
		for (int j = 0; j < o->t.nrows; j++)
			if (bench_measure(o, o->t.row[j], o->t.kind[i], &o->t.cell[i][j]))
				goto out;
		bench_print_kind(o, i);
	}
	if (!o->csv)
		bench_print_walks(o);
	if (o->svg) {
		int bad = bench_svg_write(o->svg, &o->t, &o->cost);
		bad |= fclose(o->svg);
		o->svg = NULL;
		if (bad) {
			fprintf(stderr, "trapvisor bench modes: --svg %s: write failed\n",
				o->svg_path);
			goto out;
		}
	}
	status = 0;
out:
	if (o->svg) { /* a run failed: no half-drawn chart */
		fclose(o->svg);
		unlink(o->svg_path);
	}
	free(own1);
	free(own2);
	free(o);
	return status;
}
