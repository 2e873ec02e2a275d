/*
 * bench_startup.c -- `trapvisor bench startup`: what it costs to start a
 * VM, against the size of its RAM.
 *
 * A monitor that touched every byte of guest RAM when a VM starts (to
 * clear it, or to build the P->R map) would take time and host memory in
 * proportion to --mem, whatever the guest does.  Ours reserves machine RAM
 * as anonymous memory and hands frames out without touching them
 * (shadowpt/frames.c), so a trivial guest should start as fast, and stay
 * as small, at 1 GiB as at 64 MiB.  This runs `trapvisor run` on a trivial
 * guest at both sizes, bare, trap and vt, and reports the wall time and
 * the peak resident memory of each (getrusage of the child: ru_maxrss).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/bench.h"
#include "core/run.h"

/* One run of `trapvisor run --mode=MODE --mem MEM GUEST`, its output to
 * /dev/null: 0 and the wall time (s) and peak RSS (KiB), or -1. */
static int bench_startup_once(const char *mode, const char *mem, const char *guest, double *s,
			      long *kib)
{
	char modeopt[32];
	struct timespec t0, t1;
	struct rusage ru;
	int st;
	snprintf(modeopt, sizeof(modeopt), "--mode=%s", mode);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		char *args[] = { "trapvisor", "run",	     modeopt, "--mem",
				 (char *)mem, (char *)guest, NULL };
		execv("/proc/self/exe", args);
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) != pid)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	*s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	*kib = ru.ru_maxrss;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

int bench_startup_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "guest", required_argument, NULL, 'g' },
		{ "runs", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const modes[] = { "bare", "trap", "vt" };
	static const char *const mems[] = { "64M", "1G" };
	char *own = NULL;
	const char *guest = NULL;
	uint64_t runs = 3;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'g': guest = optarg; break;
		case 'n':
			if (run_parse_u64(optarg, &runs) || !runs || runs > 100) {
				fprintf(stderr, "trapvisor bench startup: --runs %s: need 1..100\n",
					optarg);
				return TV_EXIT_USAGE;
			}
			break;
		case 'h':
			printf("usage: trapvisor bench startup [--guest ELF] [--runs N]\n\n"
			       "Start a trivial guest (default: the tests' hello.elf) with 64 MiB\n"
			       "and 1 GiB of RAM, bare, trap and vt: wall time and peak resident\n"
			       "memory, best of N (3) runs each.\n");
			return 0;
		default:
			fprintf(stderr, "trapvisor bench startup: unknown option '%s'\n",
				argv[optind - 1]);
			return TV_EXIT_USAGE;
		}
	}
	if (!guest)
		guest = own = bench_beside_exe("../tests/guest/hello.elf");
	if (!guest || access(guest, R_OK)) {
		fprintf(stderr, "trapvisor bench startup: %s: %s (build it with make)\n",
			guest ? guest : "guest", strerror(errno));
		free(own);
		return TV_EXIT_USAGE;
	}
	printf("start-up of a trivial guest (%s), best of %d runs\n\n", guest, (int)runs);
	printf("| mode | RAM | wall ms | peak RSS MiB |\n|---|---|---|---|\n");
	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++)
		for (size_t r = 0; r < sizeof(mems) / sizeof(mems[0]); r++) {
			double best = 1e9, s;
			long kib = 0, k;
			for (uint64_t i = 0; i < runs; i++) {
				if (bench_startup_once(modes[m], mems[r], guest, &s, &k)) {
					fprintf(stderr,
						"trapvisor bench startup: run --mode=%s --mem "
						"%s %s failed\n",
						modes[m], mems[r], guest);
					free(own);
					return 1;
				}
				if (s < best)
					best = s;
				if (k > kib)
					kib = k;
			}
			printf("| %s | %s | %.1f | %.1f |\n", modes[m], mems[r], best * 1e3,
			       (double)kib / 1024);
		}
	free(own);
	return 0;
}
