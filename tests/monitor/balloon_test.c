/*
 * balloon_test.c -- the memory balloon (--balloon, issue 15): the monitor
 * asks, the teaching kernel's driver gives free pages, the monitor drops
 * them with no swap I/O, and gives them back on request; in every monitor
 * mode.  Under one --mem-limit, a ballooned VM's pages go to the other
 * VM, which stops swapping.  Bad --balloon options: one line, exit 2.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/guest/runner.h"

#define KERNEL	  "build/guests/kernel.elf"
#define KERNEL_PV "build/guests/kernel-pv.elf"

/* Inflate to 6 MiB of an 8 MiB guest at start-up, deflate to nothing
 * after 8M instructions (`balloon:2` waits for that second request),
 * then touch 6 MiB: the pages given back must work as memory again
 * (memtouch checks every page it wrote). */
#define BALLOON_RUN                                                  \
	" --stats --mem 8M --balloon 6M --balloon 0,at=8M --append " \
	"run=balloon,balloon:2,memtouch:6 "

static long long number_after(const char *text, const char *label)
{
	const char *p = strstr(text, label);
	return p ? strtoll(p + strlen(label), NULL, 10) : -1;
}

static void check_mode(const char *mode, const char *kernel, struct runner_result *r)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), TV_BIN " run %s" BALLOON_RUN "%s", mode, kernel);
	runner_run(cmd, "", r);
	cr_assert_eq(r->status, 0, "%s: %s\n%s", mode, r->out, r->err);
	cr_expect(strstr(r->out, "balloon: gave the monitor 1536 pages; 1536 in the balloon"),
		  "%s: %s", mode, r->out);
	cr_expect(strstr(r->out, "the monitor asked for 1536 pages, the balloon holds 1536"),
		  "%s: %s", mode, r->out);
	cr_expect(strstr(r->out, "balloon: took back 1536 pages; 0 in the balloon"), "%s: %s", mode,
		  r->out);
	cr_expect(strstr(r->out, "memtouch: touched 1536 pages (6 MiB), checksum 1178880, 0 bad"),
		  "%s: %s", mode, r->out);
	/* The device's and the monitor's view of it. */
	cr_expect(strstr(r->err, "1536 pages given, 1536 taken back, 0 refused"), "%s: %s", mode,
		  r->err);
	cr_expect_eq(number_after(r->err, "balloon: 0 pages in it now; "), 1536, "%s: %s", mode,
		     r->err);
}

/* The same transcript as trap-and-emulate, in every mode. */
static void check_same_as_trap(const char *mode, const char *kernel)
{
	struct runner_result trap, r;
	check_mode("--mode=trap", KERNEL, &trap);
	check_mode(mode, kernel, &r);
	cr_expect_str_eq(r.out, trap.out, "%s: transcript differs from trap's", mode);
	runner_free(&trap);
	runner_free(&r);
}

Test(balloon, trap_inflate_deflate_reuse)
{
	struct runner_result r;
	check_mode("--mode=trap", KERNEL, &r);
	runner_free(&r);
}
Test(balloon, bt_same_as_trap)
{
	check_same_as_trap("--mode=bt", KERNEL);
}
Test(balloon, vt_nested_same_as_trap)
{
	check_same_as_trap("--mode=vt", KERNEL);
}
Test(balloon, vt_shadow_same_as_trap)
{
	check_same_as_trap("--mode=vt --paging=shadow", KERNEL);
}
Test(balloon, pv)
{
	struct runner_result r;
	check_mode("--mode=pv", KERNEL_PV, &r);
	runner_free(&r);
}

/* Two 8 MiB VMs under --mem-limit 12M: vm1 touches 4 MiB.  Without a
 * balloon vm0's idle pages keep their frames and vm1 swaps; with vm0's
 * balloon at 6 MiB vm1 runs without a single swap-out, and its transcript
 * is the same either way. */
static void run_pair(const char *vm0_opts, struct runner_result *r)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
		 TV_BIN " run --stats --mem-limit 12M --mem 8M %s " KERNEL
			" --append run=memtouch:4 " KERNEL,
		 vm0_opts);
	runner_run(cmd, "", r);
	cr_assert_eq(r->status, 0, "%s: %s", vm0_opts, r->err);
}

/* vm1's lines of a two-VM transcript. */
static char *vm1_lines(const char *out)
{
	char *s = calloc(1, strlen(out) + 1);
	for (const char *p = out; (p = strstr(p, "[vm1] ")); p++) {
		const char *nl = strchr(p, '\n');
		strncat(s, p, nl ? (size_t)(nl - p + 1) : strlen(p));
	}
	return s;
}

Test(balloon, frames_go_to_the_other_vm)
{
	struct runner_result plain, ballooned;
	run_pair("--append run=hello", &plain);
	run_pair("--balloon 6M --append run=balloon", &ballooned);
	const char *vm1_plain = strstr(plain.err, "vm1 (exit");
	const char *vm1_bal = strstr(ballooned.err, "vm1 (exit");
	cr_assert(vm1_plain && vm1_bal);
	cr_expect_gt(number_after(vm1_plain, "swap-outs "), 1000, "%s", plain.err);
	cr_expect_eq(number_after(vm1_bal, "swap-outs "), 0, "%s", ballooned.err);
	cr_expect_eq(number_after(vm1_bal, "swap-ins "), 0, "%s", ballooned.err);
	cr_expect(strstr(ballooned.out, "[vm0] balloon: the monitor asked for 1536 pages, the "
					"balloon holds 1536"),
		  "%s", ballooned.out);
	char *a = vm1_lines(plain.out), *b = vm1_lines(ballooned.out);
	cr_expect(strstr(a, "memtouch: touched 1024 pages (4 MiB)"), "%s", a);
	cr_expect_str_eq(a, b, "vm1's transcript changed with vm0's balloon");
	free(a);
	free(b);
	runner_free(&plain);
	runner_free(&ballooned);
}

/* Without --balloon the program says there is none (exit 2), and the
 * kernel's boot does not change. */
Test(balloon, no_device_without_the_option)
{
	struct runner_result r;
	runner_run(TV_BIN " run --mem 8M --append run=balloon " KERNEL, "", &r);
	cr_expect_eq(r.status, 2, "%s", r.err);
	cr_expect(strstr(r.out, "balloon: no balloon device"), "%s", r.out);
	cr_expect_null(strstr(r.out, "gave the monitor"), "%s", r.out);
	runner_free(&r);
}

/* A target larger than the guest can give: the driver keeps 1 MiB free,
 * says how far it got, and the guest goes on. */
Test(balloon, target_beyond_what_the_guest_can_give)
{
	struct runner_result r;
	runner_run(TV_BIN " run --mem 8M --balloon 8M --append run=balloon,hello " KERNEL, "", &r);
	cr_expect_eq(r.status, 1, "balloon exits 1 short of its target: %s", r.err);
	cr_expect(strstr(r.out, "the monitor asked for 2048 pages"), "%s", r.out);
	cr_expect(strstr(r.out, "(asked: 2048), 256 free"), "%s", r.out);
	runner_free(&r);
}

static void check_bad(const char *opts, const char *word)
{
	char cmd[256];
	struct runner_result r;
	snprintf(cmd, sizeof(cmd), TV_BIN " run %s", opts);
	runner_run(cmd, "", &r);
	cr_expect_eq(r.status, 2, "%s: status %d", opts, r.status);
	const char *nl = strchr(r.err, '\n');
	cr_expect(nl && !nl[1], "%s: not one line: %s", opts, r.err);
	cr_expect(strstr(r.err, word), "%s: %s", opts, r.err);
	cr_expect_str_eq(r.out, "", "%s: the guest ran", opts);
	runner_free(&r);
}

Test(balloon, bad_input_one_line_exit_2)
{
	check_bad("--balloon 5000 " KERNEL, "--balloon");
	check_bad("--balloon lots " KERNEL, "--balloon");
	check_bad("--balloon 2G " KERNEL, "--balloon");
	check_bad("--balloon 4M,at= " KERNEL, "--balloon");
	check_bad("--balloon 4M,when=3 " KERNEL, "--balloon");
	check_bad("--balloon 4M,at=9M --balloon 2M,at=1M " KERNEL, "--balloon");
	check_bad("--balloon 1M --balloon 1M --balloon 1M --balloon 1M --balloon 1M " KERNEL,
		  "at most 4");
	check_bad(KERNEL " --balloon 4M", "after the last guest");
	check_bad("--mode=bare --balloon 4M " KERNEL, "not --mode=bare");
}

/* A ballooned VM suspended and resumed -- before the driver is up, with
 * the balloon full, in the middle of the deflate's request, while the
 * pages come back -- joins into the run that never stopped: the device,
 * the monitor's schedule and which pages are in the balloon are state. */
Test(balloon, suspend_and_resume_anywhere)
{
	struct runner_result whole;
	runner_run(TV_BIN " run --mode=trap" BALLOON_RUN KERNEL, "", &whole);
	cr_assert_eq(whole.status, 0, "%s", whole.err);
	long long insns = number_after(whole.err, "instructions retired: ");
	static const unsigned long long at[] = { 300000, 2000000, 8000000, 8000001, 9000000 };
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		char snap[] = "/tmp/tv-balloon-XXXXXX", cmd[512];
		cr_assert_eq(runner_tmpfile(snap), 0);
		struct runner_result a, b;
		snprintf(cmd, sizeof(cmd),
			 TV_BIN
			 " run --mode=trap --suspend-at %llu --snapshot %s" BALLOON_RUN KERNEL,
			 at[i], snap);
		runner_run(cmd, "", &a);
		cr_assert_eq(a.status, 0, "at %llu: %s", at[i], a.err);
		snprintf(cmd, sizeof(cmd), TV_BIN " resume --stats %s", snap);
		runner_run(cmd, "", &b);
		unlink(snap);
		cr_expect_eq(b.status, 0, "at %llu: %s", at[i], b.err);
		char *joined = malloc(strlen(a.out) + strlen(b.out) + 1);
		strcpy(joined, a.out);
		strcat(joined, b.out);
		cr_expect_str_eq(joined, whole.out, "split at %llu", at[i]);
		cr_expect_eq(number_after(b.err, "instructions retired: "), insns, "at %llu",
			     at[i]);
		cr_expect(strstr(b.err, "1536 pages given, 1536 taken back, 0 refused"),
			  "at %llu: %s", at[i], b.err);
		free(joined);
		runner_free(&a);
		runner_free(&b);
	}
	runner_free(&whole);
}
