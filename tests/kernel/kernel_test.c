/*
 * kernel_test.c -- the teaching kernel on `trapvisor run`, in every mode:
 * every case of cases.def must print exactly its expected transcript and
 * end with its exit status, on the bare machine (kernel/) and under the
 * trap-and-emulate monitor (trap/).  And Popek and Goldberg's
 * equivalence, to the instruction: under the monitor the guest retires
 * exactly as many instructions as on the bare machine (equiv/).
 * Run one alone with  build/tests/bin/kernel --filter 'trap/echo'
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "tests/kernel/krun.h"

#define KERNEL_TIMEOUT 60 /* seconds per run */

static void kernel_case(const char *mode, const char *name, const char *bootargs, const char *input,
			int status)
{
	struct krun_result r;
	char who[64];

	snprintf(who, sizeof(who), "trapvisor --mode=%s", mode);
	cr_assert(krun_trapvisor(mode, bootargs, input, KERNEL_TIMEOUT, &r) == 0, "cannot start %s",
		  KRUN_TRAPVISOR);
	krun_check(who, &r, name, status);
	krun_free(&r);
}

#define KCASE(name, bootargs, input, status)                         \
	Test(kernel, name)                                           \
	{                                                            \
		kernel_case("bare", #name, bootargs, input, status); \
	}
#include "tests/kernel/cases.def"
#undef KCASE

#define KCASE(name, bootargs, input, status)                         \
	Test(trap, name)                                             \
	{                                                            \
		kernel_case("trap", #name, bootargs, input, status); \
	}
#include "tests/kernel/cases.def"
#undef KCASE

/* "instructions retired: N" from --stats. */
static unsigned long long kernel_retired(const struct krun_result *r)
{
	const char *p = strstr(r->err, "instructions retired: ");
	cr_assert(p, "no --stats in:\n%s", r->err);
	return strtoull(p + strlen("instructions retired: "), NULL, 10);
}

static void kernel_equiv(const char *name, const char *bootargs, const char *input)
{
	struct krun_result b, t;
	cr_assert(krun_trapvisor("bare", bootargs, input, KERNEL_TIMEOUT, &b) == 0);
	cr_assert(krun_trapvisor("trap", bootargs, input, KERNEL_TIMEOUT, &t) == 0);
	cr_assert_str_eq(t.out, b.out, "%s: transcripts differ", name);
	cr_assert_eq(t.status, b.status, "%s: exit status trap %d, bare %d", name, t.status,
		     b.status);
	/* The monitor counts what it emulates as retired, and delivers
	 * virtual timer interrupts at the same virtual instant, so the guest
	 * does exactly the same work in both worlds. */
	cr_assert_eq(kernel_retired(&t), kernel_retired(&b),
		     "%s: trap mode retired %llu instructions, bare %llu", name, kernel_retired(&t),
		     kernel_retired(&b));
	krun_free(&b);
	krun_free(&t);
}

#define KCASE(name, bootargs, input, status)          \
	Test(equiv, name)                             \
	{                                             \
		kernel_equiv(#name, bootargs, input); \
	}
#include "tests/kernel/cases.def"
#undef KCASE
