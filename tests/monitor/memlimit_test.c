/*
 * memlimit_test.c -- swap in the monitor (--mem-limit, issue 15): a kernel
 * program that touches 4 MiB runs with only 2 MiB of guest pages resident
 * in every monitor mode; it swaps (the stats say so), and its console
 * transcript and instruction count are those of the run without a limit.
 * Bad --mem-limit values end the run with one line and exit status 2.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/guest/runner.h"

#define KERNEL	  "build/guests/kernel.elf"
#define KERNEL_PV "build/guests/kernel-pv.elf"

/* The number after `label` in `text`, or -1 if it is missing. */
static long long number_after(const char *text, const char *label)
{
	const char *p = strstr(text, label);
	return p ? strtoll(p + strlen(label), NULL, 10) : -1;
}

static void check_swap(const char *mode, const char *kernel)
{
	char cmd[512];
	struct runner_result plain, limited;
	snprintf(cmd, sizeof(cmd), TV_BIN " run %s --stats --append run=memtouch %s", mode, kernel);
	runner_run(cmd, "", &plain);
	snprintf(cmd, sizeof(cmd), TV_BIN " run %s --stats --mem-limit 2M --append run=memtouch %s",
		 mode, kernel);
	runner_run(cmd, "", &limited);
	cr_assert_eq(plain.status, 0, "%s: %s", mode, plain.err);
	cr_assert_eq(limited.status, 0, "%s --mem-limit: %s", mode, limited.err);
	cr_expect(strstr(plain.out, "memtouch: touched 1024 pages"), "%s", plain.out);
	cr_expect_str_eq(limited.out, plain.out, "%s: transcript changed by --mem-limit", mode);
	long long n1 = number_after(plain.err, "instructions retired: ");
	long long n2 = number_after(limited.err, "instructions retired: ");
	cr_expect_gt(n1, 0);
	cr_expect_eq(n2, n1, "%s: %lld instructions with --mem-limit, %lld without", mode, n2, n1);
	/* 4 MiB touched through 2 MiB: pages went out, and came back on a
	 * miss whose reason was "not resident". */
	cr_expect_gt(number_after(limited.err, "swap-outs "), 512, "%s", limited.err);
	cr_expect_gt(number_after(limited.err, "swap-ins "), 0, "%s", limited.err);
	cr_expect_gt(number_after(limited.err, "misses on a page not resident "), 0, "%s",
		     limited.err);
	cr_expect_null(strstr(plain.err, "swap-outs"), "no swap without --mem-limit");
	runner_free(&plain);
	runner_free(&limited);
}

Test(memlimit, trap_same_transcript)
{
	check_swap("--mode=trap", KERNEL);
}
Test(memlimit, bt_same_transcript)
{
	check_swap("--mode=bt", KERNEL);
}
Test(memlimit, pv_same_transcript)
{
	check_swap("--mode=pv", KERNEL_PV);
}
Test(memlimit, vt_nested_same_transcript)
{
	check_swap("--mode=vt", KERNEL);
}
Test(memlimit, vt_shadow_same_transcript)
{
	check_swap("--mode=vt --paging=shadow", KERNEL);
}

static void check_bad(const char *opts)
{
	char cmd[256];
	struct runner_result r;
	snprintf(cmd, sizeof(cmd), TV_BIN " run %s " KERNEL, opts);
	runner_run(cmd, "", &r);
	cr_expect_eq(r.status, 2, "%s: status %d", opts, r.status);
	const char *nl = strchr(r.err, '\n');
	cr_expect(nl && !nl[1], "%s: not one line: %s", opts, r.err);
	cr_expect(strstr(r.err, "--mem-limit"), "%s: %s", opts, r.err);
	runner_free(&r);
}

Test(memlimit, bad_input_one_line_exit_2)
{
	check_bad("--mem-limit 0");
	check_bad("--mem-limit 4K");
	check_bad("--mem-limit lots");
	check_bad("--mem-limit 12Q");
	check_bad("--mode=bare --mem-limit 8M");
}

/* A limit above the guest's RAM is allowed: nothing needs to swap. */
Test(memlimit, larger_than_ram_never_swaps)
{
	struct runner_result r;
	runner_run(TV_BIN " run --stats --mem 8M --mem-limit 1G --append run=memtouch " KERNEL, "",
		   &r);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect_eq(number_after(r.err, "swap-outs "), 0, "%s", r.err);
	runner_free(&r);
}

/* The trace shows the third reason: a fill after a swap-in is its own
 * action, "swap in (page not resident)". */
Test(memlimit, trace_shows_swap_in)
{
	char path[] = "/tmp/tv-memlimit-XXXXXX";
	cr_assert_eq(runner_tmpfile(path), 0);
	char cmd[256];
	snprintf(cmd, sizeof(cmd),
		 TV_BIN " run --mem-limit 2M --trace %s --append run=memtouch " KERNEL, path);
	struct runner_result r;
	runner_run(cmd, "", &r);
	cr_assert_eq(r.status, 0, "%s", r.err);
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f);
	char line[1024];
	int swap_ins = 0;
	while (fgets(line, sizeof(line), f))
		swap_ins += strstr(line, "\"action\":\"swap in (page not resident)\"") != NULL;
	fclose(f);
	unlink(path);
	cr_expect_gt(swap_ins, 0, "no swap-in event in the trace");
	runner_free(&r);
}
