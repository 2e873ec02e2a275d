/*
 * kinds_test.c -- `trapvisor bench modes`, one test per microbenchmark
 * kind, each running that kind in every row and checking the counts per
 * iteration against what the benchmark's code implies (never a time):
 *
 *   - the strict kernel executes the same instructions whatever runs it
 *     (bare, trap, bt, vt): the monitor is invisible, so the counts per
 *     iteration are *exactly* equal;
 *   - nothing but vt has VM exits;
 *   - traps per iteration follow from the loop body (user/micro.c,
 *     kernel/micro.c): an ecall from U is one trap on any machine; a
 *     sensitive instruction of the guest kernel is one more trap under
 *     the monitor, and none on bare or under TVT; and so on, case by case.
 *
 * A trap count is compared within CMP_TICK_TOL (a timer tick may land in
 * one run and not the other); the iteration counts (--iters) are chosen
 * so that N >= 500 wherever that tolerance is used.  The vt rows are
 * checked only once `trapvisor run --help` lists --mode=vt; until then,
 * bench modes must leave them out, saying so on stderr.
 *
 * Run one alone with  build/tests/bin/compare --filter 'kind/syscall'
 */
#include <math.h>
#include <string.h>

#include <criterion/criterion.h>

#include "tests/compare/cmp.h"

/* Rows that run the strict kernel.elf (pv runs kernel-pv.elf). */
static const char *const kind_strict_rows[] = { "bare", "trap", "bt", "vt-nested", "vt-shadow" };
static const char *const kind_vt_rows[] = { "vt-nested", "vt-shadow" };

struct kind_run {
	const char *kind;
	bool vt; /* the vt rows are there */
	struct cmp_table t;
};

static bool kind_is_vt(const char *row)
{
	return !strncmp(row, "vt", 2);
}

/* kind_run: `bench modes --kinds KIND --iters SCALE` in every row, and
 * the checks every kind shares. */
static void kind_run(struct kind_run *k, const char *kind, const char *scale)
{
	struct krun_result r;
	const char *args[] = { "--kinds", kind, "--iters", scale, NULL };

	k->kind = kind;
	k->vt = cmp_have_vt();
	cmp_bench(&k->t, &r, args);
	for (int i = 0; i < 2; i++) {
		const char *row = kind_vt_rows[i];
		if (k->vt) {
			cr_assert_not_null(cmp_get(&k->t, kind, row), "row %s missing", row);
		} else {
			cr_assert_null(cmp_get(&k->t, kind, row), "row %s without --mode=vt", row);
			cr_assert(strstr(r.err, row), "no note that row %s was skipped:\n%s", row,
				  r.err);
		}
	}
	if (!k->vt)
		cr_log_info("kind %s: no --mode=vt yet, vt rows not checked", kind);
	krun_free(&r);

	/* The same instructions, exactly, wherever the strict kernel runs. */
	double insns = cmp_val(&k->t, kind, "bare", CMP_INSNS);
	cr_expect_gt(insns, 0, "%s: no instructions per iteration", kind);
	for (int i = 1; i < 5; i++) {
		const char *row = kind_strict_rows[i];
		if (kind_is_vt(row) && !k->vt)
			continue;
		double v = cmp_val(&k->t, kind, row, CMP_INSNS);
		cr_expect_eq(v, insns, "%s: %s executes %.3f instructions per iteration, bare %.3f",
			     kind, row, v, insns);
	}
	/* VM exits are TVT's alone. */
	static const char *const novt[] = { "bare", "trap", "bt", "pv" };
	for (int i = 0; i < 4; i++)
		cr_expect_eq(cmp_val(&k->t, kind, novt[i], CMP_EXITS), 0, "%s: %s has VM exits",
			     kind, novt[i]);
}

/* Does row exist in this run (vt rows only with --mode=vt)? */
static bool kind_has(const struct kind_run *k, const char *row)
{
	return !kind_is_vt(row) || k->vt;
}

static double kind_val(const struct kind_run *k, const char *row, enum cmp_col col)
{
	return cmp_val(&k->t, k->kind, row, col);
}

/* kind_near: column `col` of `row` is `want`, within CMP_TICK_TOL. */
static void kind_near(const struct kind_run *k, const char *row, enum cmp_col col, double want,
		      const char *why)
{
	if (!kind_has(k, row))
		return;
	double v = kind_val(k, row, col);
	cr_expect(v >= want - CMP_TICK_TOL && v <= want + CMP_TICK_TOL,
		  "%s, %s: %.3f %s per iteration, want %.3f: %s", k->kind, row, v,
		  cmp_column_name(col), want, why);
}

/* kind_at_least: column `col` of `row` is at least `lo` (less the
 * tolerance). */
static void kind_at_least(const struct kind_run *k, const char *row, enum cmp_col col, double lo,
			  const char *why)
{
	if (!kind_has(k, row))
		return;
	double v = kind_val(k, row, col);
	cr_expect_geq(v, lo - CMP_TICK_TOL, "%s, %s: %.3f %s per iteration, want >= %.3f: %s",
		      k->kind, row, v, cmp_column_name(col), lo, why);
}

/* kind_same: `col` of rows a and b agree within the tolerance. */
static void kind_same(const struct kind_run *k, const char *a, const char *b, enum cmp_col col,
		      const char *why)
{
	if (kind_has(k, a) && kind_has(k, b))
		kind_near(k, a, col, kind_val(k, b, col), why);
}

/* The vt rows' exits are 0 (nothing in the loop needs the monitor). */
static void kind_no_exits(const struct kind_run *k, const char *why)
{
	for (int i = 0; i < 2; i++)
		kind_near(k, kind_vt_rows[i], CMP_EXITS, 0, why);
}

Test(kind, call)
{
	struct kind_run k;
	kind_run(&k, "call", "0.001");
	static const char *const rows[] = { "bare", "trap", "bt", "pv", "vt-nested", "vt-shadow" };
	for (int i = 0; i < 6; i++)
		kind_near(&k, rows[i], CMP_TRAPS, 0, "a call and a return trap nowhere");
	kind_no_exits(&k, "a call and a return never leave the guest");
	/* The user loop is the same program in the PV kernel. */
	kind_near(&k, "pv", CMP_INSNS, kind_val(&k, "bare", CMP_INSNS),
		  "the PV kernel runs the same user loop");
}

Test(kind, syscall)
{
	struct kind_run k;
	kind_run(&k, "syscall", "0.0125");
	kind_near(&k, "bare", CMP_TRAPS, 1,
		  "getpid() is one ecall from U-mode; sret and the kernel's CSR accesses do not "
		  "trap, and getpid needs no firmware call");
	kind_at_least(&k, "trap", CMP_TRAPS, 2,
		      "the ecall, and at least the guest kernel's sret, trap to the monitor");
	kind_same(&k, "bt", "trap", CMP_TRAPS,
		  "binary translation makes the legacy machine trap where the strict one does");
	kind_at_least(&k, "pv", CMP_TRAPS, 1, "the ecall still reaches the monitor");
	cr_expect_lt(kind_val(&k, "pv", CMP_TRAPS), kind_val(&k, "trap", CMP_TRAPS),
		     "syscall: paravirtualization should save traps (pv %.3f, trap %.3f)",
		     kind_val(&k, "pv", CMP_TRAPS), kind_val(&k, "trap", CMP_TRAPS));
	kind_same(&k, "vt-nested", "bare", CMP_TRAPS, "under TVT the guest takes its own ecall");
	kind_same(&k, "vt-shadow", "bare", CMP_TRAPS, "under TVT the guest takes its own ecall");
	kind_no_exits(&k, "a system call stays inside the guest under TVT");
}

Test(kind, mmio)
{
	struct kind_run k;
	kind_run(&k, "mmio", "0.0025");
	kind_near(&k, "bare", CMP_TRAPS, 0, "a load from a device register is a plain load");
	kind_at_least(&k, "trap", CMP_TRAPS, 1, "the UART is the monitor's: every load traps");
	kind_at_least(&k, "bt", CMP_TRAPS, 1, "the UART is the monitor's: every load traps");
	kind_at_least(&k, "pv", CMP_TRAPS, 1, "the PV kernel reads the UART the same way");
	kind_at_least(&k, "vt-nested", CMP_EXITS, 1, "a device register access exits");
	kind_at_least(&k, "vt-shadow", CMP_EXITS, 1, "a device register access exits");
}

Test(kind, sstatus)
{
	struct kind_run k;
	kind_run(&k, "sstatus", "0.0025");
	kind_near(&k, "bare", CMP_TRAPS, 0, "S-mode reads and writes sstatus freely");
	kind_near(&k, "trap", CMP_TRAPS, 2,
		  "intr_restore is a csrr and a csrw of sstatus, each a trap in U-mode");
	kind_same(&k, "bt", "trap", CMP_TRAPS, "the rewritten pair traps as the strict one");
	kind_near(&k, "pv", CMP_TRAPS, 0, "the PV kernel's flag is in the shared page");
	kind_near(&k, "vt-nested", CMP_TRAPS, 0, "the VMCS's virtual sstatus, no trap");
	kind_near(&k, "vt-shadow", CMP_TRAPS, 0, "the VMCS's virtual sstatus, no trap");
	kind_no_exits(&k, "sstatus accesses use the VMCS's copy without exiting");
}

Test(kind, pgfault)
{
	struct kind_run k;
	kind_run(&k, "pgfault", "0.05"); /* N = 100: a fault is ~12k instructions */
	double bare = kind_val(&k, "bare", CMP_TRAPS);
	cr_expect(bare >= 1 - 0.01 && bare <= 1.1,
		  "pgfault, bare: %.3f traps per iteration, want 1 (the page fault) plus at most "
		  "a timer tick's share",
		  bare);
	cr_expect_gt(kind_val(&k, "trap", CMP_TRAPS), bare + 1,
		     "pgfault: the monitor sees the fault and the handler's CSR accesses");
	kind_same(&k, "bt", "trap", CMP_TRAPS,
		  "the rewritten instructions trap as the strict ones");
	if (k.vt)
		cr_expect(fabs(kind_val(&k, "vt-nested", CMP_TRAPS) - bare) <= 0.1,
			  "pgfault, vt-nested: %.3f traps per iteration, bare %.3f: the guest "
			  "takes its own page fault",
			  kind_val(&k, "vt-nested", CMP_TRAPS), bare);
}

Test(kind, ptewrite)
{
	struct kind_run k;
	kind_run(&k, "ptewrite", "0.0025");
	kind_near(&k, "bare", CMP_TRAPS, 0, "a PTE is plain memory to the kernel");
	kind_at_least(&k, "trap", CMP_TRAPS, 1,
		      "the PTE is in the root table, which every shadow derives from: each "
		      "write traps");
	kind_same(&k, "bt", "trap", CMP_TRAPS, "the same shadow page tables");
	kind_near(&k, "pv", CMP_TRAPS, 0,
		  "the PV kernel queues PTE writes: one hypercall per 256 (PV_MMU_MAX)");
	kind_near(&k, "vt-nested", CMP_EXITS, 0,
		  "with nested paging the guest's page tables are its own business");
	kind_at_least(&k, "vt-shadow", CMP_EXITS, 1,
		      "with shadow paging each write to the protected root table exits");
}

Test(kind, ctxsw)
{
	struct kind_run k;
	kind_run(&k, "ctxsw", "0.05");
	kind_near(&k, "bare", CMP_TRAPS, 2, "two yield() calls, one ecall each");
	cr_expect_gt(kind_val(&k, "trap", CMP_TRAPS), kind_val(&k, "bare", CMP_TRAPS) + 2,
		     "ctxsw: switching writes satp and returns with sret, traps under the monitor");
	kind_same(&k, "bt", "trap", CMP_TRAPS,
		  "the rewritten instructions trap as the strict ones");
	kind_same(&k, "vt-nested", "bare", CMP_TRAPS, "the guest takes its own ecalls");
	if (k.vt)
		cr_expect_geq(kind_val(&k, "vt-nested", CMP_WALK_REFS),
			      kind_val(&k, "bare", CMP_WALK_REFS),
			      "ctxsw: a nested (2D) walk reads more than a native one");
}

Test(kind, spawn)
{
	struct kind_run k;
	kind_run(&k, "spawn", "0.02"); /* N = 2: counts only, no tolerances */
	cr_expect_gt(kind_val(&k, "trap", CMP_TRAPS), kind_val(&k, "bare", CMP_TRAPS),
		     "spawn: building an address space traps to the monitor");
	cr_expect_gt(kind_val(&k, "bare", CMP_TRAPS), 1, "spawn: at least spawn() and wait()");
}
