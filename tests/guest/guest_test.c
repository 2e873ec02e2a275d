/*
 * guest_test.c -- the one-feature guest programs, a named table: each row
 * runs `trapvisor run` on one program and checks its console output and
 * exit status.  Run one alone with `build/tests/bin/guest --filter
 * 'guest/timer'`.  The rows are in guests.def (shared with the QEMU peer,
 * tests/peer/peer_guest.c); the expected texts follow from each
 * program's source.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "tests/guest/runner.h"

/* Each program runs on the bare machine and under every kind of monitor:
 * the same output and status every way.  `mode` is the rest of --mode=,
 * with any option that goes with it. */
static void guest_case(const char *mode, const char *name, const char *args, const char *input,
		       const char *want_out, int want_status)
{
	char cmd[512];
	struct runner_result r;
	snprintf(cmd, sizeof(cmd), TV_BIN " run --mode=%s %s build/tests/guest/%s.elf", mode, args,
		 name);
	runner_run(cmd, input, &r);
	cr_expect_str_eq(r.out, want_out, "%s: stderr: %s", cmd, r.err);
	cr_expect_eq(r.status, want_status, "%s: stderr: %s", cmd, r.err);
	runner_free(&r);
}

/* One test per mode; the suite names the mode (guest/ is bare). */
#define GUEST_IN(suite, mode, name, args, input, want_out, want_status)      \
	Test(suite, name)                                                    \
	{                                                                    \
		guest_case(mode, #name, args, input, want_out, want_status); \
	}

/* A row of guests.def runs in every mode; an ANY row on the legacy ISA
 * too (where U-mode sstatus accesses do not trap), a STRICT one not. */
#define GUEST_TEST_STRICT(name, args, input, want_out, want_status)                        \
	GUEST_IN(guest, "bare", name, args, input, want_out, want_status)                  \
	GUEST_IN(guest_trap, "trap", name, args, input, want_out, want_status)             \
	GUEST_IN(guest_bt, "bt", name, args, input, want_out, want_status)                 \
	GUEST_IN(guest_pv, "pv", name, args, input, want_out, want_status)                 \
	GUEST_IN(guest_vt, "vt --paging=nested", name, args, input, want_out, want_status) \
	GUEST_IN(guest_vt_shadow, "vt --paging=shadow", name, args, input, want_out, want_status)
#define GUEST_TEST_ANY(name, args, input, want_out, want_status)    \
	GUEST_TEST_STRICT(name, args, input, want_out, want_status) \
	GUEST_IN(guest_legacy, "bare --isa=legacy", name, args, input, want_out, want_status)

/* Every row, whatever QEMU makes of it (that is tests/peer/peer_guest.c). */
#define GUEST(name, isa, args, input, want_out, want_status, qemu) \
	GUEST_TEST_##isa(name, args, input, want_out, want_status)
#include "tests/guest/guests.def"
#undef GUEST

/* Every guest program tests/guest/NAME.c has its row in guests.def, so
 * that it runs in every mode and, where it can, on QEMU: a program left
 * out there would be checked nowhere.  Not programs: the runtime and the
 * test's own sources; not rows: programs for tests of their own. */
static const char *const guest_listed[] = {
#define GUEST(name, isa, args, input, want_out, want_status, qemu) #name,
#include "tests/guest/guests.def"
#undef GUEST
	/* Not guest programs: */
	"rt",
	"runner",
	"guest_test",
	/* Programs of other tests: output_test.c's run whose reader goes
	 * away, and max_insns_stops_a_runaway here and in tests/monitor. */
	"chatter",
	"spin",
};

Test(guest, programs_all_listed)
{
	struct runner_result r;
	int n = 0;

	runner_run("ls tests/guest", "", &r);
	cr_assert_eq(r.status, 0, "cannot list tests/guest: %s", r.err);
	for (char *save = NULL, *f = strtok_r(r.out, "\n", &save); f;
	     f = strtok_r(NULL, "\n", &save)) {
		size_t len = strlen(f);
		if (len < 3 || strcmp(f + len - 2, ".c"))
			continue; /* crt0.S, headers, guests.def, module.mk */
		f[len - 2] = 0;
		n++;
		int found = 0;
		for (size_t i = 0; i < sizeof(guest_listed) / sizeof(guest_listed[0]); i++)
			found |= !strcmp(guest_listed[i], f);
		cr_expect(found, "tests/guest/%s.c is not in tests/guest/guests.def", f);
	}
	cr_expect_gt(n, 10, "too few programs in tests/guest");
	runner_free(&r);
}

Test(guest, max_insns_stops_a_runaway)
{
	struct runner_result r;
	runner_run(TV_BIN " run --mode=bare --max-insns 100000 --stats "
			  "build/tests/guest/spin.elf",
		   "", &r);
	cr_expect_str_eq(r.out, "spinning\n");
	cr_expect_eq(r.status, 124);
	cr_expect(strstr(r.err, "stopped after 100000 instructions"), "stderr: %s", r.err);
	cr_expect(strstr(r.err, "instructions retired: 100000\n"), "stderr: %s", r.err);
	runner_free(&r);
}

Test(guest, stats_count_traps_by_cause)
{
	struct runner_result r;
	runner_run(TV_BIN " run --mode=bare --stats build/tests/guest/timer.elf", "", &r);
	cr_expect_eq(r.status, 0);
	/* Three timer interrupts, and ecalls for the 16 characters printed. */
	cr_expect(strstr(r.err, "supervisor-timer-interrupt       3\n"), "stderr: %s", r.err);
	cr_expect(strstr(r.err, "ecall-from-S                     16\n"), "stderr: %s", r.err);
	cr_expect(strstr(r.err, "guest MIPS: "), "stderr: %s", r.err);
	runner_free(&r);
}

Test(guest, bootargs_reach_the_device_tree)
{
	/* The bootargs string must appear verbatim in the blob the guest
	 * gets in a1, which sits in the top page of RAM: check by dumping
	 * it with a guest-independent tool is overkill -- the kernel tests
	 * read it; here, check the CLI accepts and rejects sizes. */
	struct runner_result r;
	runner_run(TV_BIN " run --mem 3M --append 'a b' build/tests/guest/hello.elf", "", &r);
	cr_expect_eq(r.status, 0);
	runner_free(&r);
	runner_run(TV_BIN " run --mem 12345 build/tests/guest/hello.elf", "", &r);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "--mem 12345"), "stderr: %s", r.err);
	runner_free(&r);
}

/* Several VMs share one --max-insns budget: a loop of traps or of monitor
 * calls in them is stopped in every mode that runs VMs. */
Test(guest, max_insns_stops_storms_in_several_vms)
{
	static const char *const modes[] = { "trap", "bt", "pv", "vt --paging=nested",
					     "vt --paging=shadow" };
	static const char *const progs[] = { "trapstorm", "exitstorm" };
	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++)
		for (size_t p = 0; p < sizeof(progs) / sizeof(progs[0]); p++) {
			char cmd[512];
			struct runner_result r;
			snprintf(cmd, sizeof(cmd),
				 TV_BIN " run --mode=%s --max-insns 3000000 "
					"build/tests/guest/%s.elf build/tests/guest/%s.elf",
				 modes[m], progs[p], progs[p]);
			runner_run(cmd, "", &r);
			cr_expect_eq(r.status, 124, "%s: stderr: %s", cmd, r.err);
			/* 3,000,000 is more than one turn: both VMs ran. */
			cr_expect(strstr(r.out, "[vm0] ") && strstr(r.out, "[vm1] "),
				  "%s: stdout: %s", cmd, r.out);
			runner_free(&r);
		}
}
