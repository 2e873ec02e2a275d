/*
 * options_test.c -- `trapvisor bench modes` as a command:
 *   bad/    a malformed option is one line on stderr and exit status 2,
 *           before anything runs; a failed run one line and status 1;
 *   cost/   the cost column is the documented model, with the weights
 *           given;
 *   csv/    the whole default table at a small scale: one line per
 *           (kind, row), kinds in order;
 *   svg/    the chart is well-formed XML (xmllint) with one <rect> per
 *           bar;
 *   rows/   a row whose mode this trapvisor lacks (vt, while it is being
 *           written) is skipped with one line, not an error;
 *   text/   the table and the 2D-walk line.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "tests/compare/cmp.h"

#define OPT_XMLLINT "/usr/bin/xmllint"

/* opt_run: trapvisor with argv (NULL-terminated, after the binary). */
static void opt_run(struct krun_result *r, const char *const args[])
{
	const char *argv[32] = { CMP_TRAPVISOR };
	int n = 1;
	for (int i = 0; args[i]; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	cr_assert_eq(krun((char *const *)argv, NULL, 0, CMP_TIMEOUT, r), 0);
	cr_assert(!r->timed_out, "timed out");
}

/* opt_lines: the number of lines of s. */
static int opt_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* opt_refused: the command exits 2, says one line on stderr, prints
 * nothing on stdout. */
static void opt_refused(const char *const args[])
{
	struct krun_result r;
	opt_run(&r, args);
	cr_expect_eq(r.status, 2, "exit status %d, want 2; stderr:\n%s", r.status, r.err);
	cr_expect_eq(opt_lines(r.err), 1, "want one line on stderr, got:\n%s", r.err);
	cr_expect_eq(r.out_len, 0, "want nothing on stdout, got:\n%s", r.out);
	krun_free(&r);
}

#define OPT_BAD(name, ...)                                                    \
	Test(bad, name)                                                       \
	{                                                                     \
		const char *args[] = { "bench", "modes", __VA_ARGS__, NULL }; \
		opt_refused(args);                                            \
	}

OPT_BAD(cost_bogus, "--cost", "bogus")
OPT_BAD(cost_unknown_weight, "--cost", "trap=1,nosuch=2")
OPT_BAD(cost_negative, "--cost", "walk=-1")
OPT_BAD(cost_empty_value, "--cost", "trap=")
OPT_BAD(kinds_nosuch, "--kinds", "call,nosuch")
OPT_BAD(kinds_empty_item, "--kinds", "call,,mmio")
OPT_BAD(kinds_twice, "--kinds", "call,call")
OPT_BAD(rows_nosuch, "--rows", "nosuch")
OPT_BAD(iters_negative, "--iters", "-1")
OPT_BAD(iters_zero, "--iters", "0")
OPT_BAD(iters_text, "--iters", "lots")
OPT_BAD(runs_zero, "--runs", "0")
OPT_BAD(unknown_option, "--frobnicate")
OPT_BAD(stray_argument, "extra")
OPT_BAD(kernel_missing, "--kernel", "/nonexistent/kernel.elf")
OPT_BAD(pv_kernel_missing, "--rows", "pv", "--pv-kernel", "/nonexistent/kernel-pv.elf")
OPT_BAD(svg_unwritable, "--kinds", "call", "--svg", "/nonexistent/dir/chart.svg")

Test(bad, no_benchmark)
{
	const char *args[] = { "bench", NULL };
	opt_refused(args);
	const char *args2[] = { "bench", "nosuch", NULL };
	opt_refused(args2);
}

/* A run that fails (here: the PV kernel on the bare machine, which stops
 * at boot) is one line naming the row and the kind, and exit status 1. */
Test(bad, run_fails)
{
	struct krun_result r;
	const char *args[] = {
		"bench", "modes",   "--kinds", "call",	   "--rows",
		"bare",	 "--iters", "0.001",   "--kernel", KRUN_BUILD "/guests/kernel-pv.elf",
		NULL
	};
	opt_run(&r, args);
	cr_expect_eq(r.status, 1, "exit status %d, want 1; stderr:\n%s", r.status, r.err);
	cr_expect_eq(opt_lines(r.err), 1, "want one line on stderr, got:\n%s", r.err);
	cr_expect(strstr(r.err, "row bare, kind call"), "%s", r.err);
	krun_free(&r);
}

/* The help names the cost model and its defaults. */
Test(bad, help)
{
	struct krun_result r;
	const char *args[] = { "bench", "modes", "--help", NULL };
	opt_run(&r, args);
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "cost = insns + trap x traps + switch x exits"), "%s", r.out);
	cr_expect(strstr(r.out, "trap=100 switch=1000 walk=10 emulate=200"), "%s", r.out);
	krun_free(&r);
}

/* --- cost/ --- */

/* On bare there are no exits and no monitor: cost = insns + trap x traps
 * + walk x walk_refs, whatever the weights. */
Test(cost, model)
{
	struct cmp_table t;
	struct krun_result r;
	const char *args[] = { "--kinds", "syscall,ctxsw", "--rows",	    "bare", "--iters",
			       "0.01",	  "--cost",	   "trap=7,walk=3", NULL };
	cmp_bench(&t, &r, args);
	krun_free(&r);
	cr_assert_eq(t.n, 2);
	for (int i = 0; i < t.n; i++) {
		const double *v = t.line[i].v;
		double want = v[CMP_INSNS] + 7 * v[CMP_TRAPS] + 3 * v[CMP_WALK_REFS];
		cr_expect(fabs(v[CMP_COST] - want) < 0.01, "%s: cost %.3f, want %.3f",
			  t.line[i].kind, v[CMP_COST], want);
	}
}

/* With every weight 0 the cost is the instruction count, in every row. */
Test(cost, zero_weights)
{
	struct cmp_table t;
	struct krun_result r;
	const char *args[] = { "--kinds", "sstatus", "--iters",
			       "0.001",	  "--cost",  "trap=0,switch=0,walk=0,emulate=0",
			       NULL };
	cmp_bench(&t, &r, args);
	krun_free(&r);
	cr_assert_geq(t.n, 4);
	for (int i = 0; i < t.n; i++)
		cr_expect_eq(t.line[i].v[CMP_COST], t.line[i].v[CMP_INSNS], "%s: cost %.3f",
			     t.line[i].row, t.line[i].v[CMP_COST]);
}

/* --- csv/ --- */

Test(csv, shape)
{
	static const char *const kinds[] = { "call",	"syscall",  "mmio",  "sstatus",
					     "pgfault", "ptewrite", "ctxsw", "spawn" };
	static const char *const rows[] = { "bare", "trap", "bt", "pv", "vt-nested", "vt-shadow" };
	int nrows = cmp_have_vt() ? 6 : 4;
	struct cmp_table t;
	struct krun_result r;
	const char *args[] = { "--iters", "0.002", NULL };

	cmp_bench(&t, &r, args);
	krun_free(&r);
	cr_assert_eq(t.n, 8 * nrows, "%d lines, want %d", t.n, 8 * nrows);
	for (int k = 0; k < 8; k++)
		for (int j = 0; j < nrows; j++) {
			const struct cmp_line *l = &t.line[k * nrows + j];
			cr_expect_str_eq(l->kind, kinds[k]);
			cr_expect_str_eq(l->row, rows[j]);
			cr_expect_gt(l->v[CMP_INSNS], 0, "%s/%s: no instructions", l->kind, l->row);
		}
}

/* --- svg/ --- */

/* opt_xpath: the number xmllint's XPath expression gives for `path`. */
static double opt_xpath(const char *path, const char *expr)
{
	struct krun_result r;
	char *argv[] = { OPT_XMLLINT, "--xpath", (char *)expr, (char *)path, NULL };
	cr_assert_eq(krun(argv, NULL, 0, 30, &r), 0);
	cr_assert_eq(r.status, 0, "xmllint --xpath %s: status %d\n%s", expr, r.status, r.err);
	double v = strtod(r.out, NULL);
	krun_free(&r);
	return v;
}

Test(svg, wellformed)
{
	char path[] = "/tmp/trapvisor-compare-XXXXXX.svg";
	int fd = mkstemps(path, 4);
	cr_assert_geq(fd, 0);
	close(fd);

	struct cmp_table t;
	struct krun_result r;
	const char *args[] = { "--kinds", "call,mmio,sstatus",
			       "--rows",  "bare,trap,pv",
			       "--iters", "0.001",
			       "--svg",	  path,
			       NULL };
	cmp_bench(&t, &r, args);
	krun_free(&r);

	char *argv[] = { OPT_XMLLINT, "--noout", path, NULL };
	cr_assert_eq(krun(argv, NULL, 0, 30, &r), 0);
	cr_expect_eq(r.status, 0, "xmllint: the SVG is not well-formed XML:\n%s", r.err);
	krun_free(&r);

	cr_expect_eq(opt_xpath(path, "count(/*[local-name()='svg'])"), 1, "root is not <svg>");
	cr_expect_eq(opt_xpath(path, "count(//*[local-name()='rect'])"), 9,
		     "want one <rect> per bar: 3 kinds x 3 rows");
	static const char *const kinds[] = { "call", "mmio", "sstatus" };
	static const char *const rows[] = { "bare", "trap", "pv" };
	for (int k = 0; k < 3; k++)
		for (int j = 0; j < 3; j++) {
			char expr[200];
			snprintf(expr, sizeof(expr),
				 "count(//*[local-name()='rect'][@data-kind='%s'][@data-row='%s'])",
				 kinds[k], rows[j]);
			cr_expect_eq(opt_xpath(path, expr), 1, "bar %s/%s", kinds[k], rows[j]);
		}
	/* Each bar's value written on it, for a projector (no hover). */
	cr_expect_eq(opt_xpath(path, "count(//*[local-name()='text'][@class='value'])"), 9,
		     "want one value per bar");
	cr_expect_eq(opt_xpath(path,
			       "count(//*[local-name()='text'][@class='value']"
			       "[@data-kind='mmio'][@data-row='trap'][string-length(.) > 0])"),
		     1, "the value of mmio/trap");
	cr_expect_geq(opt_xpath(path, "count(//*[local-name()='text'][contains(., 'log scale')])"),
		      1, "the y axis is not labelled");
	unlink(path);
}

/* --- rows/ --- */

Test(rows, vt_skipped_or_run)
{
	struct cmp_table t;
	struct krun_result r;
	const char *args[] = { "--kinds", "call",  "--rows", "bare,vt-nested",
			       "--iters", "0.001", NULL };
	cmp_bench(&t, &r, args);
	if (cmp_have_vt()) {
		cr_expect_eq(t.n, 2);
		cr_expect_not_null(cmp_get(&t, "call", "vt-nested"));
		cr_expect_eq(r.err[0], 0, "stderr: %s", r.err);
	} else {
		cr_expect_eq(t.n, 1);
		cr_expect_not_null(cmp_get(&t, "call", "bare"));
		cr_expect_eq(opt_lines(r.err), 1, "want one line about vt-nested:\n%s", r.err);
		cr_expect(strstr(r.err, "vt-nested"), "%s", r.err);
	}
	krun_free(&r);
}

/* --- text/ --- */

/* The 2D walk: on Sv32 a native TLB fill reads at most 2 entries, a
 * nested one at most (2+1)x(2+1)-1 = 8. */
Test(text, table_and_walks)
{
	struct krun_result r;
	bool vt = cmp_have_vt();
	const char *args[] = { "bench",	  "modes",  "--kinds",
			       "ctxsw",	  "--rows", vt ? "bare,vt-nested" : "bare",
			       "--iters", "0.05",   "--runs",
			       "1",	  NULL };
	opt_run(&r, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "walk refs"), "no table header:\n%s", r.out);
	cr_expect(strstr(r.out, "\nctxsw "), "no ctxsw line:\n%s", r.out);
	const char *p = strstr(r.out, "walk refs per TLB fill in ctxsw: bare ");
	cr_assert(p, "no 2D walk line:\n%s", r.out);
	cr_assert(strstr(r.out, "2D walk"), "%s", r.out);
	double bare = strtod(strchr(p, ':') + 7, NULL);
	cr_expect(bare >= 1 && bare <= 2, "bare: %.2f walk refs per fill, want 1..2", bare);
	const char *q = strstr(p, "vt-nested ");
	cr_assert(q);
	if (vt) {
		double nested = strtod(q + 10, NULL);
		cr_expect(nested > bare && nested <= 8,
			  "vt-nested: %.2f walk refs per fill, want more than bare (%.2f) and at "
			  "most 8",
			  nested, bare);
	} else {
		cr_expect(!strncmp(q + 10, "n/a", 3), "%s", q);
	}
	krun_free(&r);
}
