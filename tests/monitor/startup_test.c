/*
 * startup_test.c -- start-up does not grow with --mem (issue 18): machine
 * RAM is an anonymous reservation, so a trivial guest given 1 GiB leaves
 * the host with a small peak RSS, and runs exactly as at 64 MiB.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define HELLO "build/tests/guest/hello.elf"

/* Run trapvisor with --stats on HELLO; its console output goes to `out`,
 * stats to `err` (files, so no pipe can fill); returns its peak RSS in
 * KiB, from wait4 -- the child's own, not this process's. */
static long run_rss(const char *mode, const char *mem, const char *out, const char *err)
{
	fflush(NULL);
	pid_t pid = fork();
	cr_assert_geq(pid, 0, "fork");
	if (pid == 0) {
		if (!freopen(out, "w", stdout) || !freopen(err, "w", stderr))
			_exit(127);
		execl("build/trapvisor", "trapvisor", "run", mode, "--mem", mem, "--stats", HELLO,
		      (char *)NULL);
		_exit(127);
	}
	int status;
	struct rusage ru;
	cr_assert_eq(wait4(pid, &status, 0, &ru), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s --mem %s failed", mode, mem);
	return ru.ru_maxrss;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "%s", path);
	static char buf[2][8192];
	static int which;
	char *b = buf[which++ & 1];
	size_t n = fread(b, 1, sizeof(buf[0]) - 1, f);
	b[n] = 0;
	fclose(f);
	return b;
}

/* The "instructions retired: N" line of a --stats report. */
static unsigned long long retired(const char *stats)
{
	const char *p = strstr(stats, "instructions retired: ");
	cr_assert_not_null(p, "no instruction count in:\n%s", stats);
	return strtoull(p + strlen("instructions retired: "), NULL, 10);
}

static void check_mode(const char *mode)
{
	char o1[] = "/tmp/tv-startup-XXXXXX", e1[] = "/tmp/tv-startup-XXXXXX";
	char o2[] = "/tmp/tv-startup-XXXXXX", e2[] = "/tmp/tv-startup-XXXXXX";
	char *names[] = { o1, e1, o2, e2 };
	for (int i = 0; i < 4; i++) {
		int fd = mkstemp(names[i]);
		cr_assert_geq(fd, 0);
		close(fd);
	}
	run_rss(mode, "64M", o1, e1);
	long rss = run_rss(mode, "1G", o2, e2);
	/* 1 GiB of guest RAM, a few pages touched: the bound is far below
	 * the RAM and well above the monitor's bookkeeping (a few MiB). */
	cr_expect_lt(rss, 64 * 1024, "%s --mem 1G: peak RSS %ld KiB", mode, rss);
	char *out1 = strdup(slurp(o1)), *out2 = strdup(slurp(o2));
	cr_expect_str_eq(out2, out1, "%s: console differs between 64M and 1G", mode);
	cr_expect_str_not_empty(out1);
	unsigned long long n1 = retired(slurp(e1)), n2 = retired(slurp(e2));
	cr_expect_eq(n2, n1, "%s: %llu instructions at 1G, %llu at 64M", mode, n2, n1);
	free(out1);
	free(out2);
	for (int i = 0; i < 4; i++)
		unlink(names[i]);
}

Test(startup, trap_1g_rss_bounded)
{
	check_mode("--mode=trap");
}
Test(startup, vt_1g_rss_bounded)
{
	check_mode("--mode=vt");
}
Test(startup, bare_1g_rss_bounded)
{
	check_mode("--mode=bare");
}
