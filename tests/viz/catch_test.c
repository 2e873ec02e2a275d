/*
 * catch_test.c -- stopping on what the monitor does (`catch action`): the
 * shadow invalidated, VM exits by reason under TVT, and for every caught
 * action the vCPU before and after as a diff.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "tests/viz/util.h"

/* The lines of the diff after the stop line: "  NAME 0x... -> 0x...". */
static int diff_lines(const char *from)
{
	int n = 0;
	for (const char *p = strchr(from, '\n'); p && !strncmp(p, "\n  ", 3);
	     p = strchr(p + 1, '\n'))
		n += strstr(p, " -> ") && strstr(p, " -> ") < strchr(p + 1, '\n');
	return n;
}

/* A freed page table written by the kernel: the monitor drops the shadow
 * entries made from it. */
Test(catch, invalidate_stops_where_the_shadow_drops_entries, .timeout = 60)
{
	struct runner_result r;
	viz_t_batch("--append run=hello " KERNEL, "catch action invalidate\ncontinue\n", &r);
	cr_assert_eq(r.status, 0, "%s", r.err);
	const char *stop = strstr(r.out, "caught action invalidate: ");
	cr_assert(stop, "%s", r.out);
	cr_expect(strstr(stop, "shadow entr"), "%s", stop);
	cr_expect_geq(diff_lines(stop), 1, "no diff:\n%s", stop);
	cr_expect(strstr(stop, "  pc       0x"), "%s", stop);
	runner_free(&r);
}

/* Under TVT with shadow paging the guest's satp write exits (csr-access):
 * the diff shows satp going from 0 to the kernel's table. */
Test(catch, vmexit_by_reason_with_the_change_it_made, .timeout = 60)
{
	struct runner_result r;
	viz_t_batch("--mode=vt --paging=shadow " KERNEL,
		    "catch action vmexit csr-access\ncontinue\n", &r);
	cr_assert_eq(r.status, 0, "%s", r.err);
	const char *stop = strstr(r.out, "caught action vmexit csr-access");
	cr_assert(stop, "%s", r.out);
	cr_expect(strstr(stop, "  satp     0x00000000 -> 0x8008"), "%s", stop);
	runner_free(&r);
	/* Nested paging: the first exit is the first instruction's
	 * stage2-fault, and the second stage then has one entry. */
	viz_t_batch("--mode=vt " KERNEL, "catch action vmexit stage2-fault\ncontinue\ninfo vmcs\n",
		    &r);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "caught action vmexit stage2-fault (exit 1 of that reason)"), "%s",
		  r.out);
	cr_expect(strstr(r.out, "entries filled 1"), "%s", r.out);
	runner_free(&r);
}

/* Trace-matched actions show the same diff: an emulated CSR read changes
 * the register it writes. */
Test(catch, emulate_shows_the_diff, .timeout = 60)
{
	struct runner_result r;
	viz_t_batch(KERNEL, "catch action emulate\ncontinue\n", &r);
	cr_assert_eq(r.status, 0, "%s", r.err);
	const char *stop = strstr(r.out, "caught action #");
	cr_assert(stop, "%s", r.out);
	cr_expect_geq(diff_lines(stop), 1, "%s", stop);
	runner_free(&r);
}

Test(catch, bad_requests)
{
	struct runner_result r;
	viz_t_batch("--mode=vt " KERNEL, "catch action vmexit\ncatch action vmexit nope\n", &r);
	cr_expect(strstr(r.out, "which reason? (none, preemption-timer"), "%s", r.out);
	runner_free(&r);
	viz_t_batch("--mode=bare " KERNEL, "catch action invalidate\n", &r);
	cr_expect(strstr(r.out, "no monitor on the bare board"), "%s", r.out);
	runner_free(&r);
	viz_t_batch(KERNEL, "catch action vmexit ecall\n", &r);
	cr_expect(strstr(r.out, "no VM exits here (that is --mode=vt)"), "%s", r.out);
	runner_free(&r);
}

/* The shadow beside the guest's table marks what the monitor dropped
 * since the last stop: memtouch gives its heap back with sbrk, and the
 * heap's shadow entries, filled before the call, are "just invalidated"
 * after it.  Under nested paging the second stage is listed instead. */
Test(catch, shadow_marks_just_invalidated_and_shows_stage2, .timeout = 60)
{
	uint32_t sbrk = viz_t_sym("build/guests/user/memtouch.elf", "sbrk");
	cr_assert_neq(sbrk, 0);
	char script[256];
	/* The second sbrk (the shrink): stop at its ecall, list, then stop
	 * after it returns, list again. */
	snprintf(script, sizeof(script),
		 "break 0x%x\ncontinue\ncontinue\nshadow 0x2000 3 brief\ndelete\nbreak 0x%x\n"
		 "continue\nshadow 0x2000 3 brief\n",
		 sbrk + 4, sbrk + 8);
	struct runner_result r;
	viz_t_batch("--append run=memtouch:1 " KERNEL, script, &r);
	cr_assert_eq(r.status, 0, "%s", r.err);
	const char *first = strstr(r.out, "(tv) shadow 0x2000 3 brief");
	cr_assert(first, "%s", r.out);
	const char *second = strstr(first + 1, "(tv) shadow 0x2000 3 brief");
	cr_assert(second, "%s", r.out);
	cr_expect(strstr(first, "V 00002000 P ") && strstr(first, " filled\n") &&
		      strstr(first, " filled\n") < second,
		  "the heap's shadow was filled:\n%s", first);
	cr_expect(strstr(second, "V 00002000 P -        R -        just invalidated"), "%s",
		  second);
	runner_free(&r);
	viz_t_batch("--mode=vt " KERNEL, "stepi 300000\nshadow $pc 2\n", &r);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "nested paging: second stage root R 0x"), "%s", r.out);
	cr_expect(strstr(r.out, "| second-stage PTE (R)"), "%s", r.out);
	cr_expect(strstr(r.out, " filled\n"), "the pc's page is in the second stage:\n%s", r.out);
	runner_free(&r);
}
