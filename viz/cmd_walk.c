/*
 * cmd_walk.c -- `trapvisor walk [run options] guest.elf --at SYM|--after N
 * --va ADDR (--dot F | --png F | --svg F)`: run the guest to a point, then
 * draw how one virtual address translates there (or, with --all, every
 * mapping of the address space).  The text of the walk goes to stdout,
 * the guest's console to stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/run.h"
#include "viz/cli.h"
#include "viz/cmds.h"
#include "viz/console.h"
#include "viz/dot.h"

int viz_walk_main(int argc, char **argv);

static void walk_usage(FILE *f)
{
	fprintf(f, "usage: trapvisor walk [OPTIONS] guest.elf (--at SYM | --after N)\n"
		   "                      (--va ADDR | --all) (--dot F | --png F | --svg F)...\n"
		   "\n"
		   "Run the guest to a point, then draw the translation of one virtual address:\n"
		   "satp -> level-1 PTE -> level-0 PTE -> guest physical -> machine physical,\n"
		   "beside the shadow table's direct path (under the monitor).  --all draws every\n"
		   "valid mapping of the guest's address space instead, runs of pages merged.\n"
		   "\n"
		   "options:\n" VIZ_RUN_HELP
		   "  --at SYM|ADDR    stop when the pc first reaches SYM (or ADDR)\n"
		   "  --after N        stop after N instructions or traps\n"
		   "  --va ADDR        the virtual address (or symbol) to translate\n"
		   "  --all            the whole address space instead of one address\n"
		   "  --dot F, --png F, --svg F   write the drawing (several allowed)\n"
		   "  -h, --help       this text\n"
		   "\n" DBG_ADDR_HELP "\n");
}

enum { W_AT = VIZ_OPT_OWN, W_AFTER, W_VA, W_ALL, W_DOT, W_PNG, W_SVG };

int viz_walk_main(int argc, char **argv)
{
	static const struct option opts[] = {
		VIZ_RUN_OPTIONS,
		{ "at", required_argument, NULL, W_AT },
		{ "after", required_argument, NULL, W_AFTER },
		{ "va", required_argument, NULL, W_VA },
		{ "all", no_argument, NULL, W_ALL },
		{ "dot", required_argument, NULL, W_DOT },
		{ "png", required_argument, NULL, W_PNG },
		{ "svg", required_argument, NULL, W_SVG },
		{ NULL, 0, NULL, 0 },
	};
	struct {
		const char *path, *fmt;
	} out[8];
	int nout = 0, c, r;
	const char *at = NULL, *va_s = NULL;
	uint64_t after = 0;
	bool all = false;
	struct viz_cli cli;

	viz_cli_init(&cli);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "-h", opts, NULL)) != -1) {
		if ((r = viz_cli_option(&cli, c, optarg, "walk")) < 0)
			return TV_EXIT_USAGE;
		if (r)
			continue;
		switch (c) {
		case W_AT: at = optarg; break;
		case W_AFTER:
			if (run_parse_size(optarg, &after) || !after) {
				fprintf(stderr,
					"trapvisor walk: --after %s: need a positive count\n",
					optarg);
				return TV_EXIT_USAGE;
			}
			break;
		case W_VA: va_s = optarg; break;
		case W_ALL: all = true; break;
		case W_DOT:
		case W_PNG:
		case W_SVG:
			if (nout == 8) {
				fprintf(stderr, "trapvisor walk: at most 8 drawings\n");
				return TV_EXIT_USAGE;
			}
			out[nout].path = optarg;
			out[nout++].fmt = c == W_DOT ? "dot" : c == W_PNG ? "png" : "svg";
			break;
		case 'h': walk_usage(stdout); return 0;
		default:
			fprintf(stderr,
				"trapvisor walk: unknown or incomplete option '%s' (try --help)\n",
				argv[optind - 1]);
			return TV_EXIT_USAGE;
		}
	}
	if (viz_cli_done(&cli, argc, argv, "walk"))
		return TV_EXIT_USAGE;
	if (!va_s && !all) {
		fprintf(stderr, "trapvisor walk: which address? --va ADDR (or --all)\n");
		return TV_EXIT_USAGE;
	}

	struct dbg *d = calloc(1, sizeof(*d));
	struct viz_console *con = calloc(1, sizeof(*con));
	int status = 0;
	if (!d || !con) {
		fprintf(stderr, "trapvisor: out of memory\n");
		free(d);
		free(con);
		return 1;
	}
	con->echo = stderr;
	if (dbg_open(d, &cli.cfg, viz_console_put, con)) {
		status = TV_EXIT_USAGE;
		goto out;
	}
	/* Run to the point asked for. */
	uint32_t addr, va = 0;
	if (at) {
		if (dbg_parse_addr(d, at, &addr)) {
			fprintf(stderr, "trapvisor walk: --at %s: no such symbol or address\n", at);
			status = TV_EXIT_USAGE;
			goto out_close;
		}
		dbg_break_add(d, addr, true);
		if (dbg_resume(d, UINT64_MAX) != DBG_STOP_BREAK) {
			fprintf(stderr, "trapvisor walk: the guest never reached %s (%s)\n", at,
				dbg_stop_describe(d));
			status = 1;
			goto out_close;
		}
	} else if (after && dbg_resume(d, after) == DBG_STOP_EXIT) {
		fprintf(stderr, "trapvisor walk: the guest exited before %llu steps\n",
			(unsigned long long)after);
		status = 1;
		goto out_close;
	}
	if (va_s && dbg_parse_addr(d, va_s, &va)) {
		fprintf(stderr, "trapvisor walk: --va %s: no such symbol or address\n", va_s);
		status = TV_EXIT_USAGE;
		goto out_close;
	}
	dbg_print_where(d);
	if (all) {
		char cmd[64] = "map";
		status = dbg_exec(d, cmd) ? 1 : 0;
		for (int i = 0; i < nout; i++)
			if (dbg_draw_tree(d, out[i].path, out[i].fmt))
				status = TV_EXIT_USAGE; /* a file not written */
	} else {
		struct viz_xlate x;
		struct viz_caption cap;
		viz_translate(&d->t, va, &x);
		dbg_print_xlate(d, &x);
		dbg_caption(d, &cap);
		for (int i = 0; i < nout; i++)
			if (viz_draw_walk(&x, &cap, out[i].path, out[i].fmt))
				status = TV_EXIT_USAGE; /* a file not written */
	}
	for (int i = 0; i < nout && !status; i++)
		printf("wrote %s\n", out[i].path);
	if (viz_stdout_check("walk"))
		status = TV_EXIT_USAGE;
out_close:
	dbg_close(d);
out:
	free(d);
	free(con);
	return status;
}
