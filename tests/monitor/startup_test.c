/*
 * startup_test.c -- starting a VM costs what its guest touches, not what
 * --mem says: a trivial guest given 1 GiB of RAM under the monitor stays
 * small (peak RSS of the process, from wait4's rusage), while a guest that
 * touches its RAM shows it, so the measure is real.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* Peak RSS in KiB of `trapvisor run --mode=MODE --mem MEM [--append A] ELF`,
 * which must exit 0. */
static long peak_kib(const char *mode, const char *mem, const char *append, const char *elf)
{
	char modeopt[32];
	struct rusage ru;
	int st;
	snprintf(modeopt, sizeof(modeopt), "--mode=%s", mode);
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		if (append)
			execl(TV_BIN, "trapvisor", "run", modeopt, "--mem", mem, "--append", append,
			      elf, (char *)NULL);
		else
			execl(TV_BIN, "trapvisor", "run", modeopt, "--mem", mem, elf, (char *)NULL);
		_exit(127);
	}
	cr_assert_eq(wait4(pid, &st, 0, &ru), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s --mem %s %s: status %d", mode, mem,
		  elf, st);
	return ru.ru_maxrss;
}

#ifdef TV_SANITIZED
#define SMALL_KIB (400L << 10) /* the sanitizers' own shadow memory */
#else
#define SMALL_KIB (48L << 10)
#endif

Test(startup, a_trivial_guest_with_1g_stays_small)
{
	static const char *const modes[] = { "trap", "vt", "bare", "pv" };
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		long kib = peak_kib(modes[i], "1G", NULL, "build/tests/guest/hello.elf");
		cr_expect_lt(kib, SMALL_KIB, "--mode=%s --mem 1G: peak RSS %ld KiB", modes[i], kib);
	}
}

/* The teaching kernel puts every free page on a list (a pointer written
 * into each), so it touches all its RAM: 256 MiB shows. */
Test(startup, a_guest_that_touches_its_ram_is_resident)
{
	long kib = peak_kib("trap", "256M", "run=hello", "build/guests/kernel.elf");
	cr_expect_gt(kib, 200L << 10, "peak RSS %ld KiB", kib);
}
