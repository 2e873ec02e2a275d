/*
 * replay_test.c -- `run --record FILE` and `--replay FILE` (isa-toy/
 * replay.h): an interactive session, its input typed at times through a
 * pipe, replayed from its log with stdin closed, gives the same transcript
 * and the same instruction count, in every mode; bad logs are refused.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/guest/runner.h"

#define KERNEL	  "build/guests/kernel.elf"
#define PV_KERNEL "build/guests/kernel-pv.elf"

/* The line of --stats that counts instructions ("" if none). */
static char *insns_of(const char *err)
{
	static char line[128];
	const char *p = strstr(err, "instructions retired:");
	line[0] = 0;
	if (p)
		snprintf(line, sizeof(line), "%.*s", (int)strcspn(p, "\n"), p);
	return line;
}

static void record_then_replay(const char *options, const char *kernel)
{
	char log[64], cmd[1024];
	struct runner_result a, b;
	snprintf(log, sizeof(log), "/tmp/tv-replay-%d.log", (int)getpid());
	/* Typed at times: the second line comes while the guest idles. */
	snprintf(cmd, sizeof(cmd),
		 "sh -c \"(sleep 0.2; printf 'first line\\n'; sleep 0.4; printf 'second\\n';"
		 " sleep 0.2) | " TV_BIN " run %s --stats --record %s --append run=echo:2 %s\"",
		 options, log, kernel);
	runner_run(cmd, "", &a);
	cr_assert_eq(a.status, 0, "%s: %s\n%s", options, a.out, a.err);
	cr_assert(strstr(a.out, "echo: 2: second"), "%s", a.out);
	FILE *f = fopen(log, "r");
	cr_assert(f);
	char text[512] = "";
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = 0;
	fclose(f);
	cr_expect(strstr(text, "trapvisor console record 1\nin "), "%s", text);
	cr_expect(strstr(text, "6669727374206c696e650a"), "'first line\\n' in hex:\n%s", text);

	snprintf(cmd, sizeof(cmd), TV_BIN " run %s --stats --replay %s --append run=echo:2 %s",
		 options, log, kernel);
	runner_run(cmd, "", &b); /* stdin empty: the input comes from the log */
	cr_expect_eq(b.status, 0, "%s: %s", options, b.err);
	cr_expect_str_eq(b.out, a.out, "%s: the replayed transcript differs", options);
	cr_expect(*insns_of(a.err), "%s", a.err);
	cr_expect_str_eq(insns_of(b.err), insns_of(a.err), "%s", options);
	runner_free(&a);
	runner_free(&b);
	unlink(log);
}

Test(replay, interactive_session_trap, .timeout = 60)
{
	record_then_replay("--mode=trap", KERNEL);
}
Test(replay, interactive_session_bare, .timeout = 60)
{
	record_then_replay("--mode=bare", KERNEL);
}
Test(replay, interactive_session_bt, .timeout = 60)
{
	record_then_replay("--mode=bt --isa=legacy", KERNEL);
}
Test(replay, interactive_session_pv, .timeout = 60)
{
	record_then_replay("--mode=pv", PV_KERNEL);
}
Test(replay, interactive_session_vt_nested, .timeout = 60)
{
	record_then_replay("--mode=vt --paging=nested", KERNEL);
}
Test(replay, interactive_session_vt_shadow, .timeout = 60)
{
	record_then_replay("--mode=vt --paging=shadow", KERNEL);
}

/* A log written by hand (as a student might) that the run cannot follow:
 * it asks for a look the guest never reaches. */
static void write_log(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert(f);
	fputs(text, f);
	fclose(f);
}

static void expect_refused(const char *text, const char *err_has)
{
	char log[64], cmd[512];
	struct runner_result r;
	snprintf(log, sizeof(log), "/tmp/tv-replay-bad-%d.log", (int)getpid());
	write_log(log, text);
	snprintf(cmd, sizeof(cmd), TV_BIN " run --replay %s " KERNEL, log);
	runner_run(cmd, "", &r);
	cr_expect_eq(r.status, 2, "%s -> %d\n%s", text, r.status, r.err);
	cr_expect(strstr(r.err, err_has), "%s -> %s", text, r.err);
	cr_expect_eq(strchr(r.err, '\n') - r.err + 1, (long)strlen(r.err), "one line: %s", r.err);
	cr_expect_str_eq(r.out, "", "nothing ran");
	runner_free(&r);
	unlink(log);
}

Test(replay, bad_logs_are_one_line_and_exit_2, .timeout = 60)
{
	expect_refused("", "empty file");
	expect_refused("hello\n", "not a console record");
	expect_refused("trapvisor console record 2\n", "not a console record");
	expect_refused("trapvisor console record 1\nin 5 6g\n", "hex");
	expect_refused("trapvisor console record 1\nin 5 abc\n", "pairs of hex");
	expect_refused("trapvisor console record 1\nin 5\n", "no bytes");
	expect_refused("trapvisor console record 1\nin x 41\n", "look number");
	expect_refused("trapvisor console record 1\nin 99999999999999999999999 41\n", "too large");
	expect_refused("trapvisor console record 1\nin 9 41\nin 3 42\n", "not in order");
	expect_refused("trapvisor console record 1\neof 3\nin 4 41\n", "after eof");
	expect_refused("trapvisor console record 1\nout 3 41\n", "not an 'in' or 'eof'");
	expect_refused("trapvisor console record 1\neof 3 x\n", "junk");
}

Test(replay, bad_options_are_one_line_and_exit_2, .timeout = 60)
{
	struct runner_result r;
	runner_run(TV_BIN " run --record /tmp/x --replay /tmp/y " KERNEL, "", &r);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "exclude each other"), "%s", r.err);
	runner_free(&r);
	runner_run(TV_BIN " run --replay /nonexistent/log " KERNEL, "", &r);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "cannot open"), "%s", r.err);
	runner_free(&r);
	runner_run(TV_BIN " run --record /nonexistent/dir/log " KERNEL, "", &r);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "cannot write"), "%s", r.err);
	runner_free(&r);
}

/* A run that does not follow its log (the input is never asked for) ends
 * saying so, and fails. */
Test(replay, a_log_the_run_does_not_reach_fails_the_run, .timeout = 60)
{
	char log[64], cmd[512];
	struct runner_result r;
	snprintf(log, sizeof(log), "/tmp/tv-replay-div-%d.log", (int)getpid());
	write_log(log, "trapvisor console record 1\nin 999999999 410a\n");
	snprintf(cmd, sizeof(cmd), TV_BIN " run --replay %s --append run=hello " KERNEL, log);
	runner_run(cmd, "", &r);
	cr_expect_eq(r.status, 1, "%d %s", r.status, r.err);
	cr_expect(strstr(r.out, "hello, world"), "the run itself ran: %s", r.out);
	cr_expect(strstr(r.err, "did not follow the recording"), "%s", r.err);
	runner_free(&r);
	unlink(log);
}
