/*
 * pv_test.c -- the PARAVIRT=1 kernel (build/guests/kernel-pv.elf) end to
 * end:
 *   case/   every run of tests/kernel/cases.def on `trapvisor --mode=pv`
 *           prints exactly the strict kernel's transcript (the same file
 *           tests/kernel checks in bare and trap modes) -- paravirtual,
 *           yet the same machine to the programs;
 *   fewer/  on the same workload, --stats shows fewer traps to the
 *           monitor than the strict kernel under --mode=trap, and at most
 *           half the sensitive-instruction emulations;
 *   refuse/ without the PV extension (--mode=trap, --mode=bare) the PV
 *           kernel stops at boot, saying it needs --mode=pv.
 * Run one alone with  build/tests/bin/pv --filter 'fewer/syscalls'
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "tests/kernel/krun.h"

#define PV_TIMEOUT 60 /* seconds per run */
#define PV_KERNEL  KRUN_BUILD "/guests/kernel-pv.elf"

/* Run `kernel` on `trapvisor run --mode=MODE --stats`, stdin from
 * tests/kernel/expected/INPUT (or none). */
static void pv_run(const char *mode, const char *kernel, const char *bootargs, const char *input,
		   struct krun_result *r)
{
	char mode_opt[64], path[4096];
	char *in = NULL;
	size_t len = 0;

	snprintf(mode_opt, sizeof(mode_opt), "--mode=%s", mode);
	if (input) {
		snprintf(path, sizeof(path), "%s/%s", KRUN_EXPECTED, input);
		in = krun_read_file(path, &len);
		cr_assert(in, "cannot read %s", path);
	}
	char *argv[] = { KRUN_TRAPVISOR,   "run",	   mode_opt, "--stats", "--append",
			 (char *)bootargs, (char *)kernel, NULL };
	cr_assert(krun(argv, in, len, PV_TIMEOUT, r) == 0, "cannot start %s", KRUN_TRAPVISOR);
	free(in);
}

/* --- case/: the transcripts --- */

#define KCASE(name, bootargs, input, status)                                          \
	Test(case, name)                                                              \
	{                                                                             \
		struct krun_result r;                                                 \
		pv_run("pv", PV_KERNEL, bootargs, input, &r);                         \
		krun_check("trapvisor --mode=pv (kernel-pv.elf)", &r, #name, status); \
		krun_free(&r);                                                        \
	}
#include "tests/kernel/cases.def"
#undef KCASE

/* --- fewer/: what paravirtualization saves --- */

/* "traps to the monitor: N" from --stats. */
static unsigned long long pv_traps(const struct krun_result *r)
{
	const char *p = strstr(r->err, "traps to the monitor: ");
	cr_assert(p, "no --stats in:\n%s", r->err);
	return strtoull(p + strlen("traps to the monitor: "), NULL, 10);
}

/* The sensitive instructions the monitor emulated: the counts of the
 * "emulate ..." rows of "monitor actions:" -- CSR accesses, sret, wfi,
 * sfence.vma -- but not "emulate MMIO" or "emulate write to
 * write-protected page table", which are ordinary loads and stores. */
static unsigned long long pv_emulations(const struct krun_result *r)
{
	const char *p = strstr(r->err, "monitor actions:");
	unsigned long long n = 0;
	cr_assert(p, "no monitor actions in:\n%s", r->err);
	for (p = strchr(p, '\n'); p && strncmp(p, "\n  ", 3) == 0; p = strchr(p + 1, '\n')) {
		const char *row = p + 3, *end = strchr(row, '\n');
		if (strncmp(row, "emulate", 7) || !strncmp(row, "emulate MMIO", 12) ||
		    !strncmp(row, "emulate write to", 16))
			continue;
		/* "emulate csrrw ...   COUNT   AVG": the next-to-last number */
		const char *q = end ? end : row + strlen(row);
		while (q > row && q[-1] != ' ')
			q--; /* start of AVG */
		while (q > row && q[-1] == ' ')
			q--;
		while (q > row && q[-1] != ' ')
			q--; /* start of COUNT */
		n += strtoull(q, NULL, 10);
	}
	return n;
}

static void pv_fewer(const char *bootargs)
{
	struct krun_result t, p;
	pv_run("trap", KRUN_KERNEL, bootargs, NULL, &t);
	pv_run("pv", PV_KERNEL, bootargs, NULL, &p);
	cr_assert_str_eq(p.out, t.out, "%s: transcripts differ", bootargs);
	unsigned long long tt = pv_traps(&t), pt = pv_traps(&p);
	unsigned long long te = pv_emulations(&t), pe = pv_emulations(&p);
	cr_log_info("%s: traps %llu (trap) -> %llu (pv), emulations %llu -> %llu", bootargs, tt, pt,
		    te, pe);
	cr_assert_lt(pt, tt, "%s: pv took %llu traps, trap mode %llu", bootargs, pt, tt);
	cr_assert_gt(te, 0, "%s: trap mode emulated nothing?\n%s", bootargs, t.err);
	cr_assert_leq(2 * pe, te,
		      "%s: pv still emulated %llu sensitive instructions, trap mode %llu", bootargs,
		      pe, te);
	krun_free(&t);
	krun_free(&p);
}

Test(fewer, syscalls)
{
	pv_fewer("run=syscalls");
}
Test(fewer, ptchurn)
{
	pv_fewer("run=ptchurn");
}
Test(fewer, spawnloop)
{
	pv_fewer("run=spawnloop");
}

/* --- refuse/: the PV kernel on a monitor without the extension --- */

static void pv_refused(const char *mode)
{
	struct krun_result r;
	pv_run(mode, PV_KERNEL, "run=hello", NULL, &r);
	cr_assert(!r.timed_out, "--mode=%s: timed out; console:\n%s", mode, r.out);
	cr_assert(strstr(r.out, "panic: PARAVIRT kernel needs --mode=pv"),
		  "--mode=%s: no clear message; console:\n%s", mode, r.out);
	cr_assert(!strstr(r.out, "hello"), "--mode=%s: went on booting:\n%s", mode, r.out);
	cr_assert_neq(r.status, 0, "--mode=%s: exit status 0", mode);
	cr_assert_lt(r.status, 128, "--mode=%s: trapvisor died of signal %d", mode, r.status - 128);
	krun_free(&r);
}

Test(refuse, trap)
{
	pv_refused("trap");
}
Test(refuse, bare)
{
	pv_refused("bare");
}
