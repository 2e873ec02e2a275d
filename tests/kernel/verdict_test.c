/*
 * verdict_test.c -- the checker itself: a panic, an unexpected trap, a
 * timeout, a different transcript or status must each fail, with the
 * transcript in the message.  (Fed made-up runs; no guest is booted.)
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "tests/kernel/krun.h"

#define VERDICT_OK "kernel: 64 MiB RAM, bootargs \"run=hello\"\nhello\n"

static char *verdict_of(const char *out, int status, bool timed_out)
{
	struct krun_result r = {
		.out = (char *)out, .err = "", .status = status, .timed_out = timed_out
	};
	return krun_verdict("test", &r, "case", VERDICT_OK, 0);
}

Test(verdict, matching_run_passes)
{
	cr_assert_null(verdict_of(VERDICT_OK, 0, false));
}

Test(verdict, panic_fails_with_message)
{
	char *v = verdict_of("kernel: ...\npanic: kernel trap: load page fault\n", 1, false);
	cr_assert(v && strstr(v, "kernel panic") && strstr(v, "load page fault"), "%s", v);
	free(v);
}

Test(verdict, shim_trap_fails_with_message)
{
	char *v = verdict_of("\nshim: unexpected M-mode trap, mcause 0x00000002\n", 3, false);
	cr_assert(v && strstr(v, "unexpected M-mode trap") && strstr(v, "mcause"), "%s", v);
	free(v);
}

Test(verdict, killed_program_is_a_difference)
{
	char *v = verdict_of("kernel: pid 2 (hello) killed: illegal instruction\n", 0, false);
	cr_assert(v && strstr(v, "differs") && strstr(v, "killed: illegal instruction"), "%s", v);
	free(v);
}

Test(verdict, wrong_status_fails)
{
	char *v = verdict_of(VERDICT_OK, 7, false);
	cr_assert(v && strstr(v, "exited with 7"), "%s", v);
	free(v);
}

Test(verdict, timeout_fails_with_output_so_far)
{
	char *v = verdict_of("kernel: 64 MiB", 137, true);
	cr_assert(v && strstr(v, "timed out") && strstr(v, "kernel: 64 MiB"), "%s", v);
	free(v);
}

Test(verdict, runner_enforces_timeout)
{
	struct krun_result r;
	char *argv[] = { "/bin/sleep", "30", NULL };

	cr_assert(krun(argv, NULL, 0, 1, &r) == 0);
	cr_assert(r.timed_out && r.seconds < 5, "timed_out %d after %.1f s", r.timed_out,
		  r.seconds);
	krun_free(&r);
}

Test(verdict, runner_feeds_stdin_and_captures)
{
	struct krun_result r;
	char *argv[] = { "/bin/cat", NULL };

	cr_assert(krun(argv, "line\n", 5, 10, &r) == 0);
	cr_assert_str_eq(r.out, "line\n");
	cr_assert_eq(r.status, 0);
	krun_free(&r);
}
