/*
 * kernel_test.c -- the teaching kernel on `trapvisor run --mode=bare`:
 * every case of cases.def must print exactly its expected transcript and
 * end with its exit status.  Run one alone with
 *   build/tests/bin/kernel --filter 'kernel/echo'
 */
#include <criterion/criterion.h>

#include "tests/kernel/krun.h"

#define KERNEL_TIMEOUT 60 /* seconds per run */

static void kernel_case(const char *name, const char *bootargs, const char *input, int status)
{
	struct krun_result r;

	cr_assert(krun_trapvisor(bootargs, input, KERNEL_TIMEOUT, &r) == 0,
		  "cannot start %s", KRUN_TRAPVISOR);
	krun_check("trapvisor --mode=bare", &r, name, status);
	krun_free(&r);
}

#define KCASE(name, bootargs, input, status) \
	Test(kernel, name) { kernel_case(#name, bootargs, input, status); }
#include "tests/kernel/cases.def"
#undef KCASE
