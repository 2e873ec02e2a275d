/*
 * modes.c -- benchmodes: the price of the monitor.  Each teaching-kernel
 * program is run in --mode=bare (the guest kernel in S-mode on the
 * machine itself) and in --mode=trap (the guest kernel deprivileged, the
 * monitor trapping and emulating), timed in the same run, and one table
 * says how much slower trap mode is and where the monitor's time goes.
 *
 *   benchmodes [-n RUNS] [-t TRAPVISOR] KERNEL DIR PROG[:ARG]...
 *
 * For each PROG (an item of the kernel's `run=` bootargs, e.g.
 * primes:1000000) it runs
 *
 *   TRAPVISOR run --mode=M --append run=PROG KERNEL
 *
 * RUNS times per mode (default 3), alternating bare and trap so that a
 * noisy moment on the machine hurts both alike, and keeps the best
 * (smallest) wall-clock time of each mode.  These timed runs do not ask
 * for --stats: with --stats the monitor reads the clock around every
 * trap, which makes trap mode slower than it is.  One more run of each
 * mode with --stats then gives the counts (instructions, traps, the
 * "monitor actions" table with count and average host ns per action,
 * the shadow page table counters).  stdout and stderr of the last run of
 * each mode stay in DIR/STEM-bare.{out,err} and DIR/STEM-trap.{out,err}
 * (STEM: PROG with ':' as '_').
 *
 * Equivalence comes before speed: every run of both modes must print the
 * same transcript and exit with the same status as the first bare run,
 * that status must be 0 (the program's own checks passed), and both
 * modes must retire the same number of guest instructions.  Otherwise the
 * row is FAILED and benchmodes exits 1.  The speed targets are
 * only reported ("target met" / "MISSED"): a benchmark is no test, and
 * a slow machine must not fail a build.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/bench/bench_text.h"
#include "tests/diff/diff_proc.h"

#define MODES_TIMEOUT_S	  300	       /* per run */
#define MODES_MAX_INSNS	  "4000000000" /* a guard against a guest that never stops */
#define MODES_MAX_PROGS	  32
#define MODES_MAX_ACTIONS 16 /* rows of the "monitor actions:" table (core/actions.def) */
#define MODES_TOP_ACTIONS 3  /* actions named per program in the cost breakdown */

enum { MODES_BARE, MODES_TRAP, MODES_N };
static const char *const modes_name[MODES_N] = { "bare", "trap" };

/*
 * The speed targets of issue 4 ("Speed"): trap-mode time at most
 * max_ratio times bare-mode time for the program `prog`.
 */
static const struct modes_target {
	const char *prog; /* the program name, without its arguments */
	double max_ratio;
	const char *what;
} modes_targets[] = {
	{ "primes", 1.05, "CPU-bound user code" },
	{ "syscalls", 3.0, "syscall storm" },
};

/* One row of trapvisor's "monitor actions:" table. */
struct modes_action {
	char name[64]; /* e.g. "emulate", "shadow fill" */
	uint64_t count;
	double ns; /* average host ns per action, as trapvisor prints it */
};

/* What the --stats run of trap mode says, as far as the table needs it. */
struct modes_stats {
	uint64_t insns, direct, traps;
	uint64_t fills, wp_traps, invalidations;
	double host_s; /* "host seconds:", the guest's run inside trapvisor */
	struct modes_action action[MODES_MAX_ACTIONS];
	int nactions;
	double monitor_ns; /* sum over the actions of count x average ns */
};

/* One program: its runs, the reference transcript, and the results. */
struct modes_row {
	const char *prog;			   /* as given: NAME[:ARG]... */
	char stem[64];				   /* file name stem: ':' -> '_' */
	char out[MODES_N][512], err[MODES_N][512]; /* each mode's stdout, stderr */
	char *ref;				   /* stdout of the first bare run */
	int ref_status;				   /* and its exit status */
	double best[MODES_N];			   /* best wall-clock seconds */
	uint64_t insns[MODES_N];		   /* instructions retired */
	struct modes_stats trap;		   /* trap mode's --stats run */
	int ok;					   /* measured, and equivalent */
};

/* Common options, set by main. */
static const char *modes_tv = TV_BIN /* this build's, from the Makefile */;
static const char *modes_kernel;

/* The target that applies to prog, or NULL (matched on the name before ':'). */
static const struct modes_target *modes_target_of(const char *prog)
{
	size_t len = strcspn(prog, ":");
	for (size_t i = 0; i < sizeof(modes_targets) / sizeof(modes_targets[0]); i++)
		if (strlen(modes_targets[i].prog) == len &&
		    !strncmp(modes_targets[i].prog, prog, len))
			return &modes_targets[i];
	return NULL;
}

/* The host ns an action cost in all: count x average. */
static double modes_action_cost(const struct modes_action *a)
{
	return (double)a->count * a->ns;
}

/*
 * Read trapvisor's "monitor actions:" table out of err: one line per
 * action, "  NAME   COUNT   AVG_NS".  NAME may be longer than its column
 * (and contains blanks), so each line is read from its end: the last two
 * numbers are the figures, the rest is the name.  Returns 0, or -1 if the
 * table is missing or a line has no timing (trapvisor ran without
 * --stats' timing).
 */
static int modes_parse_actions(const char *err, struct modes_stats *st)
{
	const char *s = strstr(err, "monitor actions:");
	if (!s)
		return -1;
	s = strchr(s, '\n');
	st->nactions = 0;
	st->monitor_ns = 0;
	while (s && s[1] == ' ' && s[2] == ' ' && st->nactions < MODES_MAX_ACTIONS) {
		const char *line = s + 1, *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		char buf[160], *last, *prev;
		struct modes_action *a = &st->action[st->nactions];

		snprintf(buf, sizeof(buf), "%.*s", (int)len, line);
		last = strrchr(buf, ' '); /* "...count   ns": the ns starts after it */
		if (!last)
			return -1;
		a->ns = strtod(last + 1, NULL);
		while (last > buf && last[-1] == ' ')
			last--;
		*last = '\0';
		prev = strrchr(buf, ' '); /* the count */
		if (!prev)
			return -1;
		a->count = strtoull(prev + 1, NULL, 10);
		while (prev > buf && prev[-1] == ' ')
			prev--;
		*prev = '\0';
		snprintf(a->name, sizeof(a->name), "%s", buf + strspn(buf, " "));
		if (!a->name[0])
			return -1;
		st->monitor_ns += modes_action_cost(a);
		st->nactions++;
		s = eol;
	}
	return st->nactions ? 0 : -1;
}

/* Read the figures of a trap-mode --stats report.  Returns 0 or -1. */
static int modes_parse_trap(const char *err, struct modes_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (bench_text_u64(err, "instructions retired:", &st->insns) ||
	    bench_text_u64(err, "executed directly by the hardware:", &st->direct) ||
	    bench_text_u64(err, "traps to the monitor:", &st->traps) ||
	    bench_text_double(err, "host seconds:", &st->host_s) ||
	    bench_text_u64(err, "\n  fills ", &st->fills) ||
	    bench_text_u64(err, "write-protect traps ", &st->wp_traps) ||
	    bench_text_u64(err, "invalidations ", &st->invalidations))
		return -1;
	return modes_parse_actions(err, st);
}

/* The average host ns of the action called name, or -1 if it never happened. */
static double modes_action_ns(const struct modes_stats *st, const char *name)
{
	for (int i = 0; i < st->nactions; i++)
		if (!strcmp(st->action[i].name, name))
			return st->action[i].count ? st->action[i].ns : -1;
	return -1;
}

/*
 * Print the first line where a run's transcript differs from the
 * reference, for the reader who has to find out what the monitor changed.
 */
static void modes_show_difference(const char *ref, const char *got, const char *mode)
{
	int line = 1;
	for (; *ref && *ref == *got; ref++, got++)
		if (*ref == '\n')
			line++;
	fprintf(stderr, "  first difference in line %d:\n    bare: %.*s\n    %s: %.*s\n", line,
		*ref ? (int)strcspn(ref, "\n") : 20, *ref ? ref : "(end of transcript)", mode,
		*got ? (int)strcspn(got, "\n") : 20, *got ? got : "(end of transcript)");
}

/*
 * One run of one program in one mode, with --stats if stats (its stderr
 * is then returned in *err_text, malloc'd, for the caller to parse).
 * Checks the run against the row's reference (the first bare run sets
 * it).  Returns 0, or -1 with the reason printed.
 */
static int modes_once(struct modes_row *row, int mode, int stats, double *secs, char **err_text)
{
	char mode_opt[32], append[300];
	snprintf(mode_opt, sizeof(mode_opt), "--mode=%s", modes_name[mode]);
	snprintf(append, sizeof(append), "run=%s", row->prog);
	char *argv[12];
	int argc = 0;
	argv[argc++] = (char *)modes_tv;
	argv[argc++] = "run";
	argv[argc++] = mode_opt;
	if (stats)
		argv[argc++] = "--stats";
	argv[argc++] = "--max-insns";
	argv[argc++] = MODES_MAX_INSNS;
	argv[argc++] = "--append";
	argv[argc++] = append;
	argv[argc++] = (char *)modes_kernel;
	argv[argc] = NULL;

	int rc = diff_proc_run(argv, row->out[mode], row->err[mode], MODES_TIMEOUT_S, secs);
	char *out = diff_proc_read(row->out[mode]);
	int ret = -1;

	if (err_text)
		*err_text = NULL;
	if (rc == DIFF_PROC_TIMEOUT || rc == DIFF_PROC_NOSTART || !out) {
		fprintf(stderr, "benchmodes: %s in %s mode: %s\n", row->prog, modes_name[mode],
			rc == DIFF_PROC_TIMEOUT ? "timed out" : "did not run");
		goto out;
	}
	if (!row->ref) { /* the first bare run: what every other run must print */
		row->ref = out;
		row->ref_status = rc;
		out = NULL;
	} else if (rc != row->ref_status) {
		fprintf(stderr, "benchmodes: %s: exit status %d in bare mode, %d in %s mode\n",
			row->prog, row->ref_status, rc, modes_name[mode]);
		goto out;
	} else if (strcmp(out, row->ref)) {
		fprintf(stderr, "benchmodes: %s: the %s-mode transcript (%s) differs from bare's\n",
			row->prog, modes_name[mode], row->out[mode]);
		modes_show_difference(row->ref, out, modes_name[mode]);
		goto out;
	}
	if (err_text && !(*err_text = diff_proc_read(row->err[mode]))) {
		fprintf(stderr, "benchmodes: cannot read %s\n", row->err[mode]);
		goto out;
	}
	ret = 0;
out:
	free(out);
	return ret;
}

/*
 * Measure one program: RUNS timed runs per mode, alternating, then one
 * --stats run per mode.  Fills row; returns 0, or -1 (reason printed).
 */
static int modes_measure(struct modes_row *row, const char *dir, int runs)
{
	double secs;
	char *err = NULL;

	for (size_t i = 0; i < sizeof(row->stem) - 1 && row->prog[i]; i++)
		row->stem[i] = row->prog[i] == ':' ? '_' : row->prog[i];
	for (int m = 0; m < MODES_N; m++) {
		snprintf(row->out[m], sizeof(row->out[m]), "%s/%s-%s.out", dir, row->stem,
			 modes_name[m]);
		snprintf(row->err[m], sizeof(row->err[m]), "%s/%s-%s.err", dir, row->stem,
			 modes_name[m]);
	}

	for (int r = 0; r < runs; r++)
		for (int m = 0; m < MODES_N; m++) {
			if (modes_once(row, m, 0, &secs, NULL))
				return -1;
			if (r == 0 || secs < row->best[m])
				row->best[m] = secs;
		}
	/* A program whose own checks fail is no benchmark, in either mode. */
	if (row->ref_status != 0) {
		fprintf(stderr, "benchmodes: %s exits with status %d in both modes (see %s)\n",
			row->prog, row->ref_status, row->out[MODES_BARE]);
		return -1;
	}

	if (modes_once(row, MODES_BARE, 1, &secs, &err))
		return -1;
	int bad = bench_text_u64(err, "instructions retired:", &row->insns[MODES_BARE]);
	free(err);
	if (bad) {
		fprintf(stderr, "benchmodes: no 'instructions retired: N' in %s\n",
			row->err[MODES_BARE]);
		return -1;
	}
	if (modes_once(row, MODES_TRAP, 1, &secs, &err))
		return -1;
	bad = modes_parse_trap(err, &row->trap);
	free(err);
	if (bad) {
		fprintf(stderr, "benchmodes: %s lacks a figure of trap mode's --stats report\n",
			row->err[MODES_TRAP]);
		return -1;
	}
	row->insns[MODES_TRAP] = row->trap.insns;
	/* Equivalence down to the instruction: the monitor must be invisible. */
	if (row->insns[MODES_BARE] != row->insns[MODES_TRAP]) {
		fprintf(stderr,
			"benchmodes: %s retires %" PRIu64 " instructions in bare mode, %" PRIu64
			" in trap mode\n",
			row->prog, row->insns[MODES_BARE], row->insns[MODES_TRAP]);
		return -1;
	}
	row->ok = 1;
	return 0;
}

/* "<= 1.05x: target met" or "<= 3x: MISSED", or "" for a row without a target. */
static const char *modes_verdict(const struct modes_row *row, char *buf, size_t len)
{
	const struct modes_target *t = modes_target_of(row->prog);
	if (!t)
		return "";
	double ratio = row->best[MODES_TRAP] / row->best[MODES_BARE];
	snprintf(buf, len, "<= %gx: %s", t->max_ratio,
		 ratio <= t->max_ratio ? "target met" : "MISSED");
	return buf;
}

static void modes_print_header(int runs)
{
	printf("trapvisor --mode=trap against --mode=bare, teaching kernel, best of %d wall-clock "
	       "runs each\n\n",
	       runs);
	printf("%-18s %13s %7s %7s %9s %8s %8s %7s %7s %8s %8s %8s  %s\n", "program", "guest insns",
	       "bare s", "trap s", "trap/bare", "direct%", "traps/1k", "ns/trap", "ns/fill",
	       "fills", "wp traps", "invals", "issue 4 target");
	fflush(stdout);
}

static void modes_print_row(const struct modes_row *row)
{
	const struct modes_stats *st = &row->trap;
	char insns[32], fills[32], wp[32], inv[32], ns_fill[16] = "-", verdict[48];
	double fill_ns = modes_action_ns(st, "shadow fill");

	if (!row->ok) {
		printf("%-18s FAILED (see above)\n", row->prog);
		fflush(stdout);
		return;
	}
	if (fill_ns >= 0)
		snprintf(ns_fill, sizeof(ns_fill), "%.0f", fill_ns);
	printf("%-18s %13s %7.3f %7.3f %9.2f %8.3f %8.2f %7.0f %7s %8s %8s %8s  %s\n", row->prog,
	       bench_text_grouped(st->insns, insns, sizeof(insns)), row->best[MODES_BARE],
	       row->best[MODES_TRAP], row->best[MODES_TRAP] / row->best[MODES_BARE],
	       st->insns ? 100.0 * (double)st->direct / (double)st->insns : 0.0,
	       st->insns ? 1000.0 * (double)st->traps / (double)st->insns : 0.0,
	       st->traps ? st->monitor_ns / (double)st->traps : 0.0, ns_fill,
	       bench_text_grouped(st->fills, fills, sizeof(fills)),
	       bench_text_grouped(st->wp_traps, wp, sizeof(wp)),
	       bench_text_grouped(st->invalidations, inv, sizeof(inv)),
	       modes_verdict(row, verdict, sizeof(verdict)));
	fflush(stdout);
}

/* The index of the dearest action not yet used (there must be one). */
static int modes_dearest(const struct modes_stats *st, const int *used)
{
	int best = -1;
	for (int a = 0; a < st->nactions; a++)
		if (!used[a] && (best < 0 || modes_action_cost(&st->action[a]) >
						 modes_action_cost(&st->action[best])))
			best = a;
	return best;
}

/*
 * Where the monitor's time goes: for each program, the monitor's total
 * (count x average ns over all actions, from the --stats run) against
 * that run's host seconds, and the actions that cost most.
 */
static void modes_print_costs(const struct modes_row *rows, int n)
{
	printf("\nwhere the monitor's time goes (trap mode's --stats run: count x avg host ns)\n");
	for (int i = 0; i < n; i++) {
		const struct modes_stats *st = &rows[i].trap;
		int used[MODES_MAX_ACTIONS] = { 0 };
		if (!rows[i].ok)
			continue;
		/* bare + the monitor's own time: what the ratio would be on a quiet machine */
		double est = 1 + st->monitor_ns / 1e9 / rows[i].best[MODES_BARE];
		printf("%-18s monitor %.3f s of %.3f s (bare + monitor = %.2fx):", rows[i].prog,
		       st->monitor_ns / 1e9, st->host_s, est);
		/* The MODES_TOP_ACTIONS most expensive actions, dearest first. */
		for (int k = 0; k < MODES_TOP_ACTIONS && k < st->nactions; k++) {
			int best = modes_dearest(st, used);
			const struct modes_action *a = &st->action[best];
			char count[32];
			double cost = modes_action_cost(a);
			double share = st->monitor_ns > 0 ? cost / st->monitor_ns : 0;

			used[best] = 1;
			printf("%s %s %.0f%% (%s x %.0f ns)", k ? "," : "", a->name, 100.0 * share,
			       bench_text_grouped(a->count, count, sizeof(count)), a->ns);
		}
		printf("\n");
	}
}

/* The targets, one line each, with the margin. */
static void modes_print_targets(const struct modes_row *rows, int n)
{
	printf("\nissue 4 targets (trap/bare wall-clock time):\n");
	for (int i = 0; i < n; i++) {
		const struct modes_target *t = modes_target_of(rows[i].prog);
		if (!t)
			continue;
		if (!rows[i].ok) {
			printf("  %-20s %-18s FAILED\n", t->what, rows[i].prog);
			continue;
		}
		double ratio = rows[i].best[MODES_TRAP] / rows[i].best[MODES_BARE];
		printf("  %-20s %-18s %.2fx, target <= %gx: ", t->what, rows[i].prog, ratio,
		       t->max_ratio);
		if (ratio <= t->max_ratio)
			printf("target met\n");
		else
			printf("MISSED by %.0f%% (%.2fx the allowed time)\n",
			       100.0 * (ratio / t->max_ratio - 1), ratio / t->max_ratio);
	}
}

static void modes_usage(void)
{
	fprintf(stderr, "usage: benchmodes [-n RUNS] [-t TRAPVISOR] KERNEL DIR PROG[:ARG]...\n");
}

int main(int argc, char **argv)
{
	static struct modes_row rows[MODES_MAX_PROGS];
	int runs = 3, c, failed = 0, n;

	while ((c = getopt(argc, argv, "n:t:")) != -1) {
		switch (c) {
		case 'n':
			runs = atoi(optarg);
			if (runs < 1 || runs > 100) {
				modes_usage();
				return 2;
			}
			break;
		case 't': modes_tv = optarg; break;
		default: modes_usage(); return 2;
		}
	}
	n = argc - optind - 2;
	if (n < 1 || n > MODES_MAX_PROGS) {
		modes_usage();
		return 2;
	}
	modes_kernel = argv[optind];
	const char *dir = argv[optind + 1];

	modes_print_header(runs);
	for (int i = 0; i < n; i++) {
		rows[i].prog = argv[optind + 2 + i];
		if (modes_measure(&rows[i], dir, runs))
			failed = 1;
		modes_print_row(&rows[i]);
	}
	modes_print_costs(rows, n);
	modes_print_targets(rows, n);
	printf("\ntrap/bare > 1: trap mode is slower.  direct%% = guest instructions the\n"
	       "hardware ran itself; ns/trap = the monitor's time (all actions) / traps.\n"
	       "Targets are reported, never enforced: only a difference between the modes\n"
	       "fails the benchmark.\n");
	for (int i = 0; i < n; i++)
		free(rows[i].ref);
	return failed;
}
