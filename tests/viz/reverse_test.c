/*
 * reverse_test.c -- running backwards (viz/reverse.c), checked against
 * running forwards: the state after `stepi N; reverse-stepi K` must be the
 * state after `stepi N-K` -- every register, the CSRs the guest sees and
 * the hart's, and a hash of all of guest RAM (`info history`) -- in every
 * mode the debugger runs, at points spread over a whole run of the teaching
 * kernel (boot, the user program, timer interrupts, the shutdown).
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/viz/util.h"

#define PV_KERNEL "build/guests/kernel-pv.elf"

/* What a script prints after its "# state" line: the state to compare. */
static char *state_of(const char *options, const char *moves)
{
	char script[512];
	struct runner_result r;
	snprintf(script, sizeof(script), "%s\n# state\ninfo registers\ninfo csr\ninfo history\n",
		 moves);
	viz_t_batch(options, script, &r);
	cr_assert_eq(r.status, 0, "debug %s failed:\n%s\n%s", options, r.out, r.err);
	char *at = strstr(r.out, "(tv) # state");
	cr_assert(at, "%s", r.out);
	char *s = strdup(at);
	runner_free(&r);
	/* The hart's satp (the first column) names the root of a shadow
	 * table: a cache of the monitor, rebuilt after going back to a
	 * checkpoint, maybe in other machine frames (docs/state.md: caches
	 * are not state).  Every other value must match. */
	char *satp = strstr(s, "\nsatp ");
	if (satp && strstr(options, "--mode=bare") == NULL)
		memcpy(strstr(satp, "0x"), "0x--------", 10);
	return s;
}

static uint64_t position_in(const char *state)
{
	const char *p = strstr(state, "position ");
	cr_assert(p, "%s", state);
	return strtoull(p + 9, NULL, 10);
}

/* For each (N, K): back K from N equals forward N-K. */
static void back_equals_forward(const char *options)
{
	static const uint64_t pts[][2] = {
		{ 2, 1 },	{ 5000, 4999 },	      { 300000, 1 },  { 300000, 123457 },
		{ 1500000, 7 }, { 1999999, 1000000 }, { 2000000, 3 },
	};
	for (size_t i = 0; i < sizeof(pts) / sizeof(pts[0]); i++) {
		uint64_t n = pts[i][0], k = pts[i][1];
		char back[128], fwd[64];
		snprintf(back, sizeof(back), "stepi %" PRIu64 "\nreverse-stepi %" PRIu64, n, k);
		snprintf(fwd, sizeof(fwd), "stepi %" PRIu64, n - k);
		char *b = state_of(options, back), *f = state_of(options, fwd);
		cr_expect_str_eq(b, f,
				 "%s: stepi %" PRIu64 "; reverse-stepi %" PRIu64
				 " differs from stepi %" PRIu64,
				 options, n, k, n - k);
		cr_expect_eq(position_in(f), n - k, "%s", f);
		free(b);
		free(f);
	}
}

Test(reverse, back_equals_forward_trap, .timeout = 240)
{
	back_equals_forward("--mode=trap " KERNEL);
}
Test(reverse, back_equals_forward_bare, .timeout = 240)
{
	back_equals_forward("--mode=bare " KERNEL);
}
Test(reverse, back_equals_forward_bt_legacy, .timeout = 240)
{
	back_equals_forward("--mode=bt --isa=legacy " KERNEL);
}
Test(reverse, back_equals_forward_pv, .timeout = 240)
{
	back_equals_forward("--mode=pv " PV_KERNEL);
}
Test(reverse, back_equals_forward_two_vms, .timeout = 240)
{
	back_equals_forward("--mode=trap " KERNEL " " KERNEL);
}

/* Going back past the entry stops there and says so. */
Test(reverse, stops_at_the_entry, .timeout = 60)
{
	struct runner_result r;
	viz_t_batch(KERNEL, "stepi 10\nreverse-stepi 11\ninfo history\n", &r);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "reached the beginning of the guest's history"), "%s", r.out);
	cr_expect(strstr(r.out, "position 0 "), "%s", r.out);
	runner_free(&r);
}

/* reverse-continue lands on the previous breakpoint hit: the position
 * of the second of three hits of uart_putc. */
Test(reverse, reverse_continue_finds_the_previous_hit, .timeout = 120)
{
	struct runner_result r;
	viz_t_batch("--append run=hello " KERNEL,
		    "break uart_putc\ncontinue\ncontinue\ninfo history\ncontinue\n"
		    "reverse-continue\ninfo history\nreverse-continue\nreverse-continue\n"
		    "info history\n",
		    &r);
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	char *h1 = strstr(r.out, "(tv) info history");
	cr_assert(h1, "%s", r.out);
	uint64_t second = position_in(h1);
	char *h2 = strstr(h1 + 1, "(tv) info history");
	cr_assert(h2, "%s", r.out);
	cr_expect_eq(position_in(h2), second, "back from the 3rd hit to the 2nd:\n%s", r.out);
	cr_expect(strstr(h1, "breakpoint 1 at"), "the stop is reported as the hit:\n%s", h1);
	char *h3 = strstr(h2 + 1, "(tv) info history");
	cr_assert(h3, "%s", r.out);
	cr_expect(strstr(h2, "reached the beginning"), "before the 1st hit: the entry\n%s", h2);
	cr_expect_eq(position_in(h3), 0, "%s", h3);
	runner_free(&r);
}

/* Checkpoints: going forward keeps one every million positions, and
 * reverse-continue searches the history backwards an interval at a time.
 * At position 6M, deep in a silent computation, the last uart_putc hit is
 * the hello line's last character, four intervals back; it is the *last*
 * one: continuing from it, the next hit is after 6M. */
Test(reverse, checkpoints_and_reverse_continue_across_intervals, .timeout = 120)
{
	struct runner_result r;
	viz_t_batch("--append run=hello,primes:100000 " KERNEL,
		    "stepi 6000000\ninfo checkpoints\nbreak uart_putc\nreverse-continue\n"
		    "info history\ncontinue\ninfo history\n",
		    &r);
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	cr_expect(strstr(r.out, "#5  at position 6000000"), "%s", r.out);
	cr_expect(strstr(r.out, "6 checkpoints"), "%s", r.out);
	char *h1 = strstr(r.out, "(tv) info history");
	cr_assert(h1, "%s", r.out);
	char *h2 = strstr(h1 + 1, "(tv) info history");
	cr_assert(h2, "%s", r.out);
	uint64_t back = position_in(h1), next = position_in(h2);
	cr_expect(back > 2000000 && back < 3000000, "last hit before 6M at %" PRIu64, back);
	cr_expect_gt(next, 6000000, "a hit between %" PRIu64 " and 6M was skipped", back);
	cr_expect(strstr(h1, "from the last checkpoint"), "%s", h1);
	runner_free(&r);
}

/* A machine a snapshot cannot hold (the DMA engine) goes back from the
 * entry, and says so. */
Test(reverse, no_checkpoints_for_what_a_snapshot_cannot_hold, .timeout = 120)
{
	struct runner_result r;
	viz_t_batch("--assign dma " KERNEL,
		    "stepi 1500000\ninfo checkpoints\nreverse-stepi 10\ninfo history\n", &r);
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	cr_expect(strstr(r.out, "no checkpoints: going back re-runs from the entry"), "%s", r.out);
	cr_expect(strstr(r.out, "position 1499990 "), "%s", r.out);
	runner_free(&r);
}

/* restart after the guest exited: it runs again, with its console. */
Test(reverse, restart_after_exit, .timeout = 120)
{
	struct runner_result r;
	viz_t_batch("--append run=hello " KERNEL, "continue\nrestart\ncontinue\n", &r);
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	char *a = strstr(r.out, "the guest exited with status 0");
	cr_assert(a, "%s", r.out);
	cr_expect(strstr(r.out, "restarted: the guest is at its entry again"), "%s", r.out);
	cr_expect(strstr(a + 1, "the guest exited with status 0"), "ran to its end again:\n%s",
		  r.out);
	const char *hello = "hello, world";
	char *h = strstr(r.out, hello);
	cr_assert(h, "%s", r.out);
	cr_expect(strstr(h + 1, hello), "the second run printed again:\n%s", r.out);
	runner_free(&r);
}

/* Going back and forth does not print the guest's output twice. */
Test(reverse, console_is_not_printed_twice, .timeout = 120)
{
	struct runner_result r;
	viz_t_batch("--append run=hello " KERNEL, "continue\nreverse-stepi 400000\ncontinue\n", &r);
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	char *h = strstr(r.out, "hello, world");
	cr_assert(h, "%s", r.out);
	cr_expect_null(strstr(h + 1, "hello, world"), "%s", r.out);
	runner_free(&r);
}

/* Watchpoint hits are stops reverse-continue goes back to as well: the
 * first slot of the process table changes twice while init is made.
 * Going back lands on each hit with the stop line and pc of going forward. */
Test(reverse, reverse_continue_to_watchpoint_hits, .timeout = 120)
{
	struct runner_result r;
	viz_t_batch("--mode=trap --append run=hello " KERNEL,
		    "break kmain\ncontinue\ndelete\nwatch proc_table\ncontinue\ncontinue\n"
		    "stepi 10\nreverse-continue\nreverse-continue\n",
		    &r);
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	const char *rc = strstr(r.out, "(tv) reverse-continue");
	cr_assert(rc, "%s", r.out);
	const char *hit1 = strstr(r.out, "watchpoint 2: word at");
	const char *hit2 = hit1 ? strstr(hit1 + 1, "watchpoint 2: word at") : NULL;
	cr_assert(hit1 && hit2 && hit2 < rc, "%s", r.out);
	const char *back2 = strstr(rc, "watchpoint 2: word at");
	const char *back1 = back2 ? strstr(back2 + 1, "watchpoint 2: word at") : NULL;
	cr_assert(back2 && back1, "%s", rc);
	/* The stop line and the "=> pc" line after it. */
	size_t n1 = strcspn(hit1, "\n") + 1, n2 = strcspn(hit2, "\n") + 1;
	n1 += strcspn(hit1 + n1, "\n");
	n2 += strcspn(hit2 + n2, "\n");
	cr_expect_eq(strncmp(back2, hit2, n2), 0, "%.*s\nagainst\n%s", (int)n2, hit2, back2);
	cr_expect_eq(strncmp(back1, hit1, n1), 0, "%.*s\nagainst\n%s", (int)n1, hit1, back1);
	runner_free(&r);
}

Test(reverse, bad_counts_are_refused)
{
	struct runner_result r;
	viz_t_batch("--mode=bare " KERNEL, "reverse-stepi 0\nreverse-stepi x\n", &r);
	cr_expect_eq(r.status, 1, "%s", r.out);
	cr_expect(strstr(r.out, "'0' is not a positive count"), "%s", r.out);
	cr_expect(strstr(r.out, "'x' is not a positive count"), "%s", r.out);
	runner_free(&r);
}
