/*
 * cmd_debug.c -- `trapvisor debug [run options] guest.elf`: the debugger.
 * Three faces over one command engine (dbg.h):
 *
 *   (default)      the curses interface (tui.c)
 *   --batch FILE   the commands of FILE ("-" = stdin), each echoed after
 *                  "(tv) " and followed by its output: for tests and for
 *                  preparing slides
 *   --gdb PORT     a GDB remote stub on 127.0.0.1:PORT (gdb.c)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/run.h"
#include "viz/cli.h"
#include "viz/console.h"
#include "viz/gdb.h"
#include "viz/tui.h"

static void dbg_usage(FILE *f)
{
	fprintf(f, "usage: trapvisor debug [OPTIONS] guest.elf [[OPTIONS] guest2.elf ...]\n"
		   "\n"
		   "Debug TRV32 guests: registers real and virtual, code, the monitor's trap\n"
		   "trace, page tables (guest, P->R, shadow), console and memory.  The guest\n"
		   "starts stopped at its entry.  Type `help` for the commands.\n"
		   "\n"
		   "options:\n" VIZ_RUN_HELP
		   "  --batch FILE     run the commands in FILE (- for stdin) without curses\n"
		   "                   and print their output\n"
		   "  --gdb PORT       serve GDB's remote protocol on 127.0.0.1:PORT instead\n"
		   "                   (gdb-multiarch: target remote :PORT)\n"
		   "  -h, --help       this text\n");
}

/* Run a script; returns 0 if every command succeeded, else 1. */
static int dbg_batch(struct dbg *d, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char line[512];
	int status = 0;
	if (!f) {
		perror(path);
		return TV_EXIT_USAGE;
	}
	while (!d->quit && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		printf("(tv) %s\n", line);
		if (dbg_exec(d, line))
			status = 1;
		fflush(stdout);
	}
	if (f != stdin)
		fclose(f);
	return status;
}

int dbg_main(int argc, char **argv)
{
	static const struct option opts[] = {
		VIZ_RUN_OPTIONS,
		{ "batch", required_argument, NULL, VIZ_OPT_OWN },
		{ "gdb", required_argument, NULL, VIZ_OPT_OWN + 1 },
		{ NULL, 0, NULL, 0 },
	};
	struct viz_cli cli;
	const char *batch = NULL;
	long port = -1;
	int c, r;

	viz_cli_init(&cli);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "-h", opts, NULL)) != -1) {
		if ((r = viz_cli_option(&cli, c, optarg, "debug")) < 0)
			return TV_EXIT_USAGE;
		if (r)
			continue;
		uint64_t v;
		switch (c) {
		case VIZ_OPT_OWN: batch = optarg; break;
		case VIZ_OPT_OWN + 1:
			if (run_parse_u64(optarg, &v) || v < 1 || v > 65535) {
				fprintf(stderr, "trapvisor debug: --gdb %s: need a port 1..65535\n",
					optarg);
				return TV_EXIT_USAGE;
			}
			port = (long)v;
			break;
		case 'h': dbg_usage(stdout); return 0;
		default:
			fprintf(stderr,
				"trapvisor debug: unknown or incomplete option '%s' (try --help)\n",
				argv[optind - 1]);
			return TV_EXIT_USAGE;
		}
	}
	if (viz_cli_done(&cli, argc, argv, "debug"))
		return TV_EXIT_USAGE;
	if (!batch && port < 0 && (!isatty(0) || !isatty(1))) {
		fprintf(stderr, "trapvisor debug: the curses interface needs a terminal "
				"(use --batch FILE or --gdb PORT)\n");
		return TV_EXIT_USAGE;
	}

	struct dbg *d = calloc(1, sizeof(*d));
	struct viz_console *con = calloc(1, sizeof(*con));
	if (!d || !con) {
		fprintf(stderr, "trapvisor: out of memory\n");
		free(d);
		free(con);
		return 1;
	}
	/* In batch and GDB modes the guest's console is this process's. */
	con->echo = batch || port >= 0 ? stdout : NULL;
	int status;
	if (dbg_open(d, &cli.cfg, viz_console_put, con)) {
		status = TV_EXIT_USAGE;
		goto out;
	}
	if (batch)
		status = dbg_batch(d, batch);
	else if (port >= 0)
		status = gdb_serve(d, (int)port);
	else
		status = viz_tui_run(d, con);
	dbg_close(d);
out:
	free(d);
	free(con);
	return status;
}
