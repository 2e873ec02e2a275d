/*
 * bench_startup.c -- `trapvisor bench startup`: what it costs to start a
 * machine (issue 18).  A trivial guest runs at --mem 64M and at 1G, bare,
 * trap and vt; each run is a child process, so its wall time and its peak
 * resident memory (getrusage's ru_maxrss, from wait4) are its own.  With
 * machine RAM an anonymous reservation (isa-toy/ram.h) both should be
 * flat in --mem: the host backs only the pages the guest touched.
 */
#define _GNU_SOURCE /* asprintf */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/bench.h"
#include "core/run.h"

/* One run of `trapvisor run --mode=MODE --mem MEM GUEST`, output thrown
 * away: 0 with its wall seconds and peak RSS in KiB, or -1 (message). */
static int startup_run(const char *exe, const char *mode, const char *mem, const char *guest,
		       double *secs, long *rss_kib)
{
	char mode_opt[32];
	snprintf(mode_opt, sizeof(mode_opt), "--mode=%s", mode);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fflush(NULL); /* or the child would print our buffered lines again */
	pid_t pid = fork();
	if (pid < 0) {
		perror("trapvisor bench startup: fork");
		return -1;
	}
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stdout))
			_exit(127);
		execl(exe, exe, "run", mode_opt, "--mem", mem, guest, (char *)NULL);
		_exit(127);
	}
	int status;
	struct rusage ru;
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR) {
			perror("trapvisor bench startup: wait4");
			return -1;
		}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "trapvisor bench startup: the %s run at --mem %s failed\n", mode,
			mem);
		return -1;
	}
	*secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	*rss_kib = ru.ru_maxrss;
	return 0;
}

int bench_startup_main(int argc, char **argv)
{
	const char *guest = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--guest") && i + 1 < argc) {
			guest = argv[++i];
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("usage: trapvisor bench startup [--guest ELF]\n\n"
			       "Wall time and peak resident memory of a run of a trivial guest\n"
			       "(default: tests/guest/hello.elf beside the executable's build)\n"
			       "at --mem 64M and 1G, in modes bare, trap and vt.\n");
			return 0;
		} else {
			fprintf(stderr, "trapvisor bench startup: unknown option '%s'\n", argv[i]);
			return TV_EXIT_USAGE;
		}
	}
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		perror("trapvisor bench startup: /proc/self/exe");
		return 1;
	}
	exe[n] = 0;
	char *own = NULL;
	if (!guest) {
		char *dir = strdup(exe), *slash = strrchr(dir, '/');
		if (slash)
			*slash = 0;
		if (asprintf(&own, "%s/tests/guest/hello.elf", dir) < 0)
			own = NULL;
		free(dir);
		guest = own;
	}
	if (!guest || access(guest, R_OK)) {
		fprintf(stderr, "trapvisor bench startup: cannot read the guest %s\n",
			guest ? guest : "(none)");
		free(own);
		return TV_EXIT_USAGE;
	}
	static const char *const modes[] = { "bare", "trap", "vt" };
	static const char *const mems[] = { "64M", "1G" };
	printf("start-up of a trivial guest (%s)\n", guest);
	printf("%-6s %6s %10s %12s\n", "mode", "--mem", "wall s", "peak RSS MiB");
	int rc = 0;
	for (unsigned m = 0; m < 3 && !rc; m++)
		for (unsigned s = 0; s < 2 && !rc; s++) {
			double secs;
			long rss;
			rc = startup_run(exe, modes[m], mems[s], guest, &secs, &rss);
			if (!rc)
				printf("%-6s %6s %10.3f %12.1f\n", modes[m], mems[s], secs,
				       (double)rss / 1024.0);
		}
	free(own);
	return rc ? 1 : 0;
}
