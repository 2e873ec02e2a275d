/*
 * cmp.h -- run `trapvisor bench modes --csv` in a child process and read
 * its table back, for the tests of the software-versus-hardware
 * comparison (tests/compare).  Counts only: no test looks at a time.
 */
#ifndef TESTS_COMPARE_CMP_H
#define TESTS_COMPARE_CMP_H

#include <stdbool.h>

#include "tests/kernel/krun.h"

/* The per-iteration columns of the CSV, after kind and row. */
enum cmp_col { CMP_INSNS, CMP_TRAPS, CMP_EXITS, CMP_WALK_REFS, CMP_COST, CMP_NS, CMP_COLS };

#define CMP_MAX_LINES 128

struct cmp_table {
	int n;
	struct cmp_line {
		char kind[16], row[16];
		double v[CMP_COLS];
	} line[CMP_MAX_LINES];
};

/* The tolerance of a per-iteration trap or exit count that should be a
 * whole number: a timer tick comes every 1M guest instructions, and the
 * run with 2N iterations may get one more than the run with N (a few
 * traps under a monitor, spread over N >= 500 iterations). */
#define CMP_TICK_TOL 0.05

#define CMP_TIMEOUT 120 /* seconds per bench run */

/* cmp_bench: `trapvisor bench modes --csv --runs 1 ARGS...` (args ends
 * with NULL); asserts that it exits 0 with a well-formed table, which
 * goes to *t.  r keeps the raw output (krun_free it). */
void cmp_bench(struct cmp_table *t, struct krun_result *r, const char *const args[]);

/* cmp_get: the line of (kind, row), or NULL if the table has none. */
const struct cmp_line *cmp_get(const struct cmp_table *t, const char *kind, const char *row);

/* cmp_val: column `col` of (kind, row); fails the test if it is absent. */
double cmp_val(const struct cmp_table *t, const char *kind, const char *row, enum cmp_col col);

/* cmp_have_vt: does `trapvisor run --help` list --mode=vt?  (Until it
 * does, bench modes skips the vt rows and so do the tests.) */
bool cmp_have_vt(void);

/* cmp_column_name: "insns", "traps", ... */
const char *cmp_column_name(enum cmp_col col);

#define CMP_TRAPVISOR KRUN_BUILD "/trapvisor"

#endif
