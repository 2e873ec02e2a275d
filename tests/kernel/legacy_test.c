/*
 * legacy_test.c -- the PUSHF/POPF problem, end to end (issue 7).
 *
 * On the --isa=legacy machine (plain reads and writes of sstatus do not
 * trap in U-mode), a plain trap-and-emulate monitor fails in the two ways
 * the lecture names, and binary translation repairs both:
 *   legacy/   every case, legacy machine, bare: as on the strict machine
 *             (the kernel runs in S-mode; nothing is deprivileged);
 *   bt/       every case, legacy machine, --mode=bt: the strict
 *             transcript, and the same instruction count as bare;
 *   broken/   --mode=trap on the legacy machine: the demos report the
 *             failures.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/kernel/krun.h"

#define LEGACY_TIMEOUT 60

static void legacy_case(const char *mode, const char *name, const char *bootargs, const char *input,
			int status)
{
	struct krun_result r;
	char who[64];
	snprintf(who, sizeof(who), "trapvisor --mode=%s --isa=legacy", mode);
	cr_assert(krun_trapvisor_isa(mode, "legacy", bootargs, input, LEGACY_TIMEOUT, &r) == 0);
	if (!strcmp(name, "fault")) {
		/* fault:priv is a *user* program reading sstatus: on the
		 * legacy machine that read no longer traps, so the kernel does
		 * not kill it (and binary translation, which rewrites kernel
		 * code only, does not change that: what the program reads -- and
		 * so its exit status -- differs between bare and bt, the
		 * user-level PUSHF leak). */
		cr_expect(strstr(r.out, "fault: priv\n"), "%s:\n%s", who, r.out);
		cr_expect(!strstr(r.out, "killed: illegal instruction"), "%s:\n%s", who, r.out);
		cr_expect(strstr(r.out, "killed: store page fault at address 0x00000000"), "%s",
			  r.out);
	} else {
		krun_check(who, &r, name, status);
	}
	krun_free(&r);
}

#define KCASE(name, bootargs, input, status)                         \
	Test(legacy, name)                                           \
	{                                                            \
		legacy_case("bare", #name, bootargs, input, status); \
	}
#include "tests/kernel/cases.def"
#undef KCASE

#define KCASE(name, bootargs, input, status)                       \
	Test(bt, name)                                             \
	{                                                          \
		legacy_case("bt", #name, bootargs, input, status); \
	}
#include "tests/kernel/cases.def"
#undef KCASE

static unsigned long long legacy_stat(const char *err, const char *key)
{
	const char *p = strstr(err, key);
	cr_assert(p, "no \"%s\" in:\n%s", key, err);
	return strtoull(p + strlen(key), NULL, 10);
}

Test(bt, same_instruction_count_as_bare)
{
	struct krun_result b, t;
	const char *args = "run=hello,primes,memtouch,syscalls,spawnloop,critical,detect";
	cr_assert(krun_trapvisor_isa("bare", "legacy", args, NULL, LEGACY_TIMEOUT, &b) == 0);
	cr_assert(krun_trapvisor_isa("bt", "legacy", args, NULL, LEGACY_TIMEOUT, &t) == 0);
	cr_assert_str_eq(t.out, b.out);
	cr_assert_eq(legacy_stat(t.err, "instructions retired: "),
		     legacy_stat(b.err, "instructions retired: "));
	/* The translator found and rewrote the kernel's PUSHF/POPFs, and
	 * each one cost a trap when it ran. */
	cr_expect_gt(legacy_stat(t.err, "instructions rewritten "), 0, "%s", t.err);
	cr_expect_gt(legacy_stat(t.err, "traps at rewritten instructions "), 0, "%s", t.err);
	/* detect read its own code: those loads were served from the
	 * original bytes, not the rewritten copy. */
	cr_expect_gt(legacy_stat(t.err, "loads served from original code "), 0, "%s", t.err);
	krun_free(&b);
	krun_free(&t);
}

Test(broken, the_monitor_misses_the_interrupt_mask)
{
	struct krun_result r;
	cr_assert(krun_trapvisor_isa("trap", "legacy", "run=critical", NULL, LEGACY_TIMEOUT, &r) ==
		  0);
	/* The kernel's POPF-style mask never reached the monitor, which
	 * delivered timer ticks inside the critical sections. */
	unsigned inside = 0, lost = 0;
	const char *p = strstr(r.out, "critical: interrupted inside: ");
	cr_assert(p, "%s", r.out);
	cr_assert_eq(
	    sscanf(p, "critical: interrupted inside: %u, counter updates lost: %u", &inside, &lost),
	    2, "%s", r.out);
	cr_expect_gt(inside, 0, "%s", r.out);
	cr_expect_gt(lost, 0, "%s", r.out);
	cr_expect(strstr(r.out, "did not see the mask (POPF)"), "%s", r.out);
	cr_expect_eq(r.status, 2);
	krun_free(&r);
}

Test(broken, the_monitor_is_visible)
{
	struct krun_result r;
	cr_assert(krun_trapvisor_isa("trap", "legacy", "run=detect", NULL, LEGACY_TIMEOUT, &r) ==
		  0);
	cr_expect(strstr(r.out, "SIE CLEAR"), "%s", r.out);
	cr_expect(strstr(r.out, "running deprivileged: a monitor is present"), "%s", r.out);
	cr_expect_eq(r.status, 3);
	krun_free(&r);
}
