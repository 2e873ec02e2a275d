/*
 * bench_reclaim.c -- `trapvisor bench reclaim`: the two ways a monitor
 * takes memory back from a VM, swap and the balloon (core/reclaim.c), as
 * numbers, in this process, muted.
 *
 * Part 1, one 8 MiB VM that the monitor wants down to 2 MiB.  The kernel
 * boots (and, its free list living in the free pages themselves, writes
 * every page once), then its program runs memtouch:1.
 *   - nothing taken: the baseline
 *   - swap (--mem-limit 2M): the monitor picks pages blind; it writes to
 *     its swap file pages the guest holds free, and reads them back when
 *     the guest allocates them again -- only for the guest to clear them
 *   - balloon (--balloon 6M): the guest picks: free pages, dropped with
 *     no I/O at all
 * Part 2, two 8 MiB VMs under one --mem-limit 12M: vm0 boots and idles
 * (its program only watches the balloon), vm1 runs memtouch:4.  Without
 * the balloon, vm0's idle pages hold a third of the machine and vm1
 * swaps; with vm0's balloon at 6M those frames go to vm1.
 *
 * "resident" is the guest pages in host memory at the end (mincore), so
 * what the VMs cost the machine, whoever dropped what.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/bench.h"
#include "core/run.h"

#define MIB (1024u * 1024u)

struct bench_reclaim_case {
	const char *name;
	uint64_t mem_limit;	  /* 0: none */
	uint64_t balloon;	  /* vm0's balloon, 0: no balloon */
	const char *vm1_bootargs; /* NULL: one VM */
};

static const struct bench_reclaim_case bench_reclaim_cases[] = {
	{ "one VM: nothing taken", 0, 0, NULL },
	{ "one VM: swap, --mem-limit 2M", 2 * MIB, 0, NULL },
	{ "one VM: balloon, --balloon 6M", 0, 6 * MIB, NULL },
	{ "two VMs, limit 12M: no balloon", 12 * MIB, 0, "run=memtouch:4" },
	{ "two VMs, limit 12M: vm0 --balloon 6M", 12 * MIB, 6 * MIB, "run=memtouch:4" },
};
#define BENCH_RECLAIM_NCASES (int)(sizeof(bench_reclaim_cases) / sizeof(bench_reclaim_cases[0]))

static int bench_reclaim_run(const struct bench_reclaim_case *c, const char *mode,
			     const char *kernel, struct run_counts *counts)
{
	struct run_config cfg = {
		.mode = mode,
		.nguests = c->vm1_bootargs ? 2 : 1,
		.mute = true,
		.mem_limit = c->mem_limit,
		.counts = counts,
	};
	cfg.guest[0] = (struct run_guest){
		.elf_path = kernel,
		.ram_size = 8 * MIB,
		/* Only a VM with a balloon runs the program that watches it. */
		.bootargs = c->vm1_bootargs ? (c->balloon ? "run=balloon" : "run=hello")
			    : c->balloon    ? "run=balloon,memtouch:1"
					    : "run=memtouch:1",
	};
	if (c->balloon) {
		cfg.guest[0].balloon[0] = (struct vm_balloon_request){ c->balloon, 0 };
		cfg.guest[0].nballoon = 1;
	}
	if (c->vm1_bootargs)
		cfg.guest[1] = (struct run_guest){ .elf_path = kernel,
						   .ram_size = 8 * MIB,
						   .bootargs = c->vm1_bootargs };
	*counts = (struct run_counts){ .status = -1 };
	return run_find_mode(mode)->run(&cfg);
}

static void bench_reclaim_usage(FILE *f)
{
	fprintf(f, "usage: trapvisor bench reclaim [--mode MODE] [--kernel ELF]\n\n"
		   "Taking memory back from VMs by swap (--mem-limit) and by the balloon\n"
		   "(--balloon): pages written to and read back from the swap file, pages the\n"
		   "balloon dropped, guest pages left in host memory, host time.  Part 1: one\n"
		   "8 MiB VM brought down to 2 MiB, then running memtouch:1.  Part 2: two 8 MiB\n"
		   "VMs under --mem-limit 12M, vm0 idle, vm1 running memtouch:4.\n\n"
		   "  --mode MODE     trap (default), bt, vt\n"
		   "  --kernel ELF    the kernel (default: guests/kernel.elf beside trapvisor)\n");
}

int bench_reclaim_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "kernel", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *mode = "trap", *kernel = NULL;
	char *own = NULL;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'm': mode = optarg; break;
		case 'K': kernel = optarg; break;
		case 'h': bench_reclaim_usage(stdout); return 0;
		default:
			fprintf(stderr,
				"trapvisor bench reclaim: unknown or incomplete option '%s' "
				"(try --help)\n",
				argv[optind - 1]);
			return TV_EXIT_USAGE;
		}
	}
	if (strcmp(mode, "trap") && strcmp(mode, "bt") && strcmp(mode, "vt")) {
		fprintf(stderr, "trapvisor bench reclaim: --mode %s: trap, bt or vt\n", mode);
		return TV_EXIT_USAGE;
	}
	if (!kernel)
		kernel = own = bench_beside_exe("kernel.elf");
	if (!kernel || access(kernel, R_OK)) {
		fprintf(stderr, "trapvisor bench reclaim: %s: %s (build it with make)\n",
			kernel ? kernel : "kernel", strerror(errno));
		free(own);
		return TV_EXIT_USAGE;
	}
	printf("bench reclaim (mode %s): pages of 4 KiB\n", mode);
	printf("%-38s %9s %9s %10s %9s %12s  %s\n", "case", "swap-out", "swap-in", "ballooned",
	       "resident", "guest insns", "host ms");
	int rc = 0;
	for (int i = 0; i < BENCH_RECLAIM_NCASES; i++) {
		struct run_counts n;
		const struct bench_reclaim_case *k = &bench_reclaim_cases[i];
		int st = bench_reclaim_run(k, mode, kernel, &n);
		if (st != 0 || n.status != 0) {
			fprintf(stderr, "trapvisor bench reclaim: '%s' ended with status %d\n",
				k->name, st);
			rc = 1;
			continue;
		}
		printf("%-38s %9llu %9llu %10llu %9llu %12llu  %.1f\n", k->name,
		       (unsigned long long)n.swap_outs, (unsigned long long)n.swap_ins,
		       (unsigned long long)n.ballooned, (unsigned long long)n.resident,
		       (unsigned long long)n.insns, (double)n.ns / 1e6);
	}
	printf("(guest insns: vm0's; swap, balloon and resident: all VMs of the run)\n");
	free(own);
	return rc;
}
