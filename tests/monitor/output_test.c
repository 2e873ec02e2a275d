/*
 * output_test.c -- what a run leaves behind: the console's lines and the
 * trace file, when the run is killed by a signal, when the trace cannot be
 * written, and when the trace reaches its cap.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/guest/runner.h"

#define GUEST(name) "build/tests/guest/" name ".elf"

/* --- a small JSON checker: is `s` exactly one JSON value? --- */

static const char *json_value(const char *s);

static const char *json_ws(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	return s;
}

static const char *json_string(const char *s)
{
	if (*s++ != '"')
		return NULL;
	for (; *s != '"'; s++) {
		if ((unsigned char)*s < 0x20)
			return NULL; /* also the end of the text */
		if (*s != '\\')
			continue;
		s++;
		if (*s == 'u') {
			for (int i = 1; i <= 4; i++)
				if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
					return NULL;
			s += 4;
		} else if (!*s || !strchr("\"\\/bfnrt", *s)) {
			return NULL;
		}
	}
	return s + 1;
}

static const char *json_number(const char *s)
{
	const char *start;
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return NULL;
	if (*s == '.') {
		start = ++s;
		while (*s >= '0' && *s <= '9')
			s++;
		if (s == start)
			return NULL;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		start = s;
		while (*s >= '0' && *s <= '9')
			s++;
		if (s == start)
			return NULL;
	}
	return s;
}

/* Members of an object ('{' ... '}') or elements of an array. */
static const char *json_container(const char *s, char close, int object)
{
	s = json_ws(s + 1);
	if (*s == close)
		return s + 1;
	for (;;) {
		if (object) {
			s = json_string(json_ws(s));
			if (!s || *(s = json_ws(s)) != ':')
				return NULL;
			s++;
		}
		s = json_value(s);
		if (!s)
			return NULL;
		if (*s == close)
			return s + 1;
		if (*s++ != ',')
			return NULL;
	}
}

static const char *json_value(const char *s)
{
	s = json_ws(s);
	const char *end;
	if (*s == '{')
		end = json_container(s, '}', 1);
	else if (*s == '[')
		end = json_container(s, ']', 0);
	else if (*s == '"')
		end = json_string(s);
	else if (!strncmp(s, "true", 4) || !strncmp(s, "null", 4))
		end = s + 4;
	else if (!strncmp(s, "false", 5))
		end = s + 5;
	else
		end = json_number(s);
	return end ? json_ws(end) : NULL;
}

static int json_valid(const char *s)
{
	const char *end = json_value(s);
	return end && !*end;
}

Test(output, the_json_checker_tells_good_from_bad)
{
	cr_expect(json_valid("{\"a\":1,\"b\":[true,null,\"x\\u0001\"],\"c\":-2.5e3}"));
	cr_expect(json_valid("{\"seq\":3,\"truncated\":true,\"limit\":8192}"));
	cr_expect(!json_valid("{\"seq\":3,\"icount\":"));
	cr_expect(!json_valid("{\"a\":\"unterminated}"));
	cr_expect(!json_valid("{\"a\":1}}"));
	cr_expect(!json_valid("{\"a\" 1}"));
}

/* Every complete line of the file at `path` is a JSON object; returns the
 * number of lines, and sets *tail to whether anything follows the last
 * newline (a partial line). */
static long check_json_lines(const char *path, int *tail)
{
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lines = 0;
	*tail = 0;
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] != '\n') {
			*tail = 1;
			break;
		}
		line[n - 1] = 0;
		if (line[0] != '{' || !json_valid(line)) /* (asserting each line is slow) */
			cr_assert_fail("line %ld is not JSON: %s", lines + 1, line);
		lines++;
	}
	free(line);
	fclose(f);
	return lines;
}

/* --- killing a run --- */

/* Start `trapvisor run ARGS` (a NULL-ended list) with its stdout to a pipe,
 * as a shell would start it (SIGPIPE at its default action).  Returns the
 * pid; *rd is the pipe's end to read. */
static pid_t spawn_run(const char *const *args, int *rd)
{
	int fds[2];
	cr_assert_eq(pipe(fds), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		char *argv[32] = { TV_BIN, "run" };
		int n = 2;
		for (; args[n - 2] && n < 31; n++)
			argv[n] = (char *)args[n - 2];
		argv[n] = NULL;
		execv(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	*rd = fds[0];
	return pid;
}

/* Start `trapvisor run ARGS`; once `want` has come through its stdout's
 * pipe (within 30 s) and `ms` more milliseconds have passed, send it
 * `sig`; collect everything that came through the pipe and how the
 * process ended (waitpid's status).  Waiting for the guest's line, not a
 * fixed time, keeps the test independent of the machine's load, and it
 * still catches a console that buffers: a line held back in the monitor
 * never arrives, the 30 s pass, and the line is missing from `out`. */
static char *run_and_kill(const char *const *args, const char *want, int ms, int sig, int *wstatus)
{
	int rd;
	pid_t pid = spawn_run(args, &rd);
	size_t len = 0, cap = 256;
	char *out = malloc(cap);
	ssize_t n;
	bool killed = false;
	out[0] = 0;
	for (int waited = 0;;) {
		if (!killed && (strstr(out, want) || waited >= 30000)) {
			struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
			nanosleep(&ts, NULL);
			kill(pid, sig);
			killed = true;
		}
		struct pollfd p = { .fd = rd, .events = POLLIN };
		/* After the signal the pipe ends when the process does: a run
		 * that did not die of it would block here, and the suite's
		 * timeout shows it. */
		if (!killed && poll(&p, 1, 100) == 0) {
			waited += 100;
			continue;
		}
		if ((n = read(rd, out + len, cap - len - 1)) <= 0)
			break;
		len += (size_t)n;
		out[len] = 0;
		if (cap - len < 2)
			out = realloc(out, cap *= 2);
	}
	out[len] = 0;
	close(rd);
	cr_assert_eq(waitpid(pid, wstatus, 0), pid);
	return out;
}

static void killed_spin(const char *mode, const char *paging, int sig)
{
	const char *args[] = { mode, paging ? paging : GUEST("spin"), paging ? GUEST("spin") : NULL,
			       NULL };
	int st;
	char *out = run_and_kill(args, "spinning\n", 0, sig, &st);
	/* The line the guest printed before it spun reached the pipe ... */
	cr_expect_str_eq(out, "spinning\n", "%s %s, signal %d", mode, paging ? paging : "", sig);
	/* ... and the run still died of the signal, as the shell expects. */
	cr_expect(WIFSIGNALED(st) && WTERMSIG(st) == sig, "%s: status %#x after signal %d", mode,
		  st, sig);
	free(out);
}

Test(output, a_killed_run_delivered_its_console_lines, .timeout = 60)
{
	static const char *const modes[][2] = {
		{ "--mode=bare", NULL },
		{ "--mode=trap", NULL },
		{ "--mode=bt", NULL },
		{ "--mode=pv", NULL },
		{ "--mode=vt", "--paging=nested" },
		{ "--mode=vt", "--paging=shadow" },
	};
	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++)
		killed_spin(modes[m][0], modes[m][1], SIGTERM);
	killed_spin("--mode=trap", NULL, SIGINT);
	killed_spin("--mode=trap", NULL, SIGHUP);
	killed_spin("--mode=vt", "--paging=shadow", SIGINT);
}

/* The arguments `MODE [PAGING] --trace PATH GUEST`, NULL-ended. */
static void traced_args(const char *args[6], const char *mode, const char *paging, const char *path,
			const char *guest)
{
	int n = 0;
	args[n++] = mode;
	if (paging)
		args[n++] = paging;
	args[n++] = "--trace";
	args[n++] = path;
	args[n++] = guest;
	args[n] = NULL;
}

/* A trace file from a run killed mid-storm: complete records only. */
static void killed_trace(const char *mode, const char *paging, int sig)
{
	char path[] = "/tmp/tvkilltraceXXXXXX";
	cr_assert_eq(runner_tmpfile(path), 0);
	const char *args[6];
	traced_args(args, mode, paging, path, GUEST("trapstorm"));
	int st, tail;
	char *out = run_and_kill(args, "storm\n", 300, sig, &st);
	cr_expect_str_eq(out, "storm\n");
	long lines = check_json_lines(path, &tail);
	cr_expect_gt(lines, 100, "%s: a storm of 300 ms traces more than %ld traps", mode, lines);
	if (sig != SIGKILL) /* flushed before dying: no partial line */
		cr_expect(!tail, "%s: the trace ends in a partial line after signal %d", mode, sig);
	free(out);
	unlink(path);
}

Test(output, a_killed_run_leaves_only_complete_json_records, .timeout = 60)
{
	killed_trace("--mode=trap", NULL, SIGTERM);
	killed_trace("--mode=vt", "--paging=shadow", SIGINT);
	killed_trace("--mode=bt", NULL, SIGHUP);
	/* No chance to flush: the last line may be cut, the others are whole. */
	killed_trace("--mode=trap", NULL, SIGKILL);
}

/* `trapvisor run --trace F chatter.elf | head -1`: the reader takes one
 * line and goes away while the guest prints on.  The run must end -- of
 * SIGPIPE, as the shell expects, or by exiting -- and not hang (the
 * suite's timeout), and the trace must end on a complete record. */
static void piped_to_head(const char *mode, const char *paging)
{
	char path[] = "/tmp/tvpipetraceXXXXXX";
	cr_assert_eq(runner_tmpfile(path), 0);
	const char *args[6];
	traced_args(args, mode, paging, path, GUEST("chatter"));
	int rd, st, tail;
	pid_t pid = spawn_run(args, &rd);
	char line[64];
	size_t len = 0;
	/* head -1: a byte at a time up to the first newline, then close. */
	while (len < sizeof(line) - 1 && read(rd, line + len, 1) == 1 && line[len++] != '\n')
		;
	line[len] = 0;
	close(rd);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_expect_str_eq(line, "line 0\n", "%s: the first line", mode);
	cr_expect((WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE) || WIFEXITED(st),
		  "%s %s: status %#x after its reader went away", mode, paging ? paging : "", st);
	long lines = check_json_lines(path, &tail);
	cr_expect_gt(lines, 0, "%s: an empty trace", mode);
	cr_expect(!tail, "%s: the trace ends in a partial line", mode);
	unlink(path);
}

Test(output, a_run_whose_reader_goes_away_ends_with_a_whole_trace, .timeout = 60)
{
	piped_to_head("--mode=trap", NULL);
	piped_to_head("--mode=pv", NULL);
	piped_to_head("--mode=bt", NULL);
	piped_to_head("--mode=vt", "--paging=shadow");
}

/* --- a trace that cannot be written, and the trace's cap --- */

Test(output, an_unwritable_trace_fails_the_run)
{
	const char *const guests[] = { "hello", "trapstorm" };
	for (size_t g = 0; g < 2; g++) {
		char cmd[256];
		snprintf(cmd, sizeof(cmd),
			 TV_BIN " run --max-insns 100000 --trace /dev/full " GUEST("%s"),
			 guests[g]);
		struct runner_result r;
		runner_run(cmd, "", &r);
		cr_expect_eq(r.status, 2, "%s: stderr: %s", cmd, r.err);
		/* One line, naming the file and what went wrong. */
		const char *nl = strchr(r.err, '\n');
		cr_expect(nl && !nl[1], "%s: stderr is not one line: %s", cmd, r.err);
		cr_expect(strstr(r.err, "/dev/full") && strstr(r.err, "No space left"), "%s: %s",
			  cmd, r.err);
		runner_free(&r);
	}
}

Test(output, an_unwritable_console_fails_the_run)
{
	struct runner_result r;
	/* (An inner shell: the runner redirects stdout itself.)  The guest's
	 * own status, 42, gives way to the lost output's. */
	runner_run("sh -c '" TV_BIN " run " GUEST("exit_code") " >/dev/full'", "", &r);
	cr_expect_eq(r.status, 2, "stderr: %s", r.err);
	cr_expect(strstr(r.err, "console output (stdout)"), "stderr: %s", r.err);
	runner_free(&r);
}

/* The trace file at `path` was capped at 8 KiB: it stays under the cap,
 * uses it, holds only whole JSON records, and its last record says where
 * it was cut (the first record left out is the one after the last
 * written). */
static void check_capped_trace(const char *path)
{
	struct stat sb;
	cr_assert_eq(stat(path, &sb), 0);
	cr_expect_leq(sb.st_size, 8192);
	cr_expect_gt(sb.st_size, 4096, "the cap is used, not wasted");
	int tail;
	long lines = check_json_lines(path, &tail);
	cr_expect(!tail);
	FILE *f = fopen(path, "r");
	char line[1024], last[1024] = "";
	while (fgets(line, sizeof(line), f))
		strcpy(last, line);
	fclose(f);
	char want[128];
	snprintf(want, sizeof(want), "{\"seq\":%ld,\"truncated\":true,\"limit\":8192}\n",
		 lines - 1);
	cr_expect_str_eq(last, want);
}

/* `cmd` asks for a cap below TRACE_LIMIT_MIN: one line naming it, exit 2. */
static void refuses_a_tiny_cap(const char *cmd)
{
	struct runner_result r;
	runner_run(cmd, "", &r);
	cr_expect_eq(r.status, 2, "%s: stderr: %s", cmd, r.err);
	cr_expect(strstr(r.err, "--trace-limit 1K"), "%s: stderr: %s", cmd, r.err);
	runner_free(&r);
}

Test(output, the_trace_stops_at_its_cap_and_the_run_goes_on)
{
	char path[] = "/tmp/tvcaptraceXXXXXX";
	cr_assert_eq(runner_tmpfile(path), 0);
	char cmd[256];
	snprintf(cmd, sizeof(cmd),
		 TV_BIN " run --max-insns 100000 --trace %s --trace-limit 8K "
			"--stats " GUEST("trapstorm"),
		 path);
	struct runner_result r;
	runner_run(cmd, "", &r);
	/* The run went on to its --max-insns: 99,939 traps, not a few dozen. */
	cr_expect_eq(r.status, 124, "stderr: %s", r.err);
	const char *t = strstr(r.err, "traps to the monitor: ");
	cr_assert_not_null(t, "stderr: %s", r.err);
	cr_expect_gt(strtoull(t + strlen("traps to the monitor: "), NULL, 10), 99000, "stderr: %s",
		     r.err);
	check_capped_trace(path);
	runner_free(&r);
	unlink(path);

	refuses_a_tiny_cap(TV_BIN " run --trace-limit 1K " GUEST("hello"));
}

/* `trapvisor debug` takes --trace-limit as `run` does. */
Test(output, the_debugger_caps_its_trace_too)
{
	char path[] = "/tmp/tvcaptraceXXXXXX";
	cr_assert_eq(runner_tmpfile(path), 0);
	char cmd[256];
	snprintf(cmd, sizeof(cmd),
		 TV_BIN " debug --batch - --trace %s --trace-limit 8K " GUEST("trapstorm"), path);
	struct runner_result r;
	runner_run(cmd, "stepi 20000\n", &r);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	check_capped_trace(path);
	runner_free(&r);
	unlink(path);

	refuses_a_tiny_cap(TV_BIN " debug --batch - --trace-limit 1K " GUEST("hello"));
}
