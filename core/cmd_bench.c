/*
 * cmd_bench.c -- `trapvisor bench WHAT [OPTIONS]`: find WHAT in the
 * table and hand it the rest of the command line.  One row so far (the
 * comparison of the modes, core/bench_modes.c; emulated disk against
 * virtio, core/bench_disks.c).
 */
#include <stdio.h>
#include <string.h>

#include "core/bench.h"
#include "core/run.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv); /* argv[0] = name */
	const char *help;
} bench_commands[] = {
	{ "modes", bench_modes_main,
	  "microbenchmarks in every mode: software against hardware assist" },
	{ "disks", bench_disks_main,
	  "the emulated disk against virtio-blk, per KiB, in each mode" },
	{ "startup", bench_startup_main,
	  "start-up time and peak RSS of a trivial guest at 64 MiB and 1 GiB" },
	{ "reclaim", bench_reclaim_main,
	  "taking memory back from VMs: swap against the balloon, in pages" },
	{ NULL, NULL, NULL },
};

static void bench_usage(FILE *f)
{
	fprintf(f, "usage: trapvisor bench WHAT [OPTIONS]\n\nwhat:\n");
	for (int i = 0; bench_commands[i].name; i++)
		fprintf(f, "  %-8s %s\n", bench_commands[i].name, bench_commands[i].help);
	fprintf(f, "\n`trapvisor bench WHAT --help` describes each.\n");
}

int cmd_bench(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "trapvisor bench: say what to run (try --help)\n");
		return TV_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		bench_usage(stdout);
		return 0;
	}
	for (int i = 0; bench_commands[i].name; i++)
		if (!strcmp(argv[1], bench_commands[i].name))
			return bench_commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "trapvisor bench: unknown benchmark '%s' (try --help)\n", argv[1]);
	return TV_EXIT_USAGE;
}
