/*
 * guest_test.c -- the one-feature guest programs, a named table: each row
 * runs `trapvisor run` on one program and checks its console output and
 * exit status.  Run one alone with `build/tests/bin/guest --filter
 * 'guest/timer'`.  The expected texts follow from each program's source.
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

/* A program that needs nothing of U-mode's sstatus semantics runs on the
 * legacy ISA too (where U-mode sstatus accesses do not trap). */
#define GUEST_TEST_STRICT(name, args, input, want_out, want_status)                        \
	GUEST_IN(guest, "bare", name, args, input, want_out, want_status)                  \
	GUEST_IN(guest_trap, "trap", name, args, input, want_out, want_status)             \
	GUEST_IN(guest_bt, "bt", name, args, input, want_out, want_status)                 \
	GUEST_IN(guest_pv, "pv", name, args, input, want_out, want_status)                 \
	GUEST_IN(guest_vt, "vt --paging=nested", name, args, input, want_out, want_status) \
	GUEST_IN(guest_vt_shadow, "vt --paging=shadow", name, args, input, want_out, want_status)
#define GUEST_TEST(name, args, input, want_out, want_status)        \
	GUEST_TEST_STRICT(name, args, input, want_out, want_status) \
	GUEST_IN(guest_legacy, "bare --isa=legacy", name, args, input, want_out, want_status)

GUEST_TEST(hello, "", "", "hello, TRV32\nDBCN write\ndbcn ok\n!\n", 0)
GUEST_TEST(uart_tx, "", "", "uart says hi\n", 0)
GUEST_TEST(exit_code, "", "", "exiting with 42\n", 42)
GUEST_TEST(srst, "", "", "shutting down\n", 7)
GUEST_TEST(sbi_base, "", "",
	   "spec 0x02000000\nprobe dbcn 1\nprobe junk 0\nunknown error 2\nbad reset error 3\n", 0)
GUEST_TEST(timer, "", "", "ticks 3 time ok\n", 0)
/* U-mode with the guest's MMU off (satp = 0): under vt --paging=shadow
 * this once livelocked on its first fetch in U-mode.  It reads sstatus in
 * U-mode and wants the trap, so not on the legacy ISA. */
GUEST_TEST_STRICT(user_mode, "", "",
		  "trap cause 8 from U a7=5\ntrap cause 2 from U stval 0x10002573\n", 0)
/* S and U take turns on the same pages with the MMU off, SUM off and on:
 * a shadow entry made for one mode must be remade for the other. */
GUEST_TEST(user_mmu_off, "", "",
	   "round 0 0x00007be2\nround 1 0x01d10b85\nround 2 0xd1bc3e90\nround 3 0x53a6db15\n", 0)
GUEST_TEST(paging, "", "",
	   "data[5] 0x1234abcd\nA/D clear at first\nA after read\nA+D after write\n"
	   "fault cause 13 stval 0x40001000\n",
	   0)
GUEST_TEST(uart_rx, "", "hi there\n", "line: hi there\n", 0)
GUEST_TEST(misaligned, "", "", "0x54433221 0x00005443 0xa1b2c3d4\n", 0)
GUEST_TEST(selfmod, "", "", "7 9\n", 0)
GUEST_TEST(misaligned_low, "", "", "cause 5 stval 0x00000001\n", 0)
GUEST_TEST(wfi_forever, "", "", "waiting\n", 125)
GUEST_TEST(trapstorm, "--max-insns 5000", "", "storm\n", 124)
GUEST_TEST(exitstorm, "--max-insns 20000", "", "exits\n", 124)

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
