/*
 * cmd_resume.c -- `trapvisor resume [OPTIONS] FILE`: build the VM a
 * snapshot describes (core/state.h) and run it on from where it stopped,
 * exactly as if it had never stopped.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/run.h"
#include "core/state.h"

static void resume_usage(FILE *f)
{
	fprintf(f,
		"usage: trapvisor resume [OPTIONS] FILE\n"
		"\n"
		"Go on with the VM whose state `trapvisor run --suspend-at N --snapshot\n"
		"FILE` wrote: same mode, paging, ISA, RAM and --max-insns as that run.\n"
		"The console goes on where it stopped; the exit status and the count\n"
		"of instructions are those of the run that never stopped.\n"
		"\n"
		"options:\n"
		"  --mode=MODE      check that FILE is of this mode (exit 2 if not)\n"
		"  --stats          as run --stats, for the whole run\n"
		"  --suspend-at N   stop again after N instructions in all, and\n"
		"  --snapshot FILE2 write the state to FILE2\n"
		"  -h, --help       this text\n"
		"\n"
		"A truncated, corrupt, wrong-version or wrong-mode FILE: one line on\n"
		"stderr and exit status %d, and no VM runs.\n",
		TV_EXIT_USAGE);
}

int cmd_resume(int argc, char **argv)
{
	enum { OPT_MODE = 256, OPT_STATS, OPT_SUSPEND_AT, OPT_SNAPSHOT };
	static const struct option opts[] = {
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "suspend-at", required_argument, NULL, OPT_SUSPEND_AT },
		{ "snapshot", required_argument, NULL, OPT_SNAPSHOT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_config cfg = { .mode = "trap" };
	const char *want_mode = NULL;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_MODE: want_mode = optarg; break;
		case OPT_STATS: cfg.stats = true; break;
		case OPT_SUSPEND_AT:
			if (run_parse_suspend_at(optarg, &cfg.suspend_at, "resume"))
				return TV_EXIT_USAGE;
			break;
		case OPT_SNAPSHOT: cfg.snapshot = optarg; break;
		case 'h': resume_usage(stdout); return 0;
		default:
			fprintf(
			    stderr,
			    "trapvisor resume: unknown or incomplete option '%s' (try --help)\n",
			    argv[optind - 1]);
			return TV_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "trapvisor resume: need exactly one snapshot FILE (try --help)\n");
		return TV_EXIT_USAGE;
	}
	if (run_check_snapshot(&cfg, "resume"))
		return TV_EXIT_USAGE;
	const char *path = argv[optind];
	struct state_loaded l;
	if (state_load(path, 0, &l))
		return TV_EXIT_USAGE;
	const char *mode = run_loaded_mode(&l);
	if (want_mode && strcmp(want_mode, mode)) {
		fprintf(stderr, "trapvisor resume: %s: a snapshot of mode %s, not %s\n", path, mode,
			want_mode);
		state_loaded_free(&l);
		return TV_EXIT_USAGE;
	}
	return run_loaded(&l, &cfg);
}
